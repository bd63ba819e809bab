"""Writes on complaints, consultations, evaluations and accountability findings — one module per
aggregate. Every state change is one function: lock the row, ask `workflow.*_check`, write an
event, recompute the clock from the events, save (portal.cases). The public's own actions
(submit, rate) are here too, authorised by the tracking secret. Callers import from here."""

from complaints.services.common import (  # noqa: F401
    COMPLAINT_PREFIX,
    CONSULTATION_PREFIX,
    DETAILS_MAX,
    MAX_FILES,
    QUESTION_MAX,
    REPORTER_FIELDS,
    complaints_recompute_due_dates,
    refresh_complaint_clock,
    refresh_consultation_clock,
    secret_matches,
    submission_secret,
)
from complaints.services.complaints import (  # noqa: F401
    ReferenceConfirmationNeeded,
    complaint_accept,
    complaint_conclude,
    complaint_decline,
    complaint_explain,
    complaint_rate,
    complaint_register_offline,
    complaint_reopen,
    complaint_reply,
    complaint_request_explanation,
    complaint_submit,
    complaint_withdraw_explanation,
)
from complaints.services.consultations import (  # noqa: F401
    consultation_answer,
    consultation_publish,
    consultation_rate,
    consultation_register_offline,
    consultation_return,
    consultation_route,
    consultation_submit,
    consultation_unpublish,
)
from complaints.services.evaluation import (  # noqa: F401
    survey_submit,
)
from complaints.services.findings import (  # noqa: F401
    finding_record,
    finding_update,
)

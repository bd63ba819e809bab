"""The public survey of the disclosure work (社会评议, M.18)."""

from __future__ import annotations

import uuid

from django.db import transaction

from complaints.models import SurveyResponse
from complaints.services.common import _clean
from portal.intake import intake_once

# --- The public survey (社会评议, M.18) -----------------------------------------------------------


def survey_submit(*, overall: int, findability: int, timeliness: int, comment: str = "",
                  idempotency_key: uuid.UUID | None = None) -> SurveyResponse:
    """One answer to the survey; the same form sent twice (a double click, a resend after a
    timeout) stores one answer, so the dashboard's averages count each person once."""
    def store() -> SurveyResponse:
        response = SurveyResponse(overall=overall, findability=findability, timeliness=timeliness,
                                  comment=(comment or "").strip(), idempotency_key=idempotency_key)
        _clean(response)
        with transaction.atomic():
            response.save()
        return response

    return intake_once(SurveyResponse, idempotency_key=idempotency_key, create=store)[0]

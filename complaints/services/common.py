"""What every complaint and consultation service shares: tracking codes, input checks, the
clock and the one way a case changes state (portal.cases), and calendar recomputation."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import clock, workflow
from complaints.models import (
    Complaint,
    ComplaintEventKind,
    ComplaintFile,
    ComplaintStatus,
    Consultation,
    ConsultationEventKind,
    ConsultationStatus,
)
from portal import tracking
from portal.cases import case_lock, case_record_event
from portal.errors import InvalidInput
from portal.files import store_upload
from portal.models import Office, OfficeKind, SiteProfile
from portal.services import sequence_next
from portal.tracking import new_secret

logger = logging.getLogger("complaints.services")

CS = ComplaintStatus
QS = ConsultationStatus
CK = ComplaintEventKind
QK = ConsultationEventKind
MAX_FILES = 10
COMPLAINT_PREFIX = "JB"
CONSULTATION_PREFIX = "ZX"
REPORTER_FIELDS = ("name", "identity_number", "phone", "email", "address")
DETAILS_MAX = 5000
QUESTION_MAX = 3000


# --- Tracking code and secret (as for applications) --------------------------------------------


def secret_matches(case, secret: str) -> bool:
    return tracking.secret_matches(case.secret_digest if case is not None else None, secret)


def submission_secret(*, idempotency_key: uuid.UUID, purpose: str) -> str:
    """The secret of an online submission made with `idempotency_key` ("complaint" or
    "consultation"): recomputable from the key and SECRET_KEY, as a double submit needs. The demo
    uses it to tell a demo citizen the secret of a seeded report on every load."""
    return new_secret(idempotency_key, purpose)


def _tracking_code(prefix: str, name: str, year: int) -> str:
    return f"{prefix}{year}-{sequence_next(name=name, year=year):06d}"


# --- Shared helpers ---------------------------------------------------------------------------


def _require_text(text: str, message: str, limit: int = 10000) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(message)
    if len(text) > limit:
        raise InvalidInput(_("内容过长：最多 %(n)d 字。") % {"n": limit})
    return text


def _clean(instance, exclude=()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        raise InvalidInput("；".join(error.messages)) from None


def _check_received_on(received_on: dt.date) -> None:
    if received_on > timezone.localdate():
        raise InvalidInput(_("收到日期不能晚于今天。"))


def _matter(data: dict) -> dict:
    """The matter of a complaint, checked: the model does not enforce a text field's length."""
    details = (data.get("details") or "").strip()
    if not details:
        raise InvalidInput(_("请填写具体情况。"))
    if len(details) > DETAILS_MAX:
        raise InvalidInput(_("具体情况最多 %(n)d 字。") % {"n": DETAILS_MAX})
    return {"office": _complained_office(data.get("office")), "failure_type": data.get("failure_type") or "",
            "related_reference": (data.get("related_reference") or "").strip(), "details": details}


def _complained_office(office) -> Office | None:
    """The office complained about, or None: a reporter who cannot tell leaves it to the
    supervision office (分办)."""
    if office is None:
        return None
    if not isinstance(office, Office) or not office.is_active or office.kind == OfficeKind.SUPERVISION:
        raise InvalidInput(_("请选择被投诉的处室。"))
    return office


def _attach(complaint: Complaint, uploads: Iterable, *, role: str, saved, actor=None) -> list[ComplaintFile]:
    """Store the files; `saved` (portal.uploads.files_removed_unless_committed) is told of each,
    so a submission that does not commit leaves no reporter's file behind on disk."""
    return [store_upload(ComplaintFile(complaint=complaint, role=role, uploaded_by=actor), upload, saved=saved)
            for upload in uploads]


def _site_name() -> str:
    return SiteProfile.current().name


# --- Complaints: clock and events --------------------------------------------------------------


def refresh_complaint_clock(complaint: Complaint) -> None:
    result = clock.compute_complaint(complaint.events.order_by("on", "at", "pk"))
    complaint.due_date = result.due
    complaint.due_date_provisional = result.provisional
    complaint.explanation_due = result.explanation_due


def refresh_consultation_clock(consultation: Consultation) -> None:
    result = clock.compute_consultation(consultation.events.order_by("on", "at", "pk"))
    consultation.due_date = result.due
    consultation.due_date_provisional = result.provisional


# The clock of each kind of case, for `_case_record`.
_CLOCKS = {Complaint: refresh_complaint_clock, Consultation: refresh_consultation_clock}


def _case_record(case, *, kind: str, actor=None, role: str = "", to_status: str | None = None,
                 on: dt.date | None = None, comment: str = "", data: dict | None = None):
    """Write the event, move the status, recompute the clock, save: the one way a complaint or a
    consultation changes state (its clock is looked up from `_CLOCKS`)."""
    case_record_event(case, kind=kind, refresh_clock=_CLOCKS[type(case)], actor=actor, role=role,
                      to_status=to_status, on=on, comment=comment, data=data)
    return case


_lock_case = case_lock


def _begin_case(case, actor, name: str, expected_status: str | None):
    """Lock the row, then check role and office against the transition table of its kind."""
    case = _lock_case(case)
    if isinstance(case, Complaint):
        check, transitions = workflow.complaint_check, workflow.COMPLAINT_TRANSITIONS
    else:
        check, transitions = workflow.consultation_check, workflow.CONSULTATION_TRANSITIONS
    return case, check(transitions[name], actor, case, expected_status=expected_status)


# --- Calendar changes -------------------------------------------------------------------------


def complaints_recompute_due_dates(*, since: dt.date) -> int:
    """After a calendar change: recompute the clocks of complaints and consultations near `since`."""
    count = 0
    window = since - dt.timedelta(days=120)
    for complaint in Complaint.objects.filter(received_on__gte=window):
        before = (complaint.due_date, complaint.due_date_provisional, complaint.explanation_due)
        refresh_complaint_clock(complaint)
        if (complaint.due_date, complaint.due_date_provisional, complaint.explanation_due) != before:
            Complaint.objects.filter(pk=complaint.pk).update(
                due_date=complaint.due_date, due_date_provisional=complaint.due_date_provisional,
                explanation_due=complaint.explanation_due)
            count += 1
    for consultation in Consultation.objects.filter(received_on__gte=window):
        before = (consultation.due_date, consultation.due_date_provisional)
        refresh_consultation_clock(consultation)
        if (consultation.due_date, consultation.due_date_provisional) != before:
            Consultation.objects.filter(pk=consultation.pk).update(
                due_date=consultation.due_date, due_date_provisional=consultation.due_date_provisional)
            count += 1
    return count

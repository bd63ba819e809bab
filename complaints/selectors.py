"""Reads on complaints, consultations and findings: who may see which and how much, the public FAQ,
and the work lists.

Complaints (M.19) are seen at three levels, and every page, list, file and export asks `complaint_view`:

- FULL — the supervision office: the matter, the reporter's identity, contacts and files;
- OFFICE — the drafter and division head of the office complained about, once the supervision
  office has asked it for an explanation: the question put to it, its own answer and files, and
  the result; never the reporter, what the reporter wrote, or the reporter's files;
- MASKED — IT superusers: the structured facts of the case (code, office, type, status, dates),
  no free text and no files.

Everyone else does not see complaints at all (the disclosure office reads the dashboard's totals).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from enum import Enum

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import (
    AccountabilityFinding,
    Complaint,
    ComplaintStatus,
    Consultation,
    ConsultationStatus,
    Reporter,
    ReporterAccess,
)
from portal.models import Role
from portal.selectors import has_role, office_ids_for, roles_of
from portal.workdays import workdays_left_many
from portal.worklist import WorkItem

CS = ComplaintStatus
QS = ConsultationStatus


class View(Enum):
    NONE = "none"
    MASKED = "masked"
    OFFICE = "office"
    FULL = "full"


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _own_offices(user) -> frozenset[int]:
    return office_ids_for(user, Role.DRAFTER) | office_ids_for(user, Role.DIVISION_HEAD)


def is_supervision(user) -> bool:
    return _active(user) and has_role(user, Role.SUPERVISION) and user.has_perm("complaints.view_complaint")


# --- Complaints -------------------------------------------------------------------------------


def complaints_for_staff(user) -> QuerySet[Complaint]:
    """The back office's only door to complaints."""
    if not _active(user):
        return Complaint.objects.none()
    if is_supervision(user) or user.is_superuser:
        return Complaint.objects.all()
    offices = _own_offices(user)
    if offices and user.has_perm("complaints.view_complaint"):
        return Complaint.objects.filter(office_id__in=offices, explanation_requested_on__isnull=False)
    return Complaint.objects.none()


def complaint_view(user, complaint: Complaint) -> View:
    if not _active(user):
        return View.NONE
    if is_supervision(user):
        return View.FULL
    if complaint.office_id in _own_offices(user) and complaint.explanation_requested_on and user.has_perm(
        "complaints.view_complaint"
    ):
        return View.OFFICE
    if user.is_superuser:
        return View.MASKED
    return View.NONE


def may_see_reporter(user, complaint: Complaint) -> bool:
    return complaint_view(user, complaint) == View.FULL and user.has_perm("complaints.view_reporter_identity")


def log_reporter_view(user, complaint: Complaint, purpose: str = "", *, file=None) -> None:
    ReporterAccess.objects.create(complaint=complaint, user=user, purpose=purpose[:100], file=file)


def may_audit_reporter_access(user) -> bool:
    """The record of who saw which reporter: the supervision office's, like the identities."""
    return is_supervision(user) and user.has_perm("complaints.view_reporter_identity")


def complaints_by_reporter(user, *, name: str = "", phone: str = "", email: str = "") -> QuerySet[Complaint]:
    """The supervision office finds the cases of one reporter (by POST, never in a URL: the access
    log would keep the name). Each criterion given must match; spaces and dashes in phone numbers
    are ignored. Nobody else finds anything."""
    if not may_audit_reporter_access(user):
        return Complaint.objects.none()
    name, email = " ".join((name or "").split()), (email or "").strip()
    phone = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
    if not (name or phone or email):
        return Complaint.objects.none()
    reporters = Reporter.objects.all()
    if name:
        reporters = reporters.filter(name__icontains=name)
    if phone:
        plain = Replace(Replace(Replace("phone", Value("-"), Value("")), Value(" "), Value("")), Value("+"), Value(""))
        reporters = reporters.annotate(phone_digits=plain).filter(phone_digits__contains=phone)
    if email:
        reporters = reporters.filter(email__icontains=email)
    return Complaint.objects.filter(anonymous=False, pk__in=reporters.values("complaint_id"))


def reporter_of(complaint: Complaint):
    """The reporter row, or None when anonymous (call only after `may_see_reporter`)."""
    return None if complaint.anonymous else Reporter.objects.filter(complaint=complaint).first()


def complaint_files_for(user, complaint: Complaint):
    """Evidence for the supervision office; the office concerned sees only its own explanation files."""
    view = complaint_view(user, complaint)
    if view == View.FULL:
        return complaint.files.all()
    if view == View.OFFICE:
        return complaint.files.filter(role="explanation")
    return complaint.files.none()


def complaint_events_for(user, complaint: Complaint):
    """The handling record: all of it for the supervision office; for the office concerned, the
    steps that concern it; for IT, the steps without their texts (the template hides comments)."""
    view = complaint_view(user, complaint)
    events = complaint.events.select_related("actor").order_by("on", "at", "pk")
    if view == View.FULL:
        return events
    if view == View.OFFICE:
        return events.filter(kind__in=["explanation_requested", "explanation_given", "explanation_withdrawn"])
    if view == View.MASKED:
        return events
    return events.none()


# --- Consultations ----------------------------------------------------------------------------


def consultations_for_staff(user) -> QuerySet[Consultation]:
    """The disclosure office and the supervision office see all consultations; an office's drafter
    and division head those routed to their office; IT superusers may read."""
    if not _active(user):
        return Consultation.objects.none()
    if not (user.has_perm("complaints.view_consultation") or user.is_superuser):
        return Consultation.objects.none()
    if has_role(user, Role.DISCLOSURE_OFFICE) or has_role(user, Role.SUPERVISION) or user.is_superuser:
        return Consultation.objects.all()
    offices = _own_offices(user)
    return Consultation.objects.filter(office_id__in=offices) if offices else Consultation.objects.none()


def may_see_asker(user, consultation: Consultation) -> bool:
    """The asker's name and contacts in full: the disclosure office and the office answering."""
    if not _active(user) or not user.has_perm("complaints.view_consultation"):
        return False
    if has_role(user, Role.DISCLOSURE_OFFICE) and user.has_perm("complaints.view_asker_identity"):
        return True
    return bool(consultation.office_id) and consultation.office_id in _own_offices(user)


def faq_published() -> QuerySet[Consultation]:
    """The public's only door to consultations: the published ones, newest first."""
    return (Consultation.objects.filter(status=QS.CLOSED, publish_consent=True, published_at__isnull=False)
            .select_related("office").order_by("-published_at", "-pk"))


# --- Findings ---------------------------------------------------------------------------------


def findings_for_staff(user) -> QuerySet[AccountabilityFinding]:
    """Supervision and disclosure office: all; an office's drafter and head: their office's; a
    leader: the offices they supervise; IT superusers: all, to read."""
    if not _active(user):
        return AccountabilityFinding.objects.none()
    if user.is_superuser or (user.has_perm("complaints.view_accountabilityfinding") and (
            has_role(user, Role.SUPERVISION) or has_role(user, Role.DISCLOSURE_OFFICE))):
        return AccountabilityFinding.objects.all()
    if not user.has_perm("complaints.view_accountabilityfinding"):
        return AccountabilityFinding.objects.none()
    offices = _own_offices(user) | office_ids_for(user, Role.LEADER)
    return AccountabilityFinding.objects.filter(office_id__in=offices)


# --- Work lists -------------------------------------------------------------------------------

COMPLAINT_STEPS = {
    CS.SUBMITTED: _("待受理"),
    CS.INVESTIGATING: _("调查核实"),
    CS.CONCLUDED: _("待答复举报人"),
    CS.EXPLANATION_REQUESTED: _("待作出说明"),
}
WAITING_STEP = _("等待被投诉处室说明")
UNASSIGNED = _("待分办")  # a complaint whose reporter did not know the office
EXPLANATION_OVERDUE_NOTE = _("说明期限已过：可以查结，或撤回说明要求")
PUBLISH_REMINDER_DAYS = 30
CONSULTATION_STEPS = {QS.SUBMITTED: _("待分办"), QS.ASSIGNED: _("待答复")}


def _item(*, title, url, kind, office, step, due, today, left, provisional=False, note="") -> WorkItem:
    return WorkItem(title=title, url=url, kind=kind, office=office, step=step, due_date=due,
                    days_left=left.get(due) if due else None, overdue=bool(due and due < today),
                    provisional=provisional, note=note)


def worklist(user, today: date | None = None) -> list[WorkItem]:
    """What waits for this person: the supervision office's open complaints; the explanations the
    office concerned owes; consultations to route, answer or publish."""
    today = today or timezone.localdate()
    roles = roles_of(user)
    if not roles:
        return []
    offices = _own_offices(user)
    complaints: list[tuple[Complaint, str]] = []
    if Role.SUPERVISION in roles and user.has_perm("complaints.handle_complaint"):
        # Cases waiting for an office's explanation stay on the supervision office's list, with
        # the explanation's deadline: once it passes, the case is the supervision office's to move.
        complaints += [(c, "waiting" if c.status == CS.EXPLANATION_REQUESTED else "supervision")
                       for c in Complaint.objects.filter(status__in=list(COMPLAINT_STEPS)).select_related("office")[:200]]
    if offices and user.has_perm("complaints.explain_complaint"):
        complaints += [(c, "office") for c in Complaint.objects.filter(
            status=CS.EXPLANATION_REQUESTED, office_id__in=offices).select_related("office")[:200]]
    consultation_filter = Q(pk__in=[])
    if Role.DISCLOSURE_OFFICE in roles and user.has_perm("complaints.route_consultation"):
        consultation_filter |= Q(status=QS.SUBMITTED)
        # Answered in the past month with the asker's consent and not yet published: a reminder
        # that fades, since not every answer suits the FAQ.
        consultation_filter |= Q(status=QS.CLOSED, publish_consent=True, published_at__isnull=True,
                                 answered_on__gte=today - timedelta(days=PUBLISH_REMINDER_DAYS))
    if offices and user.has_perm("complaints.answer_consultation"):
        consultation_filter |= Q(status=QS.ASSIGNED, office_id__in=offices)
    consultations = list(Consultation.objects.filter(consultation_filter).select_related("office")[:200])

    dues = [c.explanation_due if how in ("office", "waiting") else c.due_date for c, how in complaints]
    dues += [c.due_date for c in consultations if c.status != QS.CLOSED]
    left = workdays_left_many(dues, today)
    items = []
    for complaint, how in complaints:
        due = complaint.explanation_due if how in ("office", "waiting") else complaint.due_date
        step = WAITING_STEP if how == "waiting" else COMPLAINT_STEPS[complaint.status]
        note = str(EXPLANATION_OVERDUE_NOTE) if how == "waiting" and due and due < today else ""
        items.append(_item(
            title=str(complaint), url=reverse("admin:complaints_complaint_change", args=[complaint.pk]),
            kind=str(_("举报投诉")), office=complaint.office.name if complaint.office_id else str(UNASSIGNED),
            step=str(step),
            due=due, today=today, left=left, provisional=complaint.due_date_provisional and how == "supervision",
            note=note,
        ))
    for consultation in consultations:
        closed = consultation.status == QS.CLOSED
        items.append(_item(
            title=str(consultation), url=reverse("admin:complaints_consultation_change", args=[consultation.pk]),
            kind=str(_("咨询")), office=consultation.office.name if consultation.office_id else "—",
            step=str(_("咨询人同意公开，待审核公开") if closed else CONSULTATION_STEPS[consultation.status]),
            due=None if closed else consultation.due_date, today=today, left=left,
            provisional=not closed and consultation.due_date_provisional,
        ))
    return items


# --- Masking ----------------------------------------------------------------------------------


def mask(value: str, *, keep_start: int = 1, keep_end: int = 0) -> str:
    """张**, 139****5678: enough to tell records apart, not to identify."""
    value = value or ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[len(value) - keep_end:]


def mask_phone(value: str) -> str:
    return mask(value, keep_start=3, keep_end=2) if value else ""


class OwnComplaints:
    """The `own_cases` hook (portal/own_cases): a reporter's complaints, by the contact they left
    (never an anonymous one: it has none), in the words of the tracking page — which shows an
    explanation asked of the office as "调查核实中" (M.19: internal)."""

    key = "complaint"

    @staticmethod
    def find(contact) -> list[int]:
        from portal.own_cases.selectors import with_contact

        reporters = with_contact(Reporter.objects.filter(complaint__anonymous=False), contact)
        return list(reporters.values_list("complaint_id", flat=True))

    @staticmethod
    def rows(pks: list[int]) -> list:
        from portal.own_cases.selectors import OwnCase

        rows = []
        for complaint in Complaint.objects.filter(pk__in=pks, anonymous=False):
            status = (ComplaintStatus.INVESTIGATING.label if complaint.status == ComplaintStatus.EXPLANATION_REQUESTED
                      else complaint.get_status_display())
            if complaint.result:
                status = f"{status}{_('：')}{complaint.get_result_display()}"
            rows.append(OwnCase(
                ref=f"complaint:{complaint.pk}", kind=str(Complaint._meta.verbose_name),
                tracking_code=complaint.tracking_code, title=complaint.get_failure_type_display(), status=status,
                submitted_at=complaint.submitted_at, due_date=complaint.due_date,
                due_date_provisional=complaint.due_date_provisional, closed_at=complaint.closed_at))
        return rows


class OwnConsultations:
    """The `own_cases` hook: an asker's consultations, by their e-mail address or number."""

    key = "consultation"

    @staticmethod
    def find(contact) -> list[int]:
        from portal.own_cases.selectors import with_contact

        return list(with_contact(Consultation.objects.all(), contact).values_list("pk", flat=True))

    @staticmethod
    def rows(pks: list[int]) -> list:
        from portal.own_cases.selectors import OwnCase

        return [OwnCase(
            ref=f"consultation:{consultation.pk}", kind=str(Consultation._meta.verbose_name),
            tracking_code=consultation.tracking_code, title=consultation.subject,
            status=consultation.get_status_display(), submitted_at=consultation.submitted_at,
            due_date=consultation.due_date, due_date_provisional=consultation.due_date_provisional,
            closed_at=consultation.closed_at) for consultation in Consultation.objects.filter(pk__in=pks)]

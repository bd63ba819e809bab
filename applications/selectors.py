"""Reads on applications: who may see which, masked identities, work lists, and the counts the
annual report needs."""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import ApplicationEvent, DisclosureApplication, EventKind, IdentityAccess, Status
from portal.models import Membership, Role
from portal.selectors import has_role, office_ids_for, roles_of
from portal.workdays import Calendar, workdays_left_many
from portal.worklist import WorkItem, waited_text

S = Status


@dataclass(frozen=True)
class DateRange:
    """A period of days, both ends included (the shape of complaints.assessment.Period)."""

    start: date
    end: date


def proactive_disclosure_suggestions(period) -> int:
    """How many applicants suggested, in `period` (anything with `start` and `end` dates), that
    the information they asked for be disclosed proactively (R.44, second paragraph)."""
    # A range on the moment itself (local midnights), read from the partial index
    # application_suggested_at; `__date` would convert every row's value first (issue #22).
    zone = timezone.get_current_timezone()
    return DisclosureApplication.objects.filter(
        proactive_suggested=True,
        proactive_suggested_at__gte=dt.datetime.combine(period.start, dt.time.min, tzinfo=zone),
        proactive_suggested_at__lt=dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    ).count()


def public_record(application: DisclosureApplication):
    """The record the application's answer became (R.44), once it is out for the public: published
    or registered, its publication time reached. None before then, and after it was revoked."""
    from disclosure.selectors import records_published

    if application.public_record_id is None:
        return None
    return records_published().filter(pk=application.public_record_id).first()


def extension_approver_rules() -> list[tuple[str, str]]:
    """settings.APPLICATION_EXTENSION_APPROVERS as (role, office kind or "") pairs."""
    return [(entry.partition(":")[0].strip(), entry.partition(":")[2].strip())
            for entry in getattr(settings, "APPLICATION_EXTENSION_APPROVERS", []) if entry.strip()]


def is_extension_approver(user) -> bool:
    """Whether `user` may consent to an extension (R.33(2): the head of the disclosure work body;
    by default the head of the general office or a leader, settings.APPLICATION_EXTENSION_APPROVERS)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    for role, kind in extension_approver_rules():
        if not has_role(user, role):
            continue
        if not kind or Membership.objects.filter(user=user, role=role, office__kind=kind).exists():
            return True
    return False


def extension_approvers(*, exclude=None) -> QuerySet:
    """Active people who may consent to an extension (whom to tell of a request)."""
    from django.contrib.auth import get_user_model

    condition = Q(pk__in=[])
    for role, kind in extension_approver_rules():
        condition |= Q(memberships__role=role, **({"memberships__office__kind": kind} if kind else {}))
    users = get_user_model().objects.filter(condition, is_active=True).distinct()
    return users.exclude(pk=exclude.pk) if exclude is not None else users


def applications_for_staff(user) -> QuerySet[DisclosureApplication]:
    """The disclosure office and the supervision office see all applications; an office's info
    officer and division head see those assigned to their office; whoever consents to extensions
    sees those waiting for their consent and those they decided; IT superusers may read."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return DisclosureApplication.objects.none()
    if has_role(user, Role.DISCLOSURE_OFFICE) or has_role(user, Role.SUPERVISION) or user.is_superuser:
        return DisclosureApplication.objects.all()
    offices = office_ids_for(user, Role.DRAFTER) | office_ids_for(user, Role.DIVISION_HEAD)
    scope = Q(office_id__in=offices)
    if is_extension_approver(user):
        decided = ApplicationEvent.objects.filter(
            actor=user, kind__in=(EventKind.EXTENDED, EventKind.EXTENSION_REFUSED)).values("application_id")
        scope |= Q(extension_pending=True) | Q(pk__in=decided)
    if led := office_ids_for(user, Role.LEADER):
        # A supervising leader signs public-interest disclosures of the offices they supervise.
        signed = ApplicationEvent.objects.filter(
            actor=user, kind=EventKind.PUBLIC_INTEREST_SIGNED_OFF).values("application_id")
        scope |= Q(public_interest_pending=True, office_id__in=led) | Q(pk__in=signed)
    return DisclosureApplication.objects.filter(scope)


def may_see_identity(user, application: DisclosureApplication) -> bool:
    """The applicant's identity number and contacts in full: only the disclosure office and the
    office the application is assigned to (the privacy rule of issue #5)."""
    if not user.has_perm("applications.view_applicant_identity") and not user.has_perm(
        "applications.handle_application"
    ):
        return False
    if has_role(user, Role.DISCLOSURE_OFFICE):
        return True
    return bool(application.office_id) and application.office_id in (
        office_ids_for(user, Role.DRAFTER) | office_ids_for(user, Role.DIVISION_HEAD)
    )


def log_identity_view(user, application: DisclosureApplication, purpose: str = "") -> None:
    IdentityAccess.objects.create(application=application, user=user, purpose=purpose[:100])


def mask(value: str, *, keep_start: int = 3, keep_end: int = 2) -> str:
    """139****5678, 2201**********1234: enough to tell records apart, not to identify."""
    value = value or ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_email(value: str) -> str:
    name, at, domain = (value or "").partition("@")
    return (name[:1] + "***" + at + domain) if at else mask(value)


def _awaiting(user) -> Q | None:
    roles = roles_of(user)
    conditions = []
    if Role.DISCLOSURE_OFFICE in roles:
        conditions.append(Q(status__in=[S.SUBMITTED, S.RECEIVED, S.REPLY_DRAFTED]))
        conditions.append(Q(status=S.SUPPLEMENT_REQUESTED, supplement_deadline__lt=timezone.localdate()))
        conditions.append(Q(status=S.SUPPLEMENT_LATE))
        conditions.append(Q(status=S.ASSIGNED, fee_pending=True))
    offices = office_ids_for(user, Role.DRAFTER) | office_ids_for(user, Role.DIVISION_HEAD)
    if offices:
        conditions.append(Q(status=S.ASSIGNED, office_id__in=offices))
    if is_extension_approver(user):
        conditions.append(Q(extension_pending=True))
    if led := office_ids_for(user, Role.LEADER):
        conditions.append(Q(public_interest_pending=True, office_id__in=led))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


STEP_HINTS = {
    S.SUBMITTED: _("待确认受理"),
    S.RECEIVED: _("待分办"),
    S.ASSIGNED: _("待拟定答复"),
    S.REPLY_DRAFTED: _("答复待审核"),
    S.SUPPLEMENT_REQUESTED: _("补正期限已过"),
    S.SUPPLEMENT_LATE: _("逾期补正待决定"),
}


def worklist(user, today: date | None = None) -> list[WorkItem]:
    condition = _awaiting(user)
    if condition is None:
        return []
    today = today or timezone.localdate()
    applications = list(
        DisclosureApplication.objects.filter(condition).select_related("office").order_by("due_date", "submitted_at")[:200]
    )
    left = workdays_left_many([a.due_date for a in applications if not a.clock_paused], today)
    # Online applications awaiting confirmation come first, with how long they have waited: the
    # day of receipt, and so the reply clock, is only fixed by the confirmation (R.31).
    awaiting = [a for a in applications if a.status == S.SUBMITTED]
    now = timezone.now()
    calendar = Calendar.for_window(min(timezone.localtime(a.submitted_at).date() for a in awaiting), today) \
        if awaiting else None
    items = []
    for application in applications:
        due = application.due_date if not application.clock_paused else None
        note = ""
        if application.clock_paused:
            note = str(_("期限暂停"))
        if application.fee_pending:
            note = str(_("待缴费"))
        step = STEP_HINTS.get(application.status, application.get_status_display())
        if application.extension_pending:
            step = _("延期待批准")
        if application.public_interest_pending:
            step = _("因公共利益决定公开待签发")
        items.append(WorkItem(
            title=f"{application.tracking_code} {application.information_title}",
            url=reverse("admin:applications_disclosureapplication_change", args=[application.pk]),
            kind=str(_("依申请公开")),
            office=application.office.name if application.office_id else "—",
            step=str(step),
            due_date=due,
            days_left=left.get(due) if due else None,
            overdue=bool(due and due < today),
            provisional=bool(due and application.due_date_provisional),
            note=note,
            **({"pinned": True, "waiting_since": application.submitted_at,
                "waiting": waited_text(application.submitted_at, now=now, calendar=calendar)}
               if application.status == S.SUBMITTED else {}),
        ))
    return items


# Below this similarity two titles are not offered as a possible repeat (difflib ratio of the
# normalised titles, 0–1). 0.6 catches reworded and re-dated titles without flooding the hint.
SIMILAR_TITLE_RATIO = 0.6
SIMILAR_CANDIDATES = 200


def normalised_title(title: str) -> str:
    """Letters and digits only, case and width folded: 《2025年度名单》（重复） ≈ 2025年度名单重复."""
    text = unicodedata.normalize("NFKC", title or "").casefold()
    return "".join(ch for ch in text if ch.isalnum())


def titles_similar(first: str, second: str) -> bool:
    """The same request in other words: one title contains the other (either way round), or
    their normalised forms are close (difflib ratio)."""
    a, b = normalised_title(first), normalised_title(second)
    if not (a and b):
        return False
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= 4 and shorter in longer:
        return True
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= SIMILAR_TITLE_RATIO


def similar_earlier_applications(application: DisclosureApplication) -> list[DisclosureApplication]:
    """A hint for staff: the same applicant (same identity number, or same name and phone) asked
    for something similar earlier (a possible repeat application, R.36(6)); newest first."""
    same_applicant = Q(applicant_name=application.applicant_name, phone=application.phone)
    if application.identity_number:
        same_applicant |= Q(identity_number=application.identity_number)
    candidates = (
        DisclosureApplication.objects.filter(same_applicant, submitted_at__lt=application.submitted_at)
        .exclude(pk=application.pk)
        .order_by("-submitted_at")[:SIMILAR_CANDIDATES]
    )
    return [
        other for other in candidates
        if (application.index_number and other.index_number == application.index_number)
        or titles_similar(application.information_title, other.information_title)
    ]


def applicant_files(application: DisclosureApplication) -> QuerySet:
    """What the applicant may download from the tracking page: the files provided with a reply,
    and only once that reply has been approved and sent (R.36)."""
    if application.status != S.CLOSED or application.replied_on is None:
        return application.files.none()
    return application.files.filter(visible_to_applicant=True).order_by("uploaded_at", "pk")


def applicant_notices(application: DisclosureApplication) -> QuerySet:
    """The notices sent to the applicant (not the letters to third parties), oldest first."""
    return application.notices.filter(to_applicant=True).order_by("issued_on", "pk")


def outcome_counts(year: int) -> dict[str, dict[str, int]]:
    """Applications whose processing ended in `year`, by outcome and applicant type: the body of
    table 3 (an outcome is counted in the year processing ended; a partial disclosure only as
    部分公开, since it has one outcome)."""
    from django.db.models import Count

    rows = (
        DisclosureApplication.objects.filter(status=S.CLOSED, closed_at__year=year)
        .values_list("outcome", "applicant_type")
        .annotate(n=Count("id"))
    )
    counts: dict[str, dict[str, int]] = {}
    for outcome, applicant_type, n in rows:
        counts.setdefault(outcome, {})[applicant_type] = n
    return counts


def _channel_label(value: str) -> str:
    from applications.models import SendChannel

    return str(SendChannel(value).label) if value in SendChannel.values else value


def _checklist_summary(checklist: dict) -> str:
    """The confidentiality check of a reply (M.3(4), M.6) in one line, with the ground for
    disclosing a commercial secret or privacy all the same (M.6 para. 2, R.15)."""
    from disclosure.models import DisclosureOverride

    if checklist.get("redacted_parts"):
        text = str(_("保密审查：删去（不予公开）的部分：%(parts)s；依据：%(grounds)s") % {
            "parts": checklist["redacted_parts"], "grounds": "、".join(checklist.get("redaction_grounds", []))})
    elif checklist.get("override"):
        text = str(_("保密审查：不涉及国家秘密"))
    else:
        text = str(_("保密审查：不涉及国家秘密、商业秘密、个人隐私"))
    if checklist.get("override") == DisclosureOverride.CONSENT:
        text += str(_("；经权利人同意公开（%(how)s，%(on)s 同意，同意书：%(document)s）") % {
            "how": checklist.get("consent_how", ""), "on": checklist.get("consent_on", ""),
            "document": checklist.get("consent_document", "")})
    elif checklist.get("override") == DisclosureOverride.PUBLIC_INTEREST:
        text += str(_("；不公开可能对公共利益造成重大影响，予以公开（%(leader)s于 %(on)s 签发）；理由：%(reason)s") % {
            "leader": checklist.get("signed_by_name", ""), "on": checklist.get("signed_on", ""),
            "reason": checklist.get("public_interest_reason", "")})
    return text


def event_summary(event) -> str:
    """What the back office's handling record says of an event besides its comment: who asked
    for and who consented to an extension (R.33(2)), the confidentiality check of a reply
    (M.3(4)), to whom and when a notice went, the dates a clock event set."""
    data = event.data or {}
    kind = event.kind
    if kind == EventKind.EXTENDED and data.get("approved_on"):
        return str(_("延长 %(days)s 个工作日；%(requester)s于 %(requested)s 申请，%(approver)s于 %(approved)s 同意") % {
            "days": data.get("days"), "requester": data.get("requested_by_name", ""),
            "requested": data.get("requested_on", ""), "approver": data.get("approved_by_name", ""),
            "approved": data["approved_on"]})
    if kind == EventKind.EXTENSION_REQUESTED:
        return str(_("申请延长 %(days)s 个工作日") % {"days": data.get("days")})
    if kind == EventKind.REPLIED and data.get("checklist"):
        return _checklist_summary(data["checklist"])
    if kind == EventKind.PUBLIC_INTEREST_SIGNED_OFF:
        return str(_("%(leader)s于 %(on)s 签发；%(requester)s于 %(requested)s 提请；理由：%(reason)s") % {
            "leader": data.get("signed_by_name", ""), "on": data.get("signed_on", ""),
            "requester": data.get("requested_by_name", ""), "requested": data.get("requested_on", ""),
            "reason": data.get("reason", "")})
    if kind == EventKind.THIRD_PARTY_NOTIFIED:
        return str(_("告知%(who)s（%(via)s，%(on)s 发出）；决定公开的内容：%(content)s") % {
            "who": data.get("third_party", ""), "via": _channel_label(data.get("sent_via", "")),
            "on": data.get("sent_on", ""),
            "content": data.get("content", "")})
    if kind in (EventKind.CONSULTATION_STARTED, EventKind.AGENCY_CONSULTATION_STARTED) and data.get("presumed_receipt"):
        return str(_("推定 %(received)s 收到，应于 %(answer_by)s 前答复") % {
            "received": data["presumed_receipt"], "answer_by": data.get("answer_by", "")})
    if kind == EventKind.CONSULTATION_ENDED and data.get("objected"):
        return str(_("第三方不同意公开"))
    if kind == EventKind.NOTICE_RECEIVED:
        return str(_("对方收到日期；期限至 %(date)s") % {"date": data.get("answer_by") or data.get("pay_by") or "—"})
    if kind == EventKind.DELAYED_REPLY:
        return str(_("延迟答复至 %(date)s") % {"date": data.get("until", "")})
    if kind == EventKind.FEE_NOTICE and data.get("pay_by"):
        return str(_("%(amount)s 元，缴费期限 %(date)s") % {"amount": data.get("amount", ""), "date": data["pay_by"]})
    return ""


class OwnApplications:
    """The `own_cases` hook (portal/own_cases): an applicant's applications, found by the e-mail
    address or the number on them, in the words of their status page."""

    key = "application"

    @staticmethod
    def find(contact) -> list[int]:
        from portal.own_cases.selectors import with_contact

        return list(with_contact(DisclosureApplication.objects.all(), contact).values_list("pk", flat=True))

    @staticmethod
    def rows(pks: list[int]) -> list:
        from applications.outcomes import Outcome
        from portal.own_cases.selectors import OwnCase

        rows = []
        for application in DisclosureApplication.objects.filter(pk__in=pks):
            status = application.get_status_display()
            if application.status == S.CLOSED and application.outcome in Outcome.values:
                status = f"{status}{_('：')}{Outcome(application.outcome).label}"
            rows.append(OwnCase(
                ref=f"application:{application.pk}", kind=str(DisclosureApplication._meta.verbose_name),
                tracking_code=application.tracking_code, title=application.information_title, status=status,
                submitted_at=application.submitted_at, due_date=application.due_date,
                due_date_provisional=application.due_date_provisional, closed_at=application.closed_at))
        return rows

"""Writes on complaints, consultations, evaluations and accountability findings. Every state
change is one function: lock the row, ask `workflow.*_check`, write an event, recompute the clock
from the events, save. The public's own actions (submit, rate) are here too, authorised by the
tracking secret.

Confidentiality (M.19): the functions that take a reporter's identity are wrapped in
`sensitive_variables()`, so an error report never shows it; log lines and staff mails name a
complaint by its tracking code only.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables

from complaints import clock, identity, workflow
from complaints.models import (
    SUBSTANTIATED_RESULTS,
    AccountabilityFinding,
    Channel,
    Complaint,
    ComplaintEventKind,
    ComplaintFile,
    ComplaintFileRole,
    ComplaintResult,
    ComplaintStatus,
    Consultation,
    ConsultationEventKind,
    ConsultationStatus,
    Measure,
    Reporter,
    SurveyResponse,
)
from portal import tracking
from portal.cases import case_lock, case_rate, case_record_event, tell_citizen, tell_staff
from portal.errors import ActionRefused, InvalidInput
from portal.files import store_upload
from portal.intake import intake_once
from portal.models import Office, OfficeKind, Role, SiteProfile
from portal.notify import absolute_url, notify_on_commit
from portal.pagecache import public_content_changed
from portal.selectors import has_role, users_acting_as
from portal.services import sequence_next
from portal.tracking import new_secret, secret_digest
from portal.uploads import files_removed_unless_committed
from portal.validators import resident_id_is_valid, uscc_is_valid

logger = logging.getLogger(__name__)

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


def _tell_supervision(complaint: Complaint, subject) -> None:
    tell_staff(complaint, users=users_acting_as(Role.SUPERVISION), subject=subject, summary=complaint,
               link=absolute_url(reverse("admin:complaints_complaint_change", args=[complaint.pk])),
               site_name=_site_name())


def _tell_reporter(complaint: Complaint, *, subject: str, body: str) -> None:
    """Mail to the reporter's own address, if they gave one. Greets no one by name."""
    email = getattr(getattr(complaint, "reporter", None), "email", "") if not complaint.anonymous else ""
    tell_citizen(complaint, email=email, subject=subject, body=body, greeting=_("您好"),
                 tracking_url=absolute_url(reverse("complaints:track")), site_name=_site_name())


def _store_reporter(complaint: Complaint, reporter: dict | None) -> None:
    if complaint.anonymous:
        return
    if not reporter or not (reporter.get("name") or "").strip():
        raise InvalidInput(_("实名举报请填写姓名或名称；不愿留下姓名的，请选择匿名举报。"))
    if not ((reporter.get("phone") or "").strip() or (reporter.get("email") or "").strip()):
        raise InvalidInput(_("实名举报请至少填写一种联系方式（电话或电子邮箱）。"))
    person = Reporter(complaint=complaint, **{k: (reporter.get(k) or "").strip() for k in REPORTER_FIELDS})
    person.identity_number = "".join(person.identity_number.split()).upper()
    if len(person.identity_number) == 18 and not (resident_id_is_valid(person.identity_number)
                                                  or uscc_is_valid(person.identity_number)):
        raise InvalidInput(_("证件号码无效：18位的居民身份证号码或统一社会信用代码，校验位不正确。"))
    _clean(person, exclude=["complaint"])
    person.save()


# --- Complaints: creating ---------------------------------------------------------------------


@sensitive_variables()
def complaint_submit(*, data: dict, reporter: dict | None, anonymous: bool, uploads: Iterable = (),
                     idempotency_key: uuid.UUID | None = None) -> tuple[Complaint, str, bool]:
    """An online complaint or report (M.19). `data`: office, failure_type, related_reference,
    details. `reporter`: name, identity_number, phone, email, address — ignored when anonymous.
    Returns (complaint, secret, created); the same form sent twice, even at the same moment,
    stores one complaint and every answer is its receipt (portal.intake)."""
    secret = new_secret(idempotency_key, "complaint")
    uploads = list(uploads)

    def store() -> Complaint:
        if len(uploads) > MAX_FILES:
            raise InvalidInput(_("附件最多 %(n)d 个。") % {"n": MAX_FILES})
        today = timezone.localdate()
        with files_removed_unless_committed() as saved, transaction.atomic():
            complaint = Complaint(
                **_matter(data), anonymous=bool(anonymous), channel=Channel.ONLINE,
                status=CS.SUBMITTED, received_on=today, idempotency_key=idempotency_key,
                tracking_code=_tracking_code(COMPLAINT_PREFIX, "complaint", today.year), secret_digest=secret_digest(secret),
            )
            _clean(complaint, exclude=["tracking_code"])
            complaint.save()
            _store_reporter(complaint, reporter)
            _attach(complaint, uploads, role=ComplaintFileRole.EVIDENCE, saved=saved)
            _case_record(complaint, kind=CK.SUBMITTED, on=today, comment=Channel.ONLINE.label,
                              data={"days": clock.complaint_reply_days(), "channel": Channel.ONLINE})
        return complaint

    complaint, created = intake_once(Complaint, idempotency_key=idempotency_key, create=store)
    if not created:
        return complaint, secret, False
    _tell_reporter(complaint, subject=_("已收到您的举报投诉"),
                   body=_("您的举报投诉已提交，厅监察室将及时受理、处理，并为举报人保守秘密（实施办法第十九条）。"))
    _tell_supervision(complaint, gettext_lazy("新的网上举报投诉"))
    return complaint, secret, True


@sensitive_variables()
def complaint_register_offline(*, actor, data: dict, reporter: dict | None, anonymous: bool, channel: str,
                               received_on: dt.date, uploads: Iterable = ()) -> tuple[Complaint, str]:
    """The supervision office enters a complaint received at the service hall window, by phone or
    by letter (M.10); it then follows the same path and clock as an online one."""
    if not (actor.has_perm("complaints.handle_complaint") and has_role(actor, Role.SUPERVISION)):
        raise ActionRefused(_("举报投诉由厅监察室登记。"))
    if channel == Channel.ONLINE or channel not in Channel.values:
        raise InvalidInput(_("请选择来源渠道：政务大厅工作窗口、电话或信函。"))
    _check_received_on(received_on)
    secret = new_secret(None, "complaint")
    with files_removed_unless_committed() as saved, transaction.atomic():
        complaint = Complaint(
            **_matter(data), anonymous=bool(anonymous), channel=channel,
            status=CS.SUBMITTED, received_on=received_on, created_by=actor,
            tracking_code=_tracking_code(COMPLAINT_PREFIX, "complaint", received_on.year),
            secret_digest=secret_digest(secret),
        )
        _clean(complaint, exclude=["tracking_code"])
        complaint.save()
        _store_reporter(complaint, reporter)
        _attach(complaint, uploads, role=ComplaintFileRole.EVIDENCE, saved=saved, actor=actor)
        _case_record(complaint, kind=CK.SUBMITTED, actor=actor, role=Role.SUPERVISION, on=received_on,
                          comment=Channel(channel).label, data={"days": clock.complaint_reply_days(),
                                                                "channel": channel})
    return complaint, secret


# --- Complaints: the supervision office's and the office's steps ------------------------------


def _assign_office(complaint: Complaint, office: Office | None) -> dict:
    """分办: the supervision office names the office complained about — the reporter left it open
    (不确定) or named the wrong one. Returns what the handling record keeps of it."""
    if office is None or office.pk == complaint.office_id:
        return {}
    complaint.office = _complained_office(office)
    return {"office": office.pk, "office_name": office.name}


def complaint_accept(*, complaint, actor, comment: str = "", office: Office | None = None,
                     expected_status: str | None = None) -> Complaint:
    """受理; the office complained about may be named (or corrected) here, or later."""
    with transaction.atomic():
        complaint, role = _begin_case(complaint, actor, workflow.CA.ACCEPT, expected_status)
        data = _assign_office(complaint, office)
        _case_record(complaint, kind=CK.ACCEPTED, actor=actor, role=role, to_status=CS.INVESTIGATING,
                          comment=(comment or "").strip(), data=data)
        _tell_reporter(complaint, subject=_("您的举报投诉已受理"),
                       body=_("厅监察室已受理您的举报投诉，将在 %(due)s 前办结并答复。") % {"due": complaint.due_date})
        return complaint


def complaint_decline(*, complaint, actor, reason: str, expected_status: str | None = None) -> Complaint:
    """不予受理: the reason is the reply the reporter reads."""
    reason = _require_text(reason, _("请写明不予受理的理由（将告知举报人）。"))
    with transaction.atomic():
        complaint, role = _begin_case(complaint, actor, workflow.CA.DECLINE, expected_status)
        complaint.result = ComplaintResult.NOT_ACCEPTED
        complaint.reply = reason
        complaint.replied_on = timezone.localdate()
        complaint.closed_at = timezone.now()
        _case_record(complaint, kind=CK.DECLINED, actor=actor, role=role, to_status=CS.CLOSED)
        _tell_reporter(complaint, subject=_("关于您的举报投诉"), body=reason)
        return complaint


class ReferenceConfirmationNeeded(InvalidInput):
    """The question names an application, or repeats what the reporter referred to: sent only
    once the supervision office confirms the office concerned must know it."""


@sensitive_variables("reporter")
def _refuse_identity_in(text: str, complaint: Complaint) -> None:
    """The office concerned reads the question: a slip that copies the reporter's name (or part
    of it), number or contacts into it is refused, without repeating what was found (M.19).
    Matching is lenient about spacing, full-width digits and separators (complaints/identity.py)."""
    reporter = Reporter.objects.filter(complaint=complaint).first()
    if reporter is None:
        return
    if identity.identity_in(text, name=reporter.name, numbers=(reporter.phone, reporter.identity_number),
                            emails=(reporter.email,), address=reporter.address):
        raise InvalidInput(_("要求说明的事项中含有举报人的姓名（或姓名的一部分）、证件号码或联系方式。被投诉处室不得知悉举报人，请删去后再发送（实施办法第十九条）。"))


def complaint_request_explanation(*, complaint, actor, question: str, days: int | None = None,
                                  reference_confirmed: bool = False, office: Office | None = None,
                                  expected_status: str | None = None) -> Complaint:
    """Ask the office concerned to explain. The office reads `question` and nothing the reporter sent.

    A question naming an application (its tracking code) or repeating the reporter's own
    reference is a warning, not a refusal — the office often must know which application is
    meant — but the applicant may be the reporter, so it is sent only with `reference_confirmed`."""
    question = _require_text(question, _("请写明要求被投诉处室说明的事项。"), limit=5000)
    days = int(days or clock.explanation_days())
    if not 1 <= days <= 30:
        raise InvalidInput(_("说明期限为1至30个工作日。"))
    with transaction.atomic():
        complaint, role = _begin_case(complaint, actor, workflow.CA.REQUEST_EXPLANATION, expected_status)
        assigned = _assign_office(complaint, office)
        if complaint.office_id is None:
            raise InvalidInput(_("请选择被投诉的处室：举报人未确定处室的，由厅监察室分办后再要求说明。"))
        _refuse_identity_in(question, complaint)
        names_reference = identity.reference_in(question, reference=complaint.related_reference)
        if names_reference and not reference_confirmed:
            raise ReferenceConfirmationNeeded(_("要求说明的事项中含有申请查询码或举报人提到的申请、信息名称。申请人可能就是举报人，被投诉处室可能据此知悉举报人（实施办法第十九条）。确需写明的，请勾选确认后再发送。"))
        today = timezone.localdate()
        complaint.explanation_question = question
        complaint.explanation_answer = ""
        complaint.explanation_requested_on = today
        data = {"days": days, **({"reference_confirmed": True} if names_reference else {}), **assigned}
        _case_record(complaint, kind=CK.EXPLANATION_REQUESTED, actor=actor, role=role,
                          to_status=CS.EXPLANATION_REQUESTED, on=today, comment=question, data=data)
        office = complaint.office
        link = absolute_url(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
        notify_on_commit(
            users=list(users_acting_as(Role.DRAFTER, office)) + list(users_acting_as(Role.DIVISION_HEAD, office)),
            subject=f"[{_site_name()}] {_('厅监察室要求作出说明')}：{complaint.tracking_code}",
            body=_("厅监察室请贵处室就以下事项在 %(due)s 前作出说明：\n\n%(question)s\n\n%(link)s\n")
            % {"due": complaint.explanation_due, "question": question, "link": link},
        )
        return complaint


def complaint_explain(*, complaint, actor, answer: str, uploads: Iterable = (),
                      expected_status: str | None = None) -> Complaint:
    answer = _require_text(answer, _("请填写说明内容。"))
    uploads = list(uploads)
    if len(uploads) > MAX_FILES:
        raise InvalidInput(_("附件最多 %(n)d 个。") % {"n": MAX_FILES})
    with files_removed_unless_committed() as saved, transaction.atomic():
        complaint, role = _begin_case(complaint, actor, workflow.CA.EXPLAIN, expected_status)
        complaint.explanation_answer = answer
        _attach(complaint, uploads, role=ComplaintFileRole.EXPLANATION, saved=saved, actor=actor)
        _case_record(complaint, kind=CK.EXPLANATION_GIVEN, actor=actor, role=role,
                          to_status=CS.INVESTIGATING, comment=answer)
        _tell_supervision(complaint, gettext_lazy("被投诉处室已作出说明"))
        return complaint


def complaint_withdraw_explanation(*, complaint, actor, reason: str,
                                   expected_status: str | None = None) -> Complaint:
    """The supervision office no longer needs the explanation; the case is investigated on. The
    office concerned reads the reason, so it is checked like the question."""
    reason = _require_text(reason, _("请写明撤回说明要求的理由。"), limit=2000)
    with transaction.atomic():
        complaint, role = _begin_case(complaint, actor, workflow.CA.WITHDRAW_EXPLANATION, expected_status)
        _refuse_identity_in(reason, complaint)
        _case_record(complaint, kind=CK.EXPLANATION_WITHDRAWN, actor=actor, role=role,
                          to_status=CS.INVESTIGATING, comment=reason)
        office = complaint.office
        link = absolute_url(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
        notify_on_commit(
            users=list(users_acting_as(Role.DRAFTER, office)) + list(users_acting_as(Role.DIVISION_HEAD, office)),
            subject=f"[{_site_name()}] {_('厅监察室撤回说明要求')}：{complaint.tracking_code}",
            body=f"{_('厅监察室已撤回对贵处室的说明要求，无需再作出说明。')}\n\n{link}\n")
        return complaint


def complaint_conclude(*, complaint, actor, result: str, conclusion: str, office: Office | None = None,
                       expected_status: str | None = None) -> Complaint:
    """查结. From explanation_requested only once the office's deadline has passed
    (workflow._complaint_guard): the handling record then says it gave no explanation in time."""
    if result not in ComplaintResult.values or result == ComplaintResult.NOT_ACCEPTED:
        raise InvalidInput(_("请选择查处结果：属实、部分属实或不属实。"))
    conclusion = _require_text(conclusion, _("请写明调查结论。"))
    with transaction.atomic():
        complaint, role = _begin_case(complaint, actor, workflow.CA.CONCLUDE, expected_status)
        data, comment = {"result": result, **_assign_office(complaint, office)}, ""
        if result in SUBSTANTIATED_RESULTS and complaint.office_id is None:
            # M.20: a substantiated complaint counts against an office (the assessment, findings).
            raise InvalidInput(_("举报属实或部分属实的，请选择被投诉的处室。"))
        if complaint.status == CS.EXPLANATION_REQUESTED:
            data.update(without_explanation=True, explanation_due=complaint.explanation_due.isoformat()
                        if complaint.explanation_due else None)
            comment = _("被投诉处室未在说明期限（%(due)s）内作出说明。") % {"due": complaint.explanation_due or "—"}
        complaint.result = result
        complaint.conclusion = conclusion
        return _case_record(complaint, kind=CK.CONCLUDED, actor=actor, role=role, to_status=CS.CONCLUDED,
                                 comment=comment, data=data)


def complaint_reopen(*, complaint, actor, reason: str, expected_status: str | None = None) -> Complaint:
    reason = _require_text(reason, _("请写明重新调查的理由。"))
    with transaction.atomic():
        complaint, role = _begin_case(complaint, actor, workflow.CA.REOPEN, expected_status)
        complaint.result = ""
        return _case_record(complaint, kind=CK.REOPENED, actor=actor, role=role, to_status=CS.INVESTIGATING,
                                 comment=reason)


def complaint_reply(*, complaint, actor, reply: str, expected_status: str | None = None) -> Complaint:
    reply = _require_text(reply, _("请填写答复举报人的内容。"))
    with transaction.atomic():
        complaint, role = _begin_case(complaint, actor, workflow.CA.REPLY, expected_status)
        complaint.reply = reply
        complaint.replied_on = timezone.localdate()
        complaint.closed_at = timezone.now()
        _case_record(complaint, kind=CK.REPLIED, actor=actor, role=role, to_status=CS.CLOSED,
                          data={"result": complaint.result})
        _tell_reporter(complaint, subject=_("您的举报投诉已办结"),
                       body=_("厅监察室已对您的举报投诉作出答复，请在查询页面查看。"))
        return complaint


def complaint_rate(*, complaint, rating: int, comment: str = "") -> Complaint:
    """After closing, the reporter rates the handling once (M.18)."""
    with transaction.atomic():
        return case_rate(complaint, rating=rating, comment=comment, kind=CK.RATED,
                         refresh_clock=refresh_complaint_clock, not_closed=_("办结后才能评价。"))


# --- Consultations ----------------------------------------------------------------------------


def refresh_consultation_clock(consultation: Consultation) -> None:
    result = clock.compute_consultation(consultation.events.order_by("on", "at", "pk"))
    consultation.due_date = result.due
    consultation.due_date_provisional = result.provisional


# The clock of each kind of case, for `_case_record`.
_CLOCKS = {Complaint: refresh_complaint_clock, Consultation: refresh_consultation_clock}


def _answering_office(office) -> Office | None:
    if office is None:
        return None
    if not isinstance(office, Office) or not office.is_active or office.kind == OfficeKind.SUPERVISION:
        raise InvalidInput(_("请选择答复处室。"))
    return office


def _tell_asker(consultation: Consultation, *, subject: str, body: str) -> None:
    tell_citizen(consultation, email=consultation.email, subject=subject, body=body, greeting=_("您好"),
                 tracking_url=absolute_url(reverse("complaints:track")), site_name=_site_name())


def _tell_office(consultation: Consultation, subject) -> None:
    link = absolute_url(reverse("admin:complaints_consultation_change", args=[consultation.pk]))
    if consultation.office_id:
        office = consultation.office
        users = list(users_acting_as(Role.DRAFTER, office)) + list(users_acting_as(Role.DIVISION_HEAD, office))
    else:
        users = list(users_acting_as(Role.DISCLOSURE_OFFICE))
    tell_staff(consultation, users=users, subject=subject, summary=consultation.subject, link=link,
               site_name=_site_name())


def _new_consultation(consultation: Consultation, *, actor=None, role: str = "", on: dt.date) -> Consultation:
    for name in ("name", "phone", "email", "subject", "question"):
        setattr(consultation, name, (getattr(consultation, name) or "").strip())
    if len(consultation.question) > QUESTION_MAX:
        raise InvalidInput(_("咨询内容最多 %(n)d 字。") % {"n": QUESTION_MAX})
    _clean(consultation, exclude=["tracking_code"])
    consultation.save()
    consultation.events.create(
        kind=QK.SUBMITTED, on=on, actor=actor, acted_as=role,
        to_status=QS.SUBMITTED, comment=Channel(consultation.channel).label,
        data={"days": clock.consultation_reply_days(), "channel": consultation.channel},
    )
    if consultation.office_id:  # the asker (or the person at the window) chose the office
        return _case_record(consultation, kind=QK.ROUTED, actor=actor, role=role, to_status=QS.ASSIGNED,
                                    on=on, comment=_("按咨询人选择的处室办理"),
                                    data={"office": consultation.office_id, "office_name": consultation.office.name})
    refresh_consultation_clock(consultation)
    consultation.save()
    return consultation


def consultation_submit(*, data: dict, idempotency_key: uuid.UUID | None = None) -> tuple[Consultation, str, bool]:
    """An online consultation (M.10). `data`: name, phone, email, subject, question,
    publish_consent, office (optional: None lets the disclosure office route it)."""
    secret = new_secret(idempotency_key, "consultation")

    def store() -> Consultation:
        today = timezone.localdate()
        with transaction.atomic():
            consultation = Consultation(
                **{k: data.get(k) for k in ("name", "phone", "email", "subject", "question")},
                publish_consent=bool(data.get("publish_consent")), office=_answering_office(data.get("office")),
                channel=Channel.ONLINE, received_on=today, idempotency_key=idempotency_key,
                tracking_code=_tracking_code(CONSULTATION_PREFIX, "consultation", today.year),
                secret_digest=secret_digest(secret),
            )
            return _new_consultation(consultation, on=today)

    consultation, created = intake_once(Consultation, idempotency_key=idempotency_key, create=store)
    if not created:
        return consultation, secret, False
    _tell_asker(consultation, subject=_("已收到您的咨询"),
                body=_("您的咨询已提交，本机关将在 %(due)s 前答复。") % {"due": consultation.due_date})
    _tell_office(consultation, gettext_lazy("新的咨询"))
    return consultation, secret, True


def consultation_register_offline(*, actor, data: dict, channel: str, received_on: dt.date
                                  ) -> tuple[Consultation, str]:
    """The disclosure office enters a consultation taken at the window, by phone or by letter (M.10)."""
    if not (actor.has_perm("complaints.route_consultation") and has_role(actor, Role.DISCLOSURE_OFFICE)):
        raise ActionRefused(_("只有政府信息公开工作领导小组办公室可以登记咨询。"))
    if channel == Channel.ONLINE or channel not in Channel.values:
        raise InvalidInput(_("请选择来源渠道：政务大厅工作窗口、电话或信函。"))
    _check_received_on(received_on)
    secret = new_secret(None, "consultation")
    with transaction.atomic():
        consultation = Consultation(
            **{k: data.get(k) for k in ("name", "phone", "email", "subject", "question")},
            publish_consent=bool(data.get("publish_consent")), office=_answering_office(data.get("office")),
            channel=channel, received_on=received_on, created_by=actor,
            tracking_code=_tracking_code(CONSULTATION_PREFIX, "consultation", received_on.year),
            secret_digest=secret_digest(secret),
        )
        consultation = _new_consultation(consultation, actor=actor, role=Role.DISCLOSURE_OFFICE, on=received_on)
    if consultation.office_id:
        _tell_office(consultation, gettext_lazy("新的咨询"))
    return consultation, secret


def consultation_route(*, consultation, actor, office: Office, comment: str = "",
                       expected_status: str | None = None) -> Consultation:
    office = _answering_office(office)
    if office is None:
        raise InvalidInput(_("请选择答复处室。"))
    with transaction.atomic():
        consultation, role = _begin_case(consultation, actor, workflow.QA.ROUTE, expected_status)
        consultation.office = office
        _case_record(consultation, kind=QK.ROUTED, actor=actor, role=role, to_status=QS.ASSIGNED,
                             comment=(comment or "").strip(), data={"office": office.pk, "office_name": office.name})
        _tell_office(consultation, gettext_lazy("新分办的咨询"))
        return consultation


def consultation_return(*, consultation, actor, reason: str, expected_status: str | None = None) -> Consultation:
    reason = _require_text(reason, _("请写明退回理由。"))
    with transaction.atomic():
        consultation, role = _begin_case(consultation, actor, workflow.QA.RETURN, expected_status)
        consultation.office = None
        _case_record(consultation, kind=QK.RETURNED, actor=actor, role=role, to_status=QS.SUBMITTED,
                             comment=reason)
        _tell_office(consultation, gettext_lazy("咨询被退回，请重新分办"))
        return consultation


def consultation_answer(*, consultation, actor, answer: str, expected_status: str | None = None) -> Consultation:
    answer = _require_text(answer, _("请填写答复内容。"))
    with transaction.atomic():
        consultation, role = _begin_case(consultation, actor, workflow.QA.ANSWER, expected_status)
        consultation.answer = answer
        consultation.answered_on = timezone.localdate()
        consultation.closed_at = timezone.now()
        _case_record(consultation, kind=QK.ANSWERED, actor=actor, role=role, to_status=QS.CLOSED)
        _tell_asker(consultation, subject=_("您的咨询已答复"), body=_("本机关已答复您的咨询，请在查询页面查看。"))
        return consultation


def consultation_publish(*, consultation, actor, public_subject: str, public_question: str, public_answer: str,
                         expected_status: str | None = None) -> Consultation:
    """Into the public FAQ, with the asker's consent, in a version without their identity: the
    subject, question and answer are all edited versions, and all three are checked."""
    public_subject = _require_text(public_subject, _("请填写公开的主题。"), limit=100)
    public_question = _require_text(public_question, _("请填写公开的问题。"), limit=3000)
    public_answer = _require_text(public_answer, _("请填写公开的答复。"))
    with transaction.atomic():
        consultation, role = _begin_case(consultation, actor, workflow.QA.PUBLISH, expected_status)
        if identity.identity_in("\n".join((public_subject, public_question, public_answer)), name=consultation.name,
                                numbers=(consultation.phone,), emails=(consultation.email,)):
            raise InvalidInput(_("公开的主题、问题或答复中含有咨询人的姓名（或姓名的一部分）或联系方式，请删去后再公开。"))
        consultation.public_subject = public_subject
        consultation.public_question = public_question
        consultation.public_answer = public_answer
        consultation.published_at = timezone.now()
        _case_record(consultation, kind=QK.PUBLISHED, actor=actor, role=role)
        public_content_changed()
        return consultation


def consultation_unpublish(*, consultation, actor, reason: str, expected_status: str | None = None) -> Consultation:
    reason = _require_text(reason, _("请写明撤下的理由。"))
    with transaction.atomic():
        consultation, role = _begin_case(consultation, actor, workflow.QA.UNPUBLISH, expected_status)
        consultation.published_at = None
        _case_record(consultation, kind=QK.UNPUBLISHED, actor=actor, role=role, comment=reason)
        public_content_changed()
        return consultation


def consultation_rate(*, consultation, rating: int, comment: str = "") -> Consultation:
    """After answering, the asker rates the answer once (M.18)."""
    with transaction.atomic():
        return case_rate(consultation, rating=rating, comment=comment, kind=QK.RATED,
                         refresh_clock=refresh_consultation_clock, not_closed=_("答复后才能评价。"))


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


# --- Accountability findings (责任追究, M.20) -----------------------------------------------------


def _finding_links(office: Office, complaints, records, applications) -> tuple[list, list, list]:
    complaints, records, applications = list(complaints or ()), list(records or ()), list(applications or ())
    if any(c.office_id != office.pk for c in complaints):
        raise InvalidInput(_("关联的举报投诉必须是针对该处室的。"))
    if any(r.office_id != office.pk for r in records):
        raise InvalidInput(_("关联的政府信息必须是该处室的。"))
    if any(a.office_id != office.pk for a in applications):
        raise InvalidInput(_("关联的申请必须是由该处室承办的。"))
    return complaints, records, applications


def _require_recorder(actor) -> None:
    if not (actor.has_perm("complaints.record_finding") and has_role(actor, Role.SUPERVISION)):
        raise ActionRefused(_("责任追究由厅监察室记录。"))


def finding_record(*, actor, office: Office, title: str, facts: str, measure: str, decided_on: dt.date,
                   measure_detail: str = "", complaints=(), records=(), applications=()) -> AccountabilityFinding:
    """The supervision office records a finding against an office and what follows (M.20)."""
    _require_recorder(actor)
    if measure not in Measure.values:
        raise InvalidInput(_("请选择处理措施。"))
    if decided_on > timezone.localdate():
        raise InvalidInput(_("认定日期不能晚于今天。"))
    complaints, records, applications = _finding_links(office, complaints, records, applications)
    with transaction.atomic():
        finding = AccountabilityFinding(
            office=office, title=_require_text(title, _("请填写事由。"), limit=200),
            facts=_require_text(facts, _("请写明认定的事实。")), measure=measure,
            measure_detail=(measure_detail or "").strip(), decided_on=decided_on, recorded_by=actor)
        _clean(finding)
        finding.save()
        finding.complaints.set(complaints)
        finding.records.set(records)
        finding.applications.set(applications)
    logger.info("accountability finding %s recorded (user %s)", finding.pk, actor.pk)
    return finding


def finding_update(*, finding: AccountabilityFinding, actor, title: str, facts: str, measure: str,
                   decided_on: dt.date, measure_detail: str = "", complaints=(), records=(),
                   applications=()) -> AccountabilityFinding:
    """A correction; the earlier text stays in the finding's history."""
    _require_recorder(actor)
    if measure not in Measure.values:
        raise InvalidInput(_("请选择处理措施。"))
    with transaction.atomic():
        finding = AccountabilityFinding.objects.select_for_update().get(pk=finding.pk)
        complaints, records, applications = _finding_links(finding.office, complaints, records, applications)
        finding.title = _require_text(title, _("请填写事由。"), limit=200)
        finding.facts = _require_text(facts, _("请写明认定的事实。"))
        finding.measure, finding.measure_detail, finding.decided_on = measure, (measure_detail or "").strip(), decided_on
        _clean(finding)
        finding.save()
        finding.complaints.set(complaints)
        finding.records.set(records)
        finding.applications.set(applications)
    return finding


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

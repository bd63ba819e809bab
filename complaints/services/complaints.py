"""Complaints and reports against an office (举报投诉, M.19): intake, the supervision office's
and the office's steps, the reporter's rating. Functions that take a reporter's identity are
wrapped in `sensitive_variables()`; logs and staff mails name a complaint by its code only."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables

from complaints import clock, identity, workflow
from complaints.models import (
    SUBSTANTIATED_RESULTS,
    Channel,
    Complaint,
    ComplaintFileRole,
    ComplaintResult,
    Reporter,
)
from complaints.services.common import (
    CK,
    COMPLAINT_PREFIX,
    CS,
    MAX_FILES,
    REPORTER_FIELDS,
    _attach,
    _begin_case,
    _case_record,
    _check_received_on,
    _clean,
    _complained_office,
    _matter,
    _require_text,
    _site_name,
    _tracking_code,
    refresh_complaint_clock,
)
from portal.cases import case_rate, tell_citizen, tell_staff
from portal.errors import ActionRefused, InvalidInput
from portal.intake import intake_once
from portal.models import Office, Role
from portal.notify import absolute_url, notify_on_commit
from portal.selectors import has_role, users_acting_as
from portal.tracking import new_secret, secret_digest
from portal.uploads import files_removed_unless_committed
from portal.validators import resident_id_is_valid, uscc_is_valid


def _tell_supervision(complaint: Complaint, subject) -> None:
    tell_staff(complaint, users=users_acting_as(Role.SUPERVISION), subject=subject, summary=complaint,
               link=absolute_url(reverse("admin:complaints_complaint_change", args=[complaint.pk])),
               site_name=_site_name())


def _tell_reporter(complaint: Complaint, *, subject: str, body: str, legal: bool = False) -> None:
    """Mail to the reporter's own address, if they gave one. Greets no one by name. `legal`: the
    answer (M.19), also listed with its date sent on the tracking page."""
    email = getattr(getattr(complaint, "reporter", None), "email", "") if not complaint.anonymous else ""
    tell_citizen(complaint, email=email, subject=subject, body=body, greeting=_("您好"),
                 tracking_url=absolute_url(reverse("complaints:track")), site_name=_site_name(), legal=legal)


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
        _tell_reporter(complaint, subject=_("关于您的举报投诉"), body=reason, legal=True)
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
                       body=_("厅监察室已对您的举报投诉作出答复，请在查询页面查看。"), legal=True)
        return complaint


def complaint_rate(*, complaint, rating: int, comment: str = "") -> Complaint:
    """After closing, the reporter rates the handling once (M.18)."""
    with transaction.atomic():
        return case_rate(complaint, rating=rating, comment=comment, kind=CK.RATED,
                         refresh_clock=refresh_complaint_clock, not_closed=_("办结后才能评价。"))


# --- Consultations ----------------------------------------------------------------------------

"""Writes on applications. Every state change is one function: lock the row, ask
`workflow.check`, write an `ApplicationEvent`, recompute the clock from the events, save.
Public actions (submit, supplement, withdraw, rate) are here too, authorised by the secret.

Whatever is sent to the applicant (or to a third party) is also a document: the notice is
rendered when its event is written and kept as sent (`ApplicationNotice`), printable for those
without e-mail. Files are saved inside `files_removed_unless_committed()`, so a submission that
does not commit leaves no file behind."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import clock, workflow
from applications.models import (
    ApplicationEvent,
    ApplicationFile,
    ApplicationNotice,
    Channel,
    DisclosureApplication,
    EventKind,
    FeeMethod,
    FeeNotice,
    FileRole,
    NoticeKind,
    ReviewCase,
    Status,
)
from applications.outcomes import REFUSALS, Outcome
from disclosure.files import store_upload
from portal import tracking
from portal.errors import ActionRefused, InvalidInput, StateConflict
from portal.language import agency_language
from portal.models import Office, Role, SiteProfile
from portal.notify import absolute_url, notify_on_commit
from portal.selectors import has_role, users_acting_as
from portal.services import sequence_next
from portal.tracking import new_secret, secret_digest
from portal.uploads import files_removed_unless_committed
from portal.workdays import add_workdays

S = Status
K = EventKind
MAX_FILES = 10


# --- Tracking code and secret -----------------------------------------------------------------


def secret_matches(application: DisclosureApplication | None, secret: str) -> bool:
    return tracking.secret_matches(application.secret_digest if application else None, secret)


TRACKING_PREFIX = "SQ"


def _tracking_code(year: int) -> str:
    return f"{TRACKING_PREFIX}{year}-{sequence_next(name='application', year=year):06d}"


# --- Files ------------------------------------------------------------------------------------


def _attach(application, uploads: Iterable, *, role: str, saved, actor=None,
            visible: bool = False) -> list[ApplicationFile]:
    """Store `uploads`; `saved` is the callback of the enclosing `files_removed_unless_committed()`."""
    return [store_upload(ApplicationFile(application=application, role=role, uploaded_by=actor,
                                         visible_to_applicant=visible), upload, saved=saved) for upload in uploads]


# --- Events and the clock ---------------------------------------------------------------------


def refresh_clock(application: DisclosureApplication) -> None:
    result = clock.compute(application.events.order_by("on", "at", "pk"))
    application.due_date = result.due
    application.due_date_provisional = result.provisional
    application.clock_paused = result.paused
    # An extension lapses with the limit it extended once a supplement restarts the clock (R.30).
    application.extended = result.extended


def _event(application, *, kind: str, actor=None, role: str = "", on: dt.date | None = None, comment: str = "",
           data: dict | None = None, from_status: str = "") -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application, kind=kind, on=on or timezone.localdate(), actor=actor, acted_as=role,
        from_status=from_status, to_status=application.status, comment=comment, data=data or {},
    )


def _record_event(application, *, kind: str, actor=None, role: str = "", to_status: str | None = None,
                  on: dt.date | None = None, comment: str = "", data: dict | None = None) -> ApplicationEvent:
    """Write the event, move the status, recompute the clock, save. The one way to change state."""
    from_status = application.status
    if to_status:
        application.status = to_status
    event = _event(application, kind=kind, actor=actor, role=role, on=on, comment=comment, data=data,
                   from_status=from_status)
    refresh_clock(application)
    application.save()
    return event


def _record(application, **kwargs) -> DisclosureApplication:
    _record_event(application, **kwargs)
    return application


def _issue_notice(application, event: ApplicationEvent, *, kind: str, html: str, addressee: str = "",
                  to_applicant: bool = True) -> ApplicationNotice:
    """Keep the document that goes out with `event`, as it was sent."""
    return ApplicationNotice.objects.create(
        application=application, event=event, kind=kind, addressee=(addressee or application.applicant_name)[:200],
        to_applicant=to_applicant, html=html, issued_on=event.on)


def _notice(application, event: ApplicationEvent, kind: str, **facts) -> ApplicationNotice:
    from applications.letters import NOTICE_TITLES, render_notice

    addressee = facts.pop("addressee", "") or application.applicant_name
    html = render_notice(application, kind=kind, title=NOTICE_TITLES[kind], addressee=addressee, on=event.on,
                         extra=facts)
    return _issue_notice(application, event, kind=kind, html=html, addressee=addressee,
                         to_applicant=kind != NoticeKind.CONSULTATION)


def _closing_letter(application, event: ApplicationEvent, kind: str, outcome: str) -> ApplicationNotice:
    """The letter that ends processing without a reply (R.30 deemed abandoned; 109号 fee not
    paid), from the outcome's reply-letter template."""
    from applications.letters import letter_facts, render_letter

    html = render_letter(application, outcome=outcome, extra={**letter_facts(application), "date": event.on})
    return _issue_notice(application, event, kind=kind, html=html)


def _lock(application: DisclosureApplication) -> DisclosureApplication:
    return DisclosureApplication.objects.select_for_update(of=("self",)).select_related("office").get(
        pk=application.pk)


def _require_text(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(message)
    return text


def _on_the_tracking_page() -> str:
    return _("书面通知可凭查询码和查询密码在查询页面查看、打印。")


def _tell_applicant(application, *, subject: str, body: str) -> None:
    """By e-mail where the applicant gave an address; the written notice, where there is one, is
    on the tracking page and printed by staff for those without e-mail."""
    if application.email:
        tracking = absolute_url(reverse("applications:track"))
        notify_on_commit(
            emails=[application.email],
            subject=f"[{SiteProfile.current().name}] {subject}（{application.tracking_code}）",
            body=f"{application.applicant_name}：\n\n{body}\n\n{_('查询码')}：{application.tracking_code}\n{tracking}\n",
        )


def _tell_staff(users, application, subject) -> None:
    link = absolute_url(reverse("admin:applications_disclosureapplication_change", args=[application.pk]))
    with agency_language():
        notify_on_commit(users=users, subject=f"[{SiteProfile.current().name}] {subject}：{application.tracking_code}",
                         body=f"{subject}：{application.information_title}\n{link}\n")


# --- Creating ---------------------------------------------------------------------------------


def application_submit(*, data: dict, uploads: Iterable = (), idempotency_key: uuid.UUID | None = None,
                       ) -> tuple[DisclosureApplication, str, bool]:
    """An online application (R.29). Returns (application, secret, created). Submitting the same
    form twice (same one-time key) stores one application and shows the same receipt."""
    secret = new_secret(idempotency_key, "application")
    if idempotency_key and (existing := DisclosureApplication.objects.filter(idempotency_key=idempotency_key).first()):
        return existing, secret, False
    uploads = list(uploads)
    if len(uploads) > MAX_FILES:
        raise InvalidInput(_("附件最多 %(n)d 个。") % {"n": MAX_FILES})
    try:
        with files_removed_unless_committed() as saved, transaction.atomic():
            application = DisclosureApplication(
                **data, channel=Channel.ONLINE, status=S.SUBMITTED, idempotency_key=idempotency_key,
                tracking_code=_tracking_code(timezone.localdate().year), secret_digest=secret_digest(secret),
            )
            application.full_clean(exclude=["tracking_code"])
            application.save()
            _attach(application, uploads, role=FileRole.APPLICATION, saved=saved)
            _record(application, kind=K.SUBMITTED, comment=_("网上提交"))
    except IntegrityError:
        # The same form arrived twice at the same moment: the other request stored it.
        existing = DisclosureApplication.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing, secret, False
    except ValidationError as error:
        raise InvalidInput("；".join(error.messages)) from None
    _tell_applicant(application, subject=_("已收到您的政府信息公开申请"),
                    body=_("您的申请已提交。本机关确认收到后开始计算答复期限（条例第三十一条、第三十三条）。请妥善保存查询码和查询密码。"))
    _tell_staff(users_acting_as(Role.DISCLOSURE_OFFICE), application, gettext_lazy("新的网上申请待确认"))
    return application, secret, True


def application_register_offline(*, actor, data: dict, channel: str, received_on: dt.date,
                                 uploads: Iterable = ()) -> tuple[DisclosureApplication, str]:
    """Staff enter an application received in person, by post, fax, e-mail or orally (R.29, R.31):
    the date of receipt is the day of submission (in person), the day the agency signed for the
    letter (post; for ordinary mail that needs no signature, the day it was confirmed with the
    applicant), or the day both sides confirmed (fax, e-mail)."""
    if not (actor.has_perm("applications.register_application") and has_role(actor, Role.DISCLOSURE_OFFICE)):
        raise ActionRefused(_("只有政府信息公开工作领导小组办公室可以登记申请。"))
    if channel == Channel.ONLINE or channel not in Channel.values:
        raise InvalidInput(_("请选择申请方式：当面、信函、传真、电子邮件或口头。"))
    if received_on > timezone.localdate():
        raise InvalidInput(_("收到申请日期不能晚于今天。"))
    secret = new_secret(None, "application")
    try:
        with files_removed_unless_committed() as saved, transaction.atomic():
            application = DisclosureApplication(
                **data, channel=channel, status=S.RECEIVED, received_on=received_on, created_by=actor,
                tracking_code=_tracking_code(received_on.year), secret_digest=secret_digest(secret),
            )
            application.full_clean(exclude=["tracking_code"])
            application.save()
            _attach(application, uploads, role=FileRole.APPLICATION, saved=saved, actor=actor)
            _event(application, kind=K.SUBMITTED, actor=actor, role=Role.DISCLOSURE_OFFICE, on=received_on,
                   comment=Channel(channel).label)
            _record(application, kind=K.RECEIVED, actor=actor, role=Role.DISCLOSURE_OFFICE, on=received_on)
    except ValidationError as error:
        raise InvalidInput("；".join(error.messages)) from None
    return application, secret


# --- Staff transitions ------------------------------------------------------------------------


def _begin(application, actor, name: str, expected_status: str | None):
    application = _lock(application)
    role = workflow.check(workflow.TRANSITIONS[name], actor, application, expected_status=expected_status)
    return application, role


def application_confirm(*, application, actor, received_on: dt.date | None = None, comment: str = "",
                        expected_status: str | None = None) -> DisclosureApplication:
    """Both sides confirm an online application: that day is the date of receipt (R.31)."""
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        raise InvalidInput(_("收到申请日期不能晚于今天。"))
    with transaction.atomic():
        application, role = _begin(application, actor, "confirm", expected_status)
        if received_on < timezone.localtime(application.submitted_at).date():
            raise InvalidInput(_("收到申请日期不能早于提交日期。"))
        application.received_on = received_on
        _record(application, kind=K.RECEIVED, actor=actor, role=role, to_status=S.RECEIVED, on=received_on,
                comment=comment)
        _tell_applicant(application, subject=_("您的申请已受理"),
                        body=_("本机关已于 %(date)s 收到您的申请，将在 %(due)s 前答复。")
                        % {"date": received_on, "due": application.due_date})
        return application


def application_assign(*, application, actor, office: Office, comment: str = "",
                       expected_status: str | None = None) -> DisclosureApplication:
    with transaction.atomic():
        application, role = _begin(application, actor, "assign", expected_status)
        if not office.is_active:
            raise InvalidInput(_("该处室已停用。"))
        application.office = office
        _record(application, kind=K.ASSIGNED, actor=actor, role=role, to_status=S.ASSIGNED, comment=comment,
                data={"office": office.pk, "office_name": office.name})
        _tell_staff(list(users_acting_as(Role.DRAFTER, office)) + list(users_acting_as(Role.DIVISION_HEAD, office)),
                    application, gettext_lazy("新分办的政府信息公开申请"))
        return application


def application_request_supplement(*, application, actor, items: str, deadline: dt.date,
                                   expected_status: str | None = None) -> DisclosureApplication:
    """R.30: within 7 working days of receipt, once, listing everything to supplement; the
    补正告知书 goes out with it."""
    items = _require_text(items, _("请一次性列明需要补正的全部事项。"))
    with transaction.atomic():
        application, role = _begin(application, actor, "request_supplement", expected_status)
        today = timezone.localdate()
        if today > clock.supplement_request_deadline(application.received_on):
            raise InvalidInput(_("已超过收到申请之日起7个工作日，不能再告知补正（条例第三十条）。"))
        if deadline <= today:
            raise InvalidInput(_("补正期限应晚于今天。"))
        application.supplement_deadline = deadline
        event = _record_event(application, kind=K.SUPPLEMENT_REQUESTED, actor=actor, role=role,
                              to_status=S.SUPPLEMENT_REQUESTED, comment=items,
                              data={"deadline": deadline.isoformat(), "items": items, "return_to": application.status})
        _notice(application, event, NoticeKind.SUPPLEMENT_REQUEST, items=items, deadline=deadline)
        _tell_applicant(application, subject=_("请补正您的申请"),
                        body=_("您的申请内容不够明确，请于 %(deadline)s 前补正以下事项：\n%(items)s\n\n可在查询页面提交补正。"
                               "无正当理由逾期不补正的，视为放弃申请（条例第三十条）。")
                        % {"deadline": deadline, "items": items} + "\n" + _on_the_tracking_page())
        return application


def _back_from_supplement(application) -> str:
    requested = application.events.filter(kind=K.SUPPLEMENT_REQUESTED).order_by("-at").first()
    return (requested.data.get("return_to") if requested else None) or S.RECEIVED


def _supplement_received(application, *, on: dt.date, actor=None, role: str = "", comment: str = "") -> bool:
    """Record the supplement; say whether it came after the deadline set (R.30: staff then decide
    whether there was good reason, or deem the application abandoned — they are told)."""
    late = bool(application.supplement_deadline and on > application.supplement_deadline)
    data = {"late": True, "deadline": application.supplement_deadline.isoformat()} if late else {}
    _record(application, kind=K.SUPPLEMENT_RECEIVED, actor=actor, role=role, on=on, comment=comment, data=data,
            to_status=_back_from_supplement(application))
    return late


def _tell_staff_of_supplement(application, late: bool) -> None:
    with agency_language():
        if late:
            subject = _("申请人逾期提交补正（补正期限 %(date)s），请判断是否有正当理由") % {
                "date": application.supplement_deadline}
        else:
            subject = _("申请人已提交补正")
        _tell_staff(users_acting_as(Role.DISCLOSURE_OFFICE), application, subject)


def application_record_supplement(*, application, actor, received_on: dt.date | None = None, comment: str = "",
                                  uploads: Iterable = (), expected_status: str | None = None):
    """Staff register a supplement that arrived on paper; the clock restarts from that day."""
    with files_removed_unless_committed() as saved, transaction.atomic():
        application, role = _begin(application, actor, "record_supplement", expected_status)
        today = timezone.localdate()
        on = received_on or today
        requested = application.events.filter(kind=K.SUPPLEMENT_REQUESTED).order_by("-at").first()
        if on > today or (requested and on < requested.on):
            raise InvalidInput(_("收到补正日期应在告知补正之日和今天之间。"))
        _attach(application, uploads, role=FileRole.SUPPLEMENT, saved=saved, actor=actor)
        late = _supplement_received(application, on=on, actor=actor, role=role, comment=comment)
    if late:
        _tell_staff_of_supplement(application, late)
    return application


def application_supplement_by_applicant(*, application, text: str, uploads: Iterable = ()) -> DisclosureApplication:
    """The applicant supplements from the tracking page (authorised by the secret)."""
    text = (text or "").strip()
    uploads = list(uploads)
    if not (text or uploads):
        raise InvalidInput(_("请填写补正内容或上传补正材料。"))
    with files_removed_unless_committed() as saved, transaction.atomic():
        application = _lock(application)
        if application.status != S.SUPPLEMENT_REQUESTED:
            raise StateConflict(_("该申请当前不需要补正。"))
        _attach(application, uploads, role=FileRole.SUPPLEMENT, saved=saved)
        late = _supplement_received(application, on=timezone.localdate(), comment=text[:5000])
    _tell_staff_of_supplement(application, late)
    return application


def application_deem_withdrawn(*, application, actor, comment: str = "", expected_status: str | None = None):
    """No supplement by the deadline without good reason: deemed abandoned (R.30; table 3 (六)1).
    The applicant gets the closing letter (other_no_supplement)."""
    with transaction.atomic():
        application, role = _begin(application, actor, "deem_withdrawn", expected_status)
        application.outcome = Outcome.OTHER_NO_SUPPLEMENT
        application.closed_at = timezone.now()
        event = _record_event(application, kind=K.DEEMED_WITHDRAWN, actor=actor, role=role, to_status=S.CLOSED,
                              comment=comment)
        _closing_letter(application, event, NoticeKind.NO_SUPPLEMENT, Outcome.OTHER_NO_SUPPLEMENT)
        _tell_applicant(application, subject=_("您的申请视为放弃"),
                        body=_("您未在补正期限内补正，申请视为放弃，本机关不再处理（条例第三十条）。")
                        + "\n" + _on_the_tracking_page())
        return application


def _date_between(day: dt.date, first: dt.date | None, last: dt.date, message: str) -> dt.date:
    if day > last or (first and day < first):
        raise InvalidInput(message)
    return day


def application_start_consultation(*, application, actor, third_party: str, sent_on: dt.date | None = None,
                                   expected_status: str | None = None):
    """R.32: the third party is consulted in writing (征求意见函) and has 15 working days to answer."""
    third_party = _require_text(third_party, _("请填写被征求意见的第三方。"))
    with transaction.atomic():
        application, role = _begin(application, actor, "start_consultation", expected_status)
        today = timezone.localdate()
        on = _date_between(sent_on or today, application.received_on, today,
                           _("发出征求意见书的日期应在收到申请之日和今天之间。"))
        answer_by = add_workdays(on, clock.THIRD_PARTY_WORKING_DAYS).date
        application.consultation_open = True
        event = _record_event(application, kind=K.CONSULTATION_STARTED, actor=actor, role=role, on=on,
                              comment=third_party,
                              data={"third_party": third_party, "answer_by": answer_by.isoformat()})
        _notice(application, event, NoticeKind.CONSULTATION, addressee=third_party, answer_by=answer_by)
        return application


def application_end_consultation(*, application, actor, ended_on: dt.date | None = None, result: str = "",
                                 expected_status: str | None = None):
    """The third party answered (or its 15 working days ran out). The time not counted toward
    the limit is capped at those 15 working days (clock.py)."""
    result = _require_text(result, _("请填写第三方意见（或逾期未答复）。"))
    with transaction.atomic():
        application, role = _begin(application, actor, "end_consultation", expected_status)
        today = timezone.localdate()
        started = application.events.filter(kind=K.CONSULTATION_STARTED).order_by("-at", "-pk").first()
        on = _date_between(ended_on or today, started.on if started else None, today,
                           _("征求意见结束日期应在发出征求意见书之日和今天之间。"))
        application.consultation_open = False
        return _record(application, kind=K.CONSULTATION_ENDED, actor=actor, role=role, on=on, comment=result)


def application_extend(*, application, actor, days: int, reason: str, expected_status: str | None = None):
    """One extension, at most 20 working days, decided before the limit runs out, with a notice
    to the applicant (延期答复告知书, R.33(2))."""
    reason = _require_text(reason, _("请填写延期理由。"))
    if not 1 <= int(days) <= clock.MAX_EXTENSION_WORKING_DAYS:
        raise InvalidInput(_("延长期限为1至20个工作日。"))
    with transaction.atomic():
        application, role = _begin(application, actor, "extend", expected_status)
        event = _record_event(application, kind=K.EXTENDED, actor=actor, role=role, comment=reason,
                              data={"days": int(days)})
        _notice(application, event, NoticeKind.EXTENSION, reason=reason, days=int(days), due=application.due_date)
        _tell_applicant(application, subject=_("答复期限延长告知"),
                        body=_("因%(reason)s，经本机关政府信息公开工作机构负责人同意，答复期限延长 %(days)d 个工作日，"
                               "延长后的答复期限为 %(due)s（条例第三十三条第二款）。")
                        % {"reason": reason, "days": int(days), "due": application.due_date}
                        + "\n" + _on_the_tracking_page())
        return application


def _fee_basis_text(method: str, basis: int) -> str:
    if method == FeeMethod.BY_COUNT:
        return _("该申请人本自然月第%(n)d件申请") % {"n": basis}
    return _("提供信息%(n)d页") % {"n": basis}


def application_fee_notice(*, application, actor, method: str, basis: int, expected_status: str | None = None):
    """R.42: a fee only where the number or frequency of applications clearly exceeds a
    reasonable range, by one method per application (国办函〔2020〕109号). The clock is suspended
    from the notice until the fee is paid; the applicant has 20 working days from the notice."""
    from applications.fees import PAYMENT_WORKING_DAYS, fee_for

    try:
        amount = fee_for(method, int(basis))
    except (ValueError, TypeError) as error:
        raise InvalidInput(str(error)) from None
    if amount <= 0:
        raise InvalidInput(_("按该方式计算不收费，无需发出收费通知。"))
    with transaction.atomic():
        application, role = _begin(application, actor, "fee_notice", expected_status)
        earlier = application.fee_notices.exclude(method=method).first()
        if earlier:
            raise InvalidInput(_("本申请已按“%(method)s”计收，同一申请只能选择一种计收方式（国办函〔2020〕109号）。")
                               % {"method": earlier.get_method_display()})
        today = timezone.localdate()
        pay_by = add_workdays(today, PAYMENT_WORKING_DAYS).date
        FeeNotice.objects.create(application=application, method=method, basis=int(basis), amount=amount,
                                 issued_on=today, pay_by=pay_by)
        application.fee_pending = True
        event = _record_event(application, kind=K.FEE_NOTICE, actor=actor, role=role,
                              data={"amount": str(amount), "method": method, "basis": int(basis),
                                    "pay_by": pay_by.isoformat()})
        _notice(application, event, NoticeKind.FEE, method=FeeMethod(method).label,
                basis_text=_fee_basis_text(method, int(basis)), amount=amount, pay_by=pay_by)
        _tell_applicant(application, subject=_("信息处理费缴费通知"),
                        body=_("您的申请需缴纳信息处理费 %(amount)s 元，请于 %(date)s 前缴纳；逾期未缴纳的，本机关不再处理该申请。")
                        % {"amount": amount, "date": pay_by} + "\n" + _on_the_tracking_page())
        return application


def application_fee_paid(*, application, actor, paid_on: dt.date | None = None, expected_status: str | None = None):
    """The fee arrived: the suspended clock continues (109号)."""
    with transaction.atomic():
        application, role = _begin(application, actor, "fee_paid", expected_status)
        today = timezone.localdate()
        notice = application.fee_notices.filter(paid_on__isnull=True).order_by("-issued_on").first()
        on = _date_between(paid_on or today, notice.issued_on if notice else None, today,
                           _("缴费日期应在收费通知之日和今天之间。"))
        FeeNotice.objects.filter(application=application, paid_on__isnull=True).update(paid_on=on)
        application.fee_pending = False
        return _record(application, kind=K.FEE_PAID, actor=actor, role=role, on=on)


def application_fee_unpaid(*, application, actor, expected_status: str | None = None):
    """Not paid by the deadline: processing ends (table 3 (六)2), with the closing letter."""
    with transaction.atomic():
        application, role = _begin(application, actor, "fee_unpaid", expected_status)
        notice = application.fee_notices.filter(paid_on__isnull=True).first()
        if notice and timezone.localdate() <= notice.pay_by:
            raise StateConflict(_("缴费期限尚未届满。"))
        application.fee_pending = False
        application.outcome = Outcome.OTHER_FEE_UNPAID
        application.closed_at = timezone.now()
        event = _record_event(application, kind=K.FEE_UNPAID, actor=actor, role=role, to_status=S.CLOSED)
        _closing_letter(application, event, NoticeKind.FEE_UNPAID, Outcome.OTHER_FEE_UNPAID)
        _tell_applicant(application, subject=_("您的申请不再处理"),
                        body=_("您未在缴费期限内缴纳信息处理费，视为放弃申请，本机关不再处理（国办函〔2020〕109号）。")
                        + "\n" + _on_the_tracking_page())
        return application


def application_draft_reply(*, application, actor, outcome: str, letter_html: str, note: str = "",
                            redirect_agency: str = "", uploads: Iterable = (), expected_status: str | None = None):
    """The office drafts the reply: the outcome (a table-3 category) and the letter (R.36, R.37).
    Files provided stay hidden from the applicant until the reply is approved and sent."""
    from applications.letters import sanitize_letter

    if outcome not in Outcome.values or outcome in (Outcome.OTHER_NO_SUPPLEMENT, Outcome.OTHER_FEE_UNPAID):
        raise InvalidInput(_("请选择办理结果。"))
    letter = sanitize_letter(letter_html or "")
    if not letter.strip():
        raise InvalidInput(_("告知书不能为空。"))
    if outcome in REFUSALS and not (note or "").strip():
        raise InvalidInput(_("不予公开、部分公开、无法提供或不予处理的，须写明理由和依据。"))
    with files_removed_unless_committed() as saved, transaction.atomic():
        application, role = _begin(application, actor, "draft_reply", expected_status)
        application.outcome = outcome
        application.reply_letter = letter
        application.reply_note = (note or "").strip()
        application.redirect_agency = (redirect_agency or "").strip()
        _attach(application, uploads, role=FileRole.PROVIDED, saved=saved, actor=actor, visible=False)
        _record(application, kind=K.REPLY_DRAFTED, actor=actor, role=role, to_status=S.REPLY_DRAFTED,
                data={"outcome": outcome})
        _tell_staff(users_acting_as(Role.DISCLOSURE_OFFICE), application, gettext_lazy("答复待审核"))
        return application


def application_return_reply(*, application, actor, comment: str, expected_status: str | None = None):
    comment = _require_text(comment, _("退回时必须填写修改意见。"))
    with transaction.atomic():
        application, role = _begin(application, actor, "return_reply", expected_status)
        return _record(application, kind=K.REPLY_RETURNED, actor=actor, role=role, comment=comment,
                       to_status=S.ASSIGNED if application.office_id else S.RECEIVED)


def application_send_reply(*, application, actor, comment: str = "", expected_status: str | None = None):
    """The disclosure office approves and sends the reply — not the person who drafted it
    (workflow.check) — and the application is closed. A refusal letter must give its legal basis
    and the remedies (R.36); the files provided become downloadable from now on."""
    from applications.letters import letter_omissions, letter_placeholders

    with transaction.atomic():
        application, role = _begin(application, actor, "send_reply", expected_status)
        if gaps := letter_placeholders(application.reply_letter):
            raise InvalidInput(_("告知书还有未填写的内容：%(gaps)s。请退回修改。") % {"gaps": "、".join(gaps)})
        if missing := letter_omissions(application.reply_letter, application.outcome):
            raise InvalidInput(_("告知书缺少%(missing)s。请退回修改。") % {"missing": "、".join(missing)})
        application.replied_on = timezone.localdate()
        application.closed_at = timezone.now()
        for item in application.files.filter(role=FileRole.PROVIDED, visible_to_applicant=False):
            item.visible_to_applicant = True  # saved one by one, so that the history records it
            item.save(update_fields=["visible_to_applicant"])
        _record(application, kind=K.REPLIED, actor=actor, role=role, to_status=S.CLOSED, comment=comment,
                data={"outcome": application.outcome})
        _tell_applicant(application, subject=_("您的申请已答复"),
                        body=_("本机关已对您的申请作出答复（%(outcome)s）。请在查询页面查看和下载告知书。")
                        % {"outcome": application.get_outcome_display()})
        return application


def _clean_review_case(case: ReviewCase) -> None:
    try:
        case.full_clean()
    except ValidationError as error:
        raise InvalidInput("；".join(error.messages)) from None


def application_record_review(*, application, actor, kind: str, filed_on: dt.date, result: str,
                              decided_on: dt.date | None = None, note: str = "", expected_status: str | None = None):
    """An administrative review or lawsuit about the reply, or about the lack of one (table 4)."""
    with transaction.atomic():
        application, role = _begin(application, actor, "record_review", expected_status)
        case = ReviewCase(application=application, kind=kind, filed_on=filed_on, result=result,
                          decided_on=decided_on, note=note)
        _clean_review_case(case)
        case.save()
        return _record(application, kind=K.REVIEW_RECORDED, actor=actor, role=role, comment=note,
                       data={"kind": kind, "result": result, "case": case.pk})


def review_case_update(*, case: ReviewCase, actor, result: str, decided_on: dt.date | None, note: str = ""):
    """A pending review or lawsuit is decided."""
    with transaction.atomic():
        application = _lock(case.application)
        workflow.check(workflow.TRANSITIONS["record_review"], actor, application)
        case.result, case.decided_on, case.note = result, decided_on, note or case.note
        _clean_review_case(case)
        case.save()
        _record(application, kind=K.REVIEW_RECORDED, actor=actor, role=Role.DISCLOSURE_OFFICE, comment=note,
                data={"kind": case.kind, "result": result, "case": case.pk})
        return case


# --- The applicant's own actions ---------------------------------------------------------------


def application_withdraw(*, application, reason: str = "") -> DisclosureApplication:
    """The applicant withdraws an open application (table 3 (六)3 其他)."""
    with transaction.atomic():
        application = _lock(application)
        if not application.is_open:
            raise StateConflict(_("该申请已办结，不能撤回。"))
        application.outcome = Outcome.OTHER
        application.closed_at = timezone.now()
        return _record(application, kind=K.WITHDRAWN, to_status=S.CLOSED, comment=(reason or "").strip()[:2000])


def application_rate(*, application, rating: int, comment: str = "") -> DisclosureApplication:
    """After closing, the applicant rates the handling once (M.18 social evaluation)."""
    if not 1 <= int(rating) <= 5:
        raise InvalidInput(_("请选择1至5分。"))
    with transaction.atomic():
        application = _lock(application)
        if application.is_open:
            raise StateConflict(_("申请办结后才能评价。"))
        if application.rating:
            raise StateConflict(_("您已评价过。"))
        application.rating = int(rating)
        application.rating_comment = (comment or "").strip()[:2000]
        application.rated_at = timezone.now()
        return _record(application, kind=K.RATED, data={"rating": int(rating)})


def applications_recompute_due_dates(*, since: dt.date) -> int:
    """After a calendar change: recompute the clocks of open applications."""
    count = 0
    for application in DisclosureApplication.objects.filter(received_on__gte=since - dt.timedelta(days=120)):
        before = (application.due_date, application.due_date_provisional)
        refresh_clock(application)
        if (application.due_date, application.due_date_provisional) != before:
            DisclosureApplication.objects.filter(pk=application.pk).update(
                due_date=application.due_date, due_date_provisional=application.due_date_provisional)
            count += 1
    return count

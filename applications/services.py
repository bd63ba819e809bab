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
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import clock, receipt, workflow
from applications.models import (
    NOT_TO_APPLICANT,
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
    ReminderSent,
    ReviewCase,
    SendChannel,
    Status,
)
from applications.outcomes import REFUSALS, Outcome
from disclosure.demand_services import demand_changed
from disclosure.models import DisclosureOverride
from portal import tracking
from portal.cases import case_lock, case_rate, case_record_event, tell_citizen, tell_staff
from portal.errors import ActionRefused, InvalidInput, StateConflict
from portal.files import store_upload
from portal.intake import intake_once
from portal.language import agency_language
from portal.models import Office, Role, SiteProfile
from portal.notify import absolute_url, notify_on_commit
from portal.selectors import has_role, users_acting_as
from portal.services import sequence_next
from portal.tracking import new_secret, secret_digest
from portal.uploads import files_removed_unless_committed
from portal.workdays import add_workdays, workdays_left_many

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


def _record_event(application, *, kind: str, actor=None, role: str = "", to_status: str | None = None,
                  on: dt.date | None = None, comment: str = "", data: dict | None = None) -> ApplicationEvent:
    """Write the event, move the status, recompute the clock, save. The one way to change state."""
    return case_record_event(application, kind=kind, refresh_clock=refresh_clock, actor=actor, role=role,
                             to_status=to_status, on=on, comment=comment, data=data)


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
                         to_applicant=kind not in NOT_TO_APPLICANT)


def _closing_letter(application, event: ApplicationEvent, kind: str, outcome: str) -> ApplicationNotice:
    """The letter that ends processing without a reply (R.30 deemed abandoned; 109号 fee not
    paid), from the outcome's reply-letter template."""
    from applications.letters import letter_facts, render_letter

    html = render_letter(application, outcome=outcome, extra={**letter_facts(application), "date": event.on})
    return _issue_notice(application, event, kind=kind, html=html)


_lock = case_lock


def _require_text(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(message)
    return text


def _on_the_tracking_page() -> str:
    return _("书面通知可凭查询码和查询密码在查询页面查看、打印。")


def _tell_applicant(application, *, subject: str, body: str, legal: bool = False) -> None:
    """By e-mail where the applicant gave an address; the written notice, where there is one, is
    on the tracking page and printed by staff for those without e-mail. `legal`: a notice that
    sets or changes a deadline or answers the request (R.30, R.33, R.36, R.42), listed with its
    date sent on the tracking page too."""
    tell_citizen(application, email=application.email, subject=subject, body=body,
                 greeting=application.applicant_name, tracking_url=absolute_url(reverse("applications:track")),
                 site_name=SiteProfile.current().name, legal=legal)


def _tell_staff(users, application, subject) -> None:
    tell_staff(application, users=users, subject=subject, summary=application.information_title,
               link=absolute_url(reverse("admin:applications_disclosureapplication_change", args=[application.pk])),
               site_name=SiteProfile.current().name, digestible=True)


# --- Creating ---------------------------------------------------------------------------------


def application_submit(*, data: dict, uploads: Iterable = (), idempotency_key: uuid.UUID | None = None,
                       suggest_proactive: bool = False) -> tuple[DisclosureApplication, str, bool]:
    """An online application (R.29). Returns (application, secret, created). Submitting the same
    form twice (same one-time key), even at the same moment, stores one application and every
    answer is its receipt (portal.intake). `suggest_proactive`: the applicant also suggests
    proactive disclosure of the information (R.44, second paragraph)."""
    secret = new_secret(idempotency_key, "application")
    uploads = list(uploads)

    def store() -> DisclosureApplication:
        if len(uploads) > MAX_FILES:
            raise InvalidInput(_("附件最多 %(n)d 个。") % {"n": MAX_FILES})
        with files_removed_unless_committed() as saved, transaction.atomic():
            application = DisclosureApplication(
                **data, channel=Channel.ONLINE, status=S.SUBMITTED, idempotency_key=idempotency_key,
                tracking_code=_tracking_code(timezone.localdate().year), secret_digest=secret_digest(secret),
            )
            application.full_clean(exclude=["tracking_code"])
            application.save()
            _attach(application, uploads, role=FileRole.APPLICATION, saved=saved)
            _record(application, kind=K.SUBMITTED, comment=_("网上提交"))
            if suggest_proactive:
                _mark_suggested(application)
            demand_changed()  # the demand page's figures (issue #22)
        return application

    try:
        application, created = intake_once(DisclosureApplication, idempotency_key=idempotency_key, create=store)
    except ValidationError as error:
        raise InvalidInput("；".join(error.messages)) from None
    if not created:
        return application, secret, False
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
            application.events.create(kind=K.SUBMITTED, actor=actor, acted_as=Role.DISCLOSURE_OFFICE, on=received_on,
                                      to_status=application.status, comment=Channel(channel).label)
            _record(application, kind=K.RECEIVED, actor=actor, role=Role.DISCLOSURE_OFFICE, on=received_on)
            demand_changed()  # the demand page's figures (issue #22)
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
        application, role = _begin(application, actor, workflow.A.CONFIRM, expected_status)
        if received_on < timezone.localtime(application.submitted_at).date():
            raise InvalidInput(_("收到申请日期不能早于提交日期。"))
        application.received_on = received_on
        _record(application, kind=K.RECEIVED, actor=actor, role=role, to_status=S.RECEIVED, on=received_on,
                comment=comment)
        demand_changed()  # counted from the date of receipt now (R.31): the demand page's figures
        _tell_applicant(application, subject=_("您的申请已受理"),
                        body=_("本机关已于 %(date)s 收到您的申请，将在 %(due)s 前答复。")
                        % {"date": received_on, "due": application.due_date})
        return application


def application_assign(*, application, actor, office: Office, comment: str = "",
                       expected_status: str | None = None) -> DisclosureApplication:
    with transaction.atomic():
        application, role = _begin(application, actor, workflow.A.ASSIGN, expected_status)
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
        application, role = _begin(application, actor, workflow.A.REQUEST_SUPPLEMENT, expected_status)
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
                        % {"deadline": deadline, "items": items} + "\n" + _on_the_tracking_page(), legal=True)
        return application


def _back_from_supplement(application) -> str:
    requested = application.events.filter(kind=K.SUPPLEMENT_REQUESTED).order_by("-at").first()
    return (requested.data.get("return_to") if requested else None) or S.RECEIVED


def _supplement_received(application, *, on: dt.date, actor=None, role: str = "", comment: str = "") -> bool:
    """Record the supplement. One that came after the deadline set restarts nothing: it is held
    (supplement_late) for the disclosure office to decide whether there was good reason (R.30);
    say whether it was late, so that they are told."""
    late = bool(application.supplement_deadline and on > application.supplement_deadline)
    if late:
        _record(application, kind=K.SUPPLEMENT_RECEIVED, actor=actor, role=role, on=on, comment=comment,
                data={"late": True, "held": True, "deadline": application.supplement_deadline.isoformat()},
                to_status=S.SUPPLEMENT_LATE)
    else:
        _record(application, kind=K.SUPPLEMENT_RECEIVED, actor=actor, role=role, on=on, comment=comment,
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
    """Staff register a supplement that arrived on paper; the clock restarts from that day, or,
    after the deadline, waits for their decision (R.30)."""
    with files_removed_unless_committed() as saved, transaction.atomic():
        application, role = _begin(application, actor, workflow.A.RECORD_SUPPLEMENT, expected_status)
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


def application_accept_late_supplement(*, application, actor, reason: str, expected_status: str | None = None):
    """R.30: the applicant had good reason for supplementing late. The reason is recorded; the
    limit counts from the day the supplement arrived (clock.py)."""
    reason = _require_text(reason, _("请写明认定有正当理由的依据（条例第三十条）。"))
    with transaction.atomic():
        application, role = _begin(application, actor, workflow.A.ACCEPT_LATE_SUPPLEMENT, expected_status)
        arrived = application.events.filter(kind=K.SUPPLEMENT_RECEIVED).order_by("-at", "-pk").first()
        _record(application, kind=K.SUPPLEMENT_ACCEPTED, actor=actor, role=role, comment=reason,
                to_status=_back_from_supplement(application),
                data={"supplement_on": arrived.on.isoformat() if arrived else None, "reason": reason})
        _tell_applicant(application, subject=_("您的逾期补正已被接受"),
                        body=_("您的补正虽已超过补正期限，本机关认定有正当理由，予以接受。答复期限自收到补正之日起计算，"
                               "为 %(due)s（条例第三十条）。") % {"due": application.due_date}, legal=True)
        return application


def application_deem_withdrawn(*, application, actor, comment: str = "", expected_status: str | None = None):
    """No supplement by the deadline — or one after it — without good reason: deemed abandoned
    (R.30; table 3 (六)1). After a late supplement the reason for refusing it is required. The
    applicant gets the closing letter (other_no_supplement)."""
    with transaction.atomic():
        application, role = _begin(application, actor, workflow.A.DEEM_WITHDRAWN, expected_status)
        if application.status == S.SUPPLEMENT_LATE:
            comment = _require_text(comment, _("申请人已逾期补正：请写明认定没有正当理由的理由（条例第三十条）。"))
        application.outcome = Outcome.OTHER_NO_SUPPLEMENT
        application.closed_at = timezone.now()
        event = _record_event(application, kind=K.DEEMED_WITHDRAWN, actor=actor, role=role, to_status=S.CLOSED,
                              comment=comment)
        _closing_letter(application, event, NoticeKind.NO_SUPPLEMENT, Outcome.OTHER_NO_SUPPLEMENT)
        _tell_applicant(application, subject=_("您的申请视为放弃"),
                        body=_("您未在补正期限内补正，申请视为放弃，本机关不再处理（条例第三十条）。")
                        + "\n" + _on_the_tracking_page(), legal=True)
        return application


def _date_between(day: dt.date, first: dt.date | None, last: dt.date, message: str) -> dt.date:
    if day > last or (first and day < first):
        raise InvalidInput(message)
    return day


def _send_channel(via: str) -> str:
    if via not in SendChannel.values:
        raise InvalidInput(_("请选择送达方式。"))
    return via


def _start_consultation(application, actor, name: str, *, flag: str, kind: str, notice: str, addressee: str, sent_on,
                        via: str, expected_status, data: dict, facts: dict):
    """A consultation letter goes out (R.32 third party, R.34 another agency): the other side
    has 15 working days from its receipt, presumed from how the letter was sent (receipt.py)."""
    via = _send_channel(via)
    application, role = _begin(application, actor, name, expected_status)
    setattr(application, flag, True)
    today = timezone.localdate()
    on = _date_between(sent_on or today, application.received_on, today,
                       _("发出征求意见书的日期应在收到申请之日和今天之间。"))
    presumed = receipt.presumed_receipt(on, via)
    answer_by = add_workdays(presumed, clock.THIRD_PARTY_WORKING_DAYS).date
    event = _record_event(application, kind=kind, actor=actor, role=role, on=on, comment=addressee,
                          data={**data, "sent_via": via, "presumed_receipt": presumed.isoformat(),
                                "answer_by": answer_by.isoformat()})
    _notice(application, event, notice, addressee=addressee, sent_via=SendChannel(via).label, **facts)
    return application


def application_start_consultation(*, application, actor, third_party: str, sent_on: dt.date | None = None,
                                   sent_via: str = SendChannel.POST, expected_status: str | None = None):
    """R.32: the third party is consulted in writing (征求意见函) and has 15 working days from its
    receipt of the letter to answer. Only while the time limit runs (workflow.limit_running)."""
    third_party = _require_text(third_party, _("请填写被征求意见的第三方。"))
    with transaction.atomic():
        return _start_consultation(application, actor, workflow.A.START_CONSULTATION, flag="consultation_open",
                                   kind=K.CONSULTATION_STARTED,
                                   notice=NoticeKind.CONSULTATION, addressee=third_party, sent_on=sent_on,
                                   via=sent_via, expected_status=expected_status, data={"third_party": third_party},
                                   facts={})


def application_end_consultation(*, application, actor, ended_on: dt.date | None = None, result: str = "",
                                 objected: bool = False, expected_status: str | None = None):
    """The third party answered (or its 15 working days ran out). The time not counted toward
    the limit is capped at those 15 working days (clock.py). An objection is recorded: releasing
    the information anyway needs the written notice of R.32 (notify_third_party)."""
    result = _require_text(result, _("请填写第三方意见（或逾期未答复）。"))
    with transaction.atomic():
        application, role = _begin(application, actor, workflow.A.END_CONSULTATION, expected_status)
        today = timezone.localdate()
        started = application.events.filter(kind=K.CONSULTATION_STARTED).order_by("-at", "-pk").first()
        on = _date_between(ended_on or today, started.on if started else None, today,
                           _("征求意见结束日期应在发出征求意见书之日和今天之间。"))
        application.consultation_open = False
        return _record(application, kind=K.CONSULTATION_ENDED, actor=actor, role=role, on=on, comment=result,
                       data={"objected": bool(objected),
                             "third_party": started.data.get("third_party", "") if started else ""})


def application_start_agency_consultation(*, application, actor, agency: str, matter: str,
                                          sent_on: dt.date | None = None, sent_via: str = SendChannel.POST,
                                          expected_status: str | None = None):
    """R.33(3), R.34: another agency is consulted in writing (征求意见函); it answers within 15
    working days of receiving the letter, silence counting as consent; the time is not counted."""
    agency = _require_text(agency, _("请填写被征求意见的机关。"))
    matter = _require_text(matter, _("请写明征求意见的事项。"))
    with transaction.atomic():
        return _start_consultation(application, actor, workflow.A.START_AGENCY_CONSULTATION, flag="agency_consultation_open",
                                   kind=K.AGENCY_CONSULTATION_STARTED, notice=NoticeKind.AGENCY_CONSULTATION,
                                   addressee=agency, sent_on=sent_on, via=sent_via, expected_status=expected_status,
                                   data={"agency": agency, "matter": matter}, facts={"matter": matter})


def application_end_agency_consultation(*, application, actor, ended_on: dt.date | None = None, result: str = "",
                                        expected_status: str | None = None):
    """The other agency answered, or its 15 working days ran out (R.34: silence is consent)."""
    result = _require_text(result, _("请填写被征求意见机关的意见（或逾期未提出意见，视为同意公开）。"))
    with transaction.atomic():
        application, role = _begin(application, actor, workflow.A.END_AGENCY_CONSULTATION, expected_status)
        today = timezone.localdate()
        started = application.events.filter(kind=K.AGENCY_CONSULTATION_STARTED).order_by("-at", "-pk").first()
        on = _date_between(ended_on or today, started.on if started else None, today,
                           _("征求意见结束日期应在发出征求意见书之日和今天之间。"))
        application.agency_consultation_open = False
        return _record(application, kind=K.AGENCY_CONSULTATION_ENDED, actor=actor, role=role, on=on, comment=result,
                       data={"agency": started.data.get("agency", "") if started else ""})


def awaiting_receipt(application) -> list[tuple[str, str]]:
    """The notices whose receipt may be recorded now: (clock pause name, label)."""
    found = []
    if application.consultation_open:
        found.append((clock.CONSULTATION, str(NoticeKind.CONSULTATION.label)))
    if application.agency_consultation_open:
        found.append((clock.AGENCY, str(NoticeKind.AGENCY_CONSULTATION.label)))
    if application.fee_pending:
        found.append((clock.FEE, str(NoticeKind.FEE.label)))
    return found


def application_record_receipt(*, application, actor, notice: str, received_on: dt.date,
                               expected_status: str | None = None):
    """The day the consultation letter (R.32, R.34) or the fee notice (109号) was received, from
    the postal receipt or the delivery record: the other side's period counts from it."""
    with transaction.atomic():
        application, role = _begin(application, actor, workflow.A.RECORD_RECEIPT, expected_status)
        if notice not in dict(awaiting_receipt(application)):
            raise InvalidInput(_("请选择等待送达的文书。"))
        if notice == clock.FEE and role != workflow.DISCLOSURE_OFFICE:
            raise ActionRefused(_("收费通知的送达日期由政府信息公开工作机构登记。"))
        today = timezone.localdate()
        if notice == clock.FEE:
            fee = application.fee_notices.filter(paid_on__isnull=True).order_by("-issued_on", "-pk").first()
            sent = fee.issued_on
        else:
            kind = K.CONSULTATION_STARTED if notice == clock.CONSULTATION else K.AGENCY_CONSULTATION_STARTED
            sent = application.events.filter(kind=kind).order_by("-at", "-pk").first().on
        on = _date_between(received_on, sent, today, _("收到日期应在发出之日和今天之间。"))
        data = {"notice": notice, "sent_on": sent.isoformat()}
        if notice == clock.FEE:
            from applications.fees import PAYMENT_WORKING_DAYS

            fee.received_on = on
            fee.pay_by = add_workdays(on, PAYMENT_WORKING_DAYS).date
            fee.save(update_fields=["received_on", "pay_by"])
            data["pay_by"] = fee.pay_by.isoformat()
        else:
            data["answer_by"] = add_workdays(on, clock.THIRD_PARTY_WORKING_DAYS).date.isoformat()
        return _record(application, kind=K.NOTICE_RECEIVED, actor=actor, role=role, on=on, data=data)


# --- Extension (R.33(2)) and delayed reply (R.35) ---------------------------------------------------


def application_request_extension(*, application, actor, days: int, reason: str, expected_status: str | None = None):
    """The handling person asks for one extension of at most 20 working days (R.33(2)); it takes
    effect only with the consent of the head of the disclosure work body (approve_extension)."""
    reason = _require_text(reason, _("请填写延期理由。"))
    try:  # a command or the API may pass what a person typed
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= clock.MAX_EXTENSION_WORKING_DAYS:
        raise InvalidInput(_("延长期限为1至20个工作日。"))
    with transaction.atomic():
        application, role = _begin(application, actor, workflow.A.REQUEST_EXTENSION, expected_status)
        application.extension_pending = True
        _record(application, kind=K.EXTENSION_REQUESTED, actor=actor, role=role, comment=reason,
                data={"days": days, "reason": reason})
    from applications.selectors import extension_approvers

    _tell_staff(extension_approvers(exclude=actor), application, gettext_lazy("延长答复期限待批准"))
    return application


def application_approve_extension(*, application, actor, comment: str = "", expected_status: str | None = None):
    """The head of the disclosure work body (or whoever settings.APPLICATION_EXTENSION_APPROVERS
    names) consents — never the person who asked (workflow.check); the 延期答复告知书 goes out
    with the date of consent (R.33(2))."""
    with transaction.atomic():
        application, role = _begin(application, actor, workflow.A.APPROVE_EXTENSION, expected_status)
        request = application.events.filter(kind=K.EXTENSION_REQUESTED).order_by("-at", "-pk").first()
        days, reason = int(request.data["days"]), request.data.get("reason") or request.comment
        today = timezone.localdate()
        application.extension_pending = False
        requester = request.actor
        event = _record_event(application, kind=K.EXTENDED, actor=actor, role=role, comment=reason,
                              data={"days": days, "reason": reason, "requested_by": request.actor_id,
                                    "requested_by_name": person_name(requester), "requested_on": request.on.isoformat(),
                                    "approved_by_name": person_name(actor), "approved_on": today.isoformat(),
                                    "approval_comment": (comment or "").strip()})
        _notice(application, event, NoticeKind.EXTENSION, reason=reason, days=days, due=application.due_date,
                approved_on=today)
        _tell_applicant(application, subject=_("答复期限延长告知"),
                        body=_("因%(reason)s，经本机关政府信息公开工作机构负责人于 %(approved)s 同意，答复期限延长 %(days)d 个工作日，"
                               "延长后的答复期限为 %(due)s（条例第三十三条第二款）。")
                        % {"reason": reason, "approved": today, "days": days, "due": application.due_date}
                        + "\n" + _on_the_tracking_page(), legal=True)
        return application


def application_refuse_extension(*, application, actor, comment: str, expected_status: str | None = None):
    """No consent: the limit stays as it is (and the handler may not ask again on this ground)."""
    comment = _require_text(comment, _("请写明不同意延期的理由。"))
    with transaction.atomic():
        application, role = _begin(application, actor, workflow.A.REFUSE_EXTENSION, expected_status)
        application.extension_pending = False
        return _record(application, kind=K.EXTENSION_REFUSED, actor=actor, role=role, comment=comment)


def person_name(user) -> str:
    """How a staff member is named in a record: full name, else the user name."""
    if user is None:
        return ""
    return f"{user.last_name}{user.first_name}".strip() or user.get_username()


# Well beyond any reasonable delayed reply (R.35): a date further out is a typing error.
MAX_DELAY_DAYS = 366


def application_delay_reply(*, application, actor, until: dt.date, reasons: str, applicant_reason: str = "",
                            expected_status: str | None = None):
    """R.35: the volume or frequency of the applicant's requests clearly exceeds reasonable bounds,
    the reason they gave is reasonable, but the reply cannot be made in time: the office sets a
    reasonable later date and tells the applicant why (延迟答复告知书)."""
    reasons = _require_text(reasons, _("请写明不能按期答复的理由（将告知申请人）。"))
    with transaction.atomic():
        application, role = _begin(application, actor, workflow.A.DELAY_REPLY, expected_status)
        due = workflow.current_due(application)
        today = timezone.localdate()
        if not until or (due and until <= due) or until > today + dt.timedelta(days=MAX_DELAY_DAYS):
            raise InvalidInput(_("延迟答复的期限应晚于现在的答复期限（%(due)s），且在一年之内（条例第三十五条）。")
                               % {"due": due or "—"})
        event = _record_event(application, kind=K.DELAYED_REPLY, actor=actor, role=role, comment=reasons,
                              data={"until": until.isoformat(), "previous_due": due.isoformat() if due else None,
                                    "reasons": reasons, "applicant_reason": (applicant_reason or "").strip()})
        _notice(application, event, NoticeKind.DELAYED_REPLY, reasons=reasons, until=until,
                applicant_reason=(applicant_reason or "").strip())
        _tell_applicant(application, subject=_("延迟答复告知"),
                        body=_("您申请公开政府信息的数量、频次明显超过合理范围，本机关无法在规定期限内答复。因%(reasons)s，"
                               "本机关将于 %(until)s 前答复（条例第三十五条）。") % {"reasons": reasons, "until": until}
                        + "\n" + _on_the_tracking_page(), legal=True)
        return application


def _fee_basis_text(method: str, basis: int) -> str:
    if method == FeeMethod.BY_COUNT:
        return _("该申请人本自然月第%(n)d件申请") % {"n": basis}
    return _("提供信息%(n)d页") % {"n": basis}


def application_fee_notice(*, application, actor, method: str, basis: int, sent_via: str = SendChannel.EMAIL,
                           expected_status: str | None = None):
    """R.42: a fee only where the number or frequency of applications clearly exceeds a
    reasonable range, by one method per application (国办函〔2020〕109号). Only while the time
    limit runs; the clock is suspended from the notice until the fee is paid; the applicant has
    20 working days from receiving the notice (presumed from how it went out until recorded)."""
    from applications.fees import PAYMENT_WORKING_DAYS, fee_for

    via = _send_channel(sent_via)
    try:
        amount = fee_for(method, int(basis))
    except (ValueError, TypeError) as error:
        raise InvalidInput(str(error)) from None
    if amount <= 0:
        raise InvalidInput(_("按该方式计算不收费，无需发出收费通知。"))
    with transaction.atomic():
        application, role = _begin(application, actor, workflow.A.FEE_NOTICE, expected_status)
        earlier = application.fee_notices.exclude(method=method).first()
        if earlier:
            raise InvalidInput(_("本申请已按“%(method)s”计收，同一申请只能选择一种计收方式（国办函〔2020〕109号）。")
                               % {"method": earlier.get_method_display()})
        today = timezone.localdate()
        presumed = receipt.presumed_receipt(today, via)
        pay_by = add_workdays(presumed, PAYMENT_WORKING_DAYS).date
        FeeNotice.objects.create(application=application, method=method, basis=int(basis), amount=amount,
                                 issued_on=today, sent_via=via, pay_by=pay_by)
        application.fee_pending = True
        event = _record_event(application, kind=K.FEE_NOTICE, actor=actor, role=role,
                              data={"amount": str(amount), "method": method, "basis": int(basis), "sent_via": via,
                                    "presumed_receipt": presumed.isoformat(), "pay_by": pay_by.isoformat()})
        _notice(application, event, NoticeKind.FEE, method=FeeMethod(method).label,
                basis_text=_fee_basis_text(method, int(basis)), amount=amount, sent_via=SendChannel(via).label,
                pay_by=pay_by if presumed == today else None)
        _tell_applicant(application, subject=_("信息处理费缴费通知"),
                        body=_("您的申请需缴纳信息处理费 %(amount)s 元，请自收到缴费通知之日起20个工作日内缴纳；"
                               "逾期未缴纳的，本机关不再处理该申请。缴费期限以查询页面显示的为准。")
                        % {"amount": amount} + "\n" + _on_the_tracking_page(), legal=True)
        return application


def application_fee_paid(*, application, actor, paid_on: dt.date | None = None, expected_status: str | None = None):
    """The fee arrived: the suspended clock continues (109号)."""
    with transaction.atomic():
        application, role = _begin(application, actor, workflow.A.FEE_PAID, expected_status)
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
        application, role = _begin(application, actor, workflow.A.FEE_UNPAID, expected_status)
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
                        + "\n" + _on_the_tracking_page(), legal=True)
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
        application, role = _begin(application, actor, workflow.A.DRAFT_REPLY, expected_status)
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
        application, role = _begin(application, actor, workflow.A.RETURN_REPLY, expected_status)
        application.public_interest_pending = False  # a redrafted reply is signed again
        return _record(application, kind=K.REPLY_RETURNED, actor=actor, role=role, comment=comment,
                       to_status=S.ASSIGNED if application.office_id else S.RECEIVED)


def application_notify_third_party(*, application, actor, content: str, reason: str, sent_on: dt.date | None = None,
                                   sent_via: str = SendChannel.POST, expected_status: str | None = None):
    """R.32: the third party objected, but the office finds that withholding would seriously harm
    the public interest and decides to disclose: the content to be disclosed and the reasons are
    told to the third party in writing (决定公开告知书), with the date it was sent. Required before
    a reply that releases the information goes out (application_send_reply)."""
    content = _require_text(content, _("请写明决定公开的政府信息内容。"))
    reason = _require_text(reason, _("请写明不公开可能对公共利益造成重大影响的理由（条例第三十二条）。"))
    via = _send_channel(sent_via)
    with transaction.atomic():
        application, role = _begin(application, actor, workflow.A.NOTIFY_THIRD_PARTY, expected_status)
        objection = workflow.third_party_objection(application)
        third_party = objection.data.get("third_party") or objection.comment
        today = timezone.localdate()
        on = _date_between(sent_on or today, objection.on, today, _("发出日期应在第三方提出意见之日和今天之间。"))
        event = _record_event(application, kind=K.THIRD_PARTY_NOTIFIED, actor=actor, role=role, on=on, comment=reason,
                              data={"third_party": third_party, "content": content, "reason": reason, "sent_via": via,
                                    "objection_on": objection.on.isoformat(), "sent_on": on.isoformat()})
        _notice(application, event, NoticeKind.THIRD_PARTY_DISCLOSURE, addressee=third_party, content=content,
                reason=reason, objection_on=objection.on, sent_via=SendChannel(via).label)
        return application


def application_request_public_interest(*, application, actor, reason: str, expected_status: str | None = None):
    """The disclosure office finds that withholding the commercial secret or privacy in the reply
    would seriously harm the public interest and asks the supervising leader to sign the decision
    (M.6 para. 2, R.15): the reply goes out only once signed (application_send_reply)."""
    reason = _require_text(reason, _("认定不公开可能对公共利益造成重大影响的，须写明理由（实施办法第六条第二款、条例第十五条）。"))
    with transaction.atomic():
        application, role = _begin(application, actor, workflow.A.REQUEST_PUBLIC_INTEREST, expected_status)
        application.public_interest_pending = True
        _record(application, kind=K.PUBLIC_INTEREST_REQUESTED, actor=actor, role=role, comment=reason,
                data={"reason": reason})
    if application.office_id:
        _tell_staff(users_acting_as(Role.LEADER, application.office).exclude(pk=actor.pk), application,
                    gettext_lazy("因公共利益决定公开待签发"))
    return application


def application_sign_off_public_interest(*, application, actor, comment: str = "", expected_status: str | None = None):
    """A supervising leader of the office signs the public-interest decision — never the person
    who asked for the signature (workflow.check, M.12(1)). The reason signed is the request's."""
    with transaction.atomic():
        application, role = _begin(application, actor, workflow.A.SIGN_OFF_PUBLIC_INTEREST, expected_status)
        request = application.events.filter(kind=K.PUBLIC_INTEREST_REQUESTED).order_by("-at", "-pk").first()
        application.public_interest_pending = False
        return _record(application, kind=K.PUBLIC_INTEREST_SIGNED_OFF, actor=actor, role=role,
                       comment=(comment or "").strip(),
                       data={"reason": request.data.get("reason") or request.comment,
                             "requested_by_name": person_name(request.actor), "requested_on": request.on.isoformat(),
                             "signed_by_name": person_name(actor), "signed_on": timezone.localdate().isoformat()})


def _reply_checklist(application, *, override: str, consent_how: str, consent_on, consent_document,
                     public_interest_reason: str, checks: dict) -> dict:
    """The record's confidentiality checklist (disclosure.services.confidentiality_checklist, one
    rule for records and replies), with what a reply adds to the override of M.6 para. 2, R.15:
    the consent letter is uploaded with the send (the case closes with it, so there is no earlier
    one to reuse); a public-interest decision needs the supervising leader's signature on the
    reply as drafted, whose reason it states."""
    from disclosure.services import confidentiality_checklist

    signoff = None
    if override == DisclosureOverride.PUBLIC_INTEREST:
        signoff = workflow.public_interest_signoff(application)
        if signoff is None:
            raise StateConflict(_("因公共利益决定公开的，须先提请主管厅领导签发，签发后方可发出答复"
                                  "（实施办法第六条第二款、条例第十五条）。"))
        public_interest_reason = public_interest_reason or signoff.data.get("reason", "")
    checklist = confidentiality_checklist(
        **checks, override=override, consent_how=consent_how, consent_on=consent_on,
        consent_document=consent_document.name if consent_document else "",
        public_interest_reason=public_interest_reason)
    if signoff is not None:
        checklist.update(signed_by_name=signoff.data.get("signed_by_name", ""),
                         signed_on=signoff.data.get("signed_on", ""))
    return checklist


def application_send_reply(*, application, actor, comment: str = "", no_state_secret: bool | None = None,
                           no_commercial_secret: bool | None = None, no_personal_privacy: bool | None = None,
                           redacted_parts: str = "", redaction_grounds: Iterable[str] = (), override: str = "",
                           consent_how: str = "", consent_on: dt.date | None = None, consent_document=None,
                           public_interest_reason: str = "", expected_status: str | None = None):
    """The disclosure office approves and sends the reply — not the person who drafted it
    (workflow.check) — and the application is closed. Every letter names the remedies (R.36 and
    the review body of the agency profile), a refusal its legal basis too. A reply that releases
    information (全部或部分公开) passes the confidentiality check of a record first (M.3(4), M.6,
    R.17: disclosure/services.confidentiality_checklist), and over a third party's objection only
    after the written notice of R.32. A commercial secret or privacy may be disclosed with the
    right holder's consent (how, when, and the consent kept with the case: `consent_document` is
    the upload) or, signed by the supervising leader, in the public interest (M.6 para. 2, R.15:
    `override`). The files provided become downloadable from now on."""
    from applications.letters import letter_omissions, letter_placeholders
    from applications.personal_data import reply_guard

    with files_removed_unless_committed() as saved, transaction.atomic():
        application, role = _begin(application, actor, workflow.A.SEND_REPLY, expected_status)
        if gaps := letter_placeholders(application.reply_letter):
            raise InvalidInput(_("告知书还有未填写的内容：%(gaps)s。请退回修改。") % {"gaps": "、".join(gaps)})
        if missing := letter_omissions(application.reply_letter, application.outcome):
            raise InvalidInput(_("告知书缺少%(missing)s。请退回修改。") % {"missing": "、".join(missing)})
        data = {"outcome": application.outcome}
        if application.outcome in workflow.RELEASING:
            override = (override or "").strip()
            checklist = _reply_checklist(
                application, override=override, consent_how=consent_how, consent_on=consent_on,
                consent_document=consent_document, public_interest_reason=public_interest_reason,
                checks={"no_state_secret": no_state_secret, "no_commercial_secret": no_commercial_secret,
                        "no_personal_privacy": no_personal_privacy, "redacted_parts": redacted_parts,
                        "redaction_grounds": redaction_grounds})
            if application.outcome == Outcome.PARTIAL and not checklist["redacted_parts"]:
                raise InvalidInput(_("部分公开的，请写明不予公开的部分及其依据（条例第三十七条）。"))
            if application.outcome == Outcome.DISCLOSED and checklist["redacted_parts"]:
                raise InvalidInput(_("有不予公开的部分的，办理结果应为“部分公开”（条例第三十七条）。请退回修改。"))
            # A partial disclosure normally withholds the third party's part (R.37); disclosing a
            # secret or privacy all the same over its objection needs the notice as well (R.32).
            if ((application.outcome == Outcome.DISCLOSED or checklist.get("override"))
                    and (objection := workflow.third_party_objection(application))):
                raise StateConflict(_("第三方已于 %(date)s 表示不同意公开。决定公开的，须先将决定公开的内容和理由书面告知第三方"
                                      "（条例第三十二条）。") % {"date": objection.on})
            if checklist.get("override") == DisclosureOverride.CONSENT and consent_document:
                # Kept with the case, never given to the applicant.
                stored = _attach(application, [consent_document], role=FileRole.CONSENT, saved=saved, actor=actor)[0]
                checklist.update(consent_document=stored.original_name, consent_document_id=stored.pk)
            data["checklist"] = checklist
        # M.6, R.15: no unresolved personal data in the letter or the files, no unfinished redaction.
        reply_guard(application)
        application.replied_on = timezone.localdate()
        application.closed_at = timezone.now()
        application.public_interest_pending = False
        for item in application.files.filter(role=FileRole.PROVIDED, visible_to_applicant=False):
            item.visible_to_applicant = True  # saved one by one, so that the history records it
            item.save(update_fields=["visible_to_applicant"])
        _record(application, kind=K.REPLIED, actor=actor, role=role, to_status=S.CLOSED, comment=comment, data=data)
        _tell_applicant(application, subject=_("您的申请已答复"),
                        body=_("本机关已对您的申请作出答复（%(outcome)s）。请在查询页面查看和下载告知书。")
                        % {"outcome": application.get_outcome_display()}, legal=True)
        return application


# --- R.44: from an answer to proactive disclosure ---------------------------------------------

PROACTIVE_CATEGORY = "m5-2"  # 需要社会公众广泛知晓或者参与的信息 (M.5(2)); the drafter may change it


def _without_identity(text: str, application: DisclosureApplication) -> str:
    """`text` with the applicant's name, identity number, phone, e-mail and address blanked out:
    the title and file names were typed by the applicant or the office and may name them."""
    for value in (application.applicant_name, application.legal_representative, application.contact_person,
                  application.identity_number, application.phone, application.email, application.address):
        value = (value or "").strip()
        if len(value) >= 2:
            text = text.replace(value, "×××")
    return text


def _proactive_drafter(application: DisclosureApplication, actor):
    """The record is the answering office's draft: its info officer holds it; where the office
    has none, the person who started it."""
    return users_acting_as(Role.DRAFTER, application.office).order_by("pk").first() or actor


def application_propose_proactive_disclosure(*, application, actor, expected_status: str | None = None):
    """R.44: the disclosure office brings information released on application (予以公开 or 部分公开)
    into proactive disclosure. A draft record of the office that answered is made from what the
    applicant received: the title of the information and the files provided, as released (the
    redacted copy where parts were withheld, R.37). Nothing else of the case is copied — not the
    applicant's identity or contacts, not the letter, the notices or any withheld part. The draft
    then runs the ordinary publish chain (M.12); the application and the record point at each other.

    The record is created here rather than by `record_save_draft`, because the disclosure office is
    not the office's info officer (like the annual report's record): the info officer submits it."""
    from disclosure.models import Attachment, CatalogueCategory, DisclosureAttribute, DocumentType, Record, RecordState
    from disclosure.models import Channel as RecordChannel
    from disclosure.services import record_refresh_due_date

    with files_removed_unless_committed() as saved, transaction.atomic():
        application, role = _begin(application, actor, workflow.A.PROPOSE_PROACTIVE_DISCLOSURE, expected_status)
        released = workflow.released_files(application)
        category = (CatalogueCategory.objects.filter(code=PROACTIVE_CATEGORY, is_active=True).first()
                    or CatalogueCategory.objects.filter(is_active=True).order_by("sort_order", "pk").first())
        if category is None:
            raise InvalidInput(_("目录中没有在用的主题分类：请先设置政府信息公开目录。"))
        drafter = _proactive_drafter(application, actor)
        title = _without_identity(application.information_title, application).strip() or _("依申请公开的政府信息")
        with agency_language():  # the published record's wording
            summary = _("本信息曾依申请公开，现纳入主动公开（条例第四十四条）。")
            body = format_html("<p>{}</p>", _("本信息曾依申请公开，根据《中华人民共和国政府信息公开条例》第四十四条"
                                              "纳入主动公开。内容见附件。"))
        record = Record(
            title=title[:300], summary=summary, body=body, office=application.office, category=category,
            created_by=drafter, state=RecordState.DRAFT, attribute=DisclosureAttribute.PROACTIVE,
            document_type=DocumentType.OTHER, channels=[RecordChannel.COLUMN, RecordChannel.WEBSITE],
            # M.11: the decision to disclose proactively is when the 20 working days start.
            date_formed=timezone.localdate(),
        )
        record.body = Record._meta.get_field("body").sanitize(record.body)
        record_refresh_due_date(record)
        try:
            record.full_clean()
        except ValidationError as error:
            raise InvalidInput("；".join(error.messages)) from None
        record.save()
        for order, item in enumerate(released, start=1):
            name = _without_identity(item.original_name or "", application) or f"{order}.pdf"
            with item.file.open("rb") as handle:
                upload = ContentFile(handle.read(), name=name)
            store_upload(Attachment(record=record, uploaded_by=drafter, sort_order=order,
                                    title=PurePath(name).stem[:200]), upload, saved=saved)
        application.public_record = record
        _record(application, kind=K.PROACTIVE_PROPOSED, actor=actor, role=role, comment=record.title,
                data={"record": record.pk})
        notify_on_commit(
            users=users_acting_as(Role.DRAFTER, record.office),
            subject=_("[%(agency)s] 依申请公开的信息纳入主动公开，草稿待提交：%(title)s")
            % {"agency": SiteProfile.current().name, "title": record.title},
            body=_("政府信息公开工作机构将依申请公开的信息纳入主动公开（条例第四十四条），已起草政府信息草稿，"
                   "请核对后提交审核。\n%(link)s\n")
            % {"link": absolute_url(reverse("admin:disclosure_record_change", args=[record.pk]))},
            digestible=True,
        )
        return application


def application_suggest_proactive_disclosure(*, application) -> DisclosureApplication:
    """R.44, second paragraph: the applicant suggests that the information be disclosed
    proactively — when applying, or on the tracking page once answered and until the answer
    became a record (the tracking page then links it). Stored once."""
    with transaction.atomic():
        application = _lock(application)
        if not application.replied_on:
            raise StateConflict(_("本机关答复后才能在此提出建议；提交申请时也可以勾选建议。"))
        if application.public_record_id:  # the disclosure office already drafted it as a record
            raise StateConflict(_("本机关已将所申请的信息纳入主动公开程序，无需再提出建议（条例第四十四条）。"))
        if application.proactive_suggested:
            raise StateConflict(_("您已经提出过纳入主动公开的建议。"))
        _mark_suggested(application)
        return application


def _mark_suggested(application: DisclosureApplication) -> None:
    application.proactive_suggested = True
    application.proactive_suggested_at = timezone.now()
    _record(application, kind=K.PROACTIVE_SUGGESTED, comment=_("条例第四十四条第二款"))


def _clean_review_case(case: ReviewCase) -> None:
    try:
        case.full_clean()
    except ValidationError as error:
        raise InvalidInput("；".join(error.messages)) from None


def application_record_review(*, application, actor, kind: str, filed_on: dt.date, result: str,
                              decided_on: dt.date | None = None, note: str = "", expected_status: str | None = None):
    """An administrative review or lawsuit about the reply, or about the lack of one (table 4)."""
    with transaction.atomic():
        application, role = _begin(application, actor, workflow.A.RECORD_REVIEW, expected_status)
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
        workflow.check(workflow.TRANSITIONS[workflow.A.RECORD_REVIEW], actor, application)
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
    with transaction.atomic():
        return case_rate(application, rating=rating, comment=comment, kind=K.RATED, refresh_clock=refresh_clock,
                         not_closed=_("申请办结后才能评价。"))


CLOCK_FIELDS = ("due_date", "due_date_provisional", "clock_paused", "extended")


def applications_recompute_clocks(*, queryset=None) -> int:
    """Replay the clock of each application (all by default) and store what changed; returns how
    many changed. After a calendar change, and once after the rules of issue #14: a pause or an
    extension recorded after the limit had run out no longer moves the due date (clock.py), so
    the tracking page, the assessment dashboard and the annual report's figures (counted from
    due_date when they are generated) count those replies as late. The events stay as they were."""
    count = 0
    for application in (queryset if queryset is not None else DisclosureApplication.objects.all()).iterator():
        before = tuple(getattr(application, name) for name in CLOCK_FIELDS)
        refresh_clock(application)
        after = tuple(getattr(application, name) for name in CLOCK_FIELDS)
        if after != before:
            DisclosureApplication.objects.filter(pk=application.pk).update(**dict(zip(CLOCK_FIELDS, after, strict=True)))
            count += 1
    return count


def applications_recompute_due_dates(*, since: dt.date) -> int:
    """After a calendar change: recompute the clocks of applications received since 120 days
    before the first date affected."""
    return applications_recompute_clocks(
        queryset=DisclosureApplication.objects.filter(received_on__gte=since - dt.timedelta(days=120)))


# --- Deadline reminders (R.33) ----------------------------------------------------------------

# kind, applies when (working days left, due date, today), subject — the most urgent first.
DEADLINE_REMINDERS = (
    ("overdue", lambda left, due, today: due < today, gettext_lazy("已逾期未答复")),
    ("two_days", lambda left, due, today: 0 <= left <= 2, gettext_lazy("距答复期限不足2个工作日")),
    ("five_days", lambda left, due, today: 0 <= left <= 5, gettext_lazy("距答复期限不足5个工作日")),
)


def _reminder_recipients(application, kind: str) -> list:
    # A drafted reply waits for the disclosure office's approval, not for its drafter.
    if kind == "overdue" or not application.office_id or application.status == S.REPLY_DRAFTED:
        return list(users_acting_as(Role.DISCLOSURE_OFFICE))
    return list(users_acting_as(Role.DRAFTER, application.office)) + list(
        users_acting_as(Role.DIVISION_HEAD, application.office))


def applications_send_deadline_reminders(*, today: dt.date | None = None) -> int:
    """Warn whoever handles an application whose clock runs, 5 and 2 working days before its due
    date, and the disclosure office once it is overdue (in their daily digest for those who chose
    it, portal.services.staff_digest_send). Each reminder is sent once per
    application, kind and due date (an extension earns new ones): safe to run any number of
    times a day. Returns how many were sent."""
    today = today or timezone.localdate()
    running = list(DisclosureApplication.objects.running().filter(due_date__isnull=False).select_related("office"))
    left = workdays_left_many([application.due_date for application in running], today)
    sent = 0
    for application in running:
        days = left[application.due_date]
        for kind, applies, subject in DEADLINE_REMINDERS:
            if not applies(days, application.due_date, today):
                continue
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(application=application, kind=kind, due_date=application.due_date)
                    with agency_language():
                        body = f"{application.information_title}\n{_('答复期限')}：{application.due_date}"
                    tell_staff(application, users=_reminder_recipients(application, kind), subject=subject,
                               summary=body, link=absolute_url(
                                   reverse("admin:applications_disclosureapplication_change", args=[application.pk])),
                               # Whoever chose the morning digest finds the application there,
                               # with its days left, instead of a mail of its own (issue #21).
                               site_name=SiteProfile.current().name, digestible=True)
                sent += 1
            except IntegrityError:
                pass  # already sent for this due date
            break  # the most urgent applicable reminder only
    return sent

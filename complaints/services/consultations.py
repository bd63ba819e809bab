"""Consultations (咨询, M.10): intake, routing, answering, the public FAQ, the asker's rating."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import clock, identity, workflow
from complaints.models import (
    Channel,
    Consultation,
)
from complaints.services.common import (
    CONSULTATION_PREFIX,
    QK,
    QS,
    QUESTION_MAX,
    _begin_case,
    _case_record,
    _check_received_on,
    _clean,
    _require_text,
    _site_name,
    _tracking_code,
    refresh_consultation_clock,
)
from disclosure.demand_services import demand_changed
from portal.cases import case_rate, tell_citizen, tell_staff
from portal.errors import ActionRefused, InvalidInput
from portal.intake import intake_once
from portal.models import Office, OfficeKind, Role
from portal.notify import absolute_url
from portal.pagecache import public_content_changed
from portal.selectors import has_role, users_acting_as
from portal.tracking import new_secret, secret_digest


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
    demand_changed()  # a question is demand for information too: the demand page's figures (issue #22)
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
        public_content_changed(pages=())  # the FAQ's lists only: no record page shows it
        return consultation


def consultation_unpublish(*, consultation, actor, reason: str, expected_status: str | None = None) -> Consultation:
    reason = _require_text(reason, _("请写明撤下的理由。"))
    with transaction.atomic():
        consultation, role = _begin_case(consultation, actor, workflow.QA.UNPUBLISH, expected_status)
        consultation.published_at = None
        _case_record(consultation, kind=QK.UNPUBLISHED, actor=actor, role=role, comment=reason)
        public_content_changed(pages=())  # the FAQ's lists only: no record page shows it
        return consultation


def consultation_rate(*, consultation, rating: int, comment: str = "") -> Consultation:
    """After answering, the asker rates the answer once (M.18)."""
    with transaction.atomic():
        return case_rate(consultation, rating=rating, comment=comment, kind=QK.RATED,
                         refresh_clock=refresh_consultation_clock, not_closed=_("答复后才能评价。"))

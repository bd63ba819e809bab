"""The handling of an application as one table of transitions (M.13, R.30–R.37).

    submitted ─confirm→ received ─assign→ assigned ─draft_reply→ reply_drafted ─send_reply→ closed
    received/assigned ─request_supplement→ supplement_requested ─record_supplement→ (back)
                                                               ─deem_withdrawn→ closed
    assigned: start_consultation / end_consultation, fee_notice / fee_paid / fee_unpaid (→ closed)
    received/assigned/reply_drafted: extend (once);  reply_drafted ─return_reply→ assigned
    any status: record_review (failing to reply is reviewable too)

Separation of duties: approving and sending a reply (send_reply, return_reply) needs the
`approve_application_reply` permission, and the person who drafted a reply may not approve it.

"Assigned office" is a pseudo-role: the drafter or division head of the office the application
is assigned to. The back office reads TRANSITIONS to draw its buttons; services.py carries each
one out after `check()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import DisclosureApplication, Status
from portal.errors import ActionRefused, StateConflict
from portal.models import Role
from portal.selectors import can_act_for_office, has_role

S = Status
DISCLOSURE_OFFICE = Role.DISCLOSURE_OFFICE
ASSIGNED_OFFICE = "assigned_office"
APPROVE = "applications.approve_application_reply"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    roles: tuple[str, ...]
    danger: bool = False
    help: str = ""
    permission: str = ""  # needed on top of the role's permission


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition("confirm", _("确认收到（受理）"), (S.SUBMITTED,), (DISCLOSURE_OFFICE,),
                   help=_("网上申请以双方确认之日为收到申请之日（条例第三十一条）。")),
        Transition("assign", _("分办"), (S.RECEIVED, S.ASSIGNED), (DISCLOSURE_OFFICE,)),
        Transition("request_supplement", _("告知补正"), (S.RECEIVED, S.ASSIGNED), (DISCLOSURE_OFFICE, ASSIGNED_OFFICE),
                   help=_("收到申请之日起7个工作日内一次性告知需要补正的事项和合理的补正期限（条例第三十条）。")),
        Transition("record_supplement", _("登记收到补正"), (S.SUPPLEMENT_REQUESTED,), (DISCLOSURE_OFFICE,)),
        Transition("deem_withdrawn", _("逾期未补正，视为放弃"), (S.SUPPLEMENT_REQUESTED,), (DISCLOSURE_OFFICE,),
                   danger=True),
        Transition("start_consultation", _("征求第三方意见"), (S.ASSIGNED,), (DISCLOSURE_OFFICE, ASSIGNED_OFFICE),
                   help=_("第三方应自收到征求意见书之日起15个工作日内提出意见（条例第三十二条）。")),
        Transition("end_consultation", _("结束征求意见"), (S.ASSIGNED, S.REPLY_DRAFTED),
                   (DISCLOSURE_OFFICE, ASSIGNED_OFFICE)),
        Transition("extend", _("延长答复期限"), (S.RECEIVED, S.ASSIGNED, S.REPLY_DRAFTED), (DISCLOSURE_OFFICE,),
                   help=_("经政府信息公开工作机构负责人同意并告知申请人，延长最长不超过20个工作日（条例第三十三条）。")),
        Transition("fee_notice", _("发出收费通知"), (S.ASSIGNED,), (DISCLOSURE_OFFICE,)),
        Transition("fee_paid", _("登记收到费用"), (S.ASSIGNED,), (DISCLOSURE_OFFICE,)),
        Transition("fee_unpaid", _("逾期未缴费，不再处理"), (S.ASSIGNED,), (DISCLOSURE_OFFICE,), danger=True),
        Transition("draft_reply", _("拟定答复"), (S.RECEIVED, S.ASSIGNED), (ASSIGNED_OFFICE, DISCLOSURE_OFFICE)),
        Transition("return_reply", _("退回修改答复"), (S.REPLY_DRAFTED,), (DISCLOSURE_OFFICE,), danger=True,
                   permission=APPROVE),
        Transition("send_reply", _("审核并发出答复"), (S.REPLY_DRAFTED,), (DISCLOSURE_OFFICE,), permission=APPROVE,
                   help=_("起草答复的人员不能审核发出同一答复。")),
        # An application that was never answered can be the subject of a review or lawsuit too.
        Transition("record_review", _("记录复议或诉讼"), tuple(S.values), (DISCLOSURE_OFFICE,)),
    ]
}

PERMISSIONS = {
    DISCLOSURE_OFFICE: "applications.register_application",
    ASSIGNED_OFFICE: "applications.handle_application",
}


def acting_role(user, application: DisclosureApplication, roles) -> str | None:
    for role in roles:
        if not user.has_perm(PERMISSIONS[role]):
            continue
        if role == DISCLOSURE_OFFICE and has_role(user, DISCLOSURE_OFFICE):
            return role
        if role == ASSIGNED_OFFICE and application.office_id and any(
            can_act_for_office(user, office_role, application.office_id)
            for office_role in (Role.DRAFTER, Role.DIVISION_HEAD)
        ):
            return role
    return None


def current_due(application: DisclosureApplication):
    """The due date as of today: an open consultation or fee pause counts as ending today."""
    from applications import clock

    result = clock.compute(application.events.order_by("on", "at", "pk"))
    return result.due_as_of(timezone.localdate())


def reply_drafter_id(application: DisclosureApplication) -> int | None:
    """Who drafted the reply now waiting for approval (the latest draft)."""
    event = application.events.filter(kind="reply_drafted").order_by("-at", "-pk").first()
    return event.actor_id if event else None


def _guard(transition: Transition, application: DisclosureApplication) -> None:
    name = transition.name
    if name == "start_consultation" and application.consultation_open:
        raise StateConflict(_("正在征求第三方意见。"))
    # One pause at a time, so that no working day is taken off the limit twice (R.33, 109号).
    if name == "start_consultation" and application.fee_pending:
        raise StateConflict(_("已发出收费通知、尚未缴费，请在缴费后再征求第三方意见。"))
    if name == "fee_notice" and application.consultation_open:
        raise StateConflict(_("正在征求第三方意见，请在征求意见结束后再发出收费通知。"))
    if name == "end_consultation" and not application.consultation_open:
        raise StateConflict(_("没有正在进行的第三方意见征询。"))
    if name == "extend" and application.extended:
        raise StateConflict(_("答复期限只能延长一次（条例第三十三条）。"))
    if name == "extend" and (due := current_due(application)) and timezone.localdate() > due:
        # R.33(2): an extension extends a running limit; once it has run out, the reply is late.
        raise StateConflict(_("答复期限已于 %(date)s 届满，不能再延长（条例第三十三条第二款）。") % {"date": due})
    if name == "fee_notice" and application.fee_pending:
        raise StateConflict(_("已发出收费通知，尚未缴费。"))
    if name in ("fee_paid", "fee_unpaid") and not application.fee_pending:
        raise StateConflict(_("没有待缴的费用。"))
    if name == "draft_reply" and (application.consultation_open or application.fee_pending):
        raise StateConflict(_("征求意见或收费尚未结束，不能拟定答复。"))
    if name == "deem_withdrawn" and application.supplement_deadline and (
        timezone.localdate() <= application.supplement_deadline
    ):
        raise StateConflict(_("补正期限尚未届满。"))
    if name == "request_supplement" and application.events.filter(kind="supplement_requested").exists():
        raise StateConflict(_("补正应一次性告知，本申请已告知过补正（条例第三十条）。"))
    # R.30 stops the clock for a supplement and restarts it in full; a consultation or a fee
    # notice is a pause of its own: asking for a supplement in the middle would tangle them.
    if name == "request_supplement" and (application.consultation_open or application.fee_pending):
        raise StateConflict(_("正在征求第三方意见或等待缴费，不能告知补正。"))


def check(transition: Transition, user, application: DisclosureApplication, *, expected_status: str | None = None) -> str:
    """Raise unless `user` may carry out `transition` now (call on a locked row); return the role."""
    if expected_status and application.status != expected_status:
        raise StateConflict(
            _("该申请已由他人处理，当前状态为“%(status)s”。请刷新后再试。") % {"status": application.get_status_display()}
        )
    if application.status not in transition.sources:
        raise StateConflict(
            _("该申请当前为“%(status)s”，不能执行“%(action)s”。")
            % {"status": application.get_status_display(), "action": transition.label}
        )
    role = acting_role(user, application, transition.roles)
    if role is None or (transition.permission and not user.has_perm(transition.permission)):
        raise ActionRefused(_("您无权对该申请执行“%(action)s”。") % {"action": transition.label})
    if transition.name == "send_reply" and reply_drafter_id(application) == user.pk:
        raise ActionRefused(_("答复由您起草，须由政府信息公开工作机构的其他人员审核发出（审核与起草分离）。"))
    _guard(transition, application)
    return role


def available(user, application: DisclosureApplication) -> list[Transition]:
    result = []
    for transition in TRANSITIONS.values():
        try:
            check(transition, user, application)
        except (ActionRefused, StateConflict):
            continue
        result.append(transition)
    return result

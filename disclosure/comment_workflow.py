"""Who may do what to a call for public comments (意见征集), as one table.

The draft itself and the adoption report are records: they move through the M.12 chain of
disclosure/workflow.py (the office drafts, its head reviews, the disclosure office reviews, the
leader signs important ones, the info center publishes). This table covers what happens around
them: opening a period on a draft, handling each comment (采纳情况), closing a period early,
drafting the adoption report and linking the final document. `check()` asks the role, the office
and the period's phase; the services in comment_services.py call it on a locked row.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disclosure.comment_models import CommentPeriod, CommentPhase
from disclosure.models import RecordState
from portal.errors import ActionRefused, StateConflict
from portal.models import AGENCY_ROLES, Role
from portal.selectors import can_act_for_office, has_role
from portal.transitions import Transition, transition_table

P = CommentPhase
PUBLIC_PHASES = (P.UPCOMING, P.OPEN, P.CLOSED)


class Action(StrEnum):
    OPEN = "open"
    DECIDE = "decide"
    CLOSE = "close"
    REPORT = "report"
    LINK_FINAL = "link_final"


A = Action
# Sources are phases of the period (CommentPhase), derived from its record and dates.
TRANSITIONS: dict[str, Transition] = transition_table(
    Transition(A.OPEN, _("发起意见征集"), (), (Role.DRAFTER,), "disclosure.open_commentperiod",
               help=_("由处室信息员起草征求意见稿，按政府信息发布流程审核发布（实施办法第十二条）。")),
    Transition(A.DECIDE, _("处理意见"), PUBLIC_PHASES,
               (Role.DRAFTER, Role.DIVISION_HEAD, Role.DISCLOSURE_OFFICE), "disclosure.decide_publiccomment"),
    Transition(A.CLOSE, _("提前结束征集"), (P.UPCOMING, P.OPEN),
               (Role.DIVISION_HEAD, Role.DISCLOSURE_OFFICE), "disclosure.close_commentperiod", danger=True),
    Transition(A.REPORT, _("起草意见采纳情况"), (P.CLOSED,), (Role.DRAFTER,), "disclosure.report_commentperiod",
               help=_("征集结束、每条意见均已处理后，起草意见采纳情况，按政府信息发布流程审核发布。")),
    Transition(A.LINK_FINAL, _("关联正式发布的文件"), (P.CLOSED,),
               (Role.DRAFTER, Role.DIVISION_HEAD, Role.DISCLOSURE_OFFICE), "disclosure.decide_publiccomment"),
)


def acting_role(transition: Transition, user, office_id: int) -> str | None:
    """The role in which `user` may press `transition` for `office_id`'s period, or None."""
    if not (getattr(user, "is_authenticated", False) and user.is_active) or not user.has_perm(transition.permission):
        return None
    for role in transition.roles:
        if role in AGENCY_ROLES:
            if has_role(user, role):
                return role
        elif can_act_for_office(user, role, office_id):
            return role
    return None


def check(action: str, user, period: CommentPeriod | None = None, *, office_id: int | None = None) -> str:
    """Raise unless `user` may carry out `action` on `period` (or, to open one, for `office_id`);
    return the acting role. Call it on a locked row."""
    transition = TRANSITIONS[action]
    office_id = office_id if period is None else period.record.office_id
    role = acting_role(transition, user, office_id)
    if role is None:
        raise ActionRefused(_("您无权对本处室以外或不在您职责范围内的意见征集执行“%(action)s”。")
                            % {"action": transition.label})
    if period is None:
        return role
    phase = period.phase(timezone.now())
    if phase not in transition.sources:
        raise StateConflict(_("该意见征集当前为“%(phase)s”，不能执行“%(action)s”。")
                            % {"phase": CommentPhase(phase).label, "action": transition.label})
    _guard(action, period)
    return role


def _guard(action: str, period: CommentPeriod) -> None:
    report = period.adoption_report
    if action == A.DECIDE and report is not None and report.state != RecordState.DRAFT:
        raise StateConflict(_("意见采纳情况已提交审核或已发布，不能再修改处理结果；如需修改，请先将其退回修改。"))
    if action == A.REPORT:
        if report is not None:
            raise StateConflict(_("该意见征集已有意见采纳情况，请在其政府信息页面修改。"))
        if period.comments.filter(decision="pending").exists():
            raise StateConflict(_("还有未处理的意见：请先对每条意见作出采纳、部分采纳或未采纳的处理。"))


def available(user, period: CommentPeriod) -> list[Transition]:
    """What `user` may press on `period` now (the buttons of its back-office page)."""
    result = []
    for name in TRANSITIONS:
        if name == A.OPEN:
            continue
        try:
            check(name, user, period)
        except (ActionRefused, StateConflict):
            continue
        result.append(TRANSITIONS[name])
    return result

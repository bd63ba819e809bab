"""Handling complaints and consultations as tables of transitions (M.10, M.19).

Complaints and reports (举报投诉), handled by the supervision office (厅监察室, M.19):

    submitted ─accept→ investigating ─conclude→ concluded ─reply→ closed
    submitted ─decline (不予受理, reason told to the reporter)→ closed
    investigating ─request_explanation→ explanation_requested ─explain (office concerned)→ investigating
    explanation_requested ─withdraw_explanation→ investigating
    explanation_requested ─conclude (once the explanation is overdue: "no explanation by the deadline")→ concluded
    concluded ─reopen→ investigating

The office complained about cannot hold a case up by staying silent: the supervision office may
withdraw its request at any time, and conclude without the explanation once its deadline passed.

Consultations (咨询, M.10), routed by the disclosure office and answered by the office concerned:

    submitted ─route→ assigned ─answer→ closed        assigned ─return (office concerned)→ submitted
    closed (asker consented) ─publish→ in the public FAQ ─unpublish→ out of it

Separation of duties (M.12(1)): the person who judges a step is never the person who did it —
whoever explained for the office complained about does not conclude the case on that explanation
(one person may hold both roles), and whoever answered a consultation does not publish the answer
to the FAQ (`SEPARATED`).

"Office concerned" is a pseudo-role: the drafter or division head of the complaint's or
consultation's office. The back office reads the tables to draw its buttons; services.py carries
each transition out after `check()`.
"""

from __future__ import annotations

from enum import StrEnum
from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import (
    Complaint,
    ComplaintEventKind,
    ComplaintStatus,
    Consultation,
    ConsultationEventKind,
    ConsultationStatus,
)
from portal.errors import ActionRefused, StateConflict
from portal.models import Role
from portal.selectors import can_act_for_office, has_role
from portal.transitions import Transition, transition_table

CS = ComplaintStatus
QS = ConsultationStatus
SUPERVISION = Role.SUPERVISION
DISCLOSURE_OFFICE = Role.DISCLOSURE_OFFICE
OFFICE_CONCERNED = "office_concerned"


# --- Complaints -------------------------------------------------------------------------------

class ComplaintAction(StrEnum):
    """What can be done to a complaint."""

    ACCEPT = "accept"
    DECLINE = "decline"
    REQUEST_EXPLANATION = "request_explanation"
    EXPLAIN = "explain"
    WITHDRAW_EXPLANATION = "withdraw_explanation"
    CONCLUDE = "conclude"
    REOPEN = "reopen"
    REPLY = "reply"


CA = ComplaintAction
COMPLAINT_TRANSITIONS: dict[str, Transition] = transition_table(
    Transition(CA.ACCEPT, _("受理"), (CS.SUBMITTED,), (SUPERVISION,),
               help=_("属于本机关处室不依法履行政府信息公开义务的，予以受理（实施办法第十九条）。")),
    Transition(CA.DECLINE, _("不予受理"), (CS.SUBMITTED,), (SUPERVISION,), danger=True,
               help=_("不属于受理范围的，写明理由并告知举报人；办结。")),
    Transition(CA.REQUEST_EXPLANATION, _("要求被投诉处室说明"), (CS.INVESTIGATING,), (SUPERVISION,),
               help=_("被投诉处室只看到这里填写的事项，看不到举报人及其提交的内容和材料。请勿写入举报人的任何信息。")),
    Transition(CA.EXPLAIN, _("作出说明"), (CS.EXPLANATION_REQUESTED,), (OFFICE_CONCERNED,),
               help=_("请就厅监察室要求说明的事项如实作出说明，可以附上有关材料。")),
    Transition(CA.WITHDRAW_EXPLANATION, _("撤回说明要求"), (CS.EXPLANATION_REQUESTED,), (SUPERVISION,),
               danger=True, help=_("不再需要被投诉处室说明的，写明理由撤回；案件回到调查核实。理由被投诉处室可见，请勿写入举报人的任何信息。")),
    Transition(CA.CONCLUDE, _("查结"), (CS.INVESTIGATING, CS.EXPLANATION_REQUESTED), (SUPERVISION,),
               help=_("认定举报是否属实，写明调查结论。结论仅供内部使用；答复举报人在下一步。被投诉处室逾期未作出说明的，可以直接查结，办理记录注明“未在说明期限内作出说明”。")),
    Transition(CA.REOPEN, _("重新调查"), (CS.CONCLUDED,), (SUPERVISION,), danger=True),
    Transition(CA.REPLY, _("答复举报人"), (CS.CONCLUDED,), (SUPERVISION,),
               help=_("答复内容将显示在举报人的查询页面上；办结。")),
)

COMPLAINT_PERMISSIONS = {
    SUPERVISION: "complaints.handle_complaint",
    OFFICE_CONCERNED: "complaints.explain_complaint",
}


def _office_role(user, office_id: int | None) -> bool:
    return bool(office_id) and any(can_act_for_office(user, role, office_id)
                                   for role in (Role.DRAFTER, Role.DIVISION_HEAD))


def complaint_acting_role(user, complaint: Complaint, roles) -> str | None:
    for role in roles:
        if not user.has_perm(COMPLAINT_PERMISSIONS[role]):
            continue
        if role == SUPERVISION and has_role(user, SUPERVISION):
            return role
        if role == OFFICE_CONCERNED and _office_role(user, complaint.office_id):
            return role
    return None


def _conflict(obj, transition: Transition, expected_status: str | None) -> None:
    if expected_status and obj.status != expected_status:
        raise StateConflict(_("该事项已由他人处理，当前状态为“%(status)s”。请刷新后再试。")
                            % {"status": obj.get_status_display()})
    if obj.status not in transition.sources:
        raise StateConflict(_("该事项当前为“%(status)s”，不能执行“%(action)s”。")
                            % {"status": obj.get_status_display(), "action": transition.label})


def explanation_overdue(complaint: Complaint) -> bool:
    """The office asked to explain let its deadline pass (it may still explain on the due day)."""
    return (complaint.status == CS.EXPLANATION_REQUESTED and complaint.explanation_due is not None
            and complaint.explanation_due < timezone.localdate())


# An approve-like transition → the event whose author may not carry it out, and why (M.12(1)).
SEPARATED = {
    (Complaint, "conclude"): (ComplaintEventKind.EXPLANATION_GIVEN,
                              _("您为被投诉处室作出了说明，不能再据此查结（查结与说明分离）。请由厅监察室其他人员查结。")),
    (Consultation, "publish"): (ConsultationEventKind.ANSWERED,
                                _("答复由您作出，须由政府信息公开工作机构的其他人员审核公开（答复与公开分离）。")),
}


def _separated(transition: Transition, user, case) -> None:
    rule = SEPARATED.get((type(case), transition.name))
    if rule is None:
        return
    kind, message = rule
    last = case.events.filter(kind=kind).order_by("-at", "-pk").first()
    if last is not None and last.actor_id == user.pk:
        raise ActionRefused(message)


def _complaint_guard(transition: Transition, complaint: Complaint) -> None:
    if (transition.name == "conclude" and complaint.status == CS.EXPLANATION_REQUESTED
            and complaint.explanation_due is not None and not explanation_overdue(complaint)):
        raise StateConflict(_("被投诉处室的说明期限（%(due)s）尚未届满，请等待说明；不再需要说明的，可以先撤回说明要求。")
                            % {"due": complaint.explanation_due})


def complaint_check(transition: Transition, user, complaint: Complaint, *, expected_status: str | None = None) -> str:
    """Raise unless `user` may carry out `transition` now (call on a locked row); return the role."""
    _conflict(complaint, transition, expected_status)
    role = complaint_acting_role(user, complaint, transition.roles)
    if role is None:
        raise ActionRefused(_("您无权对该举报投诉执行“%(action)s”。") % {"action": transition.label})
    _separated(transition, user, complaint)
    _complaint_guard(transition, complaint)
    return role


# --- Consultations ----------------------------------------------------------------------------

class ConsultationAction(StrEnum):
    """What can be done to a consultation."""

    ROUTE = "route"
    RETURN = "return"
    ANSWER = "answer"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"


QA = ConsultationAction
CONSULTATION_TRANSITIONS: dict[str, Transition] = transition_table(
    Transition(QA.ROUTE, _("分办"), (QS.SUBMITTED, QS.ASSIGNED), (DISCLOSURE_OFFICE,)),
    Transition(QA.RETURN, _("退回重新分办"), (QS.ASSIGNED,), (OFFICE_CONCERNED,), danger=True,
               help=_("不属于本处室职责的，写明理由退回政府信息公开工作领导小组办公室重新分办。")),
    Transition(QA.ANSWER, _("答复"), (QS.ASSIGNED,), (OFFICE_CONCERNED, DISCLOSURE_OFFICE),
               help=_("答复内容将显示在咨询人的查询页面上。")),
    Transition(QA.PUBLISH, _("公开到咨询问答"), (QS.CLOSED,), (DISCLOSURE_OFFICE,),
               help=_("咨询人已同意公开。请删去问题和答复中的姓名、联系方式等个人信息后再公开。")),
    Transition(QA.UNPUBLISH, _("从咨询问答撤下"), (QS.CLOSED,), (DISCLOSURE_OFFICE,), danger=True),
)

CONSULTATION_PERMISSIONS = {
    DISCLOSURE_OFFICE: "complaints.route_consultation",
    OFFICE_CONCERNED: "complaints.answer_consultation",
}
# The disclosure office answers with its own permission; publishing needs its own too.
CONSULTATION_EXTRA_PERMISSIONS = {
    "answer": "complaints.answer_consultation",
    "publish": "complaints.publish_consultation",
    "unpublish": "complaints.publish_consultation",
}


def consultation_acting_role(user, consultation: Consultation, transition: Transition) -> str | None:
    extra = CONSULTATION_EXTRA_PERMISSIONS.get(transition.name)
    if extra and not user.has_perm(extra):
        return None
    for role in transition.roles:
        if not user.has_perm(CONSULTATION_PERMISSIONS[role]):
            continue
        if role == DISCLOSURE_OFFICE and has_role(user, DISCLOSURE_OFFICE):
            return role
        if role == OFFICE_CONCERNED and _office_role(user, consultation.office_id):
            return role
    return None


def _consultation_guard(transition: Transition, consultation: Consultation) -> None:
    if transition.name == "publish":
        if not consultation.publish_consent:
            raise StateConflict(_("咨询人未同意公开，不能公开。"))
        if consultation.is_published:
            raise StateConflict(_("该咨询已经公开。"))
    if transition.name == "unpublish" and not consultation.is_published:
        raise StateConflict(_("该咨询没有公开。"))


def consultation_check(transition: Transition, user, consultation: Consultation, *,
                       expected_status: str | None = None) -> str:
    _conflict(consultation, transition, expected_status)
    role = consultation_acting_role(user, consultation, transition)
    if role is None:
        raise ActionRefused(_("您无权对该咨询执行“%(action)s”。") % {"action": transition.label})
    _separated(transition, user, consultation)
    _consultation_guard(transition, consultation)
    return role


def _available(table, check, user, obj) -> list[Transition]:
    result = []
    for transition in table.values():
        try:
            check(transition, user, obj)
        except (ActionRefused, StateConflict):
            continue
        result.append(transition)
    return result


def complaint_available(user, complaint: Complaint) -> list[Transition]:
    return _available(COMPLAINT_TRANSITIONS, complaint_check, user, complaint)


def consultation_available(user, consultation: Consultation) -> list[Transition]:
    return _available(CONSULTATION_TRANSITIONS, consultation_check, user, consultation)


# What the back office's WorkflowActionsMixin expects of a workflow: TRANSITIONS and check().
complaint_flow = SimpleNamespace(TRANSITIONS=COMPLAINT_TRANSITIONS, check=complaint_check,
                                 available=complaint_available)
consultation_flow = SimpleNamespace(TRANSITIONS=CONSULTATION_TRANSITIONS, check=consultation_check,
                                    available=consultation_available)

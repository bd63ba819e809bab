"""The publish workflow of M.12 as one table of transitions.

The back office reads `TRANSITIONS` to draw its buttons; each transition is carried out by one
function in `services.py`, which calls `check()` here after locking the row. Nothing else
changes a record's state.

    draft ─submit→ division_review ─approve_division→ confidentiality_review
      ─approve_confidentiality→ [important] leader_signoff ─sign_off→ ready ─publish→ published
      ─register→ registered
    review steps ─return_to_draft (comment)→ draft;  review steps ─withhold (ground)→ withheld
    published/registered ─revoke→ revoked; ─repeal / expire→ validity changes (M.14)
    published/registered ─amend→ a new version starts at draft
    published/registered ─request_change (the office)→ ─handle_change_request (disclosure office)→
      granted: amend / revoke / repeal / expire as above; declined: with a reason (M.14)

A review step (approve_division, approve_confidentiality, sign_off) is never done by the person
who did the step before it (`SEPARATED_STEPS`, M.12).
"""

from __future__ import annotations

from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disclosure.models import DisclosureAttribute, EventAction, Record, RecordState, Validity, WorkflowEvent
from portal.errors import ActionRefused, StateConflict
from portal.models import AGENCY_ROLES, Role
from portal.selectors import can_act_for_office, has_role
from portal.transitions import Transition, transition_table

S = RecordState

# Who acts at each step, and with which model permission (M.12 (1)-(4)).
STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    S.DRAFT: ((Role.DRAFTER,), "disclosure.submit_record"),
    S.DIVISION_REVIEW: ((Role.DIVISION_HEAD,), "disclosure.review_division_record"),
    S.CONFIDENTIALITY_REVIEW: ((Role.DISCLOSURE_OFFICE,), "disclosure.review_confidentiality_record"),
    S.LEADER_SIGNOFF: ((Role.LEADER,), "disclosure.signoff_record"),
    S.READY: ((Role.INFO_CENTER,), "disclosure.publish_record"),
    S.PUBLISHED: ((Role.GENERAL_OFFICE, Role.INFO_CENTER), "disclosure.register_record"),
}
REVIEW_STATES = (S.DIVISION_REVIEW, S.CONFIDENTIALITY_REVIEW, S.LEADER_SIGNOFF)
LIVE_STATES = (S.PUBLISHED, S.REGISTERED)
IN_PROGRESS_STATES = (S.DRAFT, *REVIEW_STATES, S.READY)


class Action(StrEnum):
    """What can be done to a record in the publish chain (M.12), by name."""

    SUBMIT = "submit"
    APPROVE_DIVISION = "approve_division"
    APPROVE_CONFIDENTIALITY = "approve_confidentiality"
    SIGN_OFF = "sign_off"
    PUBLISH = "publish"
    REGISTER = "register"
    RETURN_TO_DRAFT = "return_to_draft"
    WITHHOLD = "withhold"
    AMEND = "amend"
    REVOKE = "revoke"
    REPEAL = "repeal"
    EXPIRE = "expire"
    REQUEST_CHANGE = "request_change"
    HANDLE_CHANGE_REQUEST = "handle_change_request"


A = Action
TRANSITIONS: dict[str, Transition] = transition_table(
    Transition(A.SUBMIT, _("提交处室负责人审核"), (S.DRAFT,), (Role.DRAFTER,), "disclosure.submit_record"),
    Transition(
        A.APPROVE_DIVISION,
        _("审核通过（含保密自查）"),
        (S.DIVISION_REVIEW,),
        (Role.DIVISION_HEAD,),
        "disclosure.review_division_record",
        help=_("处室负责人依照保密法律法规进行保密审核（实施办法第十二条第（一）项）。"),
    ),
    Transition(
        A.APPROVE_CONFIDENTIALITY,
        _("保密审查通过"),
        (S.CONFIDENTIALITY_REVIEW,),
        (Role.DISCLOSURE_OFFICE,),
        "disclosure.review_confidentiality_record",
        help=_("领导小组办公室统一保密审查；重要信息转主管厅领导签发（实施办法第十二条第（二）项）。"),
    ),
    Transition(A.SIGN_OFF, _("签发"), (S.LEADER_SIGNOFF,), (Role.LEADER,), "disclosure.signoff_record"),
    Transition(
        A.PUBLISH,
        _("发布"),
        (S.READY,),
        (Role.INFO_CENTER,),
        "disclosure.publish_record",
        help=_("厅信息中心在政府信息公开专栏或厅网站发布（实施办法第十二条第（三）项）。"),
    ),
    Transition(
        A.REGISTER,
        _("登记"),
        (S.PUBLISHED,),
        (Role.GENERAL_OFFICE, Role.INFO_CENTER),
        "disclosure.register_record",
        help=_("厅办公室和厅信息中心对已发布的信息进行登记（实施办法第十二条第（四）项）。"),
    ),
    Transition(A.RETURN_TO_DRAFT, _("退回修改"), (*REVIEW_STATES, S.READY), None, None, danger=True),
    Transition(A.WITHHOLD, _("不予公开"), REVIEW_STATES, None, None, danger=True),
    Transition(A.AMEND, _("变更（新版本）"), LIVE_STATES, (Role.DRAFTER,), "disclosure.amend_record"),
    Transition(A.REVOKE, _("撤销"), LIVE_STATES, (Role.DISCLOSURE_OFFICE,), "disclosure.revoke_record", danger=True),
    Transition(A.REPEAL, _("废止"), LIVE_STATES, (Role.DISCLOSURE_OFFICE,), "disclosure.revoke_record", danger=True),
    Transition(A.EXPIRE, _("标记失效"), LIVE_STATES, (Role.DISCLOSURE_OFFICE,), "disclosure.revoke_record", danger=True),
    Transition(
        A.REQUEST_CHANGE,
        _("报请变更、撤销或终止"),
        LIVE_STATES,
        (Role.DRAFTER, Role.DIVISION_HEAD),
        "disclosure.request_record_change",
        help=_("公开事项如变更、撤销或终止，由处室报政府信息公开工作领导小组办公室处理（实施办法第十四条）。"),
    ),
    Transition(
        A.HANDLE_CHANGE_REQUEST,
        _("处理处室报请"),
        LIVE_STATES,
        (Role.DISCLOSURE_OFFICE,),
        "disclosure.revoke_record",
        help=_("同意的，按报请事项办理：变更由处室起草新版本并重新审核发布；撤销、废止或失效即时办理并登记（实施办法第十四条）。"),
    ),
)

# Review steps where the person deciding may not be the one who did the step before (M.12(1):
# the office drafts, its head reviews; M.12(2): a unified review, then the leader's signature).
SEPARATED_STEPS = ("approve_division", "approve_confidentiality", "sign_off")


def _acting_role(transition: Transition, user, record: Record) -> str | None:
    """The role in which `user` may press `transition` on `record`, or None."""
    if transition.roles is None:
        roles, permission = STEPS.get(record.state, ((), None))
    else:
        roles, permission = transition.roles, transition.permission
    if permission is None or not user.has_perm(permission):
        return None
    for role in roles:
        if role in AGENCY_ROLES:
            if has_role(user, role):
                return role
        elif can_act_for_office(user, role, record.office_id):
            return role
    return None


def _guard(transition: Transition, record: Record) -> None:
    """Rules about the record itself, beyond state and person."""
    name = transition.name
    _guard_interpretation(name, record)
    if name == "publish" and record.attribute == DisclosureAttribute.NOT_DISCLOSED:
        raise StateConflict(_("不予公开的信息不能发布。"))
    if name == "publish" and record.previous_version_id and record.previous_version.state == S.REVOKED:
        # M.14: a revocation withdraws the information; a new version begun before it must not
        # bring it back, nor replace the revoked page.
        raise StateConflict(_("上一版本已撤销，本新版本不能发布。如仍需公开，请作为新的信息起草。"))
    if name == "register" and (record.published_at is None or record.published_at > timezone.now()):
        raise StateConflict(_("定时发布尚未生效，生效后再登记。"))
    if name in ("amend", "revoke", "repeal", "expire", "request_change", "handle_change_request") \
            and record.superseded_by_id:
        raise StateConflict(_("该版本已被新版本替代，请对现行版本操作。"))
    if name == "request_change" and record.change_requests.filter(status="pending").exists():
        raise StateConflict(_("该信息已有待处理的报请，请等待政府信息公开工作领导小组办公室处理。"))
    if name == "handle_change_request" and not record.change_requests.filter(status="pending").exists():
        raise StateConflict(_("该信息没有待处理的处室报请。"))
    if name == "amend" and record.next_versions.filter(state__in=IN_PROGRESS_STATES).exists():
        raise StateConflict(_("该信息已有正在办理的新版本。"))
    if name == "repeal" and record.validity == Validity.REPEALED:
        raise StateConflict(_("该信息已废止。"))
    if name == "expire" and record.validity != Validity.VALID:
        raise StateConflict(_("只有有效的信息才能标记失效。"))


# The steps an interpretation drafted with its policy takes only with it (issue #19).
CHAIN_STEPS = ("submit", "approve_division", "approve_confidentiality", "sign_off", "publish", "return_to_draft",
               "withhold")


def _guard_interpretation(name: str, record: Record) -> None:
    """政策解读 (issue #19, 国办发〔2016〕80号: 同步起草、同步审签、同步发布)."""
    from disclosure.interpretation_models import Interpretation
    from disclosure.models import DocumentType

    if name in CHAIN_STEPS and record.state in IN_PROGRESS_STATES:
        policy = (Interpretation.objects.filter(interpretation_id=record.pk, with_policy=True)
                  .values_list("policy__title", flat=True).first())
        if policy is not None:
            raise StateConflict(_("本解读随政策文件“%(title)s”同步审签、同步发布，请在政策文件上办理。") % {"title": policy})
    if name != "publish":
        return
    if record.document_type == DocumentType.NORMATIVE and not record.interpretation_waiver:
        from disclosure.selectors import policy_has_interpretation

        if not policy_has_interpretation(record):
            raise StateConflict(_("行政规范性文件须与政策解读同步发布；本文件未附解读，也没有领导小组办公室选定的无需解读理由。"
                                  "请退回起草处室补充解读。"))
    ended = (Interpretation.objects.filter(interpretation_id=record.pk, with_policy=False)
             .exclude(policy__state__in=LIVE_STATES).values_list("policy__title", flat=True).first())
    if ended is not None:
        raise StateConflict(_("所解读的政策文件“%(title)s”已撤销或未发布，本解读不能发布。") % {"title": ended})


def check(transition: Transition, user, record: Record, *, expected_state: str | None = None) -> str:
    """Raise unless `user` may carry out `transition` on `record` now; return the acting role.

    Call it on a locked row. A person without the role or office gets `ActionRefused`; a record
    that has moved on (someone else acted first) gets `StateConflict`.
    """
    if expected_state and record.state != expected_state:
        raise StateConflict(
            _("该信息已由他人处理，当前状态为“%(state)s”。请刷新后再试。") % {"state": record.get_state_display()}
        )
    if record.state not in transition.sources:
        raise StateConflict(
            _("该信息当前处于“%(state)s”，不能执行“%(action)s”。")
            % {"state": record.get_state_display(), "action": transition.label}
        )
    role = _acting_role(transition, user, record)
    if role is None:
        raise ActionRefused(_("您无权对本处室以外或不在您职责范围内的信息执行“%(action)s”。") % {"action": transition.label})
    if transition.name in SEPARATED_STEPS:
        _require_another_person(transition, user, record)
    _guard(transition, record)
    return role


def _require_another_person(transition: Transition, user, record: Record) -> None:
    """M.12: whoever did the step that brought the record here (submitted it, or approved it at
    the step before) does not also approve it now — even when they hold both roles."""
    previous = (WorkflowEvent.objects.filter(record_id=record.pk, to_state=record.state)
                .exclude(from_state=record.state).order_by("-at", "-pk").values_list("actor_id", "action").first())
    if previous is not None and previous[0] == user.pk:
        raise ActionRefused(
            _("上一环节（%(previous)s）由您本人办理，“%(action)s”须由另一人办理（实施办法第十二条：起草、审核、签发分离）。")
            % {"previous": _event_label(previous[1]), "action": transition.label}
        )


def _event_label(action: str) -> str:
    return str(EventAction(action).label) if action in EventAction.values else action


def available(user, record: Record) -> list[Transition]:
    """The transitions `user` may press on `record` now, in table order (for the buttons)."""
    result = []
    for transition in TRANSITIONS.values():
        try:
            check(transition, user, record)
        except (ActionRefused, StateConflict):
            continue
        result.append(transition)
    return result


def next_state_after_confidentiality(record: Record) -> str:
    # Important information needs the supervising leader's signature (M.12(2)).
    return S.LEADER_SIGNOFF if record.is_important else S.READY


def step_roles(state: str) -> tuple[str, ...]:
    return STEPS.get(state, ((), None))[0]

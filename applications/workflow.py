"""The handling of an application as one table of transitions (M.13, R.30–R.37).

    submitted ─confirm→ received ─assign→ assigned ─draft_reply→ reply_drafted ─send_reply→ closed
    received/assigned ─request_supplement→ supplement_requested ─record_supplement→ (back)
                                                               ─deem_withdrawn→ closed
    supplement_requested ─(supplement after the deadline)→ supplement_late
                         ─accept_late_supplement→ (back)   ─deem_withdrawn→ closed
    assigned: start_consultation / end_consultation (third party, R.32),
              start_agency_consultation / end_agency_consultation (other agencies, R.34),
              record_receipt (when the letter or the fee notice was received),
              fee_notice / fee_paid / fee_unpaid (→ closed)
    received/assigned/reply_drafted: request_extension → approve_extension | refuse_extension (once),
              delay_reply (R.35)
    assigned/reply_drafted: notify_third_party (R.32: disclosure over the third party's objection)
    reply_drafted: request_public_interest → sign_off_public_interest (M.6 para. 2, R.15: a reply
              disclosing a commercial secret or privacy in the public interest; a supervising leader)
    reply_drafted ─return_reply→ assigned
    any status: record_review (failing to reply is reviewable too)

Separation of duties (M.12(1)): approving and sending a reply (send_reply, return_reply) needs the
`approve_application_reply` permission, and the person who drafted a reply may not approve it;
an extension is consented to by someone holding the approving role (R.33(2)), never the person
who asked for it; a public-interest disclosure is signed by a supervising leader of the office,
never the person who asked for the signature.

No pause (fee notice, consultation) and no extension or delayed reply may start once the time
limit has run out (R.32, R.33, R.35, R.42 with 国办函〔2020〕109号第六条): each such transition
carries the guard `limit_running`.

"Assigned office" is a pseudo-role: the drafter or division head of the office the application
is assigned to; "extension approver" the people settings.APPLICATION_EXTENSION_APPROVERS names.
The back office reads TRANSITIONS to draw its buttons; services.py carries each one out after
`check()`; each transition carries its own guards.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import DisclosureApplication, EventKind, Status
from applications.outcomes import Outcome
from portal.errors import ActionRefused, StateConflict
from portal.models import Role
from portal.selectors import can_act_for_office, has_role
from portal.transitions import Transition, transition_table

S = Status
K = EventKind
DISCLOSURE_OFFICE = Role.DISCLOSURE_OFFICE
ASSIGNED_OFFICE = "assigned_office"
EXTENSION_APPROVER = "extension_approver"
SUPERVISING_LEADER = "supervising_leader"
APPROVE = "applications.approve_application_reply"

Guard = Callable[[DisclosureApplication], None]


# --- Reads the guards need ------------------------------------------------------------------------


def current_due(application: DisclosureApplication):
    """The due date as of today: an open consultation or fee pause counts as ending today."""
    from applications import clock

    cache = getattr(application, "_due_cache", None)  # set by available(): one replay per page
    if cache is not None and "due" in cache:
        return cache["due"]
    due = clock.compute(application.events.order_by("on", "at", "pk")).due_as_of(timezone.localdate())
    if cache is not None:
        cache["due"] = due
    return due


def _latest(application: DisclosureApplication, kind: str):
    return application.events.filter(kind=kind).order_by("-at", "-pk").first()


def reply_drafter_id(application: DisclosureApplication) -> int | None:
    """Who drafted the reply now waiting for approval (the latest draft)."""
    event = _latest(application, K.REPLY_DRAFTED)
    return event.actor_id if event else None


def extension_requester_id(application: DisclosureApplication) -> int | None:
    """Who asked for the extension now waiting for consent."""
    event = _latest(application, K.EXTENSION_REQUESTED)
    return event.actor_id if event else None


def public_interest_requester_id(application: DisclosureApplication) -> int | None:
    """Who asked for the leader's signature now waiting."""
    event = _latest(application, K.PUBLIC_INTEREST_REQUESTED)
    return event.actor_id if event else None


def public_interest_signoff(application: DisclosureApplication):
    """The leader's signature of a public-interest disclosure that covers the reply now drafted
    (M.6 para. 2, R.15): one given after the latest draft, else None — a redrafted reply is signed
    again."""
    drafted = _latest(application, K.REPLY_DRAFTED)
    signed = _latest(application, K.PUBLIC_INTEREST_SIGNED_OFF)
    if signed is None or (drafted is not None and (signed.at, signed.pk) < (drafted.at, drafted.pk)):
        return None
    return signed


def third_party_objection(application: DisclosureApplication):
    """The latest third-party consultation that ended with an objection to disclosure (R.32),
    unless the third party has since been told in writing of a decision to disclose."""
    objection = application.events.filter(kind=K.CONSULTATION_ENDED, data__objected=True).order_by("-at", "-pk").first()
    if objection is None:
        return None
    notified = application.events.filter(kind=K.THIRD_PARTY_NOTIFIED, at__gte=objection.at).exists()
    return None if notified else objection


def pause_open(application: DisclosureApplication) -> bool:
    return application.consultation_open or application.agency_consultation_open or application.fee_pending


def released_files(application: DisclosureApplication) -> list:
    """What the applicant received as information (R.36, R.37): the files provided with the reply
    once it was sent, each as released — the redacted copy where one was made. Never the letter,
    the notices or the applicant's own materials."""
    from applications.models import FileRole
    from disclosure.redaction_services import released_file

    items = application.files.filter(role=FileRole.PROVIDED, visible_to_applicant=True).order_by("uploaded_at", "pk")
    return [released for item in items if (released := released_file(item)) is not None]


# --- Guards -----------------------------------------------------------------------------------------


def limit_running(message):
    """A guard: refuse once the time limit (as of today, with an open pause counting as ending
    today) has run out; `message` names the article and takes the date."""

    def guard(application: DisclosureApplication) -> None:
        due = current_due(application)
        if due and timezone.localdate() > due:
            raise StateConflict(message % {"date": due})

    return guard


def refuse_if(condition: Callable[[DisclosureApplication], bool], message) -> Guard:
    def guard(application: DisclosureApplication) -> None:
        if condition(application):
            raise StateConflict(message)

    return guard


def _supplement_not_due(application: DisclosureApplication) -> None:
    if application.status == S.SUPPLEMENT_REQUESTED and application.supplement_deadline and (
        timezone.localdate() <= application.supplement_deadline
    ):
        raise StateConflict(_("补正期限尚未届满。"))


def _awaiting_receipt(application: DisclosureApplication) -> bool:
    return not pause_open(application)


ONE_PAUSE = refuse_if(pause_open, _("正在征求意见或等待缴费；一次只能有一项期限中止，以免同一工作日被重复扣除（条例第三十三条）。"))
EXTENSION_USED = refuse_if(
    lambda a: a.events.filter(kind=K.EXTENDED).exists(),
    _("答复期限只能延长一次（条例第三十三条第二款），补正后重新计算期限的也不能再次延长。"))
NOT_DELAYED = refuse_if(lambda a: a.events.filter(kind=K.DELAYED_REPLY).exists(),
                        _("本申请已确定过延迟答复期限（条例第三十五条）。"))

class Action(StrEnum):
    """What can be done to an application (the transitions below), by name."""

    CONFIRM = "confirm"
    ASSIGN = "assign"
    REQUEST_SUPPLEMENT = "request_supplement"
    RECORD_SUPPLEMENT = "record_supplement"
    ACCEPT_LATE_SUPPLEMENT = "accept_late_supplement"
    DEEM_WITHDRAWN = "deem_withdrawn"
    START_CONSULTATION = "start_consultation"
    END_CONSULTATION = "end_consultation"
    START_AGENCY_CONSULTATION = "start_agency_consultation"
    END_AGENCY_CONSULTATION = "end_agency_consultation"
    RECORD_RECEIPT = "record_receipt"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REFUSE_EXTENSION = "refuse_extension"
    DELAY_REPLY = "delay_reply"
    FEE_NOTICE = "fee_notice"
    FEE_PAID = "fee_paid"
    FEE_UNPAID = "fee_unpaid"
    DRAFT_REPLY = "draft_reply"
    NOTIFY_THIRD_PARTY = "notify_third_party"
    REQUEST_PUBLIC_INTEREST = "request_public_interest"
    SIGN_OFF_PUBLIC_INTEREST = "sign_off_public_interest"
    RETURN_REPLY = "return_reply"
    SEND_REPLY = "send_reply"
    RECORD_REVIEW = "record_review"
    PROPOSE_PROACTIVE_DISCLOSURE = "propose_proactive_disclosure"


A = Action
TRANSITIONS: dict[str, Transition] = transition_table(
    Transition(A.CONFIRM, _("确认收到（受理）"), (S.SUBMITTED,), (DISCLOSURE_OFFICE,),
               help=_("网上申请以双方确认之日为收到申请之日（条例第三十一条）。")),
    Transition(A.ASSIGN, _("分办"), (S.RECEIVED, S.ASSIGNED), (DISCLOSURE_OFFICE,)),
    Transition(A.REQUEST_SUPPLEMENT, _("告知补正"), (S.RECEIVED, S.ASSIGNED), (DISCLOSURE_OFFICE, ASSIGNED_OFFICE),
               help=_("收到申请之日起7个工作日内一次性告知需要补正的事项和合理的补正期限（条例第三十条）。"),
               guards=(
                   refuse_if(lambda a: a.events.filter(kind=K.SUPPLEMENT_REQUESTED).exists(),
                             _("补正应一次性告知，本申请已告知过补正（条例第三十条）。")),
                   # R.30 stops the clock and restarts it in full; a consultation or a fee
                   # notice is a pause of its own: a supplement in the middle would tangle them.
                   refuse_if(pause_open, _("正在征求意见或等待缴费，不能告知补正。")),
               )),
    Transition(A.RECORD_SUPPLEMENT, _("登记收到补正"), (S.SUPPLEMENT_REQUESTED,), (DISCLOSURE_OFFICE,),
               help=_("补正期限届满后收到的补正不恢复计算期限，由本机关决定是否有正当理由（条例第三十条）。")),
    Transition(A.ACCEPT_LATE_SUPPLEMENT, _("接受逾期补正（有正当理由）"), (S.SUPPLEMENT_LATE,), (DISCLOSURE_OFFICE,),
               help=_("申请人逾期补正有正当理由的，予以接受，答复期限自收到补正之日起计算；理由记入办理记录（条例第三十条）。")),
    Transition(A.DEEM_WITHDRAWN, _("逾期未补正，视为放弃"), (S.SUPPLEMENT_REQUESTED, S.SUPPLEMENT_LATE),
               (DISCLOSURE_OFFICE,), danger=True, guards=(_supplement_not_due,),
               help=_("申请人无正当理由逾期不补正的，视为放弃申请（条例第三十条）。")),
    Transition(A.START_CONSULTATION, _("征求第三方意见"), (S.ASSIGNED,), (DISCLOSURE_OFFICE, ASSIGNED_OFFICE),
               help=_("第三方应自收到征求意见书之日起15个工作日内提出意见（条例第三十二条）。"),
               guards=(ONE_PAUSE, limit_running(
                   _("答复期限已于 %(date)s 届满，不能再征求第三方意见并扣除所需时间（条例第三十二条、第三十三条第三款）。")))),
    Transition(A.END_CONSULTATION, _("结束征求第三方意见"), (S.ASSIGNED, S.REPLY_DRAFTED),
               (DISCLOSURE_OFFICE, ASSIGNED_OFFICE),
               guards=(refuse_if(lambda a: not a.consultation_open, _("没有正在进行的第三方意见征询。")),)),
    Transition(A.START_AGENCY_CONSULTATION, _("征求其他机关意见"), (S.ASSIGNED,), (DISCLOSURE_OFFICE, ASSIGNED_OFFICE),
               help=_("与其他机关共同制作或需征求其他机关意见的，被征求意见机关应自收到征求意见书之日起15个工作日内提出意见，"
                      "逾期视为同意公开；所需时间不计入答复期限（条例第三十三条第三款、第三十四条）。"),
               guards=(ONE_PAUSE, limit_running(
                   _("答复期限已于 %(date)s 届满，不能再征求其他机关意见并扣除所需时间（条例第三十三条第三款、第三十四条）。")))),
    Transition(A.END_AGENCY_CONSULTATION, _("结束征求其他机关意见"), (S.ASSIGNED, S.REPLY_DRAFTED),
               (DISCLOSURE_OFFICE, ASSIGNED_OFFICE),
               guards=(refuse_if(lambda a: not a.agency_consultation_open, _("没有正在进行的征求其他机关意见。")),)),
    Transition(A.RECORD_RECEIPT, _("登记送达日期"), (S.ASSIGNED, S.REPLY_DRAFTED), (DISCLOSURE_OFFICE, ASSIGNED_OFFICE),
               help=_("第三方、其他机关自收到征求意见书之日起、申请人自收到收费通知之日起计算期限（条例第三十二条、第三十四条，"
                      "国办函〔2020〕109号）。登记前按送达方式推定收到日期。"),
               guards=(refuse_if(_awaiting_receipt, _("没有等待送达的征求意见书或收费通知。")),)),
    Transition(A.REQUEST_EXTENSION, _("申请延长答复期限"), (S.RECEIVED, S.ASSIGNED, S.REPLY_DRAFTED),
               (DISCLOSURE_OFFICE, ASSIGNED_OFFICE),
               help=_("延长答复期限须经政府信息公开工作机构负责人同意，延长最长不超过20个工作日，每件申请只能延长一次"
                      "（条例第三十三条第二款）。"),
               guards=(EXTENSION_USED,
                       refuse_if(lambda a: a.extension_pending, _("已申请延长答复期限，正在等待批准。")),
                       limit_running(_("答复期限已于 %(date)s 届满，不能再延长（条例第三十三条第二款）。")))),
    Transition(A.APPROVE_EXTENSION, _("同意延长答复期限"), (S.RECEIVED, S.ASSIGNED, S.REPLY_DRAFTED),
               (EXTENSION_APPROVER,),
               help=_("同意后向申请人发出延期答复告知书，写明同意的日期（条例第三十三条第二款）。提出延期的人员不能自己批准。"),
               guards=(refuse_if(lambda a: not a.extension_pending, _("没有待批准的延期申请。")), EXTENSION_USED,
                       limit_running(_("答复期限已于 %(date)s 届满，不能再同意延长（条例第三十三条第二款）。"))),
               same_person=extension_requester_id,
               same_person_message=_("延期由您申请，须由其他有权批准的人员同意（申请与批准分离，条例第三十三条第二款）。")),
    Transition(A.REFUSE_EXTENSION, _("不同意延长答复期限"), (S.RECEIVED, S.ASSIGNED, S.REPLY_DRAFTED),
               (EXTENSION_APPROVER,), danger=True,
               guards=(refuse_if(lambda a: not a.extension_pending, _("没有待批准的延期申请。")),),
               same_person=extension_requester_id,
               same_person_message=_("延期由您申请，须由其他有权批准的人员决定（申请与批准分离）。")),
    Transition(A.DELAY_REPLY, _("确定延迟答复期限"), (S.RECEIVED, S.ASSIGNED, S.REPLY_DRAFTED), (DISCLOSURE_OFFICE,),
               help=_("申请公开政府信息的数量、频次明显超过合理范围，申请人说明的理由合理但无法在规定期限内答复的，"
                      "确定延迟答复的合理期限并告知申请人（条例第三十五条）。"),
               guards=(NOT_DELAYED, limit_running(
                   _("答复期限已于 %(date)s 届满，不能再确定延迟答复期限（条例第三十五条）。")))),
    Transition(A.FEE_NOTICE, _("发出收费通知"), (S.ASSIGNED,), (DISCLOSURE_OFFICE,),
               guards=(refuse_if(lambda a: a.fee_pending, _("已发出收费通知，尚未缴费。")), ONE_PAUSE, limit_running(
                   _("答复期限已于 %(date)s 届满，不能再发出收费通知中止办理期限"
                     "（条例第四十二条，国办函〔2020〕109号第六条）。")))),
    Transition(A.FEE_PAID, _("登记收到费用"), (S.ASSIGNED,), (DISCLOSURE_OFFICE,),
               guards=(refuse_if(lambda a: not a.fee_pending, _("没有待缴的费用。")),)),
    Transition(A.FEE_UNPAID, _("逾期未缴费，不再处理"), (S.ASSIGNED,), (DISCLOSURE_OFFICE,), danger=True,
               guards=(refuse_if(lambda a: not a.fee_pending, _("没有待缴的费用。")),)),
    Transition(A.DRAFT_REPLY, _("拟定答复"), (S.RECEIVED, S.ASSIGNED), (ASSIGNED_OFFICE, DISCLOSURE_OFFICE),
               guards=(refuse_if(pause_open, _("征求意见或收费尚未结束，不能拟定答复。")),)),
    Transition(A.NOTIFY_THIRD_PARTY, _("书面告知第三方决定公开"), (S.ASSIGNED, S.REPLY_DRAFTED), (DISCLOSURE_OFFICE,),
               help=_("第三方不同意公开，本机关认为不公开可能对公共利益造成重大影响而决定公开的，将决定公开的内容和理由"
                      "书面告知第三方（条例第三十二条）。"),
               guards=(refuse_if(lambda a: third_party_objection(a) is None,
                                 _("没有第三方不同意公开的意见需要告知。")),)),
    Transition(A.REQUEST_PUBLIC_INTEREST, _("提请厅领导签发（因公共利益决定公开）"), (S.REPLY_DRAFTED,),
               (DISCLOSURE_OFFICE,),
               help=_("答复公开涉及商业秘密、个人隐私的信息，本机关认为不公开可能对公共利益造成重大影响的，写明理由，"
                      "经主管厅领导签发后方可发出（实施办法第六条第二款、条例第十五条）。"),
               guards=(refuse_if(lambda a: a.outcome not in RELEASING, _("只有公开信息的答复需要作出此项决定。")),
                       refuse_if(lambda a: a.public_interest_pending, _("已提请签发，正在等待主管厅领导签发。")),
                       refuse_if(lambda a: public_interest_signoff(a) is not None,
                                 _("主管厅领导已签发本答复的公共利益决定。")))),
    Transition(A.SIGN_OFF_PUBLIC_INTEREST, _("签发：因公共利益决定公开"), (S.REPLY_DRAFTED,), (SUPERVISING_LEADER,),
               help=_("主管厅领导签发后，政府信息公开工作机构方可发出答复（实施办法第六条第二款、第十二条）。"),
               guards=(refuse_if(lambda a: not a.public_interest_pending, _("没有待签发的公共利益决定。")),),
               same_person=public_interest_requester_id,
               same_person_message=_("签发由您提请，须由其他主管厅领导签发（提请与签发分离，实施办法第十二条第（一）项）。")),
    Transition(A.RETURN_REPLY, _("退回修改答复"), (S.REPLY_DRAFTED,), (DISCLOSURE_OFFICE,), danger=True,
               permission=APPROVE),
    Transition(A.SEND_REPLY, _("审核并发出答复"), (S.REPLY_DRAFTED,), (DISCLOSURE_OFFICE,), permission=APPROVE,
               help=_("起草答复的人员不能审核发出同一答复。公开信息的答复须先通过保密审查（实施办法第三条第（四）项、条例第十七条）。"),
               same_person=reply_drafter_id,
               same_person_message=_("答复由您起草，须由政府信息公开工作机构的其他人员审核发出（审核与起草分离）。")),
    # An application that was never answered can be the subject of a review or lawsuit too.
    Transition(A.RECORD_REVIEW, _("记录复议或诉讼"), tuple(S.values), (DISCLOSURE_OFFICE,)),
    # R.44: information released on application may be brought into proactive disclosure. What
    # comes out is a draft record of the office that answered; it then runs the M.12 chain.
    Transition(A.PROPOSE_PROACTIVE_DISCLOSURE, _("纳入主动公开"), (S.CLOSED,), (DISCLOSURE_OFFICE,),
               help=_("多个申请人就相同政府信息提出申请，且该信息可以公开的，可以纳入主动公开的范围（条例第四十四条）。"
                      "将以答复公开的文件（遮盖处理后的版本）起草一份承办处室的政府信息草稿，按发布审核流程办理"
                      "（实施办法第十二条）；不含申请人的身份、联系方式和告知书。"),
               guards=(
                   refuse_if(lambda a: a.outcome not in RELEASING,
                             _("该申请的办理结果没有公开任何政府信息（仅“予以公开”或“部分公开”的答复可以纳入主动公开，"
                               "条例第四十四条）。")),
                   refuse_if(lambda a: a.public_record_id is not None,
                             _("该申请已纳入主动公开，已有对应的政府信息。")),
                   refuse_if(lambda a: not a.office_id, _("该申请没有承办处室，无法确定政府信息的发布机构。")),
                   refuse_if(lambda a: not released_files(a),
                             _("答复没有提供可以公开的文件，没有可纳入主动公开的内容。")),
               )),
)

PERMISSIONS = {
    DISCLOSURE_OFFICE: "applications.register_application",
    ASSIGNED_OFFICE: "applications.handle_application",
    EXTENSION_APPROVER: "applications.approve_application_extension",
    SUPERVISING_LEADER: "applications.sign_off_public_interest",
}

# Outcomes that release information: the reply passes the confidentiality check first (M.3(4), R.17).
RELEASING = (Outcome.DISCLOSED, Outcome.PARTIAL)


def acting_role(user, application: DisclosureApplication, roles) -> str | None:
    from applications.selectors import is_extension_approver

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
        if role == EXTENSION_APPROVER and is_extension_approver(user):
            return role
        if role == SUPERVISING_LEADER and application.office_id and can_act_for_office(
                user, Role.LEADER, application.office_id):
            return role
    return None


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
    if transition.same_person and transition.same_person(application) == user.pk:
        raise ActionRefused(transition.same_person_message)
    transition.run_guards(application)
    return role


def available(user, application: DisclosureApplication) -> list[Transition]:
    result = []
    application._due_cache = {}
    try:
        for transition in TRANSITIONS.values():
            try:
                check(transition, user, application)
            except (ActionRefused, StateConflict):
                continue
            result.append(transition)
    finally:
        del application._due_cache
    return result

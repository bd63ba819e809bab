"""Writes on government information. Every state change is one function here: it locks the
row, asks `workflow.check`, writes a `WorkflowEvent` and saves (STYLE.md, conventions 2 and 3).
Admin views, public views, commands and tests call these functions and nothing else."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from disclosure import search, selectors, subscription_services, workflow
from disclosure.models import (
    Attachment,
    CatalogueEntry,
    ChangeRequest,
    ChangeRequestKind,
    ChangeRequestStatus,
    Channel,
    DisclosureAttribute,
    DisclosureOverride,
    DocumentType,
    EventAction,
    Record,
    RecordState,
    RegisterKind,
    ReleaseRegisterLine,
    ReviewDocument,
    Validity,
    WithholdingGround,
    WorkflowEvent,
)
from disclosure.redaction_services import redaction_carry_over
from disclosure.subscription_models import SubscriptionEvent
from portal.errors import ActionRefused, InvalidInput, StateConflict
from portal.files import store_upload
from portal.hooks import hooks
from portal.models import Role, SiteProfile
from portal.notify import absolute_url, notify_on_commit
from portal.pagecache import public_content_changed
from portal.selectors import can_act_for_office, users_acting_as
from portal.services import sequence_next
from portal.uploads import files_removed_unless_committed
from portal.workdays import add_workdays

S = RecordState
DUE_WORKING_DAYS = 20  # M.11, R.26


# --- Drafting ------------------------------------------------------------------------------


def record_refresh_due_date(record: Record) -> None:
    """Due 20 working days after the information was formed or changed (M.11, R.26) — unless a
    law or regulation sets another period (M.11, second sentence): then the record's own period
    in working days, or the date the law fixes (R.49: the annual report by 31 January)."""
    if record.due_date_by_law:
        record.due_date, record.due_date_provisional = record.due_date_by_law, False
        return
    result = add_workdays(record.date_formed, record.due_period_days or DUE_WORKING_DAYS)
    record.due_date, record.due_date_provisional = result.date, result.provisional


def _refuse_future_date_formed(record: Record) -> None:
    """The clock of M.11 runs from the day the information was formed or changed: a date still
    to come would start it late (and push the due date out), so it is refused."""
    today = timezone.localdate()
    if record.date_formed and record.date_formed > today:
        raise InvalidInput(_("成文日期 %(date)s 晚于今天（%(today)s）：公开期限自信息形成或变更之日起计算（实施办法第十一条），"
                             "请填写信息实际形成的日期。") % {"date": record.date_formed, "today": today})


def _require_drafter(actor, office_id: int) -> None:
    if not (actor.has_perm("disclosure.add_record") or actor.has_perm("disclosure.change_record")) or not (
        can_act_for_office(actor, Role.DRAFTER, office_id)
    ):
        raise ActionRefused(_("只有本处室信息员可以起草和修改本处室的信息。"))


# Set by the workflow, never by the drafter: kept from the stored row on an update, cleared on a
# new record (a caller may hand in a Record with any of them filled).
WORKFLOW_OWNED_FIELDS = {
    "state": S.DRAFT, "index_number": None, "published_at": None, "previous_version_id": None,
    "superseded_by_id": None, "version_number": 1, "validity": Validity.VALID, "validity_changed_on": None,
    "status_note": "", "withholding_ground": "", "redacted_parts": "", "redaction_grounds": [],
    "due_date_by_law": None, "interpretation_waiver": "",
}


def record_save_draft(*, record: Record, actor) -> Record:
    """Create or update a draft. Only the office's info officer, only while it is a draft.

    The body is sanitised here and only here. When sanitising removed something the drafter
    typed or pasted (a script, an event handler, a javascript: link), the returned record's
    `draft_warnings` say what, so that the back office can tell them."""
    with transaction.atomic():
        if record.pk:
            stored = Record.objects.select_for_update().get(pk=record.pk)
            if stored.state != S.DRAFT:
                raise StateConflict(_("只有草稿可以修改；该信息当前处于“%(state)s”。") % {"state": stored.get_state_display()})
            _require_drafter(actor, stored.office_id)
            # Fields the drafter does not own are taken from the stored row, never from the form.
            for field in (*WORKFLOW_OWNED_FIELDS, "created_by_id"):
                setattr(record, field, getattr(stored, field))
            # M.12(2): once the confidentiality review found the information important, only the
            # review may lower that; the drafter cannot skip the leader's signature by unticking it.
            if stored.is_important and not record.is_important and selectors.importance_decided_by_review(stored):
                raise InvalidInput(_("保密审查已认定该信息为重要信息，须经主管厅领导签字后公开（实施办法第十二条第（二）项）；"
                                     "信息员不能取消“重要信息”。"))
        else:
            for field, value in WORKFLOW_OWNED_FIELDS.items():
                setattr(record, field, list(value) if isinstance(value, list) else value)
            record.created_by = actor
        _require_drafter(actor, record.office_id)
        if record.attribute == DisclosureAttribute.NOT_DISCLOSED:
            raise InvalidInput(_("草稿的公开属性只能是主动公开或依申请公开；不予公开由审核人决定。"))
        _refuse_future_date_formed(record)
        submitted_body = record.body or ""
        record.body = Record._meta.get_field("body").sanitize(submitted_body)
        try:
            record.full_clean()
        except ValidationError as error:
            raise InvalidInput("；".join(error.messages)) from None
        record_refresh_due_date(record)  # after the checks: the period is then one the law may set
        record.save()
        record.draft_warnings = _sanitising_warnings(submitted_body, record.body)
        return record


class _Markup(HTMLParser):
    """The tags and attributes of an HTML fragment, counted (for what sanitising removed)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.items: Counter = Counter()
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.items[("tag", tag)] += 1
        for name, value in attrs:
            if name == "href" and (value or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.items[("link", tag)] += 1
            else:
                self.items[("attr", name)] += 1


def _sanitising_warnings(submitted: str, sanitised: str) -> list[str]:
    """What the sanitiser took out of the body, as a message for the drafter ([] if nothing).

    Only removals count: the sanitiser also adds (rel="noopener") and normalises markup, which
    the drafter need not hear about; the editor's lone empty paragraph is not content."""
    if submitted == sanitised or re.fullmatch(r"\s*(<(\w+)>\s*</\2>)?\s*", submitted):
        return []
    removed = _Markup(submitted).items - _Markup(sanitised).items
    if not removed:
        return []
    names = []
    for kind, name in sorted(removed):
        names.append({"tag": f"<{name}>", "attr": _("%(name)s 属性") % {"name": name},
                      "link": _("不安全的链接地址")}[kind])
    return [_("正文中有不允许的内容，保存时已删除：%(items)s。请核对正文是否完整。") % {"items": "、".join(dict.fromkeys(names))}]


def attachment_add(*, record: Record, actor, upload, sort_order: int = 0, title: str = "") -> Attachment:
    """Attach a checked file to a draft (type from content, size limit, generated name). Its
    title (附件1：标题 on the public page) defaults to the file name without extension."""
    from pathlib import PurePath

    title = (title or "").strip() or PurePath(upload.name or "").stem
    with files_removed_unless_committed() as saved, transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        if record.state != S.DRAFT:
            raise StateConflict(_("只有草稿可以增删附件。"))
        _require_drafter(actor, record.office_id)
        attachment = Attachment(record=record, uploaded_by=actor, sort_order=sort_order, title=title[:200])
        return store_upload(attachment, upload, saved=saved)


def attachment_remove(*, attachment: Attachment, actor) -> None:
    """Take an attachment off a draft. The stored file is kept: history may point at it."""
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=attachment.record_id)
        if record.state != S.DRAFT:
            raise StateConflict(_("只有草稿可以增删附件。"))
        _require_drafter(actor, record.office_id)
        attachment.delete()


# --- Transitions ---------------------------------------------------------------------------


def _lock(record: Record) -> Record:
    # of=("self",): lock the record only, not the office row joined for the checks.
    return Record.objects.select_for_update(of=("self",)).select_related("office").get(pk=record.pk)


def _event(record: Record, *, actor, role: str, action: str, from_state: str, comment: str = "",
           checklist: dict | None = None) -> WorkflowEvent:
    return WorkflowEvent.objects.create(
        record=record, actor=actor, acted_as=role, action=action, from_state=from_state,
        to_state=record.state, comment=comment, checklist=checklist or {},
    )


def _mail(record: Record, *, users, subject: str, note: str = "", digestible: bool = False) -> None:
    """A notification about `record`, with its office, state and back-office link, on commit
    (`digestible`: work now waiting for them, which digest readers get in their daily digest)."""
    link = absolute_url(reverse("admin:disclosure_record_change", args=[record.pk]))
    lines = [f"{subject}：{record.title}", f"{_('处室')}：{record.office}", f"{_('状态')}：{record.get_state_display()}"]
    if note:
        lines.append(note)
    notify_on_commit(users=users, subject=f"[{SiteProfile.current().name}] {subject}：{record.title}",
                     body="\n".join([*lines, link, ""]), digestible=digestible)


def _notify_next(record: Record, *, subject: str, note: str = "") -> None:
    """Tell the people who act at the record's new step (M.17: a smooth channel between offices)."""
    users = []
    for role in workflow.step_roles(record.state):
        users.extend(users_acting_as(role, record.office))
    if record.state == S.DRAFT:
        users.append(record.created_by)
    _mail(record, users=users, subject=subject, note=note, digestible=True)


def _notify_office(record: Record, *, subject: str, note: str = "", actor=None) -> None:
    """Tell the office that produced the information, its info officer and division head, of a
    change after publication (M.14: changes are reported through the disclosure office)."""
    users = [*users_acting_as(Role.DRAFTER, record.office), *users_acting_as(Role.DIVISION_HEAD, record.office)]
    _mail(record, users=[u for u in users if actor is None or u.pk != actor.pk], subject=subject, note=note)


def _move(record: Record, *, actor, role: str, action: str, to_state: str, comment: str = "",
          checklist: dict | None = None, subject: str = "", note: str = "") -> Record:
    from_state = record.state
    record.state = to_state
    record.save()
    _event(record, actor=actor, role=role, action=action, from_state=from_state, comment=comment, checklist=checklist)
    if subject:
        _notify_next(record, subject=subject, note=note)
    return record


def _companions(policy: Record, *, state: str) -> list[Record]:
    """The interpretations drafted with `policy` (issue #19: 同步起草、同步审签、同步发布) that
    stand where it stood, locked: they take each step of the M.12 chain with it."""
    return list(Record.objects.select_for_update(of=("self",)).select_related("office")
                .filter(interprets_links__policy=policy, interprets_links__with_policy=True, state=state)
                .order_by("pk"))


def _move_companions(policy: Record, *, actor, role: str, action: str, from_state: str, comment: str = "",
                     checklist: dict | None = None) -> list[Record]:
    """Take the interpretations drafted with `policy` along its step: each gets the same state
    and its own event, which names the policy (the reviewer saw and approved both)."""
    moved = []
    for companion in _companions(policy, state=from_state):
        companion.state = policy.state
        companion.save()
        note = _("随政策文件“%(title)s”一并办理") % {"title": policy.title}
        _event(companion, actor=actor, role=role, action=action, from_state=from_state,
               comment=f"{note}{_('：')}{comment}" if comment else note,
               checklist={**(checklist or {}), "with_policy": policy.pk})
        moved.append(companion)
    return moved


def _require_comment(comment: str, message: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput(message)
    return comment


def _run_publication_guards(record: Record, at: dt.datetime) -> None:
    """Rules that depend on the moment of publication (`record_publication_guard`): a call for
    comments must still leave the public its minimum period (issue #19)."""
    for guard in hooks("record_publication_guard"):
        guard(record, at)


def _run_submission_guards(record: Record) -> None:
    """Apps that generate records (the annual report) may refuse one that no longer matches what
    they generated; each guard raises a DomainError with the reason (`record_submission_guard`)."""
    for guard in hooks("record_submission_guard"):
        guard(record)


def record_submit(*, record: Record, actor, comment: str = "", expected_state: str | None = None) -> Record:
    with transaction.atomic():
        record = _lock(record)
        role = workflow.check(workflow.TRANSITIONS[workflow.A.SUBMIT], actor, record, expected_state=expected_state)
        if not (record.body.strip() or record.attachments.exists()):
            raise InvalidInput(_("正文和附件不能都为空。"))
        _run_submission_guards(record)
        companions = _companions(record, state=S.DRAFT)
        for companion in companions:
            if not (companion.body.strip() or companion.attachments.exists() or companion.video_url):
                raise InvalidInput(_("随文件报送的政策解读“%(title)s”没有内容：请填写解读正文，或上传图解、附件，或填写视频链接。")
                                   % {"title": companion.title})
            _run_submission_guards(companion)
        _move(record, actor=actor, role=role, action="submit", to_state=S.DIVISION_REVIEW,
              comment=comment.strip(), subject=_("待处室负责人审核"))
        _move_companions(record, actor=actor, role=role, action="submit", from_state=S.DRAFT, comment=comment.strip())
        return record


def confidentiality_checklist(*, no_state_secret: bool, no_commercial_secret: bool, no_personal_privacy: bool,
                              redacted_parts: str = "", redaction_grounds: Iterable[str] = (),
                              override: str = "", consent_how: str = "", consent_on: dt.date | None = None,
                              consent_document: str = "", public_interest_reason: str = "") -> dict:
    """The confidentiality check of M.6 and M.12(1)-(2) as stored in the event.

    Each of the three must be confirmed, or the parts withheld and their grounds named: the
    body then holds only what can be disclosed (M.6, last paragraph: separable parts).

    Information that involves a commercial secret or personal privacy may still be disclosed
    (M.6 para. 2, R.15) — `override`:
    - `consent`: the right holder agreed; how (`consent_how`), when (`consent_on`, not after
      today) and the consent itself (`consent_document`: the stored document's name) are
      required;
    - `public_interest`: withholding would seriously harm the public interest; the reason is
      required, and the result says `requires_leader_signoff` (the decision is the agency's,
      signed by the supervising leader whatever the information's importance).
    A state secret is never disclosed this way: it is taken out or the whole is withheld.
    The keys of the override appear in the result only when it is used."""
    answers = (no_state_secret, no_commercial_secret, no_personal_privacy)
    if not all(isinstance(answer, bool) for answer in answers):
        raise InvalidInput(_("请逐项回答保密审查的三项确认（是否涉及国家秘密、商业秘密、个人隐私）。"))
    if isinstance(redaction_grounds, str):
        redaction_grounds = [redaction_grounds]
    grounds = sorted(set(redaction_grounds or ()))
    unknown = set(grounds) - set(WithholdingGround.values)
    if unknown:
        raise InvalidInput(_("未知的不予公开依据：%(grounds)s") % {"grounds": "、".join(sorted(map(str, unknown)))})
    override = (override or "").strip()
    if override and override not in DisclosureOverride.values:
        raise InvalidInput(_("未知的公开理由：%(value)s") % {"value": override})
    redacted_parts = (redacted_parts or "").strip()
    if not override and not all(answers) and not (redacted_parts and grounds):
        raise InvalidInput(
            _("保密审查未全部确认：请说明删去（不予公开）的部分及其依据；经权利人同意或不公开可能对公共利益造成重大影响的，"
              "请选择公开理由（实施办法第六条第二款）；整体不能公开的，请选择“不予公开”。")
        )
    if (redacted_parts or grounds) and not (redacted_parts and grounds):
        raise InvalidInput(_("区分处理时，删去的部分和依据必须同时填写。"))
    if override:
        if no_commercial_secret and no_personal_privacy:
            raise InvalidInput(_("“%(override)s”只适用于涉及商业秘密或个人隐私的信息（实施办法第六条第二款、条例第十五条）；"
                                 "本信息已确认不涉及商业秘密和个人隐私，请不要选择。")
                               % {"override": DisclosureOverride(override).label})
        if not no_state_secret and not redacted_parts:
            raise InvalidInput(_("涉及国家秘密的内容不能因权利人同意或公共利益而公开：请删去并说明依据，或整体不予公开。"))
    result = {
        "no_state_secret": no_state_secret,
        "no_commercial_secret": no_commercial_secret,
        "no_personal_privacy": no_personal_privacy,
        "redacted_parts": redacted_parts,
        "redaction_grounds": grounds,
    }
    if override == DisclosureOverride.CONSENT:
        consent_how, consent_document = (consent_how or "").strip(), (consent_document or "").strip()
        missing = [label for label, value in ((pgettext("consent record", "同意的方式"), consent_how),
                                              (pgettext("consent record", "同意的日期"), consent_on),
                                              (pgettext("consent record", "同意书"), consent_document)) if not value]
        if missing:
            raise InvalidInput(_("经权利人同意公开的，须记录%(missing)s（实施办法第六条第二款、条例第十五条）。")
                               % {"missing": pgettext("list separator", "、").join(missing)})
        if not isinstance(consent_on, dt.date):
            raise InvalidInput(_("同意的日期无效。"))
        if consent_on > timezone.localdate():
            raise InvalidInput(_("同意的日期不能晚于今天。"))
        result.update(override=override, consent_how=consent_how, consent_on=consent_on.isoformat(),
                      consent_document=consent_document)
    elif override == DisclosureOverride.PUBLIC_INTEREST:
        reason = (public_interest_reason or "").strip()
        if not reason:
            raise InvalidInput(_("认定不公开可能对公共利益造成重大影响的，须写明理由（实施办法第六条第二款、条例第十五条）。"))
        result.update(override=override, public_interest_reason=reason, requires_leader_signoff=True)
    return result


def _consent_document_name(record: Record, upload) -> str:
    """The consent the checklist refers to: a file uploaded with it, or the latest one already
    kept with the record's review papers (the division head's, at the unified review)."""
    if upload:
        return upload.name or ""
    latest = (ReviewDocument.objects.filter(record=record, purpose=DisclosureOverride.CONSENT)
              .order_by("-uploaded_at", "-pk").values_list("original_name", flat=True).first())
    return latest or ""


def _keep_consent(record: Record, checklist: dict, *, upload, actor, saved) -> None:
    """Store an uploaded consent with the review papers (never published) and name it in the
    checklist; without an upload the checklist names the latest one already kept."""
    if checklist.get("override") != DisclosureOverride.CONSENT:
        return
    if upload:
        document = store_upload(ReviewDocument(record=record, uploaded_by=actor), upload, saved=saved)
    else:
        document = (ReviewDocument.objects.filter(record=record, purpose=DisclosureOverride.CONSENT)
                    .order_by("-uploaded_at", "-pk").first())
    if document is not None:
        checklist["consent_document"] = document.original_name
        checklist["consent_document_id"] = document.pk


def _companion_checklist(checklist: dict) -> dict:
    """The reviewer's confidentiality answers, as they apply to the interpretation reviewed with
    the policy: the three confirmations (the policy's redacted parts and consent are its own)."""
    return {key: checklist[key] for key in ("no_state_secret", "no_commercial_secret", "no_personal_privacy")
            if key in checklist}


def _apply_checklist(record: Record, checklist: dict) -> None:
    if checklist["redacted_parts"]:
        record.redacted_parts = checklist["redacted_parts"]
        record.redaction_grounds = checklist["redaction_grounds"]


def _review_checklist(record: Record, *, no_state_secret, no_commercial_secret, no_personal_privacy, redacted_parts,
                      redaction_grounds, override, consent_how, consent_on, consent_document,
                      public_interest_reason) -> dict:
    return confidentiality_checklist(
        no_state_secret=no_state_secret, no_commercial_secret=no_commercial_secret,
        no_personal_privacy=no_personal_privacy, redacted_parts=redacted_parts, redaction_grounds=redaction_grounds,
        override=override, consent_how=consent_how, consent_on=consent_on,
        consent_document=_consent_document_name(record, consent_document) if override else "",
        public_interest_reason=public_interest_reason,
    )


def record_approve_division(*, record: Record, actor, no_state_secret: bool, no_commercial_secret: bool,
                            no_personal_privacy: bool, redacted_parts: str = "", redaction_grounds: Iterable[str] = (),
                            comment: str = "", expected_state: str | None = None, override: str = "",
                            consent_how: str = "", consent_on: dt.date | None = None, consent_document=None,
                            public_interest_reason: str = "") -> Record:
    """The division head approves, having checked confidentiality (M.12(1)): no state secret, no
    commercial secret, no personal privacy, or the parts withheld and their grounds (M.6) — or
    the right holder's consent (kept with the review papers: `consent_document` is the upload,
    or none to refer to one already kept), or a proposal that the public interest requires
    disclosure, which the unified review then decides (M.6 para. 2, R.15)."""
    checklist = _review_checklist(
        record, no_state_secret=no_state_secret, no_commercial_secret=no_commercial_secret,
        no_personal_privacy=no_personal_privacy, redacted_parts=redacted_parts, redaction_grounds=redaction_grounds,
        override=override, consent_how=consent_how, consent_on=consent_on, consent_document=consent_document,
        public_interest_reason=public_interest_reason,
    )
    checklist.pop("requires_leader_signoff", None)  # a proposal here; the unified review decides
    with files_removed_unless_committed() as saved, transaction.atomic():
        record = _lock(record)
        role = workflow.check(workflow.TRANSITIONS[workflow.A.APPROVE_DIVISION], actor, record, expected_state=expected_state)
        _keep_consent(record, checklist, upload=consent_document, actor=actor, saved=saved)
        _apply_checklist(record, checklist)
        _move(record, actor=actor, role=role, action="approve_division", to_state=S.CONFIDENTIALITY_REVIEW,
              comment=comment.strip(), checklist=checklist, subject=_("待保密审查"))
        _move_companions(record, actor=actor, role=role, action="approve_division", from_state=S.DIVISION_REVIEW,
                         comment=comment.strip(), checklist=_companion_checklist(checklist))
        return record


def record_approve_confidentiality(*, record: Record, actor, no_state_secret: bool, no_commercial_secret: bool,
                                   no_personal_privacy: bool, redacted_parts: str = "",
                                   redaction_grounds: Iterable[str] = (), is_important: bool | None = None,
                                   comment: str = "", expected_state: str | None = None, override: str = "",
                                   consent_how: str = "", consent_on: dt.date | None = None, consent_document=None,
                                   public_interest_reason: str = "", interpretation_waiver: str = "") -> Record:
    """The leading group's office reviews confidentiality for the whole agency (M.12(2)) and
    decides whether the information is important, which then needs the supervising leader's
    signature (重要信息需请主管厅领导签字). `is_important=None` confirms what the drafter
    proposed; the decision and the proposal are both kept in the event's checklist.

    Deciding that withholding would seriously harm the public interest (M.6 para. 2, R.15)
    sends the information to the supervising leader whatever its importance: it discloses a
    third party's secret or privacy, which is the agency's decision, not the review's alone.

    A 行政规范性文件 goes on with the interpretations drafted with it, which take the same step
    (to the leader too when the policy is important), or with `interpretation_waiver`: the
    office's recorded reason why it needs none (issue #19, 国办发〔2016〕80号)."""
    checklist = _review_checklist(
        record, no_state_secret=no_state_secret, no_commercial_secret=no_commercial_secret,
        no_personal_privacy=no_personal_privacy, redacted_parts=redacted_parts, redaction_grounds=redaction_grounds,
        override=override, consent_how=consent_how, consent_on=consent_on, consent_document=consent_document,
        public_interest_reason=public_interest_reason,
    )
    if is_important is not None and not isinstance(is_important, bool):
        raise InvalidInput(_("请确认该信息是否为重要信息。"))
    with files_removed_unless_committed() as saved, transaction.atomic():
        record = _lock(record)
        role = workflow.check(
            workflow.TRANSITIONS[workflow.A.APPROVE_CONFIDENTIALITY], actor, record, expected_state=expected_state
        )
        proposed = record.is_important
        record.is_important = proposed if is_important is None else is_important
        checklist = {**checklist, "is_important": record.is_important, "importance_proposed": proposed}
        to_state = workflow.next_state_after_confidentiality(record)
        if checklist.get("requires_leader_signoff"):
            to_state = S.LEADER_SIGNOFF
        if to_state == S.LEADER_SIGNOFF and not record.office.supervising_leaders.filter(is_active=True).exists():
            raise InvalidInput(
                _("“%(office)s”尚未设置主管厅领导，重要信息无法送签。请先在“处室”中设置。") % {"office": record.office}
            )
        _keep_consent(record, checklist, upload=consent_document, actor=actor, saved=saved)
        _apply_checklist(record, checklist)
        waiver = _interpretation_waiver(record, interpretation_waiver)
        if waiver:
            record.interpretation_waiver = waiver
            checklist["interpretation_waiver"] = waiver
        subject = _("待厅领导签发") if to_state == S.LEADER_SIGNOFF else _("待发布")
        _move(record, actor=actor, role=role, action="approve_confidentiality", to_state=to_state,
              comment=comment.strip(), checklist=checklist, subject=subject)
        _move_companions(record, actor=actor, role=role, action="approve_confidentiality",
                         from_state=S.CONFIDENTIALITY_REVIEW, comment=comment.strip(),
                         checklist=_companion_checklist(checklist))
        return record


def _interpretation_waiver(record: Record, waiver: str) -> str:
    """The reason a 行政规范性文件 goes on without an interpretation (issue #19): required when
    it has none, chosen from the list; none is recorded when it has one."""
    from disclosure.interpretation_models import InterpretationWaiver

    waiver = (waiver or "").strip()
    if waiver and waiver not in InterpretationWaiver.values:
        raise InvalidInput(_("请从列表中选择无需解读的理由。"))
    if record.document_type != DocumentType.NORMATIVE or selectors.policy_has_interpretation(record):
        return ""
    if not waiver:
        raise InvalidInput(_("行政规范性文件应与政策解读同步审签、同步发布（国办发〔2016〕80号）。本文件未附解读："
                             "请退回起草处室补充解读，或选择无需解读的理由。"))
    return waiver


def record_sign_off(*, record: Record, actor, comment: str = "", expected_state: str | None = None) -> Record:
    """The supervising leader signs important information off (M.12(2))."""
    with transaction.atomic():
        record = _lock(record)
        role = workflow.check(workflow.TRANSITIONS[workflow.A.SIGN_OFF], actor, record, expected_state=expected_state)
        _move(record, actor=actor, role=role, action="sign_off", to_state=S.READY,
              comment=comment.strip(), subject=_("待发布"))
        _move_companions(record, actor=actor, role=role, action="sign_off", from_state=S.LEADER_SIGNOFF,
                         comment=comment.strip())
        return record


def next_index_number(*, at: dt.datetime) -> str:
    """Assign an index number (索引号): never reused, unique even under concurrent publication.

    The profile is read from the database, not the cache: a format changed a moment ago must
    not be ignored for five minutes (call it inside the publishing transaction)."""
    profile = SiteProfile.objects.filter(pk=1).first()
    if profile is None or not profile.uscc:
        raise InvalidInput(_("请先在“机关信息”中填写统一社会信用代码，才能生成索引号。"))
    year = timezone.localtime(at).year
    seq = sequence_next(name="index_number", year=year)
    try:
        return profile.format_index_number(year=year, seq=seq)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError) as error:
        raise InvalidInput(_("“机关信息”中的索引号格式无效（%(error)s），请先修改。") % {"error": error}) from None


def _index_number_in_use(number: str) -> bool:
    return (Record.objects.filter(index_number=number).exists()
            or CatalogueEntry.objects.filter(index_number=number).exists())


def _index_number_taken(number: str) -> InvalidInput:
    return InvalidInput(
        _("索引号 %(number)s 已被使用。请检查“机关信息”中的索引号格式（须包含 {year} 和 {seq}），修改后再发布。")
        % {"number": number}
    )


def record_publish(*, record: Record, actor, channels: Iterable[str], at: dt.datetime | None = None,
                   comment: str = "", expected_state: str | None = None, late_reason: str = "") -> Record:
    """The info center publishes (M.12(3)): index number, catalogue entry, and the previous
    version, if any, is replaced from this moment on (M.14).

    A publication scheduled for a day after the due date (M.11, R.26) needs `late_reason`: the
    delay is then the agency's recorded decision, and the dashboard counts the record as late
    from the day it was due until it is out. A reason given for any late publication is kept."""
    channels = [c for c in Channel.values if c in set(channels)]
    if not channels:
        raise InvalidInput(_("请至少选择一个公开渠道。"))
    now = timezone.now()
    if at is not None and at < now - dt.timedelta(minutes=5):
        raise InvalidInput(_("定时发布时间不能早于现在。"))
    at = max(at or now, now)
    scheduled = at > now + dt.timedelta(minutes=1)
    with transaction.atomic():
        record = _lock(record)
        role = workflow.check(workflow.TRANSITIONS[workflow.A.PUBLISH], actor, record, expected_state=expected_state)
        _run_submission_guards(record)
        _run_publication_guards(record, at)
        late_reason = (late_reason or "").strip()
        publication_day = timezone.localtime(at).date()
        late = bool(record.due_date and publication_day > record.due_date)
        if scheduled and late and not late_reason:
            raise InvalidInput(
                _("定时发布日期 %(day)s 晚于公开期限 %(due)s（实施办法第十一条、条例第二十六条）：请填写推迟发布的原因，"
                  "或提前发布时间。逾期发布将计入考核。") % {"day": publication_day, "due": record.due_date})
        publish_checklist = {"channels": channels, "published_at": at.isoformat()}
        if late:
            publish_checklist["due_date"] = record.due_date.isoformat()
        if late_reason:
            publish_checklist["late_reason"] = late_reason
        companions = _companions(record, state=S.READY)
        for companion in companions:
            _run_submission_guards(companion)
        if companions:
            publish_checklist["interpretations"] = [companion.pk for companion in companions]
        record.channels = channels
        record.published_at = at
        record.index_number = next_index_number(at=at)
        if _index_number_in_use(record.index_number):
            raise _index_number_taken(record.index_number)
        subject, note = _("待登记"), ""
        if scheduled:
            # Registering is refused until the scheduled time (workflow._guard): say when.
            when = f"{timezone.localtime(at):%Y-%m-%d %H:%M}"
            subject = _("定时发布，%(when)s 生效后待登记") % {"when": when}
            note = _("定时发布时间：%(when)s。发布生效后方可登记（实施办法第十二条第（四）项）。") % {"when": when}
        try:
            with transaction.atomic():  # a savepoint: a duplicate number (a race) is a message, not a 500
                _move(record, actor=actor, role=role, action="publish", to_state=S.PUBLISHED, comment=comment.strip(),
                      checklist=publish_checklist, subject=subject, note=note)
                entry = CatalogueEntry.objects.create(
                    record=record, index_number=record.index_number, title=record.title, summary=record.summary,
                    office=record.office, category=record.category, date_formed=record.date_formed,
                    published_at=at, attribute=record.attribute, validity=record.validity,
                )
        except IntegrityError:
            raise _index_number_taken(record.index_number) from None
        search.index_entry(entry)
        if record.previous_version_id:
            _supersede(record.previous_version_id, by=record, actor=actor, role=role)
        # Issue #19: the interpretations drafted with it are published with it, in this
        # transaction, at the same time and on the same channels: both or neither.
        for companion in companions:
            _publish_companion(companion, policy=record, actor=actor, role=role, at=at, channels=channels)
        # Issue #21: the public's subscriptions are matched by the task worker after the commit.
        for published in (record, *companions):
            subscription_services.record_news_schedule(published, SubscriptionEvent.PUBLISH)
        # The office that drafted it hears that its information is public (or when it will be).
        _notify_office(record, actor=actor, subject=_("定时发布，%(when)s 生效") % {"when": when} if scheduled
                       else _("已发布"))
        public_content_changed(pages=selectors.record_pages_showing([record.pk, *(c.pk for c in companions)]))
        return record


def _publish_companion(companion: Record, *, policy: Record, actor, role: str, at: dt.datetime,
                       channels: list[str]) -> Record:
    """Publish an interpretation with its policy (issue #19): its own index number, catalogue
    line and search entry, the policy's time and channels."""
    companion.channels = channels
    companion.published_at = at
    companion.index_number = next_index_number(at=at)
    if _index_number_in_use(companion.index_number):
        raise _index_number_taken(companion.index_number)
    try:
        with transaction.atomic():
            companion.state = S.PUBLISHED
            companion.save()
            _event(companion, actor=actor, role=role, action="publish", from_state=S.READY,
                   comment=_("随政策文件“%(title)s”同步发布") % {"title": policy.title},
                   checklist={"channels": channels, "published_at": at.isoformat(), "with_policy": policy.pk})
            entry = CatalogueEntry.objects.create(
                record=companion, index_number=companion.index_number, title=companion.title,
                summary=companion.summary, office=companion.office, category=companion.category,
                date_formed=companion.date_formed, published_at=at, attribute=companion.attribute,
                validity=companion.validity,
            )
    except IntegrityError:
        raise _index_number_taken(companion.index_number) from None
    search.index_entry(entry)
    if companion.previous_version_id:
        _supersede(companion.previous_version_id, by=companion, actor=actor, role=role)
    return companion


def _supersede(previous_id: int, *, by: Record, actor, role: str) -> None:
    """The previous version stays listed until the new one takes effect (M.14), which may be a
    scheduled time in the future; its search document goes with its catalogue entry."""
    previous = Record.objects.select_for_update().get(pk=previous_id)
    if previous.state == S.REVOKED:  # revoked while this publication waited for the row (M.14)
        raise StateConflict(_("上一版本已撤销，本新版本不能发布。如仍需公开，请作为新的信息起草。"))
    previous.superseded_by = by
    previous.save()
    CatalogueEntry.objects.filter(record=previous).update(listed_until=by.published_at)
    _event(previous, actor=actor, role=role, action="supersede", from_state=previous.state,
           comment=_("已由新版本 %(index)s 替代") % {"index": by.index_number})


def _register_line(record: Record, *, kind: str, actor, note: str = "") -> ReleaseRegisterLine:
    year = timezone.localdate().year
    return ReleaseRegisterLine.objects.create(
        year=year, number=sequence_next(name="release_register", year=year), kind=kind, record=record,
        index_number=record.index_number or "", title=record.title, office_name=record.office.name,
        channels=record.channels, published_at=record.published_at, registered_by=actor, note=note,
    )


def record_register(*, record: Record, actor, comment: str = "", expected_state: str | None = None) -> Record:
    """The general office and info center register the release (M.12(4))."""
    with transaction.atomic():
        record = _lock(record)
        role = workflow.check(workflow.TRANSITIONS[workflow.A.REGISTER], actor, record, expected_state=expected_state)
        kind = RegisterKind.AMENDMENT if record.previous_version_id else RegisterKind.RELEASE
        line = _register_line(record, kind=kind, actor=actor, note=comment.strip())
        _move(record, actor=actor, role=role, action="register", to_state=S.REGISTERED,
              comment=comment.strip(), checklist={"register_number": line.display_number})
        # The interpretations published with it are registered with it, one line each (M.12(4)).
        for companion in _companions(record, state=S.PUBLISHED):
            if companion.published_at is None or companion.published_at > timezone.now():
                continue
            kind = RegisterKind.AMENDMENT if companion.previous_version_id else RegisterKind.RELEASE
            own = _register_line(companion, kind=kind, actor=actor, note=comment.strip())
            companion.state = S.REGISTERED
            companion.save()
            _event(companion, actor=actor, role=role, action="register", from_state=S.PUBLISHED,
                   comment=_("随政策文件“%(title)s”一并登记") % {"title": record.title},
                   checklist={"register_number": own.display_number, "with_policy": record.pk})
        return record


def record_return(*, record: Record, actor, comment: str, expected_state: str | None = None) -> Record:
    """Any review step sends the draft back with a reason."""
    comment = _require_comment(comment, _("退回时必须填写修改意见。"))
    with transaction.atomic():
        record = _lock(record)
        role = workflow.check(workflow.TRANSITIONS[workflow.A.RETURN_TO_DRAFT], actor, record, expected_state=expected_state)
        from_state = record.state
        _move(record, actor=actor, role=role, action="return_to_draft", to_state=S.DRAFT,
              comment=comment, subject=_("已退回修改"))
        _move_companions(record, actor=actor, role=role, action="return_to_draft", from_state=from_state,
                         comment=comment)
        return record


def record_withhold(*, record: Record, actor, ground: str, comment: str = "",
                    expected_state: str | None = None) -> Record:
    """A reviewer decides the information is not to be disclosed, on a ground of M.6 / R.14–R.16."""
    if ground not in WithholdingGround.values:
        raise InvalidInput(_("请选择不予公开的依据。"))
    with transaction.atomic():
        record = _lock(record)
        role = workflow.check(workflow.TRANSITIONS[workflow.A.WITHHOLD], actor, record, expected_state=expected_state)
        record.attribute = DisclosureAttribute.NOT_DISCLOSED
        record.withholding_ground = ground
        from_state = record.state
        _move(record, actor=actor, role=role, action="withhold", to_state=S.WITHHELD, comment=comment.strip(),
              checklist={"ground": ground})
        # An interpretation of information that is not disclosed has nothing to interpret.
        for companion in _companions(record, state=from_state):
            companion.attribute = DisclosureAttribute.NOT_DISCLOSED
            companion.withholding_ground = ground
            companion.save()
        _move_companions(record, actor=actor, role=role, action="withhold", from_state=from_state,
                         comment=comment.strip(), checklist={"ground": ground})
        notify_on_commit(
            users=[record.created_by],
            subject=_("不予公开：%(title)s") % {"title": record.title},
            body=_("依据：%(ground)s\n%(comment)s") % {"ground": WithholdingGround(ground).label, "comment": comment},
        )
        return record


# --- After publication (M.14) --------------------------------------------------------------


def record_amend(*, record: Record, actor, comment: str = "", expected_state: str | None = None) -> Record:
    """Start a new version of published information. It runs the whole workflow; the published
    version stays public until the new one is published (M.14)."""
    return _amend(record=record, actor=actor, comment=comment, expected_state=expected_state)


def _amend(*, record: Record, actor, comment: str, expected_state: str | None, transition: str = "amend",
           created_by=None, reference: dict | None = None) -> Record:
    """The new version, started by the office's info officer (`amend`) or by the disclosure
    office granting the office's request (`handle_change_request`, drafted by `created_by`)."""
    with transaction.atomic():
        record = _lock(record)
        role = workflow.check(workflow.TRANSITIONS[transition], actor, record, expected_state=expected_state)
        draft = Record(
            title=record.title, summary=record.summary, body=record.body, office=record.office,
            category=record.category, document_number=record.document_number,
            document_type=record.document_type, date_formed=timezone.localdate(), attribute=record.attribute,
            channels=record.channels, is_important=record.is_important, version_number=record.version_number + 1,
            previous_version=record, created_by=created_by or actor, state=S.DRAFT,
            # The law's own period for this information (M.11, second sentence) holds for its changes.
            due_period_days=record.due_period_days, due_period_basis=record.due_period_basis,
            # The body was published with these parts taken out (M.6, last paragraph); the new
            # version starts from the same body, so it carries the same account of them.
            redacted_parts=record.redacted_parts, redaction_grounds=list(record.redaction_grounds or []),
            video_url=record.video_url,
        )
        if draft.attribute == DisclosureAttribute.NOT_DISCLOSED:
            draft.attribute = DisclosureAttribute.PROACTIVE
        record_refresh_due_date(draft)
        draft.save()
        # A new version of an interpretation interprets the same policies (issue #19); it runs
        # its own chain, as an interpretation added after publication does.
        from disclosure.interpretation_models import Interpretation

        for policy_id in record.interprets_links.values_list("policy_id", flat=True):
            Interpretation.objects.create(policy_id=policy_id, interpretation=draft, with_policy=False, created_by=actor)
        for attachment in record.attachments.all():
            copy = Attachment.objects.create(
                record=draft, file=attachment.file.name, title=attachment.title,
                original_name=attachment.original_name,
                content_type=attachment.content_type, size=attachment.size, sha256=attachment.sha256,
                uploaded_by=attachment.uploaded_by, uploaded_at=attachment.uploaded_at,
                sort_order=attachment.sort_order,
            )
            # R.37: the new version releases the same redacted copy, never the original.
            redaction_carry_over(source=attachment, copy=copy)
        _event(record, actor=actor, role=role, action="amend", from_state=record.state, comment=comment.strip(),
               checklist={"new_version": draft.pk, **(reference or {})})
        _event(draft, actor=actor, role=role, action="create_version", from_state="", comment=comment.strip(),
               checklist={"previous_version": record.pk, **(reference or {})})
        _notify_office(draft, subject=_("已发起变更（第 %(n)d 版）") % {"n": draft.version_number},
                       note=comment.strip(), actor=actor)
        return draft


def _older_versions(record: Record) -> list[Record]:
    """The versions `record` replaced, newest first, locked: what the public still reaches from
    it (each superseded page stays public and links to the current one)."""
    ids, previous_id = [], record.previous_version_id
    while previous_id and previous_id not in ids:
        ids.append(previous_id)
        previous_id = Record.objects.filter(pk=previous_id).values_list("previous_version_id", flat=True).first()
    locked = {r.pk: r for r in Record.objects.select_for_update(of=("self",)).select_related("office")
              .filter(pk__in=ids)}
    return [locked[pk] for pk in ids if pk in locked]


def _end_of_life_one(record: Record, *, action: str, reason: str, today: dt.date,
                     replaced_by: Record | None = None) -> None:
    """Apply a revocation, repeal or expiry to one version and to its catalogue entry. `today`
    is the date it takes effect (the notice's date for a repeal or expiry)."""
    if action == "revoke":
        record.state = S.REVOKED
        for entry_id in CatalogueEntry.objects.filter(record=record).values_list("pk", flat=True):
            search.remove_entry(entry_id)
        CatalogueEntry.objects.filter(record=record).update(is_listed=False)
    else:
        record.validity = Validity.REPEALED if action == "repeal" else Validity.EXPIRED
        CatalogueEntry.objects.filter(record=record).update(validity=record.validity)
    record.validity_changed_on = today
    record.status_note = reason
    if replaced_by is not None:
        record.replaced_by = replaced_by
    record.save()


def _check_end_of_life_details(record: Record, *, effective_on: dt.date | None,
                               replaced_by: Record | None) -> dt.date:
    """The date a repeal or expiry took effect, as the notice says (M.14): never ahead of today
    (the page would call the document repealed before it is), never before it was formed; the
    replacing document is another published one, not a version of this one."""
    today = timezone.localdate()
    if effective_on is None:
        effective_on = today
    elif effective_on > today:
        raise InvalidInput(_("废止或失效日期不能晚于今天；请在该日期当天或之后办理。"))
    elif effective_on < record.date_formed:
        raise InvalidInput(_("废止或失效日期不能早于成文日期（%(date)s）。") % {"date": record.date_formed.isoformat()})
    if replaced_by is not None:
        chain = {record.pk, *(r.pk for r in _older_versions(record)), *record.next_versions.values_list("pk", flat=True)}
        if replaced_by.pk in chain:
            raise InvalidInput(_("替代文件不能是本信息或其版本；新版本请用“变更”。"))
        if not selectors.records_published().filter(pk=replaced_by.pk).exists():
            raise InvalidInput(_("替代文件必须是已发布的政府信息。"))
    return effective_on


def _end_of_life(record: Record, *, actor, action: str, reason: str, expected_state: str | None,
                 kind: str, effective_on: dt.date | None = None, replaced_by: Record | None = None) -> Record:
    """Revoke, repeal or expire information (M.14) — the whole of it as the public sees it: the
    version acted on and every earlier version it replaced, whose pages, catalogue lines and
    search entries would otherwise still show what was withdrawn. One register line."""
    reason = _require_comment(reason, _("必须填写原因。"))
    with transaction.atomic():
        record = _lock(record)
        role = workflow.check(workflow.TRANSITIONS[action], actor, record, expected_state=expected_state)
        from_state = record.state
        today = _check_end_of_life_details(record, effective_on=effective_on, replaced_by=replaced_by)
        _end_of_life_one(record, action=action, reason=reason, today=today, replaced_by=replaced_by)
        line = _register_line(record, kind=kind, actor=actor, note=reason)
        checklist = {"register_number": line.display_number}
        if effective_on:
            checklist["effective_on"] = today.isoformat()
        if replaced_by is not None:
            checklist["replaced_by"] = replaced_by.pk
        _event(record, actor=actor, role=role, action=action, from_state=from_state, comment=reason,
               checklist=checklist)
        if action == "revoke" and from_state in (S.PUBLISHED, S.REGISTERED):
            subscription_services.record_news_schedule(record, SubscriptionEvent.REVOKE)
        for older in _older_versions(record):
            if older.state not in workflow.LIVE_STATES:
                continue
            if action == "repeal" and older.validity == Validity.REPEALED:
                continue
            if action == "expire" and older.validity != Validity.VALID:
                continue
            older_from = older.state
            _end_of_life_one(older, action=action, reason=reason, today=today)
            _event(older, actor=actor, role=role, action=action, from_state=older_from,
                   comment=_("随第 %(n)d 版（%(index)s）一并处理：%(reason)s")
                   % {"n": record.version_number, "index": record.index_number or "—", "reason": reason},
                   checklist={"register_number": line.display_number, "with_version": record.pk})
        _end_interpretations(record, actor=actor, role=role, action=action, reason=reason, today=today, kind=kind)
        note = _("原因：%(reason)s") % {"reason": reason}
        if action == "revoke":
            pending = record.next_versions.filter(state__in=workflow.IN_PROGRESS_STATES)
            if pending.exists():
                note += "\n" + _("正在办理的新版本不能再发布（上一版本已撤销）。")
        subject = {"revoke": _("已撤销"), "repeal": _("已废止"), "expire": _("已标记失效")}[action]
        _notify_office(record, subject=subject, note=note, actor=actor)
        # The interpretations ended with it are shown on the pages of the other policies they explain.
        from disclosure.interpretation_models import Interpretation

        ended = Interpretation.objects.filter(policy_id__in=[record.pk, *(r.pk for r in _older_versions(record))])
        public_content_changed(pages=selectors.record_pages_showing(
            [record.pk, *ended.values_list("interpretation_id", flat=True)]))
        return record


def _end_interpretations(policy: Record, *, actor, role: str, action: str, reason: str, today: dt.date,
                         kind: str) -> None:
    """Issue #19: when a policy is revoked, repealed or expires, its interpretations are marked
    the same way, each with its event and register line (M.12(4), M.14) — unless an interpretation
    also interprets another policy still in force, which it goes on explaining."""
    from disclosure.interpretation_models import Interpretation

    chain = {policy.pk, *(r.pk for r in _older_versions(policy))}
    still_needed = (Interpretation.objects.filter(policy__state__in=workflow.LIVE_STATES,
                                                  policy__validity=Validity.VALID)
                    .exclude(policy_id__in=chain).values("interpretation_id"))
    candidates = (Record.objects.select_for_update(of=("self",)).select_related("office")
                  .filter(pk__in=Record.objects.filter(interprets_links__policy_id__in=chain).values("pk"),
                          state__in=workflow.LIVE_STATES)
                  .exclude(pk__in=still_needed).order_by("pk"))
    what = {"revoke": _("撤销"), "repeal": _("废止"), "expire": _("失效")}[action]
    for interpretation in candidates:
        if action == "repeal" and interpretation.validity == Validity.REPEALED:
            continue
        if action == "expire" and interpretation.validity != Validity.VALID:
            continue
        from_state = interpretation.state
        note = _("所解读的政策文件“%(title)s”已%(what)s，本解读一并%(what)s：%(reason)s") % {
            "title": policy.title, "what": what, "reason": reason}
        _end_of_life_one(interpretation, action=action, reason=note, today=today)
        line = _register_line(interpretation, kind=kind, actor=actor, note=note)
        _event(interpretation, actor=actor, role=role, action=action, from_state=from_state, comment=note,
               checklist={"register_number": line.display_number, "with_policy": policy.pk})


def record_revoke(*, record: Record, actor, reason: str, expected_state: str | None = None) -> Record:
    """撤销: the record leaves the column; its page keeps a notice and the reason (M.14)."""
    return _end_of_life(record, actor=actor, action="revoke", reason=reason, expected_state=expected_state,
                        kind=RegisterKind.REVOCATION)


def record_repeal(*, record: Record, actor, reason: str, expected_state: str | None = None,
                  repealed_on: dt.date | None = None, replaced_by: Record | None = None) -> Record:
    """废止 (terminated): stays public, marked as no longer in force from `repealed_on` (the
    date the repealing notice gives; today by default), linking the document that replaced it."""
    return _end_of_life(record, actor=actor, action="repeal", reason=reason, expected_state=expected_state,
                        kind=RegisterKind.REPEAL, effective_on=repealed_on, replaced_by=replaced_by)


def record_expire(*, record: Record, actor, reason: str, expected_state: str | None = None,
                  expired_on: dt.date | None = None) -> Record:
    """失效: stays public, marked as expired from `expired_on` (today by default)."""
    return _end_of_life(record, actor=actor, action="expire", reason=reason, expected_state=expected_state,
                        kind=RegisterKind.EXPIRY, effective_on=expired_on)


# --- Changes reported by the office (M.14) -------------------------------------------------


def record_request_change(*, record: Record, actor, kind: str, reason: str,
                          expected_state: str | None = None) -> ChangeRequest:
    """The office that produced published information reports that it is to be changed, revoked
    or terminated (M.14: 公开事项如变更、撤销或终止，要及时报……领导小组办公室处理). The request
    waits on the disclosure office's work list; one at a time per record."""
    if kind not in ChangeRequestKind.values:
        raise InvalidInput(_("请选择报请事项：变更、撤销、废止或失效。"))
    reason = _require_comment(reason, _("请填写报请的理由。"))
    with transaction.atomic():
        record = _lock(record)
        role = workflow.check(workflow.TRANSITIONS[workflow.A.REQUEST_CHANGE], actor, record, expected_state=expected_state)
        _check_change_possible(record, kind)
        try:
            with transaction.atomic():
                change = ChangeRequest.objects.create(record=record, kind=kind, reason=reason, requested_by=actor)
        except IntegrityError:
            raise StateConflict(_("该信息已有待处理的报请，请等待政府信息公开工作领导小组办公室处理。")) from None
        _event(record, actor=actor, role=role, action=EventAction.REQUEST_CHANGE, from_state=record.state,
               comment=reason, checklist={"change_request": change.pk, "kind": kind})
        _mail(record, users=users_acting_as(Role.DISCLOSURE_OFFICE),
              subject=_("处室报请%(kind)s") % {"kind": change.get_kind_display()},
              note=_("理由：%(reason)s") % {"reason": reason})
        return change


def _check_change_possible(record: Record, kind: str) -> None:
    if kind == ChangeRequestKind.AMEND and record.next_versions.filter(state__in=workflow.IN_PROGRESS_STATES).exists():
        raise StateConflict(_("该信息已有正在办理的新版本。"))
    if kind == ChangeRequestKind.REPEAL and record.validity == Validity.REPEALED:
        raise StateConflict(_("该信息已废止。"))
    if kind == ChangeRequestKind.EXPIRE and record.validity != Validity.VALID:
        raise StateConflict(_("只有有效的信息才能标记失效。"))


def change_request_decide(*, record: Record, actor, accept: bool, note: str = "",
                          expected_state: str | None = None) -> Record:
    """The disclosure office handles the office's pending request on `record` (M.14): granting
    it carries it out through the ordinary service (a new version drafted by the requesting
    office, or the revocation, repeal or expiry with its register line); declining needs a
    reason. Either way the request, the record's events and the office are told. Returns the
    record the back office shows next (the new version, for a change)."""
    if not isinstance(accept, bool):
        raise InvalidInput(_("请选择同意或不同意。"))
    note = (note or "").strip()
    if not accept and not note:
        raise InvalidInput(_("不同意处室报请的，须写明理由。"))
    with transaction.atomic():
        locked = _lock(record)
        role = workflow.check(workflow.TRANSITIONS[workflow.A.HANDLE_CHANGE_REQUEST], actor, locked,
                              expected_state=expected_state)
        change = ChangeRequest.objects.select_for_update().get(record=locked, status=ChangeRequestStatus.PENDING)
        reference = {"change_request": change.pk, "kind": change.kind}
        label = change.get_kind_display()
        result = locked
        if accept:
            _check_change_possible(locked, change.kind)
            _event(locked, actor=actor, role=role, action=EventAction.ACCEPT_CHANGE_REQUEST, from_state=locked.state,
                   comment=note, checklist=reference)
            reason = change.reason + (f"\n{note}" if note else "")
            if change.kind == ChangeRequestKind.AMEND:
                drafter = change.requested_by if can_act_for_office(change.requested_by, Role.DRAFTER,
                                                                     locked.office_id) else None
                result = _amend(record=locked, actor=actor, comment=reason, expected_state=None,
                                transition="handle_change_request", created_by=drafter, reference=reference)
                change.new_version = result
            else:
                service = {ChangeRequestKind.REVOKE: record_revoke, ChangeRequestKind.REPEAL: record_repeal,
                           ChangeRequestKind.EXPIRE: record_expire}[change.kind]
                result = service(record=locked, actor=actor, reason=reason)
            change.status = ChangeRequestStatus.ACCEPTED
        else:
            _event(locked, actor=actor, role=role, action=EventAction.DECLINE_CHANGE_REQUEST,
                   from_state=locked.state, comment=note, checklist=reference)
            change.status = ChangeRequestStatus.DECLINED
            _notify_office(locked, subject=_("报请%(kind)s未获同意") % {"kind": label},
                           note=_("理由：%(note)s") % {"note": note}, actor=actor)
        change.decided_by, change.decided_at, change.decision_note = actor, timezone.now(), note
        change.save()
        return result


def records_recompute_due_dates(*, since: dt.date) -> int:
    """After a calendar change: recompute the due dates that could depend on it."""
    count = 0
    window_start = since - dt.timedelta(days=60)
    # A period set by law (M.11, second sentence) may run up to 366 working days.
    long_period_start = since - dt.timedelta(days=600)
    affected = Q(date_formed__gte=window_start) | Q(due_period_days__isnull=False, date_formed__gte=long_period_start)
    for record in Record.objects.filter(affected, due_date_by_law__isnull=True).only(
            "pk", "date_formed", "due_date", "due_date_provisional", "due_period_days", "due_date_by_law"):
        before = (record.due_date, record.due_date_provisional)
        record_refresh_due_date(record)
        if (record.due_date, record.due_date_provisional) != before:
            Record.objects.filter(pk=record.pk).update(due_date=record.due_date,
                                                        due_date_provisional=record.due_date_provisional)
            count += 1
    return count

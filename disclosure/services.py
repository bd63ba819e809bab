"""Writes on government information. Every state change is one function here: it locks the
row, asks `workflow.check`, writes a `WorkflowEvent` and saves (STYLE.md, conventions 2 and 3).
Admin views, public views, commands and tests call these functions and nothing else."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosure import search, workflow
from disclosure.files import check_upload
from disclosure.models import (
    Attachment,
    CatalogueEntry,
    Channel,
    DisclosureAttribute,
    Record,
    RecordState,
    RegisterKind,
    ReleaseRegisterLine,
    Validity,
    WithholdingGround,
    WorkflowEvent,
)
from portal.errors import ActionRefused, InvalidInput, StateConflict
from portal.hooks import hooks
from portal.models import Role, SiteProfile
from portal.notify import absolute_url, notify_on_commit
from portal.pagecache import public_content_changed
from portal.selectors import can_act_for_office, users_acting_as
from portal.services import sequence_next
from portal.workdays import add_workdays

S = RecordState
DUE_WORKING_DAYS = 20  # M.11, R.26


# --- Drafting ------------------------------------------------------------------------------


def record_refresh_due_date(record: Record) -> None:
    """Due 20 working days after the information was formed or changed (M.11, R.26)."""
    result = add_workdays(record.date_formed, DUE_WORKING_DAYS)
    record.due_date, record.due_date_provisional = result.date, result.provisional


def _require_drafter(actor, office_id: int) -> None:
    if not (actor.has_perm("disclosure.add_record") or actor.has_perm("disclosure.change_record")) or not (
        can_act_for_office(actor, Role.DRAFTER, office_id)
    ):
        raise ActionRefused(_("只有本处室信息员可以起草和修改本处室的信息。"))


def record_save_draft(*, record: Record, actor) -> Record:
    """Create or update a draft. Only the office's info officer, only while it is a draft."""
    with transaction.atomic():
        if record.pk:
            stored = Record.objects.select_for_update().get(pk=record.pk)
            if stored.state != S.DRAFT:
                raise StateConflict(_("只有草稿可以修改；该信息当前处于“%(state)s”。") % {"state": stored.get_state_display()})
            _require_drafter(actor, stored.office_id)
            # Fields the drafter does not own are taken from the stored row, never from the form.
            for field in ("state", "index_number", "published_at", "previous_version_id", "superseded_by_id",
                          "version_number", "created_by_id", "validity", "withholding_ground"):
                setattr(record, field, getattr(stored, field))
        else:
            record.created_by = actor
            record.state = S.DRAFT
        _require_drafter(actor, record.office_id)
        if record.attribute == DisclosureAttribute.NOT_DISCLOSED:
            raise InvalidInput(_("草稿的公开属性只能是主动公开或依申请公开；不予公开由审核人决定。"))
        record.body = Record._meta.get_field("body").sanitize(record.body or "")
        record_refresh_due_date(record)
        try:
            record.full_clean()
        except ValidationError as error:
            raise InvalidInput("；".join(error.messages)) from None
        record.save()
        return record


def attachment_add(*, record: Record, actor, upload, sort_order: int = 0) -> Attachment:
    """Attach a checked file to a draft (type from content, size limit, generated name)."""
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        if record.state != S.DRAFT:
            raise StateConflict(_("只有草稿可以增删附件。"))
        _require_drafter(actor, record.office_id)
        try:
            mime = check_upload(upload)
        except ValidationError as error:
            raise InvalidInput(error.messages[0]) from None
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        attachment = Attachment(
            record=record,
            original_name=upload.name.rsplit("/", 1)[-1][:255],
            content_type=mime,
            size=upload.size,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
            sort_order=sort_order,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        return attachment


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


def _notify_next(record: Record, *, subject: str) -> None:
    """Tell the people who act at the record's new step (M.17: a smooth channel between offices)."""
    users = []
    for role in workflow.step_roles(record.state):
        users.extend(users_acting_as(role, record.office))
    if record.state == S.DRAFT:
        users.append(record.created_by)
    link = absolute_url(reverse("admin:disclosure_record_change", args=[record.pk]))
    notify_on_commit(
        users=users,
        subject=f"[{SiteProfile.current().name}] {subject}：{record.title}",
        body=f"{subject}：{record.title}\n{_('处室')}：{record.office}\n{_('状态')}：{record.get_state_display()}\n{link}\n",
    )


def _move(record: Record, *, actor, role: str, action: str, to_state: str, comment: str = "",
          checklist: dict | None = None, subject: str = "") -> Record:
    from_state = record.state
    record.state = to_state
    record.save()
    _event(record, actor=actor, role=role, action=action, from_state=from_state, comment=comment, checklist=checklist)
    if subject:
        _notify_next(record, subject=subject)
    return record


def _require_comment(comment: str, message: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput(message)
    return comment


def _run_submission_guards(record: Record) -> None:
    """Apps that generate records (the annual report) may refuse one that no longer matches what
    they generated; each guard raises a DomainError with the reason (`record_submission_guard`)."""
    for guard in hooks("record_submission_guard"):
        guard(record)


def record_submit(*, record: Record, actor, comment: str = "", expected_state: str | None = None) -> Record:
    with transaction.atomic():
        record = _lock(record)
        role = workflow.check(workflow.TRANSITIONS["submit"], actor, record, expected_state=expected_state)
        if not (record.body.strip() or record.attachments.exists()):
            raise InvalidInput(_("正文和附件不能都为空。"))
        _run_submission_guards(record)
        return _move(record, actor=actor, role=role, action="submit", to_state=S.DIVISION_REVIEW,
                     comment=comment.strip(), subject=_("待处室负责人审核"))


def confidentiality_checklist(*, no_state_secret: bool, no_commercial_secret: bool, no_personal_privacy: bool,
                              redacted_parts: str = "", redaction_grounds: Iterable[str] = ()) -> dict:
    """The confidentiality check of M.6 and M.12(1)-(2) as stored in the event.

    Each of the three must be confirmed, or the parts withheld and their grounds named: the
    body then holds only what can be disclosed (M.6, last paragraph: separable parts)."""
    grounds = sorted(set(redaction_grounds))
    unknown = set(grounds) - set(WithholdingGround.values)
    if unknown:
        raise InvalidInput(_("未知的不予公开依据：%(grounds)s") % {"grounds": "、".join(unknown)})
    all_clear = no_state_secret and no_commercial_secret and no_personal_privacy
    redacted_parts = (redacted_parts or "").strip()
    if not all_clear and not (redacted_parts and grounds):
        raise InvalidInput(
            _("保密审查未全部确认：请说明删去（不予公开）的部分及其依据；整体不能公开的，请选择“不予公开”。")
        )
    if (redacted_parts or grounds) and not (redacted_parts and grounds):
        raise InvalidInput(_("区分处理时，删去的部分和依据必须同时填写。"))
    return {
        "no_state_secret": bool(no_state_secret),
        "no_commercial_secret": bool(no_commercial_secret),
        "no_personal_privacy": bool(no_personal_privacy),
        "redacted_parts": redacted_parts,
        "redaction_grounds": grounds,
    }


def _apply_checklist(record: Record, checklist: dict) -> None:
    if checklist["redacted_parts"]:
        record.redacted_parts = checklist["redacted_parts"]
        record.redaction_grounds = checklist["redaction_grounds"]


def record_approve_division(*, record: Record, actor, checklist: dict, comment: str = "",
                            expected_state: str | None = None) -> Record:
    """The division head approves, having checked confidentiality (M.12(1))."""
    with transaction.atomic():
        record = _lock(record)
        role = workflow.check(workflow.TRANSITIONS["approve_division"], actor, record, expected_state=expected_state)
        _apply_checklist(record, checklist)
        return _move(record, actor=actor, role=role, action="approve_division", to_state=S.CONFIDENTIALITY_REVIEW,
                     comment=comment.strip(), checklist=checklist, subject=_("待保密审查"))


def record_approve_confidentiality(*, record: Record, actor, checklist: dict, comment: str = "",
                                   expected_state: str | None = None) -> Record:
    """The leading group's office reviews confidentiality for the whole agency (M.12(2))."""
    with transaction.atomic():
        record = _lock(record)
        role = workflow.check(
            workflow.TRANSITIONS["approve_confidentiality"], actor, record, expected_state=expected_state
        )
        to_state = workflow.next_state_after_confidentiality(record)
        if to_state == S.LEADER_SIGNOFF and not record.office.supervising_leaders.filter(is_active=True).exists():
            raise InvalidInput(
                _("“%(office)s”尚未设置主管厅领导，重要信息无法送签。请先在“处室”中设置。") % {"office": record.office}
            )
        _apply_checklist(record, checklist)
        subject = _("待厅领导签发") if to_state == S.LEADER_SIGNOFF else _("待发布")
        return _move(record, actor=actor, role=role, action="approve_confidentiality", to_state=to_state,
                     comment=comment.strip(), checklist=checklist, subject=subject)


def record_sign_off(*, record: Record, actor, comment: str = "", expected_state: str | None = None) -> Record:
    """The supervising leader signs important information off (M.12(2))."""
    with transaction.atomic():
        record = _lock(record)
        role = workflow.check(workflow.TRANSITIONS["sign_off"], actor, record, expected_state=expected_state)
        return _move(record, actor=actor, role=role, action="sign_off", to_state=S.READY,
                     comment=comment.strip(), subject=_("待发布"))


def next_index_number(*, at: dt.datetime) -> str:
    """Assign an index number (索引号): never reused, unique even under concurrent publication."""
    profile = SiteProfile.current()
    if not profile.pk or not profile.uscc:
        raise InvalidInput(_("请先在“机关信息”中填写统一社会信用代码，才能生成索引号。"))
    year = timezone.localtime(at).year
    return profile.format_index_number(year=year, seq=sequence_next(name="index_number", year=year))


def record_publish(*, record: Record, actor, channels: Iterable[str], at: dt.datetime | None = None,
                   comment: str = "", expected_state: str | None = None) -> Record:
    """The info center publishes (M.12(3)): index number, catalogue entry, and the previous
    version, if any, is replaced from this moment on (M.14)."""
    channels = [c for c in Channel.values if c in set(channels)]
    if not channels:
        raise InvalidInput(_("请至少选择一个公开渠道。"))
    now = timezone.now()
    if at is not None and at < now - dt.timedelta(minutes=5):
        raise InvalidInput(_("定时发布时间不能早于现在。"))
    at = max(at or now, now)
    with transaction.atomic():
        record = _lock(record)
        role = workflow.check(workflow.TRANSITIONS["publish"], actor, record, expected_state=expected_state)
        _run_submission_guards(record)
        record.channels = channels
        record.published_at = at
        record.index_number = next_index_number(at=at)
        _move(record, actor=actor, role=role, action="publish", to_state=S.PUBLISHED, comment=comment.strip(),
              checklist={"channels": channels, "published_at": at.isoformat()}, subject=_("待登记"))
        entry = CatalogueEntry.objects.create(
            record=record, index_number=record.index_number, title=record.title, summary=record.summary,
            office=record.office, category=record.category, date_formed=record.date_formed,
            published_at=at, attribute=record.attribute, validity=record.validity,
        )
        search.index_entry(entry)
        if record.previous_version_id:
            _supersede(record.previous_version_id, by=record, actor=actor, role=role)
        public_content_changed()
        return record


def _supersede(previous_id: int, *, by: Record, actor, role: str) -> None:
    """The previous version stays listed until the new one takes effect (M.14), which may be a
    scheduled time in the future; its search document goes with its catalogue entry."""
    previous = Record.objects.select_for_update().get(pk=previous_id)
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
        role = workflow.check(workflow.TRANSITIONS["register"], actor, record, expected_state=expected_state)
        kind = RegisterKind.AMENDMENT if record.previous_version_id else RegisterKind.RELEASE
        line = _register_line(record, kind=kind, actor=actor, note=comment.strip())
        return _move(record, actor=actor, role=role, action="register", to_state=S.REGISTERED,
                     comment=comment.strip(), checklist={"register_number": line.display_number})


def record_return(*, record: Record, actor, comment: str, expected_state: str | None = None) -> Record:
    """Any review step sends the draft back with a reason."""
    comment = _require_comment(comment, _("退回时必须填写修改意见。"))
    with transaction.atomic():
        record = _lock(record)
        role = workflow.check(workflow.TRANSITIONS["return_to_draft"], actor, record, expected_state=expected_state)
        return _move(record, actor=actor, role=role, action="return_to_draft", to_state=S.DRAFT,
                     comment=comment, subject=_("已退回修改"))


def record_withhold(*, record: Record, actor, ground: str, comment: str = "",
                    expected_state: str | None = None) -> Record:
    """A reviewer decides the information is not to be disclosed, on a ground of M.6 / R.14–R.16."""
    if ground not in WithholdingGround.values:
        raise InvalidInput(_("请选择不予公开的依据。"))
    with transaction.atomic():
        record = _lock(record)
        role = workflow.check(workflow.TRANSITIONS["withhold"], actor, record, expected_state=expected_state)
        record.attribute = DisclosureAttribute.NOT_DISCLOSED
        record.withholding_ground = ground
        _move(record, actor=actor, role=role, action="withhold", to_state=S.WITHHELD, comment=comment.strip(),
              checklist={"ground": ground})
        notify_on_commit(
            users=[record.created_by],
            subject=_("不予公开：%(title)s") % {"title": record.title},
            body=_("依据：%(ground)s\n%(comment)s") % {"ground": WithholdingGround(ground).label, "comment": comment},
        )
        return record


# --- After publication (M.14) --------------------------------------------------------------


def record_amend(*, record: Record, actor, comment: str = "", expected_state: str | None = None) -> Record:
    """Start a new version of published information. It runs the whole workflow; the published
    version stays public until the new one is published."""
    with transaction.atomic():
        record = _lock(record)
        role = workflow.check(workflow.TRANSITIONS["amend"], actor, record, expected_state=expected_state)
        draft = Record(
            title=record.title, summary=record.summary, body=record.body, office=record.office,
            category=record.category, document_number=record.document_number,
            document_type=record.document_type, date_formed=timezone.localdate(), attribute=record.attribute,
            channels=record.channels, is_important=record.is_important, version_number=record.version_number + 1,
            previous_version=record, created_by=actor, state=S.DRAFT,
        )
        if draft.attribute == DisclosureAttribute.NOT_DISCLOSED:
            draft.attribute = DisclosureAttribute.PROACTIVE
        record_refresh_due_date(draft)
        draft.save()
        for attachment in record.attachments.all():
            Attachment.objects.create(
                record=draft, file=attachment.file.name, original_name=attachment.original_name,
                content_type=attachment.content_type, size=attachment.size, sha256=attachment.sha256,
                uploaded_by=attachment.uploaded_by, uploaded_at=attachment.uploaded_at,
                sort_order=attachment.sort_order,
            )
        _event(record, actor=actor, role=role, action="amend", from_state=record.state, comment=comment.strip(),
               checklist={"new_version": draft.pk})
        _event(draft, actor=actor, role=role, action="create_version", from_state="", comment=comment.strip(),
               checklist={"previous_version": record.pk})
        return draft


def _end_of_life(record: Record, *, actor, action: str, reason: str, expected_state: str | None,
                 kind: str) -> Record:
    reason = _require_comment(reason, _("必须填写原因。"))
    with transaction.atomic():
        record = _lock(record)
        role = workflow.check(workflow.TRANSITIONS[action], actor, record, expected_state=expected_state)
        from_state = record.state
        today = timezone.localdate()
        if action == "revoke":
            record.state = S.REVOKED
            for entry in CatalogueEntry.objects.filter(record=record):
                search.remove_entry(entry.pk)
            CatalogueEntry.objects.filter(record=record).update(is_listed=False)
        else:
            record.validity = Validity.REPEALED if action == "repeal" else Validity.EXPIRED
            CatalogueEntry.objects.filter(record=record).update(validity=record.validity)
        record.validity_changed_on = today
        record.status_note = reason
        record.save()
        line = _register_line(record, kind=kind, actor=actor, note=reason)
        _event(record, actor=actor, role=role, action=action, from_state=from_state, comment=reason,
               checklist={"register_number": line.display_number})
        public_content_changed()
        return record


def record_revoke(*, record: Record, actor, reason: str, expected_state: str | None = None) -> Record:
    """撤销: the record leaves the column; its page keeps a notice and the reason (M.14)."""
    return _end_of_life(record, actor=actor, action="revoke", reason=reason, expected_state=expected_state,
                        kind=RegisterKind.REVOCATION)


def record_repeal(*, record: Record, actor, reason: str, expected_state: str | None = None) -> Record:
    """废止 (terminated): stays public, marked as no longer in force."""
    return _end_of_life(record, actor=actor, action="repeal", reason=reason, expected_state=expected_state,
                        kind=RegisterKind.REPEAL)


def record_expire(*, record: Record, actor, reason: str, expected_state: str | None = None) -> Record:
    """失效: stays public, marked as expired."""
    return _end_of_life(record, actor=actor, action="expire", reason=reason, expected_state=expected_state,
                        kind=RegisterKind.EXPIRY)


def records_recompute_due_dates(*, since: dt.date) -> int:
    """After a calendar change: recompute the due dates that could depend on it."""
    count = 0
    window_start = since - dt.timedelta(days=60)
    for record in Record.objects.filter(date_formed__gte=window_start).only("pk", "date_formed", "due_date",
                                                                           "due_date_provisional"):
        before = (record.due_date, record.due_date_provisional)
        record_refresh_due_date(record)
        if (record.due_date, record.due_date_provisional) != before:
            Record.objects.filter(pk=record.pk).update(due_date=record.due_date,
                                                        due_date_provisional=record.due_date_provisional)
            count += 1
    return count

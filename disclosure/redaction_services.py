"""Writes and reads around released copies of files (R.37; M.6 second paragraph).

A kind of stored file becomes redactable by declaring a `RedactionSource` (AppConfig attribute
`redaction_source`, read through portal.hooks): who may redact it and while what holds, who may
see it, and where it is shown. Record attachments are declared here; files provided to an
applicant in `applications.redaction`.

`redaction_request` checks the file and the boxes at once (a clear message for an encrypted,
broken or too long file) and queues the job; `redaction_run` does the work in the background
(portal.jobs), recording its progress page by page; the released copy is stored only after it
passed every check of disclosure.redaction, so there is never a half-written file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosure.models import Attachment, Record, RecordState, WithholdingGround
from disclosure.redaction import Box, RedactionError, inspect_pdf, redact_pdf
from disclosure.redaction_models import FileRedaction, RedactionState
from portal.errors import ActionRefused, InvalidInput, StateConflict
from portal.hooks import hooks
from portal.jobs import run_later
from portal.models import Role
from portal.selectors import can_act_for_office
from portal.uploads import files_removed_unless_committed

logger = logging.getLogger(__name__)
R = RedactionState
STALE_AFTER = dt.timedelta(minutes=10)


def max_pages() -> int:
    return getattr(settings, "REDACTION_MAX_PAGES", 500)


def dpi() -> int:
    return getattr(settings, "REDACTION_DPI", 150)


# --- Sources --------------------------------------------------------------------------------------


class RedactionSource:
    """How one kind of stored file (with file, original_name, content_type, sha256) is redacted."""

    model: type

    def lock(self, item):
        """Lock what the file belongs to (so that a state change and a redaction serialise)."""
        raise NotImplementedError

    def check(self, item, actor) -> None:
        """Raise ActionRefused or StateConflict unless `actor` may redact `item` now."""
        raise NotImplementedError

    def visible(self, user) -> QuerySet:
        """The items `user` may see (and so compare, original beside redacted)."""
        raise NotImplementedError

    def owner_url(self, item) -> str:
        raise NotImplementedError

    def owner_label(self, item) -> str:
        raise NotImplementedError


class AttachmentSource(RedactionSource):
    """A record's attachment, prepared by the office's info officer while the record is a draft
    (like adding or removing attachments); the reviewers of the chain see the result."""

    model = Attachment

    def lock(self, item):
        return Record.objects.select_for_update(of=("self",)).get(pk=item.record_id)

    def check(self, item, actor) -> None:
        record = item.record
        if not can_act_for_office(actor, Role.DRAFTER, record.office_id):
            raise ActionRefused(_("只有本处室信息员可以对本处室信息的附件做遮盖处理。"))
        if record.state != RecordState.DRAFT:
            raise StateConflict(_("只有草稿的附件可以做遮盖处理；已提交的信息请先退回修改。"))

    def visible(self, user) -> QuerySet:
        from disclosure.selectors import records_for_staff

        return Attachment.objects.filter(record__in=records_for_staff(user))

    def owner_url(self, item) -> str:
        return reverse("admin:disclosure_record_change", args=[item.record_id])

    def owner_label(self, item) -> str:
        return str(item.record)


def sources() -> dict[type, RedactionSource]:
    return {source.model: source for source in (cls() for cls in hooks("redaction_source"))}


def source_for(item) -> RedactionSource:
    source = sources().get(type(item))
    if source is None:
        raise InvalidInput(_("该文件不能做遮盖处理。"))
    return source


def find_source_item(*, content_type_id: int, object_id: int, user):
    """The stored file named in a URL, if `user` may see it; else None."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        return None
    source = sources().get(model)
    if source is None:
        return None
    return source.visible(user).filter(pk=object_id).first()


def is_pdf(item) -> bool:
    return item.content_type == "application/pdf" or PurePath(item.original_name or "").suffix.lower() == ".pdf"


# --- Reads ----------------------------------------------------------------------------------------


def redactions_of(item) -> QuerySet[FileRedaction]:
    return FileRedaction.objects.filter(source_type=ContentType.objects.get_for_model(item), source_id=item.pk)


def current_redaction(item) -> FileRedaction | None:
    """The redaction that decides what is released: the latest one not withdrawn."""
    return redactions_of(item).exclude(state=R.WITHDRAWN).order_by("-created_at", "-pk").first()


def released_file(item):
    """What the public or the applicant downloads for `item`: the redacted copy when there is one,
    the original when there is none (or it was withdrawn), nothing while a redaction is unfinished
    (the guards keep that from being published; this keeps it from leaking if it ever were)."""
    current = current_redaction(item)
    if current is None:
        return item
    if current.state == R.DONE and current.source_sha256 == item.sha256:
        return current
    return None


def unfinished(items) -> list[str]:
    """Why `items` cannot be released yet (a redaction queued, running or failed), for a person."""
    problems = []
    for item in items:
        current = current_redaction(item)
        if current is None or current.state == R.DONE:
            continue
        if current.state in (R.PENDING, R.RUNNING):
            problems.append(_("文件《%(name)s》的遮盖处理尚未完成。") % {"name": item.original_name})
        else:
            problems.append(_("文件《%(name)s》的遮盖处理未成功：请重新处理，或撤回遮盖。") % {"name": item.original_name})
    return problems


def summary_line(redaction: FileRedaction) -> str:
    """“第 1 页 2 处（涉及个人隐私）” — what was withheld, for the checklist's 删去的部分."""
    pages: dict[int, int] = {}
    for box in redaction.boxes:
        pages[int(box["page"])] = pages.get(int(box["page"]), 0) + 1
    where = "，".join(_("第 %(page)d 页 %(n)d 处") % {"page": p, "n": n} for p, n in sorted(pages.items()))
    grounds = "、".join(str(WithholdingGround(g).label) for g in redaction.grounds if g in WithholdingGround.values)
    return _("附件《%(name)s》遮盖：%(where)s（%(grounds)s）") % {"name": redaction.source_name, "where": where,
                                                           "grounds": grounds}


# --- Writes ---------------------------------------------------------------------------------------


def _read(item) -> bytes:
    with item.file.open("rb") as handle:
        return handle.read()


def _clean_boxes(raw) -> list[dict]:
    if not isinstance(raw, list):
        raise InvalidInput(_("遮盖框的格式无效。"))
    boxes = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise InvalidInput(_("遮盖框的格式无效。"))
        try:
            box = Box.from_dict(entry)
        except RedactionError as error:
            raise InvalidInput(str(error)) from None
        if box.ground not in WithholdingGround.values:
            raise InvalidInput(_("请为每个遮盖框选择不予公开的依据（第 %(page)d 页）。") % {"page": box.page})
        boxes.append(box.as_dict())
    if not boxes:
        raise InvalidInput(_("请至少画一个遮盖框。"))
    return boxes


def redaction_request(*, item, actor, boxes: list[dict]) -> FileRedaction:
    """Queue a redaction of `item` with `boxes` (each with its ground, R.14–R.16, M.6). The file
    is opened at once, so that an encrypted, broken or too long file is refused with a message
    before anything is queued; the job runs after the commit."""
    source = source_for(item)
    boxes = _clean_boxes(boxes)
    if not is_pdf(item):
        raise InvalidInput(_("只有PDF文件可以做遮盖处理。其他格式请转换为PDF后上传，或删除文件中的相应内容。"))
    try:
        data = _read(item)
    except (FileNotFoundError, OSError):
        raise InvalidInput(_("找不到该文件的存储内容。")) from None
    try:
        facts = inspect_pdf(data, max_pages=max_pages())
    except RedactionError as error:
        raise InvalidInput(str(error)) from None
    if any(box["page"] > facts.pages for box in boxes):
        raise InvalidInput(_("遮盖框所在的页不存在。"))
    with transaction.atomic():
        source.lock(item)
        item = type(item).objects.get(pk=item.pk)
        source.check(item, actor)
        redaction = FileRedaction.objects.create(
            source_type=ContentType.objects.get_for_model(item), source_id=item.pk, source_sha256=item.sha256,
            source_name=item.original_name, boxes=boxes, pages_total=facts.pages, created_by=actor,
            original_name=_redacted_name(item.original_name),
        )
        run_later("disclosure.redaction_services.redaction_run", redaction.pk)
    logger.info("redaction %s of %s %s queued (user %s)", redaction.pk, type(item).__name__, item.pk, actor.pk)
    return redaction


def _redacted_name(name: str) -> str:
    path = PurePath(name or "file.pdf")
    return f"{path.stem}（公开版）.pdf"[:255]


def _claim(redaction_id: int) -> FileRedaction | None:
    with transaction.atomic():
        redaction = FileRedaction.objects.select_for_update().filter(pk=redaction_id).first()
        if redaction is None or redaction.state != R.PENDING:
            return None  # done, taken by another server, or withdrawn meanwhile
        now = timezone.now()
        redaction.state, redaction.started_at, redaction.heartbeat_at = R.RUNNING, now, now
        redaction.save(update_fields=["state", "started_at", "heartbeat_at"])
        return redaction


def _fail(redaction: FileRedaction, message: str) -> None:
    with transaction.atomic():
        locked = FileRedaction.objects.select_for_update().get(pk=redaction.pk)
        if locked.state != R.RUNNING:
            return
        locked.state, locked.message, locked.finished_at = R.FAILED, message, timezone.now()
        locked.save(update_fields=["state", "message", "finished_at"])


def redaction_run(redaction_id: int) -> None:
    """The job: render the boxed pages, build and verify the released copy, store it. Never
    raises: an outcome that is not a file is a message on the row."""
    redaction = _claim(redaction_id)
    if redaction is None:
        return
    item = redaction.source
    try:
        if item is None or item.sha256 != redaction.source_sha256:
            raise RedactionError(_("原文件已更换，请重新做遮盖处理。"))
        data = _read(item)

        def progress(done: int, total: int) -> None:
            FileRedaction.objects.filter(pk=redaction.pk).update(pages_done=done, pages_total=total,
                                                                 heartbeat_at=timezone.now())

        result = redact_pdf(data, redaction.boxes, dpi=dpi(), max_pages=max_pages(), progress=progress)
    except RedactionError as error:
        _fail(redaction, str(error))
        return
    except Exception:
        logger.exception("redaction %s failed", redaction.pk)
        _fail(redaction, _("处理时发生错误，未生成公开文件。请稍后重试；如仍不成功，请联系信息中心。"))
        return
    with files_removed_unless_committed() as saved, transaction.atomic():
        locked = FileRedaction.objects.select_for_update().get(pk=redaction.pk)
        if locked.state != R.RUNNING:
            return  # withdrawn while it ran: nothing is stored
        locked.file.save("redacted.pdf", ContentFile(result.pdf), save=False)
        saved(locked.file)
        locked.size, locked.sha256 = len(result.pdf), hashlib.sha256(result.pdf).hexdigest()
        locked.report, locked.state, locked.finished_at = result.report, R.DONE, timezone.now()
        locked.pages_done = locked.pages_total
        locked.message = ""
        locked.save()
    logger.info("redaction %s done: %d pages rasterised", redaction.pk, len(result.rasterised))


def redaction_withdraw(*, redaction: FileRedaction, actor) -> FileRedaction:
    """Take a redaction back (the file is then released as it is, or redacted anew)."""
    with transaction.atomic():
        locked = FileRedaction.objects.select_for_update().get(pk=redaction.pk)
        item = locked.source
        if item is None:
            raise StateConflict(_("原文件已不存在。"))
        source = source_for(item)
        source.lock(item)
        source.check(type(item).objects.get(pk=item.pk), actor)
        if locked.state == R.WITHDRAWN:
            raise StateConflict(_("该遮盖已撤回。"))
        locked.state, locked.withdrawn_by, locked.finished_at = R.WITHDRAWN, actor, timezone.now()
        locked.save()
        return locked


def redaction_carry_over(*, source, copy) -> FileRedaction | None:
    """A new version of a record copies its attachments (M.14): the copy releases the same
    redacted file as the original attachment did (same file, boxes, grounds and checks)."""
    current = current_redaction(source)
    if current is None:
        return None
    fields = {f.name: getattr(current, f.name) for f in FileRedaction._meta.concrete_fields
              if f.name not in ("id", "source_type", "source_id")}
    fields["file"] = current.file.name
    return FileRedaction.objects.create(**fields, source_type=ContentType.objects.get_for_model(copy),
                                        source_id=copy.pk)


def redactions_recover(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Jobs that died with their process: a running one with no progress for STALE_AFTER is
    failed with a message; a queued one that never started is run now. Returns (failed, run)."""
    now = now or timezone.now()
    failed = 0
    for redaction in FileRedaction.objects.filter(state=R.RUNNING, heartbeat_at__lt=now - STALE_AFTER):
        _fail(redaction, _("处理中断（服务器重启或超时），未生成公开文件。请重新提交遮盖。"))
        failed += 1
    queued = list(FileRedaction.objects.filter(state=R.PENDING, created_at__lt=now - dt.timedelta(minutes=2))
                  .values_list("pk", flat=True))
    for pk in queued:
        redaction_run(pk)
    return failed, len(queued)

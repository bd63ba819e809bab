"""Attachment checks: the type comes from the content, never from the name alone.

Accepted (issue #3): PDF, OFD, Word (DOC/DOCX), Excel (XLS/XLSX), WPS/ET, PNG, JPEG, GIF.
A file whose content does not match its extension is refused: a renamed executable or script
must not reach the public column.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of DOC, XLS, WPS, ET

# extension -> (content kind the bytes must show, MIME type to store and serve)
ALLOWED = {
    ".pdf": ("pdf", "application/pdf"),
    ".ofd": ("ofd", "application/ofd"),
    ".doc": ("ole2", "application/msword"),
    ".xls": ("ole2", "application/vnd.ms-excel"),
    ".wps": ("ole2", "application/vnd.ms-works"),
    ".et": ("ole2", "application/vnd.ms-excel"),
    ".docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".png": ("png", "image/png"),
    ".jpg": ("jpeg", "image/jpeg"),
    ".jpeg": ("jpeg", "image/jpeg"),
    ".gif": ("gif", "image/gif"),
}
ALLOWED_EXTENSIONS = ", ".join(sorted(ext.lstrip(".").upper() for ext in ALLOWED))


def _zip_kind(upload) -> str | None:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "OFD.xml" in names:
        return "ofd"
    if "[Content_Types].xml" in names:
        if any(name.startswith("word/") for name in names):
            return "docx"
        if any(name.startswith("xl/") for name in names):
            return "xlsx"
    return None


def content_kind(upload) -> str | None:
    """What the bytes are, judged by their signature."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(OLE2):
        return "ole2"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(upload)
    return None


def check_upload(upload) -> str:
    """Validate an uploaded file; return the MIME type to store. Raises ValidationError."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED:
        raise ValidationError(
            _("不支持的文件类型“%(ext)s”。允许：%(allowed)s。") % {"ext": extension or name, "allowed": ALLOWED_EXTENSIONS},
            code="extension",
        )
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("文件“%(name)s”过大（%(size)s），上限为 %(limit)s。")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="size",
        )
    if upload.size == 0:
        raise ValidationError(_("文件“%(name)s”是空文件。") % {"name": name}, code="empty")
    expected_kind, mime = ALLOWED[extension]
    if content_kind(upload) != expected_kind:
        raise ValidationError(
            _("文件“%(name)s”的内容与扩展名不符，已拒绝。请上传真实的 %(ext)s 文件。")
            % {"name": name, "ext": extension.lstrip(".").upper()},
            code="content",
        )
    return mime


def store_upload(item, upload, *, saved=None):
    """Check `upload` and save it as `item`'s file: every uploaded-file model (record attachments,
    application and complaint files) has `file`, `original_name`, `content_type`, `size` and
    `sha256`. Stored under a generated name; the original (often Chinese) name is kept for the
    download. `saved` is the callback of `portal.uploads.files_removed_unless_committed()`.
    A refused file raises InvalidInput with the reason; `item` is saved and returned."""
    from portal.errors import InvalidInput

    try:
        item.content_type = check_upload(upload)
    except ValidationError as error:
        raise InvalidInput(error.messages[0]) from None
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    item.original_name = PurePath(upload.name).name[:255]
    item.size, item.sha256 = upload.size, digest.hexdigest()
    item.file.save(upload.name, upload, save=False)
    if saved is not None:
        saved(item.file)
    item.save()
    return item


def file_response(stored) -> FileResponse:
    """Always a download, under its original (Chinese) name, never sniffed into something else.
    `stored` is any model with `file`, `original_name` and `content_type`."""
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=stored.original_name,
                            content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response

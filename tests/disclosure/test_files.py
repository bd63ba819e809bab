"""Attachment checks: allowed types judged by content, size limits, clear messages."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.files import OLE2, check_upload


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


GOOD = [
    ("通知.pdf", b"%PDF-1.7\n", "application/pdf"),
    ("公文.ofd", zipped("OFD.xml", "Doc_0/Document.xml"), "application/ofd"),
    ("办法.docx", zipped("[Content_Types].xml", "word/document.xml"), None),
    ("名单.xlsx", zipped("[Content_Types].xml", "xl/workbook.xml"), None),
    ("旧版.doc", OLE2 + b"\x00" * 32, "application/msword"),
    ("旧表.xls", OLE2 + b"\x00" * 32, "application/vnd.ms-excel"),
    ("金山.wps", OLE2 + b"\x00" * 32, None),
    ("图.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "image/png"),
    ("照片.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 16, "image/jpeg"),
    ("动图.gif", b"GIF89a" + b"\x00" * 16, "image/gif"),
]


@pytest.mark.parametrize(("name", "content", "mime"), GOOD, ids=[g[0] for g in GOOD])
def test_allowed_types_pass_when_content_matches(name, content, mime):
    result = check_upload(SimpleUploadedFile(name, content))
    if mime:
        assert result == mime


BAD = [
    ("通知.pdf", b"MZ\x90\x00executable", "内容与扩展名不符"),
    ("办法.docx", zipped("[Content_Types].xml", "xl/workbook.xml"), "内容与扩展名不符"),
    ("脚本.html", b"<script>alert(1)</script>", "不支持的文件类型"),
    ("程序.exe", b"MZ", "不支持的文件类型"),
    ("无扩展名", b"%PDF-1.7", "不支持的文件类型"),
    ("图.png", b"<svg onload=alert(1)>", "内容与扩展名不符"),
    ("空.pdf", b"", "空文件"),
    ("坏.docx", b"PK\x03\x04 not really a zip", "内容与扩展名不符"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD, ids=[b[0] for b in BAD])
def test_disguised_and_unknown_files_are_refused_with_a_clear_message(name, content, message):
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile(name, content))
    assert message in error.value.messages[0]


def test_oversized_file_is_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * 2000))
    assert "过大" in error.value.messages[0]

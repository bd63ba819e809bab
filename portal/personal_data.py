"""Finding personal data and wrong wording before anything is published (M.6, R.15): plain
functions, no database.

What leaks most often from government pages and files: resident identity numbers (身份证号, with
their check digit, GB 11643), mobile numbers, bank card numbers (Luhn check) and e-mail
addresses; and wording the agency has listed as wrong (错敏词: an old name of an office, a
misspelt title). `scan_text` finds them in a text; `scan_file` in a file's text — the text layer
of a PDF (PDFium), a DOCX, an XLSX or an OFD. It does not read images: OCR is out of scope, and a
file or page without text is reported as such, never as "nothing found".

A hit carries its kind, the matched text, its context (the matched number masked), where it is
(page, sheet, paragraph) and, in a PDF, the box around it, so that the redaction page can offer
to black it out.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.validators import resident_id_is_valid

KIND_LABELS = {
    "resident_id": gettext_lazy("居民身份证号码"),
    "mobile": gettext_lazy("手机号码"),
    "bank_card": gettext_lazy("银行卡号"),
    "email": gettext_lazy("电子邮箱"),
    "sensitive_word": gettext_lazy("错敏词"),
}
CONTEXT_CHARS = 18
MAX_XML_BYTES = 30 * 1024 * 1024  # one part of a DOCX/OFD, uncompressed: beyond is not a document
MAX_XLSX_CELLS = 2_000_000

# Full-width digits and letters as typed by Chinese input methods: mapped one to one, so that
# positions in the mapped text are positions in the original.
_FULL_WIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"Ｘ": "X", "ｘ": "x", "＠": "@",
                                                                            "．": ".", "－": "-"})
RESIDENT_ID = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![\d])(?:(?:\+|00)?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![\d])")
CARD = re.compile(r"(?<![\d])(?:\d[ -]?){15,18}\d(?![\d])")
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}(?![A-Za-z0-9])")
CARD_PREFIXES = "3456"  # payment card issuers (UnionPay 62…, Visa 4…, Mastercard 5…, JCB 35…)


def _card_shaped(digits: str) -> bool:
    """16 or 19 digits from a card issuer, or 17–18 digits of a UnionPay card (62…). An
    18-digit number shaped like an identity number is never a card, whatever its check digits:
    a mistyped identity number is not a hit (no false alarm on a number that fails the check)."""
    if len(digits) in (16, 19):
        return digits[0] in CARD_PREFIXES
    return len(digits) in (17, 18) and digits.startswith("62")


def luhn_is_valid(number: str) -> bool:
    digits = [int(d) for d in number]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def mask(value: str) -> str:
    """A number or address shown without its middle: enough to find it, not enough to use it."""
    if "@" in value:
        local, _at, domain = value.partition("@")
        return f"{local[:2]}***@{domain}"
    digits = re.sub(r"[\s-]", "", value)
    if len(digits) <= 7:
        return digits[:2] + "*" * (len(digits) - 2)
    keep = 4 if len(digits) > 11 else 3
    return digits[:keep] + "*" * (len(digits) - keep - 4) + digits[-4:]


@dataclass(frozen=True)
class Hit:
    kind: str
    value: str
    context: str  # the surrounding text, the value masked (sensitive words shown as they are)
    location: str = ""  # 正文 / 第 3 页 / 工作表“汇总”第 12 行
    page: int | None = None
    box: dict | None = None  # on a PDF page: fractions of the displayed page, origin top left
    suggestion: str = ""  # a sensitive word's correct wording

    @property
    def label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def shown_value(self) -> str:
        return self.value if self.kind == "sensitive_word" else mask(self.value)

    @property
    def fingerprint(self) -> str:
        """The same number or word anywhere in one item is one decision: a reason given for it
        covers every place it occurs. A hash, so the number itself is not stored twice."""
        normal = re.sub(r"[\s-]", "", self.value).upper()
        return hashlib.sha256(f"{self.kind}:{normal}".encode()).hexdigest()[:32]


@dataclass
class Rules:
    """What to look for besides the four kinds of personal data."""

    words: dict[str, str] = field(default_factory=dict)  # wrong wording → correct wording ("" if none)
    allowed_email_domains: tuple[str, ...] = ()  # the agency's own: not personal data
    exclude: frozenset[str] = frozenset()  # values that may appear (the applicant's own, in a reply to them)

    def email_allowed(self, address: str) -> bool:
        domain = address.rpartition("@")[2].lower()
        return any(domain == d or domain.endswith("." + d) for d in self.allowed_email_domains)

    def excluded(self, value: str) -> bool:
        normal = re.sub(r"[\s-]", "", value).upper()
        return normal in self.exclude

    @property
    def word_pattern(self):
        words = sorted({w for w in self.words if w.strip()}, key=len, reverse=True)
        return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None


def _context(text: str, start: int, end: int, shown: str) -> str:
    before = text[max(0, start - CONTEXT_CHARS):start]
    after = text[end:end + CONTEXT_CHARS]
    return re.sub(r"\s+", " ", f"{'…' if start > CONTEXT_CHARS else ''}{before}【{shown}】{after}"
                                f"{'…' if end + CONTEXT_CHARS < len(text) else ''}").strip()


def find_spans(text: str, rules: Rules | None = None) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, value) of every hit in `text`, in order; overlapping matches resolved
    in favour of the stronger kind (an identity number is not also a card number)."""
    rules = rules or Rules()
    mapped = (text or "").translate(_FULL_WIDTH)
    spans: list[tuple[int, int, str, str]] = []
    taken: list[tuple[int, int]] = []

    def free(start, end) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(start, end, kind, value):
        spans.append((start, end, kind, value))
        taken.append((start, end))

    for match in RESIDENT_ID.finditer(mapped):
        if resident_id_is_valid(match.group()) and not rules.excluded(match.group()):
            add(match.start(), match.end(), "resident_id", text[match.start():match.end()])
    for match in CARD.finditer(mapped):
        digits = re.sub(r"[ -]", "", match.group())
        if (_card_shaped(digits) and luhn_is_valid(digits) and not RESIDENT_ID.fullmatch(digits)
                and free(*match.span()) and not rules.excluded(digits)):
            add(match.start(), match.end(), "bank_card", text[match.start():match.end()])
    for match in MOBILE.finditer(mapped):
        if free(*match.span()) and not rules.excluded(re.sub(r"[ -]", "", match.group())[-11:]):
            add(match.start(), match.end(), "mobile", text[match.start():match.end()])
    for match in EMAIL.finditer(mapped):
        if free(*match.span()) and not rules.email_allowed(match.group()) and not rules.excluded(match.group()):
            add(match.start(), match.end(), "email", text[match.start():match.end()])
    pattern = rules.word_pattern
    if pattern is not None:
        for match in pattern.finditer(text or ""):
            add(match.start(), match.end(), "sensitive_word", match.group())
    return sorted(spans)


def scan_text(text: str, rules: Rules | None = None, *, location: str = "", page: int | None = None) -> list[Hit]:
    rules = rules or Rules()
    hits = []
    for start, end, kind, value in find_spans(text, rules):
        shown = value if kind == "sensitive_word" else mask(value)
        suggestion = ""
        if kind == "sensitive_word":
            suggestion = next((right for wrong, right in rules.words.items() if wrong.lower() == value.lower()), "")
        hits.append(Hit(kind=kind, value=value, context=_context(text, start, end, shown), location=location,
                        page=page, suggestion=suggestion))
    return hits


def html_text(html: str) -> str:
    """The text of a rich-text body as a reader sees it, block by block, with link targets
    (an address in href= is published too)."""
    from html import unescape

    html = html or ""
    hrefs = " ".join(unescape(h) for h in re.findall(r'href\s*=\s*"([^"]*)"', html))
    text = re.sub(r"<\s*(br|/p|/li|/h[1-6]|/tr|/td|/th|/div|/blockquote)\b[^>]*>", "\n", html, flags=re.I)
    text = unescape(re.sub(r"<[^>]+>", "", text))
    return text + ("\n" + hrefs if hrefs else "")


# --- Files ----------------------------------------------------------------------------------------


@dataclass
class FileScan:
    name: str
    hits: list[Hit] = field(default_factory=list)
    readable: bool = True  # False: the format cannot be read for text (an image, an old Office file)
    pages: int = 0
    pages_without_text: list[int] = field(default_factory=list)
    note: str = ""  # what could not be checked, for a person

    @property
    def fully_checked(self) -> bool:
        return self.readable and not self.pages_without_text


def _pdf_hits(data: bytes, rules: Rules, name: str, max_pages: int) -> FileScan:
    import pypdfium2 as pdfium

    from portal.pdfdoc import PDFIUM_LOCK, PdfUnreadable, pdfium_document

    result = FileScan(name=name)
    try:
        with pdfium_document(data) as document:
            with PDFIUM_LOCK:
                count = len(document)
            result.pages = count
            for index in range(min(count, max_pages)):
                number = index + 1
                with PDFIUM_LOCK:
                    page = document[index]
                    textpage = page.get_textpage()
                    chars = textpage.count_chars()
                    text = textpage.get_text_range() if chars else ""
                    spans = find_spans(text, rules) if text.strip() else []
                    boxes = {}
                    if spans and len(text) == chars:
                        conv = pdfium.PdfPosConv(page, (0, 0, 10_000, 10_000, 0))
                        for start, end, _kind, _value in spans:
                            boxes[start] = _span_box(textpage, conv, start, end, number)
                    textpage.close()
                    page.close()
                if not text.strip():
                    result.pages_without_text.append(number)
                    continue
                for start, end, kind, value in spans:
                    shown = value if kind == "sensitive_word" else mask(value)
                    result.hits.append(Hit(
                        kind=kind, value=value, context=_context(text, start, end, shown),
                        location=_("第 %(page)d 页") % {"page": number}, page=number, box=boxes.get(start),
                        suggestion=next((r for w, r in rules.words.items() if w.lower() == value.lower()), "")
                        if kind == "sensitive_word" else ""))
            if count > max_pages:
                result.note = _("只检查了前 %(n)d 页。") % {"n": max_pages}
    except PdfUnreadable as error:
        result.readable = False
        result.note = (_("文件已加密，无法检查。") if error.reason == "encrypted"
                       else _("文件无法读取（已损坏或不是PDF），无法检查。"))
    if result.pages_without_text:
        pages = "、".join(str(n) for n in result.pages_without_text[:20])
        more = "…" if len(result.pages_without_text) > 20 else ""
        result.note = (result.note + _("第 %(pages)s%(more)s 页没有文字层（可能是扫描件），无法自动检查，请人工核对。")
                       % {"pages": pages, "more": more}).strip()
    return result


def _span_box(textpage, conv, start: int, end: int, page: int, pad: float = 1.5) -> dict | None:
    """The box (fractions of the displayed page) around characters start..end."""
    rects = []
    for index in range(start, end):
        try:
            left, bottom, right, top = textpage.get_charbox(index, loose=True)
        except Exception:  # a generated character (line break) has no box
            continue
        if right > left and top > bottom:
            rects.append((left, right, bottom, top))
    if not rects:
        return None
    left = min(r[0] for r in rects) - pad
    right = max(r[1] for r in rects) + pad
    bottom = min(r[2] for r in rects) - pad
    top = max(r[3] for r in rects) + pad
    points = [conv.to_bitmap(x, y) for x in (left, right) for y in (bottom, top)]
    xs, ys = [p[0] / 10_000 for p in points], [p[1] / 10_000 for p in points]
    x0, y0, x1, y1 = max(0.0, min(xs)), max(0.0, min(ys)), min(1.0, max(xs)), min(1.0, max(ys))
    return {"page": page, "x": round(x0, 6), "y": round(y0, 6), "w": round(x1 - x0, 6), "h": round(y1 - y0, 6)}


def _xml_texts(archive: zipfile.ZipFile, names: Iterable[str], text_tags: set[str], break_tags: set[str]) -> str:
    """The text of XML parts, with a line break at each paragraph: tags named without namespace."""
    from xml.etree import ElementTree

    parts = []
    for name in names:
        info = archive.getinfo(name)
        if info.file_size > MAX_XML_BYTES:
            raise ValueError("part too large")
        with archive.open(info) as handle:
            for event, element in ElementTree.iterparse(handle, events=("end",)):
                tag = element.tag.rsplit("}", 1)[-1]
                if tag in text_tags and element.text:
                    parts.append(element.text)
                elif tag in break_tags:
                    parts.append("\n")
                if event == "end" and tag in break_tags:
                    element.clear()
    return "".join(parts)


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [n for n in archive.namelist()
                 if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml", n)]
        names.sort(key=lambda n: (not n.startswith("word/document"), n))
        return _xml_texts(archive, names, {"t"}, {"p", "tab", "br"})


def _ofd_text(data: bytes) -> list[str]:
    """OFD (GB/T 33190): the text codes of each page's content, page by page."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted((n for n in archive.namelist() if re.search(r"Pages/Page_?\d+/Content\.xml$", n)),
                       key=lambda n: int(re.search(r"Page_?(\d+)", n).group(1)))
        return [_xml_texts(archive, [name], {"TextCode"}, {"TextObject"}) for name in names]


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    cells = 0
    try:
        for sheet in workbook.worksheets:
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells += len(row)
                if cells > MAX_XLSX_CELLS:
                    raise ValueError("too many cells")
                values = [str(v) for v in row if v is not None and str(v).strip()]
                if values:
                    yield sheet.title, number, "  ".join(values)
    finally:
        workbook.close()


def scan_file(data: bytes, *, name: str, kind: str, rules: Rules | None = None, max_pages: int = 1000) -> FileScan:
    """Scan a stored file whose content `kind` is known (portal.files.content_kind: pdf,
    docx, xlsx, ofd, png, …). Never raises for a bad file: it says what could not be checked."""
    rules = rules or Rules()
    if kind == "pdf":
        return _pdf_hits(data, rules, name, max_pages)
    result = FileScan(name=name)
    try:
        if kind == "docx":
            result.hits = scan_text(_docx_text(data), rules)
        elif kind == "ofd":
            pages = _ofd_text(data)
            result.pages = len(pages)
            for number, text in enumerate(pages, start=1):
                if not text.strip():
                    result.pages_without_text.append(number)
                result.hits += scan_text(text, rules, location=_("第 %(page)d 页") % {"page": number}, page=number)
        elif kind == "xlsx":
            for sheet, row, text in _xlsx_rows(data):
                result.hits += scan_text(text, rules,
                                         location=_("工作表“%(sheet)s”第 %(row)d 行") % {"sheet": sheet, "row": row})
        else:
            result.readable = False
            result.note = (_("图片文件没有文字，无法自动检查，请人工核对。") if kind in ("png", "jpeg", "gif")
                           else _("该格式（旧版 Office/WPS）无法自动检查，请人工核对，或另存为 DOCX、XLSX、PDF 后上传。"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError):
        result.readable = False
        result.note = _("文件无法读取，无法检查。")
    if result.pages_without_text and kind == "ofd":
        result.note = _("部分页面没有文字，无法自动检查，请人工核对。")
    return result

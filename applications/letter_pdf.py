"""The PDF of a reply letter or notice: sanitized letter HTML (``letters.sanitize_letter``) laid
out with reportlab on A4, in the viewer's built-in Chinese font.

STSong-Light is one of the CJK fonts every PDF viewer must supply (Adobe-GB1 character
collection, UniGB-UCS2-H encoding): nothing is embedded and no font file is needed on the
server. It covers GBK; anything else (characters outside the BMP such as 𠀀, emoji) would
print as garbage, so it becomes □ (``renderable_text``).

The letter's words and markup are decided in ``applications/letters.py``; this module only
prints them.
"""

from __future__ import annotations

import html as html_lib
import io
import re
import unicodedata
from html.parser import HTMLParser

from applications.letters import sanitize_letter

PDF_FONT = "STSong-Light"
MISSING_GLYPH = "□"
_WHITESPACE_RE = re.compile(r"\s+")


def _font_ready() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))


# Common characters outside GBK that have a faithful GBK (or ASCII) equivalent.
_SUBSTITUTES = str.maketrans({"¥": "￥", "£": "￡", "•": "·", "€": "EUR", "©": "(C)", "®": "(R)", "™": "TM"})


def _gbk(char: str) -> bool:
    try:
        char.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def _fallback(char: str) -> str:
    """A character the font lacks: its compatibility form (ｆ → f), or its letter without
    accents (É → E), or □ so the reader sees that something is missing."""
    for form in ("NFKC", "NFKD"):
        candidate = "".join(c for c in unicodedata.normalize(form, char) if not unicodedata.combining(c))
        if candidate and all(c.isascii() or _gbk(c) for c in candidate):
            return candidate
    return MISSING_GLYPH


def renderable_text(text: str) -> str:
    """``text`` with whitespace collapsed, invisible characters dropped and characters the
    font cannot show replaced (see ``_fallback``)."""
    out = []
    for char in text.translate(_SUBSTITUTES):
        category = unicodedata.category(char)
        if char in "\t\n\r\f\v" or category == "Zs":
            out.append(" ")
        elif category.startswith("C"):  # controls, format marks, surrogates, private use
            continue
        elif char.isascii() or _gbk(char):
            out.append(char)
        else:
            out.append(_fallback(char))
    return _WHITESPACE_RE.sub(" ", "".join(out))


def _styles() -> dict:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    body = ParagraphStyle("letter-body", fontName=PDF_FONT, fontSize=12, leading=20, firstLineIndent=24,
                          spaceAfter=2, wordWrap="CJK")
    return {
        "body": body,
        "h2": ParagraphStyle("letter-title", parent=body, fontSize=18, leading=28, firstLineIndent=0,
                             alignment=TA_CENTER, spaceAfter=10),
        "h3": ParagraphStyle("letter-heading", parent=body, fontSize=14, leading=22, firstLineIndent=0,
                             spaceBefore=6, spaceAfter=4),
        "letter-ref": ParagraphStyle("letter-ref", parent=body, firstLineIndent=0, alignment=TA_CENTER,
                                     spaceAfter=12),
        "letter-salutation": ParagraphStyle("letter-salutation", parent=body, firstLineIndent=0),
        "letter-signature": ParagraphStyle("letter-signature", parent=body, firstLineIndent=0, alignment=TA_RIGHT),
        "li": ParagraphStyle("letter-item", parent=body, firstLineIndent=0),
        "row": ParagraphStyle("letter-row", parent=body, firstLineIndent=0),
    }


class _LetterFlowables(HTMLParser):
    """Sanitized letter HTML → Platypus flowables. Deliberately forgiving: unknown nesting
    just yields text in reading order; tables become one line per row."""

    def __init__(self, styles: dict) -> None:
        super().__init__(convert_charrefs=True)
        self.styles = styles
        self.flowables: list = []
        self.buffer: list[str] = []
        self.block = "body"
        self.block_class = ""
        self.lists: list[list] = []  # [tag, items so far]
        self.bullet = ""
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    # Inline text goes to the open table cell, else to the open block.
    def _target(self) -> list[str]:
        return self.cell if self.cell is not None else self.buffer

    def handle_data(self, data: str) -> None:
        text = renderable_text(data)
        if text:
            self._target().append(html_lib.escape(text, quote=False))

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "br":
            self._target().append(" " if self.cell is not None else "<br/>")
            return
        if tag in ("td", "th"):
            if self.row is None:
                self.flush()
                self.row = []
            self._close_cell()
            self.cell = []
            return
        if self.cell is not None:  # block markup inside a cell: just a word break
            self.cell.append(" ")
            return
        if tag in ("p", "h2", "h3"):
            self.flush()
            self.block = tag
            self.block_class = dict(attrs).get("class") or ""
        elif tag in ("ul", "ol"):
            self.flush()
            self.lists.append([tag, 0])
        elif tag == "li":
            self.flush()
            self.block = "li"
            if self.lists:
                self.lists[-1][1] += 1
                kind, number = self.lists[-1]
                self.bullet = f"{number}." if kind == "ol" else "·"
            else:
                self.bullet = "·"
        elif tag in ("table", "thead", "tbody", "tr"):
            self.flush()
            self._close_row()

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._close_cell()
        elif tag in ("tr", "table", "thead", "tbody"):
            self._close_row()
        elif self.cell is not None:
            self.cell.append(" ")
        elif tag in ("p", "h2", "h3", "li"):
            self.flush()
        elif tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                self.lists.pop()

    def _close_cell(self) -> None:
        if self.cell is not None:
            text = " ".join("".join(self.cell).split())
            if self.row is None:
                self.row = []
            self.row.append(text)
            self.cell = None

    def _close_row(self) -> None:
        self._close_cell()
        if self.row is not None:
            cells = [cell for cell in self.row if cell]
            self.row = None
            if cells:
                self._add("　｜　".join(cells), self.styles["row"])

    def flush(self) -> None:
        text = "".join(self.buffer).strip()
        while text.startswith("<br/>") or text.endswith("<br/>"):
            text = text.removeprefix("<br/>").removesuffix("<br/>").strip()
        self.buffer = []
        block, block_class, bullet = self.block, self.block_class, self.bullet
        self.block, self.block_class, self.bullet = "body", "", ""
        if not text:
            return
        if block == "li":
            from reportlab.lib.styles import ParagraphStyle

            depth = max(len(self.lists), 1)
            style = ParagraphStyle(f"letter-item-{depth}", parent=self.styles["li"], leftIndent=24 * depth,
                                   bulletIndent=24 * depth - 18)
            self._add(text, style, bullet=bullet)
            return
        style_key = next((c for c in block_class.split() if c in self.styles), block if block in self.styles else "body")
        self._add(text, self.styles[style_key])

    def _add(self, text: str, style, bullet: str = "") -> None:
        from reportlab.platypus import Paragraph, Spacer

        # A gap above the signature block, as on paper.
        if style.name == "letter-signature" and not (
            self.flowables and getattr(self.flowables[-1], "style", None) is style
        ):
            self.flowables.append(Spacer(1, 24))
        self.flowables.append(Paragraph(text, style, bulletText=bullet or None))

    def close(self) -> None:
        super().close()
        self._close_row()
        self.flush()


def _plain_flowables(html: str, styles: dict) -> list:
    """The fallback: the letter's text, one paragraph per line, no markup at all."""
    from reportlab.platypus import Paragraph

    text = re.sub(r"<[^>]*>", "\n", html)
    lines = (renderable_text(html_lib.unescape(line)).strip() for line in text.splitlines())
    return [Paragraph(html_lib.escape(line, quote=False), styles["row"]) for line in lines if line]


def _page_number(canvas, doc) -> None:
    from reportlab.lib.units import mm

    canvas.saveState()
    canvas.setFont(PDF_FONT, 10)
    canvas.drawCentredString(doc.pagesize[0] / 2, 15 * mm, f"— {doc.page} —")
    canvas.restoreState()


def letter_pdf(html: str, *, title: str, author: str = "") -> bytes:
    """The letter as an A4 PDF in STSong-Light (no font file needed).

    ``html`` is sanitized again here, so any input is safe; headings, paragraphs, lists and
    table rows become Platypus paragraphs (body 12pt, leading 20; the ``h2`` title centered);
    ``title`` and ``author`` go to the document's metadata. The output is deterministic (no
    creation time or random id), so the same letter always gives the same bytes. It never fails
    on odd input: should the structured layout fail, the letter's plain text is laid out instead.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    _font_ready()
    styles = _styles()
    clean = sanitize_letter(html)

    def build(flowables: list) -> bytes:
        buffer = io.BytesIO()
        # Margins of GB/T 9704 (official documents): top 37, bottom 35, left 28, right 26 mm.
        doc = SimpleDocTemplate(
            buffer, pagesize=A4, topMargin=37 * mm, bottomMargin=35 * mm, leftMargin=28 * mm, rightMargin=26 * mm,
            title=renderable_text(str(title)), author=renderable_text(str(author)), creator="disclosure-portal",
            invariant=True,
        )
        # An empty story would give a PDF with no page at all.
        doc.build(flowables or [Paragraph("", styles["body"])], onFirstPage=_page_number, onLaterPages=_page_number)
        return buffer.getvalue()

    try:
        parser = _LetterFlowables(styles)
        parser.feed(clean)
        parser.close()
        return build(parser.flowables)
    except Exception:  # a letter must always print: fall back to its plain text
        return build(_plain_flowables(clean, styles))

"""The reply letter as staff edit it: a fixed frame and four parts.

The frame — the title (``LETTER_TITLE``) and the reference (``letter_reference``, from the
application and the letter's year) — is never typed. Staff edit the salutation (the applicant's
name, shown as "张三："), the body in the bundled rich-text editor (django-prose-editor, the
same editor as records; ``LETTER_BODY_EDITOR``), the signature (the agency's name, one line per
paragraph) and the date. ``compose_letter`` renders the letter from these parts; the composed
HTML is what is stored in ``reply_letter``, sent, shown, printed and turned into a PDF, so a
preview of the composed letter is exactly what the applicant receives.

``split_letter`` reads the parts back out of a stored letter: letters composed here (and drafts
from the templates, which carry the same layout classes) come apart exactly; older letters typed
as free HTML are split as well as their markup allows (first line ending in "：" as the
salutation, a short last line as the signature), and the rest is the body.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from dataclasses import dataclass

from django.utils import timezone

from applications.letters import LETTER_TITLE, chinese_date, letter_reference, render_letter, sanitize_letter
from portal.language import agency_language

# What the editor offers in a letter's body: nothing the letter allowlist (LETTER_TAGS) drops.
LETTER_BODY_EDITOR = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Heading": {"levels": [3]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "HardBreak": True,
        "Table": True,
        "TableRow": True,
        "TableHeader": True,
        "TableCell": True,
        "History": True,
    }
}

_EMPTY_BLOCK = re.compile(r"^\s*(<(\w+)>\s*</\2>\s*)*$")  # the editor's lone empty paragraph
_SALUTATION_RE = re.compile(r'<p class="letter-salutation">(.*?)</p>', re.S)
_SIGNATURE_RE = re.compile(r'<p class="letter-signature">(.*?)</p>', re.S)
_FRAME_RE = re.compile(r'^\s*(<h2>.*?</h2>)?\s*(<p class="letter-ref">.*?</p>)?', re.S)
_DATE_RE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_PARAGRAPH_RE = re.compile(r"<p>(.*?)</p>", re.S)
_COLONS = "：: "


@dataclass
class LetterParts:
    salutation: str  # plain text, without the colon
    body: str  # sanitized HTML
    signature: str  # plain text, one line per signature paragraph
    date: dt.date


def sanitize_body(html: str) -> str:
    """The body through the letter allowlist; the editor's empty paragraph counts as empty."""
    cleaned = sanitize_letter(html or "").strip()
    return "" if _EMPTY_BLOCK.match(cleaned) else cleaned


def _text(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]*>", "", fragment)).strip()


def _parse_date(text: str) -> dt.date | None:
    match = _DATE_RE.match(text)
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def compose_letter(parts: LetterParts, *, application) -> str:
    """The letter the applicant receives, as sanitized HTML: title, reference, salutation, body,
    signature lines and date (the layout classes of letters.LETTER_CLASSES)."""
    escape = html_lib.escape
    with agency_language():  # an official letter, whatever the staff member's browser asks for
        title = str(LETTER_TITLE)
    lines = [
        f"<h2>{escape(title)}</h2>",
        f'<p class="letter-ref">{escape(letter_reference(application, year=parts.date.year))}</p>',
        f'<p class="letter-salutation">{escape(parts.salutation.strip().rstrip(_COLONS))}：</p>',
        sanitize_body(parts.body),
        *(f'<p class="letter-signature">{escape(line.strip())}</p>'
          for line in (parts.signature or "").splitlines() if line.strip()),
        f'<p class="letter-signature">{chinese_date(parts.date)}</p>',
    ]
    return sanitize_letter("\n".join(line for line in lines if line))


def split_letter(html: str, *, default_date: dt.date | None = None) -> LetterParts:
    """The parts of a stored letter (see the module docstring); what cannot be told apart stays
    in the body, and a letter without a date gets ``default_date`` (today)."""
    html = sanitize_letter(html or "").strip()
    date = None
    salutation = ""
    body = _FRAME_RE.sub("", html, count=1).strip()
    if match := _SALUTATION_RE.search(body):
        salutation = _text(match.group(1))
        body = body[match.end():]
    elif (match := _PARAGRAPH_RE.match(body)) and _text(match.group(1)).endswith(("：", ":")) \
            and len(_text(match.group(1))) <= 100:
        salutation = _text(match.group(1))  # an older free-form letter: "张三：" on its first line
        body = body[match.end():]
    signatures = list(_SIGNATURE_RE.finditer(body))
    if signatures:
        body = body[:signatures[0].start()]
        lines = [_text(m.group(1)) for m in signatures]
    else:
        lines = []
        paragraphs = list(_PARAGRAPH_RE.finditer(body))
        # An older letter: short last lines without a full stop are the signature and date.
        while paragraphs and body[paragraphs[-1].end():].strip() == "":
            last = _text(paragraphs[-1].group(1))
            if not last or len(last) > 40 or last.endswith(("。", "：", ":")):
                break
            lines.insert(0, last)
            body = body[:paragraphs[-1].start()].rstrip()
            paragraphs.pop()
    if lines and (parsed := _parse_date(lines[-1])):
        date = parsed
        lines = lines[:-1]
    return LetterParts(
        salutation=salutation.rstrip(_COLONS),
        body=sanitize_body(body),
        signature="\n".join(line for line in lines if line),
        date=date or default_date or timezone.localdate(),
    )


def draft_letter_parts(application, *, outcome: str, extra: dict | None = None) -> LetterParts:
    """The parts of the letter drafted from ``outcome``'s template (letters.render_letter)."""
    html = render_letter(application, outcome=outcome, extra=extra)
    return split_letter(html, default_date=(extra or {}).get("date"))

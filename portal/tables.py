"""Wide tables on small screens: each table of a rich-text body scrolls inside its own box, with
its first column held in place (position: sticky), so the page itself never scrolls sideways.

The body is sanitised HTML (nh3 output: well-formed, attributes quoted), so its table tags can
be read with a tokenizer. Which cells start in the first column depends on rowspan and colspan
(the annual report's tables merge cells in every direction), so the grid is worked out here and
those cells get the class `col-first`; CSS alone cannot tell them apart."""

from __future__ import annotations

import re

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

TAG = re.compile(r"<(/?)(table|tr|td|th|caption)\b([^>]*)>", re.IGNORECASE)
SPAN = re.compile(r"""\b(rowspan|colspan)\s*=\s*["']?(\d+)""", re.IGNORECASE)
CLASS = re.compile(r"""\bclass\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)


class _Grid:
    """Which columns of the current row are taken by cells spanning down from rows above."""

    def __init__(self):
        self.taken: dict[tuple[int, int], bool] = {}
        self.row = -1
        self.column = 0

    def next_row(self) -> None:
        self.row += 1
        self.column = 0

    def place(self, rowspan: int, colspan: int) -> int:
        while (self.row, self.column) in self.taken:
            self.column += 1
        start = self.column
        for r in range(self.row, self.row + max(rowspan, 1)):
            for c in range(start, start + max(colspan, 1)):
                self.taken[(r, c)] = True
        self.column = start + max(colspan, 1)
        return start


def _with_class(attributes: str, name: str) -> str:
    if match := CLASS.search(attributes):
        quote, value = match.group(1), match.group(2)
        return attributes[: match.start()] + f"class={quote}{value} {name}{quote}" + attributes[match.end() :]
    return f' class="{name}"' + attributes


def scrollable_tables(html: str) -> SafeString:
    """`html` (already sanitised) with every table in a focusable, labelled scroll box and the
    cells of its first column marked for sticking."""
    if "<table" not in (html or "").lower():
        return mark_safe(html or "")
    out, last, grids = [], 0, []
    for match in TAG.finditer(html):
        closing, tag, attributes = match.group(1), match.group(2).lower(), match.group(3)
        out.append(html[last : match.start()])
        last = match.end()
        text = match.group(0)
        if tag == "table" and not closing:
            grids.append(_Grid())
            caption = re.search(r"<caption\b[^>]*>(.*?)</caption>", html[last:], re.IGNORECASE | re.DOTALL)
            label = strip_tags(caption.group(1)).strip() if caption else ""
            label = label or _("表格")
            # A scroll box must be reachable by keyboard (WCAG 2.1.1) and say what it holds.
            text = (f'<div class="table-scroll" role="region" tabindex="0" '
                    f'aria-label="{escape(label)}">' + text)
        elif tag == "table":
            if grids:
                grids.pop()
            text += "</div>"
        elif tag == "tr" and not closing and grids:
            grids[-1].next_row()
        elif tag in ("td", "th") and not closing and grids:
            spans = {k.lower(): int(v) for k, v in SPAN.findall(attributes)}
            if grids[-1].place(spans.get("rowspan", 1), spans.get("colspan", 1)) == 0:
                text = f"<{tag}{_with_class(attributes, 'col-first')}>"
        out.append(text)
    out.append(html[last:])
    return mark_safe("".join(out))

"""Bar charts for the dashboard, laid out here and drawn as inline SVG by a template
(templates/admin/complaints/_bar_chart.html): no script, no external host, no style attribute —
colours come from CSS classes in static/css/complaints.css."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

LABEL_WIDTH = 150
VALUE_WIDTH = 60
ROW_HEIGHT = 26
BAR_HEIGHT = 16
TOP = 8
TICKS = 4


@dataclass
class Segment:
    x: float
    width: float
    value: float
    css: str
    label: str


@dataclass
class Bar:
    label: str
    y: float
    text_y: float
    segments: list[Segment]
    total_text: str
    total_x: float


@dataclass
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar]
    legend: list[tuple[str, str]]
    axis_x: int = LABEL_WIDTH
    axis_bottom: float = 0
    ticks: list[tuple[float, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.bars


def _ticks(maximum: float, left: int, span: float, count: int = TICKS) -> list[tuple[float, str]]:
    return [(round(left + span * step / count, 1), f"{maximum * step / count:g}") for step in range(count + 1)]


def stacked(*, id: str, title: str, description: str, rows: list[tuple[str, list[int]]],
            series: list[tuple[str, str]], width: int = 720) -> Chart:
    """One horizontal bar per row, split into `series` (css class, label); rows with nothing are left out."""
    rows = [(label, values) for label, values in rows if sum(values)]
    span = width - LABEL_WIDTH - VALUE_WIDTH
    # A scale of whole numbers: four steps of a whole size at least as long as the longest bar.
    step = max(1, math.ceil(max((sum(values) for _label, values in rows), default=0) / TICKS))
    maximum = step * TICKS
    bars = []
    for index, (label, values) in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        x = float(LABEL_WIDTH)
        segments = []
        for value, (css, series_label) in zip(values, series, strict=True):
            length = round(span * value / maximum, 1)
            if value:
                segments.append(Segment(x=round(x, 1), width=length, value=value, css=css, label=series_label))
            x += length
        bars.append(Bar(label=label, y=y, text_y=y + BAR_HEIGHT - 3, segments=segments,
                        total_text=" / ".join(str(v) for v in values), total_x=round(x + 6, 1)))
    height = TOP + len(bars) * ROW_HEIGHT + 24
    return Chart(id=id, title=title, description=description, width=width, height=height, bars=bars, legend=series,
                 axis_bottom=TOP + len(bars) * ROW_HEIGHT, ticks=_ticks(maximum, LABEL_WIDTH, span))


def averages(*, id: str, title: str, description: str, rows: list[tuple[str, float | None]], maximum: float = 5,
             css: str = "bar-rating", width: int = 720) -> Chart:
    """One bar per row showing an average on a fixed scale (ratings 1–5); rows without one are left out."""
    rows = [(label, value) for label, value in rows if value is not None]
    span = width - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for index, (label, value) in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        length = round(span * value / maximum, 1)
        bars.append(Bar(label=label, y=y, text_y=y + BAR_HEIGHT - 3,
                        segments=[Segment(x=LABEL_WIDTH, width=length, value=value, css=css, label=title)],
                        total_text=f"{value:.2f}", total_x=round(LABEL_WIDTH + length + 6, 1)))
    height = TOP + len(bars) * ROW_HEIGHT + 24
    return Chart(id=id, title=title, description=description, width=width, height=height, bars=bars,
                 legend=[(css, title)], axis_bottom=TOP + len(bars) * ROW_HEIGHT,
                 ticks=_ticks(maximum, LABEL_WIDTH, span, count=5))

"""Public statistics of the column (issue #18, part 5): reads only, from live data, per office and
in total, for the current and the previous calendar year.

Every figure reuses the definition its owner already gives, so this page cannot disagree with it:

- applications received, closed and each outcome: the annual report's table 3 conditions
  (`applications.annual_report.compute.row_condition`, rows 一 and 三 by outcome), grouped by
  office — for a finished year the totals are table 3's 总计 column, cell for cell;
- answered and answered on time: the applications closed in the year with a reply, on time by
  the case kernel's `answered_on_time_q()` (as the annual report's facts count them, R.33);
  the median is of the working days from receipt (R.31) to the reply, on portal/workdays.py;
- complaints received in the year and found substantiated (属实 or 部分属实), as the dashboard;
- consultations answered in the year, on time by `answered_on_time_q()`;
- proactive records published in the year (the public's door, `records_published()`), within
  20 working days of their date of forming (M.11) or beyond.

A bounded number of queries whatever the number of cases: grouped counts, the dates behind the
two working-day figures, and one calendar window for both years. Nothing here names a person.
"""

from __future__ import annotations

import datetime as dt
import statistics as stats
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.annual_report.compute import CLOSED, NEW, Year, population, row_condition
from applications.models import DisclosureApplication
from applications.outcomes import Outcome, OutcomeGroup, group_of
from complaints import charts
from complaints.models import SUBSTANTIATED_RESULTS, Complaint, Consultation
from disclosure.models import DisclosureAttribute
from disclosure.selectors import records_published
from portal.language import localized
from portal.models import Office
from portal.workdays import Calendar

RECORD_LIMIT_WORKDAYS = 20  # M.11: published within 20 working days of forming or changing
UNASSIGNED = "unassigned"


@dataclass
class Figures:
    """One office's figures (or the total's) for one year."""

    key: int | str | None
    name: str
    received: int = 0
    closed: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Outcome.values, 0))
    answered: int = 0
    answered_on_time: int = 0
    answer_days: list[int] = field(default_factory=list)
    complaints_received: int = 0
    complaints_substantiated: int = 0
    consultations_answered: int = 0
    consultations_on_time: int = 0
    records_published: int = 0
    records_within_limit: int = 0

    COUNTS = ("received", "closed", "answered", "answered_on_time", "complaints_received",
              "complaints_substantiated", "consultations_answered", "consultations_on_time",
              "records_published", "records_within_limit")

    @property
    def answered_late(self) -> int:
        return self.answered - self.answered_on_time

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.answered_on_time / self.answered, 1) if self.answered else None

    @property
    def median_workdays(self) -> float | None:
        return stats.median(self.answer_days) if self.answer_days else None

    @property
    def groups(self) -> dict[str, int]:
        result = dict.fromkeys(OutcomeGroup.values, 0)
        for outcome, n in self.outcomes.items():
            result[group_of(outcome)] += n
        return result

    @property
    def consultations_late(self) -> int:
        return self.consultations_answered - self.consultations_on_time

    @property
    def records_beyond_limit(self) -> int:
        return self.records_published - self.records_within_limit

    @property
    def records_within_percent(self) -> float | None:
        return round(100 * self.records_within_limit / self.records_published, 1) if self.records_published else None

    @property
    def has_figures(self) -> bool:
        return any(getattr(self, name) for name in self.COUNTS)

    def add(self, other: Figures) -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for outcome, n in other.outcomes.items():
            self.outcomes[outcome] += n
        self.answer_days.extend(other.answer_days)


@dataclass
class YearFigures:
    year: int
    rows: list[Figures]
    total: Figures

    @property
    def rows_with_figures(self) -> list[Figures]:
        return [row for row in self.rows if row.has_figures]


@dataclass
class Statistics:
    today: dt.date
    years: list[YearFigures]  # the previous year, then the current one
    office: Office | None

    def of(self, year: int) -> YearFigures:
        return next(item for item in self.years if item.year == year)


def statistics_years(today: dt.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return [today.year - 1, today.year]


def _grouped(queryset, *fields: str, **aggregates) -> list[dict]:
    return list(queryset.order_by().values(*fields).annotate(**aggregates))


class _WorkdayIndex:
    """Working days between two dates by subtraction: the count of working days up to each date
    of one calendar window (portal/workdays.py), so many intervals cost one calendar query."""

    def __init__(self, dates: list[dt.date]):
        self.index: dict[dt.date, int] = {}
        if not dates:
            return
        low, high = min(dates), max(dates)
        calendar = Calendar.for_window(low, high)
        count, day = 0, low
        while day <= high:
            if day > low:
                count += calendar.is_workday(day)
            self.index[day] = count
            day += dt.timedelta(days=1)

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end], as `portal.workdays.workdays_between`."""
        return self.index[end] - self.index[start]


def _may_be_within(formed: dt.date, published_on: dt.date) -> bool:
    """20 working days never span more than 60 calendar days (four weeks of working days plus
    the longest run of holidays, twice over)."""
    return (published_on - formed).days <= 60


def _year_rows(year: int, office: Office | None) -> tuple[dict, list[tuple], list[tuple]]:
    """Counts for `year` by office key, and the date pairs behind the working-day figures."""
    y = Year.of(year)
    figures: dict[int | str, Figures] = {}

    def row(office_id: int | None) -> Figures:
        key = office_id if office_id is not None else UNASSIGNED
        if key not in figures:
            figures[key] = Figures(key=key, name="")
        return figures[key]

    def scoped(queryset):
        return queryset.filter(office_id=office.pk) if office is not None else queryset

    closed = row_condition(year, CLOSED)
    answered = closed & Q(replied_on__isnull=False)
    applications = scoped(DisclosureApplication.objects.filter(population(year)))
    for values in _grouped(applications, "office_id",
                           received=Count("pk", filter=row_condition(year, NEW)),
                           closed=Count("pk", filter=closed),
                           answered=Count("pk", filter=answered),
                           on_time=Count("pk", filter=answered & DisclosureApplication.answered_on_time_q())):
        item = row(values["office_id"])
        item.received, item.closed = values["received"], values["closed"]
        item.answered, item.answered_on_time = values["answered"], values["on_time"]
    for values in _grouped(scoped(DisclosureApplication.objects.filter(closed)), "office_id", "outcome",
                           n=Count("pk")):
        # An outcome outside table 3 (none is allowed) would show as closed without an outcome,
        # exactly as the annual report's check names it.
        if values["outcome"] in Outcome.values:
            row(values["office_id"]).outcomes[values["outcome"]] = values["n"]
    replies = list(scoped(DisclosureApplication.objects.filter(answered)).order_by()
                   .values_list("office_id", "received_on", "replied_on"))

    complaints = scoped(Complaint.objects.filter(received_on__gte=y.first_day, received_on__lte=y.last_day))
    for values in _grouped(complaints, "office_id", n=Count("pk"),
                           substantiated=Count("pk", filter=Q(result__in=SUBSTANTIATED_RESULTS))):
        item = row(values["office_id"])
        item.complaints_received, item.complaints_substantiated = values["n"], values["substantiated"]

    consultations = scoped(Consultation.objects.filter(answered_on__gte=y.first_day, answered_on__lte=y.last_day))
    for values in _grouped(consultations, "office_id", n=Count("pk"),
                           on_time=Count("pk", filter=Consultation.answered_on_time_q())):
        item = row(values["office_id"])
        item.consultations_answered, item.consultations_on_time = values["n"], values["on_time"]

    records = list(scoped(records_published().filter(
        attribute=DisclosureAttribute.PROACTIVE, published_at__gte=y.start, published_at__lt=y.end,
    )).order_by().values_list("office_id", "date_formed", "published_at"))
    zone = timezone.get_default_timezone()
    records = [(office_id, formed, timezone.localtime(published, zone).date())
               for office_id, formed, published in records]
    return figures, replies, records


def statistics(*, office: Office | None = None, today: dt.date | None = None) -> Statistics:
    """The figures of the previous and the current year, per office (all, or `office` only)."""
    today = today or timezone.localdate()
    per_year = {year: _year_rows(year, office) for year in statistics_years(today)}
    # A record formed long before (an old document published now) is beyond the limit whatever
    # the calendar: only the dates that can matter span the calendar window.
    dates = [day for _figures, replies, records in per_year.values()
             for _office, start, end in (*replies, *(r for r in records if _may_be_within(r[1], r[2])))
             for day in (start, end)]
    workdays = _WorkdayIndex(dates)

    if office is not None:
        offices = [office]
    else:
        used = {key for figures, _r, _d in per_year.values() for key in figures if isinstance(key, int)}
        used |= {o for _f, replies, records in per_year.values() for o, _s, _e in (*replies, *records)
                 if o is not None}
        offices = list(Office.objects.filter(Q(is_active=True) | Q(pk__in=used)).order_by("sort_order", "name"))

    years = []
    for year, (figures, replies, records) in per_year.items():
        def row(office_id, figures=figures) -> Figures:
            key = office_id if office_id is not None else UNASSIGNED
            return figures.setdefault(key, Figures(key=key, name=""))

        for office_id, received_on, replied_on in replies:
            row(office_id).answer_days.append(workdays.between(received_on, replied_on))
        for office_id, formed, published_on in records:
            within = (_may_be_within(formed, published_on)
                      and workdays.between(formed, published_on) <= RECORD_LIMIT_WORKDAYS)
            item = row(office_id)
            item.records_published += 1
            item.records_within_limit += within
        rows = []
        for each in offices:
            item = figures.get(each.pk) or Figures(key=each.pk, name="")
            item.name = localized(each)
            rows.append(item)
        if UNASSIGNED in figures:
            figures[UNASSIGNED].name = str(_("（未分办）"))
            rows.append(figures[UNASSIGNED])
        total = Figures(key=None, name=str(_("合计")))
        for item in rows:
            total.add(item)
        years.append(YearFigures(year=year, rows=rows, total=total))
    return Statistics(today=today, years=years, office=office)


# --- What is shown and exported: one list of columns ---------------------------------------------


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:g}%"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


# (label, value) per column; the page's tables, the CSV and the XLSX all read this list.
FIGURE_COLUMNS: list[tuple[object, object]] = [
    (gettext_lazy("收到申请（件）"), lambda f: f.received),
    (gettext_lazy("办结申请（件）"), lambda f: f.closed),
    (gettext_lazy("答复申请（件）"), lambda f: f.answered),
    (gettext_lazy("按期答复（件）"), lambda f: f.answered_on_time),
    (gettext_lazy("按期答复率"), lambda f: _percent(f.on_time_percent)),
    (gettext_lazy("答复用时中位数（工作日）"), lambda f: _number(f.median_workdays)),
    (gettext_lazy("收到举报投诉（件）"), lambda f: f.complaints_received),
    (gettext_lazy("举报属实（含部分属实）"), lambda f: f.complaints_substantiated),
    (gettext_lazy("答复咨询（件）"), lambda f: f.consultations_answered),
    (gettext_lazy("按期答复咨询（件）"), lambda f: f.consultations_on_time),
    (gettext_lazy("主动公开政府信息（条）"), lambda f: f.records_published),
    (gettext_lazy("成文后20个工作日内公开（条）"), lambda f: f.records_within_limit),
]


def group_columns() -> list[tuple[object, object]]:
    """Table 3's six groups of outcomes, in the format's order."""
    return [(label, lambda f, group=group: f.groups[group]) for group, label in OutcomeGroup.choices]


def outcome_columns() -> list[tuple[object, object]]:
    """Every row of table 3's 三、本年度办理结果, in the format's order."""
    return [(label, lambda f, outcome=outcome: f.outcomes[outcome]) for outcome, label in Outcome.choices]


def export_rows(data: Statistics) -> tuple[list[str], list[list]]:
    """Header and rows for the downloads: one row per year and office, then the year's total."""
    columns = [*FIGURE_COLUMNS, *group_columns(), (gettext_lazy("（七）总计"), lambda f: f.closed),
               *outcome_columns()]
    header = [str(_("年度")), str(_("处室")), *(str(label) for label, _get in columns)]
    rows = []
    for year in data.years:
        for item in [*year.rows, year.total]:
            rows.append([year.year, item.name, *(get(item) for _label, get in columns)])
    return header, rows


# --- Charts (SVG drawn on the server, complaints/charts.py) --------------------------------------


@dataclass
class ChartTable:
    """A chart and the same figures as a table, for those who do not see the chart."""

    chart: charts.Chart
    columns: list[str]
    rows: list[tuple[str, list]]


def statistics_charts(year: YearFigures) -> list[ChartTable]:
    rows = year.rows_with_figures
    result = []

    def add(chart_id, title, description, series, values):
        chart_rows = [(r.name, values(r)) for r in rows]
        chart = charts.stacked(id=chart_id, title=title, description=description, rows=chart_rows, series=series)
        result.append(ChartTable(chart=chart, columns=[label for _css, label in series],
                                 rows=[(name, numbers) for name, numbers in chart_rows if sum(numbers)]))

    add("chart-answers", str(_("依申请公开按期答复情况")),
        str(_("%(year)d年各处室答复的申请中，按期答复和逾期答复的件数。") % {"year": year.year}),
        [("bar-ok", str(_("按期答复"))), ("bar-late", str(_("逾期答复")))],
        lambda r: [r.answered_on_time, r.answered_late])
    groups = year.total.groups
    outcome_chart = charts.stacked(
        id="chart-outcomes", title=str(_("依申请公开办理结果")),
        description=str(_("%(year)d年办结的申请按年度报告表3办理结果分类的件数（全部处室）。") % {"year": year.year}),
        rows=[(str(label), [groups[group]]) for group, label in OutcomeGroup.choices],
        series=[("bar-neutral", str(_("件数")))])
    result.append(ChartTable(chart=outcome_chart, columns=[str(_("件数"))],
                             rows=[(str(label), [groups[group]]) for group, label in OutcomeGroup.choices]))
    add("chart-complaints", str(_("举报投诉情况")),
        str(_("%(year)d年各处室被举报投诉的件数，其中举报属实（含部分属实）的件数。") % {"year": year.year}),
        [("bar-neutral", str(_("未查实或办理中"))), ("bar-late", str(_("属实或部分属实")))],
        lambda r: [r.complaints_received - r.complaints_substantiated, r.complaints_substantiated])
    add("chart-consultations", str(_("咨询按期答复情况")),
        str(_("%(year)d年各处室答复的咨询中，按期和逾期答复的件数。") % {"year": year.year}),
        [("bar-ok", str(_("按期答复"))), ("bar-late", str(_("逾期答复")))],
        lambda r: [r.consultations_on_time, r.consultations_late])
    add("chart-records", str(_("政府信息按期公开情况")),
        str(_("%(year)d年各处室主动公开的政府信息中，成文后20个工作日内公开和超过20个工作日公开的条数。")
            % {"year": year.year}),
        [("bar-ok", str(_("20个工作日内"))), ("bar-late", str(_("超过20个工作日")))],
        lambda r: [r.records_within_limit, r.records_beyond_limit])
    return result


# --- The visitor's choice: a year of the two, one office or all; anything else is set aside -------


@dataclass
class Choice:
    year: int
    office: Office | None
    notices: list[str]


def statistics_choice(params, today: dt.date | None = None) -> Choice:
    """`?year=` (the current or the previous year) and `?office=` (an office's number) from the
    query string: a value that is not one of them is set aside with a notice saying so."""
    years = statistics_years(today)
    year, office, notices = years[-1], None, []
    raw_year = (params.get("year") or "").strip()
    if raw_year:
        if raw_year.isascii() and raw_year.isdigit() and int(raw_year) in years:
            year = int(raw_year)
        else:
            notices.append(_("只能查看%(previous)d年和%(current)d年的统计，下面显示%(current)d年。")
                           % {"previous": years[0], "current": years[-1]})
    raw_office = (params.get("office") or "").strip()
    if raw_office:
        if raw_office.isascii() and raw_office.isdigit() and len(raw_office) < 10:
            office = Office.objects.filter(pk=int(raw_office)).first()
        if office is None:
            notices.append(_("没有找到所选的处室，下面显示全部处室。"))
    return Choice(year=year, office=office, notices=notices)


def statistics_offices():
    """The offices the visitor may choose: those in use."""
    return Office.objects.filter(is_active=True).order_by("sort_order", "name")


def figure_table(year: YearFigures, columns: list[tuple[object, object]]) -> dict:
    """The year's figures as a table of `columns`: a row per office, then the total."""
    return {
        "headers": [str(label) for label, _get in columns],
        "rows": [(item.name, [get(item) for _label, get in columns]) for item in year.rows],
        "total": (year.total.name, [get(year.total) for _label, get in columns]),
    }


def outcome_table(data: Statistics) -> list[tuple[str, list[int]]]:
    """Table 3's rows of outcomes with both years' totals side by side: its 总计 column."""
    return [(str(label), [year.total.outcomes[outcome] for year in data.years]) for outcome, label in Outcome.choices]


def summary_table(data: Statistics) -> list[tuple[str, list]]:
    """The totals of both years side by side, a row per figure."""
    return [(str(label), [get(year.total) for year in data.years]) for label, get in FIGURE_COLUMNS]

"""The date drill-down of every back-office list (date_hierarchy) from the index on its column.

Django finds the years (then the months, then the days) of a list by truncating the date of every
row and keeping the distinct values: a scan of the whole table on each visit to a list of 120,000
applications. Here each level costs three queries that read the index whatever the number of rows:
the first and last dates of the list (the first row of the list in the column's order, then in the
reverse order), then one query asking, for every year (month, day) between them, whether a row falls
in it — each an index probe on a range of the column (issue #22).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.admin.views.main import ChangeList
from django.db.models import Exists, Max, Min
from django.utils import timezone

KINDS = ("year", "month", "day")


def _units(first: dt.date, last: dt.date, kind: str) -> list[tuple[dt.date, dt.date]]:
    """The years (months, days) from first to last, each as [start, next start)."""
    units = []
    if kind == "year":
        for year in range(first.year, last.year + 1):
            units.append((dt.date(year, 1, 1), dt.date(year + 1, 1, 1)))
    elif kind == "month":
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            following = (year + month // 12, month % 12 + 1)
            units.append((dt.date(year, month, 1), dt.date(*following, 1)))
            year, month = following
    else:
        day = first
        while day <= last:
            units.append((day, day + dt.timedelta(days=1)))
            day += dt.timedelta(days=1)
    return units


def bounds(queryset, field_name: str) -> dict:
    """The first and last values of the column in `queryset`, as aggregate(first=Min, last=Max)
    gives them, each read as the first row of the list in the column's order: the index walk stops
    at the first row the list's filters and search keep. (SQLite reads MIN and MAX from the index
    only for a whole table; for a searched list it scanned every match, a scan of the table.)"""
    column = queryset.order_by().filter(**{f"{field_name}__isnull": False}).values_list(field_name, flat=True)
    return {"first": column.order_by(field_name).first(), "last": column.order_by(f"-{field_name}").first()}


def _min_max_of_one_field(kwargs: dict) -> str | None:
    """The field of aggregate(first=Min(f), last=Max(f)), Django's drill-down's question; else None."""
    first, last = kwargs.get("first"), kwargs.get("last")
    if set(kwargs) != {"first", "last"} or type(first) is not Min or type(last) is not Max:
        return None
    if first.filter is not None or last.filter is not None:
        return None
    names = {getattr(aggregate.get_source_expressions()[0], "name", None) for aggregate in (first, last)}
    name = names.pop()
    return name if not names and isinstance(name, str) else None


def present_units(queryset, field_name: str, kind: str, *, moments: bool) -> list:
    """The years (months, days) in which `queryset` has a row, in ascending order, as Django's
    dates()/datetimes() give them (dates, or local midnights for a moment field)."""
    bounds = queryset.aggregate(first=Min(field_name), last=Max(field_name))
    if bounds["first"] is None:
        return []
    first, last = bounds["first"], bounds["last"]
    if moments:
        first, last = timezone.localtime(first).date(), timezone.localtime(last).date()
    units = _units(first, last, kind)

    def edge(day: dt.date):
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min)) if moments else day

    probes = {f"u{i}": Exists(_within(queryset, {f"{field_name}__gte": edge(start), f"{field_name}__lt": edge(end)}))
              for i, (start, end) in enumerate(units)}
    # One row of the list carries every probe (each subquery is evaluated once, not per row).
    found = queryset.order_by().annotate(**probes).values(*probes)[:1]
    row = found[0] if found else {}
    return [edge(start) for i, (start, _end) in enumerate(units) if row.get(f"u{i}")]


def _unit_start(day: dt.date, kind: str) -> dt.date:
    return day.replace(month=1, day=1) if kind == "year" else day.replace(day=1) if kind == "month" else day


def units_of_values(values: list, kind: str, *, moments: bool) -> list:
    """present_units for a list whose dates are at hand (a short list's, read with its ids)."""
    days = {timezone.localtime(value).date() if moments else value for value in values if value is not None}
    starts = sorted({_unit_start(day, kind) for day in days})
    if moments:
        return [timezone.make_aware(dt.datetime.combine(start, dt.time.min)) for start in starts]
    return starts


def _within(queryset, bounds: dict):
    """`queryset` narrowed to a range of the column, the range first in the WHERE clause: a list
    already narrowed to a year has two lower bounds on the column, and SQLite walks the index from
    the first one it reads — the year's start, for a probe of December."""
    listed = queryset.order_by()
    try:
        ranged = queryset.model._base_manager.filter(**bounds)
        return (ranged.distinct() if listed.query.distinct else ranged) & listed
    except (TypeError, ValueError, AssertionError):  # a list Django cannot combine: the plain filter
        return listed.filter(**bounds)


def _indexed_queryset_class(base):
    class DatesFromIndex(base):
        # A short list (portal/admin_lists.py: at most LIST_COUNT_CAP rows, narrowed to their ids)
        # reads the column of its rows once and answers from it: walking the column's index for
        # the few rows a rare word matches would read the whole index.
        short_list = False

        def _column(self, field_name: str) -> list:
            columns = self.__dict__.setdefault("_columns", {})
            if field_name not in columns:
                columns[field_name] = list(self.order_by().values_list(field_name, flat=True))
            return columns[field_name]

        def aggregate(self, *args, **kwargs):
            # Django's drill-down asks the list for its first and last dates, then for the years:
            # the same bounds, read once, from the ends of the column's index (bounds()).
            key = repr((args, sorted(kwargs.items())))
            remembered = self.__dict__.setdefault("_remembered_aggregates", {})
            if key not in remembered:
                field_name = None if args else _min_max_of_one_field(kwargs)
                if field_name and self.short_list:
                    values = [v for v in self._column(field_name) if v is not None]
                    remembered[key] = {"first": min(values, default=None), "last": max(values, default=None)}
                else:
                    remembered[key] = (bounds(self, field_name) if field_name
                                       else super().aggregate(*args, **kwargs))
            return dict(remembered[key])

        def _units(self, field_name, kind, *, moments: bool) -> list:
            if self.short_list:
                return units_of_values(self._column(field_name), kind, moments=moments)
            return present_units(self, field_name, kind, moments=moments)

        def dates(self, field_name, kind, order="ASC"):
            if kind not in KINDS:
                return super().dates(field_name, kind, order)
            units = self._units(field_name, kind, moments=False)
            return units[::-1] if order == "DESC" else units

        def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
            if kind not in KINDS or tzinfo is not None:
                return super().datetimes(field_name, kind, order, tzinfo)
            units = self._units(field_name, kind, moments=True)
            return units[::-1] if order == "DESC" else units

    DatesFromIndex.__name__ = f"{base.__name__}DatesFromIndex"
    return DatesFromIndex


_classes: dict[type, type] = {}


class DatesFromIndexChangeList(ChangeList):
    """Mixed into every list's ChangeList by PortalAdminSite.register: the list's queryset answers
    the drill-down's dates()/datetimes() from the index (see the module)."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        if self.date_hierarchy:
            base = queryset.__class__
            queryset.__class__ = _classes.setdefault(base, _indexed_queryset_class(base))
        return queryset


class DatesFromIndexMixin:
    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if issubclass(changelist, DatesFromIndexChangeList):
            return changelist
        return type(changelist.__name__, (DatesFromIndexChangeList, changelist), {"__module__": __name__})


class DaysLeftChangeList(ChangeList):
    """The working days left of every row on the page whose clock runs (the admin's
    `clock_runs(obj)`), as `obj.days_left`, from one calendar query (workdays_left_many) instead
    of two per row."""

    def get_results(self, request):
        from portal.workdays import workdays_left_many

        super().get_results(request)
        runs = self.model_admin.clock_runs
        left = workdays_left_many([row.due_date for row in self.result_list if runs(row)])
        for row in self.result_list:
            row.days_left = left.get(row.due_date) if runs(row) else None


class DaysLeftMixin:
    """For the list of a model with a statutory clock: the admin says whose clock runs
    (`clock_runs(obj)`), and its list computes the page's working days left at once."""

    def clock_runs(self, obj) -> bool:
        raise NotImplementedError

    def get_changelist(self, request, **kwargs):
        return DaysLeftChangeList

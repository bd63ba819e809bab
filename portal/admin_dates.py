"""The date drill-down of every back-office list (date_hierarchy) from the index on its column.

Django finds the years (then the months, then the days) of a list by truncating the date of every
row and keeping the distinct values: a scan of the whole table on each visit to a list of 120,000
applications. Here each level costs two queries that read the index whatever the number of rows:
the first and last dates of the list, then one query asking, for every year (month, day) between
them, whether a row falls in it — each an index probe on a range of the column (issue #22).
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

    probes = {f"u{i}": Exists(queryset.order_by().filter(**{f"{field_name}__gte": edge(start),
                                                             f"{field_name}__lt": edge(end)}))
              for i, (start, end) in enumerate(units)}
    # One row of the list carries every probe (each subquery is evaluated once, not per row).
    found = queryset.order_by().annotate(**probes).values(*probes)[:1]
    row = found[0] if found else {}
    return [edge(start) for i, (start, _end) in enumerate(units) if row.get(f"u{i}")]


def _indexed_queryset_class(base):
    class DatesFromIndex(base):
        def aggregate(self, *args, **kwargs):
            # Django's drill-down asks the list for its first and last dates, then for the years:
            # the same bounds, read once (a list filtered by a search has to scan for them).
            key = repr((args, sorted(kwargs.items())))
            remembered = self.__dict__.setdefault("_remembered_aggregates", {})
            if key not in remembered:
                remembered[key] = super().aggregate(*args, **kwargs)
            return dict(remembered[key])

        def dates(self, field_name, kind, order="ASC"):
            if kind not in KINDS:
                return super().dates(field_name, kind, order)
            units = present_units(self, field_name, kind, moments=False)
            return units[::-1] if order == "DESC" else units

        def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
            if kind not in KINDS or tzinfo is not None:
                return super().datetimes(field_name, kind, order, tzinfo)
            units = present_units(self, field_name, kind, moments=True)
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

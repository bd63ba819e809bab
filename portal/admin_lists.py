"""Every back-office list costs the same at 1,000 rows and at 120,000: it counts at most
LIST_COUNT_CAP + 1 rows and opens only the pages within them (issue #22).

Django's list counts every row it could show on each visit: the whole table, or for a search every
row the words match (a scan of 100,000 titles for a common word like 通知), and a page number opens
by OFFSET, so page 500 of the record list reads 50,000 rows before its own. Here a list counts up
to the cap and says "1,000+ 条" beyond it, and its pages stop at the cap: a deeper page number
opens the last of them. The rows beyond are reached the way a person looks for something in a
long list anyway — by searching, filtering, the date drill-down or sorting the other way round
(what GitHub's and most search engines' result lists do with their first 1,000 results).
"""

from __future__ import annotations

import logging

from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError, migrations, transaction
from django.db.models import QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.utils.functional import cached_property

from portal.pagination import CappedPaginator

LIST_COUNT_CAP = 1000
log = logging.getLogger(__name__)


class ListPaginator(CappedPaginator):
    """A capped count, and a page number past the last page opens the last page (Django's admin
    would redirect to the list's first page with an error flag)."""

    shown_number: int | None = None
    by_ids = True  # a page may be read as ids, then rows (not for a list edited in place)

    @cached_property
    def count(self) -> int:
        known = getattr(self.object_list, "list_count", None)  # BoundedChangeList counted it
        return min(known, self.cap + 1) if known is not None else super().count

    def page(self, number):
        number = self.validate_number(number) if not _past_the_end(self, number) else max(1, self.num_pages)
        self.shown_number = number
        page = super().page(number)
        listed = self.object_list
        if (self.by_ids and getattr(listed, "page_by_ids", False) and isinstance(listed, QuerySet)
                and not listed.query.distinct and page.object_list.query.high_mark is not None):
            # The page's ids first, in the list's order (from an index, or a sort of keys only),
            # then its rows by id: sorting the 100,000 full rows of a year (a record's body among
            # them) to keep a hundred costs seconds on SQLite.
            ids = list(page.object_list.values_list("pk", flat=True))
            rows = {row.pk: row for row in by_ids(listed.order_by(), ids)}
            page.object_list = [rows[pk] for pk in ids if pk in rows]
        return page

    @property
    def count_display(self) -> str:
        """The number of rows as the list says it: "1,000+" once it passed the cap."""
        return f"{self.cap_display}+" if self.capped else f"{self.count:,}"

    @property
    def cap_display(self) -> str:
        return f"{self.cap:,}"


def by_ids(queryset, ids):
    """The rows of `queryset` with these ids (read from it a moment ago), with its related rows
    and annotations but not its filters again: the ids already passed them, and a scope filter
    such as `application IN (the person's applications)` would let SQLite start from the other
    table and read every application's events to find the hundred asked for (seconds)."""
    rows = queryset.all()
    rows.query.clear_where()
    return rows.filter(pk__in=ids)


def _past_the_end(paginator, number) -> bool:
    try:
        return int(number) > paginator.num_pages
    except (TypeError, ValueError):
        return False


def index_serves(model, name) -> bool:
    """Whether an index of `model` gives its rows in the order of the field `name` (either
    direction), the id breaking ties: the primary key, a unique field, a field with db_index,
    or an index on the field alone or led by the field and the id."""
    if not isinstance(name, str) or LOOKUP_SEP in name:
        return False
    name = name.lstrip("-")
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    if not field.concrete or field.is_relation:  # a relation sorts by the other model's order
        return False
    if field.primary_key or field.unique or field.db_index:
        return True
    pk = model._meta.pk.name
    leads = ([name], [name, pk], [name, "id"])
    return any(fields == [name] or fields[:2] in leads
               for fields in ([f.lstrip("-") for f in index.fields] for index in model._meta.indexes
                              if index.fields and index.condition is None))


class BoundedChangeList(ChangeList):
    """Reads the ids of the list's first LIST_COUNT_CAP + 1 rows in whatever order the database
    finds them fastest (for a search, one pass over the table that stops there): their number is
    the count. A list of at most LIST_COUNT_CAP rows is then narrowed to those ids, so its page,
    its order and its date drill-down read those rows by id — not an index walk in the list's
    order, which for a word matching a few rows of 120,000 reads the whole index a row at a time
    (seconds on SQLite). A longer list keeps its order's index, in which its rows come soon.
    `page_num` is the page shown (ListPaginator)."""

    def get_results(self, request):
        cap = getattr(self.model_admin, "list_count_cap", LIST_COUNT_CAP)
        ids = list(self.queryset.order_by().values_list("pk", flat=True)[: cap + 1])
        if len(ids) <= cap:
            self.queryset = by_ids(self.queryset, ids)
            self.queryset.short_list = True  # portal/admin_dates.py reads its dates from its rows
        else:
            self._sort_by_indexes_only(request)
            self.queryset.page_by_ids = self._narrowed_by_another_date()
        self.queryset.list_count = len(ids)  # for ListPaginator, on this object only (not its clones)
        super().get_results(request)
        shown = getattr(self.paginator, "shown_number", None)
        if shown is not None:
            self.page_num = shown

    def _narrowed_by_another_date(self) -> bool:
        """Whether the list is narrowed to a year (month, day) of its drill-down's date and shown
        in the order of another column (the records of a year by creation, in publication
        order): its page is then read as ids, then rows (ListPaginator.page)."""
        field = self.date_hierarchy
        if not field or not any(key.startswith(f"{field}__") for key in self.params):
            return False
        order = list(self.queryset.query.order_by)
        first = order[0] if order else None
        return not (isinstance(first, str) and first.lstrip("-") == field)

    def _column_served(self, name) -> bool:
        return index_serves(self.model, self.get_ordering_field(name))

    def _sort_by_indexes_only(self, request) -> None:
        """A long list sorts only by a column an index serves (an index walk that stops at the
        page); sorting 100,000 rows by a title or a yes/no column reads and sorts the table on
        every page. The other columns sort once a search or filter has narrowed the list to at
        most LIST_COUNT_CAP rows. A sort asked for by another column gives the list's own order."""
        served = [name for name in self.list_display if self._column_served(name)]
        self.sortable_by = [name for name in (self.sortable_by if self.sortable_by is not None else self.list_display)
                            if name in served]
        asked = self.params.get(ORDER_VAR)
        if not asked:
            return
        columns = []
        for part in asked.split("."):
            try:
                columns.append(self.list_display[int(part.rpartition("-")[2])])
            except (IndexError, ValueError):
                continue
        if len(columns) == 1 and columns[0] in self.sortable_by:
            return
        self.params = {key: value for key, value in self.params.items() if key != ORDER_VAR}
        self.queryset = self.queryset.order_by(*self.get_ordering(request, self.root_queryset))

    def _get_deterministic_ordering(self, ordering):
        """Django breaks ties by the id descending whatever the sort's direction; here the id goes
        the sort's way, so that an index on the column (which holds the id in ascending order
        after it) gives an ascending sort as it stands."""
        ordering = list(ordering)
        result = super()._get_deterministic_ordering(ordering)
        if (len(result) == len(ordering) + 1 and result[-1] == "-pk" and ordering
                and isinstance(ordering[-1], str) and not ordering[-1].startswith("-")):
            result[-1] = "pk"
        return result


class BoundedListMixin:
    """Mixed into every ModelAdmin by PortalAdminSite.register: its list counts at most
    `list_count_cap` + 1 rows (see the module)."""

    list_count_cap = LIST_COUNT_CAP

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = ListPaginator(queryset, per_page, cap=self.list_count_cap, orphans=orphans,
                                  allow_empty_first_page=allow_empty_first_page)
        paginator.by_ids = not self.list_editable  # the formset of a list edited in place wants a queryset
        return paginator

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if issubclass(changelist, BoundedChangeList):
            return changelist
        return type(changelist.__name__, (BoundedChangeList, changelist), {"__module__": __name__})


def search_statistics(table: str, columns: list[str]) -> migrations.RunPython:
    """A migration's operation: on PostgreSQL, statistics on UPPER(column) of the columns a long
    list searches. Django's admin searches with `UPPER(column) LIKE UPPER('%word%')`, and without
    statistics on that expression PostgreSQL guesses every word matches 0.5% of the rows: for a
    common one (通知, in 40% of 100,000 titles) it sorted all 40,000 matches for the first hundred
    instead of walking the list order's index to them (75 ms against 0.3 ms; 200 ms with the page's
    joins). ANALYZE, run here and daily (analyze_database), then measures how common a word is.
    Expression statistics need PostgreSQL 14; an older server keeps the guess."""
    name = f"{table}_search_upper"

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        expressions = ", ".join(f"(upper({column}::text))" for column in columns)
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute(f"CREATE STATISTICS IF NOT EXISTS {name} ON {expressions} FROM {table}")
        except DatabaseError as error:
            log.warning("no expression statistics on %s (%s): its searches keep the planner's guess", table, error)
            return
        schema_editor.execute(f"ANALYZE {table}")

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}")

    return migrations.RunPython(create, drop)

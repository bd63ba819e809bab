import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most `cap` + 1 rows, so a very common search term costs no more than a rare
    one; beyond the cap the page says "more than N" and offers the first N results."""

    def __init__(self, object_list, per_page, *, cap: int = 1000, **kwargs):
        self.cap = cap
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return min(self.object_list.order_by()[: self.cap + 1].count(), self.cap + 1)
        return min(self.object_list.count(cap=self.cap), self.cap + 1)  # e.g. search.SearchResults

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        return super().num_pages if not self.capped else -(-self.cap // self.per_page)


# --- Public lists at any depth (issue #22) -------------------------------------------------------

NUMBERED_PAGES = 50  # pages opened by number (an OFFSET of at most 980 rows); beyond, by position


@dataclass
class ListPage:
    """One page of a public list, as `disclosure/_list_pagination.html` shows it. `number` is the
    page's number counted from the newest (exact for numbered pages and the last page; for a
    page reached by position it is carried along the links, and may be off by the few entries
    published since). The links' query parameters: `page`, `after` and `before`."""

    object_list: list
    number: int
    num_pages: int
    count: int
    has_previous: bool = False
    has_next: bool = False
    previous: dict = field(default_factory=dict)
    next: dict = field(default_factory=dict)
    beyond: bool = False  # a page number past NUMBERED_PAGES was asked for: the page says how to go on

    @property
    def paginator(self):  # the old templates' `page.paginator.count` / `num_pages`
        return self


def _link(*, page=None, after=None, before=None) -> dict:
    return {"page": page, "after": after, "before": before}


class KeysetPaginator:
    """Pages a public list newest first on (key, id) — the catalogue's (published_at, id) — so
    every page costs an index walk of one page whatever its depth, and the total is counted once
    per public content version and filter (portal/pagecache.py), not on every render.

    The first NUMBERED_PAGES pages open by number (`?page=N`, an OFFSET bounded by them). From
    there `下一页` / `上一页` carry the position of the row at the page's edge (`?after=` /
    `?before=`), and `?page=last` opens the oldest entries, so every entry stays reachable from
    both ends (the catalogue's year filter is the jump in between). A page number past the
    numbered ones opens no rows: the page says how to go on (`beyond`)."""

    def __init__(self, listed, per_page: int, *, count_key: str, key: str = "published_at"):
        """`listed(published_until=None)`: the list's rows, with `key` at most `published_until`
        as its one upper bound on the key when given (deep pages start their index walk there)."""
        self.listed, self.per_page, self.count_key, self.key = listed, per_page, count_key, key
        self.queryset = listed() if listed is not None else None

    def count(self) -> int:
        from portal.pagecache import count_per_version

        return count_per_version(self.queryset, f"list:{self.count_key}")

    def get_page(self, params) -> ListPage:
        count = self.count()
        num_pages = max(1, -(-count // self.per_page))
        if (position := _position(params.get("after"))) is not None:
            return self._after(position, count, num_pages)
        if (position := _position(params.get("before"))) is not None:
            return self._before(position, count, num_pages)
        asked = params.get("page", "")
        number = int(asked) if asked.isascii() and asked.isdigit() and len(asked) < 10 and int(asked) > 0 else 1
        if asked == "last" or number >= num_pages:  # past the end: the last page, as Django's get_page does
            return self._last(count, num_pages)
        if number > NUMBERED_PAGES:
            return ListPage([], number, num_pages, count, beyond=True,
                            previous=_link(page=NUMBERED_PAGES), next=_link(page="last"))
        return self._numbered(number, count, num_pages)

    def _ordered(self, queryset, newest_first: bool = True):
        return queryset.order_by(f"-{self.key}", "-pk") if newest_first else queryset.order_by(self.key, "pk")

    def _token(self, row, number: int) -> str:
        moment = getattr(row, self.key)
        micros = (moment - EPOCH) // dt.timedelta(microseconds=1)
        return f"{micros}-{row.pk}-{number}"

    def _page(self, rows, number, count, num_pages, *, has_previous, has_next) -> ListPage:
        page = ListPage(rows, number, num_pages, count, has_previous, has_next)
        if has_previous:
            page.previous = (_link(page=number - 1) if number - 1 <= NUMBERED_PAGES
                             else _link(before=self._token(rows[0], number - 1)))
        if has_next:
            page.next = (_link(page=number + 1) if number + 1 <= NUMBERED_PAGES
                         else _link(after=self._token(rows[-1], number + 1)))
        return page

    def _numbered(self, number, count, num_pages) -> ListPage:
        offset = (number - 1) * self.per_page
        rows = list(self._ordered(self.queryset)[offset: offset + self.per_page + 1])
        return self._page(rows[: self.per_page], number, count, num_pages,
                          has_previous=number > 1, has_next=len(rows) > self.per_page)

    def _after(self, position, count, num_pages) -> ListPage:
        moment, pk, number = position
        # `published_until` bounds the index range; the condition breaks ties on the id.
        older = Q(**{f"{self.key}__lt": moment}) | Q(pk__lt=pk)
        rows = list(self._ordered(self.listed(published_until=moment).filter(older))[: self.per_page + 1])
        number = max(2, min(number, num_pages))
        return self._page(rows[: self.per_page], number, count, num_pages,
                          has_previous=bool(rows), has_next=len(rows) > self.per_page)

    def _before(self, position, count, num_pages) -> ListPage:
        moment, pk, number = position
        newer = [Q(**{f"{self.key}__gte": moment}), Q(**{f"{self.key}__gt": moment}) | Q(pk__gt=pk)]
        rows = list(self._ordered(self.queryset.filter(*newer), newest_first=False)[: self.per_page + 1])
        if len(rows) <= self.per_page:  # back at the newest entries: that is the first page
            return self._numbered(1, count, num_pages)
        number = max(2, min(number, num_pages))
        return self._page(rows[: self.per_page][::-1], number, count, num_pages, has_previous=True, has_next=True)

    def _last(self, count, num_pages) -> ListPage:
        size = count - (num_pages - 1) * self.per_page if count else self.per_page
        if num_pages <= NUMBERED_PAGES:
            return self._numbered(num_pages, count, num_pages)
        rows = list(self._ordered(self.queryset, newest_first=False)[:size])[::-1]
        return self._page(rows, num_pages, count, num_pages, has_previous=bool(rows), has_next=False)


EPOCH = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)  # positions are microseconds since (never negative)


def _position(token) -> tuple[dt.datetime, int, int] | None:
    """(moment, id, page number) from `?after=` / `?before=`; None for anything malformed (the
    list then opens at its first page, as for a bad page number)."""
    parts = (token or "").split("-")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() and 0 < len(p) < 19 for p in parts):
        return None
    micros, pk, number = (int(p) for p in parts)
    try:
        moment = EPOCH + dt.timedelta(microseconds=micros)
    except OverflowError:
        return None
    return moment, pk, min(number, 10**9)

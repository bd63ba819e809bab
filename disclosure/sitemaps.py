"""The sitemap: the column's fixed pages and every published record's page.

Records come from `records_published()` only; revoked, scheduled and unpublished ones stay out.
Superseded versions are still published pages (they link to the current one), so they stay in.
Django's sitemap framework splits the list into pages. Record pages are ranges of 1,000 ids, read
off the primary key: Django's default (50,000 URLs by OFFSET) took over a second to render at
100,000 records, and issue #22 bounds every public URL's cost. A range holds at most 1,000 URLs,
fewer where ids belong to records not (or no longer) published.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse

from disclosure import selectors
from disclosure.models import Record
from portal.pagecache import per_version

STATIC_PAGES = [
    "disclosure:home",
    "disclosure:guide",
    "disclosure:rules",
    "disclosure:catalogue",
    "disclosure:statutory",
    "disclosure:annual_reports",
    "applications:apply",
    "complaints:interact",
]


class StaticPagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self) -> list[str]:
        return STATIC_PAGES

    def location(self, item: str) -> str:
        return reverse(item)


class IdRangePaginator(Paginator):
    """Page N holds the ids ((N-1) × per_page, N × per_page]: one primary-key range per page,
    however deep. Its `count` is the highest id, so `num_pages` covers every id."""

    def __init__(self, object_list, per_page: int, *, last_id: int):
        super().__init__(object_list, per_page)
        self.count = last_id

    def page(self, number):
        number = self.validate_number(number)
        low = (number - 1) * self.per_page
        return self._get_page(self.object_list.filter(pk__gt=low, pk__lte=low + self.per_page), number, self)


class RecordSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8
    limit = 1000

    def items(self):
        return selectors.records_published().only("pk", "published_at").order_by("pk")

    @property
    def paginator(self):
        last_id = per_version("sitemap:last-record", lambda: self.items().aggregate(last=Max("pk"))["last"] or 0)
        return IdRangePaginator(self.items(), self.limit, last_id=last_id)

    def get_latest_lastmod(self):
        # For the index: one indexed MAX, where Django's default calls lastmod() on every record.
        return self.items().aggregate(latest=Max("published_at"))["latest"]

    def location(self, item: Record) -> str:
        return item.get_absolute_url()

    def lastmod(self, item: Record):
        return item.published_at


SITEMAPS = {"pages": StaticPagesSitemap, "records": RecordSitemap}

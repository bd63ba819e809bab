"""The sitemap: the column's fixed pages and every published record's page.

Records come from `records_published()` only; revoked, scheduled and unpublished ones stay out.
Superseded versions are still published pages (they link to the current one), so they stay in.
Django's sitemap framework splits the list into pages of 50,000 URLs.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from disclosure import selectors
from disclosure.models import Record

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


class RecordSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return selectors.records_published().only("pk", "published_at").order_by("pk")

    def location(self, item: Record) -> str:
        return item.get_absolute_url()

    def lastmod(self, item: Record):
        return item.published_at


SITEMAPS = {"pages": StaticPagesSitemap, "records": RecordSitemap}

"""RSS and Atom feeds of new releases, all and per catalogue category.

Items come from `catalogue_listed()` only: the current versions of published, unrevoked
records. The description is the catalogue summary; the body of 依申请公开 entries never appears.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from disclosure import selectors
from disclosure.models import CatalogueCategory, CatalogueEntry
from portal.models import SiteProfile

FEED_SIZE = 50
EXCERPT_CHARS = 200


class _LatestEntriesFeed(Feed):
    """The latest listed catalogue entries. Subclasses pick the format and, maybe, a category."""

    feed_type = Rss201rev2Feed

    def get_object(self, request, *args, **kwargs):
        return None

    def _entries(self, category: CatalogueCategory | None):
        entries = selectors.catalogue_listed().select_related("record")
        if category is not None:
            entries = entries.filter(category_id__in=selectors.category_subtree_ids(category))
        return entries.order_by("-published_at", "-pk")[:FEED_SIZE]

    def items(self, obj):
        entries = list(self._entries(obj))
        related = selectors.interpretation_links_for_feed([entry.record_id for entry in entries])
        for entry in entries:
            entry.related_links = related.get(entry.record_id, [])
        return entries

    # --- the channel ------------------------------------------------------------------------

    def title(self, obj):
        agency = SiteProfile.current().name
        if obj is None:
            return _("%(agency)s 政府信息公开 最新发布") % {"agency": agency}
        return _("%(agency)s 政府信息公开 %(category)s") % {"agency": agency, "category": obj.name}

    def link(self, obj):
        return obj.get_absolute_url() if obj is not None else reverse("disclosure:catalogue")

    def description(self, obj):
        if obj is None:
            return _("政府信息公开目录中最新发布的%(count)d条信息。") % {"count": FEED_SIZE}
        return _("政府信息公开目录“%(category)s”中最新发布的%(count)d条信息。") % {
            "category": obj.name, "count": FEED_SIZE}

    def subtitle(self, obj):
        return self.description(obj)

    def author_name(self, obj):
        return SiteProfile.current().name

    # --- the items --------------------------------------------------------------------------

    def item_title(self, item: CatalogueEntry) -> str:
        return item.title

    def item_link(self, item: CatalogueEntry) -> str:
        return reverse("disclosure:record", args=[item.record_id])

    def item_description(self, item: CatalogueEntry) -> str:
        """The catalogue summary; for a proactive record without one, a plain-text excerpt.
        Never the body of a 依申请公开 entry."""
        if item.summary or not item.record.shows_body:
            return item.summary
        return Truncator(strip_tags(item.record.body)).chars(EXCERPT_CHARS)

    def item_pubdate(self, item: CatalogueEntry):
        return item.published_at

    def item_updateddate(self, item: CatalogueEntry):
        return item.published_at

    def item_categories(self, item: CatalogueEntry):
        return (item.category.name,)

    def item_author_name(self, item: CatalogueEntry) -> str:
        return item.office.name

    def item_extra_kwargs(self, item: CatalogueEntry) -> dict:
        """政策解读 (issue #19): a policy's interpretations and an interpretation's original,
        as <link rel="related"> (atom:link in RSS)."""
        return {"related_links": [(reverse("disclosure:record", args=[pk]), title)
                                  for pk, title in item.related_links]}

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        from django.contrib.sites.shortcuts import get_current_site
        from django.contrib.syndication.views import add_domain

        domain = get_current_site(request).domain
        for item in feed.items:
            item["related_links"] = [(add_domain(domain, url, request.is_secure()), title)
                                     for url, title in item.get("related_links", [])]
        return feed


class _RelatedLinksRss(Rss201rev2Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for url, title in item.get("related_links", []):
            handler.addQuickElement("atom:link", "", {"rel": "related", "href": url, "title": title})


class _RelatedLinksAtom(Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for url, title in item.get("related_links", []):
            handler.addQuickElement("link", "", {"rel": "related", "href": url, "title": title})


class _ByCategory:
    """A feed of one active catalogue category and all its sub-categories; 404 for any other code."""

    def get_object(self, request, code: str):
        return get_object_or_404(CatalogueCategory, code=code, is_active=True)


class _IndexNumberGuid:
    """RSS: the index number (索引号) is the item's permanent, unique identifier."""

    def item_guid(self, item: CatalogueEntry) -> str:
        return item.index_number

    item_guid_is_permalink = False


class LatestEntriesRss(_IndexNumberGuid, _LatestEntriesFeed):
    feed_type = _RelatedLinksRss


class LatestEntriesAtom(_LatestEntriesFeed):
    """Atom ids must be IRIs: the record page's absolute URL (the feed framework's default)."""

    feed_type = _RelatedLinksAtom


class CategoryEntriesRss(_ByCategory, LatestEntriesRss):
    pass


class CategoryEntriesAtom(_ByCategory, LatestEntriesAtom):
    pass

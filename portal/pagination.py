from django.core.paginator import Paginator
from django.db.models import QuerySet
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

"""What the public asks for (issue #18): searches that found nothing, and the anonymous counters of
the hints shown while applying. Imported by disclosure.models.

Nothing here names a person: a search miss is the query text (normalised, truncated) and a count
per day; the hint counters are one row per day. No address, no session id, no user agent."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

MISS_QUERY_MAX = 100  # search.MAX_QUERY_LENGTH: what the search itself reads of a query


class SearchMiss(models.Model):
    """Public searches for one query text on one day that found nothing."""

    query = models.CharField(_("检索词"), max_length=MISS_QUERY_MAX)
    day = models.DateField(_("日期"))
    count = models.PositiveIntegerField(_("次数"), default=0)

    class Meta:
        verbose_name = _("无结果的检索")
        verbose_name_plural = _("无结果的检索")
        ordering = ["-day", "-count"]
        constraints = [models.UniqueConstraint(fields=["query", "day"], name="search_miss_query_day")]
        indexes = [models.Index(fields=["day"], name="search_miss_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.query} ×{self.count}"


class HintCounter(models.Model):
    """One day of the hints on the application form: pages that showed hints, visitors who followed
    one (counted once per session), and of those, how many applied all the same in that session.
    Applications avoided = followed − submitted after following."""

    day = models.DateField(_("日期"), unique=True)
    shown = models.PositiveIntegerField(_("显示提示次数"), default=0)
    followed = models.PositiveIntegerField(_("点击提示人次"), default=0)
    submitted_after_following = models.PositiveIntegerField(_("点击后仍提交申请"), default=0)

    class Meta:
        verbose_name = _("申请提示统计")
        verbose_name_plural = _("申请提示统计")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)

    @property
    def avoided(self) -> int:
        return max(0, self.followed - self.submitted_after_following)


class DemandTopic(SearchMiss):
    """The demand page of the back office (R.44): a place, no table of its own."""

    class Meta:
        proxy = True
        default_permissions = ("view",)
        verbose_name = _("公开需求分析")
        verbose_name_plural = _("公开需求分析")

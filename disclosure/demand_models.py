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


class DemandSummary(models.Model):
    """The demand page's figures for one period, as computed at `computed_at` (issue #22): clustering
    a year of applications and consultations takes seconds, so it is done once per change of its
    inputs (disclosure.demand_services.demand_summary_store), not on every view. `inputs` is the
    fingerprint of the data it was computed from (demand_selectors.demand_fingerprint): the page
    compares it with today's and says when the figures are out of date. Derived data, replaced
    whole on each computation: no history, no edit path."""

    start = models.DateField(_("起"))
    end = models.DateField(_("止"))
    threshold = models.PositiveSmallIntegerField(_("建议纳入主动公开的次数"))
    similarity = models.FloatField(_("相似度"))
    computed_at = models.DateTimeField(_("统计时间"))
    inputs = models.JSONField(_("统计所依据的数据"), default=dict)
    topic_count = models.PositiveIntegerField(_("主题数"), default=0)
    single = models.PositiveIntegerField(_("未归类的申请和咨询"), default=0)
    misses = models.JSONField(_("其他无结果的检索"), default=list)  # [[query, count], …], most frequent first

    class Meta:
        verbose_name = _("公开需求统计结果")
        verbose_name_plural = _("公开需求统计结果")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["start", "end"], name="demand_summary_period")]

    def __str__(self) -> str:
        return f"{self.start}–{self.end}"


class DemandSummaryTopic(models.Model):
    """One topic of a stored summary, in the order the page shows them (`rank`, most asked first)."""

    summary = models.ForeignKey(DemandSummary, on_delete=models.CASCADE, related_name="topics")
    rank = models.PositiveIntegerField()
    name = models.TextField(_("主题"))
    entry = models.ForeignKey("disclosure.CatalogueEntry", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("目录条目"))
    applications = models.PositiveIntegerField(_("申请"), default=0)
    consultations = models.PositiveIntegerField(_("咨询"), default=0)
    searched = models.PositiveIntegerField(_("无结果的检索"), default=0)
    flagged = models.BooleanField(_("建议纳入主动公开"), default=False)
    searches = models.JSONField(default=list)  # [[query, count], …]

    class Meta:
        default_permissions = ()
        ordering = ["summary", "rank"]
        constraints = [models.UniqueConstraint(fields=["summary", "rank"], name="demand_summary_topic_rank")]

    def __str__(self) -> str:
        return self.name

    @property
    def asked(self) -> int:
        return self.applications + self.consultations


class DemandSummaryCase(models.Model):
    """One application or consultation of a stored topic, as the page lists it (its title, never its
    full text nor who asked), in the topic's order (`position`): the page reads a topic's first
    ones, the topic's own page a page of them at a time."""

    topic = models.ForeignKey(DemandSummaryTopic, on_delete=models.CASCADE, related_name="cases")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20)  # demand_selectors.APPLICATION or CONSULTATION
    request_id = models.BigIntegerField()  # the application's or the consultation's id
    code = models.CharField(max_length=40)
    title = models.TextField()
    on = models.DateField()
    url = models.CharField(max_length=300)

    class Meta:
        default_permissions = ()
        ordering = ["topic", "position"]
        constraints = [models.UniqueConstraint(fields=["topic", "position"], name="demand_summary_case_position")]

    def __str__(self) -> str:
        return self.code

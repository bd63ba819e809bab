"""意见征集 / 重大行政决策预公开 (issue #19, part 2): a call for public comments on a draft
(`CommentPeriod`), the comments received (`PublicComment`) and the rules the agency sets for the
minimum periods (`CommentRules`).

A comment period rides on a `Record`: its title, draft text and draft files are the record's, and
the record goes through the M.12 chain like any other; the period's page is public once the record
is published. Afterwards the adoption report (意见采纳情况) is another record of the chain, linked
from the period (and, when comments were adopted, from the final policy record).

Open or closed is derived from the dates in Beijing time (settings.TIME_ZONE), never stored: the
period closes by itself at the end of its end date, no job needed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import StoredFile


class DecisionKind(models.TextChoices):
    """What the draft is; the minimum comment period depends on it (CommentRules)."""

    MAJOR = "major", _("重大行政决策")
    NORMATIVE = "normative", _("行政规范性文件")
    OTHER = "other", _("其他")


class CommentChannel(models.TextChoices):
    """How the public may send comments (listed on the public page)."""

    ONLINE = "online", _("在本网站在线提交")
    EMAIL = "email", _("电子邮件")
    MAIL = "mail", _("信函")
    FAX = "fax", _("传真")


class CommentPhase(models.TextChoices):
    """Where a period is, derived from its record and dates (never stored)."""

    NOT_PUBLISHED = "not_published", _("未发布")
    UPCOMING = "upcoming", _("尚未开始")
    OPEN = "open", _("征集中")
    CLOSED = "closed", _("已结束")


class CommentDecision(models.TextChoices):
    """How a comment was handled (采纳情况)."""

    PENDING = "pending", _("待处理")
    ADOPTED = "adopted", _("采纳")
    PARTLY = "partly", _("部分采纳")
    NOT_ADOPTED = "not_adopted", _("未采纳")


class CommentRules(models.Model):
    """The agency's minimum comment periods per kind of draft, and whether a commenter must give a
    name. One row (pk=1), edited by the disclosure office. The defaults are the usual rules:
    at least 30 days for a major administrative decision (《重大行政决策程序暂行条例》第十五条),
    at least 7 working days for a normative document."""

    major_min_days = models.PositiveSmallIntegerField(
        _("重大行政决策最短征集期（日）"), default=30, help_text=_("按自然日计算，含开始和结束当日。"))
    normative_min_workdays = models.PositiveSmallIntegerField(
        _("行政规范性文件最短征集期（工作日）"), default=7, help_text=_("按工作日计算，含开始和结束当日。"))
    other_min_days = models.PositiveSmallIntegerField(
        _("其他草案最短征集期（日）"), default=7, help_text=_("按自然日计算，含开始和结束当日。"))
    require_name = models.BooleanField(
        _("提交意见须填写姓名"), default=False, help_text=_("勾选后，公众提交意见时必须填写姓名或名称。"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("意见征集设置")
        verbose_name_plural = _("意见征集设置")

    def __str__(self) -> str:
        return str(_("意见征集设置"))


class CommentPeriod(models.Model):
    """A call for public comments on a draft (意见征集 / 重大行政决策预公开)."""

    record = models.OneToOneField(
        "disclosure.Record", on_delete=models.PROTECT, related_name="comment_period",
        verbose_name=_("征求意见稿"), help_text=_("草案的标题、正文和附件即该政府信息的标题、正文和附件，随其发布流程审核发布。"))
    decision_kind = models.CharField(_("草案类别"), max_length=20, choices=DecisionKind.choices)
    start_date = models.DateField(_("征集开始日期"))
    end_date = models.DateField(_("征集截止日期"), help_text=_("截止日当天24时（北京时间）结束。"))
    contact = models.CharField(_("联系方式"), max_length=300,
                               help_text=_("公开显示：联系处室、电话、电子邮箱或通信地址。"))
    channels = models.JSONField(_("意见反馈渠道"), default=list, blank=True)
    closed_early_at = models.DateTimeField(_("提前结束时间"), null=True, blank=True)
    closed_early_reason = models.TextField(_("提前结束原因"), blank=True)
    closed_early_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("提前结束人"))
    adoption_report = models.OneToOneField(
        "disclosure.Record", on_delete=models.PROTECT, null=True, blank=True, related_name="adoption_report_of",
        verbose_name=_("意见采纳情况"))
    final_record = models.ForeignKey(
        "disclosure.Record", on_delete=models.PROTECT, null=True, blank=True, related_name="comment_periods_final",
        verbose_name=_("正式发布的文件"), help_text=_("草案通过后正式发布的政府信息；其页面链接到意见采纳情况。"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("发起人"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("意见征集")
        verbose_name_plural = _("意见征集")
        ordering = ["-start_date", "-pk"]
        permissions = [
            ("open_commentperiod", _("发起意见征集")),
            ("close_commentperiod", _("提前结束意见征集")),
            ("report_commentperiod", _("起草意见采纳情况")),
        ]

    def __str__(self) -> str:
        return self.record.title if self.record_id else str(_("意见征集"))

    def get_absolute_url(self) -> str:
        return reverse("disclosure:comment_period", args=[self.pk])

    @property
    def title(self) -> str:
        return self.record.title

    @property
    def office_id(self) -> int:
        return self.record.office_id

    @property
    def closes_at(self) -> dt.datetime:
        """The first moment no comment is accepted: the day after the end date, 00:00 Beijing time
        (or the early closing, when there was one)."""
        end = dt.datetime.combine(self.end_date + dt.timedelta(days=1), dt.time(0),
                                  tzinfo=timezone.get_default_timezone())
        return min(end, self.closed_early_at) if self.closed_early_at else end

    @property
    def opens_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start_date, dt.time(0), tzinfo=timezone.get_default_timezone())

    def phase(self, now: dt.datetime | None = None) -> str:
        now = now or timezone.now()
        if not self.record.is_public:
            return CommentPhase.NOT_PUBLISHED
        if now >= self.closes_at:
            return CommentPhase.CLOSED
        if now < self.opens_at:
            return CommentPhase.UPCOMING
        return CommentPhase.OPEN

    def channel_labels(self) -> list[str]:
        return [str(CommentChannel(value).label) for value in self.channels if value in CommentChannel.values]


def comment_file_path(instance: PublicComment, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"comments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class PublicComment(models.Model):
    """One comment from the public on a draft. The name and contact are personal data: shown
    masked in lists, never on public pages, never a filter, search or sort (CONFIDENTIAL_FIELDS)."""

    period = models.ForeignKey(CommentPeriod, on_delete=models.PROTECT, related_name="comments",
                               verbose_name=_("意见征集"))
    receipt_code = models.CharField(_("回执编号"), max_length=30, unique=True)
    name = models.CharField(_("姓名或名称"), max_length=100, blank=True)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    text = models.TextField(_("意见内容"))
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    idempotency_key = models.UUIDField(_("提交标识"), null=True, blank=True, unique=True, editable=False)
    decision = models.CharField(_("采纳情况"), max_length=20, choices=CommentDecision.choices,
                                default=CommentDecision.PENDING)
    decision_reason = models.TextField(_("理由"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("处理人"))
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    history = HistoricalRecords()

    CONFIDENTIAL_FIELDS = ("name", "contact", "idempotency_key")

    class Meta:
        verbose_name = _("公众意见")
        verbose_name_plural = _("公众意见")
        ordering = ["submitted_at", "pk"]
        permissions = [("decide_publiccomment", _("处理公众意见（采纳情况）"))]

    def __str__(self) -> str:
        return self.receipt_code


class PublicCommentFile(StoredFile):
    """The one attachment a commenter may send (checked like every upload: portal/files.py)."""

    comment = models.OneToOneField(PublicComment, on_delete=models.PROTECT, related_name="file",
                                   verbose_name=_("公众意见"))
    file = models.FileField(_("文件"), upload_to=comment_file_path, max_length=200)

    class Meta:
        verbose_name = _("意见附件")
        verbose_name_plural = _("意见附件")

    def __str__(self) -> str:
        return self.original_name

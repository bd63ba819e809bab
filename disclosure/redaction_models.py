"""Released copies of files with parts removed (遮盖 / 区分处理, R.37; M.6 second paragraph), and
what the personal-data check found and was told (M.6, R.15). Imported by disclosure.models.

A `FileRedaction` belongs to any stored file — a record's attachment here, a file provided to an
applicant in `applications` — through a generic relation, so that the layer below never names
the layer above (DESIGN.md). The original stays where it was and stays internal; the redacted
copy is what the public or the applicant downloads."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import AppendOnlyModel


class RedactionState(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("处理中")
    DONE = "done", _("已生成")
    FAILED = "failed", _("未成功")
    WITHDRAWN = "withdrawn", _("已撤回")


def redacted_path(instance, filename: str) -> str:
    return f"redacted/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class FileRedaction(models.Model):
    """One redaction of one file: the boxes and their grounds, who drew them, the job's progress,
    and the released copy with the checks it passed."""

    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("文件类型"))
    source_id = models.PositiveBigIntegerField(_("文件编号"))
    source = GenericForeignKey("source_type", "source_id")
    source_sha256 = models.CharField(_("原文件 SHA-256"), max_length=64)
    source_name = models.CharField(_("原文件名"), max_length=255)
    boxes = models.JSONField(_("遮盖区域"), default=list, help_text=_("每个区域：页码、位置（占页面的比例）和不予公开的依据。"))
    state = models.CharField(_("状态"), max_length=20, choices=RedactionState.choices, default=RedactionState.PENDING)
    pages_total = models.PositiveIntegerField(_("总页数"), default=0)
    pages_done = models.PositiveIntegerField(_("已处理页数"), default=0)
    message = models.TextField(_("说明"), blank=True)
    report = models.JSONField(_("检查结果"), default=dict, blank=True)
    file = models.FileField(_("遮盖后的文件"), upload_to=redacted_path, max_length=200, blank=True)
    original_name = models.CharField(_("公开文件名"), max_length=255, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100, default="application/pdf")
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("遮盖人"))
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("撤回人"))
    # Progress (pages_done, heartbeat_at) is written with QuerySet.update(): no history row per page.
    history = HistoricalRecords(excluded_fields=["pages_done", "heartbeat_at"])

    class Meta:
        verbose_name = _("文件遮盖")
        verbose_name_plural = _("文件遮盖")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["source_type", "source_id", "-created_at"], name="redaction_by_source")]
        permissions = [("redact_file", _("遮盖处理文件"))]

    def __str__(self) -> str:
        return f"{self.source_name} · {self.get_state_display()}"

    @property
    def progress_percent(self) -> int:
        return int(100 * self.pages_done / self.pages_total) if self.pages_total else 0

    @property
    def grounds(self) -> list[str]:
        return sorted({box.get("ground", "") for box in self.boxes if box.get("ground")})

    @property
    def pages_with_boxes(self) -> list[int]:
        return sorted({int(box["page"]) for box in self.boxes})


class SensitiveWord(models.Model):
    """Wording the agency does not want published (错敏词): an office's former name, a misspelt
    title, a wrong term. Kept by the disclosure office; every record and reply is checked."""

    word = models.CharField(_("错敏词"), max_length=100, unique=True)
    correct = models.CharField(_("正确用法"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("错敏词")
        verbose_name_plural = _("错敏词")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class PersonalDataClearance(AppendOnlyModel):
    """A named person's reason why a hit of the personal-data check may stay (M.6): e.g. the
    number is the office's published service line. One row per decision, never changed."""

    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("事项类型"))
    target_id = models.PositiveBigIntegerField(_("事项编号"))
    target = GenericForeignKey("target_type", "target_id")
    fingerprint = models.CharField(_("指纹"), max_length=32)
    kind = models.CharField(_("类型"), max_length=30)
    shown_value = models.CharField(_("内容（部分隐藏）"), max_length=200)
    reason = models.TextField(_("理由"), max_length=2000)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("说明人"))
    acted_as = models.CharField(_("身份"), max_length=30, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("个人信息检查说明")
        verbose_name_plural = _("个人信息检查说明")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="clearance_by_target")]

    def __str__(self) -> str:
        return f"{self.shown_value}：{self.reason[:40]}"

"""The compliance self-check's runs (M.18): each run's score and findings, kept as history.
Imported by complaints.models."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ComplianceRun(models.Model):
    """One run of the checks inspections use (国办秘函〔2019〕19号, the column rules): a score
    out of 100 and what was found, each finding with a link to what to fix. Written by the daily
    command or by a person on the page; never changed afterwards (but for the accountability
    case a finding was turned into, M.20)."""

    at = models.DateTimeField(_("检查时间"), default=timezone.now, db_index=True)
    score = models.PositiveSmallIntegerField(_("得分"))
    checks = models.JSONField(_("检查项"), default=list)
    findings = models.JSONField(_("发现的问题"), default=list)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("发起人"),
                                   help_text=_("空：每日自动检查。"))
    duration_ms = models.PositiveIntegerField(_("用时（毫秒）"), default=0)

    class Meta:
        verbose_name = _("合规自查")
        verbose_name_plural = _("合规自查")
        ordering = ["-at", "-pk"]
        permissions = [("run_compliance_check", _("运行合规自查"))]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} · {self.score}"

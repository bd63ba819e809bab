"""政策解读 (issue #19): a record that interprets one or more policy records.

The interpretation is an ordinary `Record` (its text, 图解 images as attachments, a video link,
its own attachments and catalogue line); `Interpretation` is the link between the two. A link
made while the policy is still a draft is `with_policy`: the interpretation is drafted,
approved and published with its policy ("同步起草、同步审签、同步发布", 国办发〔2016〕80号) and
moves through the M.12 chain only with it. A link to a policy already published is an
interpretation added later, which runs its own chain.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class InterpretationWaiver(models.TextChoices):
    """Why a 行政规范性文件 is published without an interpretation: the disclosure office's
    choice at the unified review, recorded with the record (国办发〔2016〕80号)."""

    SIMPLE = "simple", _("内容简单、易于理解，无需解读")
    PROCEDURAL = "procedural", _("属于程序性、事务性文件，无需解读")
    WORDING = "wording", _("仅作文字性、技术性修改，无需解读")
    SUPERIOR = "superior", _("转发或落实上级文件，上级机关已作解读")


class Interpretation(models.Model):
    policy = models.ForeignKey("disclosure.Record", on_delete=models.PROTECT, related_name="interpretation_links",
                               verbose_name=_("政策文件"))
    interpretation = models.ForeignKey("disclosure.Record", on_delete=models.PROTECT, related_name="interprets_links",
                                       verbose_name=_("政策解读"))
    with_policy = models.BooleanField(
        _("与政策文件同步审签、同步发布"), default=False,
        help_text=_("政策文件起草时一并附上的解读，随政策文件审核、发布。"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("关联人"))
    created_at = models.DateTimeField(_("关联时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("政策解读关联")
        verbose_name_plural = _("政策解读关联")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "interpretation"], name="interpretation_link_unique"),
            models.CheckConstraint(condition=~models.Q(policy=models.F("interpretation")),
                                   name="interpretation_not_itself"),
            # Moving with one chain: an interpretation is drafted with at most one policy.
            models.UniqueConstraint(fields=["interpretation"], condition=models.Q(with_policy=True),
                                    name="interpretation_one_chain"),
        ]

    def __str__(self) -> str:
        return f"{self.interpretation_id} → {self.policy_id}"

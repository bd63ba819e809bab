"""Subscriptions for the public (信息订阅, issue #21 part 3): an e-mail address, what it follows
(categories, offices, document types, a search query — any combination; none means everything
published), how often (immediate, daily, weekly digest).

The address is personal data: only the disclosure office sees it in the back office, it is never
logged, and unsubscribing deletes the row with its deliveries. A subscription counts only once
confirmed (double opt-in): the confirmation link carries a secret stored here as a slow digest
(portal.tracking.secret_digest, as the tracking secrets) and expires after CONFIRM_DAYS."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Office

CONFIRM_DAYS = 3


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("即时")
    DAILY = "daily", _("每日汇总")
    WEEKLY = "weekly", _("每周汇总")


class SubscriptionEvent(models.TextChoices):
    PUBLISH = "publish", _("发布")
    REVOKE = "revoke", _("撤销")


class Subscription(models.Model):
    email = models.EmailField(_("电子邮箱"))
    categories = models.ManyToManyField("disclosure.CatalogueCategory", blank=True, related_name="+",
                                        verbose_name=_("主题分类"))
    offices = models.ManyToManyField(Office, blank=True, related_name="+", verbose_name=_("发布机构"))
    document_types = models.JSONField(_("文件类型"), default=list, blank=True)
    query = models.CharField(_("关键词"), max_length=100, blank=True)
    frequency = models.CharField(_("发送频率"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE)
    created_at = models.DateTimeField(_("订阅时间"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    token_digest = models.CharField(_("确认密钥摘要"), max_length=200, editable=False)
    last_digest_at = models.DateTimeField(_("上次汇总发送时间"), null=True, blank=True)
    # The mail server refused the address for good (5xx): no more mail is written for it; the
    # person subscribes again with a working address (the outbox's notice_refused hook).
    refused_at = models.DateTimeField(_("邮箱被拒收时间"), null=True, blank=True)
    idempotency_key = models.UUIDField(_("提交标识"), unique=True, null=True, blank=True, editable=False)

    # Only the disclosure office sees them (admin), and no list filters, searches or sorts by them.
    CONFIDENTIAL_FIELDS = ("email", "token_digest", "idempotency_key")

    class Meta:
        verbose_name = _("信息订阅")
        verbose_name_plural = _("信息订阅")
        indexes = [models.Index(fields=["confirmed_at", "frequency"], name="subscription_active")]

    def __str__(self) -> str:
        return str(_("信息订阅 %(pk)s") % {"pk": self.pk})

    @property
    def confirm_expires_at(self) -> dt.datetime:
        return self.created_at + dt.timedelta(days=CONFIRM_DAYS)


class SubscriptionDelivery(models.Model):
    """One piece of news (a record published or revoked) for one subscriber: written once by the
    matching task (the unique constraint makes a second run a no-op), mailed at once for an
    immediate subscriber, or collected by the next digest (`sent_at` empty until then)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    record = models.ForeignKey("disclosure.Record", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=10, choices=SubscriptionEvent.choices)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("订阅推送")
        verbose_name_plural = _("订阅推送")
        constraints = [models.UniqueConstraint(fields=["subscription", "record", "event"],
                                               name="subscription_delivery_once")]
        indexes = [models.Index(fields=["subscription", "sent_at"], name="subscription_delivery_due")]

    def __str__(self) -> str:
        return f"{self.subscription_id}/{self.record_id}/{self.event}"

"""Demo subscribers (issue #21): one who subscribed to everything ten days ago, confirmed by the
link in their mail and receives the daily digest of what was published since; one who has just
subscribed to a topic and has yet to confirm. Both mails go through the outbox, so `make demo`'s
worker sends them (without EMAIL_HOST each mail is kept as a file in var/mail/, PORTAL_MAIL_DIR)."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.utils import timezone

from disclosure import subscription_services
from disclosure.subscription_models import Frequency, Subscription
from portal.models import Notice

DIGEST_READER = "dingyue.reader@example.com"
NEW_READER = "xin.dingyue@example.com"
CONFIRM_LINK = re.compile(r"/subscribe/confirm/([0-9]+-[A-Za-z0-9_-]+)/")


def _confirmation_token(email: str) -> str:
    """The token of the link the subscriber received: what they click in their mail."""
    mail = Notice.objects.filter(to=[email]).order_by("-pk").first()
    return CONFIRM_LINK.search(mail.body).group(1)


def load() -> str:
    if Subscription.objects.filter(email__in=[DIGEST_READER, NEW_READER]).exists():
        return ""
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=10), tick=False):
        subscription_services.subscription_create(email=DIGEST_READER, frequency=Frequency.DAILY)
        subscription_services.subscription_confirm(_confirmation_token(DIGEST_READER))
    # What took effect since (the demo's records are published at past dates, before the reader
    # existed when the loader ran): matched as the daily job does, then the digest.
    subscription_services.catch_up(now=now, days=10)
    digests = subscription_services.send_digests(now=now)
    subscription_services.subscription_create(email=NEW_READER, query="数字化", frequency=Frequency.IMMEDIATE)
    return f"subscriptions: 2 (1 confirmed, {digests} digest)"

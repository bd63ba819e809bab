"""E-mail notifications, always sent after the transaction that caused them commits."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)


def notify_on_commit(*, users: Iterable = (), emails: Iterable[str] = (), subject: str, body: str) -> None:
    """Mail staff (`users`) or members of the public (`emails`) once the transaction commits."""
    recipients = sorted({u.email for u in users if getattr(u, "email", "")} | {e for e in emails if e})
    if not recipients:
        return

    def send() -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception:  # a mail outage must never undo or break the work that was done
            logger.exception("notification mail failed: %s", subject)

    transaction.on_commit(send)


def absolute_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path

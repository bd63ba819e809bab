"""E-mail notifications, always sent after the transaction that caused them commits."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)


def digest_user_ids(users: Iterable) -> set[int]:
    """Those of `users` who asked for a daily digest instead of immediate mails about their work."""
    from portal.models import MailMode, StaffPreference

    ids = {u.pk for u in users if getattr(u, "pk", None)}
    if not ids:
        return set()
    return set(StaffPreference.objects.filter(user_id__in=ids, mail_mode=MailMode.DIGEST)
               .values_list("user_id", flat=True))


def notify_on_commit(*, users: Iterable = (), emails: Iterable[str] = (), subject: str, body: str,
                     digestible: bool = False) -> None:
    """Mail staff (`users`) or members of the public (`emails`) once the transaction commits.

    `digestible`: the mail tells staff that work now waits for them; whoever chose the daily
    digest (StaffPreference) is left out here and finds the item in the next digest."""
    users = [u for u in users if u is not None]
    if digestible:
        skipped = digest_user_ids(users)
        users = [u for u in users if u.pk not in skipped]
    recipients = sorted({u.email for u in users if getattr(u, "email", "")} | {e for e in emails if e})
    if not recipients:
        return

    def send() -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception as error:  # a mail outage must never undo or break the work that was done
            # No traceback and no exception text: SMTP errors (SMTPRecipientsRefused above all)
            # carry the addresses, and a recipient may be a reporter kept secret under M.19 or an
            # asker. The subject names the case by its tracking code only.
            logger.error("notification mail failed: %s (%s, %d recipient(s))", subject, type(error).__name__,
                         len(recipients))

    transaction.on_commit(send)


def absolute_url(path: str, request=None) -> str:
    """`path` on the portal's public address: PORTAL_BASE_URL when set (production: mail is sent
    with no request to go by); else the address the page was asked on, port included; else the
    local demo server's, on the PORT `make demo` serves on."""
    if settings.PORTAL_BASE_URL:
        return settings.PORTAL_BASE_URL.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}{path}"

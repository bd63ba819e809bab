"""E-mail notifications: written to the outbox with the change, sent by the worker after it commits."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext as _

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
                     digestible: bool = False, case_code: str = "", legal: bool = False) -> None:
    """Mail staff (`users`) or members of the public (`emails`): a notice in the outbox, written in
    the current transaction and delivered by the worker once it commits (portal/outbox.py) — the
    name stays from the days when the mail was sent at the commit, inside the request.

    `digestible`: the mail tells staff that work now waits for them; whoever chose the daily
    digest (StaffPreference) is left out here and finds the item in the next digest.
    `case_code` and `legal`: the case the notice is about, and whether it is a written notice
    with legal weight that the citizen also finds on the tracking page."""
    from portal.outbox import notice_create

    users = [u for u in users if u is not None]
    if digestible:
        skipped = digest_user_ids(users)
        users = [u for u in users if u.pk not in skipped]
    emails = [e for e in emails if e]
    recipients = {u.email for u in users if getattr(u, "email", "")} | set(emails)
    if not recipients:
        return
    text, html = render_mail(subject=str(subject), body=str(body))
    notice_create(to=recipients, subject=str(subject), body=text, html=html, case_code=case_code, legal=legal,
                  to_public=bool(emails))


def render_mail(*, subject: str, body: str) -> tuple[str, str]:
    """The plain-text and HTML parts of a mail in the agency's look: the body, then the agency's
    name and contact (SiteProfile, edited in the back office) and its portal's address."""
    from django.template.loader import render_to_string

    from portal.models import SiteProfile

    site = SiteProfile.current()
    home = absolute_url("/")
    contact = [line for line in (site.address, site.phone and f"{_('咨询电话')} {site.phone}",
                                 site.email and f"{_('电子邮箱')} {site.email}") if line]
    footer = "\n".join(["—", site.name, *contact, home])
    text = f"{body.rstrip()}\n\n{footer}\n"
    html = render_to_string("mail/notice.html", {"subject": subject, "body": body.strip(), "site": site,
                                                 "contact": contact, "home": home})
    return text, html


def absolute_url(path: str, request=None) -> str:
    """`path` on the portal's public address: PORTAL_BASE_URL when set (production: mail is sent
    with no request to go by); else the address the page was asked on, port included; else the
    local demo server's, on the PORT `make demo` serves on."""
    if settings.PORTAL_BASE_URL:
        return settings.PORTAL_BASE_URL.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}{path}"

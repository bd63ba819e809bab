"""Writes for a citizen's own cases: issue a one-time link, deliver it, spend it (the reasons are
in portal/own_cases/__init__.py)."""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.jobs import run_later
from portal.language import agency_language
from portal.models import CaseListLink, LinkChannel, SiteProfile
from portal.notify import absolute_url
from portal.own_cases.selectors import Contact, own_case_refs, token_digest

logger = logging.getLogger(__name__)

LINK_MINUTES = 30  # the link, and the listing it opens, work for half an hour
TOKEN_BYTES = 32
KEEP_DAYS = 1


def case_list_link_request(*, contact: Contact, request=None) -> CaseListLink:
    """Make a one-time link for `contact` and have it delivered. The same work for an address
    no case has — the token, the row, the background delivery — except that nothing is sent."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    refs = own_case_refs(contact)
    with transaction.atomic():
        # The table cleans itself: links a day past their end are of no use to anyone.
        CaseListLink.objects.filter(expires_at__lt=now - dt.timedelta(days=KEEP_DAYS)).delete()
        link = CaseListLink.objects.create(token_digest=token_digest(token), channel=contact.channel, cases=refs,
                                           created_at=now, expires_at=now + dt.timedelta(minutes=LINK_MINUTES))
        url = absolute_url(reverse("own_cases:open", args=[token]), request)
        # The address goes to the job as an argument, never into the database: with no case
        # behind it, the job is handed an empty one and sends nothing.
        run_later("portal.own_cases.services.case_list_link_deliver", contact.channel,
                  contact.value if refs else "", url)
    logger.info("own-cases link issued via %s for contact %s", contact.channel, contact.digest)
    return link


def case_list_link_deliver(channel: str, address: str, url: str) -> None:
    """The job that sends the link (e-mail through Django's mail, a number through portal/sms.py),
    in the agency's language. Errors are logged without the address."""
    with agency_language():
        site = SiteProfile.current().name
        text = _("您正在查看本人在%(site)s提交的政府信息公开申请、咨询和投诉举报。请在%(minutes)d分钟内打开以下链接，"
                 "链接只能使用一次：") % {"site": site, "minutes": LINK_MINUTES}
        ignore = _("如果不是您本人操作，请忽略本消息，您的信息不会因此泄露。")
        subject = f"[{site}] {_('查看本人案件的一次性链接')}"
        body = f"{text}\n\n{url}\n\n{ignore}\n"
        sms = f"【{site}】{text}{url} {ignore}"
    if not address:
        return
    if channel == LinkChannel.SMS:
        from portal.sms import send_sms

        send_sms(address, sms)
        return
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception as error:  # SMTP errors carry the address: the type only
        logger.error("own-cases link mail failed (%s)", type(error).__name__)


def case_list_link_consume(*, token: str) -> list[str] | None:
    """Spend the link: the cases it names, or None for a link that is unknown, used or expired.
    One conditional UPDATE marks it used, so of two requests with the same link only one wins."""
    if not token or len(token) > 200:
        return None
    now = timezone.now()
    spent = CaseListLink.objects.filter(token_digest=token_digest(token), used_at__isnull=True, expires_at__gt=now)
    with transaction.atomic():
        if not spent.update(used_at=now):
            return None
        link = CaseListLink.objects.get(token_digest=token_digest(token))
    return list(link.cases)

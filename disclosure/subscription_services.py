"""Subscriptions for the public (issue #21 part 3): subscribing with double opt-in, confirming,
one-click unsubscribing, matching a published or revoked record against the confirmed
subscriptions, and the daily/weekly digests. Every mail goes through the outbox
(portal/outbox.py) and carries a one-click unsubscribe link and the RFC 8058 headers.

The links:
- confirm: `<pk>-<secret>`, the secret stored only as a slow digest (portal.tracking) and valid
  CONFIRM_DAYS after subscribing;
- unsubscribe: a signature over the subscription's id and its digest (django.core.signing), so
  that every later mail can carry it without the secret being kept anywhere; it dies with the row.

Addresses are never logged (personal data): log lines name subscriptions by id and count only."""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import uuid

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosure.models import CatalogueCategory, DocumentType, Record
from disclosure.subscription_models import (
    CONFIRM_DAYS,
    Frequency,
    Subscription,
    SubscriptionDelivery,
    SubscriptionEvent,
)
from portal.errors import InvalidInput
from portal.intake import intake_once
from portal.notify import absolute_url, render_mail
from portal.outbox import _in_database, notice_create
from portal.tracking import secret_digest, secret_matches

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "disclosure.subscription.unsubscribe"
DIGEST_LIMIT = 200  # records listed in one digest mail; the rest are counted, with a link


# --- Links and headers ------------------------------------------------------------------------


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps({"p": subscription.pk, "d": subscription.token_digest[-12:]}, salt=UNSUBSCRIBE_SALT)


def subscription_for_unsubscribe(token: str) -> Subscription | None:
    """The subscription an unsubscribe link names; None for a damaged link or one already used."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    found = Subscription.objects.filter(pk=payload.get("p")).first()
    if found is None or found.token_digest[-12:] != payload.get("d"):
        return None
    return found


def unsubscribe_url(subscription: Subscription) -> str:
    return absolute_url(reverse("disclosure:unsubscribe", args=[unsubscribe_token(subscription)]))


def _mail(subscription: Subscription, *, subject: str, body: str) -> None:
    """A mail to the subscriber, through the outbox, with the one-click unsubscribe link in the
    text and in the headers (RFC 2369 List-Unsubscribe, RFC 8058 one-click POST)."""
    link = unsubscribe_url(subscription)
    label = _("退订（一次点击即可，无需登录）：")
    body = f"{body.rstrip()}\n\n{label}{link}"
    text, html = render_mail(subject=subject, body=body)
    notice_create(to=[subscription.email], subject=subject, body=text, html=html, to_public=True,
                  headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})


# --- Subscribing, confirming, unsubscribing -------------------------------------------------


def subscription_create(*, email: str, categories=(), offices=(), document_types=(), query: str = "",
                        frequency: str = Frequency.IMMEDIATE, idempotency_key: uuid.UUID | None = None
                        ) -> tuple[Subscription, bool]:
    """Store an unconfirmed subscription and mail the confirmation link (double opt-in). The same
    form sent twice stores one subscription and sends one mail (portal/intake.py)."""
    email = (email or "").strip()
    if frequency not in Frequency.values:
        raise InvalidInput(_("请选择发送频率。"))
    document_types = [t for t in DocumentType.values if t in set(document_types or ())]

    def store() -> Subscription:
        secret = secrets.token_urlsafe(18)
        with transaction.atomic():
            subscription = Subscription.objects.create(
                email=email, document_types=document_types, query=(query or "").strip()[:100], frequency=frequency,
                token_digest=secret_digest(secret), idempotency_key=idempotency_key)
            subscription.categories.set(categories)
            subscription.offices.set(offices)
            link = absolute_url(reverse("disclosure:subscription_confirm", args=[f"{subscription.pk}-{secret}"]))
            _mail(subscription, subject=_("请确认您的信息订阅"),
                  body=_("您（或他人以您的邮箱）在本网站订阅了政府信息更新：%(topics)s。\n\n"
                         "请在%(days)d天内点击以下链接确认订阅；未确认的订阅将被删除，您不会再收到邮件：\n%(link)s")
                  % {"topics": describe(subscription), "days": CONFIRM_DAYS, "link": link})
        logger.info("subscription %s created (unconfirmed)", subscription.pk)
        return subscription

    return intake_once(Subscription, idempotency_key=idempotency_key, create=store)


def subscription_confirm(token: str, *, now: dt.datetime | None = None) -> Subscription:
    """Activate the subscription the link names. A wrong or damaged link and an expired one are
    refused with a message (an expired subscription is deleted: it never counted)."""
    now = now or timezone.now()
    pk, _sep, secret = (token or "").partition("-")
    found = Subscription.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
    if not secret_matches(found.token_digest if found else None, secret):
        raise InvalidInput(_("确认链接无效或已使用过。如需订阅，请重新填写订阅表。"))
    if found.confirmed_at:
        return found
    if now > found.confirm_expires_at:
        found.delete()
        raise InvalidInput(_("确认链接已过期（有效期%(days)d天），订阅未生效。请重新订阅。") % {"days": CONFIRM_DAYS})
    found.confirmed_at = now
    found.save(update_fields=["confirmed_at"])
    logger.info("subscription %s confirmed", found.pk)
    return found


def subscription_delete(subscription: Subscription) -> None:
    """Unsubscribe: the row and its deliveries are deleted (the address is personal data)."""
    pk = subscription.pk
    subscription.delete()
    logger.info("subscription %s deleted on unsubscribe", pk)


def subscriptions_prune_unconfirmed(*, now: dt.datetime | None = None) -> int:
    """Delete subscriptions never confirmed within CONFIRM_DAYS (their addresses are not kept)."""
    now = now or timezone.now()
    count, _detail = Subscription.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - dt.timedelta(days=CONFIRM_DAYS)).delete()
    return count


def describe(subscription: Subscription) -> str:
    """What the subscription follows, in words, for its mails."""
    parts = []
    if names := [c.name for c in subscription.categories.all()]:
        parts.append(_("主题分类：%(v)s") % {"v": "、".join(names)})
    if names := [o.name for o in subscription.offices.all()]:
        parts.append(_("发布机构：%(v)s") % {"v": "、".join(names)})
    if subscription.document_types:
        labels = dict(DocumentType.choices)
        parts.append(_("文件类型：%(v)s") % {"v": "、".join(str(labels[t]) for t in subscription.document_types)})
    if subscription.query:
        parts.append(_("关键词：%(v)s") % {"v": subscription.query})
    return "；".join(parts) if parts else _("全部新发布的政府信息")


# --- Matching -----------------------------------------------------------------------------


def _ancestor_ids(category_id: int) -> list[int]:
    """The category and its parents: a subscription to a parent category covers its children."""
    parents = dict(CatalogueCategory.objects.order_by().values_list("pk", "parent_id"))
    found, current = [], category_id
    while current is not None and current not in found:
        found.append(current)
        current = parents.get(current)
    return found


def _query_matches(query: str, record: Record) -> bool:
    """Every word of the query appears in the record's title, summary or document number. Plain
    substring matching (Chinese has no spaces to split on): a revoked record has left the search
    index, and its revocation must still reach the subscribers who followed it."""
    haystack = " ".join((record.title, record.summary, record.document_number)).casefold()
    return all(word.casefold() in haystack for word in query.split())


def subscriptions_matching(record: Record, *, at: dt.datetime) -> list[Subscription]:
    """Confirmed subscriptions (confirmed by `at`) whose topics cover the record: each kind of
    topic given must match (a category, an office, a document type, the query); a kind left
    empty matches everything."""
    through_categories = Subscription.categories.through.objects.filter(subscription=OuterRef("pk"))
    through_offices = Subscription.offices.through.objects.filter(subscription=OuterRef("pk"))
    candidates = Subscription.objects.filter(confirmed_at__isnull=False, confirmed_at__lte=at,
                                             refused_at__isnull=True).filter(
        ~Exists(through_categories)
        | Exists(through_categories.filter(cataloguecategory_id__in=_ancestor_ids(record.category_id))),
        ~Exists(through_offices) | Exists(through_offices.filter(office_id=record.office_id)),
    ).order_by("pk")
    return [s for s in candidates.iterator(chunk_size=2000)
            if (not s.document_types or record.document_type in s.document_types)
            and (not s.query or _query_matches(s.query, record))]


def record_news_schedule(record: Record, event: str) -> None:
    """Called inside the publishing (or revoking) transaction: the matching runs in the task
    worker after the commit, so that publishing takes no longer however many subscribe. A
    scheduled publication is matched when it takes effect (where the backend can defer; else the
    digest command catches it up)."""
    from disclosure.tasks import match_subscriptions

    run_after = record.published_at if event == SubscriptionEvent.PUBLISH else None
    task = match_subscriptions
    if run_after and run_after > timezone.now() and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    record_id = record.pk
    if _in_database(task.get_backend()):
        task.enqueue(record_id, str(event))  # a task row committed with the publication, or not at all
    else:
        transaction.on_commit(lambda: task.enqueue(record_id, str(event)))


def record_news(*, record_id: int, event: str, now: dt.datetime | None = None) -> int:
    """Match the record against the subscriptions and write one delivery per subscriber (never a
    second: the unique constraint); an immediate subscriber's mail goes into the outbox at once,
    the others wait for their digest. Returns the number of mails written."""
    now = now or timezone.now()
    record = Record.objects.select_related("office", "category").get(pk=record_id)
    if event == SubscriptionEvent.PUBLISH:
        from disclosure.selectors import records_published

        if not records_published().filter(pk=record.pk).exists():
            return 0  # revoked meanwhile, or not yet in effect (the digest command catches it up)
        at = record.published_at
    else:
        at = now
    mails = 0
    waiting = []
    for subscription in subscriptions_matching(record, at=at):
        if subscription.frequency != Frequency.IMMEDIATE:
            waiting.append(SubscriptionDelivery(subscription=subscription, record=record, event=event, created_at=now))
            continue
        try:
            with transaction.atomic():
                SubscriptionDelivery.objects.create(subscription=subscription, record=record, event=event,
                                                    created_at=now, sent_at=now)
                subject, body = _news_mail(record, event)
                _mail(subscription, subject=subject, body=body)
        except IntegrityError:
            continue  # already told (a task run twice)
        mails += 1
    SubscriptionDelivery.objects.bulk_create(waiting, ignore_conflicts=True, batch_size=1000)
    logger.info("record %s %s: %d immediate mail(s), %d for digests", record.pk, event, mails, len(waiting))
    return mails


def _record_line(record: Record, event: str) -> str:
    when = timezone.localtime(record.published_at).date().isoformat() if record.published_at else ""
    verb = _("撤销") if event == SubscriptionEvent.REVOKE else _("发布")
    return (f"【{verb}】{record.title}\n"
            f"{record.office.name} · {record.category.name} · {when}\n{absolute_url(record.get_absolute_url())}")


def _news_mail(record: Record, event: str) -> tuple[str, str]:
    if event == SubscriptionEvent.REVOKE:
        subject = _("订阅信息已撤销：%(title)s") % {"title": record.title}
        intro = _("您订阅的以下政府信息已被撤销：")
    else:
        subject = _("订阅信息更新：%(title)s") % {"title": record.title}
        intro = _("您订阅的主题有新发布的政府信息：")
    return subject, f"{intro}\n\n{_record_line(record, event)}"


# --- Digests -------------------------------------------------------------------------------


def _due(subscription: Subscription, today: dt.date) -> bool:
    if subscription.last_digest_at is None:
        return True
    last = timezone.localtime(subscription.last_digest_at).date()
    return last <= today - dt.timedelta(days=1 if subscription.frequency == Frequency.DAILY else 7)


def catch_up(*, now: dt.datetime | None = None, days: int = 8) -> int:
    """Match the records that took effect lately (a scheduled publication, a task lost with a
    crashed worker): a no-op for what was matched already."""
    from disclosure.selectors import records_published

    now = now or timezone.now()
    ids = records_published().filter(published_at__gte=now - dt.timedelta(days=days)).values_list("pk", flat=True)
    return sum(record_news(record_id=pk, event=SubscriptionEvent.PUBLISH, now=now) for pk in ids)


def send_digests(*, now: dt.datetime | None = None) -> int:
    """One mail per daily or weekly subscriber whose digest is due and who has news: the records
    since the last digest. Running again sends nothing new (each delivery is marked sent in the
    transaction that writes the mail). Returns the number of mails."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    due_ids = list(Subscription.objects.filter(
        confirmed_at__isnull=False, refused_at__isnull=True, frequency__in=(Frequency.DAILY, Frequency.WEEKLY),
        deliveries__sent_at__isnull=True).distinct().values_list("pk", flat=True))
    for pk in due_ids:
        with transaction.atomic():
            subscription = Subscription.objects.select_for_update().filter(pk=pk).first()
            if subscription is None or not _due(subscription, today):
                continue
            pending = list(subscription.deliveries.filter(sent_at__isnull=True)
                           .select_related("record__office", "record__category").order_by("created_at", "pk"))
            if not pending:
                continue
            lines = [_record_line(d.record, d.event) for d in pending[:DIGEST_LIMIT]]
            more = len(pending) - len(lines)
            if more > 0:
                lines.append(_("另有%(n)d条，请访问：%(link)s") % {"n": more, "link": absolute_url(reverse("disclosure:catalogue"))})
            label = _("每日汇总") if subscription.frequency == Frequency.DAILY else _("每周汇总")
            subject = _("信息订阅%(label)s：%(n)d条更新") % {"label": label, "n": len(pending)}
            body = _("您订阅的主题（%(topics)s）自上次汇总以来的更新：") % {"topics": describe(subscription)}
            _mail(subscription, subject=subject, body=body + "\n\n" + "\n\n".join(lines))
            SubscriptionDelivery.objects.filter(pk__in=[d.pk for d in pending]).update(sent_at=now)
            subscription.last_digest_at = now
            subscription.save(update_fields=["last_digest_at"])
            sent += 1
    logger.info("subscription digests: %d mail(s)", sent)
    return sent


def notice_refused(*, notice, addresses: list[str]) -> None:
    """The outbox's hook (portal/outbox.py): the mail server refused these recipients for good. A
    subscription mail names its subscription in its List-Unsubscribe header; that subscription is
    suspended (no more mail is written for it), and its failed notice is settled so that it does
    not wait on the disclosure office's work list. Other subscribers are not affected."""
    found = re.search(r"/subscribe/unsubscribe/([^/>]+)/", (notice.headers or {}).get("List-Unsubscribe", ""))
    subscription = subscription_for_unsubscribe(found.group(1)) if found else None
    if subscription is None or subscription.email not in addresses:
        return
    now = timezone.now()
    Subscription.objects.filter(pk=subscription.pk, refused_at__isnull=True).update(refused_at=now)
    from portal.models import Notice, NoticeState

    Notice.objects.filter(pk=notice.pk, state=NoticeState.FAILED, resolved_at__isnull=True).update(resolved_at=now)
    logger.info("subscription %s suspended: the mail server refused its address (notice %s)", subscription.pk,
                notice.pk)


def confirmed_count() -> int:
    return Subscription.objects.filter(confirmed_at__isnull=False).count()

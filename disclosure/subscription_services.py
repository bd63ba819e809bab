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
from portal.outbox import enqueue_with_transaction, notice_create, notices_create
from portal.tracking import secret_digest, secret_matches

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "disclosure.subscription.unsubscribe"
DIGEST_LIMIT = 200  # records listed in one digest mail; the rest are counted, with a link
MATCH_CHUNK = 1000  # subscribers matched per transaction (record_news)
DIGEST_CHUNK = 200  # digests written per transaction (send_digests)


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
    return unsubscribe_url_for_token(unsubscribe_token(subscription))


def unsubscribe_url_for_token(token: str) -> str:
    return absolute_url(reverse("disclosure:unsubscribe", args=[token]))


def _mail(subscription: Subscription, *, subject: str, body: str) -> None:
    """A mail to the subscriber, through the outbox (see SubscriberMails)."""
    notice_create(**SubscriberMails().mail(subscription, subject=subject, body=body))


class SubscriberMails:
    """Mails to subscribers, each with its one-click unsubscribe link in the text and in the
    headers (RFC 2369 List-Unsubscribe, RFC 8058 one-click POST).

    Many subscribers get the same words but for that link (a publication's news, digests of the
    same topics): the parts are rendered once per distinct text, with a placeholder that each
    subscriber's link then replaces, so a publication to 10,000 subscribers renders its template
    once, not 10,000 times."""

    PLACEHOLDER = "UNSUBSCRIBE0PLACEHOLDER0TOKEN"

    def __init__(self):
        self._rendered: dict[tuple[str, str], tuple[str, str, str]] = {}

    def mail(self, subscription: Subscription, *, subject: str, body: str) -> dict:
        """notice_create's arguments for the mail to `subscription`."""
        key = (str(subject), body)
        if key not in self._rendered:
            link = unsubscribe_url_for_token(self.PLACEHOLDER)
            label = _("退订（一次点击即可，无需登录）：")
            text, html = render_mail(subject=str(subject), body=f"{body.rstrip()}\n\n{label}{link}")
            self._rendered[key] = (text, html, link)
        text, html, placeholder_link = self._rendered[key]
        token = unsubscribe_token(subscription)
        link = placeholder_link.replace(self.PLACEHOLDER, token)
        return {"to": [subscription.email], "subject": str(subject), "to_public": True,
                "body": text.replace(self.PLACEHOLDER, token), "html": html.replace(self.PLACEHOLDER, token),
                "headers": {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}}


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
    return list(_matching(record, at=at))


def _matching(record: Record, *, at: dt.datetime):
    """subscriptions_matching, read in chunks (bounded memory), with only the fields a mail needs."""
    through_categories = Subscription.categories.through.objects.filter(subscription=OuterRef("pk"))
    through_offices = Subscription.offices.through.objects.filter(subscription=OuterRef("pk"))
    candidates = Subscription.objects.filter(confirmed_at__isnull=False, confirmed_at__lte=at,
                                             refused_at__isnull=True).filter(
        ~Exists(through_categories)
        | Exists(through_categories.filter(cataloguecategory_id__in=_ancestor_ids(record.category_id))),
        ~Exists(through_offices) | Exists(through_offices.filter(office_id=record.office_id)),
    ).only("pk", "email", "frequency", "document_types", "query", "token_digest").order_by("pk")
    for subscription in candidates.iterator(chunk_size=MATCH_CHUNK):
        if ((not subscription.document_types or record.document_type in subscription.document_types)
                and (not subscription.query or _query_matches(subscription.query, record))):
            yield subscription


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
    enqueue_with_transaction(task, record.pk, str(event))  # committed with the publication, or not at all


def record_news(*, record_id: int, event: str, now: dt.datetime | None = None) -> int:
    """Match the record against the subscriptions and write one delivery per subscriber (never a
    second: the unique constraint); an immediate subscriber's mail goes into the outbox at once,
    the others wait for their digest. Returns the number of mails written.

    The subscribers are taken MATCH_CHUNK at a time, each chunk in one transaction with a fixed
    number of queries (its deliveries and its notices are bulk inserts), so 10,000 subscribers
    cost tens of queries, not tens of thousands, and memory stays bounded."""
    now = now or timezone.now()
    record = Record.objects.select_related("office", "category").get(pk=record_id)
    if event == SubscriptionEvent.PUBLISH:
        from disclosure.selectors import records_published

        if not records_published().filter(pk=record.pk).exists():
            return 0  # revoked meanwhile, or not yet in effect (the digest command catches it up)
        at = record.published_at
    else:
        at = now
    subject, body = _news_mail(record, event)
    mails = SubscriberMails()
    immediate = waiting = 0
    chunk: list[Subscription] = []
    for subscription in _matching(record, at=at):
        chunk.append(subscription)
        if len(chunk) == MATCH_CHUNK:
            counts = _news_for(chunk, record=record, event=event, now=now, mail=(subject, body), mails=mails)
            immediate, waiting = immediate + counts[0], waiting + counts[1]
            chunk = []
    if chunk:
        counts = _news_for(chunk, record=record, event=event, now=now, mail=(subject, body), mails=mails)
        immediate, waiting = immediate + counts[0], waiting + counts[1]
    logger.info("record %s %s: %d immediate mail(s), %d for digests", record.pk, event, immediate, waiting)
    return immediate


def _news_for(chunk: list[Subscription], *, record: Record, event: str, now: dt.datetime, mail: tuple[str, str],
              mails: SubscriberMails) -> tuple[int, int]:
    """One chunk of record_news: the deliveries not written yet, and the immediate subscribers'
    notices, in one transaction. Returns (immediate mails, deliveries left for digests)."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                told = set(SubscriptionDelivery.objects.filter(
                    record=record, event=event, subscription_id__in=[s.pk for s in chunk]
                ).values_list("subscription_id", flat=True))
                fresh = [s for s in chunk if s.pk not in told]
                immediate = [s for s in fresh if s.frequency == Frequency.IMMEDIATE]
                SubscriptionDelivery.objects.bulk_create(
                    [SubscriptionDelivery(subscription_id=s.pk, record=record, event=event, created_at=now,
                                          sent_at=now if s.frequency == Frequency.IMMEDIATE else None)
                     for s in fresh], batch_size=500)
                subject, body = mail
                notices_create(mails.mail(s, subject=subject, body=body) for s in immediate)
            return len(immediate), len(fresh) - len(immediate)
        except IntegrityError:  # a second run of the task wrote some of them meanwhile: read again
            if attempt == 2:
                raise
    return 0, 0  # not reached


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
    transaction that writes the mail). Returns the number of mails.

    Subscribers are taken DIGEST_CHUNK at a time, each chunk in one transaction with a fixed
    number of queries (the subscribers with their topics, their deliveries, the records, the
    notices in bulk), whatever the number of subscribers."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due_ids = list(Subscription.objects.filter(
        confirmed_at__isnull=False, refused_at__isnull=True, frequency__in=(Frequency.DAILY, Frequency.WEEKLY),
        deliveries__sent_at__isnull=True).order_by("pk").distinct().values_list("pk", flat=True))
    mails = SubscriberMails()
    lines: dict[tuple[int, str], str] = {}
    sent = 0
    for start in range(0, len(due_ids), DIGEST_CHUNK):
        sent += _digests_for(due_ids[start:start + DIGEST_CHUNK], now=now, today=today, mails=mails, lines=lines)
    logger.info("subscription digests: %d mail(s)", sent)
    return sent


def _digests_for(ids: list[int], *, now: dt.datetime, today: dt.date, mails: SubscriberMails,
                 lines: dict[tuple[int, str], str]) -> int:
    """One chunk of send_digests, in one transaction: the subscriptions are locked, so that a
    second run at the same time waits and then finds them not due."""
    with transaction.atomic():
        subscriptions = [s for s in Subscription.objects.select_for_update().filter(
            pk__in=ids, confirmed_at__isnull=False, refused_at__isnull=True).order_by("pk")
            if _due(s, today)]
        pending: dict[int, list[tuple[int, int, str]]] = {}
        for pk, subscription_id, record_id, event in SubscriptionDelivery.objects.filter(
                subscription_id__in=[s.pk for s in subscriptions], sent_at__isnull=True,
        ).order_by("created_at", "pk").values_list("pk", "subscription_id", "record_id", "event"):
            pending.setdefault(subscription_id, []).append((pk, record_id, event))
        subscriptions = [s for s in subscriptions if s.pk in pending]
        if not subscriptions:
            return 0
        with_topics = Subscription.objects.filter(pk__in=[s.pk for s in subscriptions]).prefetch_related(
            "categories", "offices").in_bulk()
        needed = {(record_id, event) for items in pending.values() for _pk, record_id, event in items[:DIGEST_LIMIT]}
        missing = {record_id for record_id, event in needed if (record_id, event) not in lines}
        for record in Record.objects.select_related("office", "category").filter(pk__in=missing):
            for event in SubscriptionEvent.values:
                lines[(record.pk, event)] = _record_line(record, event)
        more_link = absolute_url(reverse("disclosure:catalogue"))
        outgoing, delivered = [], []
        for subscription in subscriptions:
            items = pending[subscription.pk]
            body_lines = [lines[(record_id, event)] for _pk, record_id, event in items[:DIGEST_LIMIT]
                          if (record_id, event) in lines]
            more = len(items) - len(body_lines)
            if more > 0:
                body_lines.append(_("另有%(n)d条，请访问：%(link)s") % {"n": more, "link": more_link})
            label = _("每日汇总") if subscription.frequency == Frequency.DAILY else _("每周汇总")
            subject = _("信息订阅%(label)s：%(n)d条更新") % {"label": label, "n": len(items)}
            body = _("您订阅的主题（%(topics)s）自上次汇总以来的更新：") % {
                "topics": describe(with_topics[subscription.pk])}
            outgoing.append(mails.mail(subscription, subject=subject, body=body + "\n\n" + "\n\n".join(body_lines)))
            delivered.extend(pk for pk, _record_id, _event in items)
        notices_create(outgoing)
        for start in range(0, len(delivered), 900):
            SubscriptionDelivery.objects.filter(pk__in=delivered[start:start + 900]).update(sent_at=now)
        Subscription.objects.filter(pk__in=[s.pk for s in subscriptions]).update(last_digest_at=now)
    return len(subscriptions)


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


def subscriber_counts() -> dict[str, int]:
    """For the disclosure office's dashboard: confirmed subscribers who receive mail, and those
    suspended because their address was refused for good. Numbers only, never an address."""
    from django.db.models import Count, Q

    return Subscription.objects.filter(confirmed_at__isnull=False).aggregate(
        active=Count("pk", filter=Q(refused_at__isnull=True)), suspended=Count("pk", filter=Q(refused_at__isnull=False)))

"""The outbox (通知发件箱, issue #21): a notice is a row written in the transaction of the change
that caused it; the task worker delivers it afterwards, retries with exponential backoff, records
each attempt, and marks it sent — or failed for good, which puts it on the disclosure office's
work list.

Why this shape:
- The request never talks to the mail server: a slow or absent server costs it nothing.
- With the database task backend (production, the demo) the delivery task is a row too, written
  in the same transaction as the notice: both are there after the commit, or neither is. With any
  other backend (the tests' ImmediateBackend) the task is enqueued at the commit, as mail was.
- A notice is claimed by one conditional UPDATE (pending → sending) before the mail server is
  asked, so two workers, or a task enqueued twice, never send it twice; no transaction stays open
  while the server is slow (SQLite would block every writer meanwhile).
- A worker that dies between the claim and the result leaves the notice "sending":
  `outbox_recover` (manage.py deliver_notices, run by the daily timer) sends it again after
  STALE_CLAIM. That is the one case where a mail may go out twice, by design: a notice with a
  deadline is better received twice than never.
- Addresses stay out of logs (a reporter's is secret, M.19): errors are logged and stored by type
  and server code only.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from portal.models import Notice, NoticeAttempt, NoticeState

logger = logging.getLogger(__name__)

# A claim older than this belongs to a worker that died while sending.
STALE_CLAIM = dt.timedelta(minutes=15)
# Notices written together (notices_create) are sent by one task over one connection, this many
# at a time: a publication's 10,000 subscribers are 100 tasks, not 10,000 connections.
DELIVERY_BATCH = 100


def valid_addresses(addresses: Iterable[str]) -> list[str]:
    """The well-formed addresses among `addresses`, sorted, without duplicates. A malformed one is
    refused at the form that took it; one that slipped through (an old row, an import) is left out
    here rather than sent to the server, which would refuse the whole mail."""
    kept = set()
    dropped = 0
    for address in addresses:
        address = (address or "").strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            dropped += 1
            continue
        kept.add(address)
    if dropped:
        logger.warning("notice: %d malformed address(es) left out", dropped)
    return sorted(kept)


def notice_create(*, to: Iterable[str], subject: str, body: str, html: str = "", headers: dict | None = None,
                  case_code: str = "", legal: bool = False, to_public: bool = False) -> Notice | None:
    """Write the notice in the current transaction and have it delivered once that commits.
    Returns None when no well-formed address is left (nothing to send)."""
    recipients = valid_addresses(to)
    if not recipients:
        return None
    notice = Notice.objects.create(to=recipients, subject=str(subject), body=str(body), html=str(html or ""),
                                   headers=headers or {}, case_code=case_code, legal=legal, to_public=to_public)
    _schedule(notice.pk)
    return notice


def notices_create(mails: Iterable[dict]) -> list[Notice]:
    """Many notices at once (a publication's subscribers, the digests: issue #21), written in the
    current transaction with one INSERT per few hundred and delivered in batches of
    DELIVERY_BATCH, each batch over one connection to the mail server. Each mail is a dict of
    notice_create's arguments; one without a well-formed address is left out."""
    notices = []
    for mail in mails:
        recipients = valid_addresses(mail["to"])
        if recipients:
            notices.append(Notice(
                to=recipients, subject=str(mail["subject"]), body=str(mail["body"]), html=str(mail.get("html") or ""),
                headers=mail.get("headers") or {}, case_code=mail.get("case_code", ""),
                legal=mail.get("legal", False), to_public=mail.get("to_public", False)))
    notices = Notice.objects.bulk_create(notices, batch_size=500)
    ids = [notice.pk for notice in notices]
    for start in range(0, len(ids), DELIVERY_BATCH):
        _schedule_batch(ids[start:start + DELIVERY_BATCH])
    return notices


def uses_database_tasks(task) -> bool:
    """Whether `task` is enqueued as a row of the database task backend (production, the demo):
    then it is enqueued inside the current transaction, committed with the change or not at all;
    with any other backend it is enqueued once the transaction commits."""
    from django_tasks_db import DatabaseBackend

    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue_with_transaction(task, *args) -> None:
    """Enqueue `task` so that it runs only if the current transaction commits (see
    uses_database_tasks)."""
    if uses_database_tasks(task):
        task.enqueue(*args)  # a row in this transaction, committed with the change
    else:
        transaction.on_commit(lambda: task.enqueue(*args))


def _schedule(notice_id: int, *, run_after: dt.datetime | None = None) -> None:
    from portal.tasks import deliver_notice

    backend = deliver_notice.get_backend()
    task = deliver_notice.using(run_after=run_after) if run_after and backend.supports_defer else deliver_notice
    if run_after and not backend.supports_defer:
        return  # no deferred tasks here: outbox_deliver_due picks the retry up
    enqueue_with_transaction(task, notice_id)


def _schedule_batch(notice_ids: list[int]) -> None:
    from portal.tasks import deliver_notices

    enqueue_with_transaction(deliver_notices, list(notice_ids))


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next attempt after `attempts` failed ones: the base, doubled each time."""
    seconds = settings.PORTAL_MAIL_RETRY_SECONDS * 2 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(seconds, settings.PORTAL_MAIL_RETRY_MAX_SECONDS))


def _describe(error: BaseException) -> tuple[str, bool]:
    """The error as it may be stored and logged (type and SMTP code, never the server's text,
    which names the addresses), and whether trying again cannot help (the server said 5xx)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _message in error.recipients.values()})
        return f"SMTPRecipientsRefused {','.join(str(c) for c in codes)}", all(c >= 500 for c in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__} {error.smtp_code}", error.smtp_code >= 500
    return type(error).__name__, False


def _message(notice: Notice, mail_server) -> EmailMultiAlternatives:
    """The mail, with the notice's bounce token (portal/bounces.py) in a header and, when
    PORTAL_BOUNCE_ADDRESS is set, in the envelope sender, so that a bounce that arrives later is
    tied to its notice. The From header stays DEFAULT_FROM_EMAIL."""
    from portal.bounces import HEADER, bounce_token, envelope_sender

    headers = {**(notice.headers or {}), HEADER: bounce_token(notice.pk)}
    sender = envelope_sender(notice.pk)
    if sender:
        headers["From"] = settings.DEFAULT_FROM_EMAIL
    message = EmailMultiAlternatives(notice.subject, notice.body, sender or settings.DEFAULT_FROM_EMAIL, notice.to,
                                     headers=headers, connection=mail_server)
    if notice.html:
        message.attach_alternative(notice.html, "text/html")
    return message


def _connection_lost(error: BaseException) -> bool:
    """Whether the error ended the conversation with the mail server (it hung up, timed out, could
    not be reached, or said 421), rather than refusing one message on a connection that goes on."""
    if isinstance(error, (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code == 421
    return isinstance(error, OSError)  # SMTPServerDisconnected, a timeout, a refused connection


def notice_deliver(*, notice_id: int, now: dt.datetime | None = None) -> str:
    """One attempt to send the notice, if it is still pending and due. Returns what happened:
    "sent", "retry", "failed" or "skipped" (someone else has it, or it is done, or not due)."""
    [outcome] = notices_deliver(notice_ids=[notice_id], now=now).values()
    return outcome


def notices_deliver(*, notice_ids: Iterable[int], now: dt.datetime | None = None) -> dict[int, str]:
    """One attempt to send each of the notices that is still pending and due, all over one
    connection to the mail server. Returns each notice's outcome (see notice_deliver).

    The notices are claimed in one short transaction (pending → sending), so that a notice
    another worker holds is left to it. A message the server refuses (5xx, or a 4xx for
    that message) fails alone and the batch goes on; when the connection is lost, the notices not
    yet handed over count a failed attempt each and are retried with the usual backoff."""
    now = now or timezone.now()
    notice_ids = list(dict.fromkeys(notice_ids))
    outcomes = dict.fromkeys(notice_ids, "skipped")
    with transaction.atomic():
        # PostgreSQL: the rows are locked, and a row another worker is claiming is skipped (it is
        # that worker's). SQLite: the transaction holds the write lock from its start
        # (transaction_mode IMMEDIATE), so nobody changes the rows between the read and the UPDATE.
        skip_locked = connection.features.has_select_for_update_skip_locked
        claimed = list(Notice.objects.select_for_update(skip_locked=skip_locked).filter(
            pk__in=notice_ids, state=NoticeState.PENDING, next_attempt_at__lte=now,
        ).order_by("pk").values_list("pk", flat=True))
        Notice.objects.filter(pk__in=claimed).update(state=NoticeState.SENDING, claimed_at=now,
                                                     attempts=F("attempts") + 1)
    if not claimed:
        return outcomes
    notices = Notice.objects.in_bulk(claimed)
    sent: list[tuple[Notice, list[str]]] = []
    failed: list[tuple[Notice, str, bool, list[str] | None]] = []
    lost = ""
    # A short time to connect (portal/mail.py): a silent server costs the worker seconds, not minutes.
    mail_server = get_connection(connect_timeout=settings.PORTAL_MAIL_CONNECT_TIMEOUT)
    try:
        mail_server.open()
    except Exception as error:  # the server cannot be reached: every claimed notice waits for a retry
        lost = _describe(error)[0]
    for pk in claimed:
        notice = notices[pk]
        if lost:
            failed.append((notice, lost, False, None))
            continue
        try:
            message = _message(notice, mail_server)
            mail_server.send_messages([message])
        except Exception as error:  # any failure is recorded on its notice; the others go on
            described, permanent = _describe(error)
            refused = sorted(error.recipients) if isinstance(error, smtplib.SMTPRecipientsRefused) else None
            failed.append((notice, described, permanent, refused))
            if _connection_lost(error):
                lost = described
            continue
        sent.append((notice, getattr(message, "refused", [])))
    try:
        mail_server.close()
    except Exception:  # closing a broken connection may fail too; nothing is lost by it
        logger.debug("closing the mail connection failed", exc_info=True)
    if sent:
        done = timezone.now()
        with transaction.atomic():
            NoticeAttempt.objects.bulk_create([NoticeAttempt(notice=notice, ok=True, at=done) for notice, _r in sent])
            Notice.objects.filter(pk__in=[notice.pk for notice, refused in sent if not refused]).update(
                state=NoticeState.SENT, sent_at=done, last_error="", refused=[])
            for notice, refused in sent:
                if refused:
                    Notice.objects.filter(pk=notice.pk).update(state=NoticeState.SENT, sent_at=done, last_error="",
                                                               refused=refused)
        for notice, refused in sent:
            outcomes[notice.pk] = "sent"
            if refused:
                tell_refused(notice, refused)
    for notice, described, permanent, refused in failed:
        # The subject names a case by its tracking code only; the addresses stay out (M.19).
        logger.warning("notice %s failed: %s (%s, %d recipient(s), attempt %d)", notice.pk, notice.subject,
                       described, len(notice.to), notice.attempts)
        outcomes[notice.pk] = _record_failure(notice, described, permanent=permanent, now=now, refused=refused)
    return outcomes


def _record_failure(notice: Notice, described: str, *, permanent: bool, now: dt.datetime,
                    refused: list[str] | None = None) -> str:
    with transaction.atomic():
        NoticeAttempt.objects.create(notice=notice, ok=False, error=described[:200])
        if permanent or notice.attempts >= settings.PORTAL_MAIL_MAX_ATTEMPTS:
            Notice.objects.filter(pk=notice.pk).update(state=NoticeState.FAILED, last_error=described[:200])
            logger.error("notice %s failed for good after %d attempt(s) (%s)", notice.pk, notice.attempts, described)
            outcome = "failed"
        else:
            retry_at = max(now, timezone.now()) + backoff(notice.attempts)
            Notice.objects.filter(pk=notice.pk).update(state=NoticeState.PENDING, next_attempt_at=retry_at,
                                                       last_error=described[:200])
            _schedule(notice.pk, run_after=retry_at)
            outcome = "retry"
    if permanent:  # the server refused (5xx): those recipients, or all of them
        tell_refused(notice, refused or list(notice.to))
    return outcome


def tell_refused(notice: Notice, addresses: list[str]) -> None:
    """The apps that declare a `notice_refused` hook (portal/hooks.py) hear which recipients the
    mail server refused for good (a 5xx), e.g. to suspend a public subscription (issue #21): the
    recipients' own business, never another's mail. A hook's error is logged, the worker goes on."""
    from portal.hooks import hooks

    for hook in hooks("notice_refused"):
        try:
            hook(notice=notice, addresses=addresses)
        except Exception:  # one app's bug must not stop the delivery of the others' notices
            logger.exception("notice %s: notice_refused hook %s failed", notice.pk, getattr(hook, "__name__", hook))


def outbox_recover(*, now: dt.datetime | None = None) -> int:
    """Notices claimed by a worker that died while sending go back to pending (see the module's
    docstring). Returns how many."""
    now = now or timezone.now()
    return Notice.objects.filter(state=NoticeState.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        state=NoticeState.PENDING, next_attempt_at=now)


def outbox_deliver_due(*, now: dt.datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """Send every pending notice that is due, here and now (manage.py deliver_notices): the way
    retries run where the task backend cannot defer a task, and a catch-up after an outage."""
    now = now or timezone.now()
    outbox_recover(now=now)
    counts: dict[str, int] = {}
    due = list(Notice.objects.filter(state=NoticeState.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    for start in range(0, len(due), DELIVERY_BATCH):
        for outcome in notices_deliver(notice_ids=due[start:start + DELIVERY_BATCH], now=now).values():
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def may_handle_notices(user) -> bool:
    """Only the disclosure office reads the outbox and acts on a failed notice: the addresses in
    it are personal data, a reporter's is secret (M.19)."""
    from portal.models import Role
    from portal.selectors import has_role

    return bool(getattr(user, "is_authenticated", False)) and has_role(user, Role.DISCLOSURE_OFFICE) and (
        user.has_perm("portal.change_notice"))


def _check_may_handle(actor) -> None:
    from django.utils.translation import gettext as _

    from portal.errors import ActionRefused

    if not may_handle_notices(actor):
        raise ActionRefused(_("只有政府信息公开工作机构可以处理发送失败的通知邮件。"))


def notice_resend(*, notice: Notice, actor) -> Notice:
    """The disclosure office tries a failed notice again (after correcting the server, or the
    address on the case): a fresh round of attempts."""
    _check_may_handle(actor)
    with transaction.atomic():
        updated = Notice.objects.filter(pk=notice.pk, state=NoticeState.FAILED).update(
            state=NoticeState.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error="")
        if updated:
            _schedule(notice.pk)
    notice.refresh_from_db()
    return notice


def notice_resolve(*, notice: Notice, actor) -> Notice:
    """The disclosure office took care of a failed notice another way (a letter, a call): it
    leaves the work list; the notice and its attempts stay."""
    _check_may_handle(actor)
    Notice.objects.filter(pk=notice.pk, state=NoticeState.FAILED, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor)
    notice.refresh_from_db()
    return notice


# Reads ------------------------------------------------------------------------------------------


def case_notices(case, *, legal_only: bool = False):
    """The outbox notices about one case, oldest first: all of them for the back office, only the
    written notices with legal weight to the citizen (for the tracking page)."""
    notices = Notice.objects.filter(case_code=case.tracking_code).order_by("created_at", "pk")
    if legal_only:
        notices = notices.filter(legal=True, to_public=True)
    return notices


def failed_notices():
    """Notices failed for good that nobody has yet dealt with: the disclosure office's work."""
    return Notice.objects.filter(state=NoticeState.FAILED, resolved_at__isnull=True).order_by("created_at", "pk")


def worklist(user, today: dt.date | None = None) -> list:
    """The disclosure office's line for each notice that could not be delivered: someone must
    resend it or tell the person another way (a notice with a deadline, R.30, R.33, above all)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from portal.worklist import WorkItem, waited_text

    if not may_handle_notices(user):
        return []
    items = []
    for notice in failed_notices()[:200]:
        items.append(WorkItem(
            title=notice.subject,
            url=reverse("admin:portal_notice_change", args=[notice.pk]),
            kind=_("通知邮件未能送达"),
            office="—",
            step=_("已尝试 %(n)d 次：%(error)s") % {"n": notice.attempts, "error": notice.last_error or "—"},
            due_date=None, days_left=None, overdue=False,
            note=_("请重新发送，或以其他方式告知后标记为已处理。"),
            waiting_since=notice.created_at, waiting=waited_text(notice.created_at),
        ))
    return items

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
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from portal.models import Notice, NoticeAttempt, NoticeState

logger = logging.getLogger(__name__)

# A claim older than this belongs to a worker that died while sending.
STALE_CLAIM = dt.timedelta(minutes=15)


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


def _in_database(backend) -> bool:
    from django_tasks_db import DatabaseBackend

    return isinstance(backend, DatabaseBackend)


def _schedule(notice_id: int, *, run_after: dt.datetime | None = None) -> None:
    from portal.tasks import deliver_notice

    backend = deliver_notice.get_backend()
    task = deliver_notice.using(run_after=run_after) if run_after and backend.supports_defer else deliver_notice
    if run_after and not backend.supports_defer:
        return  # no deferred tasks here: outbox_deliver_due picks the retry up
    if _in_database(backend):
        task.enqueue(notice_id)  # a row in this transaction, committed with the notice
    else:
        transaction.on_commit(lambda: task.enqueue(notice_id))


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


def _message(notice: Notice) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(notice.subject, notice.body, settings.DEFAULT_FROM_EMAIL, notice.to,
                                     headers=notice.headers or None)
    if notice.html:
        message.attach_alternative(notice.html, "text/html")
    return message


def notice_deliver(*, notice_id: int, now: dt.datetime | None = None) -> str:
    """One attempt to send the notice, if it is still pending and due. Returns what happened:
    "sent", "retry", "failed" or "skipped" (someone else has it, or it is done, or not due)."""
    now = now or timezone.now()
    claimed = Notice.objects.filter(pk=notice_id, state=NoticeState.PENDING, next_attempt_at__lte=now).update(
        state=NoticeState.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    notice = Notice.objects.get(pk=notice_id)
    message = _message(notice)
    try:
        message.send()
    except Exception as error:  # any failure is recorded on the notice; the worker goes on
        described, permanent = _describe(error)
        # The subject names a case by its tracking code only; the addresses stay out (M.19).
        logger.warning("notice %s failed: %s (%s, %d recipient(s), attempt %d)", notice.pk, notice.subject,
                       described, len(notice.to), notice.attempts)
        refused = sorted(error.recipients) if isinstance(error, smtplib.SMTPRecipientsRefused) else None
        return _record_failure(notice, described, permanent=permanent, now=now, refused=refused)
    refused = getattr(message, "refused", [])
    with transaction.atomic():
        NoticeAttempt.objects.create(notice=notice, ok=True)
        Notice.objects.filter(pk=notice.pk).update(state=NoticeState.SENT, sent_at=timezone.now(), last_error="",
                                                   refused=refused)
    if refused:
        _tell_refused(notice, refused)
    return "sent"


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
        _tell_refused(notice, refused or list(notice.to))
    return outcome


def _tell_refused(notice: Notice, addresses: list[str]) -> None:
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
    due = (Notice.objects.filter(state=NoticeState.PENDING, next_attempt_at__lte=now)
           .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    for notice_id in list(due):
        outcome = notice_deliver(notice_id=notice_id, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def notice_resend(*, notice: Notice) -> Notice:
    """The disclosure office tries a failed notice again (after correcting the server, or the
    address on the case): a fresh round of attempts."""
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

    from portal.models import Role
    from portal.selectors import has_role
    from portal.worklist import WorkItem, waited_text

    if not (has_role(user, Role.DISCLOSURE_OFFICE) and user.has_perm("portal.change_notice")):
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

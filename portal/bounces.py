"""Bounces that arrive later by mail (退信, issue #21): the mail server accepted a notice, and a
server further on returned it hours later in a delivery status notification (RFC 3464: a
multipart/report with a message/delivery-status part).

Tying a bounce to its notice: every notice carries a token — `n<id>-<12 hex of an HMAC>` — in
an `X-Portal-Notice` header (which Postfix and most servers return in the bounce, with the
original headers) and, when PORTAL_BOUNCE_ADDRESS is set, in the envelope sender
(`bounces+<token>@…`, VERP), to which the bounce itself is addressed. The HMAC (SECRET_KEY) means
nobody can forge a bounce that suspends another person's subscription.

What a bounce does:
- a permanent failure (Action: failed, Status 5.x.x) of a recipient of the notice: the recipient
  joins the notice's refused ones; the notice fails once all its recipients are refused (a
  notice to a citizen lands on the disclosure office's work list, and the tracking page says the
  mail was not delivered); the apps' `notice_refused` hooks hear it (a subscription is
  suspended), exactly as for a refusal while sending;
- a transient one (Action: delayed, or Status 4.x.x): an attempt is recorded, nothing else;
- anything else — mail that is no bounce, a token that does not verify, a notice deleted since,
  malformed input — is ignored. The input comes from the internet: it never raises.

`manage.py process_bounces` feeds it from the mail server (README, deployment)."""

from __future__ import annotations

import email
import email.message
import email.policy
import hmac
import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac

from portal.models import Notice, NoticeAttempt, NoticeState

logger = logging.getLogger(__name__)

HEADER = "X-Portal-Notice"
TOKEN = r"n(\d{1,18})-([0-9a-f]{12})"
_IN_ADDRESS = re.compile(r"\+" + TOKEN + r"@", re.IGNORECASE)
_IN_HEADERS = re.compile(HEADER + r":\s*" + TOKEN, re.IGNORECASE)
_STATUS = re.compile(r"([245])\.(\d{1,3})\.(\d{1,3})")
MAX_BYTES = 10 * 1024 * 1024  # a bounce larger than this is cut: its reports come first


def _signature(notice_id: int) -> str:
    return salted_hmac("portal.bounces", str(notice_id)).hexdigest()[:12]


def bounce_token(notice_id: int) -> str:
    return f"n{notice_id}-{_signature(notice_id)}"


def envelope_sender(notice_id: int) -> str | None:
    """The VERP envelope sender for the notice, or None without PORTAL_BOUNCE_ADDRESS."""
    address = getattr(settings, "PORTAL_BOUNCE_ADDRESS", "")
    local, at, domain = address.rpartition("@")
    if not (local and at and domain):
        return None
    return f"{local}+{bounce_token(notice_id)}@{domain}"


@dataclass
class Report:
    """What one bounce says: the notice's token, and each recipient's outcome."""

    notice_id: int | None = None
    permanent: dict[str, str] = field(default_factory=dict)  # address → status
    transient: dict[str, str] = field(default_factory=dict)


def _verified(match: re.Match | None) -> int | None:
    if match is None:
        return None
    notice_id, signature = int(match.group(1)), match.group(2).lower()
    return notice_id if hmac.compare_digest(signature, _signature(notice_id)) else None


def _address(value: str) -> str:
    """`rfc822; Someone@Example.com` → `someone@example.com`."""
    value = value.split(";", 1)[-1].strip().strip("<>").strip()
    return value.casefold()


def parse(raw: bytes, *, envelope_recipient: str = "") -> Report:
    """Read a bounce. Never raises on bad input: what cannot be read is left out."""
    report = Report()
    try:
        message = email.message_from_bytes(raw[:MAX_BYTES], policy=email.policy.compat32)
    except Exception:  # the parser is lenient; this is for the unforeseen
        logger.info("bounce: unreadable message ignored")
        return report
    addressed = " ".join([envelope_recipient] + [str(message.get(name, "")) for name in
                                                  ("Delivered-To", "X-Original-To", "Envelope-To", "To")])
    report.notice_id = _verified(_IN_ADDRESS.search(addressed))
    for part in _walk(message):
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            _read_status(part, report)
        elif report.notice_id is None and kind in ("text/rfc822-headers", "message/rfc822",
                                                    "message/rfc822-headers"):
            report.notice_id = _verified(_IN_HEADERS.search(_text(part)))
    return report


def _walk(message: email.message.Message):
    try:
        yield from message.walk()
    except Exception:  # a damaged MIME structure: what was read so far counts
        return


def _text(part: email.message.Message) -> str:
    try:
        payload = part.get_payload(decode=False)
        if isinstance(payload, list):  # message/rfc822: the returned message, parsed
            return "\n".join(str(item) for item in payload[:1])
        return str(payload)[:200_000]
    except Exception:
        return ""


def _status_blocks(part: email.message.Message) -> list[email.message.Message]:
    """The per-recipient field blocks of a message/delivery-status part (the first block is about
    the message, the others one per recipient)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, email.message.Message)][1:]
    text = str(payload or "").replace("\r\n", "\n")
    blocks = [email.message_from_string(chunk, policy=email.policy.compat32)
              for chunk in re.split(r"\n\s*\n", text.strip()) if chunk.strip()]
    return blocks[1:]


def _read_status(part: email.message.Message, report: Report) -> None:
    try:
        blocks = _status_blocks(part)
    except Exception:
        return
    for block in blocks:
        recipients = [_address(str(block.get(name, ""))) for name in ("Original-Recipient", "Final-Recipient")]
        recipients = [r for r in recipients if "@" in r]
        action = str(block.get("Action", "")).strip().lower()
        status = _STATUS.search(str(block.get("Status", "")))
        if not recipients or status is None:
            continue
        code = status.group(0)
        if action == "failed" and code.startswith("5"):
            target = report.permanent
        elif action == "delayed" or code.startswith("4"):
            target = report.transient
        else:
            continue  # delivered, relayed, expanded: no failure
        for recipient in recipients:
            target[recipient] = code


def _recipients_of(notice: Notice, reported: dict[str, str]) -> dict[str, str]:
    """The notice's own recipients (as written on it) the report names; a one-recipient notice's
    bounce that names another address (a forward, an alias) is that recipient's."""
    own = {address.casefold(): address for address in notice.to}
    found = {own[address]: code for address, code in reported.items() if address in own}
    if not found and reported and len(notice.to) == 1:
        found = {notice.to[0]: next(iter(reported.values()))}
    return found


def bounce_process(raw: bytes, *, envelope_recipient: str = "") -> str:
    """Act on one bounce (see the module's docstring). Returns what it did: "permanent",
    "transient", "already" (this permanent failure was recorded before) or "ignored"."""
    report = parse(raw, envelope_recipient=envelope_recipient)
    if report.notice_id is None or not (report.permanent or report.transient):
        return "ignored"
    notice = Notice.objects.filter(pk=report.notice_id).first()
    if notice is None:
        return "ignored"  # deleted since (an unsubscribed subscriber's mails go with the row)
    permanent = _recipients_of(notice, report.permanent)
    if permanent:
        with transaction.atomic():
            notice = Notice.objects.select_for_update().get(pk=notice.pk)
            new = sorted(set(permanent) - set(notice.refused))
            if not new:
                return "already"
            code = permanent[new[0]]
            NoticeAttempt.objects.create(notice=notice, ok=False, error=f"DSN failed {code}")
            notice.refused = sorted(set(notice.refused) | set(new))
            update = {"refused": notice.refused, "last_error": f"DSN failed {code}"}
            if set(notice.refused) >= set(notice.to):  # nobody got it: someone must act
                update["state"] = NoticeState.FAILED
            Notice.objects.filter(pk=notice.pk).update(**update)
            notice.refresh_from_db()
        logger.warning("notice %s bounced: %d recipient(s) failed for good (%s)", notice.pk, len(new), code)
        from portal.outbox import tell_refused

        tell_refused(notice, new)
        return "permanent"
    transient = _recipients_of(notice, report.transient)
    if not transient:
        return "ignored"
    code = next(iter(transient.values()))
    NoticeAttempt.objects.create(notice=notice, ok=False, error=f"DSN delayed {code}")
    logger.info("notice %s: delivery delayed (%s), the servers are still trying", notice.pk, code)
    return "transient"

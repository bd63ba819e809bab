"""Bounces that arrive later by mail (issue #21, "a bounce marks that subscription and does not
block the others"): `manage.py process_bounces` reads delivery reports as Postfix writes them
(RFC 3464), ties each to its notice by the token the mail carried, suspends a subscription whose
address failed for good, puts a citizen's undelivered notice on the disclosure office's work
list, only records a delay, and ignores whatever else arrives — never with an error."""

from __future__ import annotations

import io
import mailbox

import pytest
from django.core import mail
from django.core.management import call_command

from disclosure.subscription_models import Subscription
from portal.admin_site import worklist_for
from portal.bounces import HEADER, bounce_process, bounce_token
from portal.models import Notice, NoticeAttempt, NoticeState
from portal.notify import notify_on_commit

BOUNDARY = "4F1B2C0A3B.1733447523/mail.gxt.example.gov.cn"


def postfix_dsn(original: bytes, *, recipient: str, action: str = "failed", status: str = "5.1.1",
                to: str = "noreply@gxt.example.gov.cn", headers_only: bool = True) -> bytes:
    """A delivery report as Postfix's bounce(8) writes it: a notification in words, the
    message/delivery-status part, and the returned message's headers (or the whole message)."""
    head = original.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].decode("ascii", "replace")
    if action == "failed":
        subject, words = "Undelivered Mail Returned to Sender", (
            "I'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.")
        diagnostic = f"smtp; 550 {status} <{recipient}>: Recipient address rejected: User unknown"
        extra = ""
    else:
        subject, words = "Delayed Mail (still being retried)", (
            "This is a delivery status notification, NOT AN ERROR MESSAGE.\nThe mail system will continue "
            "delivery attempts.")
        diagnostic = f"smtp; 451 {status} <{recipient}>: Recipient address rejected: Greylisted"
        extra = "Will-Retry-Until: Sun, 11 Dec 2026 09:12:01 +0800 (CST)\n"
    returned = ("Content-Description: Undelivered Message Headers\nContent-Type: text/rfc822-headers\n\n" + head
                if headers_only else
                "Content-Description: Undelivered Message\nContent-Type: message/rfc822\n\n"
                + original.decode("ascii", "replace").replace("\r\n", "\n"))
    return f"""Return-Path: <>
Delivered-To: {to}
Received: by mail.gxt.example.gov.cn (Postfix) id 4F1B2C0A3B; Sun,  6 Dec 2026 09:12:03 +0800 (CST)
Date: Sun,  6 Dec 2026 09:12:03 +0800 (CST)
From: MAILER-DAEMON@mail.gxt.example.gov.cn (Mail Delivery System)
Subject: {subject}
To: {to}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="{BOUNDARY}"
Content-Transfer-Encoding: 8bit
Message-Id: <20261206011203.4F1B2C0A3B@mail.gxt.example.gov.cn>

This is a MIME-encapsulated message.

--{BOUNDARY}
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.gxt.example.gov.cn.

{words}

<{recipient}>: host mx.example.com[203.0.113.5] said: {diagnostic[6:]}
    (in reply to RCPT TO command)

--{BOUNDARY}
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.gxt.example.gov.cn
X-Postfix-Queue-ID: 4F1B2C0A3B
X-Postfix-Sender: rfc822; {to}
Arrival-Date: Sun,  6 Dec 2026 09:12:01 +0800 (CST)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; mx.example.com
Diagnostic-Code: {diagnostic}
{extra}
--{BOUNDARY}
{returned}
--{BOUNDARY}--
""".encode()


def sent_to(address: str):
    """The mail that went to `address`, as bytes on the wire."""
    message = next(m for m in reversed(mail.outbox) if m.to == [address])
    return message.message().as_bytes()


def run(*args, stdin: bytes = b"", env: dict | None = None, monkeypatch=None) -> str:
    out = io.StringIO()
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
    call_command("process_bounces", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def readers(world, django_capture_on_commit_callbacks):
    """Two confirmed subscribers and an immediate mail to each (a publication's news)."""
    from tests.conftest import S, drive, new_draft
    from tests.disclosure.test_subscriptions import confirmed

    with django_capture_on_commit_callbacks(execute=True):
        gone = confirmed("gone@example.com")
        fine = confirmed("fine@example.com")
        drive(world, new_draft(world, title="关于中小企业补贴申报的通知"), S.PUBLISHED)
    return gone, fine


def test_a_permanent_bounce_suspends_that_subscription_only_and_settles_its_notice(readers, monkeypatch):
    gone, fine = readers
    notice = Notice.objects.get(to=["gone@example.com"], subject__contains="订阅信息更新")
    assert notice.state == NoticeState.SENT
    original = sent_to("gone@example.com")
    assert f"{HEADER}: {bounce_token(notice.pk)}".encode() in original

    out = run(stdin=postfix_dsn(original, recipient="gone@example.com"), monkeypatch=monkeypatch)
    assert "permanent: 1" in out
    gone.refresh_from_db()
    fine.refresh_from_db()
    assert gone.refused_at is not None and fine.refused_at is None
    notice.refresh_from_db()
    assert notice.refused == ["gone@example.com"] and notice.state == NoticeState.FAILED
    assert notice.resolved_at is not None  # a subscriber's dead address is no one's work
    assert NoticeAttempt.objects.filter(notice=notice, ok=False, error="DSN failed 5.1.1").count() == 1
    # The same report again (a mail server delivers it twice) changes nothing.
    assert "already: 1" in run(stdin=postfix_dsn(original, recipient="gone@example.com"), monkeypatch=monkeypatch)
    assert NoticeAttempt.objects.filter(notice=notice, ok=False).count() == 1


def test_a_bounce_addressed_to_the_verp_sender_of_a_citizens_notice_puts_it_on_the_work_list(
        world, settings, django_capture_on_commit_callbacks, monkeypatch):
    settings.PORTAL_BOUNCE_ADDRESS = "bounces@gxt.example.gov.cn"
    with django_capture_on_commit_callbacks(execute=True):
        notify_on_commit(emails=["zhang.san@example.com"], subject="[测试] 请补正您的申请（YS2026-000009）",
                         body="请补正。", case_code="YS2026-000009", legal=True)
    notice = Notice.objects.get()
    [message] = mail.outbox
    verp = f"bounces+{bounce_token(notice.pk)}@gxt.example.gov.cn"
    assert message.from_email == verp  # the envelope sender, where the bounce returns
    assert message.message()["From"] == settings.DEFAULT_FROM_EMAIL  # what the citizen sees
    # A server that returns no headers: the envelope recipient alone ties the report to the notice.
    report = postfix_dsn(b"Subject: x\n\n", recipient="Zhang.San@example.com", to="bounces@gxt.example.gov.cn")
    out = run("--recipient", verp, stdin=report, monkeypatch=monkeypatch)  # as deploy/process-bounces passes it
    assert "permanent: 1" in out
    notice.refresh_from_db()
    assert notice.state == NoticeState.FAILED and notice.resolved_at is None
    assert notice.subject in [item.title for item in worklist_for(world.disclosure)]


def test_a_delay_is_only_recorded(readers, monkeypatch):
    gone, _fine = readers
    notice = Notice.objects.get(to=["gone@example.com"], subject__contains="订阅信息更新")
    report = postfix_dsn(sent_to("gone@example.com"), recipient="gone@example.com", action="delayed",
                         status="4.4.1", headers_only=False)
    assert "transient: 1" in run(stdin=report, monkeypatch=monkeypatch)
    notice.refresh_from_db()
    gone.refresh_from_db()
    assert notice.state == NoticeState.SENT and notice.refused == [] and gone.refused_at is None
    assert NoticeAttempt.objects.filter(notice=notice, ok=False, error="DSN delayed 4.4.1").exists()


def test_foreign_forged_and_malformed_mail_is_ignored_without_an_error(readers, monkeypatch):
    notice = Notice.objects.get(to=["gone@example.com"], subject__contains="订阅信息更新")
    original = sent_to("gone@example.com")
    forged = original.replace(bounce_token(notice.pk).encode(), f"n{notice.pk}-000000000000".encode())
    deleted = original.replace(bounce_token(notice.pk).encode(), bounce_token(notice.pk + 10_000).encode())
    samples = [
        b"",
        b"\xff\xfe\x00garbage\r\n\r\n\x00",
        "From: someone@example.com\nSubject: 自动回复：我正在休假\n\n我将于下周回复。\n".encode(),
        postfix_dsn(forged, recipient="gone@example.com"),
        postfix_dsn(deleted, recipient="gone@example.com"),
        postfix_dsn(original, recipient="gone@example.com")[:900],  # cut off inside the report
        postfix_dsn(original, recipient="gone@example.com").replace(b"Status: 5.1.1", b"Status: nonsense"),
        postfix_dsn(original, recipient="gone@example.com").replace(b"multipart/report", b"multipart/mixed")
        .replace(f'boundary="{BOUNDARY}"'.encode(), b'boundary="other"'),
    ]
    for raw in samples:
        assert bounce_process(raw) == "ignored", raw[:200]
    assert "ignored: 1" in run(stdin=samples[1], monkeypatch=monkeypatch)
    assert not Subscription.objects.filter(refused_at__isnull=False).exists()
    notice.refresh_from_db()
    assert notice.state == NoticeState.SENT and notice.refused == []


def test_a_maildir_is_read_once_and_an_mbox_whole(readers, tmp_path):
    original = sent_to("gone@example.com")
    box = mailbox.Maildir(tmp_path / "bounces", create=True)
    box.add(postfix_dsn(original, recipient="gone@example.com"))
    box.add(b"Subject: not a bounce\n\nhello\n")
    box.flush()
    assert run(str(tmp_path / "bounces")) == "ignored: 1, permanent: 1\n"
    assert run(str(tmp_path / "bounces")) == "0 messages\n"  # read before: in cur/, seen
    assert Subscription.objects.get(email="gone@example.com").refused_at is not None

    Subscription.objects.update(refused_at=None)
    Notice.objects.update(refused=[], state=NoticeState.SENT)
    mbox = mailbox.mbox(tmp_path / "bounces.mbox", create=True)
    mbox.add(postfix_dsn(original, recipient="gone@example.com"))
    mbox.add(postfix_dsn(sent_to("fine@example.com"), recipient="fine@example.com", action="delayed", status="4.4.1"))
    mbox.flush()
    assert run(str(tmp_path / "bounces.mbox")) == "permanent: 1, transient: 1\n"
    assert list(Subscription.objects.filter(refused_at__isnull=False).values_list("email", flat=True)) == [
        "gone@example.com"]

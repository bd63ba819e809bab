"""The outbox (issue #21): a notice is a row written with the change that caused it; the task worker
sends it afterwards, retries with exponential backoff, records each attempt and marks it sent, or
failed for good — then it waits on the disclosure office's work list.

In the rest of the suite the task backend is Django's ImmediateBackend and delivery runs at the
commit (portal/test_settings.py), so the tests that read mail.outbox inside
django_capture_on_commit_callbacks(execute=True) hold as before. Here the database backend and
its worker (django-tasks-db's `db_worker`) run against a real SMTP server in the test process
(aiosmtpd), which is stopped — made unreachable — and started again."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import smtplib
import socket
import threading
import time

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.urls import reverse
from django.utils import timezone

from applications import services as application_services
from applications.models import DisclosureApplication
from disclosure import services as record_services
from portal.admin_site import worklist_for
from portal.errors import ActionRefused
from portal.models import MailMode, Notice, NoticeAttempt, NoticeState, SiteProfile, StaffPreference
from portal.notify import notify_on_commit
from portal.outbox import backoff, notice_resend, notice_resolve, outbox_deliver_due
from tests.applications.conftest import PERSON
from tests.conftest import S, act, drive, new_draft

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "mail"]}}
REFUSED = "refused@example.invalid"


# --- Backends that fail in the ways a mail server does -------------------------------------------


class DownBackend(LocmemBackend):
    """The server hangs up: a transient failure."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingOneBackend(LocmemBackend):
    """The server refuses REFUSED (550, permanent) and takes every other address."""

    def send_messages(self, messages):
        for message in messages:
            if REFUSED in message.to and len(message.to) == 1:
                raise smtplib.SMTPRecipientsRefused({REFUSED: (550, b"5.1.1 user unknown")})
        return super().send_messages(messages)


def staff_notice(world, **extra):
    notify_on_commit(users=[world.head_a], subject="[测试] 待处室负责人审核：通知", body="请审核。", **extra)


# --- Written with the change, sent after it -------------------------------------------------------


def test_a_notice_is_a_row_written_with_the_change_and_nothing_is_sent_inside_the_request(world, draft):
    mail.outbox.clear()
    record_services.record_submit(record=draft, actor=world.drafter_a)  # the transaction has not committed
    notice = Notice.objects.get()
    assert notice.state == NoticeState.PENDING and notice.to == ["head_a@example.invalid"]
    assert mail.outbox == []  # the request did not talk to any mail server


def test_no_notice_is_left_when_the_change_is_rolled_back(world, draft, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        record_services.record_submit(record=draft, actor=world.drafter_a)
        raise RuntimeError("the change fails after the notice was written")
    assert not Notice.objects.exists() and mail.outbox == []


def test_a_failed_attempt_is_retried_with_exponential_backoff_then_failed_for_good(
        world, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.DownBackend"
    settings.PORTAL_MAIL_MAX_ATTEMPTS = 3
    settings.PORTAL_MAIL_RETRY_SECONDS = 60
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    with django_capture_on_commit_callbacks(execute=True):
        staff_notice(world)
    notice = Notice.objects.get()
    assert notice.state == NoticeState.PENDING and notice.attempts == 1 and notice.last_error == "SMTPServerDisconnected"
    first_retry = notice.next_attempt_at
    assert dt.timedelta(seconds=55) < first_retry - timezone.now() <= dt.timedelta(seconds=60)

    assert outbox_deliver_due(now=first_retry - dt.timedelta(seconds=1)) == {}  # not due yet
    outbox_deliver_due(now=first_retry)
    notice.refresh_from_db()
    assert notice.attempts == 2 and notice.next_attempt_at - first_retry >= dt.timedelta(seconds=119)
    outbox_deliver_due(now=notice.next_attempt_at)
    notice.refresh_from_db()
    assert notice.state == NoticeState.FAILED and notice.attempts == 3
    assert [a.ok for a in NoticeAttempt.objects.filter(notice=notice)] == [False, False, False]

    # It waits on the disclosure office's work list, not on anyone else's.
    assert [item.title for item in worklist_for(world.disclosure)].count(notice.subject) == 1
    assert notice.subject not in [item.title for item in worklist_for(world.head_a)]

    # The server is back: the office resends it, and it leaves the work list.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notice_resend(notice=notice, actor=world.disclosure)
    notice.refresh_from_db()
    assert notice.state == NoticeState.SENT and [m.to for m in mail.outbox] == [["head_a@example.invalid"]]
    assert notice.subject not in [item.title for item in worklist_for(world.disclosure)]


def test_the_disclosure_office_resends_or_settles_a_failed_notice_in_the_back_office(
        client, world, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.RefusingOneBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notify_on_commit(emails=[REFUSED], subject="[测试] 请补正您的申请（YS2026-000009）", body="请补正。",
                         case_code="YS2026-000009", legal=True)
    notice = Notice.objects.get()
    client.force_login(world.disclosure)
    page = client.get(reverse("admin:index"))
    assert "通知邮件未能送达" in page.text and notice.subject in page.text
    listing = client.get(reverse("admin:portal_notice_changelist"))
    assert listing.status_code == 200 and REFUSED not in listing.text and "re***@example.invalid" in listing.text
    client.post(reverse("admin:portal_notice_changelist"),
                {"action": "resolve", "_selected_action": [notice.pk]})
    notice.refresh_from_db()
    assert notice.resolved_by == world.disclosure and notice.state == NoticeState.FAILED
    assert "通知邮件未能送达" not in client.get(reverse("admin:index")).text
    # Nobody outside the disclosure office reads the outbox.
    client.force_login(world.head_a)
    assert client.get(reverse("admin:portal_notice_changelist")).status_code == 403


@pytest.mark.parametrize("username", ["drafter_a", "head_a", "drafter_b", "leader_a", "publisher", "registrar",
                                      "supervisor", "admin", "nobody"])
def test_only_the_disclosure_office_reads_the_outbox_or_acts_on_a_failed_notice(
        client, world, settings, username, django_capture_on_commit_callbacks):
    """The list, a notice's page, the resend and settle actions posted by hand, and the services
    themselves: the IT administrator (a superuser) reads the masked list but acts on nothing."""
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.RefusingOneBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notify_on_commit(emails=[REFUSED], subject="[测试] 请补正您的申请（YS2026-000009）", body="请补正。",
                         case_code="YS2026-000009", legal=True)
    notice = Notice.objects.get()
    user = world.users_by_role()[username]
    client.force_login(user)
    listing = client.get(reverse("admin:portal_notice_changelist"))
    page = client.get(reverse("admin:portal_notice_change", args=[notice.pk]))
    if username == "admin":
        assert listing.status_code == page.status_code == 200 and REFUSED not in listing.text + page.text
    else:
        assert listing.status_code in (302, 403) and page.status_code in (302, 403)
    for action in ("resend", "resolve"):
        client.post(reverse("admin:portal_notice_changelist"), {"action": action, "_selected_action": [notice.pk]})
    with pytest.raises(ActionRefused):
        notice_resend(notice=notice, actor=user)
    with pytest.raises(ActionRefused):
        notice_resolve(notice=notice, actor=user)
    notice.refresh_from_db()
    assert (notice.state, notice.attempts, notice.resolved_at) == (NoticeState.FAILED, 1, None)


def test_a_refused_recipient_fails_its_notice_at_once_and_does_not_block_the_others(
        world, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.RefusingOneBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notify_on_commit(emails=[REFUSED], subject="甲", body="一")
        notify_on_commit(emails=["citizen@example.invalid"], subject="乙", body="二")
        staff_notice(world)
    states = dict(Notice.objects.values_list("subject", "state"))
    assert states["甲"] == NoticeState.FAILED  # 550: trying again cannot help
    assert states["乙"] == NoticeState.SENT and states["[测试] 待处室负责人审核：通知"] == NoticeState.SENT
    assert Notice.objects.get(subject="甲").attempts == 1
    assert sorted(m.subject for m in mail.outbox) == sorted(["乙", "[测试] 待处室负责人审核：通知"])


def test_a_malformed_address_is_never_handed_to_the_mail_server(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_on_commit(emails=["not an address"], subject="甲", body="一")
        notify_on_commit(emails=["zhang@", "ok@example.invalid"], subject="乙", body="二")
    assert list(Notice.objects.values_list("subject", "to")) == [("乙", ["ok@example.invalid"])]
    assert [m.to for m in mail.outbox] == [["ok@example.invalid"]]


def test_the_application_form_refuses_a_malformed_address(client, world):
    import re

    page = client.post(reverse("applications:apply"), {**PERSON, "email": "zhangsan@@example"})
    assert page.status_code == 200, page.status_code
    assert "请输入合法的邮件地址" in page.text, re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', page.text, re.S)
    assert not DisclosureApplication.objects.exists() and not Notice.objects.exists()


# --- Mail in the agency's look --------------------------------------------------------------------


def test_mail_has_text_and_html_parts_with_the_agency_name_contact_and_portal_links(
        world, settings, django_capture_on_commit_callbacks):
    settings.PORTAL_BASE_URL = "https://gxt.example.gov.cn"
    site = SiteProfile.current()
    site.phone, site.email, site.address = "0431-88888888", "gkb@gxt.example.gov.cn", "长春市人民大街1号"
    site.save()
    with django_capture_on_commit_callbacks(execute=True):
        application_services.application_submit(data=dict(PERSON))
    receipt = next(m for m in mail.outbox if m.to == [PERSON["email"]])
    assert "https://gxt.example.gov.cn/" in receipt.body
    assert "测试省工业和信息化厅" in receipt.body and "0431-88888888" in receipt.body
    html, kind = receipt.alternatives[0]
    assert kind == "text/html"
    assert "测试省工业和信息化厅" in html and "长春市人民大街1号" in html
    assert 'href="https://gxt.example.gov.cn/' in html


# --- Notices with legal weight on the tracking page, delivery state in the back office ----------


def test_a_supplement_request_shows_on_the_tracking_page_with_the_date_it_was_sent_r30(
        client, world, settings, django_capture_on_commit_callbacks):
    from tests.applications.test_public_track import case_url

    with django_capture_on_commit_callbacks(execute=True):
        application, _secret, _created = application_services.application_submit(data=dict(PERSON))
        application = application_services.application_confirm(application=application, actor=world.disclosure)
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.DownBackend"  # the mail cannot go out
    with django_capture_on_commit_callbacks(execute=True):
        application_services.application_request_supplement(
            application=application, actor=world.disclosure, items="请说明年份",
            deadline=timezone.localdate() + dt.timedelta(days=7))
    page = client.get(case_url(application)).text
    assert "邮件告知" in page and "请补正您的申请" in page
    assert "告知内容以本页为准" in page  # not delivered: the page says the notice stands
    assert "已收到您的政府信息公开申请" not in page  # a receipt has no legal weight: not listed

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outbox_deliver_due(now=timezone.now() + dt.timedelta(hours=1))
    sent = Notice.objects.get(subject__contains="请补正").sent_at
    assert f"已于 {timezone.localtime(sent):%Y-%m-%d %H:%M} 发送" in client.get(case_url(application)).text

    # The back office shows every notice of the case and how its delivery went, no address.
    client.force_login(world.disclosure)
    admin_page = client.get(reverse("admin:applications_disclosureapplication_change",
                                    args=[application.pk])).text
    assert "通知邮件" in admin_page and "请补正您的申请" in admin_page and "SMTPServerDisconnected" in admin_page
    assert "已发送" in admin_page and PERSON["email"] not in admin_page.split('id="mail-notices-title"')[1]


# --- Staff: immediate mails or one morning digest; deadline reminders take the same path --------


def test_deadline_reminders_go_into_the_digest_for_those_who_chose_it(world, django_capture_on_commit_callbacks):
    from portal.services import staff_digest_send
    from tests.applications.conftest import offline

    application = offline(world, received_on=timezone.localdate() - dt.timedelta(days=40))
    StaffPreference.objects.create(user=world.disclosure, mail_mode=MailMode.DIGEST)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert application_services.applications_send_deadline_reminders() == 1  # overdue
    assert not any(world.disclosure.email in m.to for m in mail.outbox)  # no mail of its own…
    with django_capture_on_commit_callbacks(execute=True):
        staff_digest_send(user=world.disclosure)
    digest = next(m for m in mail.outbox if world.disclosure.email in m.to)
    assert "每日待办汇总" in digest.subject and application.tracking_code in digest.body  # …but in the digest
    assert "逾期" in digest.body


# --- The fault test: the SMTP server is down, then back -------------------------------------------


def squeeze(subject: str) -> str:
    """A subject without the white space that encoding and folding a long header may add."""
    return "".join(subject.split())


class Sink:
    """An SMTP server's handler that keeps what it receives and refuses REFUSED."""

    def __init__(self):
        self.received: list[tuple[list[str], str]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 user unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((sorted(envelope.rcpt_tos), squeeze(str(message["Subject"]))))
        return "250 OK"


class SmtpServer:
    """aiosmtpd on a fixed port that can be stopped — its port then swallows connections without a
    word, as an unreachable server does until the client's timeout — and started again."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.sink = Sink()
        self.controller = None
        self.blackhole = None

    def start(self):
        from aiosmtpd.controller import Controller

        if self.blackhole:
            self.blackhole.close()
            self.blackhole = None
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port, loop=asyncio.new_event_loop())
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None
        self.blackhole = socket.socket()
        self.blackhole.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.blackhole.bind(("127.0.0.1", self.port))
        self.blackhole.listen(64)

    def close(self):
        if self.controller:
            self.controller.stop()
        if self.blackhole:
            self.blackhole.close()


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    settings.EMAIL_BACKEND = "portal.mail.RefusalAwareSMTPBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 2
    # A stopped server swallows connections: each attempt waits out the connect timeout (5 s in
    # production), and a second is as good a test of it as five.
    settings.PORTAL_MAIL_CONNECT_TIMEOUT = 1
    settings.EMAIL_USE_TLS = False
    settings.TASKS = DB_TASKS
    settings.PORTAL_MAIL_RETRY_SECONDS = 30
    server.start()
    try:
        yield server
    finally:
        server.close()


def run_worker(worker_id: str = "test-worker") -> None:
    """django-tasks-db's worker, as `manage.py db_worker --batch` runs it: every ready task, then exit."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(queue_names=["default", "mail"], interval=0, batch=True, backend_name="default", startup_delay=False,
           max_tasks=None, worker_id=worker_id, excluded_queue_names=[]).run()


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


@pytest.mark.django_db(transaction=True)
def test_with_the_mail_server_unreachable_work_goes_on_and_every_notice_goes_out_once_when_it_is_back(
        client, world, smtp):
    from tests.portal.test_double_submit import receipt

    client.get(reverse("applications:apply"))  # the pages' templates are loaded once, before timing
    smtp.stop()
    # A citizen applies, a reviewer approves: both answer at normal speed (the server would hold a
    # synchronous sender for EMAIL_TIMEOUT on each mail).
    page, applied = timed(lambda: client.post(reverse("applications:apply"), dict(PERSON)))
    receipt(page)
    record = drive(world, new_draft(world), S.DIVISION_REVIEW)
    _record, approved = timed(lambda: act(client, "head_a", record, "approve_division",
                                          no_state_secret="on", no_commercial_secret="on",
                                          no_personal_privacy="on"))
    print(f"with the mail server silent: apply {applied:.3f} s, approve {approved:.3f} s")
    assert applied < 1.5 and approved < 1.5, (applied, approved)
    expected = {(tuple(n.to), squeeze(n.subject)) for n in Notice.objects.all()}
    assert len(expected) == Notice.objects.count() >= 3  # receipt, the office's "to confirm", the review

    run_worker()  # every attempt meets the silent server
    assert smtp.sink.received == []
    assert set(Notice.objects.values_list("state", flat=True)) == {NoticeState.PENDING}
    assert all(n.attempts == 1 for n in Notice.objects.all())

    smtp.start()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):  # the first retry is due
        run_worker()
        run_worker()  # nothing is left to send twice
    outbox_deliver_due(now=timezone.now() + dt.timedelta(hours=1))
    received = [(tuple(to), subject) for to, subject in smtp.sink.received]
    assert sorted(received) == sorted(expected)  # each notice once, none lost
    assert set(Notice.objects.values_list("state", flat=True)) == {NoticeState.SENT}
    assert all(n.attempts == 2 for n in Notice.objects.all())


@pytest.mark.django_db(transaction=True)
def test_a_server_refusal_of_one_recipient_is_recorded_and_the_others_get_the_mail(world, smtp):
    notify_on_commit(emails=[REFUSED, "citizen@example.invalid"], subject="两位收件人", body="一")
    notify_on_commit(emails=[REFUSED], subject="只有被拒收件人", body="二")
    run_worker()
    both = Notice.objects.get(subject="两位收件人")
    assert both.state == NoticeState.SENT and both.refused == [REFUSED]
    assert Notice.objects.get(subject="只有被拒收件人").state == NoticeState.FAILED
    assert smtp.sink.received == [(["citizen@example.invalid"], "两位收件人")]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_notice_twice(world, smtp):
    from django.db import connection

    from portal.tasks import deliver_notice

    count = 40
    for n in range(count):
        notify_on_commit(emails=[f"person{n}@example.invalid"], subject=f"通知 {n}", body="正文")
    for notice in Notice.objects.all():  # and each delivery task twice, as after a recovery
        deliver_notice.enqueue(notice.pk)
    barrier = threading.Barrier(2)
    errors = []

    def worker(name):
        try:
            barrier.wait()
            run_worker(name)
        except Exception as error:  # collected for the assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    subjects = [subject for _to, subject in smtp.sink.received]
    assert sorted(subjects) == sorted(f"通知{n}" for n in range(count))  # every one, once
    assert Notice.objects.filter(state=NoticeState.SENT).count() == count
    from django_tasks_db.models import DBTaskResult

    assert NoticeAttempt.objects.count() == count  # one attempt each: the second task found it sent
    assert DBTaskResult.objects.count() == 2 * count


# --- Batches: many notices over one connection (issue #21, subscriptions and digests) ---------------


class CountingBackend(LocmemBackend):
    """Counts the connections opened to the mail server (locmem otherwise)."""

    opened = 0

    def open(self):
        type(self).opened += 1
        return super().open()


class HangsUpAfterTwoBackend(LocmemBackend):
    """The server takes two messages, then hangs up."""

    def send_messages(self, messages):
        if len(mail.outbox) >= 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def test_notices_written_together_are_sent_over_one_connection_with_as_many_queries_for_30_as_for_3(
        world, settings, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.outbox import notices_create, notices_deliver

    settings.EMAIL_BACKEND = "tests.portal.test_outbox.CountingBackend"

    def send(count: int) -> int:
        mail.outbox.clear()
        CountingBackend.opened = 0
        with django_capture_on_commit_callbacks(execute=False):
            notices = notices_create({"to": [f"reader{n}@example.invalid"], "subject": f"批量 {n}", "body": "正文"}
                                     for n in range(count))
        with CaptureQueriesContext(connection) as queries:
            outcomes = notices_deliver(notice_ids=[n.pk for n in notices])
        assert set(outcomes.values()) == {"sent"} and len(mail.outbox) == count
        assert CountingBackend.opened == 1  # one connection for the batch
        return len(queries)

    few, many = send(3), send(30)
    assert many == few, (few, many)
    assert Notice.objects.filter(state=NoticeState.SENT).count() == 33
    assert NoticeAttempt.objects.filter(ok=True).count() == 33


def test_in_a_batch_a_refused_address_fails_alone_and_a_lost_connection_leaves_the_rest_for_a_retry(
        world, settings, django_capture_on_commit_callbacks):
    from portal.outbox import notices_create, notices_deliver

    settings.EMAIL_BACKEND = "tests.portal.test_outbox.RefusingOneBackend"
    with django_capture_on_commit_callbacks(execute=False):
        first = notices_create([{"to": [REFUSED], "subject": "甲", "body": "一"},
                                {"to": ["a@example.invalid"], "subject": "乙", "body": "二"}])
    assert notices_deliver(notice_ids=[n.pk for n in first]) == {first[0].pk: "failed", first[1].pk: "sent"}

    mail.outbox.clear()
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.HangsUpAfterTwoBackend"
    with django_capture_on_commit_callbacks(execute=False):
        second = notices_create({"to": [f"r{n}@example.invalid"], "subject": f"丙{n}", "body": "三"} for n in range(5))
    outcomes = notices_deliver(notice_ids=[n.pk for n in second])
    assert list(outcomes.values()) == ["sent", "sent", "retry", "retry", "retry"]
    assert [m.subject for m in mail.outbox] == ["丙0", "丙1"]
    waiting = Notice.objects.filter(pk__in=[n.pk for n in second[2:]])
    assert {(n.state, n.attempts, n.last_error) for n in waiting} == {
        (NoticeState.PENDING, 1, "SMTPServerDisconnected")}
    # The server is back: the retries go out, nothing twice.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outbox_deliver_due(now=timezone.now() + dt.timedelta(hours=1))
    assert sorted(m.subject for m in mail.outbox) == [f"丙{n}" for n in range(5)]


def test_the_worker_gives_up_on_a_silent_server_after_the_connect_timeout_not_email_timeout(world, settings, smtp):
    from portal.mail import RefusalAwareSMTPBackend
    from portal.outbox import notices_create, notices_deliver

    settings.EMAIL_TIMEOUT, settings.PORTAL_MAIL_CONNECT_TIMEOUT = 20, 1
    # Connected, the server gets EMAIL_TIMEOUT for each reply (a large message, a slow server).
    backend = RefusalAwareSMTPBackend(host="127.0.0.1", port=smtp.port, timeout=20, connect_timeout=1)
    assert backend.open() and backend.connection.sock.gettimeout() == 20
    backend.close()

    smtp.stop()  # the port now takes connections and never answers
    notices = notices_create({"to": [f"r{n}@example.invalid"], "subject": f"丁{n}", "body": "四"} for n in range(3))
    outcomes, elapsed = timed(lambda: notices_deliver(notice_ids=[n.pk for n in notices]))
    assert set(outcomes.values()) == {"retry"}
    assert elapsed < 10, elapsed  # one connect timeout for the batch; EMAIL_TIMEOUT would be 20 s
    assert {n.last_error for n in Notice.objects.filter(pk__in=[n.pk for n in notices])} in (
        {"TimeoutError"}, {"SMTPServerDisconnected"})

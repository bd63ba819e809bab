"""Subscriptions for the public (issue #21 part 3): the form (a malformed address, the spam trap,
the rate limit, a double submit), double opt-in with a link that expires, one-click unsubscribe
that deletes the row, the RFC 8058 headers in every mail, matching after the publishing
transaction (once per subscriber per record), digests (one mail each, never twice) and who sees
the addresses in the back office."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from disclosure import services, subscription_services
from disclosure.models import CatalogueCategory, Channel, RecordState
from disclosure.subscription_models import Frequency, Subscription, SubscriptionDelivery
from portal.models import Notice
from tests.conftest import drive, new_draft

S = RecordState
URL = reverse("disclosure:subscribe")


def form(**changes) -> dict:
    data = {"email": "citizen@example.com", "frequency": "immediate", "query": "", "website": "",
            "idempotency_key": str(uuid.uuid4())}
    data.update(changes)
    return data


def link(message, name: str) -> str:
    path = reverse(f"disclosure:{name}", args=["TOKEN"]).replace("TOKEN/", "")
    found = re.search(re.escape(path) + r"([^/\s]+)/", message.body)
    assert found, message.body
    return path + found.group(1) + "/"


def subscribe(client, capture, **changes):
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(URL, form(**changes))
    return response


def confirmed(email: str, *, frequency=Frequency.IMMEDIATE, categories=(), offices=(), document_types=(),
              query="", confirmed_at=None) -> Subscription:
    subscription, _created = subscription_services.subscription_create(
        email=email, categories=categories, offices=offices, document_types=document_types, query=query,
        frequency=frequency)
    subscription.confirmed_at = confirmed_at or timezone.now() - dt.timedelta(days=1)
    subscription.save()
    return subscription


# --- The form ---------------------------------------------------------------------------


def test_the_form_shows_in_chinese_without_an_account(client, world):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "信息订阅" in page and "电子邮箱" in page and "每周汇总" in page and 'name="website"' in page


def test_a_malformed_address_is_refused_with_a_message(client, world, django_capture_on_commit_callbacks):
    response = subscribe(client, django_capture_on_commit_callbacks, email="citizen@@example")
    assert response.status_code == 400
    assert "请填写有效的电子邮箱地址" in response.content.decode()
    assert not Subscription.objects.exists() and not mail.outbox


def test_the_spam_trap_refuses_a_filled_in_form(client, world, django_capture_on_commit_callbacks):
    response = subscribe(client, django_capture_on_commit_callbacks, website="http://spam.example")
    assert response.status_code == 400
    assert "提交未被接受" in response.content.decode()
    assert not Subscription.objects.exists() and not mail.outbox


@override_settings(RATE_LIMITS={"subscription_create": (2, 600)})
def test_the_form_is_rate_limited(client, world, django_capture_on_commit_callbacks):
    for _ in range(2):
        assert subscribe(client, django_capture_on_commit_callbacks).status_code == 200
    response = subscribe(client, django_capture_on_commit_callbacks)
    assert response.status_code == 429 and response["Retry-After"]
    assert Subscription.objects.count() == 2


def test_a_double_submit_stores_one_subscription_and_sends_one_mail(client, world,
                                                                    django_capture_on_commit_callbacks):
    data = form()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(URL, data)
        second = client.post(URL, data)
    assert first.status_code == second.status_code == 200
    assert "请查收确认邮件" in second.content.decode()
    assert Subscription.objects.count() == 1 and len(mail.outbox) == 1


# --- Double opt-in, unsubscribe, headers -----------------------------------------------


def test_confirmation_mail_activates_the_subscription_and_carries_unsubscribe_headers(
        client, world, django_capture_on_commit_callbacks):
    subscribe(client, django_capture_on_commit_callbacks, categories=[world.category.pk],
              offices=[world.office_a.pk], document_types=["normative"], query="补贴", frequency="weekly")
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None and subscription.frequency == "weekly"
    assert list(subscription.categories.all()) == [world.category] and subscription.document_types == ["normative"]
    [message] = mail.outbox
    assert message.to == ["citizen@example.com"] and "请确认您的信息订阅" in message.subject
    assert "3天内" in message.body
    unsubscribe = link(message, "unsubscribe")
    assert message.extra_headers["List-Unsubscribe"] == f"<http://testserver{unsubscribe}>" or \
        message.extra_headers["List-Unsubscribe"].endswith(f"{unsubscribe}>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message.message().as_string()
    # The secret is stored only as a digest.
    # The link's token is "<pk>-<secret>"; the secret may itself hold "-" (token_urlsafe).
    secret = link(message, "subscription_confirm").rstrip("/").rsplit("/", 1)[1].partition("-")[2]
    assert len(secret) >= 24 and secret not in subscription.token_digest
    response = client.get(link(message, "subscription_confirm"))
    assert response.status_code == 200 and "订阅已生效" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None


def test_an_expired_confirmation_link_is_refused_and_the_subscription_deleted(
        client, world, django_capture_on_commit_callbacks):
    subscribe(client, django_capture_on_commit_callbacks)
    Subscription.objects.update(created_at=timezone.now() - dt.timedelta(days=3, minutes=1))
    response = client.get(link(mail.outbox[0], "subscription_confirm"))
    assert response.status_code == 400 and "确认链接已过期" in response.content.decode()
    assert not Subscription.objects.exists()


def test_a_forged_confirmation_link_is_refused(client, world, django_capture_on_commit_callbacks):
    subscribe(client, django_capture_on_commit_callbacks)
    pk = Subscription.objects.get().pk
    for token in (f"{pk}-wrongsecret", "nonsense", f"{pk + 1000}-x"):
        response = client.get(reverse("disclosure:subscription_confirm", args=[token]))
        assert response.status_code == 400 and "确认链接无效" in response.content.decode()
    assert Subscription.objects.get().confirmed_at is None


def test_one_click_unsubscribe_deletes_the_subscription(client, world, django_capture_on_commit_callbacks):
    subscribe(client, django_capture_on_commit_callbacks)
    url = link(mail.outbox[0], "unsubscribe")
    page = client.get(url)
    assert page.status_code == 200 and "确认退订" in page.content.decode()
    assert Subscription.objects.exists()  # a link scanner's GET changes nothing
    # What a mail program does (RFC 8058): a POST with no cookie and no CSRF token.
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "已退订" in response.content.decode()
    assert not Subscription.objects.exists()
    again = client.post(url)
    assert again.status_code == 200 and "不会再收到" in again.content.decode()


# --- Matching after publication ----------------------------------------------------------


def test_a_publication_reaches_exactly_the_matching_confirmed_subscribers_once(
        world, django_capture_on_commit_callbacks):
    other_category = CatalogueCategory.objects.exclude(pk=world.category.pk).exclude(parent=world.category).filter(
        parent__isnull=False).first()
    record = drive(world, new_draft(world, title="关于中小企业补贴申报的通知"), S.READY)
    with django_capture_on_commit_callbacks(execute=True):
        matching = confirmed("match@example.com", categories=[world.category])
        by_parent = confirmed("parent@example.com", categories=[world.category.parent_id], query="补贴") \
            if world.category.parent_id else confirmed("parent@example.com", query="补贴")
        unconfirmed, _ = subscription_services.subscription_create(email="later@example.com")
        confirmed("other@example.com", categories=[other_category])
        confirmed("otheroffice@example.com", offices=[world.office_b])
        confirmed("digest@example.com", frequency=Frequency.DAILY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.record_publish(record=record, actor=world.publisher, channels=[Channel.COLUMN])
    # Nothing of the fan-out ran inside the publishing transaction.
    assert not SubscriptionDelivery.objects.exists()
    assert not Notice.objects.filter(subject__contains="订阅信息更新").exists()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    to_subscribers = sorted(m.to[0] for m in mail.outbox if "订阅信息更新" in m.subject)
    assert to_subscribers == ["match@example.com", "parent@example.com"]
    assert all(m.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
               for m in mail.outbox if "订阅信息更新" in m.subject)
    assert f"/records/{record.pk}/" in next(m for m in mail.outbox if "订阅信息更新" in m.subject).body
    # The daily subscriber waits for the digest; the unconfirmed one hears nothing.
    assert SubscriptionDelivery.objects.filter(subscription__email="digest@example.com", sent_at=None).count() == 1
    assert not SubscriptionDelivery.objects.filter(subscription=unconfirmed).exists()
    # The task run again (a retry, the catch-up of the daily job) sends nothing twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert subscription_services.record_news(record_id=record.pk, event="publish") == 0
        subscription_services.catch_up()
    assert not mail.outbox
    assert SubscriptionDelivery.objects.filter(subscription__in=[matching, by_parent]).count() == 2


def test_a_revocation_reaches_the_matching_subscribers(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        confirmed("match@example.com", offices=[world.office_a], confirmed_at=timezone.now() - dt.timedelta(days=2))
        record = drive(world, new_draft(world), S.REGISTERED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_revoke(record=record, actor=world.disclosure, reason="发布有误")
    assert [m.to for m in mail.outbox if "订阅信息已撤销" in m.subject] == [["match@example.com"]]


def test_publishing_does_as_much_work_with_2000_subscribers_as_with_none(world, django_capture_on_commit_callbacks):
    """The matching runs after the commit, in the worker: the publishing request itself reads no
    subscriber (its time is bench/subscriptions.py's; here its queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def publish_queries() -> int:
        record = drive(world, new_draft(world), S.READY)
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=False):
            services.record_publish(record=record, actor=world.publisher, channels=[Channel.COLUMN])
        assert not [q for q in queries.captured_queries if "disclosure_subscription" in q["sql"]]
        return len(queries)

    publish_queries()  # the first publication also creates the year's counters
    without = publish_queries()
    Subscription.objects.bulk_create(
        [Subscription(email=f"s{i}@example.com", token_digest="x", confirmed_at=timezone.now()) for i in range(2000)])
    assert publish_queries() == without


# --- Digests ------------------------------------------------------------------------------


def test_the_digest_command_sends_one_mail_per_subscriber_and_never_twice(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        daily = confirmed("daily@example.com", frequency=Frequency.DAILY)
        confirmed("weekly@example.com", frequency=Frequency.WEEKLY, offices=[world.office_a])
        confirmed("nothing@example.com", frequency=Frequency.DAILY, offices=[world.office_b])
        first = drive(world, new_draft(world, title="第一份通知"), S.PUBLISHED)
        second = drive(world, new_draft(world, title="第二份通知"), S.PUBLISHED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_subscription_digests", stdout=io.StringIO())
    digests = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert [to for to, _subject in digests] == ["daily@example.com", "weekly@example.com"]
    assert all("2条更新" in subject for _to, subject in digests)
    body = next(m.body for m in mail.outbox if m.to == ["daily@example.com"])
    assert first.title in body and second.title in body and "退订" in body
    assert all(m.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_subscription_digests", stdout=io.StringIO())
    assert not mail.outbox
    # The next day's news goes in the next day's digest, to the daily subscriber only.
    with django_capture_on_commit_callbacks(execute=True):
        third = drive(world, new_draft(world, title="第三份通知"), S.PUBLISHED)
    Subscription.objects.filter(pk=daily.pk).update(last_digest_at=timezone.now() - dt.timedelta(days=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        subscription_services.send_digests()
    assert [m.to for m in mail.outbox] == [["daily@example.com"]] and third.title in mail.outbox[0].body
    assert first.title not in mail.outbox[0].body


def test_unconfirmed_subscriptions_are_deleted_after_the_link_expired(world):
    subscription_services.subscription_create(email="never@example.com")
    Subscription.objects.update(created_at=timezone.now() - dt.timedelta(days=4))
    subscription_services.subscription_create(email="recent@example.com")
    assert subscription_services.subscriptions_prune_unconfirmed() >= 1
    assert list(Subscription.objects.values_list("email", flat=True)) == ["recent@example.com"]


# --- Privacy in the back office ---------------------------------------------------------


def test_only_the_disclosure_office_sees_addresses_and_staff_see_the_count(client, world):
    confirmed("citizen@example.com")
    subscription_services.subscription_create(email="unconfirmed@example.com")
    url = reverse("admin:disclosure_subscription_changelist")
    client.force_login(world.disclosure)
    page = client.get(url).content.decode()
    assert "citizen@example.com" in page and "已确认的订阅者：1" in page
    client.force_login(world.supervisor)
    page = client.get(url).content.decode()
    assert "citizen@example.com" not in page and "ci***@example.com" in page and "已确认的订阅者：1" in page
    assert client.get(url + "?email__startswith=c").status_code == 400
    client.force_login(world.drafter_a)
    assert client.get(url).status_code == 403


def test_addresses_are_not_logged(world, caplog, django_capture_on_commit_callbacks):
    caplog.set_level("DEBUG")
    with django_capture_on_commit_callbacks(execute=True):
        subscription = confirmed("secret-person@example.com")
        drive(world, new_draft(world), S.PUBLISHED)
        subscription_services.subscription_delete(subscription)
    assert "secret-person" not in caplog.text


# --- A refused address, the database task backend ----------------------------------------


def test_an_address_refused_by_the_mail_server_suspends_that_subscription_only(
        world, settings, django_capture_on_commit_callbacks):
    from tests.portal.test_outbox import REFUSED

    with django_capture_on_commit_callbacks(execute=True):
        refused = confirmed(REFUSED)
        confirmed("fine@example.com")
        record = drive(world, new_draft(world, title="第一份通知"), S.READY)
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.RefusingOneBackend"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_publish(record=record, actor=world.publisher, channels=[Channel.COLUMN])
    assert [m.to for m in mail.outbox if "订阅信息更新" in m.subject] == [["fine@example.com"]]
    refused.refresh_from_db()
    assert refused.refused_at is not None
    # Settled: a subscriber's dead address does not wait on the disclosure office's work list.
    failed = Notice.objects.get(to=[REFUSED], subject__contains="订阅信息更新")
    assert failed.state == "failed" and failed.resolved_at is not None
    # No more mail is written for it.
    with django_capture_on_commit_callbacks(execute=True):
        drive(world, new_draft(world, title="第二份通知"), S.PUBLISHED)
    assert not Notice.objects.filter(to=[REFUSED], subject__contains="第二份通知").exists()
    assert Notice.objects.filter(to=["fine@example.com"], subject__contains="第二份通知").exists()


@pytest.mark.django_db(transaction=True)  # the worker closes its connection, as in production
def test_with_the_database_task_backend_the_matching_task_is_written_with_the_publication(
        world, settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from tests.portal.test_outbox import DB_TASKS, run_worker

    confirmed("match@example.com")
    record = drive(world, new_draft(world), S.READY)
    settings.TASKS = DB_TASKS
    services.record_publish(record=record, actor=world.publisher, channels=[Channel.COLUMN])
    assert DBTaskResult.objects.filter(task_path="disclosure.tasks.match_subscriptions",
                                       args_kwargs__args=[record.pk, "publish"]).exists()
    assert not SubscriptionDelivery.objects.exists()  # the worker does the matching, not the request
    mail.outbox.clear()
    run_worker()  # matches, writes the notice and its task; the same batch sends it
    assert [m.to for m in mail.outbox if "订阅信息更新" in m.subject] == [["match@example.com"]]


# --- At scale: queries that do not grow with the subscribers ------------------------------------


def test_matching_and_digests_take_as_many_queries_for_30_subscribers_as_for_3(
        world, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    frequencies = [Frequency.IMMEDIATE, Frequency.DAILY, Frequency.WEEKLY]
    queries = {}
    for count in (3, 30):
        with django_capture_on_commit_callbacks(execute=False):  # nothing is matched or sent here
            have = Subscription.objects.count()
            for n in range(have, count):
                confirmed(f"reader{n}@example.com", frequency=frequencies[n % 3], categories=[world.category])
            record = drive(world, new_draft(world, title=f"通知 {count}"), S.PUBLISHED)
            Notice.objects.all().delete()
            with CaptureQueriesContext(connection) as matching:
                assert subscription_services.record_news(record_id=record.pk, event="publish") == count // 3
            Subscription.objects.update(last_digest_at=None)
            with CaptureQueriesContext(connection) as digests:
                assert subscription_services.send_digests() == 2 * count // 3
        queries[count] = (len(matching), len(digests))
        assert Notice.objects.filter(subject__contains="订阅信息更新").count() == count // 3
        assert Notice.objects.filter(subject__contains="汇总").count() == 2 * count // 3
    assert queries[30] == queries[3], queries
    digest = Notice.objects.filter(to=["reader29@example.com"]).get()
    assert "通知 30" in digest.body and "通知 3\n" not in digest.body  # each gets only its own news


def test_a_mail_rendered_once_for_many_subscribers_is_the_mail_rendered_for_each(world, settings):
    from portal.notify import render_mail

    settings.PORTAL_BASE_URL = "https://gxt.example.gov.cn"
    subscription = confirmed("reader@example.com")
    built = subscription_services.SubscriberMails().mail(subscription, subject="订阅信息更新：通知",
                                                         body="您订阅的主题有新发布的政府信息：\n\n通知")
    link = subscription_services.unsubscribe_url(subscription)
    text, html = render_mail(subject="订阅信息更新：通知",
                             body=f"您订阅的主题有新发布的政府信息：\n\n通知\n\n退订（一次点击即可，无需登录）：{link}")
    assert (built["body"], built["html"]) == (text, html)
    assert built["headers"]["List-Unsubscribe"] == f"<{link}>" and link.startswith("https://gxt.example.gov.cn/")


def test_the_dashboard_counts_subscribers_for_the_disclosure_office_only_without_addresses(client, world):
    confirmed("citizen@example.com")
    confirmed("second@example.com")
    Subscription.objects.filter(pk=confirmed("refused@example.com").pk).update(refused_at=timezone.now())
    subscription_services.subscription_create(email="unconfirmed@example.com")  # not counted: not confirmed
    url = reverse("admin:complaints_assessment_changelist")
    client.force_login(world.disclosure)
    page = client.get(url).content.decode()
    section = page.split('id="subscribers-title"')[1].split("</section>")[0]
    assert "已确认的订阅者" in section and '<td class="num">2</td><td class="num">1</td>' in section
    assert "@" not in page.split('id="content-main"')[1]  # numbers only
    client.force_login(world.supervisor)  # sees the dashboard, not the subscribers
    page = client.get(url).content.decode()
    assert "subscribers-title" not in page and "已确认的订阅者" not in page
    assert not any(address in page for address in ("citizen@", "second@", "refused@", "unconfirmed@"))
    client.force_login(world.drafter_a)
    assert client.get(url).status_code == 403

"""A staff member may take a daily digest of waiting work instead of one mail per item (their own
setting, 工作台 › 通知设置); `send_staff_digest` mails it once a day with the days left. Online
applications awaiting confirmation head the disclosure office's work list with how long they have
waited (R.31: the day of receipt is the day of confirmation)."""

import datetime as dt
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applications import services as application_services
from disclosure import services
from portal.models import MailMode, StaffPreference
from tests.applications.conftest import PERSON
from tests.conftest import make_user, new_draft
from tests.timing import at

ROOT = Path(__file__).resolve().parents[2]


def digest(capture) -> list:
    mail.outbox.clear()
    with capture(execute=True):
        call_command("send_staff_digest", stdout=StringIO())
    return list(mail.outbox)


def test_the_daily_digest_lists_waiting_work_with_days_left_once_a_day(world, django_capture_on_commit_callbacks):
    StaffPreference.objects.create(user=world.head_a, mail_mode=MailMode.DIGEST)
    with at(dt.date(2026, 11, 2), 9):  # a Monday
        record = new_draft(world, title="关于2026年技术改造项目的通知", date_formed=dt.date(2026, 11, 2))
        with django_capture_on_commit_callbacks(execute=True):
            services.record_submit(record=record, actor=world.drafter_a)
        assert not any("head_a@example.invalid" in m.to for m in mail.outbox)  # no immediate mail
    with at(dt.date(2026, 11, 4), 6, 30):
        first = digest(django_capture_on_commit_callbacks)
        assert [m.to for m in first] == [["head_a@example.invalid"]]
        assert "每日待办汇总（2026-11-04）：1 项" in first[0].subject
        assert "关于2026年技术改造项目的通知" in first[0].body
        assert "处室负责人审核" in first[0].body
        assert f"期限 {record.due_date.isoformat()}，剩 18 个工作日" in first[0].body
        assert f"/admin/disclosure/record/{record.pk}/change/" in first[0].body
        assert digest(django_capture_on_commit_callbacks) == []  # idempotent: once a day
    with at(dt.date(2026, 11, 4), 18, 0):
        assert digest(django_capture_on_commit_callbacks) == []
    with at(dt.date(2026, 11, 5), 6, 30):
        assert [m.to for m in digest(django_capture_on_commit_callbacks)] == [["head_a@example.invalid"]]


def test_no_digest_when_nothing_waits_or_for_those_who_mail_item_by_item(world, django_capture_on_commit_callbacks):
    StaffPreference.objects.create(user=world.head_a, mail_mode=MailMode.DIGEST)
    StaffPreference.objects.create(user=world.drafter_a, mail_mode=MailMode.IMMEDIATE)
    record = new_draft(world)  # waits for drafter_a (immediate), not for head_a
    assert record.pk
    assert digest(django_capture_on_commit_callbacks) == []


def test_an_overdue_item_says_so_in_the_digest(world, django_capture_on_commit_callbacks):
    StaffPreference.objects.create(user=world.drafter_a, mail_mode=MailMode.DIGEST)
    with at(dt.date(2026, 11, 2), 9):
        new_draft(world, title="逾期未报的信息", date_formed=dt.date(2026, 10, 1))
    with at(dt.date(2026, 11, 30), 9):
        [message] = digest(django_capture_on_commit_callbacks)
    assert re.search(r"逾期未报的信息\n.*逾期 \d+ 个工作日", message.body)


def test_each_person_sets_their_own_mail_preference_in_the_back_office(client, world):
    client.force_login(world.head_a)
    url = reverse("admin:preferences")
    page = client.get(url)
    assert page.status_code == 200
    assert "每天一封汇总邮件" in page.text and "head_a@example.invalid" in page.text
    assert client.post(url, {"mail_mode": "digest"}).status_code == 302
    assert StaffPreference.objects.get(user=world.head_a).mail_mode == MailMode.DIGEST
    assert not StaffPreference.objects.filter(user=world.drafter_a).exists()  # only their own
    refused = client.post(url, {"mail_mode": "hourly"})
    assert refused.status_code == 200 and "errorlist" in refused.text
    assert "通知设置" in client.get(reverse("admin:index")).text  # linked from every back-office page


def test_a_person_without_an_email_address_is_told_on_the_settings_page(client, world):
    person = make_user("no_mail", is_staff=True)
    person.email = ""
    person.save()
    client.force_login(person)
    assert "您的账号还没有电子邮箱" in client.get(reverse("admin:preferences")).text


def test_the_digest_runs_daily_on_the_server():
    service = (ROOT / "deploy" / "portal-daily.service").read_text()
    assert "manage.py send_staff_digest" in service


# --- Online applications awaiting confirmation come first (R.31) -------------------------------


def test_online_applications_awaiting_confirmation_head_the_work_list_with_the_time_waited_r31(client, world):
    with at(dt.date(2026, 11, 2), 9, 0):
        overdue = new_draft(world, office=world.office_a, title="早已逾期的信息", date_formed=dt.date(2026, 9, 1))
        services.record_submit(record=overdue, actor=world.drafter_a)
        services.record_approve_division(record=overdue, actor=world.head_a, no_state_secret=True,
                                         no_commercial_secret=True, no_personal_privacy=True)
        older, _secret, _created = application_services.application_submit(
            data=dict(PERSON, information_title="较早提交的网上申请"))
    with at(dt.date(2026, 11, 4), 10, 0):
        newer, _secret, _created = application_services.application_submit(
            data=dict(PERSON, information_title="刚提交的网上申请"))
    with at(dt.date(2026, 11, 4), 13, 30):
        client.force_login(world.disclosure)
        page = client.get(reverse("admin:index")).text
    rows = re.findall(r"<tr class=\"[^\"]*\">(.*?)</tr>", page, re.S)
    titles = [re.sub(r"<[^>]+>", " ", row) for row in rows]
    assert "较早提交的网上申请" in titles[0] and "已等待 2 个工作日" in titles[0]
    assert "刚提交的网上申请" in titles[1] and "已等待 3 小时" in titles[1]
    assert any("早已逾期的信息" in row for row in titles[2:])
    assert older.tracking_code in titles[0] and newer.tracking_code in titles[1]


@pytest.mark.parametrize("minutes, text", [(20, "已等待不到 1 小时"), (60 * 5 + 5, "已等待 5 小时")])
def test_time_waited_in_hours_on_the_day_of_submission(world, minutes, text):
    from portal.worklist import waited_text

    since = timezone.make_aware(dt.datetime(2026, 11, 4, 9, 0))
    assert waited_text(since, now=since + dt.timedelta(minutes=minutes)) == text

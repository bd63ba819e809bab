"""Issue #14 in a real browser, in Chinese at 1280 and 390 px: an extension is asked for by the
office handling the application and consented to by a leader in the back office (R.33(2)); the
applicant's late supplement is held, and the tracking page says so and explains the clock (R.30)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Status
from applications.views import case_token
from tests.applications.conftest import offline
from tests.browser.desk import sign_in
from tests.browser.test_applications_journey import open_action

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_a_leader_consents_to_an_extension_asked_for_by_the_office_r33_2(page, expect, world, portal_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    today = timezone.localdate()
    application = offline(world, received_on=today)
    application = services.application_assign(application=application, actor=world.disclosure, office=world.office_a)

    sign_in(page, portal_server, world.drafter_a)
    open_action(page, application, "申请延长答复期限")
    page.get_by_label("延长工作日数").fill("10")
    page.get_by_label("延期理由（将告知申请人）").fill("需要调取档案")
    page.get_by_role("button", name="确认申请延长答复期限").click()
    expect(page.locator(".messagelist")).to_contain_text("已完成“申请延长答复期限”")
    # Asking is not consenting: the office is not offered the consent.
    expect(page.locator(".workflow-actions").get_by_role("link", name="同意延长答复期限", exact=True)).to_have_count(0)
    application.refresh_from_db()
    due_before = application.due_date

    sign_in(page, portal_server, world.leader_a)
    page.goto(reverse("admin:index"))
    expect(page.get_by_text(application.tracking_code).first).to_be_visible()
    open_action(page, application, "同意延长答复期限")
    expect(page.locator("form.transition-form")).to_contain_text("需要调取档案")
    page.get_by_role("button", name="确认同意延长答复期限").click()
    expect(page.locator(".messagelist")).to_contain_text("已完成“同意延长答复期限”")
    expect(page.get_by_role("region", name="办理记录")).to_contain_text(re.compile(r"于 \d{4}-\d{2}-\d{2} 同意"))
    application.refresh_from_db()
    assert application.extended and application.due_date > due_before


@pytest.mark.parametrize("width", [1280, 390])
def test_a_late_supplement_is_held_on_the_tracking_page_r30(page, expect, world, portal_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    today = timezone.localdate()
    application = offline(world, received_on=today - dt.timedelta(days=3))
    # Asked two days ago, with a deadline of yesterday.
    two_days_ago = dt.datetime.combine(today - dt.timedelta(days=2), dt.time(10, 0)).astimezone()
    with time_machine.travel(two_days_ago, tick=False):
        application = services.application_request_supplement(
            application=application, actor=world.disclosure, items="请说明所需信息的年份",
            deadline=today - dt.timedelta(days=1))
    page.goto(reverse("applications:case", args=[case_token(application)]))
    supplement = page.get_by_role("region", name="补正申请")
    expect(supplement).to_contain_text("补正期限已过")
    supplement.get_by_label("补正内容").fill("2025年。因出差未能按期补正。")
    supplement.get_by_role("button", name="提交补正").click()
    expect(page.get_by_role("status")).to_contain_text("已超过补正期限")
    expect(page.locator(".case-status")).to_have_text("逾期补正待决定")
    expect(page.get_by_role("region", name="补正申请")).to_have_count(0)
    expect(page.get_by_role("region", name="答复期限如何计算")).to_contain_text("由本机关决定申请人是否有正当理由")
    application.refresh_from_db()
    assert application.status == Status.SUPPLEMENT_LATE and application.clock_paused

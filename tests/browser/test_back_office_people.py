"""What staff see in the back office, in Chinese at 1280 px and on a 390 px phone: the greeting,
the work list led by online applications awaiting confirmation (R.31) with the time waited, their
own notification setting, approval forms that show what is approved (M.12) with a button that says
its action once, Chinese for screen readers, and the dashboard's year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services as application_services
from complaints import services as complaint_services
from disclosure.models import RecordState
from portal.models import MailMode, StaffPreference
from tests.applications.conftest import PERSON
from tests.browser.desk import sign_in
from tests.conftest import drive, new_draft

pytestmark = pytest.mark.browser

WIDTHS = [1280, 390]


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def screen(request, browser, portal_server):
    """A page in Chinese at the given width (one context per test, closed afterwards)."""
    context = browser.new_context(base_url=portal_server.url, locale="zh-CN",
                                  viewport={"width": request.param, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.width = request.param
    yield page
    context.close()


def no_sideways_scrolling(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width


def no_serious_axe_violation(page, axe) -> None:
    serious = [f"{v['id']}: {v['help']} {[node['target'] for node in v['nodes']]}"
               for v in axe.run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_greeting_work_list_and_own_notification_setting(screen, expect, axe, world, portal_server):
    page = screen
    world.disclosure.last_name, world.disclosure.first_name = "张", "伟"
    world.disclosure.save()
    record = drive(world, new_draft(world, title="早已逾期的信息", date_formed=dt.date(2026, 1, 5)),
                   RecordState.CONFIDENTIALITY_REVIEW)
    assert record.pk
    application_services.application_submit(data=dict(PERSON, information_title="等待确认的网上申请"))
    sign_in(page, portal_server, world.disclosure)
    page.goto(reverse("admin:index"))

    expect(page.locator("#user-tools .welcome")).to_have_text("欢迎，张伟。")
    first = page.locator(".worklist-table tbody tr").first
    expect(first).to_contain_text("等待确认的网上申请")
    expect(first).to_contain_text("待确认受理")
    expect(first).to_contain_text("已等待")
    # ... ahead of overdue work, which follows.
    expect(page.locator(".worklist-table tbody tr.row-overdue").filter(has_text="早已逾期的信息")).to_have_count(1)
    # Screen readers hear the app list's hidden headings in Chinese.
    expect(page.locator("thead.visually-hidden th").first).to_have_text("项目")
    no_sideways_scrolling(page)
    no_serious_axe_violation(page, axe)

    page.get_by_role("link", name="通知设置").click()
    page.get_by_label("每天一封汇总邮件：列出等待您处理的全部事项和剩余期限").check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messagelist")).to_contain_text("通知设置已保存")
    expect(page.get_by_label("每天一封汇总邮件：列出等待您处理的全部事项和剩余期限")).to_be_checked()
    assert StaffPreference.objects.get(user=world.disclosure).mail_mode == MailMode.DIGEST
    no_sideways_scrolling(page)
    no_serious_axe_violation(page, axe)


def test_an_approval_form_shows_what_is_approved_and_says_confirm_once(screen, expect, axe, world, portal_server):
    page = screen
    record = drive(world, new_draft(world, title="关于开展2026年技术改造项目申报的通知", summary="申报条件、材料和时间安排。",
                                    document_number="吉工信函〔2026〕7号"), RecordState.DIVISION_REVIEW)
    sign_in(page, portal_server, world.head_a)
    page.goto(reverse("admin:disclosure_record_change", args=[record.pk]))
    page.locator(".workflow-actions").get_by_role("link", name="审核通过（含保密自查）").click()
    summary = page.get_by_role("region", name="办理对象")
    for text in ("关于开展2026年技术改造项目申报的通知", "吉工信函〔2026〕7号", "政策法规处", "处室负责人审核",
                 "申报条件、材料和时间安排。"):
        expect(summary).to_contain_text(text)
    no_sideways_scrolling(page)
    no_serious_axe_violation(page, axe)
    page.get_by_label("不涉及国家秘密").check()
    page.get_by_label("不涉及商业秘密").check()
    page.get_by_label("不涉及个人隐私").check()
    page.get_by_role("button", name="确认审核通过（含保密自查）").click()
    expect(page.locator(".messagelist")).to_contain_text("已完成")
    record.refresh_from_db()
    assert record.state == RecordState.CONFIDENTIALITY_REVIEW

    application, _secret, _created = application_services.application_submit(data=dict(PERSON))
    sign_in(page, portal_server, world.disclosure)
    page.goto(reverse("admin:applications_disclosureapplication_transition", args=[application.pk, "confirm"]))
    expect(page.get_by_role("button", name="确认收到（受理）", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="办理对象")).to_contain_text(application.tracking_code)
    no_sideways_scrolling(page)


def test_the_dashboard_year_field_shows_the_year_on_display(screen, expect, world, portal_server):
    page = screen
    sign_in(page, portal_server, world.supervisor)
    page.goto(reverse("admin:complaints_assessment_changelist"))
    year = str(timezone.localdate().year)
    expect(page.get_by_label("年份")).to_have_value(year)
    expect(page.locator(".dashboard-period")).to_contain_text(f"统计期间：{year}")


def test_each_case_page_shows_its_actions_and_event_log_within_the_screen(screen, expect, axe, world, portal_server):
    """The case pages of applications, complaints and consultations share one block of workflow
    buttons and one event log (issue #17): at 1280 px and on a phone the page keeps to the screen's
    width, with the buttons of what this person may do and the log with the submission in it."""
    page = screen
    application, _secret, _created = application_services.application_submit(data=dict(PERSON))
    complaint, _secret, _new = complaint_services.complaint_submit(
        data={"office": world.office_a, "failure_type": "late_reply", "details": "申请超期未答复。"},
        reporter={"name": "张三", "phone": "13900002222"}, anonymous=False)
    question, _secret, _new = complaint_services.consultation_submit(
        data={"name": "王小明", "subject": "是否收费", "question": "申请需要交费吗？"})
    cases = ((world.disclosure, application, "确认收到（受理）"), (world.supervisor, complaint, "受理"),
             (world.disclosure, question, "分办"))
    for user, case, first_action in cases:
        sign_in(page, portal_server, user)
        opts = case._meta
        page.goto(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[case.pk]))
        expect(page.locator(".workflow-actions").get_by_role("link", name=first_action, exact=True)).to_be_visible()
        log = page.get_by_role("region", name="办理记录")
        expect(log.get_by_role("row")).not_to_have_count(0)
        no_sideways_scrolling(page)
        no_serious_axe_violation(page, axe)

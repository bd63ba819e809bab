"""Back-office lists changed for issue #21 and #22, as the disclosure office sees them in Chinese at
1280 px and on a 390 px phone: the date drill-down of the applications list (read from the index,
portal/admin_dates.py) narrows to a year and a month; the outbox lists a failed notice with the
address masked and offers to resend it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from applications.models import DisclosureApplication
from portal.notify import notify_on_commit
from tests.applications.conftest import offline
from tests.browser.desk import Steps, context_at, scrolls_sideways, sign_in

pytestmark = pytest.mark.browser
BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_disclosure_office_narrows_applications_by_date_and_reads_the_outbox(
        browser, portal_server, world, width, expect, request, settings, django_capture_on_commit_callbacks):
    # Fixed dates, so that the drill-down offers the same years whatever today is.
    old, new = offline(world), offline(world)
    DisclosureApplication.objects.filter(pk=old.pk).update(submitted_at=dt.datetime(2025, 3, 10, 9, tzinfo=BEIJING))
    DisclosureApplication.objects.filter(pk=new.pk).update(submitted_at=dt.datetime(2026, 11, 2, 9, tzinfo=BEIJING))
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.RefusingOneBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notify_on_commit(emails=["refused@example.invalid"], subject="[测试] 请补正您的申请（YS2026-000009）",
                         body="请补正。", case_code="YS2026-000009", legal=True)
    context = context_at(browser, portal_server, width)
    steps = Steps(request.node.nodeid)
    try:
        page = context.new_page()
        sign_in(page, portal_server, world.disclosure)
        page.goto(reverse("admin:applications_disclosureapplication_changelist"))
        expect(page.get_by_text(old.tracking_code)).to_be_visible()
        page.get_by_role("link", name="2025", exact=True).click()
        expect(page.get_by_text(new.tracking_code)).to_have_count(0)
        page.get_by_role("link", name="2025年3月").click()
        expect(page.get_by_text(old.tracking_code)).to_be_visible()
        expect(page.get_by_text(new.tracking_code)).to_have_count(0)
        steps.shot(page, "applications of March 2025")
        assert scrolls_sideways(page) <= 0

        page.goto(reverse("admin:portal_notice_changelist"))
        expect(page.get_by_text("re***@example.invalid")).to_be_visible()
        expect(page.get_by_text("refused@example.invalid")).to_have_count(0)
        expect(page.locator("select[name=action]")).to_contain_text("重新发送所选的发送失败邮件")
        steps.shot(page, "the outbox with a failed notice")
        assert scrolls_sideways(page) <= 0
        # The subject stays readable at both widths: one line of text, not a character per line
        # (an inline element has one client rectangle per line it occupies).
        lines = page.locator("#result_list td.field-title span[lang]").first.evaluate("e => e.getClientRects().length")
        assert lines == 1
    finally:
        print(f"screenshots: {steps.write()}")
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_search_matching_more_than_a_thousand_records_says_so_and_how_to_narrow_it(
        browser, portal_server, world, width, expect, request):
    """A list counts at most 1,000 rows (portal/admin_lists.py): the disclosure office searching a
    common word reads "1,000+ 条", is told how to reach the rows past the first 1,000, and a page
    number past them opens the last page; a narrower search counts its rows exactly."""
    from disclosure.models import Record

    Record.objects.bulk_create([
        Record(title=f"关于第{i}批项目申报工作的通知", office=world.office_a if i % 2 else world.office_b,
               category=world.category, date_formed=dt.date(2026, 1, 5), created_by=world.drafter_a)
        for i in range(1010)
    ])
    context = context_at(browser, portal_server, width)
    steps = Steps(request.node.nodeid)
    try:
        page = context.new_page()
        sign_in(page, portal_server, world.disclosure)
        page.goto(reverse("admin:disclosure_record_changelist"))
        page.locator("#searchbar").fill("通知")
        page.locator("#searchbar").press("Enter")
        expect(page.get_by_text("1,000+ 条结果")).to_be_visible()
        expect(page.locator("p.list-capped")).to_have_text(
            "1,000+ 条政府信息。只列出前 1,000 条。请用搜索、筛选或日期缩小范围，或点列标题换一种顺序。")
        steps.shot(page, "a search past the cap")
        page.locator("p.list-capped").scroll_into_view_if_needed()
        steps.shot(page, "its pages and the note under the list")
        assert scrolls_sideways(page) <= 0

        page.goto(reverse("admin:disclosure_record_changelist") + "?q=通知&p=999")
        expect(page.locator("p.paginator .this-page")).to_have_text("10")
        expect(page.get_by_text("关于第", exact=False).first).to_be_visible()

        page.locator("#searchbar").fill("第1009批")
        page.locator("#searchbar").press("Enter")
        expect(page.get_by_text("1 条结果")).to_be_visible()
        expect(page.get_by_text("只列出前")).to_have_count(0)
        steps.shot(page, "a narrower search")
        assert scrolls_sideways(page) <= 0
    finally:
        print(f"screenshots: {steps.write()}")
        context.close()

"""意见征集 in a real browser, in Chinese at 1280 and 390 px (issue #19 part 2): an office opens a
call for comments in the back office; a citizen comments on an open draft and gets a receipt; the
office handles the comment and the adoption report goes through the chain; the citizen later
finds the period closed and reads the 采纳情况 — without anyone's name or contact on it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosure import comment_services
from disclosure.comment_models import CommentChannel, CommentPeriod, DecisionKind, PublicComment
from tests.browser.desk import covers, sign_in
from tests.browser.test_accessibility import Findings
from tests.conftest import S, drive

pytestmark = pytest.mark.browser

WIDTHS = [1280, 390]
SHOTS = Path("/tmp/comment-shots")
TITLE = "关于《吉林省工业企业技术改造资金管理办法（征求意见稿）》公开征求意见的公告"
COMMENT = "建议第五条明确资金拨付的时限，例如项目验收合格后30日内拨付。"


def shot(page, name: str) -> None:
    """A photograph for a person to look at (never asserted on)."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def open_period(world) -> CommentPeriod:
    today = timezone.localdate()
    end = comment_services.earliest_end_date(decision_kind=DecisionKind.NORMATIVE, start_date=today)
    period = comment_services.comment_period_open(
        actor=world.drafter_a, office=world.office_a, category=world.category, title=TITLE,
        draft_text="<p>第一条 为规范工业企业技术改造资金管理，制定本办法。</p><p>第五条 资金按项目进度拨付。</p>",
        decision_kind=DecisionKind.NORMATIVE, start_date=today, end_date=end,
        contact="政策法规处，电话 0431-88888801", channels=[CommentChannel.ONLINE, CommentChannel.EMAIL])
    drive(world, period.record, S.PUBLISHED)
    period.refresh_from_db()
    return period


@covers("form:disclosure:comment_period")
@pytest.mark.parametrize("width", WIDTHS)
def test_a_citizen_comments_on_an_open_draft_and_later_reads_the_adoption_report(
        browser, expect, axe, portal_server, world, width):
    period = open_period(world)
    visitor = browser.new_context(base_url=portal_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    staff = browser.new_context(base_url=portal_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    try:
        page = visitor.new_page()
        page.goto(reverse("disclosure:comment_periods"))
        page.get_by_role("link", name=TITLE).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect(page.get_by_role("status")).to_contain_text("征集中")
        page.get_by_label("意见内容").fill(COMMENT)
        page.get_by_label("姓名或名称").fill("王小明")
        page.get_by_label("联系方式").fill("13912345678")
        shot(page, f"1-open-form-{width}")
        findings = Findings("standard")
        findings.scan(page, axe, "comment form")
        page.get_by_role("button", name="提交意见").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("意见已提交")
        code = page.locator(".receipt-code").inner_text().strip()
        assert re.fullmatch(r"YJ\d{4}-\d{6}", code)
        shot(page, f"2-receipt-{width}")
        findings.scan(page, axe, "receipt")
        comment = PublicComment.objects.get(receipt_code=code)
        assert (comment.name, comment.contact, comment.text) == ("王小明", "13912345678", COMMENT)

        # The period has since ended (its dates moved into the past: the page derives 已结束 from them).
        today = timezone.localdate()
        CommentPeriod.objects.filter(pk=period.pk).update(start_date=today - dt.timedelta(days=12),
                                                          end_date=today - dt.timedelta(days=1))
        page.goto(period.get_absolute_url())
        expect(page.get_by_role("status")).to_contain_text("已结束")
        expect(page.get_by_label("意见内容")).to_have_count(0)

        # The office handles the comment in the back office, masked contacts, and drafts the report.
        sign_in(staff, portal_server, world.drafter_a)
        desk = staff.new_page()
        desk.goto(reverse("admin:disclosure_commentperiod_change", args=[period.pk]))
        expect(desk.get_by_role("heading", name="待处理（1）")).to_be_visible()
        expect(desk.locator("#content-main")).not_to_contain_text("13912345678")
        expect(desk.locator("#content-main")).to_contain_text("139****5678")
        desk.get_by_label(f"意见 {code} 的采纳情况", exact=True).select_option(label="部分采纳")
        desk.get_by_label(f"意见 {code} 的理由", exact=True).fill("拨付时限已在第五条补充，具体天数由年度通知确定。")
        shot(desk, f"3-staff-handles-{width}")
        desk.get_by_role("button", name=f"保存意见 {code} 的采纳情况").click()
        expect(desk.get_by_role("heading", name="部分采纳（1）")).to_be_visible()
        desk.get_by_role("button", name="起草意见采纳情况").click()
        expect(desk.locator(".messagelist")).to_contain_text("已起草意见采纳情况")
        period.refresh_from_db()
        drive(world, period.adoption_report, S.PUBLISHED)

        page.goto(period.get_absolute_url())
        shot(page, f"4-closed-with-report-{width}")
        page.get_by_role("link", name="查看意见采纳情况").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("公开征求意见采纳情况的说明")
        body = page.locator(".record-body")
        expect(body).to_contain_text(COMMENT)
        expect(body).to_contain_text("部分采纳")
        expect(body).to_contain_text("拨付时限已在第五条补充")
        expect(page.locator("main")).not_to_contain_text("王小明")
        expect(page.locator("main")).not_to_contain_text("13912345678")
        shot(page, f"5-adoption-report-{width}")
        findings.scan(page, axe, "adoption report")
        findings.check()
    finally:
        visitor.close()
        staff.close()


@covers("form:admin:disclosure_commentperiod_add")
@pytest.mark.parametrize("width", WIDTHS)
def test_an_office_opens_a_call_for_comments_and_a_too_short_period_is_refused(
        browser, expect, portal_server, world, width):
    context = browser.new_context(base_url=portal_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    try:
        sign_in(context, portal_server, world.drafter_a)
        page = context.new_page()
        page.goto(reverse("admin:disclosure_commentperiod_add"))
        today = timezone.localdate()
        page.get_by_label("发布机构").select_option(label=world.office_a.name)
        page.get_by_label("主题分类").select_option(value=str(world.category.pk))
        page.get_by_label("标题").fill(TITLE)
        page.get_by_label("征求意见稿正文").fill("第一条 为规范……")
        page.get_by_label("草案类别").select_option(label="重大行政决策")
        page.get_by_label("征集开始日期").fill(today.isoformat())
        page.get_by_label("征集截止日期").fill((today + dt.timedelta(days=10)).isoformat())
        page.get_by_label("联系方式").fill("政策法规处 0431-88888801")
        page.get_by_role("button", name="保存为草稿").click()
        earliest = today + dt.timedelta(days=29)
        expect(page.locator(".errornote")).to_contain_text(f"不得少于30日：自 {today} 开始的，截止日期最早为 {earliest}")
        shot(page, f"6-open-refused-{width}")
        page.get_by_label("征集截止日期").fill(earliest.isoformat())
        page.get_by_role("button", name="保存为草稿").click()
        expect(page.locator(".messagelist")).to_contain_text("已创建意见征集")
        shot(page, f"7-opened-{width}")
        period = CommentPeriod.objects.get()
        assert (period.decision_kind, period.end_date, period.record.state) == ("major", earliest, S.DRAFT)
    finally:
        context.close()

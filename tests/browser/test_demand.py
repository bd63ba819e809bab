"""Issue #18 in a real browser, in Chinese at 1280 and 390 px: the application form shows what is
already public as one types (JavaScript) and on the 先看看是否已公开 step (without it), and the
disclosure office's demand page shows three applications for one entry as a flagged topic (R.44)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosure.models import CatalogueEntry
from tests.browser.desk import covers, sign_in
from tests.browser.test_accessibility import Findings
from tests.conftest import S, drive, new_draft
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.browser

WIDTHS = [1280, 390]
TITLE = "关于公布2025年度省级工业互联网平台名单的通告"
DESCRIPTION = "请提供2025年度省级工业互联网平台认定名单"
SHOTS = "/tmp/demand-shots"


def shot(page, name: str, near=None) -> None:
    """A photograph for a person to look at (never asserted on): the window around `near`."""
    if near is not None:
        near.scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=near is None)


@pytest.fixture
def published(world):
    record = drive(world, new_draft(world, title=TITLE), S.PUBLISHED)
    drive(world, new_draft(world, title="工业互联网平台名单（草稿，不应出现）"), S.DIVISION_REVIEW)
    return CatalogueEntry.objects.get(record=record)


@pytest.mark.parametrize("width", WIDTHS)
def test_typing_a_description_shows_what_is_already_public(page, expect, axe, portal_server, published, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("applications:apply"))
    page.get_by_label("所需信息的内容描述").press_sequentially(DESCRIPTION, delay=20)
    hints = page.locator("#apply-hints")
    expect(hints).to_contain_text("以下信息已经公开")
    expect(hints.get_by_role("link", name=TITLE)).to_be_visible()
    expect(hints).not_to_contain_text("草稿")
    shot(page, f"apply-hints-js-{width}", hints)
    findings = Findings("standard")
    findings.scan(page, axe, "apply with hints")
    findings.check()
    # The hint opens the record in a new window, the form keeps what was typed.
    with page.context.expect_page() as opened:
        hints.get_by_role("link", name=TITLE).click()
    record_page = opened.value
    record_page.wait_for_load_state()
    expect(record_page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.get_by_label("所需信息的内容描述")).to_have_value(DESCRIPTION)


@covers("form:applications:apply")
@pytest.mark.parametrize("width", WIDTHS)
def test_without_javascript_the_hint_step_shows_them_and_keeps_what_was_typed(browser, expect, axe, portal_server,
                                                                            published, width):
    context = browser.new_context(base_url=portal_server.url, locale="zh-CN", java_script_enabled=False,
                                  viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(reverse("applications:apply"))
        page.get_by_label("姓名或名称").fill("张三")
        page.get_by_label("所需信息名称").fill("省级工业互联网平台名单")
        page.get_by_label("所需信息的内容描述").fill(DESCRIPTION)
        page.get_by_role("button", name="先看看是否已公开").click()
        step = page.locator(".apply-hints-step")
        expect(step).to_contain_text("以下信息已经公开")
        expect(step.get_by_role("link", name=TITLE)).to_be_visible()
        expect(page.get_by_label("姓名或名称")).to_have_value("张三")
        expect(page.get_by_label("所需信息的内容描述")).to_have_value(DESCRIPTION)
        expect(page.locator(".field-error")).to_have_count(0)
        shot(page, f"apply-hints-nojs-{width}", step)
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_hint_step_page_has_no_serious_axe_violations(page, axe, portal_server, published, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("applications:apply"))
    page.get_by_label("所需信息的内容描述").fill(DESCRIPTION)
    page.get_by_role("button", name="先看看是否已公开").click()
    page.locator(".apply-hints-step").wait_for()
    findings = Findings("standard")
    findings.scan(page, axe, "apply, hint step")
    findings.check()


@covers("form:admin:disclosure_demandtopic_changelist")
@pytest.mark.parametrize("width", WIDTHS)
def test_the_disclosure_office_sees_a_flagged_topic_and_opens_its_cases_r44(page, expect, axe, world, portal_server,
                                                                           published, width):
    received = timezone.localdate() - dt.timedelta(days=10)
    applications = [
        ApplicationFactory(information_title=published.title, index_number=published.index_number,
                           description=description, received_on=received)
        for description in ("请提供名单全文", "申请获取认定名单", "需要名单中的企业名称")
    ]
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, portal_server, world.disclosure)
    page.goto(reverse("admin:index"))
    page.get_by_role("link", name="公开需求分析").first.click()
    expect(page.get_by_role("heading", name="需求主题")).to_be_visible()
    start = page.get_by_label("起")
    expect(start).not_to_have_value("")  # ISO-valued date inputs, never blank in zh-hans
    start.fill((received - dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="统计", exact=True).click()
    row = page.locator("tr.demand-flagged")
    expect(row).to_contain_text(published.title)
    expect(row).to_contain_text("建议纳入主动公开")
    # Stored figures (issue #22): when they were computed, and whether requests came in since.
    computed = page.locator(".demand-computed")
    expect(computed).to_contain_text("本页数字是最新的")
    late = ApplicationFactory(information_title=published.title, index_number=published.index_number,
                              description="还需要名单的附件", received_on=received)  # no task worker here
    page.reload()
    expect(computed).to_contain_text("此后又收到 1 件申请或咨询")
    shot(page, f"demand-outdated-{width}", computed)
    computed.get_by_role("button", name="按当前数据重新统计").click()
    expect(page.locator(".messagelist")).to_contain_text("已按当前数据重新统计")
    expect(computed).to_contain_text("本页数字是最新的")
    expect(row.locator("td").nth(0)).to_have_text("4")
    applications.append(late)
    cases = page.locator("tr.demand-flagged + tr")
    cases.locator("summary").click()
    expect(cases.get_by_role("link", name=applications[0].tracking_code)).to_be_visible()
    shot(page, f"demand-topics-{width}")
    findings = Findings("standard")
    findings.scan(page, axe, "demand topics")
    findings.check()
    cases.get_by_role("link", name=applications[0].tracking_code).click()
    expect(page).to_have_url(
        f"{portal_server.url}{reverse('admin:applications_disclosureapplication_change', args=[applications[0].pk])}")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_big_topic_lists_its_first_cases_and_opens_all_of_them_on_its_own_page(page, expect, axe, world,
                                                                               portal_server, width):
    """Issue #22: the demand page lists a topic's first 20 cases; the topic's own page all of them."""
    from tests.disclosure.test_demand_summary import bulk_applications

    bulk_applications(23, title="工业企业技术改造项目名单")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, portal_server, world.disclosure)
    page.goto(reverse("admin:disclosure_demandtopic_changelist"))
    cases = page.locator("tr.demand-flagged + tr")
    cases.locator("summary").click()
    expect(cases.locator("li")).to_have_count(20)
    cases.get_by_role("link", name="查看全部 23 件申请和咨询").click()
    expect(page.locator("ul.demand-cases li")).to_have_count(23)
    expect(page.locator(".breadcrumbs")).to_contain_text("公开需求分析")
    shot(page, f"demand-topic-page-{width}")
    findings = Findings("standard")
    findings.scan(page, axe, "demand topic page")
    findings.check()
    page.get_by_role("link", name="返回公开需求分析").click()
    expect(page.get_by_role("heading", name="需求主题")).to_be_visible()

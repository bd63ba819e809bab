"""The public statistics page (issue #18, part 5) in Chinese at 1280 and 390 px: reached from the
column's menu, a year chosen with the form, the CSV downloaded, no serious axe finding, and on a
phone the wide tables scroll in their own box while the page does not scroll sideways."""

from __future__ import annotations

import pytest

from tests.browser.test_accessibility import Findings
from tests.browser.test_small_screens import phone, scrolls_sideways
from tests.complaints.test_statistics import build_figures  # the hand-computed set

pytestmark = pytest.mark.browser

URL = "/statistics/"


@pytest.fixture
def data(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    build_figures(world)
    return world


def test_the_statistics_page_at_1280_px(page, axe, data, settings, tmp_path):
    page.goto("/")
    menu = page.get_by_role("navigation", name="主导航")
    assert menu.get_by_role("link", name="统计").get_attribute("href") == URL
    page.goto(URL)
    assert page.get_by_role("heading", level=1).inner_text() == "政府信息公开工作统计"
    assert page.get_by_role("navigation", name="主导航").get_by_role("link", name="统计").get_attribute(
        "aria-current") == "page"
    # Each chart is an image with a title and a description, and its figures in a table under it.
    chart = page.get_by_role("img", name="依申请公开按期答复情况")
    assert chart.count() == 1
    assert page.get_by_role("table", name="“依申请公开按期答复情况”的数据").is_visible()
    assert "政策法规处" in page.get_by_role("table", name="“依申请公开按期答复情况”的数据").inner_text()
    page.screenshot(path="/tmp/statistics-1280.png", full_page=True)

    page.get_by_label("年度", exact=True).select_option("2025")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url("**/statistics/?year=2025*")
    assert page.get_by_role("heading", name="2025年各处室情况").is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV格式").click()
    path = tmp_path / "statistics.csv"
    download_info.value.save_as(path)
    text = path.read_text(encoding="utf-8-sig")
    assert text.startswith("年度,处室,收到申请（件）") and "政策法规处" in text

    findings = Findings("standard")
    findings.scan(page, axe, "statistics, 2025")
    page.goto(URL + "?year=abc&office=999999")
    assert page.get_by_role("status").first.is_visible()
    findings.scan(page, axe, "statistics, bad query")
    findings.check()


def test_the_statistics_page_at_390_px_does_not_scroll_sideways(browser, portal_server, axe, data):
    context = phone(browser, portal_server, width=390)
    try:
        page = context.new_page()
        page.goto(URL)
        assert page.get_by_role("heading", level=1).is_visible()
        assert scrolls_sideways(page) == 0
        # The office table is wider than a phone: it scrolls in its own box.
        box = page.locator(".table-wrap").nth(2)
        assert box.evaluate("e => e.scrollWidth > e.clientWidth")
        page.screenshot(path="/tmp/statistics-390.png", full_page=True)
        findings = Findings("standard")
        findings.scan(page, axe, "statistics at 390 px")
        findings.check()
    finally:
        context.close()


def test_the_statistics_page_in_high_contrast(browser, portal_server, axe, data):
    context = phone(browser, portal_server, width=1280, mode="high-contrast")
    try:
        page = context.new_page()
        page.goto(URL)
        page.screenshot(path="/tmp/statistics-high-contrast.png", full_page=True)
        findings = Findings("high-contrast")
        findings.scan(page, axe, "statistics, high contrast")
        findings.check()
    finally:
        context.close()

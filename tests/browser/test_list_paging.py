"""Deep pages of the catalogue in a browser (issue #22): past the pages opened by number, a visitor
goes on with 下一页 / 上一页 / 尾页, on a desktop and on a phone, and an old link to a deep page
number says how to go on instead of failing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from portal import pagination
from tests.browser.desk import context_at, scrolls_sideways

pytestmark = pytest.mark.browser
SHOTS = "test-artifacts/screenshots/list-paging"


@pytest.fixture
def deep(world, settings, monkeypatch):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(pagination, "NUMBERED_PAGES", 2)
    call_command("generate_records", records=130, batch=500, stdout=StringIO(), stderr=StringIO())


def _current(page) -> str:
    return page.locator(".pagination-current").inner_text()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_visitor_pages_past_the_numbered_pages_and_back(browser, portal_server, expect, deep, width):
    context = context_at(browser, portal_server, width)
    page = context.new_page()
    page.goto("/catalogue/")
    assert _current(page) == "第 1 页，共 7 页"
    nav = page.get_by_role("navigation", name="分页")
    for number in (2, 3, 4):
        nav.get_by_role("link", name="下一页").click()
        expect(page.locator(".pagination-current")).to_have_text(f"第 {number} 页，共 7 页")
    assert "after=" in page.url  # past the numbered pages: by position
    assert page.locator(".entry-list > li").count() == 20
    assert scrolls_sideways(page) == 0
    page.screenshot(path=f"{SHOTS}/deep-{width}.png", full_page=True)

    nav.get_by_role("link", name="尾页").click()
    expect(page.locator(".pagination-current")).to_have_text("第 7 页，共 7 页")
    assert page.locator(".entry-list > li").count() == 10  # 130 = 6 x 20 + 10
    nav.get_by_role("link", name="上一页").click()
    expect(page.locator(".pagination-current")).to_have_text("第 6 页，共 7 页")
    assert page.locator(".entry-list > li").count() == 20

    page.goto("/catalogue/?page=5")  # an old link to a page number no longer opened by number
    expect(page.get_by_role("status")).to_contain_text("按页码可直接打开前 2 页（共 7 页）")
    assert scrolls_sideways(page) == 0
    page.screenshot(path=f"{SHOTS}/beyond-{width}.png", full_page=True)
    nav.get_by_role("link", name="第 2 页").click()
    expect(page.locator(".pagination-current")).to_have_text("第 2 页，共 7 页")
    context.close()

"""The catalogue's and the search's filters in a browser (issue #22: their fields are kept per
process, {% memo %}): a visitor chooses a category and an office, sees them still chosen on the
results, and clears them again, on a desktop and on a phone, without sideways scrolling."""

from __future__ import annotations

import pytest

from tests.browser.desk import context_at, scrolls_sideways

pytestmark = pytest.mark.browser
SHOTS = "test-artifacts/screenshots/filters"


@pytest.mark.parametrize("width", [1280, 390])
def test_a_visitor_filters_the_catalogue_and_the_search_and_sees_the_choice_kept(
        browser, portal_server, expect, column, settings, width):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    notice = column.notice
    context = context_at(browser, portal_server, width)
    page = context.new_page()

    page.goto("/catalogue/")
    page.get_by_label("主题分类").select_option(label=notice.category.name)
    page.get_by_label("发布机构").select_option(label=notice.office.name)
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("link", name=notice.title)).to_be_visible()
    expect(page.get_by_label("主题分类").locator("option:checked")).to_have_text(notice.category.name)
    expect(page.get_by_label("发布机构").locator("option:checked")).to_have_text(notice.office.name)
    assert scrolls_sideways(page) == 0
    page.screenshot(path=f"{SHOTS}/catalogue-{width}.png", full_page=True)

    page.goto(f"/search/?q=技术改造&office={notice.office_id}")
    # Results with a filter in use: the filters stay unfolded, showing it.
    expect(page.get_by_label("发布机构").locator("option:checked")).to_have_text(notice.office.name)
    expect(page.get_by_label("主题分类").locator("option:checked")).to_have_text("全部分类")
    page.get_by_label("发布机构").select_option(label="全部机构")
    page.locator("#main").get_by_role("button", name="搜索").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("link", name=notice.title)).to_be_visible()
    page.locator("summary", has_text="按分类、机构、年份筛选").click()  # folded: results, no filter
    expect(page.get_by_label("发布机构").locator("option:checked")).to_have_text("全部机构")
    assert scrolls_sideways(page) == 0
    page.screenshot(path=f"{SHOTS}/search-{width}.png", full_page=True)
    context.close()

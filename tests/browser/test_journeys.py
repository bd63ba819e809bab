"""What a visitor does with a real browser: find, read, download, search, switch language and display
mode, ask for an on-request entry, and move by keyboard (issue #4 items 7 and 8)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.browser.desk import covers

# The header search runs the database's own full-text SQL: checked on PostgreSQL too (Makefile).
pytestmark = [pytest.mark.browser, pytest.mark.every_database]

CATEGORY = "需要社会公众广泛知晓或者参与的信息"


def computed(page, selector: str, prop: str) -> str:
    return page.locator(selector).first.evaluate(f"e => getComputedStyle(e).getPropertyValue({prop!r})")


def test_home_to_category_to_record_to_attachment_download(page, expect, column):
    page.goto("/")
    page.get_by_role("region", name="目录分类").get_by_role("link", name=CATEGORY).click()
    expect(page).to_have_url(re.compile(r"/catalogue/\?category=m5-2$"))
    assert page.get_by_role("heading", level=2).first.inner_text().startswith(CATEGORY)

    page.get_by_role("link", name=column.notice.title).click()
    expect(page).to_have_url(re.compile(re.escape(column.notice.get_absolute_url()) + "$"))
    assert page.get_by_role("heading", level=1).inner_text() == column.notice.title
    assert column.notice.index_number in page.get_by_role("table", name="信息索引").inner_text()

    with page.expect_download() as info:
        page.get_by_role("region", name="附件").get_by_role("link", name="申报指南", exact=True).click()
    download = info.value
    assert download.suggested_filename == "申报指南.pdf"
    assert Path(download.path()).read_bytes() == b"%PDF-1.4 guide"


@covers("form:disclosure:search")
def test_search_from_the_header_box_with_a_chinese_word(page, column):
    page.goto("/guide/")
    box = page.get_by_role("search", name="站内搜索").get_by_role("searchbox", name="搜索关键词")
    box.fill("技术改造")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert "q=技术改造" in unquote(page.url)
    results = page.get_by_role("main")
    results.get_by_role("link", name=column.notice.title).wait_for()
    assert results.get_by_role("link", name=column.rule.title).count() == 0


def test_language_switch_to_english_and_back_stays_on_the_page(page, expect, column):
    page.goto("/guide/")
    html = page.locator("html")
    assert html.get_attribute("lang") == "zh-hans"
    page.get_by_role("button", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    assert page.url.endswith("/guide/")
    # (The English wording itself needs the compiled catalogue: `make messages`, done by `make test`.)
    assert page.get_by_role("button", name="English").get_attribute("aria-current") == "true"
    assert page.get_by_role("button", name="简体中文").get_attribute("aria-current") is None

    page.get_by_role("button", name="简体中文").click()
    expect(html).to_have_attribute("lang", "zh-hans")
    assert page.url.endswith("/guide/")
    assert page.get_by_role("button", name="简体中文").get_attribute("aria-current") == "true"


def test_large_font_and_high_contrast_persist_across_pages(page, expect, column):
    page.goto("/catalogue/")
    html = page.locator("html")
    # The stylesheet is served by the live server: the header has its colour, text its size.
    assert computed(page, ".site-header", "background-color") == "rgb(163, 21, 26)"
    assert computed(page, "html", "font-size") == "16px"
    h1_normal = float(computed(page, "h1", "font-size").removesuffix("px"))
    font = page.get_by_role("group", name="字体大小")
    assert font.get_by_role("button", name="标准字体").get_attribute("aria-pressed") == "true"

    font.get_by_role("button", name="大字版").click()
    expect(html).to_have_class("large-font")
    assert page.url.endswith("/catalogue/")  # back where the reader was
    assert font.get_by_role("button", name="大字版").get_attribute("aria-pressed") == "true"
    assert font.get_by_role("button", name="标准字体").get_attribute("aria-pressed") == "false"

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="指南").click()
    page.wait_for_url("**/guide/")
    assert computed(page, "html", "font-size") == "20px"
    assert float(computed(page, "h1", "font-size").removesuffix("px")) == pytest.approx(h1_normal * 1.25)
    assert computed(page, "body", "background-color") == "rgb(255, 255, 255)"

    page.get_by_role("group", name="配色").get_by_role("button", name="高对比度").click()
    expect(html).to_have_class("large-font high-contrast")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="目录").click()
    page.wait_for_url("**/catalogue/")
    assert html.get_attribute("class") == "large-font high-contrast"
    assert computed(page, "body", "background-color") == "rgb(0, 0, 0)"
    assert computed(page, "body", "color") == "rgb(255, 255, 255)"
    assert computed(page, ".entry-title a", "color") == "rgb(255, 255, 0)"
    assert computed(page, "html", "font-size") == "20px"

    page.get_by_role("button", name="标准配色").click()
    expect(html).to_have_class("large-font")
    page.get_by_role("button", name="标准字体").click()
    expect(html).not_to_have_attribute("class", re.compile(".*"))
    assert computed(page, "body", "background-color") == "rgb(255, 255, 255)"
    assert computed(page, "html", "font-size") == "16px"


def test_display_switches_work_without_javascript(browser, portal_server, expect, column):
    context = browser.new_context(base_url=portal_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/statutory/")
        html = page.locator("html")
        page.get_by_role("button", name="大字版").click()
        expect(html).to_have_class("large-font")
        page.get_by_role("button", name="高对比度").click()
        expect(html).to_have_class("large-font high-contrast")
        assert page.url.endswith("/statutory/")
    finally:
        context.close()


def test_apply_link_of_an_on_request_entry_prefills_title_and_index(page, column):
    entry = column.on_request
    page.goto("/catalogue/")
    # The link's visible text is 申请获取; the entry's title follows it for screen readers.
    page.get_by_role("link", name=re.compile(rf"^申请获取\s*：{re.escape(entry.title)}$")).click()
    page.wait_for_url(re.compile(r"/apply/\?title="))
    hint = page.get_by_role("region", name="您要申请的信息：")
    text = hint.inner_text()
    assert entry.title in text
    assert entry.index_number in text


def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_main(page, column):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("({text: document.activeElement.textContent.trim(), "
                            "href: document.activeElement.getAttribute('href')})")
    assert focused == {"text": "跳转到主要内容", "href": "#main"}
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0  # shown on screen once focused
    assert computed(page, ".skip-link", "outline-style") == "solid"

    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    assert page.url.endswith("#main")

    page.keyboard.press("Tab")  # the next stop is the first link inside the main content
    assert page.evaluate("document.activeElement.closest('main') !== null")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_subscribe_from_the_catalogue_and_pull_the_same_record_from_the_api(page, expect, column):
    """Issue #4, done when: a journalist finds the feed on the catalogue, a feed reader reads it, and
    the record it announces is pulled from the open data API — the same record everywhere."""
    import json
    import xml.etree.ElementTree as ET

    notice = column.notice
    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="目录").click()
    page.wait_for_url("**/catalogue/")

    # A feed reader discovers the feed from the page head; a person sees the same link.
    announced = page.locator('head link[rel="alternate"][type="application/rss+xml"]').get_attribute("href")
    visible = page.get_by_role("main").get_by_role("link", name="RSS", exact=True)
    expect(visible).to_be_visible()
    assert visible.get_attribute("href") == announced == "/feeds/latest.rss"

    feed = page.request.get(announced)
    assert feed.ok and feed.headers["content-type"].startswith("application/rss+xml")
    items = {item.findtext("title"): item for item in ET.fromstring(feed.body()).iter("item")}
    item = items[notice.title]
    assert item.findtext("guid") == notice.index_number

    # The feed item leads to the record page…
    page.goto(item.findtext("link"))
    expect(page.get_by_role("heading", level=1)).to_have_text(notice.title)
    # …which links its data in the API.
    api_link = page.get_by_role("link", name="数据接口（JSON）")
    response = page.goto(api_link.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("application/json")
    data = json.loads(response.body())
    assert data["id"] == notice.pk
    assert data["title"] == notice.title
    assert data["index_number"] == item.findtext("guid")
    assert data["url"] == item.findtext("link")
    assert [a["name"] for a in data["attachments"]] == ["申报指南.pdf"]

    # The API's guide is one click from the footer of any page.
    page.goto(notice.get_absolute_url())
    page.get_by_role("contentinfo").get_by_role("link", name="开放数据接口").click()
    page.wait_for_url("**/api/docs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("开放数据接口")


def test_a_category_page_offers_that_categorys_feed(page, expect, column):
    page.goto(column.notice.category.get_absolute_url())
    announced = page.locator('head link[rel="alternate"][href$="/feeds/category/m5-2.atom"]')
    assert announced.get_attribute("type") == "application/atom+xml"
    link = page.get_by_role("main").get_by_role("link", name=re.compile(r"^Atom"))
    assert link.get_attribute("href") == "/feeds/category/m5-2.atom"
    feed = page.request.get(link.get_attribute("href"))
    assert feed.ok and column.notice.title in feed.text() and column.rule.title not in feed.text()


def test_an_old_version_leads_to_the_current_one(page, expect, banners):
    page.goto(banners.superseded.get_absolute_url())
    note = page.get_by_role("note").filter(has_text="本信息已变更")
    note.get_by_role("link", name=re.compile("^查看现行版本")).click()
    expect(page).to_have_url(re.compile(re.escape(banners.current.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(banners.current.title)
    assert page.get_by_role("note").count() == 0

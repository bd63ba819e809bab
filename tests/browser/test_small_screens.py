"""Phones (issue #15, 4): a compact header whose menu works without JavaScript, content within the
first screen, wide tables scrolling in their own box with the first column held — and no public
page scrolling sideways at 360 px, in any of the four display modes."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from disclosure import services
from disclosure.demo_content import TABLE3_2025
from disclosure.models import CatalogueCategory, Record
from portal.context_processors import CONTRAST_COOKIE, FONT_COOKIE
from tests.browser.conftest import build_banners
from tests.browser.desk import scrolls_sideways
from tests.conftest import S, drive, load_world, new_draft, rows_for_the_module

pytestmark = pytest.mark.browser

MODES = {
    "standard": {},
    "large-font": {FONT_COOKIE: "large"},
    "high-contrast": {CONTRAST_COOKIE: "high"},
    "large-font+high-contrast": {FONT_COOKIE: "large", CONTRAST_COOKIE: "high"},
}
REPORT_TITLE = "吉林省工业和信息化厅2025年政府信息公开工作年度报告"
# Table 2's kind of figures: numbers that cannot break, wider than a phone whatever the fonts.
FIGURES = (
    "<table><caption>主动公开政府信息情况</caption><thead><tr><th scope=\"col\">信息内容</th>"
    + "".join(f"<th scope=\"col\">{year}年</th>" for year in range(2019, 2026)) + "</tr></thead><tbody>"
    + "".join(f"<tr><th scope=\"row\">{name}</th>" + "".join(f"<td>{n * 1234567:,}</td>" for n in range(1, 8))
              + "</tr>" for name in ("行政许可", "行政处罚", "行政事业性收费（万元）"))
    + "</tbody></table>"
)
MEASURES_NUMBER = "吉工信规〔2026〕1号"


def search_from_the_header(page, text: str) -> None:
    """Type `text` into the header's search box on the home page and wait for the results."""
    page.goto("/")
    box = page.get_by_role("search", name="站内搜索").get_by_role("searchbox", name="搜索关键词")
    box.fill(text)
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")


def phone(browser, portal_server, *, width: int, mode: str = "standard", javascript: bool = True, height: int = 844):
    # Not is_mobile: a mobile viewport widens itself to fit a page that is too wide (innerWidth
    # grows with it), which would hide the very overflow these tests look for.
    context = browser.new_context(base_url=portal_server.url, locale="zh-CN", java_script_enabled=javascript,
                                  viewport={"width": width, "height": height})
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": k, "value": v, "url": portal_server.url} for k, v in MODES[mode].items()])
    return context



@pytest.fixture(scope="module")
def site_module_rows(django_db_setup, django_db_blocker, tmp_path_factory):
    """The site's records and cases, built once for the module's tests, which only read them
    (issue #17: each test built them again)."""
    media = tmp_path_factory.mktemp("phone-media")
    with rows_for_the_module(django_db_blocker) as unblocked:
        with unblocked(), override_settings(MEDIA_ROOT=media):
            world = load_world()
            built = build_site(world, build_banners(world))
            pks = {key: value.pk for key, value in built.items() if key != "pages"}
        yield media, built["pages"], pks


@pytest.fixture
def site(world, settings, site_module_rows):
    settings.MEDIA_ROOT, pages, pks = site_module_rows
    records = Record.objects.in_bulk(list(pks.values()))
    return {"pages": pages, **{key: records[pk] for key, pk in pks.items()}}


def build_site(world, banners) -> dict:
    """One of each public page a visitor meets, with real content: records (with an attachment, a
    wide annual-report table, banners), search results, and the status pages of an application,
    a complaint and a consultation."""
    from applications.views import case_token as application_token
    from complaints import services as complaint_services
    from complaints.views import case_token as complaint_token
    from tests.applications.conftest import offline

    notice = new_draft(world, title="关于开展2026年工业企业技术改造项目申报工作的通知",
                       document_number="吉工信〔2026〕12号", body="<p>现将技术改造项目申报有关事项通知如下。</p>")
    services.attachment_add(record=notice, actor=world.drafter_a, title="2026年技术改造项目申报指南及申报表格",
                            upload=SimpleUploadedFile("2026-jsgz-shenbao-zhinan-ji-biaoge-zuizhong-ban.pdf",
                                                      b"%PDF-1.4 guide"))
    notice = drive(world, notice, S.REGISTERED)
    report = drive(world, new_draft(world, title=REPORT_TITLE, category=CatalogueCategory.objects.get(code="annual-report"),
                                    body=f"<h2>二、主动公开政府信息情况</h2>{FIGURES}"
                                         f"<h2>三、收到和处理政府信息公开申请情况</h2>{TABLE3_2025}"), S.REGISTERED)
    measures = drive(world, new_draft(world, title="关于印发《吉林省省级工业互联网平台培育管理办法》的通知",
                                      document_number=MEASURES_NUMBER), S.REGISTERED)
    application = offline(world)
    complaint, _secret, _created = complaint_services.complaint_submit(
        data={"office": world.office_a, "failure_type": "late_reply", "details": "申请后未获答复。", "related_reference": ""},
        reporter=None, anonymous=True)
    consultation, _secret, _created = complaint_services.consultation_submit(data={
        "name": "李雷", "phone": "13600002222", "email": "", "subject": "依申请公开是否收费",
        "question": "申请政府信息公开需要交费吗？", "publish_consent": False, "office": None})
    records = [notice, report, measures, banners.superseded, banners.revoked, banners.repealed, banners.expired]
    pages = [
        "/", reverse("disclosure:guide"), reverse("disclosure:rules"), reverse("disclosure:catalogue"),
        reverse("disclosure:catalogue") + "?category=m5-2", reverse("disclosure:statutory"),
        reverse("disclosure:annual_reports"), reverse("statistics:page"),
        *[reverse("disclosure:record", args=[r.pk]) for r in records],
        *[reverse("disclosure:record_print", args=[r.pk]) for r in (notice, report)],
        reverse("disclosure:search") + "?q=技术改造", reverse("disclosure:search") + "?q=" + MEASURES_NUMBER,
        reverse("applications:apply"), reverse("applications:track"),
        reverse("applications:case", args=[application_token(application)]),
        reverse("complaints:interact"), reverse("complaints:consult"), reverse("complaints:complain"),
        reverse("complaints:faq"), reverse("complaints:survey"), reverse("complaints:track"),
        reverse("complaints:case", args=[complaint_token(complaint)]),
        reverse("complaints:case", args=[complaint_token(consultation)]),
        reverse("api:docs"), "/no-such-page/",
    ]
    return {"pages": pages, "report": report, "measures": measures, "notice": notice}


@pytest.mark.parametrize("mode", MODES)
def test_no_public_page_scrolls_sideways_at_360_px(browser, portal_server, site, mode):
    """Every public page at 360 px, in each display mode (标准, 大字版, 高对比度, both), with its
    menu closed and open: the page is never wider than the screen."""
    context = phone(browser, portal_server, width=360, mode=mode)
    try:
        page = context.new_page()
        wide = {}
        for path in site["pages"]:
            page.goto(path)
            if overflow := scrolls_sideways(page):
                wide[path] = overflow
        page.goto(site["pages"][0] + "#site-menu")
        if overflow := scrolls_sideways(page):
            wide["/#site-menu"] = overflow
        assert wide == {}, f"pages wider than 360 px in {mode}: {wide}"
    finally:
        context.close()


@pytest.mark.parametrize("mode", MODES)
def test_content_starts_on_the_first_screen_of_a_phone(browser, portal_server, site, mode):
    """The header is one line and the search box (was 385 of 844 px; in 大字版 + 高对比度 the page's
    heading fell below the first screen)."""
    context = phone(browser, portal_server, width=390, mode=mode)
    try:
        page = context.new_page()
        for path in ("/", reverse("disclosure:catalogue"), reverse("disclosure:record", args=[site["report"].pk]),
                     reverse("applications:apply")):
            page.goto(path)
            header = page.locator(".site-header").bounding_box()
            heading = page.get_by_role("main").get_by_role("heading", level=1).bounding_box()
            assert header["height"] <= 200, (path, header)
            assert heading["y"] + heading["height"] <= 844 / 2, (path, heading)
            assert page.get_by_role("searchbox", name="搜索关键词").is_visible()
            assert not page.get_by_role("navigation", name="主导航").is_visible()
    finally:
        context.close()


def test_the_menu_opens_without_javascript_and_holds_navigation_language_and_display(browser, portal_server, site,
                                                                                    expect):
    context = phone(browser, portal_server, width=390, javascript=False)
    try:
        page = context.new_page()
        page.goto(reverse("disclosure:guide"))
        nav = page.get_by_role("navigation", name="主导航")
        expect(nav).to_be_hidden()
        expect(page.get_by_role("button", name="大字版")).to_be_hidden()
        page.get_by_role("link", name=re.compile("^菜单")).click()
        expect(nav).to_be_visible()
        assert page.evaluate("window.scrollY") == 0  # the name and search box stay in view
        page.get_by_role("button", name="大字版").click()  # the display switch, from the menu
        expect(page.locator("html")).to_have_class("large-font")
        assert page.url.endswith("/guide/")
        expect(nav).to_be_hidden()  # back on the page, the menu is folded again
        page.get_by_role("link", name=re.compile("^菜单")).click()
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.get_by_role("link", name=re.compile("^Menu")).click()
        nav = page.get_by_role("navigation", name="Main navigation")
        nav.get_by_role("link", name="Catalogue").click()
        page.wait_for_url("**/catalogue/")
    finally:
        context.close()


def test_a_desktop_shows_navigation_and_switches_without_a_menu_button(page, site, expect):
    page.goto("/")
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()
    expect(page.get_by_role("button", name="高对比度")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^菜单"))).to_be_hidden()


@pytest.mark.parametrize("mode", ["standard", "large-font+high-contrast"])
def test_the_annual_reports_table_scrolls_in_its_box_with_the_first_column_held(browser, portal_server, site, mode):
    context = phone(browser, portal_server, width=390, mode=mode)
    try:
        page = context.new_page()
        page.goto(reverse("disclosure:record", args=[site["report"].pk]))
        box = page.get_by_role("region", name="收到和处理政府信息公开申请情况")
        box.scroll_into_view_if_needed()
        assert scrolls_sideways(page) == 0
        assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # the table is wider: its box scrolls
        held = box.get_by_role("rowheader", name="三、本年度办理结果")
        total = box.locator("th", has_text="总计").first
        before = held.bounding_box()["x"]
        assert box.evaluate("e => { e.scrollLeft = e.scrollWidth; return e.scrollLeft; }") > 0
        assert held.bounding_box()["x"] == pytest.approx(before, abs=1)  # the first column stays
        total_box = total.bounding_box()
        assert total_box["x"] + total_box["width"] <= 390 + 1  # 总计 is reachable, not cut off
        assert scrolls_sideways(page) == 0
    finally:
        context.close()


@pytest.mark.every_database  # the 文号's ranking is the database's own search SQL
def test_done_when_a_citizen_on_a_phone_finds_a_document_by_its_number_and_reads_the_annual_report(
        browser, portal_server, site, world, expect):
    """Issue #15, done when: on a 390 px phone, in Chinese, the 文号 typed in the header's search
    box gives that document as the first result; the annual report reads without the page
    scrolling sideways."""
    for i in range(3):  # newer records that share the number's pieces
        drive(world, new_draft(world, title=f"2026年工作要点（{i + 1}）",
                               body=f"<p>按照{MEASURES_NUMBER}组织实施，2026年1号文件。</p>"), S.PUBLISHED)
    context = phone(browser, portal_server, width=390)
    try:
        page = context.new_page()
        search_from_the_header(page, MEASURES_NUMBER)
        first = page.get_by_role("main").locator(".entry-list > li").first
        expect(first.get_by_role("link").first).to_have_text(site["measures"].title)
        assert scrolls_sideways(page) == 0

        page.get_by_role("link", name=re.compile("^菜单")).click()
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="年报").click()
        page.get_by_role("link", name=REPORT_TITLE).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(REPORT_TITLE)
        page.get_by_role("region", name="收到和处理政府信息公开申请情况").scroll_into_view_if_needed()
        assert scrolls_sideways(page) == 0
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_pasted_query_longer_than_the_search_reads_says_what_was_left_out(browser, portal_server, site, width):
    """A paragraph pasted into the header's box: the results are for its first 38 characters, and
    the page says which words were not searched (as 百度 does) without scrolling sideways."""
    title = site["measures"].title
    tail = "以及与之配套的申报指南和附件清单"
    assert len(title) < 38
    context = phone(browser, portal_server, width=width)
    try:
        page = context.new_page()
        search_from_the_header(page, title + " " * (38 - len(title)) + tail)
        notice = page.get_by_role("status").filter(has_text="未检索")
        assert notice.is_visible()
        assert notice.inner_text() == f"检索词最多 38 个字，“{tail}”及其后的字词未检索。"
        first = page.get_by_role("main").locator(".entry-list > li").first
        assert first.get_by_role("link").first.inner_text() == title
        assert scrolls_sideways(page) == 0
    finally:
        context.close()

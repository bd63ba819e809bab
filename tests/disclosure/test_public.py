"""The public column: what is shown, and that nothing unpublished leaks through any page."""

import datetime as dt
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from disclosure import services
from disclosure.models import Attachment, CatalogueCategory, Channel, DisclosureAttribute
from tests.conftest import S, column_in_every_state, drive, new_draft

PUBLIC_PAGES = [
    ("disclosure:home", {}),
    ("disclosure:guide", {}),
    ("disclosure:rules", {}),
    ("disclosure:catalogue", {}),
    ("disclosure:statutory", {}),
    ("disclosure:annual_reports", {}),
    ("disclosure:search", {"q": "秘"}),
    ("applications:apply", {}),
    ("complaints:interact", {}),
]


def _build_column(world) -> dict:
    hidden = {}
    for state in (S.DRAFT, S.DIVISION_REVIEW, S.CONFIDENTIALITY_REVIEW, S.READY, S.WITHHELD):
        title = f"未公开秘{state}"
        record = new_draft(world, title=title, body=f"<p>{title}正文</p>")
        services.attachment_add(record=record, actor=world.drafter_a,
                                upload=SimpleUploadedFile(f"{state}.pdf", b"%PDF-1.4 x"))
        hidden[title] = drive(world, record, state)
    signoff = drive(world, new_draft(world, title="未公开秘签发", is_important=True), S.LEADER_SIGNOFF)
    hidden[signoff.title] = signoff
    scheduled = drive(world, new_draft(world, title="未公开秘定时", date_formed=timezone.localdate()), S.READY)
    services.record_publish(record=scheduled, actor=world.publisher, channels=[Channel.COLUMN],
                            at=timezone.now() + dt.timedelta(days=3))
    hidden[scheduled.title] = scheduled

    published = new_draft(world, title="已公开秘通知", body="<p>公开正文秘</p>")
    services.attachment_add(record=published, actor=world.drafter_a,
                            upload=SimpleUploadedFile("公开附件.pdf", b"%PDF-1.4 public"))
    published = drive(world, published, S.REGISTERED)
    on_request = drive(world, new_draft(world, title="依申请秘清单", body="<p>不在网上公开的正文</p>",
                                        attribute=DisclosureAttribute.ON_REQUEST), S.PUBLISHED)
    return {"hidden": hidden, "published": published, "on_request": on_request}


# One record in every state; only the published ones may ever be seen by the public. Built once
# for the module's tests (issue #17: it was most of each test's time).
column_module_rows, column = column_in_every_state(_build_column, "public-media")


def _all_public_text(client, column) -> str:
    pages = [client.get(reverse(name), params) for name, params in PUBLIC_PAGES]
    pages += [client.get(reverse("disclosure:catalogue"), {"category": "m5-2", "year": str(timezone.now().year)})]
    for record in [*column["hidden"].values(), column["published"], column["on_request"]]:
        pages.append(client.get(reverse("disclosure:record", args=[record.pk])))
    assert all(p.status_code in (200, 404) for p in pages)
    return "\n".join(p.content.decode() for p in pages)


def test_unpublished_withheld_and_scheduled_records_never_appear_on_any_public_page(client, column):
    text = _all_public_text(client, column)
    for title in column["hidden"]:
        assert title not in text
    assert "已公开秘通知" in text


@pytest.mark.parametrize("view", ["disclosure:record", "disclosure:record_print"])
def test_unpublished_record_pages_are_404(client, column, view):
    for record in column["hidden"].values():
        assert client.get(reverse(view, args=[record.pk])).status_code == 404


def test_attachments_of_unpublished_records_cannot_be_downloaded(client, column):
    for record in column["hidden"].values():
        for attachment in Attachment.objects.filter(record=record):
            assert client.get(reverse("disclosure:attachment", args=[attachment.pk])).status_code == 404


@pytest.mark.parametrize("view", ["disclosure:record", "disclosure:record_print"])
def test_attachments_are_named_by_their_title_and_number_the_file_name_second(client, world, settings, tmp_path,
                                                                             view):
    """附件1：标题 — what the document calls its attachments; the file name (often “附件1.pdf” or a
    scan number) is secondary. Without a title the file name without its extension is used."""
    settings.MEDIA_ROOT = tmp_path
    record = new_draft(world, title="关于公布名单的通知")
    services.attachment_add(record=record, actor=world.drafter_a, title="2026年度认定名单", sort_order=1,
                            upload=SimpleUploadedFile("scan-0031.pdf", b"%PDF-1.4 list"))
    services.attachment_add(record=record, actor=world.drafter_a, sort_order=2,
                            upload=SimpleUploadedFile("申报表.pdf", b"%PDF-1.4 form"))
    record = drive(world, record, S.PUBLISHED)
    page = client.get(reverse(view, args=[record.pk])).text
    text = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", page))
    assert "附件1：2026年度认定名单（文件：scan-0031.pdf，13字节）" in text
    assert "附件2：申报表（文件：申报表.pdf，13字节）" in text
    if view == "disclosure:record":
        first = record.attachments.get(sort_order=1)
        assert (f'<a href="{reverse("disclosure:attachment", args=[first.pk])}" lang="zh-Hans">2026年度认定名单</a>'
                in page)


def test_published_attachment_downloads_with_its_chinese_name_and_nosniff(client, column):
    attachment = column["published"].attachments.get()
    response = client.get(reverse("disclosure:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E5%85%AC%E5%BC%80%E9%99%84%E4%BB%B6.pdf" in disposition


def test_record_page_shows_the_metadata_table(client, column):
    record = column["published"]
    page = client.get(reverse("disclosure:record", args=[record.pk]))
    for label in ("索引号", "主题分类", "发布机构", "成文日期", "发布日期", "文号", "有效性"):
        assert label in page.text
    assert record.index_number in page.text
    assert "公开正文秘" in page.text


def test_on_request_entries_are_listed_without_content_and_offer_to_apply(client, column):
    record = column["on_request"]
    catalogue = client.get(reverse("disclosure:catalogue")).text
    assert "依申请秘清单" in catalogue
    page = client.get(reverse("disclosure:record", args=[record.pk])).text
    assert "不在网上公开的正文" not in page
    assert reverse("applications:apply") + "?title=" in page
    apply = client.get(reverse("applications:apply"), {"title": record.title, "index": record.index_number})
    assert record.index_number in apply.text


def test_amended_record_page_links_to_the_current_version(client, world, column):
    v1 = column["published"]
    v2 = services.record_amend(record=v1, actor=world.drafter_a)
    v2.title = "已公开秘通知（修订）"
    services.record_save_draft(record=v2, actor=world.drafter_a)
    assert "查看现行版本" not in client.get(reverse("disclosure:record", args=[v1.pk])).text
    drive(world, v2, S.PUBLISHED)
    old_page = client.get(reverse("disclosure:record", args=[v1.pk])).text
    assert "查看现行版本" in old_page and reverse("disclosure:record", args=[v2.pk]) in old_page
    catalogue = client.get(reverse("disclosure:catalogue")).text
    assert "已公开秘通知（修订）" in catalogue


def test_revoked_record_leaves_the_catalogue_and_its_page_says_so(client, world, column):
    record = services.record_revoke(record=column["published"], actor=world.disclosure, reason="重复发布")
    assert "已公开秘通知" not in client.get(reverse("disclosure:catalogue")).text
    page = client.get(reverse("disclosure:record", args=[record.pk]))
    assert page.status_code == 200
    assert "已撤销" in page.text and "重复发布" in page.text
    assert "公开正文秘" not in page.text
    attachment = record.attachments.get()
    assert client.get(reverse("disclosure:attachment", args=[attachment.pk])).status_code == 404


def test_repealed_record_stays_listed_and_is_marked(client, world, column):
    services.record_repeal(record=column["published"], actor=world.disclosure, reason="被新文件替代")
    page = client.get(reverse("disclosure:record", args=[column["published"].pk])).text
    assert "已废止" in page and "被新文件替代" in page


def test_search_finds_one_character_words_in_published_records_only(client, column):
    page = client.get(reverse("disclosure:search"), {"q": "秘"}).text
    assert reverse("disclosure:record", args=[column["published"].pk]) in page
    assert "已公开<mark>秘</mark>通知" in page
    for record in column["hidden"].values():
        assert reverse("disclosure:record", args=[record.pk]) not in page


@pytest.mark.parametrize(("name", "params"), PUBLIC_PAGES)
def test_every_public_page_renders_in_chinese_with_the_agency_name(client, world, name, params):
    page = client.get(reverse(name), params)
    assert page.status_code == 200
    assert '<html lang="zh-hans">' in page.text
    assert "测试省工业和信息化厅" in page.text


def test_public_pages_load_nothing_from_another_host(client, column):
    text = _all_public_text(client, column)
    assets = re.findall(r'<(?:script|link|img|iframe|source)\b[^>]*?(?:src|href)="([^"]+)"', text)
    assert assets  # the stylesheet at least
    assert [a for a in assets if a.startswith(("http:", "https:", "//"))] == []


def test_english_switch(client, world):
    page = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in page.text


def test_unknown_category_and_bad_filters_do_not_fail(client, column):
    for params in ({"category": "nope"}, {"office": "abc"}, {"year": "20x6"}, {"page": "999"}):
        assert client.get(reverse("disclosure:catalogue"), params).status_code == 200


def test_catalogue_filters_by_category_and_office(client, world, column):
    other = CatalogueCategory.objects.get(code="m5-7")
    response = client.get(reverse("disclosure:catalogue"), {"category": other.code})
    assert "已公开秘通知" not in response.text
    response = client.get(reverse("disclosure:catalogue"), {"office": world.office_b.pk})
    assert "已公开秘通知" not in response.text
    response = client.get(reverse("disclosure:catalogue"), {"office": world.office_a.pk})
    assert "已公开秘通知" in response.text


def test_404_page_is_friendly(client, world):
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert "首页" in page.text


def test_browser_language_does_not_switch_the_portal_to_english(client, world):
    page = client.get(reverse("disclosure:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in page.text
    client.force_login(world.drafter_a)
    assert "我的待办" in client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en-US").text


PAGES_WITH_LISTS = [
    ("disclosure:home", {}), ("disclosure:catalogue", {}), ("disclosure:catalogue", {"category": "m5-2"}),
    ("disclosure:statutory", {}), ("disclosure:search", {"q": "通知"}), ("disclosure:rules", {}),
    ("disclosure:guide", {}), ("disclosure:annual_reports", {}),
    ("disclosure:search", {"q": "通知", "category": "m5-2", "office": "OFFICE_A", "year": "YEAR"}),
]


def test_queries_per_public_page_do_not_grow_with_the_number_of_records(client, world, settings):
    """A page of 20 costs the same number of queries as a page of 3 (no N+1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0

    values = {"OFFICE_A": str(world.office_a.pk), "YEAR": str(timezone.localdate().year)}
    reports = CatalogueCategory.objects.get(code="annual-report")

    def counts():
        result = []
        for name, params in PAGES_WITH_LISTS:
            params = {k: values.get(v, v) for k, v in params.items()}
            with CaptureQueriesContext(connection) as captured:
                response = client.get(reverse(name), params)
                assert response.status_code == 200
            result.append(len(captured))
        return result

    def publish(numbers):
        for i in numbers:
            drive(world, new_draft(world, title=f"通知{i}", office=[world.office_a, world.office_b][i % 2]), S.PUBLISHED)
            drive(world, new_draft(world, title=f"{2000 + i}年年度报告", category=reports), S.PUBLISHED)

    publish(range(3))
    few = counts()
    publish(range(3, 25))
    assert counts() == few
    assert "<mark>通知</mark>24" in client.get(reverse("disclosure:search"), {"q": "通知", "office": values["OFFICE_A"]}).text
    record = selectors_first_published()
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("disclosure:record", args=[record.pk]))
    assert len(captured) <= 6


def selectors_first_published():
    from disclosure.selectors import records_published

    return records_published().first()


# --- Helpers: read a page as a visitor's browser would ----------------------------------------

class _Page(HTMLParser):
    """The links, <link> elements and text of a page, with the language each text is in."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, html: str):
        super().__init__()
        self.anchors, self.alternates, self.texts = [], [], []
        self._stack: list[tuple[str, str | None]] = []
        self._anchor = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate":
            self.alternates.append(attrs)
        if tag in self.VOID:
            return
        self._stack.append((tag, attrs.get("lang", self._stack[-1][1] if self._stack else None)))
        if tag == "a":
            self._anchor = {**attrs, "text": ""}
            self.anchors.append(self._anchor)

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()[0] == tag:
                break
        if tag == "a":
            self._anchor = None

    def handle_data(self, data):
        if self._anchor is not None:
            self._anchor["text"] += data
        if data.strip() and self._stack:
            self.texts.append((self._stack[-1][0], self._stack[-1][1], data.strip()))

    def links(self, text: str) -> list[str]:
        """The hrefs of the links whose text (visually hidden parts included) starts with `text`."""
        return [a["href"] for a in self.anchors if " ".join(a["text"].split()).startswith(text)]


def _page(client, url: str, **params) -> _Page:
    response = client.get(url, params)
    assert response.status_code == 200, url
    return _Page(response.text)


# --- Entrances: every door of the column can be found from the home page (issue #4) ------------


def test_home_offers_entrances_to_apply_complain_consult_and_the_guide(client, world):
    home = _page(client, reverse("disclosure:home"))
    main_links = {a["href"] for a in home.anchors}
    for name, title in [("applications:apply", "依申请公开"), ("complaints:complain", "举报投诉"),
                        ("complaints:consult", "咨询"), ("disclosure:guide", "公开指南")]:
        assert reverse(name) in home.links(title), name
        assert reverse(name) in main_links
    for name in ("complaints:complain", "complaints:consult"):
        assert client.get(reverse(name)).status_code == 200


def test_footer_shows_the_agency_identity_with_its_unified_social_credit_code(client, world):
    from portal.models import SiteProfile

    profile = SiteProfile.objects.get()
    profile.address = "长春市人民大街1号"
    profile.save()
    for url in (reverse("disclosure:home"), reverse("disclosure:catalogue"), reverse("applications:apply")):
        footer = client.get(url).text.split('<footer class="site-footer">', 1)[1]
        assert re.search(r"<dt>统一社会信用代码</dt><dd>11220000013544357T</dd>", footer), url
        assert "长春市人民大街1号" in footer


# --- Categories: a category includes all its sub-categories, everywhere -----------------------


@pytest.fixture
def subcategories(world):
    """m5-2 › 征求意见 › 已结束的征求意见, each with one published record."""
    parent = CatalogueCategory.objects.get(code="m5-2")
    child = CatalogueCategory.objects.create(code="m5-2-1", name="征求意见", parent=parent)
    grandchild = CatalogueCategory.objects.create(code="m5-2-1-1", name="已结束的征求意见", parent=child)
    drive(world, new_draft(world, title="父分类文件"), S.PUBLISHED)
    drive(world, new_draft(world, title="子分类文件", category=child), S.PUBLISHED)
    drive(world, new_draft(world, title="孙分类文件", category=grandchild), S.PUBLISHED)
    drive(world, new_draft(world, title="统计文件", category=CatalogueCategory.objects.get(code="m5-7")), S.PUBLISHED)
    return parent


def _count_next_to(html: str, code: str) -> int:
    match = re.search(rf'href="/catalogue/\?category={re.escape(code)}"[^>]*>[^<]*</a>\s*<span class="count">(\d+) 条',
                      html)
    assert match, code
    return int(match.group(1))


def test_home_counts_and_category_filter_include_every_level_of_sub_categories(client, subcategories):
    home = client.get(reverse("disclosure:home")).text
    assert _count_next_to(home, "m5-2") == 3
    assert _count_next_to(home, "m5-7") == 1
    statutory = client.get(reverse("disclosure:statutory")).text
    assert re.search(r'category=m5-2"[^>]*>.*?<td class="num">3</td>', statutory, re.S)
    listed = client.get(reverse("disclosure:catalogue"), {"category": "m5-2"}).text
    for title in ("父分类文件", "子分类文件", "孙分类文件"):
        assert title in listed
    assert "统计文件" not in listed
    assert "共 3 条" in listed
    child = client.get(reverse("disclosure:catalogue"), {"category": "m5-2-1"}).text
    assert "孙分类文件" in child and "父分类文件" not in child
    search = client.get(reverse("disclosure:search"), {"q": "文件", "category": "m5-2"}).text
    assert "孙分类<mark>文件</mark>" in search and "统计<mark>文件</mark>" not in search


# --- The year filter ---------------------------------------------------------------------------


def test_year_filter_offers_a_scheduled_entrys_year_only_once_it_is_published(client, world):
    import time_machine

    drive(world, new_draft(world, title="今年的文件"), S.PUBLISHED)
    now = timezone.now()
    next_year = timezone.localtime(now).year + 1
    when = timezone.make_aware(dt.datetime(next_year, 1, 5, 9, 0))
    scheduled = drive(world, new_draft(world, title="明年定时发布的文件"), S.READY)
    services.record_publish(record=scheduled, actor=world.publisher, channels=[Channel.COLUMN], at=when,
                            late_reason="按文件要求于次年1月5日公布")

    def years() -> list[str]:
        html = client.get(reverse("disclosure:catalogue")).text
        select = re.search(r'<select id="filter-year".*?</select>', html, re.S).group(0)
        return re.findall(r'<option value="(\d{4})"', select)

    assert years() == [str(next_year - 1)]
    with time_machine.travel(when + dt.timedelta(minutes=1)):
        assert years() == [str(next_year), str(next_year - 1)]


# --- Rules and annual reports are paged like the catalogue --------------------------------------


@pytest.mark.parametrize(("view", "code"), [("disclosure:rules", "rules"), ("disclosure:annual_reports", "annual-report")])
def test_rules_and_annual_reports_are_paginated(client, world, view, code):
    category = CatalogueCategory.objects.get(code=code)
    for i in range(23):
        drive(world, new_draft(world, title=f"栏目文件{i:02d}号", category=category), S.PUBLISHED)
    first = client.get(reverse(view)).text
    second = client.get(reverse(view), {"page": 2}).text
    first_titles = re.findall(r"栏目文件\d\d号", first)
    second_titles = re.findall(r"栏目文件\d\d号", second)
    assert len(set(first_titles)) == 20 and len(set(second_titles)) == 3
    assert not set(first_titles) & set(second_titles)
    assert "第 1 页，共 2 页" in first and 'rel="next"' in first
    assert "第 2 页，共 2 页" in second


# --- Banners: a record that is no longer the one to read says so and links the current one (M.14)


def _amend(world, record, title: str):
    new = services.record_amend(record=record, actor=world.drafter_a)
    new.title = title
    services.record_save_draft(record=new, actor=world.drafter_a)
    return drive(world, new, S.PUBLISHED)


@pytest.fixture(params=["disclosure:record", "disclosure:record_print"])
def record_page(request, client):
    """The record page or its print view: both carry the same banners."""

    def get(record) -> str:
        response = client.get(reverse(request.param, args=[record.pk]))
        assert response.status_code == 200
        return response.text

    return get


def test_expired_record_that_was_amended_links_the_current_version(world, column, record_page):
    v1 = services.record_expire(record=column["published"], actor=world.disclosure, reason="有效期届满")
    v2 = _amend(world, v1, "已公开秘通知（2027年版）")
    page = record_page(v1)
    assert "本文件已失效" in page and "有效期届满" in page
    assert re.search(rf'现行版本：<a href="{reverse("disclosure:record", args=[v2.pk])}"[^>]*>已公开秘通知（2027年版）</a>',
                     page)
    assert "本文件已失效" not in record_page(v2)


def test_revoked_record_links_a_search_for_its_document_number_never_a_revoked_version(world, column,
                                                                                        record_page):
    v1 = drive(world, new_draft(world, title="撤销前的通知", document_number="吉工信函〔2026〕12号"), S.REGISTERED)
    v2 = _amend(world, v1, "撤销前的通知（修订）")
    v2 = services.record_revoke(record=v2, actor=world.disclosure, reason="修订稿发布有误")
    page = record_page(v2)
    assert "本信息已撤销" in page and "修订稿发布有误" in page
    assert f'href="{reverse("disclosure:search")}?q={quote("吉工信函〔2026〕12号")}"' in page
    assert "现行版本" not in page
    # The earlier version points at no revoked version either.
    assert reverse("disclosure:record", args=[v2.pk]) not in record_page(v1)


def test_repealed_record_without_a_newer_version_links_a_search_for_its_document_number(world, column,
                                                                                        record_page):
    record = drive(world, new_draft(world, title="旧管理办法", document_number="吉工信规〔2020〕7号"), S.PUBLISHED)
    services.record_repeal(record=record, actor=world.disclosure, reason="已被新办法替代")
    page = record_page(record)
    assert "本文件已废止" in page and "已被新办法替代" in page
    link = reverse("disclosure:search") + "?q=" + quote("吉工信规〔2020〕7号")
    assert f'href="{link}"' in page


def test_amended_record_banner_appears_in_the_print_view_too(world, column, record_page):
    v1 = column["published"]
    v2 = _amend(world, v1, "已公开秘通知（修订）")
    page = record_page(v1)
    assert "本信息已变更" in page
    assert re.search(rf'<a href="{reverse("disclosure:record", args=[v2.pk])}"[^>]*>查看现行版本：<span lang="zh-Hans">'
                     r"已公开秘通知（修订）</span></a>", page)
    assert "本信息已变更" not in record_page(v2)


def test_a_scheduled_new_version_is_not_linked_until_it_takes_effect(client, world, column, record_page):
    import time_machine

    v1 = column["published"]
    v2 = drive(world, services.record_amend(record=v1, actor=world.drafter_a), S.READY)
    when = timezone.now() + dt.timedelta(days=2)
    services.record_publish(record=v2, actor=world.publisher, channels=[Channel.COLUMN], at=when)
    assert "本信息已变更" not in record_page(v1)
    with time_machine.travel(when + dt.timedelta(minutes=1)):
        assert "本信息已变更" in record_page(v1)


# --- Feeds and the open data API can be found from the pages (issue #4 item 6) -----------------


def test_every_page_announces_the_feeds_and_the_footer_links_the_api(client, column):
    for url in (reverse("disclosure:home"), reverse("disclosure:guide"), reverse("applications:apply"),
                column["published"].get_absolute_url()):
        page = _page(client, url)
        assert {(a["type"], a["href"]) for a in page.alternates} >= {
            ("application/rss+xml", reverse("disclosure:feed_rss")),
            ("application/atom+xml", reverse("disclosure:feed_atom")),
        }, url
        assert all(a.get("title") for a in page.alternates)
        assert reverse("api:docs") in page.links("开放数据接口"), url


def test_home_and_catalogue_show_subscription_links_that_work(client, column):
    for url in (reverse("disclosure:home"), reverse("disclosure:catalogue")):
        page = _page(client, url)
        assert reverse("disclosure:feed_rss") in page.links("RSS"), url
        assert reverse("disclosure:feed_atom") in page.links("Atom"), url
        assert any(text.startswith("订阅") for _tag, _lang, text in page.texts)
    for name, kind in (("disclosure:feed_rss", "application/rss+xml"), ("disclosure:feed_atom", "application/atom+xml")):
        response = client.get(reverse(name))
        assert response.status_code == 200 and response["Content-Type"].startswith(kind)
        assert "已公开秘通知" in response.content.decode()


def test_a_category_page_announces_and_links_that_categorys_feeds(client, column):
    page = _page(client, reverse("disclosure:catalogue"), category="m5-2")
    rss, atom = reverse("disclosure:category_feed_rss", args=["m5-2"]), reverse("disclosure:category_feed_atom",
                                                                                    args=["m5-2"])
    announced = {a["href"]: a for a in page.alternates}
    assert announced[rss]["type"] == "application/rss+xml" and "需要社会公众广泛知晓" in announced[rss]["title"]
    assert announced[atom]["type"] == "application/atom+xml"
    assert rss in page.links("RSS") and atom in page.links("Atom")
    assert "已公开秘通知" in client.get(rss).content.decode()
    plain = _page(client, reverse("disclosure:catalogue"))
    assert rss not in {a["href"] for a in plain.alternates}


def test_record_page_links_its_json_in_the_api(client, column):
    for record in (column["published"], column["on_request"]):
        page = _page(client, record.get_absolute_url())
        [url] = page.links("数据接口（JSON）")
        assert url == reverse("api:record-detail", args=[record.pk])
        data = client.get(url).json()
        assert data["id"] == record.pk and data["title"] == record.title


def test_revoked_record_page_does_not_link_the_api(client, world, column):
    record = services.record_revoke(record=column["published"], actor=world.disclosure, reason="重复发布")
    assert _page(client, record.get_absolute_url()).links("数据接口") == []
    assert client.get(reverse("api:record-detail", args=[record.pk])).status_code == 404


# --- WCAG 3.1.2: Chinese data keeps its language in the English interface ----------------------


def test_in_english_chinese_titles_names_and_bodies_are_marked_zh_hans(client, world, column, subcategories):
    record = column["published"]
    client.cookies["django_language"] = "en"
    # Titles and bodies wherever they appear; names (proper names, WCAG 3.1.2's exception when
    # inside an English sentence) wherever they stand on their own.
    contained = [record.title, "公开正文秘", "子分类文件"]
    names = ["政策法规处", "需要社会公众广泛知晓或者参与的信息", "测试省工业和信息化厅", "公开附件.pdf"]
    pages = {
        "home": reverse("disclosure:home"),
        "catalogue": reverse("disclosure:catalogue"),
        "statutory": reverse("disclosure:statutory"),
        "search": reverse("disclosure:search") + "?q=秘",
        "record": record.get_absolute_url(),
        "print": reverse("disclosure:record_print", args=[record.pk]),
    }
    unmarked = []
    for name, url in pages.items():
        response = client.get(url)
        assert '<html lang="en"' in response.text, name
        for tag, lang, text in _Page(response.text).texts:
            chinese = any(d in text for d in contained) or text.lstrip("— ") in names
            if tag != "title" and chinese and not (lang or "").lower().startswith("zh"):
                unmarked.append(f"{name}: <{tag} lang={lang}> {text[:40]}")
    assert not unmarked, "\n".join(unmarked)


def test_a_record_page_costs_the_same_queries_with_more_attachments_and_versions(client, world, settings, tmp_path):
    """The record page of a record with one attachment and two versions, and of one with five
    attachments and five versions, take the same number of queries; so does the print view."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    # As in production: the content version is read once a second, so the filters' offices and
    # categories, kept per version, are not read again for each page (selectors.filter_choices).
    settings.PUBLIC_CONTENT_VERSION_SECONDS = 1
    settings.MEDIA_ROOT = tmp_path

    def chain(title: str, attachments: int, versions: int):
        record = new_draft(world, title=title)
        for i in range(attachments):
            services.attachment_add(record=record, actor=world.drafter_a,
                                    upload=SimpleUploadedFile(f"附件{i}.pdf", b"%PDF-1.4 x"))
        record = drive(world, record, S.REGISTERED)
        first = record
        for _ in range(versions - 1):
            record = drive(world, services.record_amend(record=record, actor=world.drafter_a), S.REGISTERED)
        return first, record

    def queries(record, view="disclosure:record") -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(view, args=[record.pk])).status_code == 200
        return len(captured)

    small_first, small_last = chain("小文件", attachments=1, versions=2)
    big_first, big_last = chain("大文件", attachments=5, versions=5)
    assert "附件4.pdf" in client.get(reverse("disclosure:record", args=[big_last.pk])).text
    assert "本信息已变更" in client.get(reverse("disclosure:record", args=[big_first.pk])).text
    for view in ("disclosure:record", "disclosure:record_print"):
        assert queries(small_first, view) == queries(big_first, view)  # old versions: banner and link
        assert queries(small_last, view) == queries(big_last, view)  # current versions: attachments
    assert queries(big_last) <= 6

"""The public lists at any depth (issue #22): the catalogue and the fixed columns open their first
pages by number and deeper ones by position, so every entry stays reachable by 下一页 / 上一页 /
尾页, and the total is counted once per content version, not on every render."""

from __future__ import annotations

import html
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure.models import CatalogueCategory
from disclosure.selectors import catalogue_listed
from portal import pagination
from tests.conftest import S, drive, new_draft, rows_for_the_module


@pytest.fixture(scope="module")
def deep_module_rows(django_db_setup, django_db_blocker):
    """130 generated entries, once for the module's tests, which read them (issue #17)."""
    with rows_for_the_module(django_db_blocker) as unblocked:
        with unblocked():
            call_command("generate_records", records=130, batch=500, stdout=StringIO(), stderr=StringIO())
        yield


@pytest.fixture
def deep(world, settings, monkeypatch, deep_module_rows):
    """130 listed entries (7 pages), of which only the first 2 open by number; no page cache."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(pagination, "NUMBERED_PAGES", 2)
    return list(catalogue_listed().order_by("-published_at", "-pk").values_list("record_id", flat=True))


def _shown(text: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'class="entry-title">\s*<a href="/records/(\d+)/"', text)]


def _link(text: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]*)" rel="{rel}">', text)
    return html.unescape(found.group(1)) if found else None


def _walk(client, path: str, url: str, rel: str) -> tuple[list[int], list[str]]:
    shown, headings = [], []
    while url is not None:
        response = client.get(path + url)
        assert response.status_code == 200, url
        text = response.text
        shown += _shown(text)
        headings += re.findall(r'pagination-current"><span aria-current="page">([^<]*)<', text)
        url = _link(text, rel)
    return shown, headings


def test_every_entry_is_reached_once_forwards_from_the_first_page_and_backwards_from_the_last(client, deep):
    path = reverse("disclosure:catalogue")
    forwards, headings = _walk(client, path, "?q=1", "next")
    assert forwards == deep
    assert headings == [f"第 {n} 页，共 7 页" for n in range(1, 8)]
    backwards, headings = _walk(client, path, "?page=last", "prev")
    last_page = len(deep) % 20
    assert backwards[:last_page] == deep[-last_page:]  # the oldest page holds the remainder
    assert sorted(backwards) == sorted(deep) and len(backwards) == len(deep)
    assert headings == [f"第 {n} 页，共 7 页" for n in range(7, 0, -1)]


def test_the_deep_pages_of_a_filter_keep_the_filter(client, world, deep):
    category = CatalogueCategory.objects.get(code="m5-2")
    listed = [pk for pk in deep if catalogue_listed().filter(record_id=pk, category=category).exists()]
    shown, _headings = _walk(client, reverse("disclosure:catalogue"), "?category=m5-2", "next")
    assert shown == listed and len(listed) > 0


def test_a_page_number_past_the_numbered_pages_says_how_to_go_on(client, deep):
    response = client.get(reverse("disclosure:catalogue"), {"page": 5})
    assert response.status_code == 404
    text = response.text
    assert "按页码可直接打开前 2 页（共 7 页）" in text and not _shown(text) and "没有符合条件的信息" not in text
    assert _link(text, "prev").endswith("page=2")
    assert re.search(r'href="\?page=last">尾页</a>', text)


@pytest.mark.parametrize("query", ["page=abc", "page=-3", "after=junk", "before=1-2", "after=99999999999999999999-1-1",
                                   "after=--", "page=999999999"])
def test_a_malformed_or_foreign_position_opens_a_page_not_an_error(client, deep, query):
    response = client.get(reverse("disclosure:catalogue") + "?" + query)
    assert response.status_code == 200
    assert _shown(response.text)


def test_the_total_is_counted_once_per_content_version_and_deep_pages_read_no_offset(client, world, deep):
    path = reverse("disclosure:catalogue")
    client.get(path)
    deep_page = _link(client.get(path + "?page=2").text, "next")
    assert "after=" in deep_page
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path + deep_page).status_code == 200
    sql = " ".join(q["sql"].upper() for q in queries)
    assert "COUNT(" not in sql and "OFFSET" not in sql
    drive(world, new_draft(world, title="新发布的通知"), S.PUBLISHED)  # a new content version: counted anew
    assert "共 131 条" in client.get(path).text


@pytest.mark.parametrize(("view", "code"), [("disclosure:rules", "rules"), ("disclosure:annual_reports", "annual-report")])
def test_the_fixed_columns_page_past_the_numbered_pages_by_position(client, world, monkeypatch, view, code):
    monkeypatch.setattr(pagination, "NUMBERED_PAGES", 1)
    category = CatalogueCategory.objects.get(code=code)
    published = [drive(world, new_draft(world, title=f"栏目文件{i:02d}号", category=category), S.PUBLISHED).pk
                 for i in range(45)]
    shown, headings = _walk(client, reverse(view), "", "next")
    assert sorted(shown) == sorted(published) and len(shown) == 45
    assert headings == ["第 1 页，共 3 页", "第 2 页，共 3 页", "第 3 页，共 3 页"]

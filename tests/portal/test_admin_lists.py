"""Back-office lists at any length (issue #22, portal/admin_lists.py): a list counts at most
list_count_cap + 1 rows and says "N+ 条" beyond; a deeper page number opens its last page; a
short list (a search, a filter) reads its rows by id and finds the same rows in the same order as
Django's own query, for every role; a long list sorts only by columns an index serves.

The cap is lowered here (20 or 30 rows, pages of 10) so that a few dozen rows make a long list."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from disclosure import selectors
from disclosure.models import Record
from portal.admin_lists import index_serves

BEIJING = ZoneInfo("Asia/Shanghai")
URL = "/admin/disclosure/record/"
IMPORTANT = 4  # the column 重要信息 of the record list (not indexed)
INDEX_NUMBER = 5  # the column 索引号 (unique: an index serves it)


@pytest.fixture
def capped(monkeypatch):
    """The record list with a cap of `cap` rows and pages of 10."""
    def cap(rows: int):
        model_admin = admin.site._registry[Record]
        monkeypatch.setattr(model_admin, "list_count_cap", rows)
        monkeypatch.setattr(model_admin, "list_per_page", 10)
    return cap


def _records(world, n: int, *, start: int = 0, word: str = "通知", year: int = 2025) -> list[Record]:
    """n drafts, alternately of the two offices, created over the months of `year`, every
    third one marked important."""
    return Record.objects.bulk_create([
        Record(title=f"关于第{i}批项目的{word}", office=world.office_a if i % 2 else world.office_b,
               category=world.category, date_formed=dt.date(year, 1, 1), created_by=world.drafter_a,
               is_important=not i % 3, index_number=f"T-{year}-{word}-{i:05d}",
               created_at=dt.datetime(year, 1 + i % 12, 1 + i % 28, 9, tzinfo=BEIJING))
        for i in range(start, start + n)
    ])


def _shown(client, url: str) -> list[int]:
    """The ids of the rows on every page of the list, in the order shown."""
    ids, page = [], 1
    while True:
        response = client.get(f"{url}&p={page}")
        assert response.status_code == 200
        cl = response.context["cl"]
        ids += [row.pk for row in cl.result_list]
        if cl.page_num >= cl.paginator.num_pages:
            return ids
        page += 1


def test_a_list_longer_than_the_cap_says_n_plus_and_a_deeper_page_opens_its_last_page(client, world, capped):
    capped(30)
    _records(world, 80)
    client.force_login(world.disclosure)
    response = client.get(f"{URL}?q=通知")
    text = response.content.decode()
    assert "30+ 条结果" in text and "30+ 条政府信息。只列出前 30 条" in text
    deep = client.get(f"{URL}?q=通知&p=999999")
    assert deep.status_code == 200
    assert deep.context["cl"].page_num == 3  # 30 rows, 10 a page
    assert '<span class="this-page">3</span>' in deep.content.decode()
    expected = list(Record.objects.filter(title__contains="通知").order_by("-published_at", "-id")
                    .values_list("pk", flat=True)[20:30])
    assert [row.pk for row in deep.context["cl"].result_list] == expected


def test_a_list_within_the_cap_counts_its_rows_exactly(client, world, capped):
    capped(30)
    _records(world, 12)
    client.force_login(world.disclosure)
    text = client.get(f"{URL}?q=通知").content.decode()
    assert "12 条结果" in text and "只列出前" not in text


@pytest.mark.parametrize("who", ["admin", "disclosure", "drafter_a"])
def test_a_short_searched_list_shows_each_role_the_rows_django_would_in_the_same_order(client, world, capped, who):
    capped(1000)
    _records(world, 40)
    _records(world, 15, start=100, word="公告")
    user = getattr(world, who)
    client.force_login(user)
    words = Q(title__icontains="通知") | Q(document_number__icontains="通知") | Q(index_number__icontains="通知")
    expected = list(selectors.records_for_staff(user).filter(words).order_by("-published_at", "-id")
                    .values_list("pk", flat=True))
    assert expected  # each role sees some of them
    assert _shown(client, f"{URL}?q=通知") == expected
    for row in Record.objects.filter(title__contains="公告"):
        assert row.pk not in expected


def test_the_date_drill_down_of_a_short_list_offers_the_years_and_months_of_its_rows(client, world, capped):
    capped(1000)
    _records(world, 6, year=2024)
    _records(world, 6, start=50, year=2025)
    _records(world, 6, start=200, word="公告", year=2023)
    client.force_login(world.disclosure)
    assert _drill_down(client.get(f"{URL}?q=通知")) == ["2024", "2025"]
    months = _drill_down(client.get(f"{URL}?q=通知&created_at__year=2025"))
    django_months = Record.objects.filter(title__contains="通知", created_at__year=2025).datetimes(
        "created_at", "month")
    assert months == [f"2025年{moment.month}月" for moment in django_months]


def _drill_down(response) -> list[str]:
    from django.contrib.admin.templatetags.admin_list import date_hierarchy

    return [choice["title"] for choice in date_hierarchy(response.context["cl"])["choices"]]


def test_a_long_list_sorts_only_by_a_column_an_index_serves_and_a_short_one_by_any(client, world, capped):
    capped(20)
    _records(world, 30)
    _records(world, 5, start=100, word="公告")
    client.force_login(world.disclosure)
    long = client.get(f"{URL}?o={IMPORTANT}").context["cl"]
    assert "is_important" not in long.sortable_by and "index_number" in long.sortable_by
    assert list(long.queryset.query.order_by) == ["-published_at", "-id"]  # the list's own order
    by_index = client.get(f"{URL}?o=-{INDEX_NUMBER}").context["cl"]
    assert [r.index_number for r in by_index.result_list] == list(
        Record.objects.order_by("-index_number").values_list("index_number", flat=True)[:10])
    short = client.get(f"{URL}?q=公告&o={IMPORTANT}").context["cl"]
    assert "is_important" in short.sortable_by
    assert [r.is_important for r in short.result_list] == sorted(r.is_important for r in short.result_list)
    assert index_serves(Record, "index_number") and index_serves(Record, "-published_at")
    assert not index_serves(Record, "is_important") and not index_serves(Record, "office")


def _count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


LONG_URLS = [f"{URL}?q=通知", f"{URL}?q=通知&p=999999", f"{URL}?o={IMPORTANT}", f"{URL}?p=3",
             f"{URL}?created_at__year=2025",
             f"{URL}?state__exact=draft&o=-{INDEX_NUMBER}"]


@pytest.mark.parametrize("who", ["disclosure", "drafter_a"])
def test_long_and_short_lists_cost_the_same_queries_at_a_few_and_at_a_few_hundred_rows(client, world, capped, who):
    """Past the cap (20 rows here) a searched, sorted, deep or date-narrowed list costs as many
    queries at 50 rows as at 350; within it, as many at 4 as at 18."""
    capped(20)
    client.force_login(getattr(world, who))
    _records(world, 4)
    short_few = {url: _count(client, url) for url in LONG_URLS}
    _records(world, 14, start=10)
    short_many = {url: _count(client, url) for url in LONG_URLS}
    assert short_few == short_many
    _records(world, 32, start=30)
    long_few = {url: _count(client, url) for url in LONG_URLS}
    _records(world, 300, start=100)
    long_many = {url: _count(client, url) for url in LONG_URLS}
    assert long_few == long_many


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("table", ["disclosure_record", "disclosure_catalogueentry", "applications_disclosureapplication"])
def test_on_postgresql_the_long_lists_searched_columns_have_statistics_on_what_the_search_compares(table):
    """The admin compares UPPER(column) with the word: without statistics on that expression the
    planner guessed a common word rare and sorted every match (migrations disclosure 0025,
    applications 0012). A column added to a long list's search fields needs them too."""
    model = next(m for m in admin.site._registry if m._meta.db_table == table)
    searched = [name for name in admin.site._registry[model].search_fields if "__" not in name.lstrip("^=@")]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_statisticsobjdef_expressions(s.oid) FROM pg_statistic_ext s "
                       "WHERE s.stxrelid = %s::regclass", [table])
        expressions = {expression for (row,) in cursor.fetchall() for expression in row or []}
    assert searched
    assert {f"upper(({name})::text)" for name in searched} <= expressions

"""Demand for information (issue #18): topics of applications, consultations and empty searches
(R.44 candidates), the search-miss log, and the hints shown while applying."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from disclosure import demand_selectors, demand_services
from disclosure.demand_models import HintCounter, SearchMiss
from disclosure.models import CatalogueEntry
from tests.conftest import S, drive, load_world, new_draft, rows_for_the_module
from tests.factories import ApplicationFactory, ConsultationFactory

PERIOD = {"start": dt.date(2026, 9, 1), "end": dt.date(2026, 9, 30)}
PLATFORM_TITLES = [
    "2025年度省级工业互联网平台名单", "关于公布省级工业互联网平台的通告", "工业互联网平台建设专项资金安排",
    "工业互联网平台培育工作方案", "省级工业互联网平台评价办法", "工业互联网平台典型案例汇编",
    "工业互联网平台应用推广计划",
]


@pytest.fixture(scope="module")
def module_records(django_db_setup, django_db_blocker):
    """Seven published records about industrial internet platforms, and one each drafted,
    withheld and revoked with the same words (built once for the module's tests)."""
    with rows_for_the_module(django_db_blocker) as unblocked:
        with unblocked():
            world = load_world()
            published = [drive(world, new_draft(world, title=title), S.PUBLISHED).pk for title in PLATFORM_TITLES]
            hidden = {
                "draft": new_draft(world, title="工业互联网平台名单（草稿）").pk,
                "withheld": drive(world, new_draft(world, title="工业互联网平台名单（不予公开）"), S.WITHHELD).pk,
                "revoked": drive(world, new_draft(world, title="工业互联网平台名单（已撤销）"), S.REVOKED).pk,
            }
        yield {"published": published, "hidden": hidden}


@pytest.fixture
def records(world, module_records):
    return module_records


def apply_for(index_number="", title="2025年度省级工业互联网平台名单", description="", on=dt.date(2026, 9, 21)):
    return ApplicationFactory(index_number=index_number, information_title=title,
                              description=description or f"请提供{title}。", received_on=on)


def topics(**kwargs):
    return demand_selectors.demand_topics(**{**PERIOD, **kwargs}).topics


# --- Topics ------------------------------------------------------------------------------------


def test_applications_prefilled_from_one_catalogue_entry_are_one_flagged_topic_r44(records):
    entry = CatalogueEntry.objects.get(record_id=records["published"][0])
    for description in ("想了解名单里有哪些企业", "请提供认定结果", "需要完整的公布文件"):
        apply_for(index_number=entry.index_number, title=entry.title, description=description)
    found = topics()
    assert len(found) == 1
    assert found[0].entry == entry and found[0].applications == 3 and found[0].flagged


def test_near_identical_requests_are_one_topic_and_a_different_one_is_not_grouped(world):
    apply_for(title="2026年节能监察计划", description="请提供2026年度全省工业节能监察工作计划全文。")
    apply_for(title="节能监察计划", description="申请公开2026年度全省工业节能监察工作计划。")
    apply_for(title="厅机关公务接待费", description="请提供厅机关2025年公务接待费用明细。")
    found = topics()
    assert [(t.applications, t.flagged) for t in found] == [(2, False)]
    assert demand_selectors.demand_topics(**PERIOD).single == 1


def test_a_consultation_on_the_same_information_joins_the_topic(world):
    apply_for(title="2026年节能监察计划", description="请提供2026年度全省工业节能监察工作计划全文。")
    apply_for(title="节能监察计划", description="申请公开2026年度全省工业节能监察工作计划。")
    ConsultationFactory(subject="节能监察计划", question="2026年度全省工业节能监察工作计划在哪里可以看到？")
    today = timezone.localdate()
    found = demand_selectors.demand_topics(start=dt.date(2026, 9, 1), end=today).topics
    assert [(t.applications, t.consultations, t.flagged) for t in found] == [(2, 1, True)]


@override_settings(DEMAND_TOPIC_THRESHOLD=4)
def test_the_threshold_of_asks_is_a_setting(records):
    entry = CatalogueEntry.objects.get(record_id=records["published"][0])
    for _ in range(3):
        apply_for(index_number=entry.index_number, title=entry.title)
    assert [t.flagged for t in topics()] == [False]
    apply_for(index_number=entry.index_number, title=entry.title)
    assert [t.flagged for t in topics()] == [True]


def test_only_requests_received_in_the_period_count(world):
    for on in (dt.date(2026, 8, 31), dt.date(2026, 9, 1), dt.date(2026, 9, 30), dt.date(2026, 10, 1)):
        apply_for(title="2026年节能监察计划", description="请提供2026年度全省工业节能监察工作计划全文。", on=on)
    assert [t.applications for t in topics()] == [2]
    assert topics(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)) == []


def test_empty_searches_join_the_topic_they_ask_for_and_the_others_are_listed_by_query(world):
    apply_for(title="2026年节能监察计划", description="请提供2026年度全省工业节能监察工作计划全文。")
    apply_for(title="节能监察计划", description="申请公开2026年度全省工业节能监察工作计划。")
    day = dt.date(2026, 9, 10)
    demand_services.search_miss_log(query="节能监察计划", day=day)
    demand_services.search_miss_log(query="节能监察计划", day=day)
    demand_services.search_miss_log(query="无人机航拍许可", day=day)
    data = demand_selectors.demand_topics(**PERIOD)
    assert [(t.applications, t.searched) for t in data.topics] == [(2, 2)]
    assert data.misses == [("无人机航拍许可", 1)]


# --- The page: who sees it, and bad input ------------------------------------------------------


def test_the_disclosure_office_sees_the_topics_and_the_cases_behind_them(client, records):
    entry = CatalogueEntry.objects.get(record_id=records["published"][0])
    applications = [apply_for(index_number=entry.index_number, title=entry.title) for _ in range(3)]
    client.force_login(load_world().disclosure)
    response = client.get(reverse("admin:disclosure_demandtopic_changelist"), {"start": "2026-09-01",
                                                                              "end": "2026-09-30"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "建议纳入主动公开" in page and entry.title in page
    for application in applications:
        assert reverse("admin:applications_disclosureapplication_change", args=[application.pk]) in page
        assert application.applicant_name not in page  # no identity on this page
    # The period's inputs carry ISO dates (zh-hans date widgets came up blank otherwise).
    assert 'value="2026-09-01"' in page and 'type="date"' in page


@pytest.mark.parametrize("who", ["drafter_a", "head_a", "drafter_b", "head_b", "leader_a", "leader_b", "publisher",
                                 "registrar", "supervisor", "nobody"])
def test_every_other_role_is_refused_the_demand_page(client, world, who):
    client.force_login(world.users_by_role()[who])
    response = client.get(reverse("admin:disclosure_demandtopic_changelist"))
    assert response.status_code in (302, 403)
    assert "需求主题" not in response.content.decode()


def test_who_may_see_the_demand_page_is_one_selector_beside_the_other_role_checks(world):
    """The admin asks disclosure.selectors.may_see_demand: the disclosure office (R.44, M.3) and
    IT superusers, active staff only; nobody anonymous."""
    from django.contrib.auth.models import AnonymousUser

    from disclosure.selectors import may_see_demand

    allowed = {who for who, user in world.users_by_role().items() if may_see_demand(user)}
    assert allowed == {"disclosure", "admin"}
    assert not may_see_demand(AnonymousUser())
    world.disclosure.is_active = False
    assert not may_see_demand(world.disclosure)


def test_a_superuser_sees_the_demand_page(client, world):
    client.force_login(world.admin)
    assert client.get(reverse("admin:disclosure_demandtopic_changelist")).status_code == 200


@pytest.mark.parametrize("query", [{"start": "abc"}, {"start": "2026-13-45", "end": "x"},
                                   {"start": "2026-10-01", "end": "2026-09-01"}, {"start": "1990-01-01"}])
def test_bad_periods_are_refused_with_a_message_never_a_500(client, world, query):
    client.force_login(world.disclosure)
    response = client.get(reverse("admin:disclosure_demandtopic_changelist"), query)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode() or "errornote" in response.content.decode()


# --- The search-miss log ----------------------------------------------------------------------


def test_a_search_that_finds_nothing_stores_only_its_query_text(client, world):
    response = client.get(reverse("disclosure:search"), {"q": "  无人机　航拍  许可证 "},
                          REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Mozilla/5.0 test")
    assert response.status_code == 200
    miss = SearchMiss.objects.get()
    assert (miss.query, miss.count) == ("无人机 航拍 许可证", 1)
    stored = {f.attname: getattr(miss, f.attname) for f in SearchMiss._meta.concrete_fields}
    assert set(stored) == {"id", "query", "day", "count"}
    assert "203.0.113" not in str(stored) and "Mozilla" not in str(stored)


def test_a_search_that_finds_something_is_not_logged(client, records):
    assert client.get(reverse("disclosure:search"), {"q": "工业互联网"}).status_code == 200
    assert not SearchMiss.objects.exists()


def test_the_search_miss_log_is_rate_limited_per_client(client, world):
    for n in range(25):
        client.get(reverse("disclosure:search"), {"q": f"不存在的信息{n}"}, REMOTE_ADDR="203.0.113.9")
    assert SearchMiss.objects.count() == 20
    client.get(reverse("disclosure:search"), {"q": "另一个访问者的检索"}, REMOTE_ADDR="198.51.100.7")
    assert SearchMiss.objects.filter(query="另一个访问者的检索").exists()


def test_a_search_of_punctuation_only_is_not_logged(client, world):
    assert client.get(reverse("disclosure:search"), {"q": "！！？"}).status_code == 200
    assert not SearchMiss.objects.exists()


def test_a_very_long_search_is_truncated_never_a_500(client, world):
    response = client.get(reverse("disclosure:search"), {"q": "查" * 10_000})
    assert response.status_code == 200
    assert len(SearchMiss.objects.get().query) <= 100


# --- Hints while applying ---------------------------------------------------------------------


def test_hints_are_at_most_five_published_entries_and_never_unpublished_ones(client, records):
    response = client.get(reverse("applications:apply_hints"), {"q": "请提供工业互联网平台名单"})
    assert response.status_code == 200
    hints = response.json()["hints"]
    assert 1 <= len(hints) <= 5
    titles = {h["title"] for h in hints}
    assert titles <= set(PLATFORM_TITLES)
    assert not any("草稿" in t or "不予公开" in t or "已撤销" in t for t in titles)
    # Each links through the counter to the record's public page.
    follow = client.get(hints[0]["url"])
    assert follow.status_code == 302 and follow["Location"].startswith("/records/")


def test_hints_for_an_unknown_request_are_empty(client, records):
    response = client.get(reverse("applications:apply_hints"), {"q": "请提供某县2019年防汛物资采购合同"})
    assert response.json() == {"hints": []}


@pytest.mark.parametrize("query", [{"q": "工" * 10_000}, {"q": "", "title": ""}, {}, {"q": "'\"<script>*) OR ("},
                                   {"q": "\x01\x7f工业互联网", "title": "平台" * 500}])
def test_hints_never_fail_on_bad_input(client, records, query):
    response = client.get(reverse("applications:apply_hints"), query)
    assert response.status_code == 200
    assert len(response.json()["hints"]) <= 5


def test_a_hint_leading_to_an_unpublished_record_is_not_found(client, records):
    assert client.get(reverse("applications:apply_hint_follow", args=[999_999])).status_code == 404


def test_shown_hints_are_counted_once_per_page(client, records):
    client.get(reverse("applications:apply_hints"), {"q": "工业互联网平台名单"})
    client.get(reverse("applications:apply_hints"), {"q": "工业互联网平台名单和资金", "seen": "1"})
    assert HintCounter.objects.get().shown == 1

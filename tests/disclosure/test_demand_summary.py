"""The demand page from stored figures (issue #22): clustering a year of applications and
consultations is done once per change of its data — by the task worker when a request is received,
or by the disclosure office's “重新统计” button — and the page reads the result in a fixed number
of queries, saying when it was computed and whether the data changed since (R.44)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import ApplicantType, DisclosureApplication
from disclosure import demand_selectors, demand_services
from disclosure.demand_models import DemandSummary, DemandSummaryTopic
from disclosure.demand_selectors import CASES_SHOWN, _Topics, jaccard, pairs_of
from disclosure.models import CatalogueEntry
from portal.errors import ActionRefused
from tests.conftest import S, drive, new_draft
from tests.factories import ApplicationFactory, ConsultationFactory

PAGE = "admin:disclosure_demandtopic_changelist"
ENERGY = ("2026年节能监察计划", "请提供2026年度全省工业节能监察工作计划全文。")


def received(days_ago: int = 10) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days_ago)


def apply_for(title=ENERGY[0], description=ENERGY[1], *, on=None, **fields):
    return ApplicationFactory(information_title=title, description=description, received_on=on or received(),
                              **fields)


def period() -> dict:
    start, end = demand_services.demand_period()
    return {"start": start, "end": end}


def bulk_applications(n: int, *, title: str = "工业企业技术改造项目名单", description: str = "", start: int = 0) -> None:
    """N applications received in the period, written as a data import would (no task runs)."""
    zone = timezone.get_default_timezone()
    DisclosureApplication.objects.bulk_create([
        DisclosureApplication(
            tracking_code=f"DS{start + i:08d}", secret_digest="x", applicant_type=ApplicantType.NATURAL_PERSON,
            applicant_name="申请人", identity_document="other", identity_number=f"D{start + i:09d}",
            phone="13900000000", information_title=f"{title}{i % 7}", description=description or f"请提供{title}",
            received_on=received(1 + i % 200),
            submitted_at=dt.datetime.combine(received(1 + i % 200), dt.time(9), tzinfo=zone))
        for i in range(n)])


@pytest.fixture
def entry(world):
    record = drive(world, new_draft(world, title="关于公布2025年度省级工业互联网平台名单的通告"), S.PUBLISHED)
    return CatalogueEntry.objects.get(record=record)


@pytest.fixture
def demand(world, entry):
    """A topic from a catalogue entry (three applications), one by likeness (two applications and
    a consultation), a request like no other, and empty searches: one joins a topic, one does not."""
    for description in ("请提供名单全文", "申请获取认定名单", "需要名单中的企业名称"):
        apply_for(entry.title, description, index_number=entry.index_number)
    apply_for()
    apply_for("节能监察计划", "申请公开2026年度全省工业节能监察工作计划。")
    ConsultationFactory(subject="节能监察计划", question="2026年度全省工业节能监察工作计划在哪里可以看到？")
    apply_for("厅机关公务接待费", "请提供厅机关2025年公务接待费用明细。")
    for query in ("节能监察计划", "节能监察计划", "无人机航拍许可"):
        demand_services.search_miss_log(query=query, day=received(3))


def shown(topic) -> tuple:
    """What the page shows of a topic, computed or stored."""
    requests = topic.cases.order_by("position") if isinstance(topic, DemandSummaryTopic) else topic.requests
    return (topic.name, topic.entry, topic.applications, topic.consultations, topic.asked, topic.searched,
            topic.flagged, [tuple(s) for s in topic.searches], [(r.kind, r.code, r.title, r.on, r.url) for r in requests])


# --- Stored = computed -------------------------------------------------------------------------


def test_the_stored_figures_are_the_figures_computed_from_the_same_data_r44(demand, entry):
    computed = demand_selectors.demand_topics(**period())
    summary = demand_services.demand_summary_store(**period())
    stored = list(summary.topics.order_by("rank"))
    assert [shown(t) for t in stored] == [shown(t) for t in computed.topics]
    assert [(t.applications, t.consultations, t.searched) for t in stored] == [(2, 1, 2), (3, 0, 0)]
    assert stored[1].flagged and stored[1].entry.pk == entry.pk
    assert (summary.single, summary.misses, summary.threshold) == (computed.single, [["无人机航拍许可", 1]],
                                                                   computed.threshold)
    assert summary.inputs == demand_selectors.demand_fingerprint(**period())


def test_the_index_of_pairs_chooses_the_same_topic_as_comparing_with_every_topic():
    """Topics are compared only with those sharing a pair (demand_selectors._Topics): the same
    choice, ties to the first opened, as the scan of all topics it replaces."""
    from disclosure.demand_selectors import Topic, containment

    texts = ["2026年节能监察计划", "节能监察工作计划", "公务接待费明细", "2025年公务接待费", "工业互联网平台名单",
             "省级工业互联网平台", "监察计划", "无关的内容", "平台名单", "接待费"]
    topics = _Topics()
    for text in texts[:6]:
        topics.add(Topic(name=text, seed=pairs_of(text)))
    for text in [*texts, "", "完全不同的话题", "计划"]:
        pairs = pairs_of(text)
        for score in (jaccard, containment):
            assert topics.closest(pairs, score) is topics.closest(pairs, score, everywhere=True), (text, score)
    assert _Topics().closest(pairs_of("计划"), jaccard) is None


# --- Fresh after a new request -----------------------------------------------------------------


def test_a_new_application_brings_the_stored_figures_up_to_date_once_it_is_committed(
        demand, django_capture_on_commit_callbacks):
    demand_services.demand_summary_store(**period())
    with django_capture_on_commit_callbacks(execute=True):
        apply_for("节能监察工作计划", "请提供全省工业节能监察工作计划。")
    summary = demand_selectors.demand_summary_for(**period())
    assert summary.inputs == demand_selectors.demand_fingerprint(**period())
    assert [(t.applications, t.consultations) for t in summary.topics.order_by("rank")] == [(3, 1), (3, 0)]
    assert [shown(t) for t in summary.topics.order_by("rank")] == [
        shown(t) for t in demand_selectors.demand_topics(**period()).topics]


def test_a_new_consultation_brings_them_up_to_date_too(demand, django_capture_on_commit_callbacks):
    demand_services.demand_summary_store(**period())
    with django_capture_on_commit_callbacks(execute=True):
        ConsultationFactory(subject="节能监察计划", question="2026年度全省工业节能监察工作计划什么时候公布？")
    topics = list(demand_selectors.demand_summary_for(**period()).topics.order_by("rank"))
    assert [(t.applications, t.consultations) for t in topics] == [(2, 2), (3, 0)]


def test_the_task_computes_nothing_when_the_data_has_not_changed(demand):
    first = demand_services.demand_summary_store(**period())
    assert demand_services.demand_summary_refresh() is None
    assert DemandSummary.objects.get().pk == first.pk


@override_settings(DEMAND_TOPIC_THRESHOLD=5)
def test_figures_stored_with_another_threshold_are_computed_again(demand, client, world):
    with override_settings(DEMAND_TOPIC_THRESHOLD=3):
        demand_services.demand_summary_store(**period())
    client.force_login(world.disclosure)
    page = client.get(reverse(PAGE)).content.decode()
    assert "建议纳入主动公开</strong>" not in page
    assert DemandSummary.objects.get().threshold == 5


# --- The page ----------------------------------------------------------------------------------


def test_the_page_says_when_the_figures_were_computed_and_that_they_are_current(client, world, demand):
    client.force_login(world.disclosure)
    page = client.get(reverse(PAGE)).content.decode()
    summary = DemandSummary.objects.get()
    assert timezone.localtime(summary.computed_at).strftime("统计于 %Y-%m-%d %H:%M") in page
    assert "本页数字是最新的" in page and "尚未包括" not in page


def test_the_page_says_the_figures_are_out_of_date_and_the_office_computes_them_again(client, world, demand):
    client.force_login(world.disclosure)
    client.get(reverse(PAGE))
    bulk_applications(2, title=ENERGY[0], description=ENERGY[1])  # an import: no task ran
    demand_services.search_miss_log(query="不存在的文件", day=received(1))
    page = client.get(reverse(PAGE)).content.decode()
    assert "此后又收到 2 件申请或咨询、1 次无结果的检索，本页数字尚未包括。" in page
    assert "本页数字是最新的" not in page
    start, end = demand_services.demand_period()
    response = client.post(reverse("admin:disclosure_demandtopic_refresh"),
                           {"start": start.isoformat(), "end": end.isoformat()}, follow=True)
    page = response.content.decode()
    assert "已按当前数据重新统计" in page and "本页数字是最新的" in page
    assert [t.asked for t in DemandSummary.objects.get().topics.order_by("rank")] == [5, 3]


def test_refreshing_is_a_post(client, world, demand):
    client.force_login(world.disclosure)
    assert client.get(reverse("admin:disclosure_demandtopic_refresh")).status_code == 405


def test_a_big_topic_lists_its_first_cases_and_links_to_all_of_them_a_page_at_a_time(client, world):
    bulk_applications(CASES_SHOWN + 130, title="工业企业技术改造项目名单")
    client.force_login(world.disclosure)
    page = client.get(reverse(PAGE)).content.decode()
    topic = DemandSummaryTopic.objects.get()
    assert topic.asked == CASES_SHOWN + 130
    assert len(re.findall(r"disclosureapplication/\d+/change/", page)) == CASES_SHOWN
    link = reverse("admin:disclosure_demandtopic_topic", args=[topic.pk])
    assert f"查看全部 {CASES_SHOWN + 130} 件申请和咨询" in page and link in page
    first = client.get(link).content.decode()
    second = client.get(link, {"page": 2}).content.decode()
    codes = set(topic.cases.values_list("code", flat=True))
    assert {code for code in codes if code in first} | {code for code in codes if code in second} == codes
    assert "第 1 页，共 2 页" in first and "申请人" not in first


def test_a_topics_own_page_lists_its_empty_searches_after_its_cases(client, world, demand):
    topic = DemandSummaryTopic.objects.filter(summary=demand_services.demand_summary_store(**period()),
                                              searched__gt=0).get()
    client.force_login(world.disclosure)
    page = client.get(reverse("admin:disclosure_demandtopic_topic", args=[topic.pk])).content.decode()
    assert "检索“节能监察计划”无结果 2 次" in page
    assert page.index("检索“节能监察计划”") > max(page.index(code) for code in topic.cases.values_list("code", flat=True))


def test_a_topic_link_from_figures_computed_again_since_leads_back_to_the_page(client, world, demand):
    client.force_login(world.disclosure)
    client.get(reverse(PAGE))
    gone = DemandSummaryTopic.objects.first().pk
    demand_services.demand_summary_store(**period())
    response = client.get(reverse("admin:disclosure_demandtopic_topic", args=[gone]))
    assert response.status_code == 302 and response["Location"] == reverse(PAGE)


def test_the_page_costs_the_same_queries_at_a_few_and_at_a_few_hundred_applications(client, world, demand):
    client.force_login(world.disclosure)

    def count() -> int:
        client.get(reverse(PAGE))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(PAGE)).status_code == 200
        return len(queries)

    few = count()
    bulk_applications(300, title="工业企业技术改造项目名单")
    bulk_applications(300, title="全省政务服务事项目录", start=300)
    demand_services.demand_summary_store(**period())
    assert DemandSummaryTopic.objects.filter(applications__gte=300).count() == 2
    assert count() == few <= 20


# --- Who may --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["drafter_a", "head_a", "drafter_b", "head_b", "leader_a", "leader_b", "publisher",
                                 "registrar", "supervisor", "nobody"])
def test_every_other_role_is_refused_the_refresh_and_a_topics_cases(client, world, demand, who):
    topic = DemandSummaryTopic.objects.filter(summary=demand_services.demand_summary_store(**period())).first()
    client.force_login(world.users_by_role()[who])
    refresh = client.post(reverse("admin:disclosure_demandtopic_refresh"))
    cases = client.get(reverse("admin:disclosure_demandtopic_topic", args=[topic.pk]))
    assert refresh.status_code in (302, 403) and cases.status_code in (302, 403)
    assert topic.cases.first().code not in cases.content.decode()
    assert DemandSummary.objects.get().computed_at == topic.summary.computed_at


@pytest.mark.parametrize("who", ["drafter_a", "head_b", "leader_a", "publisher", "registrar", "supervisor", "nobody"])
def test_the_recount_service_itself_refuses_every_role_but_the_disclosure_office(world, demand, who):
    first = demand_services.demand_summary_store(**period())
    with pytest.raises(ActionRefused):
        demand_services.demand_recount(actor=world.users_by_role()[who], **period())
    assert DemandSummary.objects.get().computed_at == first.computed_at
    again = demand_services.demand_recount(actor=world.disclosure, **period())
    assert again.computed_at > first.computed_at


def test_anonymous_visitors_are_sent_to_the_login_page(client, demand):
    topic = DemandSummaryTopic.objects.filter(summary=demand_services.demand_summary_store(**period())).first()
    for response in (client.post(reverse("admin:disclosure_demandtopic_refresh")),
                     client.get(reverse("admin:disclosure_demandtopic_topic", args=[topic.pk])),
                     client.get(reverse(PAGE))):
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_daily_command_computes_the_days_period_once(demand):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("refresh_demand", stdout=out)
    call_command("refresh_demand", stdout=out)
    summary = DemandSummary.objects.get()
    assert (summary.start, summary.end) == demand_services.demand_period() and summary.topic_count == 2
    assert out.getvalue().splitlines()[1] == "demand figures already current"

"""The annual report (R.49, R.50) in the national 2021 format: a fixture year whose every cell is
computed by hand below, the format's consistency checks, publication through the record workflow,
the formats, the staff's drill-down and who may do what."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from applications import services
from applications.annual_report import compute as r
from applications.annual_report import formats as report_formats
from applications.annual_report import services as report_services
from applications.demo import uscc
from applications.models import AnnualReport, ApplicantType, DisclosureApplication, ReportStage
from disclosure import services as record_services
from disclosure.models import Attachment, CatalogueCategory, Channel, DocumentType, Record, RecordState
from portal.admin_site import worklist_for
from portal.errors import ActionRefused, InvalidInput, StateConflict
from portal.models import Role, SiteProfile
from tests.applications.conftest import PERSON, complete_letter, offline, send_reply
from tests.conftest import ALL_CLEAR, S, drive, load_world, make_user, new_draft, rows_for_the_module
from tests.timing import at as travel

User = get_user_model()
YEAR = 2025
T = ApplicantType
NP, COM, RES, PW, LEG, ORG = (T.NATURAL_PERSON, T.COMMERCIAL, T.RESEARCH, T.PUBLIC_WELFARE, T.LEGAL_SERVICE,
                              T.OTHER_ORGANISATION)


def applicant(kind: str, n: int) -> dict:
    if kind == NP:
        return {"applicant_type": NP}
    return {"applicant_type": kind, "applicant_name": f"测试单位{n}", "identity_document": "uscc",
            "identity_number": uscc(n)}


def receive(world, day: str, kind: str, n: int, title: str = ""):
    with travel(day, 9):
        return offline(world, received_on=dt.date.fromisoformat(day), information_title=title or f"申请{n}",
                       **applicant(kind, n))


def reply(world, application, day: str, outcome: str, hour: int = 15, minute: int = 0):
    """The disclosure office drafts (it may, for applications not assigned on) and a colleague
    approves: who drafts a reply does not send it."""
    approver = User.objects.filter(username="gkb2").first() or make_user("gkb2", Role.DISCLOSURE_OFFICE,
                                                                        world.general_office)
    with travel(day, hour, minute):
        application = services.application_draft_reply(application=application, actor=world.disclosure,
                                                        outcome=outcome, letter_html=complete_letter(application, outcome),
                                                        note="依据条例有关规定")
        return send_reply(application, approver)


# Applications received and closed in 2025: number, applicant column, outcome (one of each row).
CLOSED_2025 = [
    (1, NP, "disclosed"),
    (2, COM, "disclosed"),  # with an information processing fee, paid
    (3, PW, "partial"),
    (4, NP, "withheld_state_secret"),
    (5, NP, "withheld_prohibited_by_law"),
    (6, RES, "withheld_security_stability"),
    (7, COM, "withheld_third_party"),
    (8, NP, "withheld_internal_affairs"),
    (9, LEG, "withheld_process_information"),
    (10, LEG, "withheld_enforcement_file"),
    (11, ORG, "withheld_administrative_query"),
    (12, NP, "unavailable_not_held"),
    (13, RES, "unavailable_needs_creation"),
    (14, NP, "unavailable_still_unclear"),
    (15, NP, "not_processed_complaint"),
    (16, NP, "not_processed_repeat"),
    (17, PW, "not_processed_publication"),
    (18, NP, "not_processed_excessive"),
    (19, COM, "not_processed_confirmation"),
    # 20: NP, deemed abandoned after a supplement request (R.30) — other_no_supplement
    # 21: COM, fee notice not paid (R.42) — other_fee_unpaid
    # 22: ORG, withdrawn by the applicant at 23:30 on 31 December — other
]


@pytest.fixture(scope="module")
def fixture_year_module_rows(django_db_setup, django_db_blocker):
    """Built once for the module (five seconds of services a test): the tests only read it, and
    what one of them changes is rolled back with its own transaction."""
    with rows_for_the_module(django_db_blocker) as unblocked:
        with unblocked():
            pks = {key: application.pk for key, application in build_fixture_year(load_world()).items()}
        yield pks


@pytest.fixture
def fixture_year(world, fixture_year_module_rows):
    """The hand-computed year 2025, with 2024 and 2026 around it (read afresh for each test)."""
    applications = DisclosureApplication.objects.in_bulk(list(fixture_year_module_rows.values()))
    return {key: applications[pk] for key, pk in fixture_year_module_rows.items()}


def build_fixture_year(world):
    apps = {}
    # 2024: one closed in 2024 (not in the 2025 report at all), two carried over into 2025.
    apps["A0"] = receive(world, "2024-11-04", NP, 100)
    apps["A0"] = reply(world, apps["A0"], "2024-11-20", "disclosed")
    apps["A1"] = receive(world, "2024-12-16", NP, 101)
    apps["A2"] = receive(world, "2024-12-20", COM, 102)
    apps["A1"] = reply(world, apps["A1"], "2025-01-10", "disclosed")
    apps["A2"] = reply(world, apps["A2"], "2025-01-15", "partial")

    # 2025: every row of table 3 once, spread over the six columns.
    day = dt.date(2025, 2, 3)
    for n, kind, outcome in CLOSED_2025:
        received_on = (day + dt.timedelta(days=7 * n)).isoformat()
        application = receive(world, received_on, kind, n)
        if n == 2:
            with travel(received_on, 11):
                application = services.application_assign(application=application, actor=world.disclosure,
                                                          office=world.office_a)
                application = services.application_fee_notice(application=application, actor=world.disclosure,
                                                              method="by_count", basis=15)
            with travel((day + dt.timedelta(days=7 * n + 5)).isoformat()):
                application = services.application_fee_paid(application=application, actor=world.disclosure)
        closing = (day + dt.timedelta(days=7 * n + 14)).isoformat()
        apps[n] = reply(world, application, closing, outcome)

    apps[20] = receive(world, "2025-06-09", NP, 20)
    with travel("2025-06-10"):
        apps[20] = services.application_request_supplement(application=apps[20], actor=world.disclosure,
                                                           items="请说明所需信息的年份和文号。",
                                                           deadline=dt.date(2025, 6, 24))
    with travel("2025-07-01"):
        apps[20] = services.application_deem_withdrawn(application=apps[20], actor=world.disclosure,
                                                       comment="逾期未补正")

    apps[21] = receive(world, "2025-07-07", COM, 21)
    with travel("2025-07-08"):
        apps[21] = services.application_assign(application=apps[21], actor=world.disclosure, office=world.office_a)
        apps[21] = services.application_fee_notice(application=apps[21], actor=world.disclosure,
                                                   method="by_page", basis=180)
    with travel("2025-08-29"):
        apps[21] = services.application_fee_unpaid(application=apps[21], actor=world.disclosure)

    apps[22] = receive(world, "2025-12-01", ORG, 22)
    with travel("2025-12-31", 23, 30):
        apps[22] = services.application_withdraw(application=apps[22], reason="不再需要")

    # Carried over into 2026: one closed half an hour into 2026 (Beijing time), one still open.
    apps["B1"] = receive(world, "2025-12-15", RES, 201)
    apps["B1"] = reply(world, apps["B1"], "2026-01-01", "disclosed", hour=0, minute=30)
    apps["B2"] = receive(world, "2025-12-22", NP, 202)
    # 2026 only.
    apps["C1"] = receive(world, "2026-01-05", NP, 301)
    # Submitted online in 2025 but never confirmed: never received (R.31), counted nowhere.
    with travel("2025-07-01"):
        apps["U"], _secret, _created = services.application_submit(data={**PERSON, "information_title": "未确认"})
    return apps


# Every cell of table 3 for 2025, counted by hand from the fixture above.
#          自然人 商业企业 科研机构 社会公益 法律服务 其他 总计
EXPECTED_TABLE3 = {
    "new": [11, 4, 3, 2, 2, 2, 24],
    "carried": [1, 1, 0, 0, 0, 0, 2],
    "disclosed": [2, 1, 0, 0, 0, 0, 3],
    "partial": [0, 1, 0, 1, 0, 0, 2],
    "withheld_state_secret": [1, 0, 0, 0, 0, 0, 1],
    "withheld_prohibited_by_law": [1, 0, 0, 0, 0, 0, 1],
    "withheld_security_stability": [0, 0, 1, 0, 0, 0, 1],
    "withheld_third_party": [0, 1, 0, 0, 0, 0, 1],
    "withheld_internal_affairs": [1, 0, 0, 0, 0, 0, 1],
    "withheld_process_information": [0, 0, 0, 0, 1, 0, 1],
    "withheld_enforcement_file": [0, 0, 0, 0, 1, 0, 1],
    "withheld_administrative_query": [0, 0, 0, 0, 0, 1, 1],
    "unavailable_not_held": [1, 0, 0, 0, 0, 0, 1],
    "unavailable_needs_creation": [0, 0, 1, 0, 0, 0, 1],
    "unavailable_still_unclear": [1, 0, 0, 0, 0, 0, 1],
    "not_processed_complaint": [1, 0, 0, 0, 0, 0, 1],
    "not_processed_repeat": [1, 0, 0, 0, 0, 0, 1],
    "not_processed_publication": [0, 0, 0, 1, 0, 0, 1],
    "not_processed_excessive": [1, 0, 0, 0, 0, 0, 1],
    "not_processed_confirmation": [0, 1, 0, 0, 0, 0, 1],
    "other_no_supplement": [1, 0, 0, 0, 0, 0, 1],
    "other_fee_unpaid": [0, 1, 0, 0, 0, 0, 1],
    "other": [0, 0, 0, 0, 0, 1, 1],
    "closed": [11, 5, 2, 2, 2, 2, 24],
    "open": [1, 0, 1, 0, 0, 0, 2],
}
COLUMN_ORDER = [NP, COM, RES, PW, LEG, ORG, "total"]


def as_rows(table3: dict) -> dict[str, list[int]]:
    return {row: [table3[row][column] for column in COLUMN_ORDER] for row in table3}


MANUAL = {
    "overview": "<p>总体情况。</p>", "problems": "<p>存在的问题。</p>", "other_matters": "<p>本年未收取信息处理费。</p>",
    "licensing_decisions": 37, "licensing_source": "省政务服务平台统计",
    "penalty_decisions": 5, "penalty_source": "行政执法监督平台",
    "enforcement_decisions": 0, "enforcement_source": "行政执法监督平台",
    "fee_income": Decimal("12.35"), "fee_income_source": "财务处决算数据",
    # 2024's carry-over as printed in its (paper) report: the first year in the system.
    "previous_carry_over": {NP: 1, COM: 1}, "previous_carry_over_source": "2024年年度报告表3",
}


def generate(world, year: int = YEAR, **changes) -> AnnualReport:
    """The disclosure office opens the year and fills in what it enters by hand."""
    report = report_services.annual_report_generate(year=year, actor=world.disclosure)
    return report_services.annual_report_update(report=report, actor=world.disclosure, data={**MANUAL, **changes})


# --- Table 3 ---------------------------------------------------------------------------------------


def test_table3_every_cell_matches_the_hand_computed_year_r50(world, fixture_year):
    """Counted in the year received (一) or carried over (二); under 三 in the year processing ended,
    a partial disclosure only under （二）; 四 = still open at the year's end (Beijing time)."""
    assert as_rows(r.compute_table3(YEAR)) == EXPECTED_TABLE3


def test_table3_of_the_year_before_carries_two_applications_forward(world, fixture_year):
    table = r.compute_table3(2024)
    assert as_rows(table)["new"] == [2, 1, 0, 0, 0, 0, 3]
    assert as_rows(table)["open"] == [1, 1, 0, 0, 0, 0, 2]
    assert as_rows(table)["disclosed"] == [1, 0, 0, 0, 0, 0, 1]


def test_each_cell_is_exactly_its_drill_down_condition(world, fixture_year):
    table = r.compute_table3(YEAR)
    for row in r.ROWS:
        for column in r.COLUMNS:
            count = DisclosureApplication.objects.filter(r.cell_condition(YEAR, row, column)).count()
            assert count == table[row][column], (row, column)


# --- Table 2, table 4, facts ----------------------------------------------------------------------


def publish_at(world, day: str, **fields) -> Record:
    with travel(day):
        return drive(world, new_draft(world, date_formed=dt.date.fromisoformat(day), **fields), S.PUBLISHED)


def test_table2_documents_made_repealed_and_in_force_r20(world):
    regulation = DocumentType.REGULATION
    normative = DocumentType.NORMATIVE
    publish_at(world, "2025-03-03", title="规章一", document_type=regulation)
    repealed = publish_at(world, "2024-05-06", title="规范性文件一（2025年废止）", document_type=normative)
    with travel("2025-06-16"):
        record_services.record_repeal(record=repealed, actor=world.disclosure, reason="已被新规定替代")
    publish_at(world, "2025-04-07", title="规范性文件二", document_type=normative)
    expired = publish_at(world, "2025-07-07", title="规范性文件三（2025年失效）", document_type=normative)
    with travel("2025-10-13"):
        record_services.record_expire(record=expired, actor=world.disclosure, reason="有效期届满")
    publish_at(world, "2023-03-06", title="规范性文件四（2023年）", document_type=normative)
    later = publish_at(world, "2025-09-08", title="规范性文件五（2026年废止）", document_type=normative)
    with travel("2026-02-09"):
        record_services.record_repeal(record=later, actor=world.disclosure, reason="废止")
    first = publish_at(world, "2024-03-04", title="规范性文件六", document_type=normative)
    with travel("2025-05-12"):
        version = record_services.record_amend(record=first, actor=world.drafter_a, comment="修订")
        drive(world, version, S.PUBLISHED)
    with travel("2025-08-04"):
        drive(world, new_draft(world, title="发布有误（撤销）", document_type=normative, date_formed=dt.date(2025, 8, 4)),
              S.REVOKED)
    new_draft(world, title="未发布的规范性文件", document_type=normative)
    publish_at(world, "2025-03-10", title="一般通知", document_type=DocumentType.OTHER)

    assert r.compute_table2(YEAR) == {
        "regulation": {"made": 1, "repealed": 0, "in_force": 1},
        # made: 二、三、五 (a new version and a revoked publication are not new documents);
        # repealed: 一; in force at the end of 2025: 二、四、五 (repealed only in 2026)、六 (once).
        "normative": {"made": 3, "repealed": 1, "in_force": 4},
    }


def test_table4_reviews_and_lawsuits_by_result_pending_at_year_end(world, fixture_year):
    apps = fixture_year
    d = world.disclosure

    def record(application, day, kind, filed, result="pending", decided=None):
        with travel(day):
            services.application_record_review(application=application, actor=d, kind=kind,
                                               filed_on=dt.date.fromisoformat(filed), result=result,
                                               decided_on=dt.date.fromisoformat(decided) if decided else None)
        return application.review_cases.order_by("-pk").first()

    record(apps[4], "2025-06-20", "review", "2025-05-06", "maintained", "2025-06-20")
    pending_review = record(apps[7], "2025-09-01", "review", "2025-09-01")
    lawsuit = record(apps["A0"], "2024-12-10", "litigation_direct", "2024-12-10")
    record(apps[4], "2025-12-20", "litigation_after_review", "2025-07-01", "other", "2025-12-20")
    record(apps["A0"], "2024-12-25", "review", "2024-12-01", "maintained", "2024-12-25")
    record(apps[12], "2025-11-03", "litigation_direct", "2025-11-03")
    with travel("2025-04-15"):
        services.review_case_update(case=lawsuit, actor=d, result="corrected", decided_on=dt.date(2025, 4, 15))
    with travel("2026-02-10"):
        services.review_case_update(case=pending_review, actor=d, result="corrected", decided_on=dt.date(2026, 2, 10))

    assert r.compute_table4(YEAR) == {
        "review": {"maintained": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2},
        "litigation_direct": {"maintained": 0, "corrected": 1, "other": 0, "pending": 1, "total": 2},
        "litigation_after_review": {"maintained": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1},
    }
    assert r.compute_table4(2026)["review"] == {"maintained": 0, "corrected": 1, "other": 0, "pending": 0, "total": 1}


def test_facts_for_the_narrative(world, fixture_year):
    facts = r.compute(YEAR).facts
    assert facts["applications_new"] == 24 and facts["applications_carried"] == 2
    assert facts["applications_closed"] == 24 and facts["applications_open"] == 2
    assert facts["applications_natural_person"] == 11 and facts["applications_organisations"] == 13
    assert (facts["fee_notices_issued"], facts["fees_paid"], facts["fees_collected"]) == (2, 1, "100.00")
    assert facts["fee_unpaid_closed"] == 1
    assert facts["replies_sent"] == 21  # 19 in the list + the two carried in
    sentences = r.fact_sentences(YEAR, facts)
    assert any("收取信息处理费1件、共100.00元" in s for s in sentences)


def test_consultations_extensions_and_delayed_replies_are_counted_for_the_narrative_r33_r35(world):
    """The national format has no row for R.32–R.35 (table 3 counts outcomes only): the year's
    consultations, extensions and delayed replies are offered as a sentence for sections 一/六.
    In 2026: a third party and another agency consulted, one extension, one delayed reply; the
    extension asked for in 2025 counts in 2025."""
    from tests.applications.conftest import extend

    with travel("2025-12-15"):
        last_year = offline(world, received_on=dt.date(2025, 12, 15))
        extend(world, last_year, days=5, reason="年末汇总")
    with travel("2026-03-02"):
        first = offline(world, received_on=dt.date(2026, 3, 2))
        first = services.application_assign(application=first, actor=world.disclosure, office=world.office_a)
    with travel("2026-03-03"):
        first = services.application_start_consultation(application=first, actor=world.drafter_a, third_party="某公司")
        first = services.application_end_consultation(application=first, actor=world.drafter_a, result="同意")
        first = services.application_start_agency_consultation(application=first, actor=world.drafter_a,
                                                               agency="某市工信局", matter="是否同意公开")
        extend(world, first, days=10, reason="需要调档")
    with travel("2026-03-04"):
        second = offline(world, received_on=dt.date(2026, 3, 4))
        services.application_delay_reply(application=second, actor=world.disclosure, until=dt.date(2026, 5, 29),
                                         reasons="申请数量大")
    facts = r.compute(2026).facts
    assert {k: facts[k] for k in r.PROCEDURE_FACTS} == {
        "third_party_consultations": 1, "agency_consultations": 1, "extensions": 1, "delayed_replies": 1}
    assert r.compute(2025).facts["extensions"] == 1
    sentence = r.fact_sentences(2026, facts)[-1]
    assert "书面征求第三方意见1件、征求其他机关意见1件" in sentence and "第三十五条" in sentence
    # A snapshot from before these were counted still gives its sentences.
    old = {k: v for k, v in facts.items() if k not in r.PROCEDURE_FACTS}
    assert "征求其他机关意见0件" in r.fact_sentences(2026, old)[-1]


# --- Checks -----------------------------------------------------------------------------------------


def test_the_fixture_year_passes_every_check(world, fixture_year):
    report = generate(world)
    assert r.check(report) == []


def rules(failures) -> set[str]:
    return {f.rule for f in failures}


def test_check_one_plus_two_equals_seven_plus_four_names_the_column(world, fixture_year):
    tables = r.compute(YEAR)
    tables.table3["new"][RES] += 1
    failures = [f for f in r.check_table3(tables.table3) if f.rule == "balance"]
    assert len(failures) == 1
    assert "科研机构" in failures[0].cell
    assert failures[0].message == ("表3“科研机构”列：一、本年新收（4）加二、上年结转（0）等于4，"
                                   "不等于三、本年度办理结果（七）总计（2）加四、结转下年度继续办理（1）之和3。")


def test_check_seven_is_the_sum_of_one_to_six_names_the_cell(world, fixture_year):
    tables = r.compute(YEAR)
    tables.table3["withheld_state_secret"][NP] = 0
    tables.table3["withheld_state_secret"]["total"] = 0
    failures = [f for f in r.check_table3(tables.table3) if f.rule == "closed_total"]
    assert [f.cell for f in failures] == ["表3“三、本年度办理结果（七）总计” · 自然人",
                                         "表3“三、本年度办理结果（七）总计” · 总计"]
    assert "为11，不等于（一）至（六）各项之和10" in failures[0].message


def test_check_total_column_is_the_sum_of_the_six_names_the_cell(world, fixture_year):
    tables = r.compute(YEAR)
    tables.table3["open"]["total"] = 3
    failures = [f for f in r.check_table3(tables.table3) if f.rule == "column_total"]
    assert len(failures) == 1
    assert failures[0].cell == "表3“四、结转下年度继续办理” · 总计"
    assert "为3，不等于自然人与五类法人或其他组织之和2" in failures[0].message


def test_check_carry_over_against_last_years_report_entered_by_hand(world, fixture_year):
    report = generate(world, previous_carry_over={NP: 1, COM: 0})
    failures = [f for f in r.check(report) if f.rule == "carry_over"]
    assert [f.cell for f in failures] == ["表3“二、上年结转政府信息公开申请数量” · 商业企业",
                                         "表3“二、上年结转政府信息公开申请数量” · 总计"]
    assert failures[0].message == ("表3“二、上年结转政府信息公开申请数量” · 商业企业为1，"
                                   "与手工录入的2024年度报告数字的“四、结转下年度继续办理”（0）不一致。")


def test_first_year_without_last_years_figures_fails_until_entered(world, fixture_year):
    report = generate(world, previous_carry_over={})
    failures = [f for f in r.check(report) if f.rule == "carry_over"]
    assert len(failures) == 1 and "请在“上年结转（手工录入）”中填写2024年度报告" in failures[0].message


def test_carry_over_from_last_years_report_in_the_system(world, fixture_year):
    report_services.annual_report_generate(year=2024, actor=world.disclosure)
    report = generate(world, previous_carry_over={})  # last year's report is in the system
    assert r.check(report) == []


def test_the_page_shows_the_figures_as_computed_and_when_and_computes_only_on_refresh(world, fixture_year, client):
    """Issue #22: a view of the report reads the figures stored when they were generated — also
    last year's 四 for the carry-over check, computed with them while last year's report is not
    published — and says when they were computed; "按当前数据重新生成" computes them again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report_services.annual_report_generate(year=2024, actor=world.disclosure)
    with travel("2026-01-05", 10, 30):
        report = generate(world, previous_carry_over={})
    client.force_login(world.disclosure)
    url = reverse("admin:applications_annualreport_change", args=[report.pk])
    # One more of 2024's applications still open at its end: last year's 四 grows by one.
    receive(world, "2024-12-30", COM, 99)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).text
    assert not [q["sql"] for q in queries if "applications_disclosureapplication" in q["sql"]]
    assert "统计数据生成于 2026-01-05 10:30。" in html and "校验全部通过" in html
    assert "（上年数字来源：按本系统数据计算的2024年度报告）" in html

    client.post(reverse("admin:applications_annualreport_refresh", args=[report.pk]))
    report.refresh_from_db()
    assert report.snapshot["previous_open"][COM] == report.snapshot["table3"]["carried"][COM] == 2
    assert r.check(report) == [] and "校验全部通过" in client.get(url).text


def test_carry_over_from_last_years_published_report_as_published(world, fixture_year):
    previous = report_services.annual_report_generate(year=2024, actor=world.disclosure)
    tampered = {**previous.snapshot, "table3": {**previous.snapshot["table3"], "open": {
        **previous.snapshot["table3"]["open"], NP: 2, "total": 3}}}
    record = drive(world, new_draft(world, title="2024年度报告"), S.PUBLISHED)
    AnnualReport.objects.filter(pk=previous.pk).update(record=record, record_snapshot=tampered)
    report = generate(world, previous_carry_over={})
    failures = [f for f in r.check(report) if f.rule == "carry_over"]
    assert [f.cell for f in failures] == ["表3“二、上年结转政府信息公开申请数量” · 自然人",
                                         "表3“二、上年结转政府信息公开申请数量” · 总计"]
    assert "已发布的2024年度报告" in failures[0].message


def test_manual_cells_and_narrative_must_be_complete_r50(world, fixture_year):
    report = generate(world, licensing_decisions=None, penalty_source="", problems="")
    messages = {f.cell: f.message for f in r.check(report) if f.rule in ("manual", "narrative")}
    assert messages == {
        "表2 第二十条第（五）项 行政许可“本年处理决定数量”": "表2 第二十条第（五）项 行政许可“本年处理决定数量”未填写（没有的填0）。",
        "表2 第二十条第（六）项 行政处罚“本年处理决定数量”": "表2 第二十条第（六）项 行政处罚“本年处理决定数量”未注明数据来源。",
        "五、存在的主要问题及改进情况": "“五、存在的主要问题及改进情况”尚未填写。",
    }


def test_an_application_closed_without_outcome_fails_the_seven_check(world, fixture_year):
    DisclosureApplication.objects.filter(pk=fixture_year[5].pk).update(outcome="")
    failures = r.check_table3(r.compute_table3(YEAR))
    assert {f.cell for f in failures if f.rule == "closed_total"} == {
        "表3“三、本年度办理结果（七）总计” · 自然人", "表3“三、本年度办理结果（七）总计” · 总计"}


def test_a_report_failing_a_check_cannot_become_a_record(world, fixture_year):
    report = generate(world, previous_carry_over={NP: 0, COM: 1})
    with pytest.raises(InvalidInput, match=r"不能转为发布稿.*二、上年结转政府信息公开申请数量” · 自然人为1"):
        report_services.annual_report_create_record(report=report, actor=world.disclosure)
    assert not Record.objects.filter(category__code="annual-report").exists()
    report.refresh_from_db()
    assert report.record_id is None and report.stage == ReportStage.COMPILING


def test_the_year_must_be_over(world):
    with travel("2025-12-30"):
        report = generate(world)
        with pytest.raises(InvalidInput, match="2025年尚未结束"):
            report_services.annual_report_create_record(report=report, actor=world.disclosure)


# --- Publication through the workflow ---------------------------------------------------------------


def test_report_becomes_a_draft_record_and_is_published_through_the_workflow(world, fixture_year, client,
                                                                              tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    report = generate(world)
    record = report_services.annual_report_create_record(report=report, actor=world.disclosure)

    assert record.category == CatalogueCategory.objects.get(code="annual-report")
    assert record.office == world.general_office and record.state == RecordState.DRAFT
    assert record.title == "测试省工业和信息化厅2025年政府信息公开工作年度报告"
    assert record.body.count("<table>") == 3 and 'rowspan="22"' in record.body and 'colspan="7"' in record.body
    # The public copy is an accessible data table too: captions and header scopes survive.
    assert record.body.count("<caption>") == 3 and '<th scope="col" rowspan="2">自然人</th>' in record.body
    assert "<h2>三、收到和处理政府信息公开申请情况</h2>" in record.body
    # The body survives the record's own sanitiser unchanged (a drafter's edit keeps the tables).
    assert Record._meta.get_field("body").sanitize(record.body) == record.body
    attachment = record.attachments.get()
    assert attachment.original_name == "2025年政府信息公开工作年度报告.xlsx"
    report.refresh_from_db()
    assert report.stage == ReportStage.IN_WORKFLOW and report.is_editable and not report.record_is_stale

    # The general office's info officer submits it like any draft; the usual chain publishes it.
    drafter = make_user("bgs_drafter", Role.DRAFTER, world.general_office)
    head = make_user("bgs_head", Role.DIVISION_HEAD, world.general_office)
    record = record_services.record_submit(record=record, actor=drafter)
    report.refresh_from_db()
    assert not report.is_editable
    with pytest.raises(StateConflict, match="不能再修改"):
        report_services.annual_report_update(report=report, actor=world.disclosure, data={"problems": "<p>改</p>"})
    record = record_services.record_approve_division(record=record, actor=head, **ALL_CLEAR)
    record = record_services.record_approve_confidentiality(record=record, actor=world.disclosure, **ALL_CLEAR)
    record = record_services.record_publish(record=record, actor=world.publisher, channels=[Channel.COLUMN])
    report.refresh_from_db()
    assert report.stage == ReportStage.PUBLISHED

    # A citizen reads it on the column and downloads the XLSX.
    listing = client.get(reverse("disclosure:annual_reports"))
    assert record.title in listing.text
    page = client.get(reverse("disclosure:record", args=[record.pk]))
    assert page.status_code == 200 and "行政规范性文件" in page.text and "<table>" in page.text
    download = client.get(reverse("disclosure:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.sheetnames == ["主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况"]


def test_a_draft_record_is_updated_in_place_and_flagged_stale(world, fixture_year, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    report = generate(world)
    first = report_services.annual_report_create_record(report=report, actor=world.disclosure)
    report = report_services.annual_report_update(report=report, actor=world.disclosure,
                                                  data={"problems": "<p>新的问题说明。</p>"})
    assert report.record_is_stale
    second = report_services.annual_report_create_record(report=report, actor=world.disclosure)
    assert second.pk == first.pk and "新的问题说明" in second.body
    assert Attachment.objects.filter(record=second).count() == 1
    report.refresh_from_db()
    assert not report.record_is_stale


def test_the_record_is_submitted_and_published_only_as_generated_and_checked(world, fixture_year, tmp_path,
                                                                           settings):
    """R.50: what reaches the column is what passed the checks — no later edit of the report, no
    hand edit of the body, no failing check slips through submission or publication."""
    settings.MEDIA_ROOT = tmp_path
    report = generate(world)
    record = report_services.annual_report_create_record(report=report, actor=world.disclosure)
    drafter = make_user("bgs_drafter", Role.DRAFTER, world.general_office)

    # The report was changed after its record was made (here: a wrong carry-over entered).
    report_services.annual_report_update(report=report, actor=world.disclosure,
                                         data={"previous_carry_over": {NP: 5}})
    with pytest.raises(StateConflict, match="重新“生成发布稿”"):
        record_services.record_submit(record=record, actor=drafter)
    assert Record.objects.get(pk=record.pk).state == RecordState.DRAFT

    # Put right, the record is regenerated; then a hand edit of its tables is refused too.
    report_services.annual_report_update(report=report, actor=world.disclosure,
                                         data={"previous_carry_over": MANUAL["previous_carry_over"]})
    record = report_services.annual_report_create_record(report=report, actor=world.disclosure)
    record.body = record.body.replace("</table>", "</table><p>手工补充的一段。</p>", 1)
    record_services.record_save_draft(record=record, actor=drafter)
    with pytest.raises(StateConflict, match="不能在发布稿中修改"):
        record_services.record_submit(record=record, actor=drafter)

    record = report_services.annual_report_create_record(report=report, actor=world.disclosure)
    record = record_services.record_submit(record=record, actor=drafter)
    assert record.state == RecordState.DIVISION_REVIEW


def test_manual_cells_are_validated(world):
    report = report_services.annual_report_generate(year=YEAR, actor=world.disclosure)
    with pytest.raises(InvalidInput):
        report_services.annual_report_update(report=report, actor=world.disclosure, data={"fee_income": Decimal("-1")})
    with pytest.raises(InvalidInput, match="非负整数"):
        report_services.annual_report_update(report=report, actor=world.disclosure,
                                             data={"previous_carry_over": {NP: -1}})
    with pytest.raises(InvalidInput, match="不能修改"):
        report_services.annual_report_update(report=report, actor=world.disclosure, data={"snapshot": {}})
    with pytest.raises(InvalidInput, match="年度应在"):
        report_services.annual_report_generate(year=2099, actor=world.disclosure)


def test_narrative_is_sanitised(world):
    report = report_services.annual_report_generate(year=YEAR, actor=world.disclosure)
    report = report_services.annual_report_update(
        report=report, actor=world.disclosure,
        data={"overview": '<p onclick="x()">总体<script>alert(1)</script><img src=x></p><ul><li>一</li></ul>'})
    assert report.overview == "<p>总体</p><ul><li>一</li></ul>"


# --- Formats ----------------------------------------------------------------------------------------


def test_xlsx_is_laid_out_like_the_national_format(world, fixture_year):
    report = generate(world)
    workbook = load_workbook(io.BytesIO(report_formats.xlsx(report, r.tables_of(report))))
    table2, table3, table4 = (workbook[name] for name in workbook.sheetnames)

    merged3 = {str(m) for m in table3.merged_cells.ranges}
    assert {"A1:J1", "A3:C5", "D3:J3", "D4:D5", "E4:I4", "J4:J5", "A6:C6", "A7:C7", "A8:A29", "B8:C8",
            "B10:B17", "B18:B20", "B21:B25", "B26:B28", "B29:C29", "A30:C30"} <= merged3
    assert table3["A3"].value.startswith("（本列数据的勾稽关系为")
    assert [table3.cell(6, c).value for c in range(4, 11)] == EXPECTED_TABLE3["new"]
    assert [table3.cell(29, c).value for c in range(4, 11)] == EXPECTED_TABLE3["closed"]
    assert [table3.cell(30, c).value for c in range(4, 11)] == EXPECTED_TABLE3["open"]
    assert table3["C10"].value == "1.属于国家秘密" and table3["D10"].value == 1

    assert {"A3:D3", "A7:D7", "B8:D8", "B9:D9", "A10:D10", "B13:D13", "A14:D14", "B16:D16"} <= {
        str(m) for m in table2.merged_cells.ranges}
    assert [table2.cell(6, c).value for c in range(1, 5)] == ["行政规范性文件", 0, 0, 0]
    assert table2["A9"].value == "行政许可" and table2["B9"].value == 37
    assert table2["A16"].value == "行政事业性收费" and table2["B16"].value == 12.35

    assert {"A3:E3", "F3:O3", "A4:A5", "E4:E5", "F4:J4", "K4:O4"} <= {str(m) for m in table4.merged_cells.ranges}
    assert [table4.cell(6, c).value for c in range(1, 16)] == [0] * 15


def test_staff_page_and_print_view(world, fixture_year, client):
    report = generate(world)
    client.force_login(world.disclosure)
    page = client.get(reverse("admin:applications_annualreport_change", args=[report.pk]))
    assert page.status_code == 200
    html = page.text
    assert "校验全部通过" in html and "生成发布稿" in html
    assert "<caption>收到和处理政府信息公开申请情况</caption>" in html
    assert '<th scope="col" rowspan="2">自然人</th>' in html and '<th scope="row" colspan="3">一、本年新收' in html
    drill = r.drill_down_url(YEAR, "withheld_state_secret", NP).replace("&", "&amp;")
    assert f'<a href="{drill}">1</a>' in html
    assert "本年发出信息处理费缴费通知2件" in html  # the facts beside the narrative editor

    printed = client.get(reverse("admin:applications_annualreport_print", args=[report.pk]))
    assert printed.status_code == 200
    assert "css/report.css" in printed.text and "<caption>" in printed.text
    assert "style=" not in printed.text and "<style" not in printed.text
    assert all('src="' in tag for tag in printed.text.split("<script")[1:])
    assert "<a href" not in printed.text.split('<main id="main"')[1]

    download = client.get(reverse("admin:applications_annualreport_xlsx", args=[report.pk]))
    assert download["Content-Type"] == report_formats.XLSX_CONTENT_TYPE
    assert "attachment" in download["Content-Disposition"]


def test_staff_page_names_failing_cells(world, fixture_year, client):
    report = generate(world, previous_carry_over={NP: 1, COM: 3})
    client.force_login(world.disclosure)
    html = client.get(reverse("admin:applications_annualreport_change", args=[report.pk])).text
    assert "校验未通过：2 项" in html
    assert "商业企业为1，与手工录入的2024年度报告数字的“四、结转下年度继续办理”（3）不一致" in html


def test_editing_in_the_admin_goes_through_the_service(world, fixture_year, client):
    report = generate(world)
    client.force_login(world.disclosure)
    url = reverse("admin:applications_annualreport_change", args=[report.pk])
    response = client.post(url, {
        "overview": "<p>总体。</p>", "problems": "<p>问题。</p>", "other_matters": "<p>其他。</p>",
        "licensing_decisions": "40", "licensing_source": "政务服务平台", "penalty_decisions": "5",
        "penalty_source": "执法平台", "enforcement_decisions": "0", "enforcement_source": "执法平台",
        "fee_income": "1.5", "fee_income_source": "财务处", "carry_natural_person": "1", "carry_commercial": "1",
        "previous_carry_over_source": "2024年报", "_continue": "1",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    report.refresh_from_db()
    assert report.licensing_decisions == 40 and report.fee_income == Decimal("1.5")
    assert report.previous_carry_over == {NP: 1, COM: 1, RES: 0, PW: 0, LEG: 0, ORG: 0}
    assert report.updated_by == world.disclosure and r.check(report) == []


# --- Drill-down -------------------------------------------------------------------------------------


def listed(client, year, row, column) -> set[int]:
    response = client.get(reverse("admin:applications_disclosureapplication_changelist"),
                          {"report_cell": r.cell_parameter(year, row, column)})
    assert response.status_code == 200
    return {application.pk for application in response.context["cl"].result_list}


def test_drill_down_lists_exactly_the_applications_behind_a_cell(world, fixture_year, client):
    apps = fixture_year
    client.force_login(world.disclosure)
    assert listed(client, YEAR, "withheld_state_secret", NP) == {apps[4].pk}
    assert listed(client, YEAR, "carried", "total") == {apps["A1"].pk, apps["A2"].pk}
    assert listed(client, YEAR, "open", "total") == {apps["B1"].pk, apps["B2"].pk}
    assert listed(client, YEAR, "other", ORG) == {apps[22].pk}
    assert listed(client, YEAR, "other_no_supplement", NP) == {apps[20].pk}
    assert listed(client, YEAR, "partial", "total") == {apps[3].pk, apps["A2"].pk}
    assert listed(client, YEAR, "new", NP) == {apps[n].pk for n in (1, 4, 5, 8, 12, 14, 15, 16, 18, 20)} | {
        apps["B2"].pk}
    assert listed(client, YEAR, "withheld_state_secret", COM) == set()
    bad = client.get(reverse("admin:applications_disclosureapplication_changelist"), {"report_cell": "2025:nope:x"})
    assert bad.status_code == 302 and "e=1" in bad["Location"]


# --- Who may do what --------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["drafter_a", "head_a", "leader_a", "publisher", "registrar", "supervisor",
                                      "admin", "nobody"])
def test_only_the_disclosure_office_compiles_and_publishes(world, username):
    user = world.users_by_role()[username]
    with pytest.raises(ActionRefused):
        report_services.annual_report_generate(year=YEAR, actor=user)
    report = report_services.annual_report_generate(year=YEAR, actor=world.disclosure)
    with pytest.raises(ActionRefused):
        report_services.annual_report_refresh(report=report, actor=user)
    with pytest.raises(ActionRefused):
        report_services.annual_report_update(report=report, actor=user, data={"overview": "<p>x</p>"})
    with pytest.raises(ActionRefused):
        report_services.annual_report_create_record(report=report, actor=user)


def test_drafters_cannot_see_the_report_and_supervision_only_reads(world, fixture_year, client):
    report = generate(world)
    urls = {name: reverse(f"admin:applications_annualreport_{name}", args=[report.pk])
            for name in ("change", "print", "xlsx", "refresh", "create_record")}
    general_drafter = make_user("bgs_drafter", Role.DRAFTER, world.general_office)
    for user in (world.drafter_a, world.head_a, general_drafter):
        client.force_login(user)
        assert client.get(reverse("admin:applications_annualreport_changelist")).status_code == 403
        assert client.get(urls["change"]).status_code == 403
        assert client.get(urls["xlsx"]).status_code == 403
        assert client.post(urls["refresh"]).status_code == 403

    client.force_login(world.supervisor)
    page = client.get(urls["change"])
    assert page.status_code == 200 and "收到和处理政府信息公开申请情况" in page.text
    assert "生成发布稿" not in page.text and 'name="overview"' not in page.text
    assert client.get(urls["print"]).status_code == 200 and client.get(urls["xlsx"]).status_code == 200
    assert client.post(urls["refresh"]).status_code == 403
    assert client.post(urls["create_record"]).status_code == 403
    assert client.post(urls["change"], {"overview": "<p>改</p>"}).status_code == 403
    assert client.get(reverse("admin:applications_annualreport_add")).status_code == 403
    assert not Record.objects.filter(category__code="annual-report").exists()

    client.force_login(world.disclosure)
    assert client.post(urls["refresh"]).status_code == 302
    assert client.get(urls["refresh"]).status_code == 405


def test_generate_page_opens_the_year(world, client):
    client.force_login(world.disclosure)
    add = reverse("admin:applications_annualreport_add")
    assert client.get(add).status_code == 200
    response = client.post(add, {"year": "2025"})
    report = AnnualReport.objects.get(year=2025)
    assert response.status_code == 302 and response["Location"].endswith(f"/{report.pk}/change/")
    assert report.snapshot["table3"]["new"]["total"] == 0 and report.generated_at
    again = client.get(add, {"year": "2025"})
    assert again.status_code == 302 and again["Location"].endswith(f"/{report.pk}/change/")


# --- The reminder (R.49) ----------------------------------------------------------------------------


def titles(items) -> list[str]:
    return [item.title for item in items if item.kind == "年度报告"]


def test_reminder_from_1_january_until_last_years_report_is_published(world, fixture_year, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    with travel("2025-12-31"):
        assert titles(worklist_for(world.disclosure)) == ["2024年政府信息公开工作年度报告"]
    with travel("2026-01-02"):
        items = [i for i in worklist_for(world.disclosure) if i.kind == "年度报告"]
        assert [i.title for i in items] == ["2025年政府信息公开工作年度报告"]
        assert items[0].due_date == dt.date(2026, 1, 31) and not items[0].overdue
        assert items[0].url == reverse("admin:applications_annualreport_add") + "?year=2025"
        for user in (world.supervisor, world.drafter_a, world.publisher):
            assert titles(worklist_for(user)) == []
    with travel("2026-02-02"):
        assert [i.overdue for i in worklist_for(world.disclosure) if i.kind == "年度报告"] == [True]

    report = generate(world)
    record = report_services.annual_report_create_record(report=report, actor=world.disclosure)
    assert titles(worklist_for(world.disclosure)) == ["2025年政府信息公开工作年度报告"]
    drafter = make_user("bgs_drafter", Role.DRAFTER, world.general_office)
    head = make_user("bgs_head", Role.DIVISION_HEAD, world.general_office)
    record = record_services.record_submit(record=record, actor=drafter)
    record = record_services.record_approve_division(record=record, actor=head, **ALL_CLEAR)
    record = record_services.record_approve_confidentiality(record=record, actor=world.disclosure, **ALL_CLEAR)
    record_services.record_publish(record=record, actor=world.publisher, channels=[Channel.COLUMN])
    assert titles(worklist_for(world.disclosure)) == []
    # Found by the report's link to its record, not by the title: a new agency name since does
    # not lose it.
    profile = SiteProfile.current()
    profile.name = "测试省工业和信息化厅（更名后）"
    profile.save()
    assert r.published_on_the_column(2025)


def test_a_report_published_by_hand_before_the_module_counts_as_published(world, tmp_path, settings):
    """The years before the report module: their reports are records of the 年报 category written
    by hand, with no AnnualReport. Published (and current) they end the reminder; a draft, a
    revoked one, another year's or a record of another category do not. It is the record titled
    exactly as the report (the agency's name and the year)."""
    settings.MEDIA_ROOT = tmp_path
    reports = CatalogueCategory.objects.get(code="annual-report")
    title = "测试省工业和信息化厅2025年政府信息公开工作年度报告"
    with travel("2026-01-12"):
        day = dt.date(2026, 1, 12)
        assert titles(worklist_for(world.disclosure)) == ["2025年政府信息公开工作年度报告"]
        draft = new_draft(world, title=title, category=reports, date_formed=day)
        drive(world, new_draft(world, title=title, category=reports, date_formed=day), S.REVOKED)
        drive(world, new_draft(world, title="测试省工业和信息化厅2024年政府信息公开工作年度报告", category=reports,
                               date_formed=day), S.PUBLISHED)
        drive(world, new_draft(world, title="关于报送2025年政府信息公开工作年度报告的通知", date_formed=day),
              S.PUBLISHED)
        assert titles(worklist_for(world.disclosure)) == ["2025年政府信息公开工作年度报告"]
        drive(world, draft, S.PUBLISHED)
        assert titles(worklist_for(world.disclosure)) == []
        # Opening the year here afterwards (the generate page offers last year) does not bring it back.
        report_services.annual_report_generate(year=2025, actor=world.disclosure)
        assert titles(worklist_for(world.disclosure)) == []
    with travel("2027-01-04"):
        assert titles(worklist_for(world.disclosure)) == ["2026年政府信息公开工作年度报告"]


def test_a_record_whose_title_only_contains_the_reports_title_is_not_the_report(world, tmp_path, settings):
    """Last year's report is never found by a part of a title (R.49): published records of the
    年报 category that only quote the report's title — an explanation, a graphic version — end
    neither the reminder nor the self-check's finding; the report itself, titled exactly, does."""
    from complaints.compliance import check_annual_report

    settings.MEDIA_ROOT = tmp_path
    reports = CatalogueCategory.objects.get(code="annual-report")
    title = "测试省工业和信息化厅2025年政府信息公开工作年度报告"
    with travel("2026-02-03"):
        day = dt.date(2026, 2, 3)
        for quoting in (f"关于{title}的解读", f"{title}（图解版）", f"2024年及{title}"):
            drive(world, new_draft(world, title=quoting, category=reports, date_formed=day), S.PUBLISHED)
        assert not r.published_on_the_column(2025)
        assert titles(worklist_for(world.disclosure)) == ["2025年政府信息公开工作年度报告"]
        assert [f.title for f in check_annual_report(day)] == ["2025年政府信息公开工作年度报告未按时公布"]
        drive(world, new_draft(world, title=title, category=reports, date_formed=day), S.PUBLISHED)
        assert r.published_on_the_column(2025)
        assert titles(worklist_for(world.disclosure)) == [] and check_annual_report(day) == []


# The demo's 2026 report (issue #7's walk-through) is tested in test_report_walkthrough.py, on that
# module's one load of the demo.


def test_the_record_is_in_the_agencys_language_whatever_language_staff_use(world, fixture_year, tmp_path,
                                                                         settings):
    """The disclosure office works in English; the record, its body and its XLSX are the Chinese
    published document, and an info officer working in Chinese can submit it unchanged."""
    settings.MEDIA_ROOT = tmp_path
    report = generate(world)
    with translation.override("en"):
        record = report_services.annual_report_create_record(report=report, actor=world.disclosure)
    assert record.title == "测试省工业和信息化厅2025年政府信息公开工作年度报告"
    assert "<h2>三、收到和处理政府信息公开申请情况</h2>" in record.body and "Natural person" not in record.body
    assert record.summary.startswith("测试省工业和信息化厅2025年主动公开")
    workbook = load_workbook(record.attachments.get().file.path)
    assert workbook.sheetnames[0] == "主动公开政府信息情况"
    drafter = make_user("bgs_drafter", Role.DRAFTER, world.general_office)
    assert record_services.record_submit(record=record, actor=drafter).state == RecordState.DIVISION_REVIEW

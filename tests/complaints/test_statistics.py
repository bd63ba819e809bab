"""The public statistics page (issue #18, part 5): figures per office and in total for this year
and last on a small set worked out by hand, table 3 of the annual report for a finished year
cell for cell, the CSV and XLSX downloads, bad query strings, the page cache renewed when a case
closes, and a query count that does not grow with the number of cases."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics as stats

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications import services as application_services
from applications.annual_report import compute as report
from applications.models import DisclosureApplication
from applications.outcomes import Outcome
from complaints import services
from complaints import statistics as public_statistics
from portal.workdays import workdays_between
from tests.applications.conftest import offline
from tests.complaints.conftest import at, consult, drive_complaint
from tests.complaints.conftest import report as complaint_report
from tests.complaints.test_dashboard import application, record
from tests.conftest import load_world, rows_for_the_module

D = dt.date
TODAY = D(2026, 11, 30)
URL = "/statistics/"


@pytest.fixture(scope="module")
def figures_module_rows(django_db_setup, django_db_blocker):
    """The figures below, built once for the module's tests, which read them (issue #17); what a
    test adds to them is rolled back at its end."""
    with rows_for_the_module(django_db_blocker) as unblocked:
        with unblocked():
            build_figures(load_world())
        yield


@pytest.fixture
def figures(world, figures_module_rows):
    """The agency, with the figures below in the database."""
    return world


def build_figures(world):
    """For 2026, office A (政策法规处) and office B (装备工业处):

    records      A: formed 09-01 published 09-10 (within 20 working days); formed 08-03 published 10-12
                 (beyond). B: formed 11-02 published 11-03 (within). 2025: A formed 11-20 published 12-01.
    applications A: received 09-21 replied 10-20 (on time); received 06-01 replied 07-15 (late);
                 received 10-09, open. B: received 09-21 replied 10-22 (on time).
    complaints   A: 03-02 substantiated; 04-01 not substantiated; 2025-12-10 substantiated. B: 05-06 declined.
    consultations A: 07-01 answered 07-03 (on time); 02-02 answered 03-30 (late).
    """
    a, b = world.office_a, world.office_b
    record(world, a, formed=D(2026, 9, 1), published=D(2026, 9, 10), title="按期发布的通知")
    record(world, a, formed=D(2026, 8, 3), published=D(2026, 10, 12), title="超期发布的通知")
    record(world, a, formed=D(2025, 11, 20), published=D(2025, 12, 1), title="上一年的通知")
    record(world, b, formed=D(2026, 11, 2), published=D(2026, 11, 3), title="装备工业处的通知")

    application(world, a, received=D(2026, 9, 21), replied=D(2026, 10, 20))
    application(world, a, received=D(2026, 6, 1), replied=D(2026, 7, 15))
    application(world, a, received=D(2026, 10, 9), replied=None)
    application(world, b, received=D(2026, 9, 21), replied=D(2026, 10, 22))

    with at(D(2026, 3, 2)):
        drive_complaint(world, complaint_report(world, anonymous=True)[0], "replied")
    with at(D(2026, 4, 1)):
        drive_complaint(world, complaint_report(world)[0], "replied", result="not_substantiated")
    with at(D(2025, 12, 10)):
        drive_complaint(world, complaint_report(world)[0], "replied")
    with at(D(2026, 5, 6)):
        drive_complaint(world, complaint_report(world, office=b)[0], "declined")

    with at(D(2026, 7, 1)):
        quick, _secret = consult(world, office=a)
    with at(D(2026, 7, 3)):
        services.consultation_answer(consultation=quick, actor=world.drafter_a, answer="答复")
    with at(D(2026, 2, 2)):
        slow, _secret = consult(world, office=a)
    with at(D(2026, 3, 30)):
        services.consultation_answer(consultation=slow, actor=world.drafter_a, answer="答复")
    return world


def row(year, office):
    return next(r for r in year.rows if r.key == office.pk)


def test_figures_per_office_and_in_total_for_both_years(figures):
    world = figures
    data = public_statistics.statistics(today=TODAY)
    assert [y.year for y in data.years] == [2025, 2026]
    this, last = data.of(2026), data.of(2025)
    a, b = row(this, world.office_a), row(this, world.office_b)
    assert (a.received, a.closed, a.answered, a.answered_on_time, a.on_time_percent) == (3, 2, 2, 1, 50.0)
    # The median of the working days from receipt to reply, counted on the portal's calendar.
    days = [workdays_between(D(2026, 9, 21), D(2026, 10, 20)), workdays_between(D(2026, 6, 1), D(2026, 7, 15))]
    assert a.median_workdays == stats.median(days)
    assert (a.complaints_received, a.complaints_substantiated) == (2, 1)
    assert (a.consultations_answered, a.consultations_on_time) == (2, 1)
    assert (a.records_published, a.records_within_limit) == (2, 1)
    assert a.outcomes[Outcome.DISCLOSED] == 2 and a.groups["disclosed"] == 2
    assert (b.received, b.answered, b.answered_on_time, b.on_time_percent) == (1, 1, 1, 100.0)
    assert b.median_workdays == workdays_between(D(2026, 9, 21), D(2026, 10, 22))
    assert (b.complaints_received, b.complaints_substantiated, b.records_published, b.records_within_limit) == (
        1, 0, 1, 1)
    total = this.total
    assert (total.received, total.closed, total.answered, total.answered_on_time) == (4, 3, 3, 2)
    assert total.median_workdays == stats.median([*days, b.median_workdays])
    assert (total.complaints_received, total.complaints_substantiated) == (3, 1)
    assert (total.consultations_answered, total.consultations_on_time) == (2, 1)
    assert (total.records_published, total.records_within_limit) == (3, 2)
    old = last.total
    assert (old.received, old.answered, old.complaints_received, old.complaints_substantiated) == (0, 0, 1, 1)
    assert (old.records_published, old.records_within_limit) == (1, 1)
    assert row(last, world.office_a).records_published == 1 and row(last, world.office_b).records_published == 0


def test_one_office_only(figures):
    data = public_statistics.statistics(office=figures.office_b, today=TODAY)
    this = data.of(2026)
    assert [r.key for r in this.rows] == [figures.office_b.pk]
    assert (this.total.received, this.total.complaints_received, this.total.records_published) == (1, 1, 1)


def test_the_page_shows_both_years_per_office_with_charts_and_their_tables(client, figures):
    with at(TODAY, 12):
        page = client.get(URL)
    assert page.status_code == 200
    text = page.text
    assert "政府信息公开工作统计" in text and "2025年" in text and "2026年" in text
    assert "政策法规处" in text and "装备工业处" in text
    assert text.count("<svg class=\"chart-svg\"") == 5
    assert "<title id=\"chart-answers-svg-title\">依申请公开按期答复情况</title>" in text
    assert "“依申请公开按期答复情况”的数据" in text  # each chart has its table
    assert "50%" in text and "（七）总计" in text
    assert 'href="/statistics/"' in text and 'aria-current="page"' in text  # linked from the column's menu


def test_one_office_on_the_page(client, figures):
    with at(TODAY, 12):
        text = client.get(URL, {"office": str(figures.office_b.pk)}).text
    assert "总体情况（装备工业处）" in text
    assert "<th scope=\"row\">政策法规处</th>" not in text and "<th scope=\"row\">装备工业处</th>" in text


def test_the_page_in_english(client, figures):
    client.cookies["django_language"] = "en"
    with at(TODAY, 12):
        text = client.get(URL, {"year": "abc"}).text
    assert "Government information disclosure statistics" in text
    assert "Statistics are available for 2025 and 2026 only; 2026 is shown below." in text
    assert "Median time to answer (working days)" in text and ">Statistics</a>" in text


def test_the_previous_year_on_the_page(client, figures):
    with at(TODAY, 12):
        text = client.get(URL, {"year": "2025"}).text
    assert "2025年各处室情况" in text and "上一年" not in text


@pytest.mark.parametrize("query, message", [
    ({"year": "abc"}, "只能查看2025年和2026年的统计"),
    ({"year": "1999"}, "只能查看2025年和2026年的统计"),
    ({"year": "２０２６"}, "只能查看2025年和2026年的统计"),
    ({"office": "999999"}, "没有找到所选的处室"),
    ({"office": "x'; drop"}, "没有找到所选的处室"),
    ({"office": "9" * 40}, "没有找到所选的处室"),
])
def test_bad_query_strings_are_set_aside_with_a_message(client, world, query, message):
    with at(TODAY, 12):
        page = client.get(URL, query)
        download = client.get(reverse("statistics:csv"), query)
    assert page.status_code == 200 and download.status_code == 200
    assert message in page.text
    assert "2026年各处室情况" in page.text


def test_csv_holds_the_figures_of_both_years(client, figures):
    with at(TODAY, 12):
        response = client.get(reverse("statistics:csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:8] == ["年度", "处室", "收到申请（件）", "办结申请（件）", "答复申请（件）", "按期答复（件）", "按期答复率",
                          "答复用时中位数（工作日）"]
    by_key = {(r[0], r[1]): dict(zip(header, r, strict=True)) for r in rows[1:]}
    a = by_key[("2026", "政策法规处")]
    assert (a["收到申请（件）"], a["按期答复（件）"], a["按期答复率"], a["收到举报投诉（件）"], a["举报属实（含部分属实）"]) == (
        "3", "1", "50%", "2", "1")
    assert (a["主动公开政府信息（条）"], a["成文后20个工作日内公开（条）"], a["予以公开"], a["（一）予以公开"]) == ("2", "1", "2", "2")
    assert by_key[("2026", "合计")]["答复申请（件）"] == "3"
    assert by_key[("2025", "合计")]["收到举报投诉（件）"] == "1"


def test_xlsx_holds_the_same_figures_a_sheet_per_year(client, figures):
    with at(TODAY, 12):
        response = client.get(reverse("statistics:xlsx"))
        csv_rows = list(csv.reader(io.StringIO(client.get(reverse("statistics:csv")).content.decode("utf-8-sig"))))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["2025年", "2026年"]
    sheet = book["2026年"]
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True)]
    assert list(rows[0]) == csv_rows[0][1:]
    a = next(r for r in rows if r[0] == "政策法规处")
    csv_a = next(r for r in csv_rows if r[:2] == ["2026", "政策法规处"])
    assert [("" if v is None else str(v)) for v in a] == csv_a[1:]


def test_spreadsheet_cells_never_become_formulas(client, world):
    world.office_b.name = "=HYPERLINK(\"http://evil.invalid\")"
    world.office_b.save()
    with at(TODAY, 12):
        book = load_workbook(io.BytesIO(client.get(reverse("statistics:xlsx")).content))
        text = client.get(reverse("statistics:csv")).content.decode("utf-8-sig")
    names = [r[0] for r in book["2026年"].iter_rows(min_row=5, values_only=True)]
    assert "'=HYPERLINK(\"http://evil.invalid\")" in names
    csv_names = [r[1] for r in csv.reader(io.StringIO(text))]
    assert "'=HYPERLINK(\"http://evil.invalid\")" in csv_names
    assert not any(name.startswith("=") for name in csv_names)


def test_the_cached_page_changes_when_a_case_closes(client, world):
    """Served from the page cache, renewed in the transaction that closes a case."""
    with at(TODAY, 9):
        asked, _secret = consult(world, office=world.office_a)
    with at(TODAY, 12):
        before = client.get(URL).text
        again = client.get(URL).text
        assert again == before  # the stored copy
        services.consultation_answer(consultation=asked, actor=world.drafter_a, answer="答复")
        after = client.get(URL).text
        assert after != before
        assert public_statistics.statistics().of(2026).total.consultations_answered == 1
        # An application closes the same way (the case kernel, portal/cases.py), whichever its kind.
        withdrawn = offline(world, received_on=TODAY)
        assert client.get(URL).text == after
        application_services.application_withdraw(application=withdrawn, reason="不再需要")
        assert client.get(URL).text != after


def test_closing_a_case_does_not_renew_other_cached_pages(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with at(TODAY, 9):
        asked, _secret = consult(world, office=world.office_a)
    with at(TODAY, 12):
        client.get(reverse("disclosure:catalogue"))
        services.consultation_answer(consultation=asked, actor=world.drafter_a, answer="答复")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("disclosure:catalogue")).status_code == 200
    assert len(captured) == 3  # still the stored copy: only the content version was read


def test_the_query_count_does_not_grow_with_the_number_of_cases(client, figures, settings,
                                                                django_assert_max_num_queries):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with at(TODAY, 12), CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    count()  # the first request of a process reads what it then remembers (the site profile)
    few = count()
    for day in (D(2026, 3, 2), D(2026, 4, 6), D(2026, 5, 11)):
        application(figures, figures.office_b, received=day, replied=day + dt.timedelta(days=14))
        with at(day):
            drive_complaint(figures, complaint_report(figures, office=figures.office_b)[0], "replied")
            asked, _secret = consult(figures, office=figures.office_b)
            services.consultation_answer(consultation=asked, actor=figures.drafter_b, answer="答复")
    with django_assert_max_num_queries(few), at(TODAY, 12):
        assert client.get(URL).status_code == 200
    assert count() == few


# --- Table 3 of the annual report, for a finished year --------------------------------------------


def test_a_finished_year_agrees_with_the_annual_reports_table3_cell_for_cell(client, world):
    """The fixture year of the annual report's own tests (every outcome of table 3, carried over,
    closed after midnight on New Year's Eve, never received) seen from 2026: last year's figures
    on the page are table 3's 总计 column as the annual report computes it."""
    from tests.applications.test_report import build_fixture_year

    build_fixture_year(world)
    table3 = report.compute_table3(2025)
    with at(D(2026, 3, 2), 12):
        data = public_statistics.statistics()
        page = client.get(URL, {"year": "2025"}).text
    last = data.of(2025)
    assert last.total.received == table3[report.NEW][report.TOTAL] == 24
    assert last.total.closed == table3[report.CLOSED][report.TOTAL] == 24
    assert {o: last.total.outcomes[o] for o in Outcome.values} == {o: table3[o][report.TOTAL] for o in Outcome.values}
    # Per office, the rows add up to it too (an application not assigned on is its own row).
    for outcome in Outcome.values:
        assert sum(r.outcomes[outcome] for r in last.rows) == table3[outcome][report.TOTAL]
    assert sum(r.received for r in last.rows) == table3[report.NEW][report.TOTAL]
    # Answered on time as the report's facts count them.
    facts = report.compute_facts(2025, table3, report.compute_table4(2025))
    assert (last.total.answered, last.total.answered_on_time) == (facts["replies_sent"], facts["replies_on_time"])
    # And the page shows those numbers in its table 3 block.
    for outcome, label in Outcome.choices:
        assert f"<th scope=\"row\">{label}</th><td class=\"num\">{table3[outcome][report.TOTAL]}</td>" in page
    assert DisclosureApplication.objects.filter(received_on__isnull=True).exists()  # the unconfirmed one


def test_a_record_counts_within_the_limit_up_to_its_twentieth_working_day_m11(world):
    from portal.workdays import add_workdays

    formed = D(2026, 9, 1)
    record(world, world.office_a, formed=formed, published=add_workdays(formed, 20).date, title="第二十个工作日")
    record(world, world.office_a, formed=formed, published=add_workdays(formed, 21).date, title="第二十一个工作日")
    record(world, world.office_b, formed=D(2019, 5, 6), published=D(2026, 3, 2), title="多年前成文")
    data = public_statistics.statistics(today=TODAY).of(2026)
    a, b = row(data, world.office_a), row(data, world.office_b)
    assert (a.records_published, a.records_within_limit) == (2, 1)
    assert (b.records_published, b.records_within_limit) == (1, 0)

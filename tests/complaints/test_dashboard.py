"""The supervision and assessment dashboard (M.18, M.20) on a small data set whose figures are
worked out by hand below, for a year, a quarter and a custom period; its page, charts and XLSX."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications import services as applications
from complaints import assessment, services
from complaints.assessment import Period
from disclosure import services as services_disclosure
from disclosure.models import DisclosureAttribute, Record
from tests.applications.conftest import REMEDIES_TEXT, send_reply
from tests.complaints.conftest import at, consult, drive_complaint, report
from tests.conftest import S, drive, load_world, new_draft, rows_for_the_module
from tests.factories import ApplicationFactory

D = dt.date
TODAY = D(2026, 11, 30)
LETTER = f"<p>告知书正文</p><p>{REMEDIES_TEXT}</p>"


def record(world, office, *, formed: dt.date, published: dt.date, title: str):
    with at(published):
        return drive(world, new_draft(world, office=office, date_formed=formed, title=title), S.PUBLISHED)


def application(world, office, *, received: dt.date, replied: dt.date | None, rating: int | None = None):
    with at(received, 9):
        item = ApplicationFactory(received_on=received)
        drafter = world.drafter_a if office == world.office_a else world.drafter_b
        item = applications.application_assign(application=item, actor=world.disclosure, office=office)
    if replied:
        with at(replied):
            item = applications.application_draft_reply(application=item, actor=drafter, outcome="disclosed",
                                                        letter_html=LETTER)
            item = send_reply(item, world.disclosure)
        if rating:
            with at(replied + dt.timedelta(days=1)):
                applications.application_rate(application=item, rating=rating)
    return item


@pytest.fixture(scope="module")
def figures_module_rows(django_db_setup, django_db_blocker):
    """The hand-computed set, built once for the module's tests, which only read it (issue #17)."""
    with rows_for_the_module(django_db_blocker) as unblocked:
        with unblocked():
            build_figures(load_world())
        yield


@pytest.fixture
def figures(world, figures_module_rows):
    """The agency, with the hand-computed set in the database."""
    return world


def build_figures(world):
    """The hand-computed set. For 2026, office A (政策法规处) and office B (装备工业处):

    records     A: formed 09-01 published 09-10 (in time); formed 08-03 published 10-12 (due 08-31: late);
                A: published 2025-12-01 (other year).  B: formed 11-02 published 11-03 (in time)
    applications A: received 09-21 (due 10-26) replied 10-20, rated 5; received 06-01 (due 06-30) replied
                07-15 (late); received 10-09 (due 11-05: 10-10 is a make-up working day) still open: overdue.  B: received 09-21 replied
                10-22, rated 2
    complaints  A: 03-02 substantiated, rated 3; 04-01 not substantiated; 2025-12-10 (other year).
                B: 05-06 declined
    consultations A: received 07-01 answered 07-03, rated 4; received 02-02 (due 02-28, a make-up working day) answered 03-30 (late)
    survey      05-05 (4, 3, 5); 06-06 (2, 5, 3); 2025-12-01 (1, 1, 1, other year)
    findings    A: 08-01
    """
    a, b = world.office_a, world.office_b
    record(world, a, formed=D(2026, 9, 1), published=D(2026, 9, 10), title="按期发布的通知")
    record(world, a, formed=D(2026, 8, 3), published=D(2026, 10, 12), title="超期发布的通知")
    record(world, a, formed=D(2025, 11, 20), published=D(2025, 12, 1), title="上一年的通知")
    record(world, b, formed=D(2026, 11, 2), published=D(2026, 11, 3), title="装备工业处的通知")

    application(world, a, received=D(2026, 9, 21), replied=D(2026, 10, 20), rating=5)
    application(world, a, received=D(2026, 6, 1), replied=D(2026, 7, 15))
    application(world, a, received=D(2026, 10, 9), replied=None)
    application(world, b, received=D(2026, 9, 21), replied=D(2026, 10, 22), rating=2)

    with at(D(2026, 3, 2)):
        substantiated = drive_complaint(world, report(world, anonymous=True)[0], "replied")
        services.complaint_rate(complaint=substantiated, rating=3)
    with at(D(2026, 4, 1)):
        drive_complaint(world, report(world)[0], "replied", result="not_substantiated")
    with at(D(2025, 12, 10)):
        drive_complaint(world, report(world)[0], "replied")
    with at(D(2026, 5, 6)):
        drive_complaint(world, report(world, office=b)[0], "declined")

    with at(D(2026, 7, 1)):
        quick, _secret = consult(world, office=a)
    with at(D(2026, 7, 3)):
        quick = services.consultation_answer(consultation=quick, actor=world.drafter_a, answer="答复")
        services.consultation_rate(consultation=quick, rating=4)
    with at(D(2026, 2, 2)):
        slow, _secret = consult(world, office=a)
    with at(D(2026, 3, 30)):
        services.consultation_answer(consultation=slow, actor=world.drafter_a, answer="答复")

    for day, scores in ((D(2026, 5, 5), (4, 3, 5)), (D(2026, 6, 6), (2, 5, 3)), (D(2025, 12, 1), (1, 1, 1))):
        with at(day):
            services.survey_submit(overall=scores[0], findability=scores[1], timeliness=scores[2])
    with at(D(2026, 8, 3)):
        services.finding_record(actor=world.supervisor, office=a, title="逾期答复", facts="经查属实",
                                measure="criticism", decided_on=D(2026, 8, 1))
    return world


def row(data, office):
    return next(r for r in data.rows if r.office_id == office.pk)


def test_the_year_by_office(figures):
    world = figures
    data = assessment.dashboard(period=Period.year(2026), today=TODAY)
    a, b = row(data, world.office_a), row(data, world.office_b)
    assert (a.records_published, a.records_on_time, a.records_late) == (2, 1, 1)
    assert (a.applications_replied, a.applications_on_time, a.applications_late, a.applications_open_overdue) == (
        2, 1, 1, 1)
    assert (a.complaints_received, a.complaints_substantiated) == (2, 1)
    assert (a.consultations_answered, a.consultations_on_time, a.consultations_late) == (2, 1, 1)
    assert (a.rating_count, a.rating_average) == (2, 4.5)  # (5 + 4) / 2: the complaint's 3 is not A's
    assert a.findings == 1
    assert (b.records_published, b.records_late, b.applications_replied, b.applications_late) == (1, 0, 1, 0)
    assert (b.complaints_received, b.complaints_substantiated, b.consultations_answered) == (1, 0, 0)
    assert (b.rating_count, b.rating_average, b.findings) == (1, 2.0, 0)
    total = data.total
    assert (total.records_published, total.records_late, total.applications_replied, total.applications_late,
            total.applications_open_overdue, total.complaints_received, total.complaints_substantiated,
            total.consultations_answered, total.consultations_late, total.rating_count, total.findings) == (
        3, 1, 3, 1, 1, 3, 1, 2, 1, 4, 1)
    assert total.rating_average == 3.5  # (5 + 3 + 4 + 2) / 4
    supervision = row(data, world.supervision_office)
    assert (supervision.rating_count, supervision.rating_average) == (1, 3.0)  # the reporter rated its handling
    assert supervision.complaints_received == 0
    assert [(s.label, s.count, s.average) for s in data.ratings] == [
        ("依申请公开", 2, 3.5), ("举报投诉", 1, 3.0), ("咨询", 1, 4.0)]
    assert (data.survey.count, data.survey.overall, data.survey.findability, data.survey.timeliness) == (
        2, 3.0, 4.0, 4.0)
    assert [f.title for f in data.findings] == ["逾期答复"]


def test_a_quarter_and_a_custom_period(figures):
    world = figures
    q3 = assessment.dashboard(period=Period.quarter(2026, 3), today=TODAY)
    a = row(q3, world.office_a)
    assert (q3.period.start, q3.period.end) == (D(2026, 7, 1), D(2026, 9, 30))
    assert (a.records_published, a.records_late, a.applications_replied, a.applications_late) == (1, 0, 1, 1)
    assert (a.applications_open_overdue, a.complaints_received, a.consultations_answered) == (0, 0, 1)
    assert (a.rating_count, a.rating_average, a.findings) == (1, 4.0, 1)
    assert row(q3, world.supervision_office).rating_count == 0
    october = assessment.dashboard(period=Period.custom(D(2026, 10, 1), D(2026, 10, 31)), today=TODAY)
    assert (row(october, world.office_a).records_late, row(october, world.office_a).applications_on_time) == (1, 1)
    assert row(october, world.office_b).applications_on_time == 1
    november = assessment.dashboard(period=Period.custom(D(2026, 11, 1), D(2026, 11, 30)), today=TODAY)
    assert row(november, world.office_a).applications_open_overdue == 1  # due 11-05, still open
    early = assessment.dashboard(period=Period.custom(D(2026, 11, 1), D(2026, 11, 30)), today=D(2026, 11, 5))
    assert row(early, world.office_a).applications_open_overdue == 0  # not overdue on its due day


def test_one_office_only(figures):
    data = assessment.dashboard(period=Period.year(2026), office=figures.office_b, today=TODAY)
    assert [r.name for r in data.rows] == ["装备工业处"]
    assert data.total.records_published == 1 and data.total.rating_count == 1 and not data.findings
    office_a = assessment.dashboard(period=Period.year(2026), office=figures.office_a, today=TODAY)
    assert office_a.total.rating_count == 2 and [s.count for s in office_a.ratings] == [1, 0, 1]
    supervision = assessment.dashboard(period=Period.year(2026), office=figures.supervision_office, today=TODAY)
    assert (supervision.total.rating_count, supervision.total.rating_average) == (1, 3.0)


def test_m11_counts_proactive_records_only_and_flags_the_unpublished_overdue(figures):
    """M.11's 20 working days are a proactive record's: an on-request record published late is not
    'late'. A proactive record still in the workflow past its due date is counted as overdue,
    not yet published, in the period of its due date."""
    world = figures
    b = world.office_b
    record(world, b, formed=D(2026, 8, 3), published=D(2026, 10, 12), title="依申请公开的信息")
    Record.objects.filter(title="依申请公开的信息").update(attribute=DisclosureAttribute.ON_REQUEST)
    with at(D(2026, 9, 1)):
        new_draft(world, office=b, date_formed=D(2026, 9, 1), title="仍在起草的通知")  # due 2026-09-29
        in_review = new_draft(world, office=b, date_formed=D(2026, 9, 1), title="仍在审核的通知")
        services_disclosure.record_submit(record=in_review, actor=world.drafter_b)
        new_draft(world, office=b, date_formed=D(2026, 9, 1), title="依申请公开的草稿",
                  attribute=DisclosureAttribute.ON_REQUEST)
    with at(D(2026, 11, 20)):  # a date formed is never in the future (M.11)
        new_draft(world, office=b, date_formed=D(2026, 11, 20), title="尚未到期的草稿")
    data = assessment.dashboard(period=Period.year(2026), today=TODAY)
    office_b = row(data, b)
    assert (office_b.records_published, office_b.records_late, office_b.records_open_overdue) == (1, 0, 2)
    assert data.total.records_open_overdue == 2
    assert row(assessment.dashboard(period=Period.quarter(2026, 3), today=TODAY), b).records_open_overdue == 2
    assert row(assessment.dashboard(period=Period.quarter(2026, 4), today=TODAY), b).records_open_overdue == 0
    early = assessment.dashboard(period=Period.year(2026), today=D(2026, 9, 29))
    assert row(early, b).records_open_overdue == 0  # not overdue on its due day


def test_the_page_says_where_complaint_ratings_go_and_charts_consultations(client, figures):
    with at(TODAY, 12):
        client.force_login(figures.supervisor)
        text = client.get(reverse("admin:complaints_assessment_changelist"), {"kind": "year", "year": "2026"}).text
    assert "举报投诉的评价是举报人对厅监察室办理工作的评价，计入厅监察室，不计入被投诉处室。" in text
    chart = text.split('id="chart-consultations-title"')[1].split("</figure>")[0]
    assert "咨询按期答复情况" in chart
    assert "<title>政策法规处 · 按期答复：1</title>" in chart and "<title>政策法规处 · 逾期答复：1</title>" in chart
    assert 'style="' not in chart
    assert "逾期未公开" in text


def test_the_page_shows_tables_and_inline_charts(client, figures):
    client.force_login(figures.supervisor)
    with at(TODAY, 12):
        client.force_login(figures.supervisor)
        page = client.get(reverse("admin:complaints_assessment_changelist"), {"kind": "year", "year": "2026"})
    assert page.status_code == 200
    text = page.text
    assert "2026年（2026-01-01 至 2026-12-31）" in text
    assert text.count("<svg class=\"chart-svg\"") == 5
    assert 'class="bar-late"' in text and "<title>政策法规处 · 超过20个工作日：1</title>" in text
    body = text.split('id="content-main"')[1]
    assert 'style="' not in body and "<script" not in body  # CSP: no inline style or script
    assert not re.search(r'(src|href)="https?://', body)  # nothing from another host
    assert "3.5" in text and "逾期答复" in text


@pytest.mark.parametrize(("query", "label"), [
    ({"kind": "quarter", "year": "2026", "quarter": "3"}, "2026年第3季度"),
    ({"kind": "custom", "start": "2026-10-01", "end": "2026-10-31"}, "2026-10-01 — 2026-10-31"),
])
def test_the_period_form(client, world, query, label):
    client.force_login(world.disclosure)
    page = client.get(reverse("admin:complaints_assessment_changelist"), query)
    assert page.status_code == 200 and label in page.text


@pytest.mark.parametrize("query", [
    {"kind": "custom", "start": "2026-10-31", "end": "2026-10-01"},
    {"kind": "custom", "start": "2000-01-01", "end": "2026-12-31"},
    {"kind": "custom"},
    {"kind": "quarter", "year": "99999", "quarter": "7"},
    {"kind": "nonsense", "office": "abc"},
])
def test_a_bad_period_falls_back_to_this_year_with_a_message(client, world, query):
    client.force_login(world.supervisor)
    page = client.get(reverse("admin:complaints_assessment_changelist"), query)
    assert page.status_code == 200
    assert "errornote" in page.text or "errorlist" in page.text


def test_the_xlsx_export_holds_the_same_figures(client, figures):
    client.force_login(figures.disclosure)
    with at(TODAY, 12):
        client.force_login(figures.disclosure)
        response = client.get(reverse("admin:complaints_assessment_export"), {"kind": "year", "year": "2026"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["各处室", "社会评议", "责任追究"]
    sheet = book["各处室"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=6, values_only=True) if r and r[0]}
    assert rows["政策法规处"] == ("政策法规处", 2, 1, 1, 0, 2, 1, 1, 1, 2, 1, 2, 1, 1, 2, 4.5, 1)
    assert rows["厅监察室"][14:16] == (1, 3.0)
    assert rows["合计"][1:9] == (3, 2, 1, 0, 3, 2, 1, 1) and rows["合计"][15] == 3.5
    ratings = [tuple(v for v in r if v is not None) for r in book["社会评议"].iter_rows(values_only=True)]
    assert ("依申请公开", 2, 3.5) in ratings and ("本期", 2, 3.0, 4.0, 4.0) in ratings
    assert next(book["责任追究"].iter_rows(min_row=2, values_only=True))[:4] == (
        "2026-08-01", "政策法规处", "逾期答复", "批评教育")


def test_spreadsheet_cells_never_become_formulas(client, world):
    world.office_b.name = "=HYPERLINK(\"http://evil.invalid\")"
    world.office_b.save()
    client.force_login(world.supervisor)
    book = load_workbook(io.BytesIO(client.get(reverse("admin:complaints_assessment_export")).content))
    names = [r[0] for r in book["各处室"].iter_rows(min_row=6, values_only=True) if r and r[0]]
    assert "'=HYPERLINK(\"http://evil.invalid\")" in names
    assert all(cell.data_type != "f" for r in book["各处室"].iter_rows() for cell in r)


def test_a_publication_counts_in_the_period_of_its_local_day_at_both_edges(world):
    """The period is read as a range on published_at (issue #22: an index, not a date cast of
    every row); its edges are local midnights, so 00:00 on 1 January is in the year and 23:59:59 on
    31 December of the year before is not (Beijing time, 8 hours ahead of the stored UTC)."""
    from django.utils import timezone

    zone = timezone.get_current_timezone()
    moments = [dt.datetime(2024, 12, 31, 23, 59, 59), dt.datetime(2025, 1, 1, 0, 0),
               dt.datetime(2025, 12, 31, 23, 59, 59), dt.datetime(2026, 1, 1, 0, 0)]
    for i, moment in enumerate(moments):
        published = record(world, world.office_a, formed=D(2024, 12, 20), published=D(2024, 12, 30), title=f"通知{i}")
        Record.objects.filter(pk=published.pk).update(published_at=moment.replace(tzinfo=zone))
    data = assessment.dashboard(period=Period.year(2025), office=world.office_a, today=TODAY)
    assert row(data, world.office_a).records_published == 2

"""The annual report's own record is due when R.49 says, not 20 working days after it was
generated (issue 14, item 7)."""

from __future__ import annotations

import datetime as dt

from applications.annual_report import services as report_services
from applications.models import ApplicantType
from complaints import assessment
from complaints.assessment import Period
from disclosure import services as record_services
from disclosure.models import Record
from portal.admin_site import worklist_for
from portal.models import CalendarDay, Role
from tests.applications.test_report import MANUAL, travel
from tests.conftest import make_user

D = dt.date


def report_record(world, *, year: int, on: str) -> Record:
    """The disclosure office compiles `year` (nothing happened in it) and makes its record on `on`."""
    with travel(on):
        report = report_services.annual_report_generate(year=year, actor=world.disclosure)
        report = report_services.annual_report_update(
            report=report, actor=world.disclosure,
            data={**MANUAL, "previous_carry_over": {ApplicantType.NATURAL_PERSON: 0},
                  "previous_carry_over_source": "上年度报告"})
        return report_services.annual_report_create_record(report=report, actor=world.disclosure)


def test_the_reports_record_is_due_31_january_of_the_next_year_r49(world, tmp_path, settings):
    """Generated 2027-01-25 for 2026: due 2027-01-31 (R.49), not 20 working days later
    (2027-02-22 on Mondays to Fridays; 2027-02-26 with the Spring Festival)."""
    settings.MEDIA_ROOT = tmp_path
    record = report_record(world, year=2026, on="2027-01-25")
    assert (record.due_date, record.due_date_provisional) == (D(2027, 1, 31), False)
    assert "第四十九条" in record.due_period_basis

    # The general office's info officer edits the draft; a calendar change recomputes due dates.
    drafter = make_user("bgs_drafter", Role.DRAFTER, world.general_office)
    with travel("2027-01-26"):
        record.summary = "年度报告"
        record = record_services.record_save_draft(record=record, actor=drafter)
    CalendarDay.objects.create(date=D(2027, 1, 27), is_workday=False, note="临时调整")
    record.refresh_from_db()
    assert record.due_date == D(2027, 1, 31)


def test_a_report_record_made_after_31_january_is_late_from_the_start_r49(world, tmp_path, settings, client):
    """Generated 2027-02-10 for 2026: already past 2027-01-31; the general office's work list
    shows it overdue and, published on 2027-02-12, the dashboard counts it late."""
    settings.MEDIA_ROOT = tmp_path
    record = report_record(world, year=2026, on="2027-02-10")
    assert record.due_date == D(2027, 1, 31)
    drafter = make_user("bgs_drafter", Role.DRAFTER, world.general_office)
    with travel("2027-02-10"):
        [item] = [i for i in worklist_for(drafter) if i.title == record.title]
        assert item.overdue and item.due_date == D(2027, 1, 31)
    head = make_user("bgs_head", Role.DIVISION_HEAD, world.general_office)
    with travel("2027-02-11"):
        record_services.record_submit(record=record, actor=drafter)
        record_services.record_approve_division(record=record, actor=head, no_state_secret=True,
                                                no_commercial_secret=True, no_personal_privacy=True)
    with travel("2027-02-12"):
        record_services.record_approve_confidentiality(record=record, actor=world.disclosure, no_state_secret=True,
                                                       no_commercial_secret=True, no_personal_privacy=True)
        record_services.record_publish(record=record, actor=world.publisher, channels=["column"])
        row = assessment.dashboard(period=Period.quarter(2027, 1), office=world.general_office).rows[0]
    assert (row.records_published, row.records_late) == (1, 1)

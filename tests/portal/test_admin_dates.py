"""The date drill-down of the back-office lists (date_hierarchy), read from the column's index
(portal/admin_dates.py, issue #22): it offers exactly the years, months and days that have rows,
in local time, at a cost that does not depend on the number of rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import ApplicantType, DisclosureApplication
from complaints.models import Complaint, FailureType

APPLICATIONS = "admin:applications_disclosureapplication_changelist"


def _applications(*moments: dt.datetime) -> None:
    zone = timezone.get_current_timezone()
    start = DisclosureApplication.objects.count()
    DisclosureApplication.objects.bulk_create([
        DisclosureApplication(
            tracking_code=f"DH{start + i:08d}", secret_digest="x", applicant_type=ApplicantType.NATURAL_PERSON,
            applicant_name="申请人", identity_document="other", identity_number=f"D{i:09d}", phone="13900000000",
            information_title=f"信息{i}", description="查询", submitted_at=moment.replace(tzinfo=zone))
        for i, moment in enumerate(moments)
    ])


def _choices(client, url: str, parameter: str) -> list[str]:
    """The values of `parameter` the drill-down links to."""
    page = client.get(url).content.decode()
    block = re.search(r'<nav class="toplinks">(.*?)</nav>', page, re.S)
    assert block is not None, "no date drill-down on the page"
    return re.findall(rf"{parameter}=(\d+)", block.group(1).replace("&amp;", "&"))


@pytest.fixture
def staff(client, world):
    client.force_login(world.disclosure)
    return client


def test_the_drill_down_offers_only_the_years_months_and_days_that_have_rows(staff, world):
    # 00:30 on 1 January 2024 in Beijing is still 2023 in UTC: the list counts local days.
    _applications(dt.datetime(2023, 5, 10, 9), dt.datetime(2023, 7, 1, 9), dt.datetime(2023, 7, 20, 9),
                  dt.datetime(2024, 1, 1, 0, 30), dt.datetime(2026, 3, 2, 9))
    url = reverse(APPLICATIONS)
    assert _choices(staff, url, "submitted_at__year") == ["2023", "2024", "2026"]
    assert _choices(staff, url + "?submitted_at__year=2023", "submitted_at__month") == ["5", "7"]
    assert _choices(staff, url + "?submitted_at__year=2023&submitted_at__month=7", "submitted_at__day") == ["1", "20"]
    assert _choices(staff, url + "?submitted_at__year=2024", "submitted_at__month") == ["1"]


def test_a_date_field_drills_down_by_its_dates(client, world):
    client.force_login(world.supervisor)
    Complaint.objects.bulk_create([
        Complaint(tracking_code=f"DC{i:08d}", secret_digest="x", failure_type=FailureType.OTHER, details="举报",
                  received_on=day)
        for i, day in enumerate([dt.date(2024, 2, 29), dt.date(2025, 12, 31), dt.date(2025, 12, 1)])
    ])
    url = reverse("admin:complaints_complaint_changelist")
    assert _choices(client, url, "received_on__year") == ["2024", "2025"]
    assert _choices(client, url + "?received_on__year=2025", "received_on__month") == ["12"]
    assert _choices(client, url + "?received_on__year=2025&received_on__month=12", "received_on__day") == ["1", "31"]


def test_the_drill_down_costs_the_same_queries_at_a_few_and_at_many_rows(staff, world):
    url = reverse(APPLICATIONS)

    def count() -> int:
        staff.get(url)  # per-process caches (the agency, the calendar)
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(url).status_code == 200
        return len(queries)

    _applications(dt.datetime(2021, 1, 5, 9), dt.datetime(2026, 1, 5, 9))
    few = count()
    _applications(*(dt.datetime(2021 + i % 6, 1 + i % 12, 1 + i % 28, 10) for i in range(300)))
    assert count() == few

"""The working-day calendar (R.26, R.30, R.33): official holidays, make-up days, overrides."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from portal.models import CalendarDay, CalendarYear
from portal.workdays import add_workdays, is_provisional, is_workday, workdays_between, workdays_left

D = dt.date
pytestmark = pytest.mark.django_db


def test_worked_example_of_the_design_r33():
    """Received 2026-09-21: the day of receipt does not count; due on the 20th working day."""
    assert add_workdays(D(2026, 9, 21), 20).date == D(2026, 10, 26)


def test_worked_example_with_one_extension_r33():
    due = add_workdays(D(2026, 9, 21), 20).date
    assert add_workdays(due, 20).date == D(2026, 11, 23)


def test_national_day_week_2026_is_off_and_its_make_up_saturday_is_a_working_day():
    assert [is_workday(D(2026, 10, day)) for day in range(1, 8)] == [False] * 7
    assert is_workday(D(2026, 10, 10))  # Saturday, make-up day (调休)
    assert is_workday(D(2026, 9, 20))  # Sunday, make-up day
    assert not is_workday(D(2026, 9, 25))  # Mid-Autumn Festival, a Friday


def test_spring_festival_2026_and_its_make_up_saturdays():
    assert not any(is_workday(D(2026, 2, day)) for day in range(15, 24))
    assert is_workday(D(2026, 2, 14)) and is_workday(D(2026, 2, 28))


def test_ordinary_weekend_is_off():
    assert not is_workday(D(2026, 12, 5))
    assert is_workday(D(2026, 12, 7))


def test_counting_starts_the_day_after_and_zero_days_is_the_start_day():
    assert add_workdays(D(2026, 12, 4), 1).date == D(2026, 12, 7)  # Friday + 1 → Monday
    assert add_workdays(D(2026, 12, 4), 0).date == D(2026, 12, 4)


def test_span_into_an_uncovered_year_falls_back_to_weekdays_and_is_provisional():
    result = add_workdays(D(2026, 12, 15), 20)
    assert result.date == D(2027, 1, 12)
    assert result.provisional
    assert str(result) == "2027-01-12 provisional"
    assert not add_workdays(D(2026, 9, 21), 20).provisional


def test_uncovered_year_never_crashes():
    assert is_workday(D(2031, 3, 3))
    assert is_provisional(D(2031, 3, 3))


def test_admin_override_moves_the_due_date_and_a_complete_year_is_no_longer_provisional():
    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")
    assert add_workdays(D(2026, 12, 15), 20).date == D(2027, 1, 13)
    CalendarYear.objects.create(year=2027, is_complete=True)
    assert not add_workdays(D(2026, 12, 15), 20).provisional


def test_override_beats_the_package_for_a_covered_year():
    CalendarDay.objects.create(date=D(2026, 12, 7), is_workday=False, note="临时调整")
    CalendarDay.objects.create(date=D(2026, 12, 5), is_workday=True, note="调休上班")
    assert not is_workday(D(2026, 12, 7))
    assert is_workday(D(2026, 12, 5))
    assert add_workdays(D(2026, 12, 4), 1).date == D(2026, 12, 5)


def test_working_days_between_two_dates():
    assert workdays_between(D(2026, 9, 21), D(2026, 10, 26)) == 20
    assert workdays_between(D(2026, 10, 26), D(2026, 9, 21)) == -20
    assert workdays_between(D(2026, 10, 1), D(2026, 10, 7)) == 0


def test_days_left_is_zero_on_the_due_day_and_negative_after():
    assert workdays_left(D(2026, 10, 26), today=D(2026, 10, 26)) == 0
    assert workdays_left(D(2026, 10, 26), today=D(2026, 10, 23)) == 1
    assert workdays_left(D(2026, 10, 26), today=D(2026, 10, 27)) == -1


def test_long_run_of_overrides_beyond_the_prefetched_window_is_still_counted():
    for offset in range(1, 60):
        CalendarDay.objects.create(date=D(2030, 1, 1) + dt.timedelta(days=offset), is_workday=False)
    assert add_workdays(D(2030, 1, 1), 1).date == D(2030, 3, 4)  # first weekday after the closure


def test_workdays_command_prints_the_date():
    out = StringIO()
    call_command("workdays", "2026-09-21", "20", stdout=out)
    assert out.getvalue().strip() == "2026-10-26"


def test_workdays_command_marks_provisional_results():
    out = StringIO()
    call_command("workdays", "2026-12-15", "20", stdout=out)
    assert out.getvalue().strip() == "2027-01-12 provisional"


def test_workdays_command_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("workdays", "21/09/2026", "20")

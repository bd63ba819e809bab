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
    """2026-12-15 + 20: twelve working days in December, 元旦 (Friday 2027-01-01) off, due the
    13th (2027-01-12 before the statutory holidays were applied in the fallback)."""
    result = add_workdays(D(2026, 12, 15), 20)
    assert result.date == D(2027, 1, 13)
    assert result.provisional
    assert str(result) == "2027-01-13 provisional"
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
    assert out.getvalue().strip() == "2027-01-13 provisional"


def test_workdays_command_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("workdays", "21/09/2026", "20")


# --- Years the package does not know: the statutory holidays still apply (issue 14, item 8) ---


def test_new_years_day_2027_is_off_in_the_fallback_quanguo_nianjie_fangjia_banfa():
    """2026-12-31 (Thursday) + 1 working day: not Friday 2027-01-01 (元旦, 《全国年节及纪念日
    放假办法》第二条), but Monday 2027-01-04 — and provisional until 2027's arrangement is entered."""
    result = add_workdays(D(2026, 12, 31), 1)
    assert result.date == D(2027, 1, 4)
    assert result.provisional
    assert not is_workday(D(2027, 1, 1))


def test_statutory_holidays_2027_by_the_solar_and_lunar_calendar_quanguo_nianjie_fangjia_banfa():
    """2027: 春节 除夕 Fri 02-05 to 初三 Mon 02-08, its Saturday and Sunday made up on Tue 02-09 and
    Wed 02-10 (第六条); 清明 Mon 04-05; 劳动节 Sat 05-01 and Sun 05-02, made up Mon 05-03 and
    Tue 05-04; 端午 Wed 06-09; 中秋 Wed 09-15; 国庆 Fri 10-01 to Sun 10-03, made up 10-04, 10-05."""
    from portal.workdays import statutory_holidays

    assert statutory_holidays(2027) == {
        D(2027, 1, 1),
        D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8), D(2027, 2, 9), D(2027, 2, 10),
        D(2027, 4, 5),
        D(2027, 5, 1), D(2027, 5, 2), D(2027, 5, 3), D(2027, 5, 4),
        D(2027, 6, 9),
        D(2027, 9, 15),
        D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3), D(2027, 10, 4), D(2027, 10, 5),
    }
    assert [is_workday(D(2027, 2, day)) for day in range(4, 12)] == [
        True, False, False, False, False, False, False, True]
    assert is_provisional(D(2027, 6, 9))


@pytest.mark.parametrize("year", [2025, 2026])
def test_computed_statutory_holidays_agree_with_the_official_arrangement(year):
    """Every day the fallback computes for a year the package does know (under the 2024 rules)
    is a day off in the State Council's arrangement for it: the lunar and solar-term dates and
    the make-up rule are right, not only plausible."""
    import chinese_calendar

    from portal.workdays import statutory_holidays

    days = statutory_holidays(year)
    assert len(days) >= 13
    assert [day for day in sorted(days) if chinese_calendar.is_workday(day)] == []


def test_an_override_still_beats_the_statutory_fallback():
    CalendarDay.objects.create(date=D(2027, 2, 10), is_workday=True, note="调休上班")
    assert is_workday(D(2027, 2, 10))

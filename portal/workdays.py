"""The working-day calendar behind every statutory clock (M.11, R.26, R.30, R.32, R.33).

Sources, strongest first:
1. overrides kept in the database (`CalendarDay`), edited in the back office;
2. the official arrangement of holidays and make-up workdays (调休) shipped in the
   `chinesecalendar` package, for the years it covers;
3. Monday to Friday less the holidays fixed by law in 《全国年节及纪念日放假办法》 (as amended
   in 2024, `statutory_holidays`), with the law's own make-up day for a holiday that falls on a
   weekend. The State Council's yearly arrangement moves days around these (调休), so a result
   that rests on this fallback for a year whose arrangement has not been entered (no
   `CalendarYear` marked complete) is *provisional*: callers show a warning.

Counting rule (R.33 and the general rule for periods in Chinese law): the starting day does not
count; a period of N working days ends on the Nth working day after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import chinese_calendar
from lunardate import LunarDate

# Longest run of consecutive days off that can occur (the Spring Festival week plus weekends),
# with a wide margin: used to size the window of overrides fetched in one query.
MAX_DAYS_OFF_IN_A_ROW = 16


@dataclass(frozen=True)
class WorkdayResult:
    date: dt.date
    provisional: bool

    def __str__(self) -> str:
        return self.date.isoformat() + (" provisional" if self.provisional else "")


@cache
def package_covers(year: int) -> bool:
    """Whether `chinesecalendar` knows the official arrangement for `year`.

    The package raises NotImplementedError for years it does not know; we ask once per year.
    """
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _qingming(year: int) -> dt.date | None:
    """清明: the solar term, between 4 and 6 April (computed by `chinesecalendar`, 1900–2100)."""
    try:
        terms = chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 30))
    except NotImplementedError:
        return None
    return next((day for day, name in terms if name == "清明"), None)


def _lunar(year: int, month: int, day: int) -> dt.date | None:
    try:
        return LunarDate(year, month, day).to_solar_date()
    except ValueError:  # outside the tables of `lunardate` (lunar years 1900–2099)
        return None


@cache
def _package_is_workday(day: dt.date) -> bool:
    # The package's tables do not change while the process runs, and it checks the date on every
    # call: a clock or a work list asks about the same few hundred days again and again.
    return chinese_calendar.is_workday(day)


@cache
def statutory_holidays(year: int) -> frozenset[dt.date]:
    """The days off for everyone fixed by 《全国年节及纪念日放假办法》 (State Council, as amended
    on 2024-11-10, in force from 2025): 元旦 1 January; 春节 农历除夕 and 正月初一 to 初三; 清明
    (the solar term); 劳动节 1–2 May; 端午 农历五月初五; 中秋 农历八月十五; 国庆 1–3 October.

    Article 6: such a holiday that falls on a Saturday or Sunday is made up on a working day;
    here on the first weekdays after the festival. The yearly arrangement (调休, make-up
    Saturdays) is the State Council's and is entered as overrides; it is not guessed here.
    Festivals whose lunar or solar-term date cannot be computed for `year` are left out."""
    new_year = _lunar(year, 1, 1)
    festivals = [
        [dt.date(year, 1, 1)],
        [new_year + dt.timedelta(days=offset) for offset in range(-1, 3)] if new_year else [],
        [day] if (day := _qingming(year)) else [],
        [dt.date(year, 5, 1), dt.date(year, 5, 2)],
        [day] if (day := _lunar(year, 5, 5)) else [],
        [day] if (day := _lunar(year, 8, 15)) else [],
        [dt.date(year, 10, day) for day in (1, 2, 3)],
    ]
    days = {day for festival in festivals for day in festival}
    for festival in festivals:
        make_up = sum(1 for day in festival if day.weekday() >= 5)
        day = max(festival, default=None)
        while make_up and day is not None:
            day += dt.timedelta(days=1)
            if day.weekday() < 5 and day not in days:
                days.add(day)
                make_up -= 1
    return frozenset(day for day in days if day.year == year)


def fallback_is_workday(day: dt.date) -> bool:
    """A year the package does not know: Monday to Friday, less the statutory holidays."""
    return day.weekday() < 5 and day not in statutory_holidays(day.year)


class Calendar:
    """A snapshot of the overrides for a window of dates; answers many questions with one query.

    Build one per computation (`Calendar.for_window`) so that a change in the back office is seen
    by the next computation on any app server; there is no process-wide cache to invalidate.
    """

    def __init__(self, overrides: dict[dt.date, bool], complete_years: set[int]):
        self.overrides = overrides
        self.complete_years = complete_years

    @classmethod
    def for_window(cls, start: dt.date, end: dt.date) -> Calendar:
        from portal.models import CalendarDay, CalendarYear

        low, high = min(start, end), max(start, end)
        overrides = dict(
            CalendarDay.objects.filter(date__gte=low, date__lte=high).values_list("date", "is_workday")
        )
        complete = set(
            CalendarYear.objects.filter(year__gte=low.year, year__lte=high.year, is_complete=True).values_list(
                "year", flat=True
            )
        )
        return cls(overrides, complete)

    def year_is_provisional(self, year: int) -> bool:
        return not package_covers(year) and year not in self.complete_years

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if package_covers(day.year):
            return _package_is_workday(day)
        return fallback_is_workday(day)

    def add(self, start: dt.date, n: int) -> WorkdayResult:
        if n < 0:
            raise ValueError("n must not be negative")
        day, counted, provisional = start, 0, False
        while counted < n:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
            provisional = provisional or self.year_is_provisional(day.year)
        return WorkdayResult(day, provisional)

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return count


def _window_for(start: dt.date, n: int) -> dt.date:
    # n working days never span more than n * 7/5 calendar days plus the longest holiday run.
    return start + dt.timedelta(days=(n * 7) // 5 + MAX_DAYS_OFF_IN_A_ROW * (1 + n // 40) + 7)


def is_workday(day: dt.date) -> bool:
    return Calendar.for_window(day, day).is_workday(day)


def is_provisional(day: dt.date) -> bool:
    return Calendar.for_window(day, day).year_is_provisional(day.year)


def add_workdays(start: dt.date, n: int) -> WorkdayResult:
    """The Nth working day after `start` (the start day itself never counts)."""
    end = _window_for(start, n)
    while True:
        result = Calendar.for_window(start, end).add(start, n)
        if result.date <= end:
            return result
        # An unusually long run of days off ran past the overrides fetched: fetch further.
        end = result.date + dt.timedelta(days=MAX_DAYS_OFF_IN_A_ROW * 4)


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` < `start`)."""
    return Calendar.for_window(start, end).between(start, end)


def workdays_left(due: dt.date, today: dt.date | None = None) -> int:
    """Days left until `due` as shown in work lists: 0 on the due day, negative when overdue."""
    from django.utils import timezone

    today = today or timezone.localdate()
    return workdays_between(today, due)


def workdays_left_many(dues, today: dt.date | None = None) -> dict[dt.date, int]:
    """`workdays_left` for many due dates with one calendar query (for work lists)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    dues = {d for d in dues if d is not None}
    if not dues:
        return {}
    calendar = Calendar.for_window(min(dues | {today}), max(dues | {today}))
    return {due: calendar.between(today, due) for due in dues}

"""The one clock helper of the suite: travel to a day and an hour of the agency's time zone.

Deadlines, reminders and publication times are counted in Beijing time (settings.TIME_ZONE);
the clock is stopped (tick=False), so a test sees exactly the moment it names."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone


def moment(day: dt.date | str, hour: int = 10, minute: int = 0) -> dt.datetime:
    """`day` (a date or "2026-11-02") at hour:minute in the agency's time zone."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_default_timezone())


def at(day: dt.date | str, hour: int = 10, minute: int = 0) -> time_machine.travel:
    """`with at(D(2026, 11, 2)):` — the clock stopped at 10:00 that day (or `hour`:`minute`)."""
    return time_machine.travel(moment(day, hour, minute), tick=False)

"""The shape of a work-list line, shared by every app that contributes to the back office's
landing page (see admin_site.worklist_for)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _


@dataclass
class WorkItem:
    title: str
    url: str
    kind: str
    office: str
    step: str
    due_date: date | None
    days_left: int | None
    overdue: bool
    provisional: bool = False
    note: str = ""
    # Shown before everything else, longest waiting first (online applications awaiting
    # confirmation: their receipt date, and so their clock, starts only then, R.31).
    pinned: bool = False
    waiting_since: datetime | None = None
    waiting: str = ""  # how long it has waited, in words ("已等待 3 小时")

    def sort_key(self) -> tuple:
        waited = self.waiting_since.timestamp() if self.waiting_since else float("inf")
        return (not self.pinned, waited if self.pinned else 0, not self.overdue, self.due_date or date.max)

    @property
    def overdue_by(self) -> int:
        return max(0, -(self.days_left or 0))


def waited_text(since: datetime, *, now: datetime | None = None, calendar=None) -> str:
    """How long something has waited, as a work list says it: in working days once a working day
    has passed since (portal.workdays: the day itself does not count), else in hours."""
    from django.utils import timezone
    from django.utils.translation import ngettext

    from portal.workdays import Calendar

    now = now or timezone.now()
    start, today = timezone.localtime(since).date(), timezone.localtime(now).date()
    calendar = calendar or Calendar.for_window(min(start, today), today)
    days = calendar.between(start, today)
    if days >= 1:
        return ngettext("已等待 %(n)d 个工作日", "已等待 %(n)d 个工作日", days) % {"n": days}
    hours = max(0, int((now - since).total_seconds() // 3600))
    if hours < 1:
        return str(_("已等待不到 1 小时"))
    return ngettext("已等待 %(n)d 小时", "已等待 %(n)d 小时", hours) % {"n": hours}

"""The shape of a work-list line, shared by every app that contributes to the back office's
landing page (see admin_site.worklist_for)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


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

    @property
    def overdue_by(self) -> int:
        return max(0, -(self.days_left or 0))

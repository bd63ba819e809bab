"""The clocks of complaints and consultations, derived from their events (STYLE.md 5).

- A complaint or report is handled and the reporter answered within COMPLAINT_REPLY_WORKING_DAYS
  working days (default 15) of the day it was received; a consultation is answered within
  CONSULTATION_REPLY_WORKING_DAYS (default 15). The Measures leave the number to the agency
  (M.10, M.19: 及时受理、处理), so it is a setting.
- The day of receipt does not count (the rule of R.33 used throughout the portal): the due date
  is the Nth working day after it, on the official calendar (portal/workdays.py).
- The number in force when a case arrives is written into its first event, so changing the
  setting later never moves the due dates of cases already received.
- When the supervision office asks the office concerned for an explanation, that office has
  COMPLAINT_EXPLANATION_WORKING_DAYS (default 5) working days, within the complaint's own time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from portal.cases import Clock as CaseClock
from portal.cases import ClockLine
from portal.workdays import add_workdays


def complaint_reply_days() -> int:
    return int(getattr(settings, "COMPLAINT_REPLY_WORKING_DAYS", 15))


def consultation_reply_days() -> int:
    return int(getattr(settings, "CONSULTATION_REPLY_WORKING_DAYS", 15))


def explanation_days() -> int:
    return int(getattr(settings, "COMPLAINT_EXPLANATION_WORKING_DAYS", 5))


@dataclass
class Clock(CaseClock):
    """The case clock, and for a complaint the office's explanation period within it."""

    explanation_due: dt.date | None = None


def _add(clock: Clock, start: dt.date, days: int) -> dt.date:
    result = add_workdays(start, days)
    clock.provisional = clock.provisional or result.provisional
    return result.date


def compute_complaint(events) -> Clock:
    """Replay a complaint's events (with .kind, .on, .data, in order) into its due dates."""
    from complaints.models import ComplaintEventKind as K

    clock = Clock()
    for event in events:
        if event.kind == K.SUBMITTED:
            days = int(event.data.get("days") or complaint_reply_days())
            clock.received = event.on
            clock.due = _add(clock, event.on, days)
            clock.lines.append(ClockLine(event.on, _("收到举报投诉；收到之日不计入，应在其后第 %(n)d 个工作日内办结并答复。")
                                         % {"n": days}, clock.due))
        elif event.kind == K.EXPLANATION_REQUESTED:
            days = int(event.data.get("days") or explanation_days())
            clock.explanation_due = _add(clock, event.on, days)
            clock.lines.append(ClockLine(event.on, _("要求被投诉处室在 %(n)d 个工作日内作出说明；说明时间计入办理期限。")
                                         % {"n": days}, clock.explanation_due))
        elif event.kind == K.EXPLANATION_GIVEN:
            clock.explanation_due = None
            clock.lines.append(ClockLine(event.on, _("被投诉处室已作出说明。")))
        elif event.kind == K.EXPLANATION_WITHDRAWN:
            clock.explanation_due = None
            clock.lines.append(ClockLine(event.on, _("厅监察室撤回说明要求。")))
        elif event.kind == K.CONCLUDED and event.data.get("without_explanation"):
            clock.explanation_due = None
            clock.lines.append(ClockLine(event.on, _("被投诉处室未在说明期限内作出说明，厅监察室查结。")))
        elif event.kind in (K.REPLIED, K.DECLINED):
            clock.lines.append(ClockLine(event.on, _("办结：%(what)s。") % {"what": event.get_kind_display()}))
    return clock


def compute_consultation(events) -> Clock:
    from complaints.models import ConsultationEventKind as K

    clock = Clock()
    for event in events:
        if event.kind == K.SUBMITTED:
            days = int(event.data.get("days") or consultation_reply_days())
            clock.received = event.on
            clock.due = _add(clock, event.on, days)
            clock.lines.append(ClockLine(event.on, _("收到咨询；收到之日不计入，应在其后第 %(n)d 个工作日内答复。")
                                         % {"n": days}, clock.due))
        elif event.kind == K.ANSWERED:
            clock.lines.append(ClockLine(event.on, _("已答复。")))
    return clock


def on_time(done: dt.date | None, due: dt.date | None) -> bool | None:
    if not (done and due):
        return None
    return done <= due

"""The statutory clock of an application, derived from its events (R.30, R.31, R.32, R.33).

- The day of receipt does not count; the reply is due on the 20th working day after it (R.33).
- A supplement request (补正, R.30) stops the clock; the 20 days count again in full from the
  day the supplement arrives.
- Time spent consulting a third party (R.32) does not count (R.33(3)): its working days are
  added to the due date when the consultation ends.
- An information processing fee notice stops the clock; it runs again in full from the day the
  fee is received (国办函〔2020〕109号).
- One extension of at most 20 working days, approved by the disclosure office (R.33(2)).

`compute()` replays the events and explains every step, for the "how was this computed" view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from portal.workdays import add_workdays, workdays_between

REPLY_WORKING_DAYS = 20  # R.33
MAX_EXTENSION_WORKING_DAYS = 20  # R.33(2)
SUPPLEMENT_REQUEST_WITHIN = 7  # R.30: the supplement is requested within 7 working days of receipt
THIRD_PARTY_WORKING_DAYS = 15  # R.32


@dataclass
class ClockLine:
    on: dt.date
    text: str
    due: dt.date | None = None


@dataclass
class Clock:
    due: dt.date | None = None
    provisional: bool = False
    paused: bool = False
    received: dt.date | None = None
    lines: list[ClockLine] = field(default_factory=list)


def compute(events) -> Clock:
    """Replay `events` (objects with .kind, .on, .data, in order) into a due date."""
    from applications.models import EventKind as K

    clock = Clock()
    pause_started: dt.date | None = None

    def add(start: dt.date, days: int) -> dt.date:
        result = add_workdays(start, days)
        clock.provisional = clock.provisional or result.provisional
        return result.date

    for event in events:
        kind, on = event.kind, event.on
        if kind == K.RECEIVED:
            clock.received = on
            clock.due = add(on, REPLY_WORKING_DAYS)
            clock.lines.append(ClockLine(on, _("收到申请；收到之日不计入，答复期限为其后第20个工作日（条例第三十三条）。"), clock.due))
        elif kind == K.SUPPLEMENT_REQUESTED:
            clock.paused = True
            clock.lines.append(ClockLine(on, _("告知补正，期限暂停；补正期限为 %(date)s（条例第三十条）。")
                                         % {"date": event.data.get("deadline", "—")}))
        elif kind == K.SUPPLEMENT_RECEIVED:
            clock.paused = False
            clock.due = add(on, REPLY_WORKING_DAYS)
            clock.lines.append(ClockLine(on, _("收到补正；答复期限自收到补正之日起重新计算（条例第三十条）。"), clock.due))
        elif kind == K.CONSULTATION_STARTED:
            clock.paused, pause_started = True, on
            clock.lines.append(ClockLine(on, _("书面征求第三方意见，征求意见所需时间不计入答复期限（条例第三十二条、第三十三条）。")))
        elif kind == K.CONSULTATION_ENDED and pause_started and clock.due:
            spent = max(0, workdays_between(pause_started, on))
            clock.paused, pause_started = False, None
            clock.due = add(clock.due, spent)
            clock.lines.append(ClockLine(on, _("征求意见结束，用时 %(n)d 个工作日，答复期限相应顺延。") % {"n": spent}, clock.due))
        elif kind == K.FEE_NOTICE:
            clock.paused = True
            clock.lines.append(ClockLine(on, _("发出收费通知，期限暂停；申请人应在 %(date)s 前缴费。")
                                         % {"date": event.data.get("pay_by", "—")}))
        elif kind == K.FEE_PAID:
            clock.paused = False
            clock.due = add(on, REPLY_WORKING_DAYS)
            clock.lines.append(ClockLine(on, _("收到费用；答复期限自收到费用之日起计算。"), clock.due))
        elif kind == K.EXTENDED and clock.due:
            days = int(event.data.get("days", 0))
            clock.due = add(clock.due, days)
            clock.lines.append(ClockLine(on, _("经批准延长答复期限 %(n)d 个工作日，并告知申请人（条例第三十三条第二款）。") % {"n": days},
                                         clock.due))
        elif kind in (K.REPLIED, K.DEEMED_WITHDRAWN, K.FEE_UNPAID, K.WITHDRAWN):
            clock.paused = False
            clock.lines.append(ClockLine(on, _("办结：%(what)s。") % {"what": event.get_kind_display()}))
    return clock


def supplement_request_deadline(received: dt.date) -> dt.date:
    """The last day a supplement may be requested (R.30: within 7 working days of receipt)."""
    return add_workdays(received, SUPPLEMENT_REQUEST_WITHIN).date


def answered_on_time(replied_on: dt.date | None, due: dt.date | None) -> bool | None:
    if not (replied_on and due):
        return None
    return replied_on <= due

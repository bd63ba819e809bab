"""The statutory clock of an application, derived from its events (R.30, R.31, R.32, R.33).

- The day of receipt does not count; the reply is due on the 20th working day after it (R.33).
- A supplement request (补正, R.30) stops the clock; the 20 days count again in full from the
  day the supplement arrives. An extension granted before the supplement lapses with the old
  limit, so a new one may be granted on the new limit.
- Time spent consulting a third party (R.32) does not count (R.33(3)): its working days are
  added to the due date when the consultation ends — at most the 15 working days the third
  party has to answer (R.32): waiting longer than that is the agency's own time.
- An information processing fee notice suspends the clock; it resumes when the fee is paid, and
  the working days in between are added (国办函〔2020〕109号《政府信息公开信息处理费管理办法》:
  the time limit is suspended from the day the fee notice is sent and continues once the fee is
  paid; the applicant pays within 20 working days of the notice, applications/fees.py).
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
    extended: bool = False
    lines: list[ClockLine] = field(default_factory=list)
    # Open pauses: a supplement request, a consultation (since, and the third party's answer-by
    # date that caps it), a fee notice (since).
    supplement_open: bool = False
    consultation_since: dt.date | None = None
    consultation_cap: dt.date | None = None
    fee_since: dt.date | None = None

    def due_as_of(self, today: dt.date) -> dt.date | None:
        """The due date should an open consultation or fee pause end today (a supplement pause
        has no such date: the limit then starts afresh)."""
        due = self.due
        if due is None:
            return None
        if self.consultation_since:
            due = add_workdays(due, _spent(self.consultation_since, min(today, self.consultation_cap or today))).date
        if self.fee_since:
            due = add_workdays(due, _spent(self.fee_since, today)).date
        return due


def _spent(since: dt.date, until: dt.date) -> int:
    return max(0, workdays_between(since, until))


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def compute(events) -> Clock:
    """Replay `events` (objects with .kind, .on, .data, in order) into a due date."""
    from applications.models import EventKind as K

    clock = Clock()

    def add(start: dt.date, days: int) -> dt.date:
        result = add_workdays(start, days)
        clock.provisional = clock.provisional or result.provisional
        return result.date

    def settle() -> None:
        clock.paused = bool(clock.supplement_open or clock.consultation_since or clock.fee_since)

    for event in events:
        kind, on = event.kind, event.on
        if kind == K.RECEIVED:
            clock.received = on
            clock.due = add(on, REPLY_WORKING_DAYS)
            clock.lines.append(ClockLine(on, _("收到申请；收到之日不计入，答复期限为其后第20个工作日（条例第三十三条）。"), clock.due))
        elif kind == K.SUPPLEMENT_REQUESTED:
            clock.supplement_open = True
            clock.lines.append(ClockLine(on, _("告知补正，期限暂停；补正期限为 %(date)s（条例第三十条）。")
                                         % {"date": event.data.get("deadline", "—")}))
        elif kind == K.SUPPLEMENT_RECEIVED:
            clock.supplement_open = False
            clock.due = add(on, REPLY_WORKING_DAYS)
            text = _("收到补正；答复期限自收到补正之日起重新计算（条例第三十条）。")
            if clock.extended:
                # R.30: the limit counts afresh from the supplement; the extension of the old limit lapses.
                text += _("此前的延期随原期限失效，如需延期可重新报批。")
                clock.extended = False
            clock.lines.append(ClockLine(on, text, clock.due))
        elif kind == K.CONSULTATION_STARTED:
            clock.consultation_since = on
            clock.consultation_cap = _date(event.data.get("answer_by")) or add(on, THIRD_PARTY_WORKING_DAYS)
            clock.lines.append(ClockLine(on, _("书面征求第三方意见，第三方应于 %(date)s 前答复；征求意见所需时间不计入答复期限"
                                               "（条例第三十二条、第三十三条）。")
                                         % {"date": clock.consultation_cap}))
        elif kind == K.CONSULTATION_ENDED and clock.consultation_since:
            cap = clock.consultation_cap or add(clock.consultation_since, THIRD_PARTY_WORKING_DAYS)
            spent = _spent(clock.consultation_since, min(on, cap))
            clock.consultation_since = clock.consultation_cap = None
            if clock.due:
                clock.due = add(clock.due, spent)
            text = _("征求意见结束，用时 %(n)d 个工作日不计入，答复期限相应顺延。") % {"n": spent}
            if on > cap:
                text += _("第三方答复期限（15个工作日）届满后的时间计入答复期限（条例第三十二条）。")
            clock.lines.append(ClockLine(on, text, clock.due))
        elif kind == K.FEE_NOTICE:
            clock.fee_since = on
            clock.lines.append(ClockLine(on, _("发出收费通知，办理期限中止；申请人应在 %(date)s 前缴费（国办函〔2020〕109号）。")
                                         % {"date": event.data.get("pay_by", "—")}))
        elif kind == K.FEE_PAID and clock.fee_since:
            spent = _spent(clock.fee_since, on)
            clock.fee_since = None
            if clock.due:
                clock.due = add(clock.due, spent)
            clock.lines.append(ClockLine(on, _("收到费用，办理期限继续计算；中止的 %(n)d 个工作日不计入，答复期限相应顺延"
                                               "（国办函〔2020〕109号）。") % {"n": spent}, clock.due))
        elif kind == K.EXTENDED and clock.due:
            days = int(event.data.get("days", 0))
            clock.due = add(clock.due, days)
            clock.extended = True
            clock.lines.append(ClockLine(on, _("经批准延长答复期限 %(n)d 个工作日，并告知申请人（条例第三十三条第二款）。") % {"n": days},
                                         clock.due))
        elif kind in (K.REPLIED, K.DEEMED_WITHDRAWN, K.FEE_UNPAID, K.WITHDRAWN):
            clock.supplement_open = False
            clock.consultation_since = clock.consultation_cap = clock.fee_since = None
            clock.lines.append(ClockLine(on, _("办结：%(what)s。") % {"what": event.get_kind_display()}))
        settle()
    return clock


def supplement_request_deadline(received: dt.date) -> dt.date:
    """The last day a supplement may be requested (R.30: within 7 working days of receipt)."""
    return add_workdays(received, SUPPLEMENT_REQUEST_WITHIN).date


def answered_on_time(replied_on: dt.date | None, due: dt.date | None) -> bool | None:
    if not (replied_on and due):
        return None
    return replied_on <= due

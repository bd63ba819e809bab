"""The statutory clock of an application, derived from its events (R.30–R.35, 国办函〔2020〕109号).

- The day of receipt does not count; the reply is due on the 20th working day after it (R.33).
- A supplement request (补正, R.30) stops the clock; the 20 days count again in full from the
  day the supplement arrives. A supplement that arrives after the deadline set restarts nothing:
  the clock stays stopped until the disclosure office accepts it for good reason (the limit then
  counts from the day it arrived) or deems the application abandoned.
- Time spent consulting a third party (R.32) or another agency (R.34) does not count (R.33(3)):
  its working days are added to the due date when the consultation ends — at most the 15 working
  days the other side has from its *receipt* of the letter (the date recorded, or presumed from
  how the letter went out, applications/receipt.py): waiting longer is the agency's own time.
- An information processing fee notice suspends the clock; it resumes when the fee is paid, and
  the working days in between are added (国办函〔2020〕109号《政府信息公开信息处理费管理办法》:
  the time limit is suspended from the day the fee notice is sent and continues once the fee is
  paid; the applicant pays within 20 working days of receiving the notice).
- One extension of at most 20 working days, with the consent of the head of the disclosure work
  body (R.33(2)) — one per application, whatever restarted the clock.
- An application whose volume or frequency clearly exceeds reasonable bounds may get a reasonable
  later date, notified with reasons (延迟答复, R.35).
- None of these pauses or extensions can start once the limit has run out (R.33, R.32, R.42 with
  109号第六条): the services refuse them; one found in older data is replayed without effect and
  flagged on its line, so a late pause never revives an overdue case.

`compute()` replays the events and explains every step, for the "how was this computed" view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from portal.cases import Clock as CaseClock
from portal.cases import ClockLine
from portal.workdays import add_workdays, workdays_between

REPLY_WORKING_DAYS = 20  # R.33
MAX_EXTENSION_WORKING_DAYS = 20  # R.33(2)
SUPPLEMENT_REQUEST_WITHIN = 7  # R.30: the supplement is requested within 7 working days of receipt
THIRD_PARTY_WORKING_DAYS = 15  # R.32
AGENCY_WORKING_DAYS = 15  # R.34

# The three pauses that add their working days to the limit, one at a time.
CONSULTATION, AGENCY, FEE = "consultation", "agency_consultation", "fee"


@dataclass
class Pause:
    """An open pause: since when, until when at most (the other side's answer-by date, for a
    consultation), and whether it started too late to count (then it adds nothing)."""

    since: dt.date
    cap: dt.date | None = None
    late: bool = False


@dataclass
class Clock(CaseClock):
    """The application's clock: the case clock and the pauses and extensions of R.30–R.35."""

    paused: bool = False
    extended: bool = False
    delayed: bool = False
    supplement_open: bool = False
    # A supplement that arrived after its deadline, waiting for a decision (R.30).
    late_supplement_on: dt.date | None = None
    pauses: dict[str, Pause] = field(default_factory=dict)

    # Kept for callers that look at one pause.
    @property
    def consultation_since(self) -> dt.date | None:
        pause = self.pauses.get(CONSULTATION)
        return pause.since if pause and not pause.late else None

    @property
    def fee_since(self) -> dt.date | None:
        pause = self.pauses.get(FEE)
        return pause.since if pause and not pause.late else None

    def due_as_of(self, today: dt.date) -> dt.date | None:
        """The due date should the open consultation or fee pause end today (a supplement pause
        has no such date: the limit then starts afresh)."""
        due = self.due
        if due is None:
            return None
        for pause in self.pauses.values():
            if not pause.late:
                due = add_workdays(due, _spent(pause.since, min(today, pause.cap or today))).date
        return due


def _spent(since: dt.date, until: dt.date) -> int:
    return max(0, workdays_between(since, until))


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _ran_out(clock: Clock, on: dt.date) -> dt.date | None:
    """The due date, if the limit had already run out on `on` (else None)."""
    due = clock.due_as_of(on)
    return due if due is not None and on > due else None


def compute(events) -> Clock:
    """Replay `events` (objects with .kind, .on, .data, in order) into a due date."""
    from applications.models import EventKind as K

    clock = Clock()

    def add(start: dt.date, days: int) -> dt.date:
        result = add_workdays(start, days)
        clock.provisional = clock.provisional or result.provisional
        return result.date

    def line(on: dt.date, text: str, due: dt.date | None = None) -> None:
        clock.lines.append(ClockLine(on, text, due))

    def late_line(on: dt.date, ran_out: dt.date, what: str, article: str) -> None:
        line(on, _("%(what)s时，答复期限已于 %(date)s 届满：该期间不计入、不顺延答复期限（%(article)s）。")
             % {"what": what, "date": ran_out, "article": article})

    def restart(on: dt.date, text: str) -> None:
        clock.supplement_open = False
        clock.late_supplement_on = None
        clock.due = add(on, REPLY_WORKING_DAYS)
        if clock.extended:
            # R.30: the limit counts afresh; the extension of the old limit lapses with it, and
            # no second one may be granted (R.33(2): one extension per application).
            text += _("此前的延期随原期限失效；每件申请只能延长一次答复期限（条例第三十三条第二款）。")
        line(on, text, clock.due)

    def start_consultation(kind: str, event, days: int, what: str, article: str, started_text: str) -> None:
        on = event.on
        ran_out = _ran_out(clock, on)
        if ran_out:
            clock.pauses[kind] = Pause(on, late=True)
            late_line(on, ran_out, what, article)
            return
        receipt = (_date(event.data.get("received_on")) or _date(event.data.get("presumed_receipt")))
        cap = add(receipt, days) if receipt else (_date(event.data.get("answer_by")) or add(on, days))
        clock.pauses[kind] = Pause(on, cap=cap)
        line(on, started_text % {"received": receipt or on, "date": cap})

    def end_consultation(kind: str, on: dt.date, days: int, article: str) -> None:
        pause = clock.pauses.pop(kind, None)
        if pause is None:
            return
        if pause.late:
            line(on, _("征求意见结束；期限届满后才开始的征求意见，所需时间不计入（%(article)s）。") % {"article": article})
            return
        spent = _spent(pause.since, min(on, pause.cap or on))
        if clock.due:
            clock.due = add(clock.due, spent)
        text = _("征求意见结束，用时 %(n)d 个工作日不计入，答复期限相应顺延。") % {"n": spent}
        if pause.cap and on > pause.cap:
            text += _("对方自收到征求意见书之日起%(days)d个工作日的答复期限届满后的时间计入答复期限（%(article)s）。") % {
                "days": days, "article": article}
        line(on, text, clock.due)

    for event in events:
        kind, on = event.kind, event.on
        if kind == K.RECEIVED:
            clock.received = on
            clock.due = add(on, REPLY_WORKING_DAYS)
            line(on, _("收到申请；收到之日不计入，答复期限为其后第20个工作日（条例第三十三条）。"), clock.due)
        elif kind == K.SUPPLEMENT_REQUESTED:
            clock.supplement_open = True
            line(on, _("告知补正，期限暂停；补正期限为 %(date)s（条例第三十条）。") % {"date": event.data.get("deadline", "—")})
        elif kind == K.SUPPLEMENT_RECEIVED and event.data.get("held"):
            clock.late_supplement_on = on
            line(on, _("收到补正，但已超过补正期限（%(date)s）：期限仍暂停，由本机关决定申请人是否有正当理由；"
                       "无正当理由的，视为放弃申请（条例第三十条）。") % {"date": event.data.get("deadline", "—")})
        elif kind == K.SUPPLEMENT_RECEIVED:
            text = _("收到补正；答复期限自收到补正之日起重新计算（条例第三十条）。")
            if event.data.get("late"):
                # Older data: a late supplement used to restart the clock without a decision.
                text += _("该补正已超过补正期限（%(date)s），当时未经决定即恢复计算。") % {"date": event.data.get("deadline", "—")}
            restart(on, text)
        elif kind == K.SUPPLEMENT_ACCEPTED:
            arrived = _date(event.data.get("supplement_on")) or clock.late_supplement_on or on
            restart(arrived, _("本机关于 %(on)s 认定逾期补正有正当理由，予以接受；答复期限自收到补正之日起重新计算"
                               "（条例第三十条）。") % {"on": on})
        elif kind == K.CONSULTATION_STARTED:
            start_consultation(CONSULTATION, event, THIRD_PARTY_WORKING_DAYS, _("征求第三方意见"),
                               _("条例第三十二条、第三十三条第三款"),
                               _("书面征求第三方意见，征求意见所需时间不计入答复期限；第三方自收到征求意见书之日（%(received)s）"
                                 "起15个工作日内答复，即 %(date)s 前（条例第三十二条、第三十三条第三款）。"))
        elif kind == K.CONSULTATION_ENDED:
            end_consultation(CONSULTATION, on, THIRD_PARTY_WORKING_DAYS, _("条例第三十二条"))
        elif kind == K.AGENCY_CONSULTATION_STARTED:
            start_consultation(AGENCY, event, AGENCY_WORKING_DAYS, _("征求其他机关意见"),
                               _("条例第三十三条第三款、第三十四条"),
                               _("书面征求其他机关意见，所需时间不计入答复期限；被征求意见机关自收到征求意见书之日（%(received)s）"
                                 "起15个工作日内提出意见，即 %(date)s 前，逾期未提出的视为同意公开（条例第三十三条第三款、第三十四条）。"))
        elif kind == K.AGENCY_CONSULTATION_ENDED:
            end_consultation(AGENCY, on, AGENCY_WORKING_DAYS, _("条例第三十四条"))
        elif kind == K.NOTICE_RECEIVED:
            which = event.data.get("notice")
            pause = clock.pauses.get(which)
            if which in (CONSULTATION, AGENCY) and pause and not pause.late:
                pause.cap = add(on, THIRD_PARTY_WORKING_DAYS if which == CONSULTATION else AGENCY_WORKING_DAYS)
                line(on, _("对方于 %(on)s 收到征求意见书；15个工作日的答复期限自该日起算，至 %(date)s"
                           "（条例第三十二条、第三十四条）。") % {"on": on, "date": pause.cap})
            elif which == FEE:
                line(on, _("申请人于 %(on)s 收到收费通知，应于 %(date)s 前缴费（自收到之日起20个工作日，国办函〔2020〕109号）。")
                     % {"on": on, "date": event.data.get("pay_by", "—")})
        elif kind == K.FEE_NOTICE:
            ran_out = _ran_out(clock, on)
            if ran_out:
                clock.pauses[FEE] = Pause(on, late=True)
                late_line(on, ran_out, _("发出收费通知"), _("条例第四十二条、国办函〔2020〕109号第六条"))
            else:
                clock.pauses[FEE] = Pause(on)
                line(on, _("发出收费通知，办理期限中止；申请人自收到通知之日起20个工作日内缴费（国办函〔2020〕109号）。"))
        elif kind == K.FEE_PAID:
            pause = clock.pauses.pop(FEE, None)
            if pause is None:
                continue
            if pause.late:
                line(on, _("收到费用；收费通知发出时答复期限已届满，不顺延（国办函〔2020〕109号第六条）。"))
                continue
            spent = _spent(pause.since, on)
            if clock.due:
                clock.due = add(clock.due, spent)
            line(on, _("收到费用，办理期限继续计算；中止的 %(n)d 个工作日不计入，答复期限相应顺延"
                       "（国办函〔2020〕109号）。") % {"n": spent}, clock.due)
        elif kind == K.EXTENDED and clock.due:
            days = int(event.data.get("days", 0))
            ran_out = _ran_out(clock, on)
            if ran_out:
                late_line(on, ran_out, _("延长答复期限"), _("条例第三十三条第二款"))
            elif clock.extended:
                line(on, _("再次延长答复期限不计：每件申请只能延长一次（条例第三十三条第二款）。"))
            else:
                clock.due = add(clock.due, days)
                clock.extended = True
                approved = event.data.get("approved_on") or on
                line(on, _("经政府信息公开工作机构负责人于 %(approved)s 同意，延长答复期限 %(n)d 个工作日，并告知申请人"
                           "（条例第三十三条第二款）。") % {"approved": approved, "n": days}, clock.due)
        elif kind == K.DELAYED_REPLY and clock.due:
            until = _date(event.data.get("until"))
            ran_out = _ran_out(clock, on)
            if ran_out:
                late_line(on, ran_out, _("确定延迟答复期限"), _("条例第三十五条"))
            elif until and until > clock.due_as_of(on):
                clock.due = until
                clock.delayed = True
                line(on, _("申请公开政府信息的数量、频次明显超过合理范围，本机关确定延迟答复的合理期限，并将理由告知申请人"
                           "（条例第三十五条）。"), clock.due)
        elif kind in (K.REPLIED, K.DEEMED_WITHDRAWN, K.FEE_UNPAID, K.WITHDRAWN):
            clock.supplement_open = False
            clock.late_supplement_on = None
            clock.pauses.clear()
            line(on, _("办结：%(what)s。") % {"what": event.get_kind_display()})
        clock.paused = bool(clock.supplement_open or clock.late_supplement_on
                            or any(not pause.late for pause in clock.pauses.values()))
    return clock


def supplement_request_deadline(received: dt.date) -> dt.date:
    """The last day a supplement may be requested (R.30: within 7 working days of receipt)."""
    return add_workdays(received, SUPPLEMENT_REQUEST_WITHIN).date


def answered_on_time(replied_on: dt.date | None, due: dt.date | None) -> bool | None:
    if not (replied_on and due):
        return None
    return replied_on <= due

"""The kernel of a citizen case: what an application (依申请公开), a complaint (举报投诉) and a
consultation (咨询) have in common, written once.

- `TrackedCase`: the abstract model — the public tracking code and its secret, the one-time
  submission key, the status, when it came in, the due date and whether the calendar behind it
  is provisional, when it was closed, and the citizen's rating (M.18).
- `CaseEvent`: the abstract append-only event — who, when, what, from and to which status.
- `CaseQuerySet`: the domain queries every list, dashboard, finding, reminder and report uses
  (`open()`, `overdue(today)`, `answered_late()`, `answered_on_time()`): one definition each.
- the functions every case type calls: lock, record an event, rate once after closing, tell the
  citizen, tell the staff, and the citizen-visible timeline.

What is particular to a case type stays in its app: R.30–R.42 for applications, the reporter's
secrecy of M.19 for complaints. How to add a case type: CONTRIBUTING.md.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import InvalidInput, StateConflict
from portal.models import AppendOnlyModel

logger = logging.getLogger(__name__)

# A rating of the handling, 1 to 5 (M.18 social evaluation): cases and the public survey alike.
RATING_MIN, RATING_MAX = 1, 5
RATING_VALIDATORS = [MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
RATING_COMMENT_MAX = 2000


# --- Clocks ---------------------------------------------------------------------------------


@dataclass
class ClockLine:
    """One line of the "how was the due date computed" explanation."""

    on: dt.date
    text: str
    due: dt.date | None = None


@dataclass
class Clock:
    """A case's clock, replayed from its events over portal/workdays.py; each case type's
    `clock.py` adds what its law needs (pauses and extensions of R.30–R.35, the explanation
    period of a complaint)."""

    due: dt.date | None = None
    provisional: bool = False
    received: dt.date | None = None
    lines: list[ClockLine] = field(default_factory=list)


# --- The models -----------------------------------------------------------------------------


class CaseQuerySet(models.QuerySet):
    """Domain queries on cases (froide's `get_overdue()`): the work lists, the dashboard, the
    accountability findings, the reminders and the annual report ask these, never their own
    filter."""

    def open(self):
        return self.filter(status__in=self.model.OPEN_STATUSES)

    def running(self):
        """Open cases whose clock is running (not paused by a supplement, a consultation, a fee)."""
        return self.open().filter(self.model.clock_running_q())

    def overdue(self, today: dt.date | None = None):
        """Open past the due date, clock running: not answered in time, as of `today`."""
        return self.running().filter(due_date__lt=today or timezone.localdate())

    def answered_late(self):
        """Answered after the due date (counted late on every page and report)."""
        return self.filter(self.model.answered_late_q())

    def answered_on_time(self):
        return self.filter(self.model.answered_on_time_q())

    def late_or_overdue(self, today: dt.date | None = None):
        """Answered late, or open past the due date: what an accountability finding may cite (M.20)."""
        return self.answered_late() | self.overdue(today)


class TrackedCase(models.Model):
    """A case a citizen opened and follows with a code and a secret. Concrete types set
    OPEN_STATUSES (tuple of statuses still being handled), ANSWERED_ON (the field holding the date
    of the answer) and CITIZEN_EVENT_KINDS (the events the citizen sees on the tracking page), and
    override a field below where their law names it otherwise."""

    OPEN_STATUSES: ClassVar[tuple[str, ...]] = ()
    ANSWERED_ON: ClassVar[str] = "replied_on"
    CITIZEN_EVENT_KINDS: ClassVar[frozenset[str]] = frozenset()

    tracking_code = models.CharField(gettext_lazy("查询码"), max_length=20, unique=True)
    secret_digest = models.CharField(gettext_lazy("查询密码摘要"), max_length=200)
    idempotency_key = models.UUIDField(gettext_lazy("提交标识"), unique=True, null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(gettext_lazy("提交时间"), default=timezone.now)
    due_date = models.DateField(gettext_lazy("答复期限"), null=True, blank=True)
    due_date_provisional = models.BooleanField(gettext_lazy("期限暂定"), default=False)
    closed_at = models.DateTimeField(gettext_lazy("办结时间"), null=True, blank=True)

    # The citizen's evaluation after closing (M.18)
    rating = models.PositiveSmallIntegerField(gettext_lazy("评价"), null=True, blank=True, validators=RATING_VALIDATORS)
    rating_comment = models.TextField(gettext_lazy("评价意见"), blank=True, max_length=RATING_COMMENT_MAX)
    rated_at = models.DateTimeField(gettext_lazy("评价时间"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @classmethod
    def clock_running_q(cls) -> Q:
        """Where a case type's clock can stop (applications: R.30, R.32, 109号), it says so here."""
        return Q()

    # The two as conditions, for counting in one query: Count("pk", filter=Model.answered_late_q()).
    @classmethod
    def answered_late_q(cls) -> Q:
        answered_on = cls.ANSWERED_ON
        return Q(**{f"{answered_on}__isnull": False, "due_date__isnull": False, f"{answered_on}__gt": F("due_date")})

    @classmethod
    def answered_on_time_q(cls) -> Q:
        answered_on = cls.ANSWERED_ON
        return Q(**{f"{answered_on}__isnull": False, "due_date__isnull": False, f"{answered_on}__lte": F("due_date")})


class CaseEvent(AppendOnlyModel):
    """Something that happened to a case: written once, never changed (STYLE.md 8). Concrete
    types add the foreign key to their case (related_name="events"), `kind` with their choices and
    `from_status`/`to_status` with their statuses."""

    on = models.DateField(gettext_lazy("日期"), help_text=gettext_lazy("计算期限所依据的日期"))
    at = models.DateTimeField(gettext_lazy("记录时间"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=gettext_lazy("操作人"),
                              help_text=gettext_lazy("空：申请人、举报人或咨询人本人"))
    acted_as = models.CharField(gettext_lazy("身份"), max_length=30, blank=True)
    comment = models.TextField(gettext_lazy("说明"), blank=True)
    data = models.JSONField(gettext_lazy("数据"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()}"


# --- The functions every case type uses -----------------------------------------------------


def case_lock(case: TrackedCase) -> TrackedCase:
    """The row, locked for the transaction (STYLE.md: one transition locks its row)."""
    return type(case).objects.select_for_update(of=("self",)).select_related("office").get(pk=case.pk)


def case_record_event(case: TrackedCase, *, kind: str, refresh_clock: Callable[[TrackedCase], None],
                      actor=None, role: str = "", to_status: str | None = None, on: dt.date | None = None,
                      comment: str = "", data: dict | None = None) -> CaseEvent:
    """Write the event, move the status, recompute the clock, save: the one way a case changes
    state. The caller holds the lock (`case_lock`) inside a transaction. A case that closes (or
    reopens) changes the public statistics: their cached pages are renewed in the same
    transaction (portal/pagecache.py, CASE_FIGURES)."""
    from portal.pagecache import case_figures_changed

    from_status = case.status
    if to_status:
        case.status = to_status
    if (from_status in case.OPEN_STATUSES) != (case.status in case.OPEN_STATUSES):
        case_figures_changed()
    event = case.events.create(kind=kind, on=on or timezone.localdate(), actor=actor, acted_as=role,
                               from_status=from_status, to_status=case.status, comment=comment, data=data or {})
    refresh_clock(case)
    case.save()
    logger.debug("%s %s: %s (user %s)", case._meta.model_name, case.tracking_code, kind, getattr(actor, "pk", "-"))
    return event


def case_rate(case: TrackedCase, *, rating, comment: str = "", kind: str, refresh_clock: Callable[[TrackedCase], None],
              not_closed: str) -> TrackedCase:
    """The citizen rates the handling once, after closing (M.18). `not_closed` is the message
    for a case still open, in the words of its type; the caller holds the transaction."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not RATING_MIN <= rating <= RATING_MAX:
        raise InvalidInput(_("请选择1至5分。"))
    case = case_lock(case)
    if case.is_open:
        raise StateConflict(not_closed)
    if case.rating:
        raise StateConflict(_("您已评价过。"))
    case.rating = rating
    case.rating_comment = (comment or "").strip()[:RATING_COMMENT_MAX]
    case.rated_at = timezone.now()
    case_record_event(case, kind=kind, refresh_clock=refresh_clock, data={"rating": rating})
    return case


def citizen_events(case: TrackedCase, events: Iterable[CaseEvent] | None = None) -> list[CaseEvent]:
    """The events the citizen sees on the tracking page, in order: only the kinds its type lists
    in CITIZEN_EVENT_KINDS — never notes, internal reviews or who did what."""
    if events is None:
        events = case.events.order_by("on", "at", "pk")
    return [event for event in events if event.kind in case.CITIZEN_EVENT_KINDS]


def tell_citizen(case: TrackedCase, *, email: str, subject: str, body: str, greeting: str, tracking_url: str,
                 site_name: str, legal: bool = False) -> None:
    """Mail to the citizen's own address, when they gave one, through the outbox (delivered after
    the transaction commits). The greeting is the type's (an applicant by name, a reporter by no
    one's). `legal`: a written notice with legal weight (a supplement request, an extension, a
    fee notice, a reply, the answer to a complaint), also listed on the tracking page with the
    date it was sent (portal.selectors.case_notices)."""
    from portal.notify import notify_on_commit

    if email:
        notify_on_commit(emails=[email], subject=f"[{site_name}] {subject}（{case.tracking_code}）",
                         body=f"{greeting}：\n\n{body}\n\n{_('查询码')}：{case.tracking_code}\n{tracking_url}\n",
                         case_code=case.tracking_code, legal=legal)


def tell_staff(case: TrackedCase, *, users, subject: str, summary, link: str, site_name: str,
               digestible: bool = False) -> None:
    """Mail to the staff concerned, in the agency's language (the subject and `summary`, which may
    be lazy or an object, are rendered inside it), after the transaction commits."""
    from portal.language import agency_language
    from portal.notify import notify_on_commit

    with agency_language():
        notify_on_commit(users=users, subject=f"[{site_name}] {subject}：{case.tracking_code}",
                         body=f"{subject}：{summary}\n{link}\n", digestible=digestible, case_code=case.tracking_code)

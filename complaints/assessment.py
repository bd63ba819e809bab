"""Reads for the supervision and assessment dashboard (M.18 社会评议与监督考核, M.20 责任追究).

Per office and period, every figure is a count over stored dates, so each can be checked by hand:

- records published (published_at in the period and reached): within the time limit of M.11
  (20 working days, or the period a law sets for the record) when the actual publication date
  is on or before the record's due date, beyond it otherwise — a publication scheduled past
  the due date counts as late whatever reason was recorded for it. Only proactive records
  (主动公开) count: M.11's time limit is theirs; an on-request record (依申请公开) is
  catalogued, not published to a deadline;
- proactive records overdue and not yet published: a version still in the workflow (draft to
  ready) or scheduled for a time still to come, its due date in the period and already past
  today (`Record.objects.overdue`);
- applications answered (replied_on in the period): on time when replied_on <= due_date (R.33);
  still open and overdue: open today, clock running, due date in the period and already past;
- complaints received (received_on in the period), and how many of them were found substantiated
  (属实 or 部分属实);
- consultations answered (answered_on in the period), on time when answered_on <= due_date;
- ratings given in the period (rated_at) by applicants, reporters and askers, averaged together;
  an application's or consultation's rating counts for the office that handled it. A complaint's
  rating counts for the supervision office: the reporter rates how the report was handled, and
  the supervision office handled it (M.19) — crediting it to the office complained about would
  let a reporter's view of the supervision office's work mark down the office they reported;
- accountability findings decided in the period.

Nothing here names a person: the dashboard and its export carry counts and averages only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import DisclosureApplication
from complaints import charts
from complaints.models import (
    SUBSTANTIATED_RESULTS,
    AccountabilityFinding,
    Complaint,
    Consultation,
    SurveyResponse,
)
from disclosure.models import PUBLISHED_LATE, DisclosureAttribute, Record
from portal.models import Office, OfficeKind

SUPERVISION_ROW = "supervision"  # the row of complaint ratings when no supervision office is set up


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), _("%(year)d年") % {"year": year})

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if quarter not in (1, 2, 3, 4):
            raise ValueError("quarter must be 1-4")
        start = dt.date(year, 3 * quarter - 2, 1)
        end = (dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)) - dt.timedelta(days=1)
        return cls(start, end, _("%(year)d年第%(q)d季度") % {"year": year, "q": quarter})

    @classmethod
    def custom(cls, start: dt.date, end: dt.date) -> Period:
        if end < start:
            raise ValueError("end before start")
        return cls(start, end, f"{start:%Y-%m-%d} — {end:%Y-%m-%d}")


@dataclass
class OfficeFigures:
    office_id: int | None
    name: str
    records_published: int = 0
    records_late: int = 0
    records_open_overdue: int = 0
    applications_replied: int = 0
    applications_late: int = 0
    applications_open_overdue: int = 0
    complaints_received: int = 0
    complaints_substantiated: int = 0
    consultations_answered: int = 0
    consultations_late: int = 0
    rating_count: int = 0
    rating_sum: int = 0
    findings: int = 0

    COUNTS = ("records_published", "records_late", "records_open_overdue", "applications_replied", "applications_late",
              "applications_open_overdue", "complaints_received", "complaints_substantiated",
              "consultations_answered", "consultations_late", "rating_count", "rating_sum", "findings")

    @property
    def records_on_time(self) -> int:
        return self.records_published - self.records_late

    @property
    def applications_on_time(self) -> int:
        return self.applications_replied - self.applications_late

    @property
    def consultations_on_time(self) -> int:
        return self.consultations_answered - self.consultations_late

    @property
    def rating_average(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else None

    @property
    def has_figures(self) -> bool:
        return any(getattr(self, name) for name in self.COUNTS)

    def add(self, other: OfficeFigures) -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class RatingSource:
    label: str
    count: int
    average: float | None


@dataclass
class SurveySummary:
    count: int = 0
    overall: float | None = None
    findability: float | None = None
    timeliness: float | None = None


@dataclass
class Dashboard:
    period: Period
    office: Office | None
    rows: list[OfficeFigures]
    total: OfficeFigures
    ratings: list[RatingSource] = field(default_factory=list)
    survey: SurveySummary = field(default_factory=SurveySummary)
    findings: list[AccountabilityFinding] = field(default_factory=list)
    today: dt.date | None = None


def _by_office(queryset, office: Office | None, **aggregates) -> dict[int | None, dict]:
    if office is not None:
        queryset = queryset.filter(office_id=office.pk)
    return {row.pop("office_id"): row for row in queryset.order_by().values("office_id").annotate(**aggregates)}


def _round(value) -> float | None:
    return round(float(value), 2) if value is not None else None


def _within(field_name: str, start: dt.date, end: dt.date) -> dict:
    """A moment field within the days start..end (local time), as a range on the column itself:
    `field__date__gte` would convert every row's value to a date (a scan of the whole table), a
    range is read from the column's index."""
    zone = timezone.get_current_timezone()
    return {f"{field_name}__gte": dt.datetime.combine(start, dt.time.min, tzinfo=zone),
            f"{field_name}__lt": dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)}


def supervision_office() -> Office | None:
    return Office.objects.filter(kind=OfficeKind.SUPERVISION).order_by("-is_active", "sort_order", "pk").first()


def dashboard(*, period: Period, office: Office | None = None, today: dt.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    now = timezone.now()
    start, end = period.start, period.end
    figures: dict[int | str | None, OfficeFigures] = {}

    def row(office_id: int | str | None) -> OfficeFigures:
        if office_id not in figures:
            figures[office_id] = OfficeFigures(office_id=office_id if isinstance(office_id, int) else None, name="")
        return figures[office_id]

    proactive = Record.objects.filter(attribute=DisclosureAttribute.PROACTIVE)
    records = _by_office(
        proactive.filter(published_at__lte=now, **_within("published_at", start, end)),
        office, n=Count("pk"), late=Count("pk", filter=PUBLISHED_LATE),
    )
    for office_id, values in records.items():
        row(office_id).records_published, row(office_id).records_late = values["n"], values["late"]

    pending = _by_office(
        proactive.overdue(today=today, now=now).filter(due_date__gte=start, due_date__lte=end),
        office, n=Count("pk"),
    )
    for office_id, values in pending.items():
        row(office_id).records_open_overdue = values["n"]

    replied = _by_office(
        DisclosureApplication.objects.filter(replied_on__gte=start, replied_on__lte=end),
        office, n=Count("pk"), late=Count("pk", filter=DisclosureApplication.answered_late_q()),
    )
    for office_id, values in replied.items():
        row(office_id).applications_replied, row(office_id).applications_late = values["n"], values["late"]

    overdue = _by_office(
        DisclosureApplication.objects.overdue(today).filter(due_date__gte=start, due_date__lte=end),
        office, n=Count("pk"),
    )
    for office_id, values in overdue.items():
        row(office_id).applications_open_overdue = values["n"]

    complaints = _by_office(
        Complaint.objects.filter(received_on__gte=start, received_on__lte=end),
        office, n=Count("pk"), substantiated=Count("pk", filter=Q(result__in=SUBSTANTIATED_RESULTS)),
    )
    for office_id, values in complaints.items():
        row(office_id).complaints_received = values["n"]
        row(office_id).complaints_substantiated = values["substantiated"]

    answered = _by_office(
        Consultation.objects.filter(answered_on__gte=start, answered_on__lte=end),
        office, n=Count("pk"), late=Count("pk", filter=Consultation.answered_late_q()),
    )
    for office_id, values in answered.items():
        row(office_id).consultations_answered, row(office_id).consultations_late = values["n"], values["late"]

    sources = []
    supervision = supervision_office()
    supervision_key = supervision.pk if supervision else SUPERVISION_ROW
    for label, model in ((_("依申请公开"), DisclosureApplication), (_("举报投诉"), Complaint),
                         (_("咨询"), Consultation)):
        rated_qs = model.objects.filter(rating__isnull=False, **_within("rated_at", start, end))
        if model is Complaint:
            # The supervision office's handling is what the reporter rates (see the module).
            if office is not None and office.pk != supervision_key:
                rated_qs = rated_qs.none()
            values = rated_qs.aggregate(n=Count("pk"), total=Sum("rating"))
            rated = {supervision_key: values} if values["n"] else {}
        else:
            rated = _by_office(rated_qs, office, n=Count("pk"), total=Sum("rating"))
        count = sum(v["n"] for v in rated.values())
        total = sum(v["total"] or 0 for v in rated.values())
        sources.append(RatingSource(str(label), count, round(total / count, 2) if count else None))
        for office_id, values in rated.items():
            row(office_id).rating_count += values["n"]
            row(office_id).rating_sum += values["total"] or 0

    findings_qs = AccountabilityFinding.objects.filter(decided_on__gte=start, decided_on__lte=end)
    for office_id, values in _by_office(findings_qs, office, n=Count("pk")).items():
        row(office_id).findings = values["n"]

    # Rows: the chosen office; else every office in use, and any other that has figures.
    if office is not None:
        offices = [office]
    else:
        offices = list(Office.objects.filter(Q(is_active=True) | Q(pk__in=[k for k in figures if isinstance(k, int)])).order_by(
            "sort_order", "name"))
    rows = []
    for each in offices:
        item = figures.get(each.pk) or OfficeFigures(office_id=each.pk, name="")
        item.name = each.name
        rows.append(item)
    if None in figures:
        figures[None].name = str(_("（未分办）"))
        rows.append(figures[None])
    if SUPERVISION_ROW in figures:
        figures[SUPERVISION_ROW].name = str(_("厅监察室（举报投诉办理）"))
        rows.append(figures[SUPERVISION_ROW])
    total = OfficeFigures(office_id=None, name=str(_("合计")))
    for item in rows:
        total.add(item)

    survey_qs = SurveyResponse.objects.filter(**_within("submitted_at", start, end))
    survey = survey_qs.aggregate(n=Count("pk"), overall=Avg("overall"), findability=Avg("findability"),
                                 timeliness=Avg("timeliness"))
    findings = findings_qs.select_related("office").order_by("-decided_on", "-pk")
    if office is not None:
        findings = findings.filter(office_id=office.pk)
    return Dashboard(
        period=period, office=office, rows=rows, total=total, ratings=sources,
        survey=SurveySummary(survey["n"], _round(survey["overall"]), _round(survey["findability"]),
                             _round(survey["timeliness"])),
        findings=list(findings[:200]), today=today,
    )


def dashboard_charts(data: Dashboard) -> list:
    """The dashboard's five charts (SVG drawn on the server, complaints/charts.py), one bar per
    office that has figures in the period."""
    rows = [r for r in data.rows if r.has_figures]
    record_chart = charts.stacked(
        id="chart-records", title=str(_("政府信息按期公开情况")),
        description=str(_("各处室在统计期间发布的主动公开政府信息中，20个工作日内发布和超过20个工作日发布的条数，以及公开期限已过仍未发布的条数。")),
        rows=[(r.name, [r.records_on_time, r.records_late, r.records_open_overdue]) for r in rows],
        series=[("bar-ok", str(_("20个工作日内"))), ("bar-late", str(_("超过20个工作日"))),
                ("bar-open", str(_("逾期未公开")))])
    application_chart = charts.stacked(
        id="chart-applications", title=str(_("依申请公开按期答复情况")),
        description=str(_("各处室在统计期间答复的申请中，按期和逾期答复的件数，以及逾期未答复的件数。")),
        rows=[(r.name, [r.applications_on_time, r.applications_late, r.applications_open_overdue]) for r in rows],
        series=[("bar-ok", str(_("按期答复"))), ("bar-late", str(_("逾期答复"))),
                ("bar-open", str(_("逾期未答复")))])
    complaint_chart = charts.stacked(
        id="chart-complaints", title=str(_("举报投诉情况")),
        description=str(_("各处室在统计期间被举报投诉的件数，其中举报属实（含部分属实）的件数。")),
        rows=[(r.name, [r.complaints_received - r.complaints_substantiated, r.complaints_substantiated])
              for r in rows],
        series=[("bar-neutral", str(_("未查实或办理中"))), ("bar-late", str(_("属实或部分属实")))])
    consultation_chart = charts.stacked(
        id="chart-consultations", title=str(_("咨询按期答复情况")),
        description=str(_("各处室在统计期间答复的咨询中，按期和逾期答复的件数。")),
        rows=[(r.name, [r.consultations_on_time, r.consultations_late]) for r in rows],
        series=[("bar-ok", str(_("按期答复"))), ("bar-late", str(_("逾期答复")))])
    rating_chart = charts.averages(
        id="chart-ratings", title=str(_("平均评价")),
        description=str(_("各处室在统计期间收到的申请人和咨询人评价的平均分（1–5分）；举报人的评价计入厅监察室。")),
        rows=[(r.name, r.rating_average) for r in rows])
    return [record_chart, application_chart, complaint_chart, consultation_chart, rating_chart]

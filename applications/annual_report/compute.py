"""The annual report (M.3(3), R.49, R.50) in the national 2021 format (国办公开办函〔2021〕30号):
tables 2, 3 and 4 computed in the database, the consistency checks, the facts the narrative
quotes, and the reminder on the disclosure office's work list. Reads only; writes are in
services.py, the HTML and XLSX layouts in formats.py.

Counting conventions (the format's, see shared/reference/annual-report-2021.md):

* Only applications with a date of receipt (R.31) are counted; an online application nobody has
  confirmed was never received.
* 一、本年新收: received in the year. 二、上年结转: received before the year and not closed
  before it. 三: counted in the year processing ended (`closed_at`, in the agency's time zone),
  by its one outcome — a partial disclosure is one outcome, so it counts only under （二）.
  四、结转下年度: received by the year's end and still open at its end.
* Every cell is one `Q` (`cell_condition`): the aggregate counts with it and the staff's
  drill-down lists with it, so a number and its list cannot disagree.
* （七）总计 and the 总计 column are counted on their own, not added up, so the checks that
  compare them with the sums are real checks (an application closed without an outcome, or with
  an applicant type outside the six columns, shows up as a failure naming the cell).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import (
    AnnualReport,
    ApplicantType,
    ApplicationEvent,
    DisclosureApplication,
    EventKind,
    FeeNotice,
    ReportStage,
    ReviewCase,
    ReviewKind,
    ReviewResult,
)
from applications.outcomes import Outcome, OutcomeGroup, group_of
from disclosure import comment_selectors
from disclosure.catalogue_seed import ANNUAL_REPORT_CATEGORY
from disclosure.models import DocumentType, Record, RecordState, Validity
from disclosure.selectors import records_published
from portal.language import agency_language
from portal.models import Role, SiteProfile
from portal.selectors import has_role
from portal.validators import is_ascii_number
from portal.workdays import workdays_left
from portal.worklist import WorkItem

# --- Rows and columns -------------------------------------------------------------------------

TOTAL = "total"
COLUMNS: list[str] = [*ApplicantType.values, TOTAL]
ORGANISATION_COLUMNS: list[str] = [c for c in ApplicantType.values if c != ApplicantType.NATURAL_PERSON]
COLUMN_LABELS: dict[str, Any] = {**dict(ApplicantType.choices), TOTAL: gettext_lazy("总计")}

NEW, CARRIED, CLOSED, OPEN = "new", "carried", "closed", "open"
ROWS: list[str] = [NEW, CARRIED, *Outcome.values, CLOSED, OPEN]

# The wording of the format, row by row (the sub-rows are numbered within their group).
GROUP_LABELS: dict[str, Any] = {
    OutcomeGroup.DISCLOSED: gettext_lazy("（一）予以公开"),
    OutcomeGroup.PARTIAL: gettext_lazy("（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    OutcomeGroup.WITHHELD: gettext_lazy("（三）不予公开"),
    OutcomeGroup.UNAVAILABLE: gettext_lazy("（四）无法提供"),
    OutcomeGroup.NOT_PROCESSED: gettext_lazy("（五）不予处理"),
    OutcomeGroup.OTHER: gettext_lazy("（六）其他处理"),
}
SUB_ROW_LABELS: dict[str, Any] = {
    Outcome.WITHHELD_STATE_SECRET: gettext_lazy("1.属于国家秘密"),
    Outcome.WITHHELD_PROHIBITED_BY_LAW: gettext_lazy("2.其他法律行政法规禁止公开"),
    Outcome.WITHHELD_SECURITY_STABILITY: gettext_lazy("3.危及“三安全一稳定”"),
    Outcome.WITHHELD_THIRD_PARTY: gettext_lazy("4.保护第三方合法权益"),
    Outcome.WITHHELD_INTERNAL_AFFAIRS: gettext_lazy("5.属于三类内部事务信息"),
    Outcome.WITHHELD_PROCESS_INFORMATION: gettext_lazy("6.属于四类过程性信息"),
    Outcome.WITHHELD_ENFORCEMENT_FILE: gettext_lazy("7.属于行政执法案卷"),
    Outcome.WITHHELD_ADMINISTRATIVE_QUERY: gettext_lazy("8.属于行政查询事项"),
    Outcome.UNAVAILABLE_NOT_HELD: gettext_lazy("1.本机关不掌握相关政府信息"),
    Outcome.UNAVAILABLE_NEEDS_CREATION: gettext_lazy("2.没有现成信息需要另行制作"),
    Outcome.UNAVAILABLE_STILL_UNCLEAR: gettext_lazy("3.补正后申请内容仍不明确"),
    Outcome.NOT_PROCESSED_COMPLAINT: gettext_lazy("1.信访举报投诉类申请"),
    Outcome.NOT_PROCESSED_REPEAT: gettext_lazy("2.重复申请"),
    Outcome.NOT_PROCESSED_PUBLICATION: gettext_lazy("3.要求提供公开出版物"),
    Outcome.NOT_PROCESSED_EXCESSIVE: gettext_lazy("4.无正当理由大量反复申请"),
    Outcome.NOT_PROCESSED_CONFIRMATION: gettext_lazy("5.要求行政机关确认或重新出具已获取信息"),
    Outcome.OTHER_NO_SUPPLEMENT: gettext_lazy("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    Outcome.OTHER_FEE_UNPAID: gettext_lazy("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    Outcome.OTHER: gettext_lazy("3.其他"),
}
ROW_LABELS: dict[str, Any] = {
    NEW: gettext_lazy("一、本年新收政府信息公开申请数量"),
    CARRIED: gettext_lazy("二、上年结转政府信息公开申请数量"),
    CLOSED: gettext_lazy("三、本年度办理结果（七）总计"),
    OPEN: gettext_lazy("四、结转下年度继续办理"),
    Outcome.DISCLOSED: gettext_lazy("三、本年度办理结果（一）予以公开"),
    Outcome.PARTIAL: gettext_lazy("三、本年度办理结果（二）部分公开"),
}


def row_label(row: str) -> str:
    """The row's full name as people say it: 三、本年度办理结果（三）不予公开 1.属于国家秘密."""
    if row in ROW_LABELS:
        return str(ROW_LABELS[row])
    group = group_of(row)
    return f"{_('三、本年度办理结果')}{GROUP_LABELS[group]} {SUB_ROW_LABELS[row]}"


def cell_label(row: str, column: str) -> str:
    return f"{_('表3')}“{row_label(row)}” · {COLUMN_LABELS[column]}"


# Table 2 (R.20(1)): rows and columns computed from records.
DOCUMENT_ROWS: list[str] = [DocumentType.REGULATION.value, DocumentType.NORMATIVE.value]
DOCUMENT_COLUMNS: list[str] = ["made", "repealed", "in_force"]

# Table 4: three blocks of five.
REVIEW_BLOCKS: list[str] = [ReviewKind.REVIEW.value, ReviewKind.LITIGATION_DIRECT.value,
                             ReviewKind.LITIGATION_AFTER_REVIEW.value]
REVIEW_COLUMNS: list[str] = [ReviewResult.MAINTAINED.value, ReviewResult.CORRECTED.value, ReviewResult.OTHER.value,
                             ReviewResult.PENDING.value, TOTAL]


# --- The year's bounds --------------------------------------------------------------------------


@dataclass(frozen=True)
class Year:
    """A calendar year as dates and as moments in the agency's own time zone (a reply sent at
    23:30 on 31 December belongs to that year, whatever UTC says)."""

    year: int
    first_day: dt.date
    last_day: dt.date
    start: dt.datetime
    end: dt.datetime  # exclusive: the first moment of the next year

    @classmethod
    def of(cls, year: int) -> Year:
        zone = timezone.get_default_timezone()
        return cls(year=year, first_day=dt.date(year, 1, 1), last_day=dt.date(year, 12, 31),
                   start=dt.datetime(year, 1, 1, tzinfo=zone), end=dt.datetime(year + 1, 1, 1, tzinfo=zone))


# --- Table 3: one condition per row, one per cell ----------------------------------------------


def population(year: int) -> Q:
    """Every application that appears in the year's table 3: received by the year's end and not
    closed before it began. Each row is a subset of it."""
    y = Year.of(year)
    return Q(received_on__isnull=False, received_on__lte=y.last_day) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=y.start))


def row_condition(year: int, row: str) -> Q:
    y = Year.of(year)
    received = Q(received_on__isnull=False)
    if row == NEW:
        return received & Q(received_on__gte=y.first_day, received_on__lte=y.last_day)
    if row == CARRIED:
        return received & Q(received_on__lt=y.first_day) & (Q(closed_at__isnull=True) | Q(closed_at__gte=y.start))
    closed_in_year = received & Q(received_on__lte=y.last_day, closed_at__gte=y.start, closed_at__lt=y.end)
    if row == CLOSED:
        return closed_in_year
    if row == OPEN:
        return received & Q(received_on__lte=y.last_day) & (Q(closed_at__isnull=True) | Q(closed_at__gte=y.end))
    if row in Outcome.values:
        return closed_in_year & Q(outcome=row)
    raise ValueError(row)


def cell_condition(year: int, row: str, column: str) -> Q:
    """The applications behind one number of table 3 (the drill-down uses exactly this)."""
    condition = row_condition(year, row)
    if column == TOTAL:
        return condition
    if column not in ApplicantType.values:
        raise ValueError(column)
    return condition & Q(applicant_type=column)


STATUS_ROWS = [NEW, CARRIED, CLOSED, OPEN]


def compute_table3(year: int) -> dict[str, dict[str, int]]:
    """Two grouped queries: 一、二、（七）、四 by applicant type over the year's population, and the
    year's closed applications by applicant type and outcome. The 总计 column adds up every group,
    including any applicant type outside the six columns, so the column check can catch it; （七）
    counts the closed applications themselves, so an outcome outside the rows shows in its check."""
    table = {row: dict.fromkeys(COLUMNS, 0) for row in ROWS}
    statuses = (
        DisclosureApplication.objects.filter(population(year)).order_by().values("applicant_type")
        .annotate(**{f"n_{row}": Count("pk", filter=row_condition(year, row)) for row in STATUS_ROWS})
    )
    for values in statuses:
        column = values["applicant_type"]
        for row in STATUS_ROWS:
            if column in ApplicantType.values:
                table[row][column] = values[f"n_{row}"]
            table[row][TOTAL] += values[f"n_{row}"]
    outcomes = (
        DisclosureApplication.objects.filter(row_condition(year, CLOSED)).order_by()
        .values("applicant_type", "outcome").annotate(n=Count("pk"))
    )
    for values in outcomes:
        row, column = values["outcome"], values["applicant_type"]
        if row not in Outcome.values:
            continue
        if column in ApplicantType.values:
            table[row][column] = values["n"]
        table[row][TOTAL] += values["n"]
    return table


def compute_open_row(year: int) -> dict[str, int]:
    """四、结转下年度继续办理 alone (last year's, for this year's carry-over check)."""
    row = dict.fromkeys(COLUMNS, 0)
    counts = (DisclosureApplication.objects.filter(row_condition(year, OPEN)).order_by().values("applicant_type")
              .annotate(n=Count("pk")))
    for values in counts:
        if values["applicant_type"] in ApplicantType.values:
            row[values["applicant_type"]] = values["n"]
        row[TOTAL] += values["n"]
    return row


# --- Table 2 and table 4 -----------------------------------------------------------------------


def compute_table2(year: int) -> dict[str, dict[str, int]]:
    """规章 and 行政规范性文件 (R.20(1)): made = first published in the year (a new version of a
    published document is not a new document; a revoked publication does not count); repealed =
    废止 in the year; in force at the year's end = published by then, not yet repealed or expired
    then, and counted once: the version current at the year's end."""
    y = Year.of(year)
    live = Q(state__in=(RecordState.PUBLISHED, RecordState.REGISTERED), published_at__lt=y.end)
    made = live & Q(published_at__gte=y.start, previous_version__isnull=True)
    repealed = live & Q(validity=Validity.REPEALED, validity_changed_on__gte=y.first_day,
                        validity_changed_on__lte=y.last_day)
    valid_at_end = Q(validity=Validity.VALID) | Q(validity_changed_on__gt=y.last_day)
    current_at_end = Q(superseded_by__isnull=True) | Q(superseded_by__published_at__gte=y.end)
    in_force = live & valid_at_end & current_at_end
    rows = (
        Record.objects.filter(document_type__in=DOCUMENT_ROWS).order_by().values("document_type")
        .annotate(made=Count("pk", filter=made), repealed=Count("pk", filter=repealed),
                  in_force=Count("pk", filter=in_force))
    )
    table = {row: dict.fromkeys(DOCUMENT_COLUMNS, 0) for row in DOCUMENT_ROWS}
    for values in rows:
        table[values["document_type"]] = {column: values[column] for column in DOCUMENT_COLUMNS}
    return table


def compute_table4(year: int) -> dict[str, dict[str, int]]:
    """Reviews and lawsuits decided in the year, by result; 尚未审结 = filed by the year's end and
    not decided by then (a result without a decision date counts as not yet decided)."""
    y = Year.of(year)
    decided_in_year = Q(decided_on__gte=y.first_day, decided_on__lte=y.last_day) & ~Q(result=ReviewResult.PENDING)
    pending_at_end = Q(filed_on__lte=y.last_day) & (
        Q(result=ReviewResult.PENDING) | Q(decided_on__isnull=True) | Q(decided_on__gt=y.last_day))
    rows = ReviewCase.objects.order_by().values("kind").annotate(
        maintained=Count("pk", filter=decided_in_year & Q(result=ReviewResult.MAINTAINED)),
        corrected=Count("pk", filter=decided_in_year & Q(result=ReviewResult.CORRECTED)),
        other=Count("pk", filter=decided_in_year & Q(result=ReviewResult.OTHER)),
        pending=Count("pk", filter=pending_at_end),
    )
    table = {kind: dict.fromkeys(REVIEW_COLUMNS, 0) for kind in REVIEW_BLOCKS}
    for values in rows:
        if values["kind"] in table:
            counts = {result: values[result] for result in REVIEW_COLUMNS if result != TOTAL}
            table[values["kind"]] = {**counts, TOTAL: sum(counts.values())}
    return table


# --- Facts for the narrative -------------------------------------------------------------------


def compute_facts(year: int, table3: dict[str, dict[str, int]], table4: dict[str, dict[str, int]]) -> dict:
    """What sections 一 and 六 usually quote: records published, applications, replies on time,
    information processing fees (R.42), reviews and lawsuits."""
    y = Year.of(year)
    records = Record.objects.filter(
        state__in=(RecordState.PUBLISHED, RecordState.REGISTERED), published_at__gte=y.start, published_at__lt=y.end,
    ).aggregate(published=Count("pk"), proactive=Count("pk", filter=Q(attribute="proactive")))
    replies = DisclosureApplication.objects.filter(row_condition(year, CLOSED)).aggregate(
        replied=Count("pk", filter=Q(replied_on__isnull=False)),
        on_time=Count("pk", filter=DisclosureApplication.answered_on_time_q()),
    )
    fees = FeeNotice.objects.aggregate(
        issued=Count("pk", filter=Q(issued_on__gte=y.first_day, issued_on__lte=y.last_day)),
        paid=Count("pk", filter=Q(paid_on__gte=y.first_day, paid_on__lte=y.last_day)),
        amount=Sum("amount", filter=Q(paid_on__gte=y.first_day, paid_on__lte=y.last_day)),
    )
    # R.32–R.35 have no row in the national format (国办公开办函〔2021〕30号): they are counted here
    # for sections 一 and 六 — consultations started, extensions consented to, delayed replies set.
    procedures = dict(
        ApplicationEvent.objects.filter(on__gte=y.first_day, on__lte=y.last_day, kind__in=PROCEDURE_EVENTS)
        .values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return {
        **{name: procedures.get(kind, 0) for name, kind in PROCEDURE_FACTS.items()},
        **_interpretation_facts(y),
        # Calls for public comments on drafts (意见征集, issue #19): section 一 reports them.
        **comment_selectors.year_figures(year),
        "records_published": records["published"],
        "records_proactive": records["proactive"],
        "applications_new": table3[NEW][TOTAL],
        "applications_carried": table3[CARRIED][TOTAL],
        "applications_closed": table3[CLOSED][TOTAL],
        "applications_open": table3[OPEN][TOTAL],
        "applications_natural_person": table3[NEW][ApplicantType.NATURAL_PERSON],
        "applications_organisations": sum(table3[NEW][c] for c in ORGANISATION_COLUMNS),
        "replies_sent": replies["replied"],
        "replies_on_time": replies["on_time"],
        "fee_notices_issued": fees["issued"],
        "fees_paid": fees["paid"],
        "fees_collected": str((fees["amount"] or Decimal(0)).quantize(Decimal("0.01"))),
        "fee_unpaid_closed": table3[Outcome.OTHER_FEE_UNPAID][TOTAL],
        "reviews": table4[ReviewKind.REVIEW][TOTAL],
        "lawsuits": table4[ReviewKind.LITIGATION_DIRECT][TOTAL] + table4[ReviewKind.LITIGATION_AFTER_REVIEW][TOTAL],
    }


def _interpretation_facts(y: Year) -> dict:
    """政策解读 (issue #19) for section 一 (主动公开): interpretations published in the year, those
    published with their policy, those with a video, and the 行政规范性文件 published in the year
    with an interpretation. A new version of an interpretation is not a new one."""
    live = (RecordState.PUBLISHED, RecordState.REGISTERED)
    in_year = Q(state__in=live, published_at__gte=y.start, published_at__lt=y.end, previous_version__isnull=True)
    interpretations = Record.objects.filter(in_year, interprets_links__isnull=False).distinct().aggregate(
        n=Count("pk", distinct=True),
        synchronous=Count("pk", distinct=True, filter=Q(interprets_links__with_policy=True)),
        video=Count("pk", distinct=True, filter=~Q(video_url="")),
    )
    normative = Record.objects.filter(in_year, document_type=DocumentType.NORMATIVE).aggregate(
        n=Count("pk", distinct=True),
        interpreted=Count("pk", distinct=True, filter=Q(interpretation_links__interpretation__state__in=live)),
    )
    return {"interpretations_published": interpretations["n"],
            "interpretations_synchronous": interpretations["synchronous"],
            "interpretations_video": interpretations["video"],
            "normative_published": normative["n"], "normative_interpreted": normative["interpreted"]}


PROCEDURE_FACTS = {
    "third_party_consultations": EventKind.CONSULTATION_STARTED,
    "agency_consultations": EventKind.AGENCY_CONSULTATION_STARTED,
    "extensions": EventKind.EXTENDED,
    "delayed_replies": EventKind.DELAYED_REPLY,
}
PROCEDURE_EVENTS = tuple(PROCEDURE_FACTS.values())


def fact_sentences(year: int, facts: dict) -> list[str]:
    """Ready-made sentences with the figures, for the narrative editor's side panel."""
    if not facts:
        return []
    return [
        _("%(year)d年，本机关主动公开政府信息%(n)d条。") % {"year": year, "n": facts["records_proactive"]},
        # Issue #19; figures from before these were counted (an older snapshot) read as 0.
        _("本年发布政策解读%(n)d篇，其中与政策文件同步发布%(sync)d篇，含视频解读%(video)d篇；"
          "制发行政规范性文件%(normative)d件，其中配发解读%(interpreted)d件。")
        % {"n": facts.get("interpretations_published", 0), "sync": facts.get("interpretations_synchronous", 0),
           "video": facts.get("interpretations_video", 0), "normative": facts.get("normative_published", 0),
           "interpreted": facts.get("normative_interpreted", 0)},
        # Issue #19: calls for public comments on drafts (意见征集) belong with proactive disclosure.
        _("本年就重大行政决策、行政规范性文件等草案公开征求意见%(periods)d次（其中重大行政决策%(major)d次），"
          "收到公众意见%(comments)d条，采纳或部分采纳%(adopted)d条；公开意见采纳情况%(reports)d份。")
        % {"periods": facts.get("comment_periods", 0), "major": facts.get("comment_periods_major", 0),
           "comments": facts.get("public_comments", 0), "adopted": facts.get("public_comments_adopted", 0),
           "reports": facts.get("comment_reports_published", 0)},
        _("全年新收政府信息公开申请%(new)d件（自然人%(person)d件，法人或其他组织%(org)d件），上年结转%(carried)d件；"
          "办结%(closed)d件，结转下年度继续办理%(open)d件。")
        % {"new": facts["applications_new"], "person": facts["applications_natural_person"],
           "org": facts["applications_organisations"], "carried": facts["applications_carried"],
           "closed": facts["applications_closed"], "open": facts["applications_open"]},
        _("本年发出答复%(sent)d件，其中在法定期限内答复%(on_time)d件。")
        % {"sent": facts["replies_sent"], "on_time": facts["replies_on_time"]},
        _("本年发出信息处理费缴费通知%(issued)d件，收取信息处理费%(paid)d件、共%(amount)s元；"
          "因申请人逾期未缴费不再处理%(unpaid)d件。")
        % {"issued": facts["fee_notices_issued"], "paid": facts["fees_paid"], "amount": facts["fees_collected"],
           "unpaid": facts["fee_unpaid_closed"]},
        _("本年因政府信息公开被申请行政复议%(reviews)d件、被提起行政诉讼%(lawsuits)d件。")
        % {"reviews": facts["reviews"], "lawsuits": facts["lawsuits"]},
        # Figures from before these were counted (an older snapshot) read as 0.
        _("办理依申请公开过程中，书面征求第三方意见%(third)d件、征求其他机关意见%(agencies)d件，所需时间依法不计入答复期限"
          "（条例第三十二条至第三十四条）；经政府信息公开工作机构负责人同意延长答复期限%(extended)d件（条例第三十三条第二款）；"
          "因申请数量、频次明显超过合理范围确定延迟答复期限%(delayed)d件（条例第三十五条）。")
        % {"third": facts.get("third_party_consultations", 0), "agencies": facts.get("agency_consultations", 0),
           "extended": facts.get("extensions", 0), "delayed": facts.get("delayed_replies", 0)},
    ]


# --- The whole computation --------------------------------------------------------------------


@dataclass
class Tables:
    """The computed part of a report, as stored in `AnnualReport.snapshot`."""

    year: int
    table2: dict[str, dict[str, int]]
    table3: dict[str, dict[str, int]]
    table4: dict[str, dict[str, int]]
    facts: dict = field(default_factory=dict)
    generated_at: dt.datetime | None = None
    # Last year's 四、结转下年度继续办理 as computed with these figures, for the carry-over check
    # while last year's report is not published (None in snapshots from before it was kept).
    previous_open: dict[str, int] | None = None

    def as_json(self) -> dict:
        return {"year": self.year, "table2": self.table2, "table3": self.table3, "table4": self.table4,
                "facts": self.facts, "generated_at": self.generated_at.isoformat() if self.generated_at else None,
                "previous_open": self.previous_open}

    @classmethod
    def from_json(cls, data: dict) -> Tables | None:
        if not data:
            return None
        generated = data.get("generated_at")
        return cls(year=data["year"], table2=data["table2"], table3=data["table3"], table4=data["table4"],
                   facts=data.get("facts", {}), generated_at=dt.datetime.fromisoformat(generated) if generated else None,
                   previous_open=data.get("previous_open"))


def compute(year: int) -> Tables:
    """Tables 2, 3 and 4 and the facts for `year`, from live data (a handful of aggregate queries)."""
    table3 = compute_table3(year)
    table4 = compute_table4(year)
    return Tables(year=year, table2=compute_table2(year), table3=table3, table4=table4,
                  facts=compute_facts(year, table3, table4), generated_at=timezone.now(),
                  previous_open=compute_open_row(year - 1))


def tables_of(report: AnnualReport) -> Tables:
    """The figures the report shows: as rendered into its record once that left the draft stage
    (frozen), else as last refreshed, else live for a report never generated."""
    if not report.is_editable and report.record_snapshot:
        return Tables.from_json(report.record_snapshot)
    return Tables.from_json(report.snapshot) or compute(report.year)


# --- Checks before publication (R.50; the format's 勾稽关系) -----------------------------------


@dataclass(frozen=True)
class CheckFailure:
    rule: str  # balance | closed_total | column_total | carry_over | manual | narrative
    cell: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class CarryOver:
    """Last year's 四、结转下年度继续办理, and where it comes from."""

    values: dict[str, int] | None
    source: str


def previous_carry_over(report: AnnualReport, tables: Tables | None = None) -> CarryOver:
    """Last year's report in the system (as published, or computed if not yet published); for the
    first year in the system, the figures the disclosure office copied from last year's report.
    Computed, it is the row computed with this report's figures (`tables`, at their time), so the
    page never aggregates last year's applications on a view (issue #22). For figures stored
    before the row was kept with them, last year's report's own stored figures; live only when
    last year's report was never computed."""
    previous = AnnualReport.objects.filter(year=report.year - 1).select_related("record").first()
    if previous is not None:
        if previous.stage == ReportStage.PUBLISHED and previous.record_snapshot:
            return CarryOver(previous.record_snapshot["table3"][OPEN],
                             _("已发布的%(year)d年度报告") % {"year": previous.year})
        computed = tables.previous_open if tables is not None and tables.year == report.year else None
        if computed is None and previous.snapshot:  # figures stored before the row was kept with them
            computed = previous.snapshot["table3"][OPEN]
        return CarryOver(computed if computed is not None else compute_open_row(previous.year),
                         _("按本系统数据计算的%(year)d年度报告") % {"year": previous.year})
    manual = report.previous_carry_over or {}
    if not manual:
        return CarryOver(None, "")
    values = {column: int(manual.get(column) or 0) for column in ApplicantType.values}
    values[TOTAL] = sum(values.values())
    return CarryOver(values, _("手工录入的%(year)d年度报告数字") % {"year": report.year - 1})


def check_table3(table3: dict[str, dict[str, int]]) -> list[CheckFailure]:
    failures = []
    for column in COLUMNS:
        label = COLUMN_LABELS[column]
        left = table3[NEW][column] + table3[CARRIED][column]
        right = table3[CLOSED][column] + table3[OPEN][column]
        if left != right:
            failures.append(CheckFailure(
                "balance", f"{_('表3')} {label}",
                _("表3“%(col)s”列：一、本年新收（%(new)d）加二、上年结转（%(carried)d）等于%(left)d，"
                  "不等于三、本年度办理结果（七）总计（%(closed)d）加四、结转下年度继续办理（%(open)d）之和%(right)d。")
                % {"col": label, "new": table3[NEW][column], "carried": table3[CARRIED][column], "left": left,
                   "closed": table3[CLOSED][column], "open": table3[OPEN][column], "right": right}))
    for column in COLUMNS:
        outcomes = sum(table3[row][column] for row in Outcome.values)
        if outcomes != table3[CLOSED][column]:
            failures.append(CheckFailure(
                "closed_total", cell_label(CLOSED, column),
                _("%(cell)s为%(total)d，不等于（一）至（六）各项之和%(sum)d。")
                % {"cell": cell_label(CLOSED, column), "total": table3[CLOSED][column], "sum": outcomes}))
    for row in ROWS:
        parts = sum(table3[row][column] for column in ApplicantType.values)
        if parts != table3[row][TOTAL]:
            failures.append(CheckFailure(
                "column_total", cell_label(row, TOTAL),
                _("%(cell)s为%(total)d，不等于自然人与五类法人或其他组织之和%(sum)d。")
                % {"cell": cell_label(row, TOTAL), "total": table3[row][TOTAL], "sum": parts}))
    return failures


def check_carry_over(report: AnnualReport, table3: dict[str, dict[str, int]],
                     tables: Tables | None = None) -> list[CheckFailure]:
    previous = previous_carry_over(report, tables)
    if previous.values is None:
        return [CheckFailure(
            "carry_over", cell_label(CARRIED, TOTAL),
            _("本系统中没有%(prev)d年度报告：请在“上年结转（手工录入）”中填写%(prev)d年度报告表3"
              "“四、结转下年度继续办理”各列的数字，用于核对本年“二、上年结转”。") % {"prev": report.year - 1})]
    failures = []
    for column in COLUMNS:
        if table3[CARRIED][column] != previous.values.get(column, 0):
            failures.append(CheckFailure(
                "carry_over", cell_label(CARRIED, column),
                _("%(cell)s为%(this)d，与%(source)s的“四、结转下年度继续办理”（%(prev)d）不一致。")
                % {"cell": cell_label(CARRIED, column), "this": table3[CARRIED][column], "source": previous.source,
                   "prev": previous.values.get(column, 0)}))
    return failures


# (value field, source field, the cell's full name, its row's name)
MANUAL_CELLS = [
    ("licensing_decisions", "licensing_source", gettext_lazy("表2 第二十条第（五）项 行政许可“本年处理决定数量”"),
     gettext_lazy("行政许可")),
    ("penalty_decisions", "penalty_source", gettext_lazy("表2 第二十条第（六）项 行政处罚“本年处理决定数量”"),
     gettext_lazy("行政处罚")),
    ("enforcement_decisions", "enforcement_source", gettext_lazy("表2 第二十条第（六）项 行政强制“本年处理决定数量”"),
     gettext_lazy("行政强制")),
    ("fee_income", "fee_income_source",
     gettext_lazy("表2 第二十条第（八）项 行政事业性收费“本年收费金额（单位：万元）”"), gettext_lazy("行政事业性收费")),
]
NARRATIVE_SECTIONS = [
    ("overview", gettext_lazy("一、总体情况")),
    ("problems", gettext_lazy("五、存在的主要问题及改进情况")),
    ("other_matters", gettext_lazy("六、其他需要报告的事项")),
]


def check_completeness(report: AnnualReport) -> list[CheckFailure]:
    """R.50: nothing may be left out — every manual cell with its source, every narrative section."""
    failures = []
    for value_field, source_field, label, _row in MANUAL_CELLS:
        if getattr(report, value_field) is None:
            failures.append(CheckFailure("manual", str(label), _("%(cell)s未填写（没有的填0）。") % {"cell": label}))
        elif not getattr(report, source_field).strip():
            failures.append(CheckFailure("manual", str(label), _("%(cell)s未注明数据来源。") % {"cell": label}))
    for name, label in NARRATIVE_SECTIONS:
        if not getattr(report, name).strip():
            failures.append(CheckFailure("narrative", str(label), _("“%(section)s”尚未填写。") % {"section": label}))
    return failures


def check(report: AnnualReport, tables: Tables | None = None) -> list[CheckFailure]:
    """Every check the report must pass before it can become a record; empty = publishable."""
    tables = tables or tables_of(report)
    return [*check_table3(tables.table3), *check_carry_over(report, tables.table3, tables),
            *check_completeness(report)]


# --- Drill-down --------------------------------------------------------------------------------


def cell_parameter(year: int, row: str, column: str) -> str:
    return f"{year}:{row}:{column}"


def parse_cell_parameter(value: str) -> tuple[int, str, str]:
    year, row, column = value.split(":")
    if row not in ROWS or column not in COLUMNS or not is_ascii_number(year) or len(year) != 4:
        raise ValueError(value)
    return int(year), row, column


def drill_down_url(year: int, row: str, column: str) -> str:
    from django.utils.http import urlencode

    return (reverse("admin:applications_disclosureapplication_changelist") + "?"
            + urlencode({"report_cell": cell_parameter(year, row, column)}))


# --- Reminder (R.49: published by 31 January) --------------------------------------------------


def report_due_date(year: int) -> dt.date:
    return dt.date(year + 1, 1, 31)


def report_title(year: int) -> str:
    """The title of `year`'s report, in the active language (the record's, the XLSX's):
    「吉林省工业和信息化厅2025年政府信息公开工作年度报告」."""
    return _("%(agency)s%(year)d年政府信息公开工作年度报告") % {"agency": SiteProfile.current().name, "year": year}


def published_on_the_column(year: int) -> bool:
    """A report for `year` is published on the column as a record of the 年报 category, published
    and current (neither revoked nor replaced by a newer version). Compiled here, it is the record
    the AnnualReport links to; written by hand before the report module was used (no
    AnnualReport), it is the record titled exactly as the report's title (`report_title`, in the
    agency's language). Never a part of a title: a notice or an explanation whose title quotes
    the report's is not the report."""
    current = records_published().filter(category__code=ANNUAL_REPORT_CATEGORY, superseded_by__isnull=True)
    linked = AnnualReport.objects.filter(year=year, record__isnull=False).values("record")
    if current.filter(pk__in=linked).exists():
        return True
    with agency_language():
        title = report_title(year)
    return current.filter(title=title).exists()


def worklist(user, today: dt.date | None = None) -> list[WorkItem]:
    """From 1 January until last year's report is published, the disclosure office sees it:
    compiled here and published, or published on the column by hand (the reports from before the
    module — also when a report for that year was opened here afterwards)."""
    if not (has_role(user, Role.DISCLOSURE_OFFICE) and user.has_perm("applications.compile_annual_report")):
        return []
    today = today or timezone.localdate()
    year = today.year - 1
    report = AnnualReport.objects.filter(year=year).select_related("record").first()
    if (report is not None and report.stage == ReportStage.PUBLISHED) or published_on_the_column(year):
        return []
    due = report_due_date(year)
    if report is None:
        url = reverse("admin:applications_annualreport_add") + f"?year={year}"
        step = _("待编制")
    else:
        url = reverse("admin:applications_annualreport_change", args=[report.pk])
        step = report.get_stage_display()
    return [WorkItem(
        title=_("%(year)d年政府信息公开工作年度报告") % {"year": year}, url=url, kind=_("年度报告"),
        office=_("政府信息公开工作领导小组办公室"), step=step, due_date=due, days_left=workdays_left(due, today),
        overdue=today > due, note=_("条例第四十九条：每年1月31日前公布上一年度年度报告。"),
    )]

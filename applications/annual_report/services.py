"""Writes on the annual report (M.3(3), R.49, R.50). Only the disclosure office compiles it; the
report becomes a draft record in the 政府信息公开年报 category, which then runs the ordinary
publish workflow of M.12 (disclosure/services.py) like any other record."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.annual_report import compute as r
from applications.annual_report import formats
from applications.models import AnnualReport, ApplicantType
from disclosure.catalogue_seed import ANNUAL_REPORT_CATEGORY
from disclosure.models import (
    Attachment,
    CatalogueCategory,
    Channel,
    DisclosureAttribute,
    DocumentType,
    Record,
    RecordState,
)
from disclosure.services import record_refresh_due_date
from portal.errors import ActionRefused, InvalidInput, StateConflict
from portal.files import store_upload
from portal.language import agency_language
from portal.models import Office, OfficeKind, Role, SiteProfile
from portal.notify import absolute_url, notify_on_commit
from portal.selectors import has_role, users_acting_as
from portal.uploads import files_removed_unless_committed

FIRST_YEAR = 2008  # the first year of reports under the Regulations
REPORT_DUE_BASIS = "条例第四十九条：每年1月31日前公布上一年度年度报告"

# What the disclosure office edits (the rest is computed or set by the workflow).
EDITABLE_FIELDS = [
    "overview", "problems", "other_matters",
    "licensing_decisions", "licensing_source", "penalty_decisions", "penalty_source",
    "enforcement_decisions", "enforcement_source", "fee_income", "fee_income_source",
    "previous_carry_over", "previous_carry_over_source",
]


def may_compile(user) -> bool:
    return bool(user.has_perm("applications.compile_annual_report") and has_role(user, Role.DISCLOSURE_OFFICE))


def _require_compiler(actor) -> None:
    if not may_compile(actor):
        raise ActionRefused(_("只有政府信息公开工作领导小组办公室可以编制和发布年度报告。"))


def _lock(report: AnnualReport) -> AnnualReport:
    return AnnualReport.objects.select_for_update(of=("self",)).select_related("record").get(pk=report.pk)


def _require_editable(report: AnnualReport) -> None:
    if not report.is_editable:
        raise StateConflict(
            _("%(year)d年度报告已%(stage)s，不能再修改。如需修改，请在发布流程中退回发布稿，或对已发布的报告办理变更。")
            % {"year": report.year, "stage": report.get_stage_display()})


def _refresh(report: AnnualReport) -> None:
    tables = r.compute(report.year)
    report.snapshot = tables.as_json()
    report.generated_at = tables.generated_at


def _save(report: AnnualReport, actor) -> AnnualReport:
    report.revision += 1
    report.updated_by = actor
    try:
        report.full_clean()
    except ValidationError as error:
        raise InvalidInput("；".join(error.messages)) from None
    report.save()
    return report


def annual_report_generate(*, year: int, actor) -> AnnualReport:
    """Open the report for `year` (or the existing one) and compute its tables from live data."""
    _require_compiler(actor)
    today = timezone.localdate()
    if not FIRST_YEAR <= int(year) <= today.year:
        raise InvalidInput(_("年度应在%(first)d年至%(last)d年之间。") % {"first": FIRST_YEAR, "last": today.year})
    with transaction.atomic():
        report, _created = AnnualReport.objects.get_or_create(year=int(year))
        report = _lock(report)
        if not report.is_editable:
            return report
        _refresh(report)
        return _save(report, actor)


def annual_report_refresh(*, report: AnnualReport, actor) -> AnnualReport:
    """Recompute tables 2–4 and the facts from the records, applications and review cases."""
    _require_compiler(actor)
    with transaction.atomic():
        report = _lock(report)
        _require_editable(report)
        _refresh(report)
        return _save(report, actor)


def _clean_carry_over(values) -> dict[str, int]:
    if not values:
        return {}
    cleaned = {}
    for column in ApplicantType.values:
        value = values.get(column)
        if value in (None, ""):
            value = 0
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise InvalidInput(_("上年结转应为非负整数。")) from None
        if value < 0:
            raise InvalidInput(_("上年结转应为非负整数。"))
        cleaned[column] = value
    return cleaned


def annual_report_update(*, report: AnnualReport, actor, data: dict) -> AnnualReport:
    """The disclosure office edits sections 一、五、六, the table-2 cells from other systems (each
    with its source) and, for the first year in the system, last year's carry-over."""
    _require_compiler(actor)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("不能修改：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    with transaction.atomic():
        report = _lock(report)
        _require_editable(report)
        for name, value in data.items():
            if name in ("overview", "problems", "other_matters"):
                value = AnnualReport._meta.get_field(name).sanitize(value or "")
            elif name == "previous_carry_over":
                value = _clean_carry_over(value)
            elif name.endswith("_source") and value is not None:
                value = value.strip()
            setattr(report, name, value)
        return _save(report, actor)


def _general_office() -> Office:
    office = Office.objects.filter(kind=OfficeKind.GENERAL_OFFICE, is_active=True).order_by("sort_order", "pk").first()
    if office is None:
        raise InvalidInput(_("没有在用的厅办公室：请先在“处室”中设置类型为“厅办公室”的处室。"))
    return office


def _attach_xlsx(record: Record, report: AnnualReport, tables: r.Tables, actor, saved) -> Attachment:
    with agency_language():  # the published workbook, like the body
        upload = ContentFile(formats.xlsx(report, tables), name=formats.xlsx_filename(report))
    return store_upload(Attachment(record=record, uploaded_by=actor), upload, saved=saved)


def annual_report_create_record(*, report: AnnualReport, actor) -> Record:
    """Turn the report into a draft record of the general office in the 政府信息公开年报 category,
    with the tables in its body and the XLSX attached; it then runs the publish workflow (M.12).

    Refused while the year is not over, and while any check fails (R.50: the message names the
    cell). A draft record not yet submitted is updated in place; a withheld or revoked one is
    replaced by a new draft. The record is created here rather than by `record_save_draft`,
    because the disclosure office is not the general office's info officer: the office's info
    officer submits it like any draft."""
    _require_compiler(actor)
    with files_removed_unless_committed() as saved, transaction.atomic():
        report = _lock(report)
        _require_editable(report)
        if timezone.localdate().year <= report.year:
            raise InvalidInput(_("%(year)d年尚未结束，年度报告在次年1月1日以后发布（条例第四十九条）。")
                               % {"year": report.year})
        _refresh(report)
        tables = r.Tables.from_json(report.snapshot)
        failures = r.check(report, tables)
        if failures:
            raise InvalidInput(_("年度报告未通过校验，不能转为发布稿：%(failures)s")
                               % {"failures": "；".join(f.message for f in failures)})
        category = CatalogueCategory.objects.filter(code=ANNUAL_REPORT_CATEGORY).first()
        if category is None:
            raise InvalidInput(_("目录中没有“政府信息公开工作年度报告”分类（代码 annual-report）。"))
        record = report.record if report.record_id and report.record.state == RecordState.DRAFT else None
        record = Record.objects.select_for_update().get(pk=record.pk) if record else Record(
            office=_general_office(), category=category, created_by=actor, state=RecordState.DRAFT,
            attribute=DisclosureAttribute.PROACTIVE, document_type=DocumentType.OTHER,
            channels=[Channel.COLUMN, Channel.WEBSITE],
        )
        if record.state != RecordState.DRAFT:
            raise StateConflict(_("发布稿已进入审核流程，不能再更新。"))
        with agency_language():  # the published record, like its body
            record.title = formats.title_of(report)
            record.summary = _("%(agency)s%(year)d年主动公开、依申请公开、政府信息公开行政复议和行政诉讼情况，"
                               "存在的主要问题及改进情况（条例第五十条）。") % {
                "agency": SiteProfile.current().name, "year": report.year}
        record.body = formats.render_body(report, tables)
        record.date_formed = timezone.localdate()
        # R.49 sets the report's own period (M.11, second sentence): 31 January of the next year.
        record.due_date_by_law = r.report_due_date(report.year)
        record.due_period_days, record.due_period_basis = None, REPORT_DUE_BASIS
        record_refresh_due_date(record)
        try:
            record.full_clean()
        except ValidationError as error:
            raise InvalidInput("；".join(error.messages)) from None
        record.save()
        for old in record.attachments.all():
            old.delete()  # the draft's previous XLSX; the stored file stays for its history
        _attach_xlsx(record, report, tables, actor, saved)
        report.record = record
        report.record_revision = report.revision + 1
        report.record_snapshot = report.snapshot
        _save(report, actor)
        link = absolute_url(reverse("admin:disclosure_record_change", args=[record.pk]))
        notify_on_commit(
            users=users_acting_as(Role.DRAFTER, record.office),
            subject=_("[%(agency)s] 年度报告发布稿待提交：%(title)s") % {"agency": SiteProfile.current().name,
                                                                 "title": record.title},
            body=_("政府信息公开工作领导小组办公室已生成%(year)d年度报告发布稿，请核对后提交审核。\n%(link)s\n")
            % {"year": report.year, "link": link},
        )
        return record


def annual_report_record_guard(record: Record) -> None:
    """The record of a report is submitted and published only as generated (R.50): from the
    report's latest revision, with the body the portal rendered, and passing every check. So the
    published tables, narrative and cells are the ones that were checked."""
    report = AnnualReport.objects.filter(record=record).first()
    if report is None:
        return
    if report.record_revision != report.revision:
        raise StateConflict(_("%(year)d年度报告在生成发布稿之后又有修改。请政府信息公开工作领导小组办公室重新“生成发布稿”后再提交。")
                            % {"year": report.year})
    tables = r.Tables.from_json(report.record_snapshot)
    if record.body != formats.render_body(report, tables):
        raise StateConflict(_("发布稿正文与年度报告不一致：年度报告的正文由系统根据报告生成，不能在发布稿中修改。"
                              "请在年度报告中修改，再重新“生成发布稿”。"))
    if failures := r.check(report, tables):
        raise InvalidInput(_("年度报告未通过校验，不能提交发布：%(failures)s")
                           % {"failures": "；".join(f.message for f in failures)})

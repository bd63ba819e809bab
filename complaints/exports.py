"""The dashboard as an XLSX workbook (openpyxl): the same figures as the page, no names of people."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from complaints.assessment import Dashboard, OfficeFigures

HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value):
    """A cell value that a spreadsheet never runs as a formula (office names are typed by people)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def office_columns() -> list[tuple[str, object]]:
    return [
        (_("处室"), lambda r: r.name),
        (_("发布政府信息（条）"), lambda r: r.records_published),
        (_("20个工作日内发布"), lambda r: r.records_on_time),
        (_("超过20个工作日发布"), lambda r: r.records_late),
        (_("逾期未公开"), lambda r: r.records_open_overdue),
        (_("答复申请（件）"), lambda r: r.applications_replied),
        (_("按期答复"), lambda r: r.applications_on_time),
        (_("逾期答复"), lambda r: r.applications_late),
        (_("逾期未答复"), lambda r: r.applications_open_overdue),
        (_("收到举报投诉（件）"), lambda r: r.complaints_received),
        (_("举报属实（含部分属实）"), lambda r: r.complaints_substantiated),
        (_("答复咨询（件）"), lambda r: r.consultations_answered),
        (_("按期答复咨询"), lambda r: r.consultations_on_time),
        (_("逾期答复咨询"), lambda r: r.consultations_late),
        (_("评价（次）"), lambda r: r.rating_count),
        (_("平均评价（1–5分）"), lambda r: r.rating_average),
        (_("责任追究（件）"), lambda r: r.findings),
    ]


def _header(sheet, titles: list[str]) -> None:
    sheet.append([_text(t) for t in titles])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _widths(sheet, first: int = 18, other: int = 12) -> None:
    for index in range(1, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(index)].width = first if index == 1 else other


def dashboard_xlsx(data: Dashboard) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("各处室")
    sheet.append([_text(_("政府信息公开监督考核（实施办法第十八条、第二十条）"))])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("统计期间"), f"{data.period.start:%Y-%m-%d}", f"{data.period.end:%Y-%m-%d}",
                  _text(data.period.label)])
    sheet.append([_("生成时间"), f"{timezone.localtime():%Y-%m-%d %H:%M}"])
    sheet.append([])
    columns = office_columns()
    _header(sheet, [title for title, _get in columns])
    rows: list[OfficeFigures] = [*data.rows, data.total]
    for item in rows:
        sheet.append([_text(get(item)) for _title, get in columns])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B6"
    _widths(sheet)

    ratings = book.create_sheet(_("社会评议"))
    _header(ratings, [_("来源"), _("评价（次）"), _("平均分（1–5分）")])
    for source in data.ratings:
        ratings.append([_text(source.label), source.count, source.average])
    ratings.append([_("举报投诉的评价是举报人对厅监察室办理工作的评价，计入厅监察室，不计入被投诉处室。")])
    ratings.append([])
    _header(ratings, [_("公众问卷"), _("份数"), _("总体满意度"), _("查找信息是否方便"), _("信息是否及时、准确")])
    ratings.append([_("本期"), data.survey.count, data.survey.overall, data.survey.findability,
                    data.survey.timeliness])
    _widths(ratings)

    findings = book.create_sheet(_("责任追究"))
    _header(findings, [_("认定日期"), _("责任处室"), _("事由"), _("处理措施"), _("关联举报投诉"), _("关联政府信息"),
                       _("关联申请")])
    for finding in data.findings:
        findings.append([
            f"{finding.decided_on:%Y-%m-%d}", _text(finding.office.name), _text(finding.title),
            _text(finding.get_measure_display()),
            _text("、".join(finding.complaints.values_list("tracking_code", flat=True))),
            len(finding.records.all()),
            _text("、".join(finding.applications.values_list("tracking_code", flat=True))),
        ])
    _widths(findings, first=12, other=20)

    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- The public statistics (complaints/statistics.py): the page's figures as CSV and XLSX ----------


def statistics_csv(data) -> bytes:
    """UTF-8 with a byte order mark, so that a spreadsheet opened by a double click reads the Chinese."""
    import csv
    from io import StringIO

    from complaints.statistics import export_rows

    header, rows = export_rows(data)
    buffer = StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_text(title) for title in header])
    for row in rows:
        writer.writerow([_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def statistics_xlsx(data) -> bytes:
    """One sheet per year: a row per office and the total, the same columns as the CSV."""
    from complaints.statistics import export_rows

    header, rows = export_rows(data)
    book = Workbook()
    book.remove(book.active)
    for year in data.years:
        sheet = book.create_sheet(_("%(year)d年") % {"year": year.year})
        sheet.append([_text(_("政府信息公开工作统计")), year.year])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([_("生成时间"), f"{timezone.localtime():%Y-%m-%d %H:%M}"])
        sheet.append([])
        _header(sheet, header[1:])
        year_rows = [row[1:] for row in rows if row[0] == year.year]
        for row in year_rows:
            sheet.append([_text(value) for value in row])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "B5"
        _widths(sheet)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()

"""The annual report's formats: one layout of each table, exactly as the national format draws it
(merged header cells included), used by the HTML (staff page, print view, the record's body)
and by the XLSX, so that every format shows the same cells in the same places.

A layout is rows of `Cell`s with row and column spans, laid out by the HTML table algorithm
(`place`), so the XLSX's merged ranges are the HTML's spans.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from applications.annual_report import compute as r
from applications.models import AnnualReport
from applications.outcomes import Outcome, OutcomeGroup, group_of
from disclosure.models import DocumentType
from portal.language import agency_language
from portal.models import SiteProfile

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Cell:
    text: str = ""
    header: bool = False
    scope: str = ""  # col | row | rowgroup (HTML only)
    colspan: int = 1
    rowspan: int = 1
    value: Any = None  # a number cell's value (int or Decimal); None with `number` = not entered
    number: bool = False
    link: str = ""  # the staff's drill-down

    @property
    def display(self) -> str:
        if not self.number:
            return self.text
        if self.value is None:
            return _("未填写")
        return money(self.value) if isinstance(self.value, Decimal) else str(self.value)


@dataclass
class TableLayout:
    key: str
    section: str
    caption: str
    head: list[list[Cell]]
    bodies: list[list[list[Cell]]]
    widths: list[int] = field(default_factory=list)  # XLSX column widths, in characters

    @property
    def width(self) -> int:
        first = (self.head or self.bodies[0])[0]
        return sum(cell.colspan for cell in first)

    def rows(self) -> list[list[Cell]]:
        return [*self.head, *(row for body in self.bodies for row in body)]


def money(value: Decimal) -> str:
    """万元 with up to four decimals, no trailing zeros: 12.35, 0."""
    return format(value.quantize(Decimal("0.0001")).normalize(), "f")


def _h(text, *, scope: str = "", colspan: int = 1, rowspan: int = 1) -> Cell:
    return Cell(text=str(text), header=True, scope=scope, colspan=colspan, rowspan=rowspan)


def _n(value, *, colspan: int = 1, link: str = "") -> Cell:
    return Cell(value=value, number=True, colspan=colspan, link=link)


# --- Table 2 -------------------------------------------------------------------------------------


def table2_layout(report: AnnualReport, tables: r.Tables) -> TableLayout:
    made = tables.table2
    content = _("信息内容")
    decisions = _("本年处理决定数量")
    bodies = [
        [
            [_h(_("第二十条第（一）项"), scope="rowgroup", colspan=4)],
            [_h(content, scope="col"), _h(_("本年制发件数"), scope="col"), _h(_("本年废止件数"), scope="col"),
             _h(_("现行有效件数"), scope="col")],
            *[[_h(DocumentType(row).label, scope="row"), *[_n(made[row][c]) for c in r.DOCUMENT_COLUMNS]]
              for row in r.DOCUMENT_ROWS],
        ],
        [
            [_h(_("第二十条第（五）项"), scope="rowgroup", colspan=4)],
            [_h(content, scope="col"), _h(decisions, scope="col", colspan=3)],
            [_h(_("行政许可"), scope="row"), _n(report.licensing_decisions, colspan=3)],
        ],
        [
            [_h(_("第二十条第（六）项"), scope="rowgroup", colspan=4)],
            [_h(content, scope="col"), _h(decisions, scope="col", colspan=3)],
            [_h(_("行政处罚"), scope="row"), _n(report.penalty_decisions, colspan=3)],
            [_h(_("行政强制"), scope="row"), _n(report.enforcement_decisions, colspan=3)],
        ],
        [
            [_h(_("第二十条第（八）项"), scope="rowgroup", colspan=4)],
            [_h(content, scope="col"), _h(_("本年收费金额（单位：万元）"), scope="col", colspan=3)],
            [_h(_("行政事业性收费"), scope="row"),
             _n(report.fee_income if report.fee_income is None else Decimal(report.fee_income), colspan=3)],
        ],
    ]
    return TableLayout("table2", _("二、主动公开政府信息情况"), _("主动公开政府信息情况"), [], bodies,
                       widths=[24, 16, 16, 16])


# --- Table 3 -------------------------------------------------------------------------------------


def table3_layout(tables: r.Tables, *, links: bool = False) -> TableLayout:
    data = tables.table3

    def numbers(row: str) -> list[Cell]:
        return [_n(data[row][column], link=r.drill_down_url(tables.year, row, column) if links else "")
                for column in r.COLUMNS]

    head = [
        [Cell(text=_("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"), colspan=3, rowspan=3),
         _h(_("申请人情况"), scope="col", colspan=7)],
        [_h(r.COLUMN_LABELS["natural_person"], scope="col", rowspan=2),
         _h(_("法人或其他组织"), scope="col", colspan=5),
         _h(r.COLUMN_LABELS[r.TOTAL], scope="col", rowspan=2)],
        [_h(r.COLUMN_LABELS[column], scope="col") for column in r.ORGANISATION_COLUMNS],
    ]
    body = [
        [_h(r.ROW_LABELS[r.NEW], scope="row", colspan=3), *numbers(r.NEW)],
        [_h(r.ROW_LABELS[r.CARRIED], scope="row", colspan=3), *numbers(r.CARRIED)],
    ]
    result_rows = []
    for group in OutcomeGroup.values:
        outcomes = [o for o in Outcome.values if group_of(o) == group]
        if group in (OutcomeGroup.DISCLOSED, OutcomeGroup.PARTIAL):
            result_rows.append([_h(r.GROUP_LABELS[group], scope="row", colspan=2), *numbers(outcomes[0])])
            continue
        for index, outcome in enumerate(outcomes):
            row = [_h(r.GROUP_LABELS[group], scope="row", rowspan=len(outcomes))] if index == 0 else []
            result_rows.append([*row, _h(r.SUB_ROW_LABELS[outcome], scope="row"), *numbers(outcome)])
    result_rows.append([_h(_("（七）总计"), scope="row", colspan=2), *numbers(r.CLOSED)])
    result_rows[0].insert(0, _h(_("三、本年度办理结果"), scope="row", rowspan=len(result_rows)))
    body.extend(result_rows)
    body.append([_h(r.ROW_LABELS[r.OPEN], scope="row", colspan=3), *numbers(r.OPEN)])
    return TableLayout("table3", _("三、收到和处理政府信息公开申请情况"), _("收到和处理政府信息公开申请情况"), head,
                       [body], widths=[10, 14, 34, 9, 9, 9, 9, 9, 9, 9])


# --- Table 4 -------------------------------------------------------------------------------------


def table4_layout(tables: r.Tables) -> TableLayout:
    results = [_("结果维持"), _("结果纠正"), _("其他结果"), _("尚未审结"), _("总计")]
    head = [
        [_h(_("行政复议"), scope="col", colspan=5), _h(_("行政诉讼"), scope="col", colspan=10)],
        [*[_h(text, scope="col", rowspan=2) for text in results],
         _h(_("未经复议直接起诉"), scope="col", colspan=5), _h(_("复议后起诉"), scope="col", colspan=5)],
        [_h(text, scope="col") for text in results * 2],
    ]
    body = [[_n(tables.table4[block][column]) for block in r.REVIEW_BLOCKS for column in r.REVIEW_COLUMNS]]
    return TableLayout("table4", _("四、政府信息公开行政复议、行政诉讼情况"), _("政府信息公开行政复议、行政诉讼情况"),
                       head, [body], widths=[9] * 15)


def layouts(report: AnnualReport, tables: r.Tables, *, links: bool = False) -> dict[str, TableLayout]:
    return {"table2": table2_layout(report, tables), "table3": table3_layout(tables, links=links),
            "table4": table4_layout(tables)}


def source_notes(report: AnnualReport) -> list[str]:
    """Where the table-2 cells from other systems come from (entered with them)."""
    notes = []
    for value_field, source_field, _label, row in r.MANUAL_CELLS:
        if getattr(report, value_field) is not None and getattr(report, source_field).strip():
            notes.append(_("%(row)s，%(source)s") % {"row": row, "source": getattr(report, source_field).strip()})
    return notes


# --- HTML ----------------------------------------------------------------------------------------


def title_of(report: AnnualReport) -> str:
    return r.report_title(report.year)


def report_context(report: AnnualReport, tables: r.Tables, *, mode: str) -> dict:
    """mode: "staff" (captions, header scopes, drill-down links), "print" (captions and scopes),
    "body" (what a record's sanitised body keeps: headings, tables with spans, paragraphs)."""
    return {
        "report": report,
        "tables": tables,
        "layouts": layouts(report, tables, links=mode == "staff"),
        "full": mode != "body",
        "links": mode == "staff",
        "notes": source_notes(report),
        "agency": SiteProfile.current().name,
        "title": title_of(report),
    }


def render_body(report: AnnualReport, tables: r.Tables) -> str:
    """The report as the record's body: HTML that survives the record's sanitiser unchanged.
    Always in the agency's language: it is the published document, whatever language the staff
    member's browser asks for — and the record guard compares it with a fresh rendering."""
    with agency_language():
        return render_to_string("applications/report/_report.html",
                                report_context(report, tables, mode="body")).strip()


# --- XLSX ----------------------------------------------------------------------------------------


def place(rows: list[list[Cell]]) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of each cell, skipping slots covered by earlier spans (the HTML
    table model), zero-based."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for y, row in enumerate(rows):
        x = 0
        for cell in row:
            while (y, x) in taken:
                x += 1
            placed.append((y, x, cell))
            taken.update((y + dy, x + dx) for dy in range(cell.rowspan) for dx in range(cell.colspan))
            x += cell.colspan
    return placed


def xlsx(report: AnnualReport, tables: r.Tables) -> bytes:
    """A workbook laid out like the national format: one sheet per table, merged header cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font, bold = Font(name="宋体", size=11), Font(name="宋体", size=11, bold=True)
    title_font = Font(name="黑体", size=14, bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in layouts(report, tables).values():
        sheet = workbook.create_sheet(table.caption[:31])
        sheet.sheet_view.showGridLines = False
        width = table.width
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        sheet.cell(1, 1, f"{title_of(report)}\n{table.section}").font = title_font
        sheet.cell(1, 1).alignment = center
        sheet.row_dimensions[1].height = 40
        top = 3
        for y, x, cell in place(table.rows()):
            row, column = top + y, 1 + x
            target = sheet.cell(row, column)
            if cell.number:
                target.value = cell.value
                if isinstance(cell.value, Decimal):
                    target.number_format = "0.00##"
            else:
                target.value = cell.text
            target.font = bold if cell.header else font
            target.alignment = left if (cell.header and cell.scope == "row" and cell.rowspan == 1) else center
            for dy in range(cell.rowspan):
                for dx in range(cell.colspan):
                    sheet.cell(row + dy, column + dx).border = border
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.merge_cells(start_row=row, start_column=column, end_row=row + cell.rowspan - 1,
                                  end_column=column + cell.colspan - 1)
        for index, chars in enumerate(table.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = chars
        if table.key == "table2":
            last = top + len(table.rows()) + 1
            for offset, note in enumerate([_("数据来源："), *source_notes(report)]):
                sheet.cell(last + offset, 1, note).font = font
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.print_options.horizontalCentered = True
    workbook.properties.title = title_of(report)
    workbook.properties.creator = SiteProfile.current().name
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_filename(report: AnnualReport) -> str:
    return _("%(year)d年政府信息公开工作年度报告.xlsx") % {"year": report.year}

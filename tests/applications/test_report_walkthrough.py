"""Issue #7's "done when", end to end over HTTP with the demo agency and its accounts: the
disclosure office (gkb) of the demo agency generates the 2026 report — the first compiled in the
system; the 2024 and 2025 reports were published by hand before it — and in January 2027 fixes
the deliberately wrong manual cell (last year's carry-over, copied from the 2025 report) when
the check names it, completes what is missing and turns it into a draft record; the general
office's info officer submits it, the ordinary publish workflow (M.12) publishes it, and a
citizen reads it on the column and downloads its XLSX."""

from __future__ import annotations

import datetime as dt
import io
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from applications.annual_report import compute as r
from applications.annual_report import formats as report_formats
from applications.annual_report import services as report_services
from applications.models import AnnualReport, ApplicantType, ReportStage
from disclosure.models import Record, RecordState, ReleaseRegisterLine
from portal.admin_site import worklist_for
from portal.errors import InvalidInput
from tests.conftest import act, as_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
S = RecordState
NP, COM = ApplicantType.NATURAL_PERSON, ApplicantType.COMMERCIAL
CHECKS = {"no_state_secret": "on", "no_commercial_secret": "on", "no_personal_privacy": "on"}
TITLE_2025 = "吉林省工业和信息化厅2025年政府信息公开工作年度报告"
TITLE_2026 = "吉林省工业和信息化厅2026年政府信息公开工作年度报告"
LOADED_AT = dt.datetime(2026, 12, 2, 10, tzinfo=SHANGHAI)
CARRY_OVER_NAMED = ("表3“二、上年结转政府信息公开申请数量” · 自然人为0，"
                    "与手工录入的2025年度报告数字的“四、结转下年度继续办理”（1）不一致。")

# What gkb completes in January: the whole year's licensing decisions (the demo entered them up to
# November) — and the wrongly copied carry-over, once the check names it.
COMPLETED_2026 = {"licensing_decisions": "41", "licensing_source": "吉林省政务服务平台2026年办件统计"}

pytestmark = pytest.mark.one_worker  # one demo load for the module (tests/conftest.py)


@pytest.fixture(scope="module")
def demo_module_rows(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for this module's tests (issue #17: a load takes seconds; this test
    and test_report's loaded it each), in demo mode into the database as migrate leaves it. Each
    test's own changes are undone at its end; the demo is rolled back after the module's last test."""
    from django.test import override_settings

    from tests.conftest import delete_world, rows_for_the_module

    media = tmp_path_factory.mktemp("report-demo-media")
    with rows_for_the_module(django_db_blocker) as unblocked:
        # Loaded as of 2 December 2026: the demo's 2026 report is open as a preview, 2026 still running.
        with (unblocked(), override_settings(DEMO_MODE=True, MEDIA_ROOT=media),
              time_machine.travel(LOADED_AT, tick=False)):
            delete_world()
            call_command("load_demo", stdout=StringIO())
        yield media


@pytest.fixture
def demo(db, demo_module_rows, settings):
    settings.DEMO_MODE, settings.MEDIA_ROOT = True, demo_module_rows


def report_reminders(user) -> list[str]:
    """The annual reports on `user`'s work list."""
    return [item.title for item in worklist_for(user) if item.kind == "年度报告"]


def form_as_shown(page) -> dict:
    """What the change page's form would post back untouched (the values it shows)."""
    form = page.context["adminform"].form
    return {name: "" if form[name].value() is None else form[name].value() for name in form.fields}


def checks_heading(page) -> str:
    return page.text.split('id="report-checks-title">')[1].split("</h2>")[0]



def test_the_disclosure_office_publishes_the_2026_report_and_a_citizen_downloads_it(client, demo):
    # The 2024 and 2025 reports are on the column, written by hand; 2026 is the first compiled here.
    assert list(AnnualReport.objects.values_list("year", flat=True)) == [2026]
    report = AnnualReport.objects.get(year=2026)
    url = reverse("admin:applications_annualreport_change", args=[report.pk])
    record_2025 = Record.objects.get(title=TITLE_2025, category__code="annual-report")
    assert record_2025.state == S.REGISTERED and record_2025.published_at.date() < dt.date(2026, 1, 31)
    # Its table 3 carries 商业企业 2 into 2026 (the demo's two applications of December 2025).
    carried_row = record_2025.body.split("四、结转下年度继续办理</th>")[1].split("</tr>")[0]
    assert carried_row == "".join(f"<td>{n}</td>" for n in (0, 2, 0, 0, 0, 0, 2))

    # While 2026 runs the page is a preview, and the wrong carry-over is already named.
    with time_machine.travel(dt.datetime(2026, 12, 2, 11, tzinfo=SHANGHAI), tick=False):
        assert not [i for i in worklist_for(get_user_model().objects.get(username="gkb")) if i.kind == "年度报告"]
        page = as_user(client, "gkb").get(url)
        assert page.status_code == 200
        assert "本年度尚未结束，数字截至生成之时，仅供预览。" in page.text
        assert CARRY_OVER_NAMED in page.text

    # R.49: published after the year is over — on a working day early in January 2027.
    with time_machine.travel(dt.datetime(2027, 1, 5, 10, tzinfo=SHANGHAI), tick=False):
        # 1. The work list's reminder opens the demo's 2026 report.
        gkb = get_user_model().objects.get(username="gkb")
        [item] = [i for i in worklist_for(gkb) if i.kind == "年度报告"]
        assert item.title == "2026年政府信息公开工作年度报告" and item.url == url and not item.overdue
        as_user(client, "gkb")
        page = client.get(url)
        assert page.status_code == 200
        assert "本年度尚未结束" not in page.text  # 2026 is over: no longer a preview

        # 2. The check names the carry-over copied wrongly from the 2025 report (1 自然人 that was
        #    never there) and the total; gkb refreshes the figures generated in December, puts
        #    the cell right and completes the year's licensing figure on the same page.
        assert "校验未通过：2 项" in checks_heading(page)
        assert CARRY_OVER_NAMED in page.text
        assert "上年数字来源：手工录入的2025年度报告数字" in page.text
        shown = form_as_shown(page)
        assert (shown["carry_natural_person"], shown["carry_commercial"]) == (1, 2)
        assert shown["previous_carry_over_source"] == "2025年政府信息公开工作年度报告表3（本专栏已公开）"
        response = client.post(reverse("admin:applications_annualreport_refresh", args=[report.pk]))
        assert response.status_code == 302
        page = client.get(url)
        assert "统计数据生成于 2027-01-05 10:00" in page.text and "校验未通过：2 项" in checks_heading(page)
        response = client.post(url, {**form_as_shown(page), "carry_natural_person": "0", **COMPLETED_2026,
                                     "_continue": "1"})
        assert response.status_code == 302, response.content.decode()[:3000]
        page = client.get(url)
        assert checks_heading(page) == "校验全部通过"
        report.refresh_from_db()
        assert report.previous_carry_over[NP] == 0 and report.previous_carry_over[COM] == 2
        assert r.check(report) == []
        assert report.overview.startswith("<p>2026年，省工信厅")  # the rest of the page kept as it was

        # Table 3's 二、上年结转 of 2026 is the 2025 report's 四、结转下年度继续办理: the two
        # applications of December 2025, closed in 2026.
        carried_2026 = r.tables_of(report).table3[r.CARRIED]
        assert carried_2026 == r.compute_open_row(2025)
        assert carried_2026[COM] == 2 and carried_2026[r.TOTAL] == 2

        # 3. "生成发布稿": a draft record of the general office, with the XLSX attached.
        response = client.post(reverse("admin:applications_annualreport_create_record", args=[report.pk]),
                               follow=True)
        assert response.status_code == 200
        assert f"已生成发布稿“{TITLE_2026}”（厅办公室草稿）" in response.text
        report.refresh_from_db()
        record = report.record
        assert record.title == TITLE_2026 and record.office.name == "厅办公室" and record.state == S.DRAFT
        assert report.stage == ReportStage.IN_WORKFLOW

        # The ordinary workflow, by the people of the demo agency.
        record = act(client, "bgs-drafter", record, "submit")
        record = act(client, "bgs-head", record, "approve_division", **CHECKS)
        record = act(client, "gkb", record, "approve_confidentiality", **CHECKS, is_important="no")
        assert record.state == S.READY
        record = act(client, "xxzx-publisher", record, "publish", channels=["column", "website"])
        assert record.state == S.PUBLISHED and record.index_number.startswith("11220000013544357T/")
        record = act(client, "bgs-register", record, "register")
        assert record.state == S.REGISTERED
        assert ReleaseRegisterLine.objects.get(record=record).index_number == record.index_number
        report.refresh_from_db()
        assert report.stage == ReportStage.PUBLISHED
        page = as_user(client, "gkb").get(url)
        assert page.status_code == 200 and "2026年政府信息公开工作年度报告：已发布" in page.text
        assert 'name="overview"' not in page.text  # frozen as published

        # 4. A citizen (not logged in) reads it on the column and downloads the XLSX.
        client.logout()
        listing = client.get(reverse("disclosure:annual_reports"))
        assert listing.status_code == 200
        assert all(f"{year}年政府信息公开工作年度报告" in listing.text for year in (2024, 2025, 2026))
        record_url = reverse("disclosure:record", args=[record.pk])
        assert record_url in listing.text
        page = client.get(record_url)
        assert page.status_code == 200
        assert TITLE_2026 in page.text and "<table>" in page.text
        assert "二、上年结转政府信息公开申请数量" in page.text and "吉林省政务服务平台2026年办件统计" in page.text
        attachment = record.attachments.get()
        download_url = reverse("disclosure:attachment", args=[attachment.pk])
        assert download_url in page.text
        download = client.get(download_url)
        assert download.status_code == 200
        assert download["Content-Type"] == report_formats.XLSX_CONTENT_TYPE
        assert "2026" in download["Content-Disposition"]
        workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
        assert workbook.properties.title == TITLE_2026
        table2, table3, _table4 = (workbook[name] for name in workbook.sheetnames)
        assert table3["A1"].value.startswith(TITLE_2026)
        assert table2["A9"].value == "行政许可" and table2["B9"].value == 41
        # Row 7 is 二、上年结转: the two commercial applications carried over from 2025.
        assert [table3.cell(7, column).value for column in range(4, 11)] == [0, 2, 0, 0, 0, 0, 2]


def test_demo_report_names_the_wrongly_copied_carry_over_until_it_is_fixed(demo):
    """The demo's 2026 report, the first compiled in the system, opened while the year runs: the
    carry-over copied by hand from the 2025 report (published by hand on the column) is wrong,
    and the check names the cell until it is put right; from 1 January 2027 it becomes a record."""
    with time_machine.travel(LOADED_AT, tick=False):
        call_command("load_demo", stdout=StringIO())  # idempotent: loaded a second time (`demo`)
        assert list(AnnualReport.objects.values_list("year", flat=True)) == [2026]
        assert set(Record.objects.filter(category__code="annual-report").values_list("title", flat=True)) == {
            "吉林省工业和信息化厅2024年政府信息公开工作年度报告", "吉林省工业和信息化厅2025年政府信息公开工作年度报告"}
        report = AnnualReport.objects.get(year=2026)
        gkb = get_user_model().objects.get(username="gkb")
        assert report_reminders(gkb) == []  # the 2025 report is published (by hand)
        failures = r.check(report)
        assert [f.cell for f in failures] == ["表3“二、上年结转政府信息公开申请数量” · 自然人",
                                             "表3“二、上年结转政府信息公开申请数量” · 总计"]
        with pytest.raises(InvalidInput, match="2026年尚未结束"):
            report_services.annual_report_create_record(report=report, actor=gkb)
    with time_machine.travel(dt.datetime(2027, 1, 5, 10, tzinfo=SHANGHAI), tick=False):
        assert report_reminders(gkb) == ["2026年政府信息公开工作年度报告"]
        with pytest.raises(InvalidInput, match="自然人为0，与手工录入的2025年度报告数字"):
            report_services.annual_report_create_record(report=report, actor=gkb)
        report = report_services.annual_report_update(report=report, actor=gkb,
                                                      data={"previous_carry_over": {NP: 0, COM: 2}})
        assert r.check(report) == []
        # December 2025's two, closed in 2026: what the hand-written 2025 report carries over.
        assert r.tables_of(report).table3["carried"] == {**dict.fromkeys(r.COLUMNS, 0), COM: 2, r.TOTAL: 2}
        assert r.compute_open_row(2025) == r.tables_of(report).table3["carried"]
        record = report_services.annual_report_create_record(report=report, actor=gkb)
        assert record.office.name == "厅办公室" and record.category.code == "annual-report"

"""Issue #7's "done when", end to end over HTTP with the demo agency and its accounts: in January
2027 the disclosure office (gkb) puts right the carry-over it copied wrongly into the demo's 2025
report once the check names the cell, generates the 2026 report, fills in what only it can
enter, and turns it into a draft record; the general office's info officer submits it, the
ordinary publish workflow (M.12) publishes it, and a citizen reads it on the column and
downloads its XLSX."""

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

from applications import report as r
from applications import report_formats
from applications.models import AnnualReport, ApplicantType, ReportStage
from disclosure.models import Record, RecordState, ReleaseRegisterLine

SHANGHAI = ZoneInfo("Asia/Shanghai")
S = RecordState
NP, COM = ApplicantType.NATURAL_PERSON, ApplicantType.COMMERCIAL
CHECKS = {"no_state_secret": "on", "no_commercial_secret": "on", "no_personal_privacy": "on"}
TITLE_2026 = "吉林省工业和信息化厅2026年政府信息公开工作年度报告"

# What gkb enters by hand for 2026 (R.50: every section, every cell from another system with its source).
ENTERED_2026 = {
    "overview": "<p>2026年，省工信厅严格执行政府信息公开条例，主动公开和依申请公开工作平稳有序。</p>",
    "problems": "<p>政策解读形式仍较单一。2027年将丰富图解、问答等解读形式。</p>",
    "other_matters": "<p>2026年本厅未收取信息处理费。</p>",
    "licensing_decisions": "41", "licensing_source": "吉林省政务服务平台2026年办件统计",
    "penalty_decisions": "9", "penalty_source": "吉林省行政执法监督平台",
    "enforcement_decisions": "0", "enforcement_source": "吉林省行政执法监督平台",
    "fee_income": "0", "fee_income_source": "厅财务处：本厅无行政事业性收费项目",
}


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DEMO_MODE, settings.MEDIA_ROOT = True, tmp_path
    # Loaded as of 2 December 2026: the demo's 2025 report exists, 2026 is still running.
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=SHANGHAI), tick=False):
        call_command("load_demo", stdout=StringIO())


def as_user(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def form_as_shown(page) -> dict:
    """What the change page's form would post back untouched (the values it shows)."""
    form = page.context["adminform"].form
    return {name: "" if form[name].value() is None else form[name].value() for name in form.fields}


def checks_heading(page) -> str:
    return page.text.split('id="report-checks-title">')[1].split("</h2>")[0]


def act(client, username, record, name, **data):
    """`username` opens the workflow button `name` on the record and confirms it."""
    as_user(client, username)
    url = reverse("admin:disclosure_record_transition", args=[record.pk, name])
    assert client.get(url).status_code == 200, f"{username} should be able to open {name}"
    response = client.post(url, {"expected_state": Record.objects.get(pk=record.pk).state, **data})
    assert response.status_code == 302, response.content.decode()[:3000]
    return Record.objects.get(pk=record.pk)


def test_the_disclosure_office_publishes_the_2026_report_and_a_citizen_downloads_it(client, demo):
    report_2025 = AnnualReport.objects.get(year=2025)
    assert not AnnualReport.objects.filter(year=2026).exists()

    # R.49: published after the year is over — on a working day early in January 2027.
    with time_machine.travel(dt.datetime(2027, 1, 5, 10, tzinfo=SHANGHAI), tick=False):
        # 1. The demo's 2025 report: the check names the carry-over copied wrongly from the 2024
        #    paper report (there were no applications before 2025: 0, not 1), and it is put
        #    right on the same page.
        as_user(client, "gkb")
        url_2025 = reverse("admin:applications_annualreport_change", args=[report_2025.pk])
        page = client.get(url_2025)
        assert page.status_code == 200
        assert "校验未通过：2 项" in checks_heading(page)
        assert ("表3“二、上年结转政府信息公开申请数量” · 自然人为0，"
                "与手工录入的2024年度报告数字的“四、结转下年度继续办理”（1）不一致。") in page.text
        assert form_as_shown(page)["carry_natural_person"] == 1
        response = client.post(url_2025, {**form_as_shown(page), "carry_natural_person": "0", "_continue": "1"})
        assert response.status_code == 302, response.content.decode()[:3000]
        page = client.get(url_2025)
        assert checks_heading(page) == "校验全部通过"
        report_2025.refresh_from_db()
        assert report_2025.previous_carry_over[NP] == 0 and r.check(report_2025) == []
        assert report_2025.overview.startswith("<p>2025年，省工信厅")  # the rest of the page kept as it was

        # 2. The 2026 report: the work list's link opens the generate page for the year.
        add = reverse("admin:applications_annualreport_add")
        assert client.get(add, {"year": "2026"}).status_code == 200
        response = client.post(add, {"year": "2026"})
        report = AnnualReport.objects.get(year=2026)
        url = reverse("admin:applications_annualreport_change", args=[report.pk])
        assert response.status_code == 302 and response["Location"] == url

        # R.50: the figures from other systems and the narrative are missing, and the page says which.
        page = client.get(url)
        assert "校验未通过：7 项" in checks_heading(page)
        assert "表2 第二十条第（五）项 行政许可“本年处理决定数量”未填写（没有的填0）。" in page.text
        assert "“五、存在的主要问题及改进情况”尚未填写。" in page.text
        assert "上年数字来源：按本系统数据计算的2025年度报告" in page.text
        response = client.post(url, {**form_as_shown(page), **ENTERED_2026, "_continue": "1"})
        assert response.status_code == 302, response.content.decode()[:3000]
        page = client.get(url)
        assert checks_heading(page) == "校验全部通过"
        assert "本年度尚未结束" not in page.text  # 2026 is over: no longer a preview

        # Table 3's 二、上年结转 of 2026 is the 2025 report's 四、结转下年度继续办理: the two
        # applications of December 2025 closed in 2026.
        report.refresh_from_db()
        carried_2026 = r.tables_of(report).table3[r.CARRIED]
        open_2025 = r.tables_of(report_2025).table3[r.OPEN]
        assert carried_2026 == open_2025
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
        assert listing.status_code == 200 and "2026年政府信息公开工作年度报告" in listing.text
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

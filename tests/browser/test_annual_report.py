"""The published annual report as a citizen reads it: WCAG 2.1 AA (axe) on its record page and
print view, its tables readable, its XLSX downloadable; and the staff's print view."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications.annual_report import services as report_services
from applications.models import AnnualReport
from disclosure import services as record_services
from disclosure.models import Channel
from portal.models import Role
from tests.browser.desk import sign_in
from tests.browser.test_accessibility import Findings, use_mode
from tests.conftest import ALL_CLEAR, make_user

pytestmark = pytest.mark.browser

TEXT = {
    "overview": "<p>总体情况。</p>", "problems": "<p>存在的主要问题。</p>", "other_matters": "<p>本年未收取信息处理费。</p>",
    "licensing_decisions": 3, "licensing_source": "政务服务平台", "penalty_decisions": 0, "penalty_source": "执法平台",
    "enforcement_decisions": 0, "enforcement_source": "执法平台", "fee_income": 0, "fee_income_source": "财务处",
    "previous_carry_over": {"natural_person": 0}, "previous_carry_over_source": "上年报告",
}


@pytest.fixture
def published_report(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = report_services.annual_report_generate(year=2025, actor=world.disclosure)
    report = report_services.annual_report_update(report=report, actor=world.disclosure, data=TEXT)
    record = report_services.annual_report_create_record(report=report, actor=world.disclosure)
    drafter = make_user("bgs_drafter", Role.DRAFTER, world.general_office)
    head = make_user("bgs_head", Role.DIVISION_HEAD, world.general_office)
    record = record_services.record_submit(record=record, actor=drafter)
    record = record_services.record_approve_division(record=record, actor=head, **ALL_CLEAR)
    record = record_services.record_approve_confidentiality(record=record, actor=world.disclosure, **ALL_CLEAR)
    return record_services.record_publish(record=record, actor=world.publisher, channels=[Channel.COLUMN])


@pytest.mark.parametrize("mode", ["standard", "high-contrast"])
def test_published_report_has_no_serious_axe_violations(page, portal_server, axe, published_report, mode):
    use_mode(page, portal_server, mode)
    findings = Findings(mode)
    for name, path in {"report record": published_report.get_absolute_url(),
                       "report print view": reverse("disclosure:record_print", args=[published_report.pk])}.items():
        page.goto(path)
        findings.scan(page, axe, name)
    findings.check()


def test_a_citizen_reads_the_tables_and_downloads_the_xlsx(page, published_report, expect):
    page.goto(reverse("disclosure:annual_reports"))
    page.get_by_role("link", name=published_report.title).click()
    expect(page.get_by_role("heading", level=2, name="三、收到和处理政府信息公开申请情况")).to_be_visible()
    expect(page.locator(".record-body").get_by_role("table")).to_have_count(3)
    expect(page.get_by_role("row", name="行政许可 3", exact=True)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="2025年政府信息公开工作年度报告", exact=True).click()  # 附件1：title
    assert download.value.suggested_filename.endswith(".xlsx")


def test_staff_print_view_has_no_serious_axe_violations(page, portal_server, axe, world, published_report):
    sign_in(page, portal_server, world.disclosure)
    report = AnnualReport.objects.get(record=published_report)
    page.goto(reverse("admin:applications_annualreport_print", args=[report.pk]))
    assert page.locator("table caption").count() == 3
    findings = Findings("standard")
    findings.scan(page, axe, "staff print view")
    findings.check()

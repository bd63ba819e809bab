"""The compliance self-check (M.18; issue #20): the checks inspections use, the score and its
history, links to what to fix, and a finding turned into an accountability case (M.20)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from complaints import compliance
from complaints.compliance_models import ComplianceRun
from complaints.models import AccountabilityFinding
from disclosure import services
from disclosure.models import CatalogueCategory, Record
from portal.models import SiteProfile
from tests import pdf_samples as samples
from tests.conftest import S, as_user, drive, new_draft

PAGE = reverse("admin:complaints_compliancerun_changelist")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _identity():
    profile = SiteProfile.objects.get(pk=1)
    profile.site_code, profile.icp_number = "2200000010", "吉ICP备05001234号"
    profile.public_security_number = "吉公网安备 22010202000123号"
    profile.save()


def _codes(run) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for finding in run.findings:
        found.setdefault(finding["check"], []).append(finding)
    return found


def test_missing_site_identity_is_a_finding_and_the_footer_shows_it_once_entered(client, world):
    run = compliance.compliance_run()
    (finding,) = _codes(run)["site_identity"]
    assert "网站标识码" in finding["detail"] and "公安机关备案号" in finding["detail"]
    assert finding["url"] == reverse("admin:portal_siteprofile_changelist")
    _identity()
    assert "site_identity" not in _codes(compliance.compliance_run())
    footer = client.get("/").content.decode().split('class="site-footer"', 1)[1]
    assert "网站标识码：2200000010" in footer and "吉ICP备05001234号" in footer and "吉公网安备 22010202000123号" in footer


def test_overdue_records_and_applications_are_findings_with_their_office_m11_r33(world):
    from tests.applications.conftest import offline

    record = new_draft(world, date_formed=dt.date(2026, 1, 5))  # due 20 working days later
    application = offline(world, received_on=dt.date(2026, 1, 5))
    from applications import services as application_services

    application_services.application_assign(application=application, actor=world.disclosure, office=world.office_b)
    run = compliance.compliance_run(today=dt.date(2026, 11, 2))
    found = _codes(run)
    overdue_record = next(f for f in found["records_overdue"] if f["records"] == [record.pk])
    assert overdue_record["office_id"] == world.office_a.pk
    assert overdue_record["url"] == reverse("admin:disclosure_record_change", args=[record.pk])
    overdue_application = found["applications_overdue"][0]
    assert overdue_application["applications"] == [application.pk] and overdue_application["office_id"] == world.office_b.pk
    checks = {c["code"]: c for c in run.checks}
    assert checks["records_overdue"]["deducted"] == 3 and checks["applications_overdue"]["deducted"] == 5


def test_a_complaint_not_concluded_by_its_due_date_is_a_finding_without_the_reporter_m19(world):
    from complaints import services as complaint_services

    complaint, _secret, _created = complaint_services.complaint_submit(
        data={"office": world.office_a, "failure_type": "late_reply", "details": "申请超期未答复。"},
        reporter={"name": "赵六", "phone": "13900004444"}, anonymous=False)
    assert complaint.due_date
    on_time = _codes(compliance.compliance_run(today=complaint.due_date))
    assert not on_time.get("complaints_overdue")
    run = compliance.compliance_run(today=complaint.due_date + dt.timedelta(days=1))
    (late,) = _codes(run)["complaints_overdue"]
    assert complaint.tracking_code in late["title"] and world.office_a.name in late["detail"]
    assert late["url"] == reverse("admin:complaints_complaint_change", args=[complaint.pk])
    assert "赵六" not in f"{late['title']}{late['detail']}" and "13900004444" not in late["detail"]
    assert next(c for c in run.checks if c["code"] == "complaints_overdue")["deducted"] == 3


def test_a_column_not_updated_within_its_period_is_a_finding(world):
    category = CatalogueCategory.objects.get(code="m5-6")
    category.update_period_days = 14
    category.save()
    record = new_draft(world, category=category)
    with time_machine.travel(dt.datetime(2026, 10, 1, 10, tzinfo=dt.UTC), tick=False):
        drive(world, record, S.PUBLISHED)
    found = _codes(compliance.compliance_run(today=dt.date(2026, 10, 10)))
    assert not any("业务工作进展" in f["title"] for f in found.get("column_updates", []))
    found = _codes(compliance.compliance_run(today=dt.date(2026, 10, 20)))
    stale = next(f for f in found["column_updates"] if "业务工作进展" in f["title"])
    assert "已 19 天未更新（更新周期 14 天）" in stale["detail"]
    assert stale["office_id"] == world.info_center.pk


def test_published_personal_data_broken_links_and_missing_files_are_found_on_rescan(world):
    linked = drive(world, new_draft(world, title="被链接的信息"), S.PUBLISHED)
    body = (f'<p>详见<a href="/records/{linked.pk}/">此前通知</a>和<a href="/records/999999/">旧通知</a>，'
            f'<a href="https://example.invalid/x">外部网站</a>。</p>')
    record = drive(world, new_draft(world, title="含链接的信息", body=body), S.PUBLISHED)
    # Published before the check existed: an identity number in the body.
    legacy = drive(world, new_draft(world, title="旧信息"), S.PUBLISHED)
    Record.objects.filter(pk=legacy.pk).update(body=f"<p>身份证号{samples.ID_NUMBER}</p>")
    data, _spots = samples.chinese_text_pdf(1, secret_pages=())
    with_file = new_draft(world, title="附件丢失的信息")
    services.attachment_add(record=with_file, actor=world.drafter_a, upload=SimpleUploadedFile("名单.pdf", data))
    with_file = drive(world, with_file, S.PUBLISHED)
    attachment = with_file.attachments.get()
    attachment.file.storage.delete(attachment.file.name)

    found = _codes(compliance.compliance_run())

    (personal,) = found["published_personal_data"]
    assert personal["records"] == [legacy.pk] and "居民身份证号码" in personal["detail"]
    (link,) = found["internal_links"]
    assert link["records"] == [record.pk] and "/records/999999/" in link["detail"]
    assert f"/records/{linked.pk}/" not in link["detail"] and "example.invalid" not in link["detail"]
    (missing,) = found["attachments"]
    assert missing["records"] == [with_file.pk] and "找不到文件" in missing["detail"]


def test_the_annual_report_not_published_by_31_january_is_a_finding_r49(world):
    assert "annual_report" not in _codes(compliance.compliance_run(today=dt.date(2027, 1, 31)))
    (late,) = _codes(compliance.compliance_run(today=dt.date(2027, 2, 1)))["annual_report"]
    assert "2026年" in late["title"] and late["office_id"] == world.general_office.pk


def test_normative_documents_without_interpretation_or_recorded_reason_are_findings(world):
    """国办发〔2016〕80号 (issue #19): a 行政规范性文件 in force goes out with its interpretation, or
    with the disclosure office's reason why it needs none; an interpretation added later clears it."""
    from disclosure import interpretation_services
    from disclosure.models import Channel

    waived = drive(world, new_draft(world, title="内容简单的规范性文件", document_type="normative"), S.PUBLISHED)
    assert waived.interpretation_waiver  # drive() records the office's reason when none is attached
    bare = drive(world, new_draft(world, title="未配解读的规范性文件", document_type="normative"), S.READY)
    Record.objects.filter(pk=bare.pk).update(interpretation_waiver="")  # e.g. published before issue #19
    Record.objects.filter(pk=bare.pk).update(state=S.PUBLISHED, published_at=timezone.now(), index_number="T-1")
    run = compliance.compliance_run()
    check = next(c for c in run.checks if c["code"] == "policy_interpretations")
    assert not check["skipped"] and check["count"] == 1 and check["deducted"] == 2
    (finding,) = _codes(run)["policy_interpretations"]
    assert "未配解读的规范性文件" in finding["title"] and finding["records"] == [bare.pk]
    assert finding["office_id"] == world.office_a.pk

    reading = new_draft(world, title="未配解读的规范性文件解读", body="<p>解读。</p>")
    interpretation_services.interpretation_link(interpretation=reading, policy=Record.objects.get(pk=bare.pk),
                                                actor=world.drafter_a)
    drive(world, reading, S.READY)
    services.record_publish(record=Record.objects.get(pk=reading.pk), actor=world.publisher,
                            channels=[Channel.COLUMN])
    assert "policy_interpretations" not in _codes(compliance.compliance_run())


def test_score_is_100_less_the_capped_deductions(world):
    _identity()
    for _ in range(7):
        new_draft(world, date_formed=dt.date(2026, 1, 5))
    run = compliance.compliance_run(today=dt.date(2026, 11, 2))
    checks = {c["code"]: c for c in run.checks}
    assert checks["records_overdue"]["count"] == 7 and checks["records_overdue"]["deducted"] == 15  # capped
    assert run.score == 100 - sum(c["deducted"] for c in run.checks)


@pytest.mark.parametrize(("who", "status"), [("gkb", 200), ("supervisor", 200), ("drafter_a", 403), ("head_a", 403),
                                              ("leader_a", 403)])
def test_the_page_is_for_the_disclosure_office_and_the_supervision_office_m18(client, world, who, status):
    compliance.compliance_run()
    assert as_user(client, who).get(PAGE).status_code == status


def test_the_page_lists_findings_with_links_score_and_history(client, world):
    with time_machine.travel(timezone.now() - dt.timedelta(days=1)):
        compliance.compliance_run()
    as_user(client, "gkb")
    response = client.post(reverse("admin:complaints_compliancerun_run"))
    assert response.status_code == 302 and ComplianceRun.objects.count() == 2
    page = client.get(PAGE).content.decode()
    assert "得分" in page and "网站标识齐全" in page and "页脚缺少网站标识" in page
    assert reverse("admin:portal_siteprofile_changelist") in page
    assert "<polyline" in page  # the history
    assert "/case/" not in page  # the disclosure office does not open accountability cases


def test_the_supervision_office_turns_a_finding_into_an_accountability_case_m20(client, world):
    record = new_draft(world, date_formed=dt.date(2026, 1, 5))
    run = compliance.compliance_run(today=dt.date(2026, 11, 2))
    index = next(i for i, f in enumerate(run.findings) if f["records"] == [record.pk])
    url = reverse("admin:complaints_compliancerun_case", args=[run.pk, index])
    assert as_user(client, "gkb").get(url).status_code == 403
    as_user(client, "supervisor")
    assert url in client.get(reverse("admin:complaints_compliancerun_change", args=[run.pk])).content.decode()
    form = client.get(url).content.decode()
    assert "逾期未公开" in form

    response = client.post(url, {"title": "逾期未公开政府信息", "facts": "合规自查发现逾期。", "measure": "criticism",
                                 "decided_on": "2026-11-02"})

    case = AccountabilityFinding.objects.get()
    assert response.status_code == 302
    assert case.office == world.office_a and list(case.records.all()) == [record]
    run.refresh_from_db()
    assert run.findings[index]["case_id"] == case.pk
    assert client.post(url, {"title": "再次", "facts": "x", "measure": "criticism",
                             "decided_on": "2026-11-02"}).status_code == 200  # refused: already a case
    assert AccountabilityFinding.objects.count() == 1


def test_the_daily_command_keeps_a_run(world):
    out = StringIO()
    call_command("compliance_check", stdout=out)
    assert ComplianceRun.objects.count() == 1 and "score" in out.getvalue()

"""Issue #20 as the drafter meets it, in Chinese at 1280 px and on a 390 px phone: an identity
number typed into a record's body stops its submission with the hit shown (masked, in its
context) until a reason is recorded (M.6, R.15; M.12(1)); and a long redaction job shows its
progress on its page, which refreshes itself while the job runs."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from disclosure import redaction_services, services
from disclosure.models import Record, RecordState
from disclosure.redaction_models import FileRedaction, PersonalDataClearance, RedactionState
from tests import pdf_samples as samples
from tests.browser.desk import context_at, page_errors, scrolls_sideways, sign_in, submit_label
from tests.browser.test_accessibility import Findings
from tests.browser.test_redaction_page import shot  # to $REDACTION_SCREENSHOTS when set
from tests.conftest import new_draft

pytestmark = pytest.mark.browser

MASKED = "2201**********1235"  # samples.ID_NUMBER as the check shows it
REASON = "当事人书面同意公开其身份证号码（同意书已归档）。"



@pytest.mark.parametrize("width", [1280, 390])
def test_an_identity_number_typed_into_the_body_stops_submission_until_a_reason_is_recorded_m6(
        browser, expect, axe, portal_server, world, width):
    findings = Findings("standard")
    record = new_draft(world, title="关于某企业技术改造项目核查情况的说明", body="<p>核查情况说明如下。</p>")
    context = context_at(browser, portal_server, width)
    try:
        page = context.new_page()
        sign_in(page, portal_server, world.drafter_a)

        # The drafter pastes the applicant's identity number into the body and saves.
        page.goto(reverse("admin:disclosure_record_change", args=[record.pk]))
        page.locator(".field-body [contenteditable=true]").get_by_text("核查情况说明如下。").click()
        page.keyboard.press("End")
        page.keyboard.type(f"申请人身份证号码为{samples.ID_NUMBER}。")
        page.get_by_role("button", name="保存并继续编辑", exact=True).click()
        page.wait_for_load_state("load")
        expect(page.locator(".messagelist .success")).to_be_visible()
        assert samples.ID_NUMBER in Record.objects.get(pk=record.pk).body

        # The submit page shows the check above the button: one hit, masked, in its context.
        page.locator(".workflow-actions").get_by_role("link", name="提交处室负责人审核", exact=True).click()
        page.wait_for_load_state("load")
        check = page.get_by_role("region", name="个人信息和错敏词检查")
        expect(check).to_contain_text("1 处未处理")
        expect(check).to_contain_text("居民身份证号码")
        expect(check).to_contain_text(MASKED)
        expect(check).to_contain_text(f"身份证号码为【{MASKED}】")
        assert samples.ID_NUMBER not in check.inner_text()  # the check names it masked
        shot(page, f"personal-data-check-{width}")
        findings.scan(page, axe, "submit page with the check")
        assert scrolls_sideways(page) <= 0

        # Pressing the button anyway: stopped, with the hit named.
        page.get_by_role("button", name=submit_label("提交处室负责人审核"), exact=True).click()
        page.wait_for_load_state("load")
        expect(page.locator(".errornote").first).to_contain_text(MASKED)
        shot(page, f"personal-data-stopped-{width}")
        assert Record.objects.get(pk=record.pk).state == RecordState.DRAFT

        # The drafter records why it may stay (the alternative: remove it from the body).
        page.get_by_role("link", name="查看检查详情").click()
        page.wait_for_load_state("load")
        findings.scan(page, axe, "the check's page")
        page.get_by_role("checkbox", name=f"选择 居民身份证号码 {MASKED}").check()
        page.get_by_label("可以公开的理由（对所选各项）").fill(REASON)
        page.get_by_role("button", name="记录理由", exact=True).click()
        page.wait_for_load_state("load")
        assert PersonalDataClearance.objects.filter(target_id=record.pk, actor=world.drafter_a).count() == 1

        page.goto(reverse("admin:disclosure_record_transition", args=[record.pk, "submit"]))
        check = page.get_by_role("region", name="个人信息和错敏词检查")
        expect(check).to_contain_text("1 处均已说明理由")
        expect(check).to_contain_text(REASON)
        page.get_by_role("button", name=submit_label("提交处室负责人审核"), exact=True).click()
        page.wait_for_load_state("load")
        assert not page_errors(page), page_errors(page)
        expect(page.locator("#stage-title")).to_contain_text("处室负责人审核")
        assert scrolls_sideways(page) <= 0
        findings.check()
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_long_redaction_shows_its_progress_on_a_page_that_refreshes_itself(
        browser, expect, axe, portal_server, world, settings, tmp_path, width):
    settings.MEDIA_ROOT = tmp_path
    from portal import jobs

    data, spots = samples.chinese_text_pdf(2, secret_pages=(1,))
    record = new_draft(world, title="关于申请材料的公开")
    services.attachment_add(record=record, actor=world.drafter_a, upload=SimpleUploadedFile("申请材料.pdf", data))
    original = jobs._in_thread
    jobs._in_thread = lambda path, args: None  # the job is queued; the test plays its progress
    try:
        redaction = redaction_services.redaction_request(item=record.attachments.get(), actor=world.drafter_a,
                                                         boxes=[samples.box_over(spots[1])])
    finally:
        jobs._in_thread = original
    FileRedaction.objects.filter(pk=redaction.pk).update(state=RedactionState.RUNNING, pages_total=100,
                                                         pages_done=37, heartbeat_at=timezone.now())
    context = context_at(browser, portal_server, width)
    try:
        page = context.new_page()
        sign_in(page, portal_server, world.drafter_a)
        page.goto(reverse("admin:disclosure_fileredaction_change", args=[redaction.pk]))
        expect(page.locator("#rd-state-title")).to_contain_text("处理中")
        bar = page.get_by_role("progressbar", name="已处理 37 / 100 页")
        expect(bar).to_have_attribute("value", "37")
        expect(bar).to_have_attribute("max", "100")
        expect(page.get_by_text("本页每2秒自动刷新")).to_be_visible()
        shot(page, f"redaction-progress-{width}")
        findings = Findings("standard")
        findings.scan(page, axe, "redaction in progress")
        findings.check()
        assert scrolls_sideways(page) <= 0

        # The job moves on: the page follows by itself, nobody reloads it.
        FileRedaction.objects.filter(pk=redaction.pk).update(pages_done=80, heartbeat_at=timezone.now())
        expect(page.get_by_role("progressbar", name="已处理 80 / 100 页")).to_have_attribute("value", "80")
    finally:
        context.close()

"""R.44 in Chromium, in 简体中文, at 1280 and 390 px: the disclosure office brings an answered
application into proactive disclosure (纳入主动公开) and sees the draft record of the answering
office; the record runs the publish chain; the applicant's tracking page then links to it. The
applicant's own suggestion (R.44, second paragraph) is made on the tracking page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import services
from applications.outcomes import Outcome
from applications.views import case_token
from disclosure.models import RecordState
from tests import pdf_samples as samples
from tests.applications.conftest import complete_letter, send_reply
from tests.browser.desk import covers
from tests.browser.test_accessibility import Findings
from tests.conftest import drive
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.browser

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
TITLE = "2025年度省级工业互联网平台名单"


def answered(world):
    """Answered by 政策法规处 with the list disclosed in full, the list provided as a PDF."""
    application = ApplicationFactory(received_on=timezone.localdate(), information_title=TITLE)
    application = services.application_assign(application=application, actor=world.disclosure, office=world.office_a)
    application = services.application_draft_reply(
        application=application, actor=world.drafter_a, outcome=Outcome.DISCLOSED,
        letter_html=complete_letter(application, Outcome.DISCLOSED),
        uploads=[SimpleUploadedFile("平台名单.pdf", samples.chinese_text_pdf(1, secret_pages=())[0])])
    return send_reply(application, world.disclosure)


@covers("applications.disclosureapplication:propose_proactive_disclosure", "form:applications:case_suggest")
@pytest.mark.parametrize("size", list(SIZES))
def test_an_answer_becomes_a_draft_record_and_once_published_the_tracking_page_links_it_r44(
        desks, expect, axe, world, settings, tmp_path, size):
    settings.MEDIA_ROOT = tmp_path
    application = answered(world)
    findings = Findings("standard")

    # The applicant suggests proactive disclosure on the tracking page (R.44, second paragraph).
    visitor = desks.visitor("申请人")
    visitor.page.set_viewport_size(SIZES[size])
    page = visitor.go(f"/apply/track/{case_token(application)}/", "查询页面")
    suggestion = page.get_by_role("region", name="建议纳入主动公开")
    suggestion.get_by_label("我建议本机关将所申请的政府信息纳入主动公开的范围。").check()
    suggestion.get_by_role("button", name="提交建议").click()
    expect(page.get_by_text("感谢您的建议")).to_be_visible()
    expect(page.get_by_role("region", name="建议纳入主动公开")).to_contain_text("您已于")
    visitor.shot("建议已提交")

    office = desks.staff(world.disclosure)
    office.page.set_viewport_size(SIZES[size])
    office.open(application)
    expect(office.stage()).to_contain_text("申请人建议纳入主动公开")
    page = office.start(application, "纳入主动公开").page
    expect(page.get_by_role("region", name="草稿将包含")).to_contain_text("平台名单.pdf")
    findings.scan(page, axe, "纳入主动公开")
    office.confirm("纳入主动公开")
    link = page.locator(".proactive-record a")
    expect(link).to_have_text(TITLE)
    expect(page.locator(".proactive-record")).to_contain_text("草稿")
    link.click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("region", name="来源申请（依申请公开纳入主动公开，条例第四十四条）")).to_contain_text(
        application.tracking_code)
    expect(page.locator("#content")).to_contain_text("平台名单")
    office.shot("政府信息草稿", full_page=True)
    findings.scan(page, axe, "政府信息草稿")

    application.refresh_from_db()
    record = drive(world, application.public_record, RecordState.PUBLISHED)

    page = visitor.go(f"/apply/track/{case_token(application)}/")
    public = page.get_by_role("region", name="已纳入主动公开")
    expect(public).to_contain_text("纳入主动公开（条例第四十四条）")
    expect(public.get_by_role("link", name=TITLE)).to_have_attribute("href", record.get_absolute_url())
    visitor.shot("查询页面链接到公开的信息", full_page=True)
    findings.scan(page, axe, "查询页面")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    public.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    findings.check()

"""Issue 14's record procedures in a real browser, in Chinese, at desktop (1280 px) and phone
(390 px) widths: the statutory-content page (R.20), an office reporting a revocation that the
disclosure office grants from its work list, or declines with a reason (M.14), a division head
recording the right holder's consent with its letter, or proposing disclosure in the public
interest, and the unified review deciding on what the division head recorded (M.6 para. 2, R.15)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from disclosure import services
from disclosure.catalogue_seed import seed_statutory_items
from disclosure.models import CatalogueCategory, ChangeRequest, RecordState, ReviewDocument, StatutoryItem
from tests.browser.desk import covers, sign_in
from tests.conftest import S, drive, new_draft

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 390}


def shoot(page, name: str, tmp_path: Path) -> None:
    """A full-page screenshot; SCREENSHOT_DIR keeps them for a person to look at."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_statutory_page_lists_the_items_of_r20(page, world, width, tmp_path):
    seed_statutory_items(CatalogueCategory, StatutoryItem)
    drive(world, new_draft(world, title="2026年部门预算", category=CatalogueCategory.objects.get(code="r20-7")),
          S.PUBLISHED)
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    page.goto(reverse("disclosure:statutory"))
    table = page.get_by_role("table", name="条例第二十条规定的主动公开事项及其所在目录分类")
    assert table.get_by_role("row").count() == 16  # the header and fifteen items
    row = table.get_by_role("row").filter(has_text="财政预算、决算")
    assert "条例第二十条第（七）项" in row.inner_text() and row.locator("td.num").inner_text() == "1"
    assert row.get_by_role("link").count() == 1
    assert no_sideways_scroll(page)
    shoot(page, f"statutory-{width}", tmp_path)
    row.get_by_role("link", name="财政预算、决算").click()
    page.get_by_role("link", name="2026年部门预算").wait_for()


@covers("disclosure.record:request_change", "disclosure.record:handle_change_request")
@pytest.mark.parametrize("width", WIDTHS)
def test_an_office_reports_a_revocation_and_the_disclosure_office_grants_it(page, world, portal_server, width,
                                                                            tmp_path):
    record = drive(world, new_draft(world, title="关于公布2026年度试点企业名单的通知"), S.REGISTERED)
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})

    sign_in(page, portal_server, world.drafter_a)
    page.goto(reverse("admin:disclosure_record_change", args=[record.pk]))
    page.locator(".workflow-actions").get_by_role("link", name="报请变更、撤销或终止").click()
    page.wait_for_load_state("load")
    page.get_by_role("radio", name="撤销", exact=True).check()
    page.get_by_role("textbox", name="理由（必填）").fill("名单中一家企业已注销，需撤销后重新公布。")
    assert no_sideways_scroll(page)
    shoot(page, f"change-request-{width}", tmp_path)
    page.get_by_role("button", name="确认报请变更、撤销或终止").click()
    page.get_by_text("已完成“报请变更、撤销或终止”").wait_for()

    sign_in(page, portal_server, world.disclosure)
    page.goto(reverse("admin:index"))
    page.get_by_role("table").get_by_role("row").filter(has_text="报请撤销").get_by_role(
        "link", name=record.title).click()
    page.wait_for_load_state("load")
    assert "处室报请：撤销。理由：名单中一家企业已注销" in page.locator("form.transition-form").inner_text()
    page.get_by_role("radio", name="同意，按报请事项办理").check()
    assert no_sideways_scroll(page)
    shoot(page, f"change-request-decide-{width}", tmp_path)
    page.get_by_role("button", name="确认处理处室报请").click()
    page.get_by_role("heading", name="处室报请（实施办法第十四条）").wait_for()
    requests = page.locator("section", has=page.get_by_role("heading", name="处室报请（实施办法第十四条）"))
    assert "已同意并办理" in requests.inner_text()
    shoot(page, f"change-request-done-{width}", tmp_path)
    record.refresh_from_db()
    assert record.state == RecordState.REVOKED
    assert ChangeRequest.objects.get(record=record).status == "accepted"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_division_head_records_the_right_holders_consent_with_its_letter(page, world, portal_server, width,
                                                                           tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    record = drive(world, new_draft(world, title="关于2026年度企业技术中心认定结果的公示"), S.DIVISION_REVIEW)
    letter = tmp_path / "同意公开函.pdf"
    letter.write_bytes(b"%PDF-1.4 consent")
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    sign_in(page, portal_server, world.head_a)
    page.goto(reverse("admin:disclosure_record_transition", args=[record.pk, "approve_division"]))
    page.wait_for_load_state("load")
    page.get_by_role("checkbox", name="不涉及国家秘密").check()
    page.get_by_role("checkbox", name="不涉及个人隐私").check()
    page.get_by_role("radio", name="权利人同意公开").check()
    page.get_by_role("textbox", name="权利人同意的方式").fill("企业书面同意函")
    page.get_by_label("同意的日期").fill("2026-11-04")
    page.get_by_label("同意书").set_input_files(str(letter))
    assert no_sideways_scroll(page)
    shoot(page, f"consent-{width}", tmp_path)
    page.get_by_role("button", name="确认审核通过（含保密自查）").click()
    page.get_by_role("heading", name="审查材料（不公开）").wait_for()
    assert "权利人同意的方式：企业书面同意函" in page.content()
    document = ReviewDocument.objects.get(record=record)
    assert document.original_name == "同意公开函.pdf"


@covers("disclosure.record:handle_change_request")
def test_the_disclosure_office_declines_an_offices_request_only_with_a_reason_m14(desks, expect, world):
    record = drive(world, new_draft(world, title="关于公布2026年度试点企业名单的通知"), S.REGISTERED)
    services.record_request_change(record=record, actor=world.drafter_a, kind="expire", reason="试点期已结束。")

    office = desks.staff(world.disclosure)
    form = office.start(record, "处理处室报请")
    expect(form).to_contain_text("处室报请：失效（终止）。理由：试点期已结束。")
    form.get_by_role("radio", name="不同意").check()
    office.page.get_by_role("button", name="确认处理处室报请").click()
    expect(office.page.locator(".errornote")).to_contain_text("不同意处室报请的，须写明理由。")
    office.shot("不同意未写理由")
    form.get_by_label("处理意见（不同意的必填）").fill("名单仍在有效期内，请核实后再报。")
    office.confirm("处理处室报请")
    requests = office.page.locator("section", has=office.page.get_by_role("heading", name="处室报请（实施办法第十四条）"))
    expect(requests).to_contain_text("名单仍在有效期内")
    record.refresh_from_db()
    assert record.state == RecordState.REGISTERED
    assert ChangeRequest.objects.get(record=record).status == "declined"


def test_the_unified_review_decides_on_the_consent_or_public_interest_the_division_head_recorded_m6_r15(
        desks, expect, world, settings, tmp_path):
    """The division head records the right holder's consent (with its letter) on one record and
    proposes disclosure in the public interest on another; the disclosure office's review sees
    each proposal, finds it preselected with what was recorded (no retyping, no second upload),
    and decides: the consented record goes on to publication, the public-interest one to the
    supervising leader although it is not important (M.6 para. 2, R.15, M.12(2))."""
    settings.MEDIA_ROOT = tmp_path
    consented_on = timezone.localdate() - dt.timedelta(days=2)
    consented = drive(world, new_draft(world, title="关于2026年度企业技术中心认定结果的公示"), S.DIVISION_REVIEW)
    services.record_approve_division(
        record=consented, actor=world.head_a, no_state_secret=True, no_commercial_secret=False,
        no_personal_privacy=True, override="consent", consent_how="企业书面同意函", consent_on=consented_on,
        consent_document=SimpleUploadedFile("同意公开函.pdf", b"%PDF-1.4 consent"))
    interest = drive(world, new_draft(world, title="关于某企业安全生产事故隐患整改情况的通报"), S.DIVISION_REVIEW)

    # The division head proposes disclosure in the public interest; a reason is required.
    head = desks.staff(world.head_a)
    form = head.start(interest, "审核通过（含保密自查）")
    form.get_by_label("不涉及国家秘密").check()
    form.get_by_label("不涉及个人隐私").check()
    form.get_by_role("radio", name="提请认定：不公开可能对公共利益造成重大影响（由领导小组办公室认定）").check()
    head.page.get_by_role("button", name="确认审核通过（含保密自查）").click()
    expect(head.page.locator(".errornote")).to_contain_text("须写明理由")
    head.shot("未写公共利益理由")
    form.get_by_label("不公开可能对公共利益造成重大影响的理由").fill("事故隐患涉及周边居民安全，公众有权知晓。")
    head.confirm("审核通过（含保密自查）")
    expect(head.stage()).to_contain_text("保密审查")

    office = desks.staff(world.disclosure)
    # Consent: what the division head recorded is shown and preselected; the letter kept then
    # is the consent on file. The reviewer still confirms the three items for themselves.
    form = office.start(consented, "保密审查通过")
    summary = office.page.locator(".approval-summary")
    expect(summary).to_contain_text("权利人同意公开")
    expect(summary).to_contain_text("企业书面同意函")
    expect(summary).to_contain_text("同意公开函.pdf")
    expect(form.get_by_role("radio", name="权利人同意公开")).to_be_checked()
    expect(form.get_by_label("权利人同意的方式")).to_have_value("企业书面同意函")
    expect(form.get_by_label("同意的日期")).to_have_value(consented_on.isoformat())
    for label in ("不涉及国家秘密", "不涉及商业秘密", "不涉及个人隐私"):
        expect(form.get_by_label(label)).not_to_be_checked()
    form.get_by_label("不涉及国家秘密").check()
    form.get_by_label("不涉及个人隐私").check()
    office.confirm("保密审查通过")
    expect(office.stage()).to_contain_text("待发布")
    checklist = consented.events.get(action="approve_confidentiality").checklist
    assert (checklist["override"], checklist["consent_on"], checklist["consent_document"]) == (
        "consent", consented_on.isoformat(), "同意公开函.pdf")

    # Public interest: the proposal and its reason are preselected; deciding it sends the
    # record to the supervising leader whatever its importance.
    form = office.start(interest, "保密审查通过")
    expect(office.page.locator(".approval-summary")).to_contain_text("事故隐患涉及周边居民安全")
    expect(form.get_by_role("radio", name="不公开可能对公共利益造成重大影响")).to_be_checked()
    expect(form.get_by_label("不公开可能对公共利益造成重大影响的理由")).to_have_value(
        "事故隐患涉及周边居民安全，公众有权知晓。")
    expect(form.get_by_role("radio", name="非重要信息：审查通过后待发布")).to_be_checked()
    form.get_by_label("不涉及国家秘密").check()
    form.get_by_label("不涉及个人隐私").check()
    office.confirm("保密审查通过")
    expect(office.stage()).to_contain_text("厅领导签发")
    interest.refresh_from_db()
    assert (interest.state, interest.is_important) == (RecordState.LEADER_SIGNOFF, False)

"""依申请公开 end to end in a real browser: a citizen applies online, keeps the receipt, supplements
when asked (R.30), and reads and downloads the reply (R.36). The staff ask for the supplement,
draft the reply and approve it in the back office, in the browser too (receipt and assignment go
through the services)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import ApplicantType, Delivery, DisclosureApplication, IdentityDocument, Status
from applications.outcomes import Outcome
from tests.browser.desk import covers, sign_in

pytestmark = pytest.mark.browser

TITLE = "2025年度省级工业互联网平台认定名单"
DESCRIPTION = "请提供2025年度省级工业互联网平台的认定名单及认定文件。"
SUPPLEMENT_ITEMS = "1. 请说明所需名单的发布年份范围；\n2. 请说明是否需要各平台的申报材料。"
SUPPLEMENT_TEXT = "只需要2025年度的认定名单和认定文件，不需要各平台的申报材料。"
EXPLANATION = "经审查，您申请获取的2025年度省级工业互联网平台认定名单属于公开范围，现予以提供，请在查询页面下载。"
PROVIDED_NAME = "2025年度省级工业互联网平台认定名单.pdf"
PROVIDED_BYTES = b"%PDF-1.4\n% provided information\n%%EOF\n"


def status_cell(page, label: str):
    """The value cell of one row of the status table (办理状态)."""
    table = page.get_by_role("region", name="办理状态").get_by_role("table")
    return table.locator("tr", has=page.locator(f'th:text-is("{label}")')).locator("td")


def open_action(page, application, label: str) -> None:
    """From the application's page in the back office, its workflow button."""
    page.goto(reverse("admin:applications_disclosureapplication_change", args=[application.pk]))
    page.locator(".workflow-actions").get_by_role("link", name=label, exact=True).click()
    # The form's scripts attach on DOMContentLoaded: act only once they have (else a busy machine
    # lets the test change a field before anything listens to it).
    page.wait_for_load_state("load")


@covers("form:applications:apply", "form:applications:track", "form:applications:case_supplement")
def test_apply_supplement_and_download_the_reply(page, expect, world, settings, tmp_path, portal_server):
    settings.MEDIA_ROOT = tmp_path

    # --- The citizen applies online -------------------------------------------------------------
    page.goto("/apply/")
    form = page.get_by_role("form", name="网上申请表")
    form.get_by_role("radio", name="自然人", exact=True).check()
    form.get_by_label("姓名或名称").fill("王小明")
    form.get_by_role("radio", name="居民身份证", exact=True).check()
    form.get_by_label("证件号码").fill("11010519491231002X")
    form.get_by_label("联系电话").fill("13912345678")
    form.get_by_label("电子邮箱").fill("wangxiaoming@example.invalid")
    form.get_by_label("所需信息名称").fill(TITLE)
    form.get_by_label("所需信息的内容描述").fill(DESCRIPTION)
    form.get_by_role("radio", name="在查询页面下载", exact=True).check()
    form.get_by_role("button", name="提交申请").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("申请已提交")
    code = page.locator("#receipt-code").inner_text().strip()
    secret = page.locator("#receipt-secret").inner_text().strip()
    assert re.fullmatch(r"SQ\d{4}-\d{6}", code)
    assert re.fullmatch(r"[A-Z2-9]{8}", secret)
    assert TITLE in page.get_by_role("region", name="政府信息公开申请回执").inner_text()

    application = DisclosureApplication.objects.get(tracking_code=code)
    assert application.status == Status.SUBMITTED
    assert (application.applicant_type, application.applicant_name, application.identity_document,
            application.identity_number, application.delivery) == (
        ApplicantType.NATURAL_PERSON, "王小明", IdentityDocument.RESIDENT_ID, "11010519491231002X", Delivery.DOWNLOAD)
    assert services.secret_matches(application, secret)

    # --- Staff confirm receipt and ask, once, for a supplement (R.30, R.31) ---------------------
    today = timezone.localdate()
    application = services.application_confirm(application=application, actor=world.disclosure)
    sign_in(page, portal_server, world.disclosure)
    open_action(page, application, "告知补正")
    page.get_by_label("需要补正的全部事项").fill(SUPPLEMENT_ITEMS)
    page.get_by_label("补正期限").fill((today + dt.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="确认告知补正").click()
    expect(page.locator(".messagelist")).to_contain_text("已完成“告知补正”")
    application.refresh_from_db()
    assert application.status == Status.SUPPLEMENT_REQUESTED
    assert application.notices.filter(kind="supplement_request").exists()
    page.context.clear_cookies()

    # --- The citizen looks it up and supplements -----------------------------------------------
    page.goto("/apply/track/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("查询密码").fill(secret.lower())  # case does not matter
    page.get_by_role("button", name="查询", exact=True).click()
    page.wait_for_url(re.compile(r"/apply/track/[^/]+/$"))
    assert secret not in page.url and secret.lower() not in page.url
    expect(page.locator(".case-status")).to_have_text("待补正")
    expect(status_cell(page, "答复期限")).to_contain_text("期限暂停")
    supplement = page.get_by_role("region", name="补正申请")
    expect(supplement.locator(".supplement-items")).to_have_text(re.compile(
        r"1\. 请说明所需名单的发布年份范围；\s*2\. 请说明是否需要各平台的申报材料。"))
    expect(status_cell(page, "补正期限")).to_have_text((today + dt.timedelta(days=7)).isoformat())
    expect(page.get_by_role("region", name="通知书")).to_contain_text("补正告知书")

    supplement.get_by_label("补正内容").fill(SUPPLEMENT_TEXT)
    supplement.get_by_role("button", name="提交补正").click()
    expect(page.get_by_role("status")).to_contain_text("补正已提交")
    expect(page.locator(".case-status")).to_have_text("已受理")
    expect(page.get_by_role("region", name="补正申请")).to_have_count(0)

    application.refresh_from_db()
    assert application.status == Status.RECEIVED
    assert application.events.filter(kind="supplement_received", comment=SUPPLEMENT_TEXT).exists()
    assert application.due_date and not application.clock_paused
    expect(status_cell(page, "答复期限")).to_have_text(re.compile(rf"^\s*{application.due_date:%Y-%m-%d}"))

    # --- Staff assign, the division drafts the reply, the disclosure office sends it ------------
    case_page = page.url
    application = services.application_assign(application=application, actor=world.disclosure, office=world.office_a)
    sign_in(page, portal_server, world.drafter_a)
    open_action(page, application, "拟定答复")
    expect(page.get_by_label("办理结果（年报表三的分类）")).to_have_value(Outcome.DISCLOSED)
    # The letter's body is in the rich-text editor; salutation, signature and date are fields.
    letter = page.locator(".tiptap[contenteditable=true]")
    expect(letter).to_contain_text("本机关决定予以公开")
    expect(page.get_by_label("告知书称呼")).to_have_value("王小明")
    # Choosing another outcome redraws the letter from that outcome's template (static/js/letter-draft.js).
    page.get_by_label("办理结果（年报表三的分类）").select_option(Outcome.WITHHELD_STATE_SECRET)
    expect(letter).to_contain_text(re.compile("属于国家秘密.*本机关决定不予公开", re.S))
    page.get_by_label("办理结果（年报表三的分类）").select_option(Outcome.DISCLOSED)
    expect(letter).to_contain_text("本机关决定予以公开")
    letter.get_by_text("本机关决定予以公开。").click()
    page.keyboard.press("End")
    page.keyboard.type(EXPLANATION)
    files = tmp_path / PROVIDED_NAME
    files.write_bytes(PROVIDED_BYTES)
    page.get_by_label("提供的政府信息（答复发出后申请人可在查询页面下载）").set_input_files(str(files))
    page.get_by_role("button", name="确认拟定答复").click()
    expect(page.locator(".messagelist")).to_contain_text("已完成“拟定答复”")
    application.refresh_from_db()
    assert application.status == Status.REPLY_DRAFTED
    # The drafter is not offered the approval (separation of duties).
    expect(page.locator(".workflow-actions").get_by_role("link", name="审核并发出答复")).to_have_count(0)

    sign_in(page, portal_server, world.disclosure)
    open_action(page, application, "审核并发出答复")
    # The confidentiality check before information is released (M.3(4), R.17; issue #14).
    for label in ("不涉及国家秘密", "不涉及商业秘密", "不涉及个人隐私"):
        page.get_by_label(label).check()
    page.get_by_role("button", name="确认审核并发出答复").click()
    expect(page.locator(".messagelist")).to_contain_text("已完成“审核并发出答复”")
    application.refresh_from_db()
    assert application.status == Status.CLOSED
    page.context.clear_cookies()
    page.goto(case_page)

    # --- The citizen reloads the status page, reads and downloads the reply ---------------------
    expect(page.locator(".case-status")).to_have_text("已办结")
    expect(status_cell(page, "当前状态")).to_contain_text("予以公开")
    application.refresh_from_db()
    expect(status_cell(page, "答复期限")).to_have_text(re.compile(rf"^\s*{application.due_date:%Y-%m-%d}"))
    expect(status_cell(page, "答复日期")).to_have_text(today.isoformat())
    letter = page.get_by_role("region", name="答复告知书")
    expect(letter.locator("article")).to_contain_text(EXPLANATION)

    with page.expect_download() as info:
        letter.get_by_role("link", name="下载告知书（PDF）").click()
    pdf = info.value
    assert pdf.suggested_filename.endswith(".pdf")
    assert code in pdf.suggested_filename
    assert Path(pdf.path()).read_bytes().startswith(b"%PDF")

    with page.expect_download() as info:
        page.get_by_role("region", name="可下载的材料").get_by_role("link", name=PROVIDED_NAME).click()
    provided = info.value
    assert provided.suggested_filename == PROVIDED_NAME
    assert Path(provided.path()).read_bytes() == PROVIDED_BYTES

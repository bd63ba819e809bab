"""Issue #15, 2.8 and 2.3/2.10 in the browser, in Chinese at 1280 px and on a 390 px phone: the
drafter gives an attachment its title in the back office and the public page shows it as
“附件1：标题”, the file name second; the disclosure office repeals a record on the notice's date,
naming the document that replaced it by its 文号, and the public page gives that date and links
the new document itself (not a search)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosure.models import Validity
from tests.browser.desk import context_at, page_errors, scrolls_sideways, sign_in, submit_label
from tests.browser.test_redaction_page import shot  # to $REDACTION_SCREENSHOTS when set
from tests.conftest import S, drive, new_draft

pytestmark = pytest.mark.browser

ATTACHMENT_TITLE = "2026年度省级工业设计中心认定名单"
SCAN_NAME = "scan-0031.pdf"



@pytest.mark.parametrize("width", [1280, 390])
def test_an_attachment_titled_in_the_back_office_is_shown_as_attachment_1_with_its_title(
        browser, expect, portal_server, world, settings, tmp_path, width):
    settings.MEDIA_ROOT = tmp_path
    record = new_draft(world, title="关于公布2026年度省级工业设计中心名单的通知")
    context = context_at(browser, portal_server, width)
    try:
        page = context.new_page()
        sign_in(page, portal_server, world.drafter_a)
        page.goto(reverse("admin:disclosure_record_change", args=[record.pk]))
        group = page.locator("#attachments-group")
        group.get_by_role("button", name="添加另一个 附件").click()
        row = group.locator("tr.form-row.dynamic-attachments").last
        row.locator("input[name$='-title']").fill(ATTACHMENT_TITLE)
        row.locator("input[type=file]").set_input_files(
            files=[{"name": SCAN_NAME, "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%list\n"}])
        page.get_by_role("button", name="保存并继续编辑", exact=True).click()
        page.wait_for_load_state("load")
        assert not page_errors(page), page_errors(page)
        attachment = record.attachments.get()
        assert (attachment.title, attachment.original_name) == (ATTACHMENT_TITLE, SCAN_NAME)

        drive(world, record, S.PUBLISHED)
        visitor = context_at(browser, portal_server, width)
        try:
            public = visitor.new_page()
            public.goto(record.get_absolute_url())
            attachments = public.get_by_role("region", name="附件")
            item = attachments.get_by_role("listitem").first
            expect(item).to_contain_text(f"附件1：{ATTACHMENT_TITLE}")
            text = item.inner_text()
            assert text.index(ATTACHMENT_TITLE) < text.index(SCAN_NAME)  # the file name comes second
            expect(item.get_by_role("link", name=ATTACHMENT_TITLE, exact=True)).to_be_visible()
            assert scrolls_sideways(public) <= 0
            shot(public, f"attachment-title-{width}")
        finally:
            visitor.close()
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_repeal_takes_the_notices_date_and_links_the_replacing_document_m14(
        browser, expect, portal_server, world, width):
    today = timezone.localdate()
    repealed_on = today - dt.timedelta(days=3)
    old = drive(world, new_draft(world, title="工业企业技术改造管理暂行办法", document_number="吉工信规〔2019〕1号",
                                 date_formed=today - dt.timedelta(days=2000)), S.REGISTERED)
    new = drive(world, new_draft(world, title="工业企业技术改造管理办法", document_number="吉工信规〔2026〕3号",
                                 date_formed=today - dt.timedelta(days=10)), S.REGISTERED)
    context = context_at(browser, portal_server, width)
    try:
        page = context.new_page()
        sign_in(page, portal_server, world.disclosure)
        page.goto(reverse("admin:disclosure_record_change", args=[old.pk]))
        page.locator(".workflow-actions").get_by_role("link", name="废止", exact=True).click()
        page.wait_for_load_state("load")
        expect(page.get_by_label("废止日期")).to_have_value(today.isoformat())  # today, prefilled
        page.get_by_label("原因（必填）").fill("已被《工业企业技术改造管理办法》替代。")
        page.get_by_label("废止日期").fill(repealed_on.isoformat())
        page.get_by_label("替代文件的文号或索引号").fill(new.document_number)
        shot(page, f"repeal-form-{width}")
        page.get_by_role("button", name=submit_label("废止"), exact=True).click()
        page.wait_for_load_state("load")
        assert not page_errors(page), page_errors(page)
        expect(page.locator(".messagelist .success")).to_contain_text("废止")
        old.refresh_from_db()
        assert (old.validity, old.validity_changed_on, old.replaced_by_id) == (Validity.REPEALED, repealed_on, new.pk)

        page.goto(old.get_absolute_url())
        main = page.get_by_role("main")
        expect(main).to_contain_text(f"废止日期：{repealed_on.isoformat()}")
        shot(page, f"repealed-record-{width}")
        link = main.get_by_role("link", name=new.title, exact=True).first
        assert link.get_attribute("href") == new.get_absolute_url()  # the document itself, not a search
        link.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(new.title)
        assert scrolls_sideways(page) <= 0
    finally:
        context.close()

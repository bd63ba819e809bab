"""A receipt as a person reads it (issue #15, 10): it says when a confirmation went to the
e-mail address given, and a phone is told to take a screenshot — no Ctrl+P, no print button —
while a computer gets the print button."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
def test_the_consultation_receipt_mentions_the_mail_and_fits_the_device(browser, portal_server, world, width, expect):
    context = browser.new_context(base_url=portal_server.url, locale="zh-CN", viewport={"width": width, "height": 844})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/interact/consult/")
        page.get_by_role("textbox", name="咨询主题", exact=True).fill("依申请公开是否收费")
        page.get_by_role("textbox", name="咨询内容", exact=True).fill("申请政府信息公开需要交费吗？")
        page.get_by_role("textbox", name="姓名或名称", exact=True).fill("李雷")
        page.get_by_role("textbox", name="电子邮箱", exact=True).fill("lilei@example.invalid")
        page.get_by_role("button", name="提交咨询").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("咨询已提交")
        main = page.get_by_role("main")
        expect(main).to_contain_text("确认邮件已发送到您填写的电子邮箱")
        if width < 760:
            expect(main.get_by_text("在手机上，请截屏或抄写保存查询码和查询密码。")).to_be_visible()
            expect(main.get_by_role("button", name="打印回执")).to_be_hidden()
            expect(main.get_by_text("Ctrl+P")).to_be_hidden()
        else:
            expect(main.get_by_role("button", name="打印回执")).to_be_visible()
            expect(main.get_by_text("在手机上，请截屏或抄写保存查询码和查询密码。")).to_be_hidden()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    finally:
        context.close()

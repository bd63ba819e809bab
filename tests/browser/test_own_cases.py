"""A citizen who lost the tracking secret finds their cases in a real browser (issue #18 part 4):
the address typed, the one-time link from the mail, the list, a case's status page."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.browser.desk import covers
from tests.browser.test_accessibility import Findings
from tests.factories import ApplicationFactory, ConsultationFactory

pytestmark = pytest.mark.browser

WIDTHS = [390, 1280]
MINE = "wang.citizen@example.invalid"
LINK_RE = re.compile(r"https?://\S+/my-cases/open/[A-Za-z0-9_\-]+/")


@pytest.mark.parametrize("width", WIDTHS)
@covers("form:own_cases:request", "form:own_cases:open")
def test_a_citizen_without_the_secret_reaches_their_cases_through_the_mailed_link(
        browser, portal_server, world, width, expect, axe):
    application = ApplicationFactory(email=MINE, information_title="王某申请的道路规划文件")
    consultation = ConsultationFactory(name="王某", email=MINE, subject="王某的咨询主题")
    other = ApplicationFactory(email="someone.else@example.invalid", information_title="他人申请的名单")
    context = browser.new_context(base_url=portal_server.url, locale="zh-CN",
                                  viewport={"width": width, "height": 844})
    context.set_default_timeout(10_000)
    findings = Findings("standard")
    try:
        page = context.new_page()
        page.goto("/apply/track/")
        page.get_by_role("link", name="用提交时留下的电子邮箱或手机号码查找本人案件").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("查找本人的申请、咨询和投诉举报")
        findings.scan(page, axe, "request")
        page.screenshot(path=f"/tmp/own_cases_request_{width}.png", full_page=True)

        page.get_by_label("电子邮箱或手机号码").fill(" Wang.Citizen@example.invalid ")
        page.get_by_role("button", name="发送一次性链接").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("请查收一次性链接")
        expect(page.get_by_role("status")).to_contain_text("如果该电子邮箱与本平台的申请、咨询或投诉举报相符")

        assert len(mail.outbox) == 1 and mail.outbox[0].to == [MINE]
        link = LINK_RE.search(mail.outbox[0].body).group(0)
        page.goto(link)
        findings.scan(page, axe, "open")
        page.get_by_role("button", name="查看我的案件").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("我的申请、咨询和投诉举报")
        main = page.get_by_role("main")
        expect(main).to_contain_text("王某申请的道路规划文件")
        expect(main).to_contain_text("王某的咨询主题")
        expect(main).not_to_contain_text(other.tracking_code)
        findings.scan(page, axe, "list")
        page.screenshot(path=f"/tmp/own_cases_list_{width}.png", full_page=True)

        page.get_by_role("link", name=consultation.tracking_code).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("咨询办理情况")
        expect(page.get_by_role("main")).to_contain_text(consultation.tracking_code)
        page.go_back()
        page.get_by_role("link", name=application.tracking_code).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("申请办理情况")

        # The link was spent: opened again it offers a new one.
        page.goto(link)
        expect(page.get_by_role("alert")).to_contain_text("该链接已使用过")
        findings.check()
    finally:
        context.close()

"""信息订阅 in Chromium, in 简体中文, on a desktop and on a 390 px phone (issue #21 part 3): a
malformed address is refused with a message; subscribing shows that a confirmation mail is on
its way; the link in that mail activates the subscription; the unsubscribe link in it deletes it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from disclosure.subscription_models import Subscription
from portal.models import Notice
from tests.browser.desk import Steps, covers

pytestmark = pytest.mark.browser


def mail_link(name: str) -> str:
    """The link of that name in the confirmation mail as the outbox holds it."""
    body = Notice.objects.filter(subject__contains="请确认您的信息订阅").latest("pk").body
    prefix = reverse(f"disclosure:{name}", args=["TOKEN"]).replace("TOKEN/", "")
    return prefix + re.search(re.escape(prefix) + r"([^/\s]+/)", body).group(1)


def serious(axe, page) -> None:
    found = [f"{v['id']}: {v['help']}" for v in axe.run(page).response["violations"]
             if v["impact"] in {"serious", "critical"}]
    assert not found, found


@covers("form:disclosure:subscribe")
@pytest.mark.parametrize("width", [1280, 390])
def test_a_visitor_subscribes_confirms_and_unsubscribes(browser, portal_server, world, width, expect, request, axe):
    context = browser.new_context(base_url=portal_server.url, locale="zh-CN", viewport={"width": width, "height": 844})
    context.set_default_timeout(10_000)
    steps = Steps(request.node.nodeid)
    try:
        page = context.new_page()
        page.goto("/")
        if width > 600:  # the main menu leads there (on a phone it is folded behind a button)
            page.get_by_role("link", name="信息订阅").first.click()
        else:
            page.goto(reverse("disclosure:subscribe"))
        expect(page.get_by_role("heading", level=1)).to_have_text("信息订阅")
        page.get_by_label("电子邮箱").fill("wangxiaoming@@example")
        page.get_by_role("checkbox", name=world.category.name, exact=True).check()
        page.get_by_role("radio", name="每日汇总").check()
        page.get_by_role("button", name="订阅", exact=True).click()
        expect(page.locator(".error-summary")).to_contain_text("请填写有效的电子邮箱地址")
        steps.shot(page, "malformed address refused")
        serious(axe, page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
        page.get_by_label("电子邮箱").fill("wangxiaoming@example.com")
        expect(page.get_by_role("checkbox", name=world.category.name, exact=True)).to_be_checked()
        steps.shot(page, "form filled", full_page=True)
        page.get_by_role("button", name="订阅", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("请查收确认邮件")
        steps.shot(page, "check your mail")
        subscription = Subscription.objects.get()
        assert subscription.confirmed_at is None and subscription.frequency == "daily"

        page.goto(mail_link("subscription_confirm"))
        expect(page.get_by_role("heading", level=1)).to_have_text("订阅已生效")
        expect(page.get_by_role("status")).to_contain_text(world.category.name)
        steps.shot(page, "confirmed")
        serious(axe, page)
        subscription.refresh_from_db()
        assert subscription.confirmed_at is not None

        page.goto(mail_link("unsubscribe"))
        steps.shot(page, "unsubscribe page")
        page.get_by_role("button", name="确认退订").click()
        expect(page.get_by_role("status")).to_contain_text("已退订")
        steps.shot(page, "unsubscribed")
        assert not Subscription.objects.exists()
    finally:
        print(f"screenshots: {steps.write()}")
        context.close()

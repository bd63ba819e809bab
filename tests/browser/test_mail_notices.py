"""The written notices sent by e-mail on the tracking page (issue #21, 2): each with the date it was
sent — or, while the mail has not reached the citizen, a word that the page is what counts, so an
undelivered mail never hides a deadline (R.30: the supplement's deadline)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.views import case_token
from portal.outbox import outbox_deliver_due
from tests.applications.conftest import PERSON
from tests.browser.desk import Steps

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
def test_the_supplement_request_mail_shows_on_the_tracking_page_sent_or_not(
        browser, portal_server, world, width, expect, settings, request):
    application, _secret, _created = services.application_submit(data=dict(PERSON))
    application = services.application_confirm(application=application, actor=world.disclosure)
    settings.EMAIL_BACKEND = "tests.portal.test_outbox.DownBackend"  # the mail server is down
    services.application_request_supplement(application=application, actor=world.disclosure, items="请说明年份",
                                            deadline=timezone.localdate() + dt.timedelta(days=7))
    outbox_deliver_due()
    context = browser.new_context(base_url=portal_server.url, locale="zh-CN",
                                  viewport={"width": width, "height": 844})
    context.set_default_timeout(10_000)
    steps = Steps(f"{request.node.nodeid}")
    try:
        page = context.new_page()
        page.goto(reverse("applications:case", args=[case_token(application)]))
        notices = page.get_by_role("region", name="邮件告知")
        expect(notices).to_contain_text("请补正您的申请")
        expect(notices).to_contain_text("告知内容以本页为准")
        expect(notices).not_to_contain_text("已收到您的政府信息公开申请")  # the receipt is not a notice
        notices.scroll_into_view_if_needed()
        steps.shot(page, "not yet delivered")

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
        outbox_deliver_due(now=timezone.now() + dt.timedelta(hours=1))
        page.reload()
        expect(notices).to_contain_text(f"已于 {timezone.localdate():%Y-%m-%d}")
        expect(notices).to_contain_text("发送至您留下的电子邮箱")
        notices.scroll_into_view_if_needed()
        steps.shot(page, "delivered")
        box = notices.bounding_box()
        assert box["width"] <= width  # no sideways scrolling on a phone
    finally:
        print(f"screenshots: {steps.write()}")
        context.close()

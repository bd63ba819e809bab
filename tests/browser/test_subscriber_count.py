"""The count of subscribers on the supervision dashboard (issue #21), in Chinese at 1280 px and on
a 390 px phone: the disclosure office sees two numbers and no address; the supervision office,
which sees the same dashboard, sees no subscriber section at all."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosure.subscription_models import Subscription
from tests.browser.desk import Steps, context_at, scrolls_sideways, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_the_disclosure_office_sees_the_number_of_subscribers_on_the_dashboard(
        browser, portal_server, world, width, expect, request):
    now = timezone.now()
    Subscription.objects.bulk_create(
        [Subscription(email=f"reader{n}@example.com", token_digest="x", confirmed_at=now) for n in range(3)]
        + [Subscription(email="gone@example.com", token_digest="x", confirmed_at=now, refused_at=now)])
    context = context_at(browser, portal_server, width)
    steps = Steps(request.node.nodeid)
    try:
        page = context.new_page()
        sign_in(page, portal_server, world.disclosure)
        page.goto(reverse("admin:complaints_assessment_changelist"))
        section = page.get_by_role("region", name="信息订阅")
        section.scroll_into_view_if_needed()
        expect(section.get_by_role("columnheader", name="已确认的订阅者")).to_be_visible()
        expect(section.get_by_role("cell")).to_have_text(["3", "1"])
        steps.shot(page, "subscriber count")
        assert "@example.com" not in page.content()
        assert scrolls_sideways(page) <= 0

        sign_in(page, portal_server, world.supervisor)
        page.goto(reverse("admin:complaints_assessment_changelist"))
        expect(page.locator(".dashboard-period")).to_be_visible()
        expect(page.get_by_role("region", name="信息订阅")).to_have_count(0)
    finally:
        print(f"screenshots: {steps.write()}")
        context.close()

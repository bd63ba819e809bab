"""The English pages in a real browser (issue #15, 9): the agency's, offices' and categories' names
in English, and a Latin-first font so that quotation marks are not the full-width ones of a
Chinese font, while Chinese data keeps a Chinese font."""

from __future__ import annotations

import pytest

from portal.models import SiteProfile
from tests.conftest import S, drive, new_draft

pytestmark = pytest.mark.browser

AGENCY_EN = "Test Provincial Department of Industry and Information Technology"


@pytest.mark.parametrize("width", [390, 1280])
def test_english_pages_use_english_names_and_a_latin_first_font(browser, portal_server, world, width, expect):
    profile = SiteProfile.objects.get()
    profile.name_en = AGENCY_EN
    profile.save()
    world.office_a.name_en = "Policy and Regulations Division"
    world.office_a.save()
    record = drive(world, new_draft(world, title="关于开展“专精特新”企业申报工作的通知"), S.PUBLISHED)
    context = browser.new_context(base_url=portal_server.url, locale="en-GB", viewport={"width": width, "height": 844})
    context.add_cookies([{"name": "django_language", "value": "en", "url": portal_server.url}])
    try:
        page = context.new_page()
        page.goto(record.get_absolute_url())
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator(".site-name")).to_have_text(AGENCY_EN)
        index = page.get_by_role("table", name="Information index")
        expect(index).to_contain_text("Policy and Regulations Division")
        expect(index).to_contain_text("Information the public needs to know widely or take part in")

        def first_font(selector: str) -> str:
            return page.locator(selector).first.evaluate(
                "e => getComputedStyle(e).fontFamily.split(',')[0].trim().replace(/\"/g, '')")

        assert first_font(".meta-table th") == "-apple-system"  # English text: a Latin font first
        assert first_font("h1.record-title") == "PingFang SC"  # the Chinese title keeps a Chinese font
        assert page.locator("h1.record-title").get_attribute("lang") == "zh-Hans"
    finally:
        context.close()

"""A new staff member drafts a reply letter (告知书) in the rich-text editor and previews it —
page and PDF — exactly as the applicant will receive it, before submitting (R.36, R.37). In
Chinese, at 1280 px and on a 390 px phone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Channel, Status
from tests.applications.conftest import PERSON
from tests.browser.desk import sign_in

pytestmark = pytest.mark.browser

ADDED = "经查，该名单已于2026年3月在厅网站公布，现一并提供。"


@pytest.mark.parametrize("width", [1280, 390])
def test_drafting_a_reply_letter_in_the_editor_and_previewing_it(browser, expect, axe, world, portal_server, width):
    context = browser.new_context(base_url=portal_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    try:
        drafting_and_previewing(context.new_page(), expect, axe, world, portal_server, width)
    finally:
        context.close()


def test_the_editor_bar_fits_a_phone_before_its_icon_font_arrives(browser, expect, world, portal_server):
    """Until the editor's icon font arrives (a slow network; or never), each icon button holds the
    icon's name in the fallback font: the bar made the page 442 px wide at 390 px."""
    context = browser.new_context(base_url=portal_server.url, locale="zh-CN", viewport={"width": 390, "height": 900})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.route("**/material-icons*.woff2", lambda route: route.abort())
        open_the_draft(page, world, portal_server)
        expect(page.locator(".prose-menubar").first).to_be_visible()
        expect(page.locator(".prose-menubar__button.material-icons").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def open_the_draft(page, world, portal_server):
    """An application assigned to office A, its reply being drafted by office A's drafter."""
    application, _secret = services.application_register_offline(
        actor=world.disclosure, data=PERSON, channel=Channel.IN_PERSON, received_on=timezone.localdate())
    application = services.application_assign(application=application, actor=world.disclosure, office=world.office_a)
    sign_in(page, portal_server, world.drafter_a)
    page.goto(reverse("admin:applications_disclosureapplication_transition", args=[application.pk, "draft_reply"]))
    page.wait_for_load_state("load")
    return application


def drafting_and_previewing(page, expect, axe, world, portal_server, width):
    application = open_the_draft(page, world, portal_server)

    # The parts that are fixed are fields, prefilled; the body is in the editor, not raw HTML.
    expect(page.get_by_label("告知书称呼")).to_have_value("张三")
    expect(page.get_by_label("告知书落款")).to_have_value(world_agency_name())
    expect(page.get_by_label("告知书日期")).to_have_value(timezone.localdate().isoformat())
    editor = page.locator(".tiptap[contenteditable=true]")
    expect(editor).to_contain_text("本机关决定予以公开")
    expect(page.locator(".prose-menubar").first).to_be_visible()
    expect(page.locator("textarea[name=letter_body]")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # usable without sideways scrolling
    # axe: no serious or critical violation (the editor is named after its label: js/prose-label.js).
    serious = [f"{v['id']}: {v['help']} {[node['target'] for node in v['nodes']]}"
               for v in axe.run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []

    editor.get_by_text("本机关决定予以公开。").click()
    page.keyboard.press("End")
    page.keyboard.type(ADDED)
    page.get_by_label("告知书称呼").fill("张三先生")

    # The preview opens in a new tab: the letter as the applicant will see it, nothing saved.
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="预览告知书（网页）").click()
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.locator(".letter-preview-note")).to_contain_text("尚未保存，也未发出")
    letter = preview.locator("article.letter")
    expect(letter.locator("h2")).to_have_text("政府信息公开申请答复告知书")
    expect(letter.locator(".letter-salutation")).to_have_text("张三先生：")
    expect(letter).to_contain_text(ADDED)
    expect(letter.locator(".letter-signature").last).to_have_text(
        f"{timezone.localdate().year}年{timezone.localdate().month}月{timezone.localdate().day}日")
    assert preview.evaluate("document.documentElement.scrollWidth") <= width
    preview.close()
    application.refresh_from_db()
    assert application.status == Status.ASSIGNED and not application.reply_letter

    # The PDF too (in its own tab): the bytes are those the applicant downloads (tests/applications).
    with page.context.expect_event("response", lambda response: response.url.endswith("/letter/preview.pdf")) \
            as answered:
        page.get_by_role("button", name="预览告知书（PDF）").click()
    assert answered.value.status == 200 and answered.value.headers["content-type"] == "application/pdf"
    for other in page.context.pages[1:]:
        other.close()

    page.get_by_role("button", name="确认拟定答复").click()
    expect(page.locator(".messagelist")).to_contain_text("已完成“拟定答复”")
    application.refresh_from_db()
    assert application.status == Status.REPLY_DRAFTED
    assert ADDED in application.reply_letter and '<p class="letter-salutation">张三先生：</p>' in application.reply_letter


def world_agency_name() -> str:
    from portal.models import SiteProfile

    return SiteProfile.current().name

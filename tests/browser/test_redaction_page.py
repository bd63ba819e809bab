"""Issue #20 in a real browser, in Chinese, at 1280 and 390 px: the redaction page draws a Chinese
(CID-font) PDF with the bundled pdf.js under the site's Content-Security-Policy (no eval, no
WebAssembly, nothing from another host), the info officer drags boxes over the applicant's name
and identity number, chooses the ground, and the released copy — checked — appears beside the
original; the compliance page lists its findings. Screenshots go to $REDACTION_SCREENSHOTS."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints import compliance
from disclosure import services
from disclosure.redaction_models import FileRedaction, RedactionState
from tests import pdf_samples as samples
from tests.browser.desk import sign_in
from tests.browser.test_accessibility import Findings
from tests.conftest import new_draft

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("REDACTION_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def watch_csp(page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda message: found.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    return found


def dark_pixels(page, selector: str) -> int:
    """How many dark pixels the first drawn canvas under `selector` has (text was drawn)."""
    return page.locator(f"{selector} .rd-drawn canvas").first.evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
                  for (let i = 0; i < d.length; i += 4) if (d[i] + d[i+1] + d[i+2] < 200) n++; return n; }""")


def drag(page, frame, box: dict) -> None:
    area = frame.bounding_box()
    x0, y0 = area["x"] + box["x"] * area["width"], area["y"] + box["y"] * area["height"]
    x1, y1 = x0 + box["w"] * area["width"], y0 + box["h"] * area["height"]
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=4)
    page.mouse.move(x1, y1, steps=4)
    page.mouse.up()


@pytest.fixture
def draft_with_pdf(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data, spots = samples.chinese_text_pdf(2, secret_pages=(1,))
    record = new_draft(world, title="关于申请材料的公开")
    services.attachment_add(record=record, actor=world.drafter_a, upload=SimpleUploadedFile("申请材料.pdf", data))
    return record, spots


def test_the_info_officer_draws_boxes_and_gets_a_checked_public_copy_beside_the_original(
        page, expect, axe, portal_server, world, draft_with_pdf):
    record, spots = draft_with_pdf
    attachment = record.attachments.get()
    sign_in(page, portal_server, world.drafter_a)
    problems = watch_csp(page)

    page.goto(reverse("admin:disclosure_record_change", args=[record.pk]))
    page.get_by_role("link", name="遮盖处理").click()
    page.locator("#rd-pages .rd-page.rd-drawn").first.wait_for()
    expect(page.locator(".rd-status")).to_have_text("共 2 页。")
    assert dark_pixels(page, "#rd-pages") > 500  # the Chinese text (CID font, bundled cMaps) was drawn

    frame = page.locator("#rd-pages .rd-frame").first
    drag(page, frame, samples.box_over(spots[1]))
    drag(page, frame, samples.box_over(spots[-1]))
    rows = page.locator("#rd-boxes li")
    expect(rows).to_have_count(2)
    rows.nth(1).get_by_role("combobox", name="框 2 的依据").select_option(label="涉及个人隐私")
    shot(page, "redaction-1280")
    findings = Findings("standard")
    findings.scan(page, axe, "redaction page with two boxes")
    page.get_by_role("button", name="生成公开版").click()

    expect(page.locator("#rd-state-title")).to_contain_text("已生成")
    page.locator(".rd-released .rd-page.rd-drawn").first.wait_for()
    page.locator(".rd-original .rd-page.rd-drawn").first.wait_for()
    assert dark_pixels(page, ".rd-released") > 500
    shot(page, "redaction-compare-1280")
    findings.scan(page, axe, "the released copy beside the original")
    findings.check()
    assert problems == [], problems

    redaction = FileRedaction.objects.get(source_id=attachment.pk)
    assert redaction.state == RedactionState.DONE and redaction.created_by == world.drafter_a
    assert {box["ground"] for box in redaction.boxes} == {"personal_privacy"} and len(redaction.boxes) == 2
    released = redaction.file.open("rb").read()
    assert not any(samples.ID_NUMBER in text or samples.NAME in text for text in samples.text_of(released))


def test_the_redaction_page_on_a_phone_offers_the_suggested_boxes_and_fits_390_px(
        page, expect, portal_server, world, draft_with_pdf):
    record, _spots = draft_with_pdf
    attachment = record.attachments.get()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, portal_server, world.drafter_a)
    problems = watch_csp(page)
    from django.contrib.contenttypes.models import ContentType

    url = reverse("admin:disclosure_fileredaction_new", args=[ContentType.objects.get_for_model(attachment).pk,
                                                              attachment.pk])
    page.goto(url + "?suggest=1")
    page.locator("#rd-pages .rd-page.rd-drawn").first.wait_for()
    # The personal-data check placed a box over the identity number, ground: personal privacy.
    expect(page.locator("#rd-boxes li")).to_have_count(1)
    assert page.locator("#rd-boxes select").input_value() == "personal_privacy"
    assert page.locator("#rd-pages .rd-box").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "redaction-390")
    assert problems == [], problems


@pytest.mark.parametrize("width", [1280, 390])
def test_the_compliance_page_lists_the_findings_with_score_and_history(page, expect, portal_server, world, axe, width):
    page.set_viewport_size({"width": width, "height": 900})
    new_draft(world, title="逾期未发布的通知", date_formed=dt.date(2025, 1, 6))
    compliance.compliance_run()
    compliance.compliance_run()
    sign_in(page, portal_server, world.supervisor)
    problems = watch_csp(page)

    page.goto(reverse("admin:complaints_compliancerun_changelist"))

    expect(page.get_by_role("heading", name="得分：", exact=False)).to_be_visible()
    findings = page.get_by_role("region", name="发现的问题")
    expect(findings.get_by_role("link", name="逾期未公开：逾期未发布的通知")).to_be_visible()
    expect(findings.get_by_role("link", name="页脚缺少网站标识")).to_be_visible()
    expect(findings.get_by_role("link", name="转为责任追究").first).to_be_visible()
    expect(page.get_by_role("img", name="最近各次自查的得分（0–100）")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"compliance-{width}")
    assert problems == [], problems
    result = Findings("standard")
    result.scan(page, axe, "compliance")
    result.check()

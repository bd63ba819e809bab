"""政策解读 in Chromium, in 简体中文, at 1280 and 390 px (issue #19): a citizen finds a 行政规范性文件
in the catalogue, sees its interpretation linked at the top of the page, opens it, sees the 图解
and the video link, and goes back to the original (原文)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disclosure import demo_files, interpretation_services, services
from disclosure.catalogue_seed import INTERPRETATION_CATEGORY
from disclosure.models import DocumentType
from tests.browser.test_accessibility import Findings
from tests.conftest import S, drive, new_draft

pytestmark = pytest.mark.browser

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
POLICY = "关于印发《吉林省省级工业互联网平台培育管理办法》的通知"
READING = "《吉林省省级工业互联网平台培育管理办法》政策解读"
# Set INTERPRETATION_SHOTS=<folder> to keep the screenshots of a passing run (to look at them).
SHOTS = os.environ.get("INTERPRETATION_SHOTS")


def _published(world):
    policy = new_draft(world, title=POLICY, document_type=DocumentType.NORMATIVE, document_number="吉工信规〔2026〕1号",
                       body="<p>各市（州）工业和信息化局：现将《吉林省省级工业互联网平台培育管理办法》印发给你们，请遵照执行。</p>")
    reading = new_draft(world, title=READING, body="<h3>一、制定背景</h3><p>为加快工业互联网平台体系建设……</p>"
                        "<h3>二、主要内容</h3><p>平台分为三类，实行“培育一批、评定一批、推广一批”。</p>",
                        video_url="https://video.example.invalid/gyhlw-jiedu.mp4")
    services.attachment_add(record=reading, actor=world.drafter_a, title="图解：平台评定程序",
                            upload=SimpleUploadedFile("图解.png", demo_files._flow(6)))
    interpretation_services.interpretation_link(interpretation=reading, policy=policy, actor=world.drafter_a)
    drive(world, policy, S.PUBLISHED)
    return policy, reading


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", list(SIZES))
def test_a_citizen_reads_the_policy_and_opens_its_interpretation_then_the_original(
        desks, expect, axe, world, settings, tmp_path, size):
    settings.MEDIA_ROOT = tmp_path
    _published(world)
    findings = Findings("standard")
    visitor = desks.visitor()
    visitor.page.set_viewport_size(SIZES[size])

    page = visitor.go("/catalogue/", "目录")
    page.get_by_role("link", name=POLICY).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(POLICY)
    links = page.get_by_role("region", name="政策解读")
    expect(links).to_be_visible()
    # At the top: above the metadata table and the text.
    assert links.bounding_box()["y"] < page.locator(".record-body").bounding_box()["y"]
    assert links.bounding_box()["y"] < page.locator("table").first.bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    visitor.shot("政策文件")
    _shot(page, f"{size}-1-policy")
    findings.scan(page, axe, "政策文件")

    links.get_by_role("link", name=READING).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(READING)
    original = page.get_by_role("region", name="原文")
    expect(original).to_contain_text("吉工信规〔2026〕1号")
    graphic = page.get_by_role("region", name="图解").get_by_role("img", name="图解：平台评定程序")
    graphic.scroll_into_view_if_needed()  # loading="lazy": a phone fetches it when it comes near the screen
    expect(graphic).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=graphic.element_handle())
    assert graphic.bounding_box()["width"] <= SIZES[size]["width"]
    expect(page.get_by_role("link", name="观看视频解读")).to_have_attribute(
        "href", "https://video.example.invalid/gyhlw-jiedu.mp4")
    expect(page.get_by_role("navigation", name="当前位置")).to_contain_text("政策解读")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    visitor.shot("政策解读", full_page=True)
    _shot(page, f"{size}-2-interpretation")
    findings.scan(page, axe, "政策解读")

    original.get_by_role("link", name=POLICY).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(POLICY)
    page.goto(f"/catalogue/?category={INTERPRETATION_CATEGORY}")
    expect(page.locator("#main")).to_contain_text(READING)
    findings.check()

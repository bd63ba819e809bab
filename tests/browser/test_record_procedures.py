"""Issue 14's record procedures in a real browser, in Chinese, at desktop (1280 px) and phone
(390 px) widths: the statutory-content page (R.20), an office reporting a revocation that the
disclosure office grants from its work list (M.14), and a division head recording the right
holder's consent with its letter (M.6 para. 2, R.15)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from disclosure.catalogue_seed import seed_statutory_items
from disclosure.models import CatalogueCategory, ChangeRequest, RecordState, ReviewDocument, StatutoryItem
from tests.conftest import S, drive, new_draft

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 390}


def shoot(page, name: str, tmp_path: Path) -> None:
    """A full-page screenshot; SCREENSHOT_DIR keeps them for a person to look at."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def staff(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


@pytest.mark.parametrize("width", WIDTHS)
def test_the_statutory_page_lists_the_items_of_r20(page, world, width, tmp_path):
    seed_statutory_items(CatalogueCategory, StatutoryItem)
    drive(world, new_draft(world, title="2026年部门预算", category=CatalogueCategory.objects.get(code="r20-7")),
          S.PUBLISHED)
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    page.goto(reverse("disclosure:statutory"))
    table = page.get_by_role("table", name="条例第二十条规定的主动公开事项及其所在目录分类")
    assert table.get_by_role("row").count() == 16  # the header and fifteen items
    row = table.get_by_role("row").filter(has_text="财政预算、决算")
    assert "条例第二十条第（七）项" in row.inner_text() and row.locator("td.num").inner_text() == "1"
    assert row.get_by_role("link").count() == 1
    assert no_sideways_scroll(page)
    shoot(page, f"statutory-{width}", tmp_path)
    row.get_by_role("link", name="财政预算、决算").click()
    page.get_by_role("link", name="2026年部门预算").wait_for()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_office_reports_a_revocation_and_the_disclosure_office_grants_it(page, world, live_server, width,
                                                                            tmp_path):
    record = drive(world, new_draft(world, title="关于公布2026年度试点企业名单的通知"), S.REGISTERED)
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})

    staff(page, live_server, world.drafter_a)
    page.goto(reverse("admin:disclosure_record_change", args=[record.pk]))
    page.locator(".workflow-actions").get_by_role("link", name="报请变更、撤销或终止").click()
    page.wait_for_load_state("load")
    page.get_by_role("radio", name="撤销", exact=True).check()
    page.get_by_role("textbox", name="理由（必填）").fill("名单中一家企业已注销，需撤销后重新公布。")
    assert no_sideways_scroll(page)
    shoot(page, f"change-request-{width}", tmp_path)
    page.get_by_role("button", name="确认报请变更、撤销或终止").click()
    page.get_by_text("已完成“报请变更、撤销或终止”").wait_for()

    staff(page, live_server, world.disclosure)
    page.goto(reverse("admin:index"))
    page.get_by_role("table").get_by_role("row").filter(has_text="报请撤销").get_by_role(
        "link", name=record.title).click()
    page.wait_for_load_state("load")
    assert "处室报请：撤销。理由：名单中一家企业已注销" in page.locator("form.transition-form").inner_text()
    page.get_by_role("radio", name="同意，按报请事项办理").check()
    assert no_sideways_scroll(page)
    shoot(page, f"change-request-decide-{width}", tmp_path)
    page.get_by_role("button", name="确认处理处室报请").click()
    page.get_by_role("heading", name="处室报请（实施办法第十四条）").wait_for()
    requests = page.locator("section", has=page.get_by_role("heading", name="处室报请（实施办法第十四条）"))
    assert "已同意并办理" in requests.inner_text()
    shoot(page, f"change-request-done-{width}", tmp_path)
    record.refresh_from_db()
    assert record.state == RecordState.REVOKED
    assert ChangeRequest.objects.get(record=record).status == "accepted"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_division_head_records_the_right_holders_consent_with_its_letter(page, world, live_server, width,
                                                                           tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    record = drive(world, new_draft(world, title="关于2026年度企业技术中心认定结果的公示"), S.DIVISION_REVIEW)
    letter = tmp_path / "同意公开函.pdf"
    letter.write_bytes(b"%PDF-1.4 consent")
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    staff(page, live_server, world.head_a)
    page.goto(reverse("admin:disclosure_record_transition", args=[record.pk, "approve_division"]))
    page.wait_for_load_state("load")
    page.get_by_role("checkbox", name="不涉及国家秘密").check()
    page.get_by_role("checkbox", name="不涉及个人隐私").check()
    page.get_by_role("radio", name="权利人同意公开").check()
    page.get_by_role("textbox", name="权利人同意的方式").fill("企业书面同意函")
    page.get_by_label("同意的日期").fill("2026-11-04")
    page.get_by_label("同意书").set_input_files(str(letter))
    assert no_sideways_scroll(page)
    shoot(page, f"consent-{width}", tmp_path)
    page.get_by_role("button", name="确认审核通过（含保密自查）").click()
    page.get_by_role("heading", name="审查材料（不公开）").wait_for()
    assert "权利人同意的方式：企业书面同意函" in page.content()
    document = ReviewDocument.objects.get(record=record)
    assert document.original_name == "同意公开函.pdf"

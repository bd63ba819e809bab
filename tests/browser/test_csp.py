"""The Content-Security-Policy forbids inline scripts and styles: a real browser loading the
public pages and the back office reports no violation, and the rich-text editor still works."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def violations_on(page, path: str) -> list[str]:
    """Every CSP violation the browser reports while loading `path`."""
    found: list[str] = []

    def listen(message):
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", listen)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.remove_listener("console", listen)
    return found


@pytest.mark.parametrize("path", ["/", "/catalogue/", "/search/?q=技术", "/apply/", "/apply/track/", "/interact/",
                                  "/interact/complain/", "/interact/consult/", "/interact/survey/", "/interact/faq/",
                                  "/interact/track/", "/guide/", "/api/docs/", "/records/999999/", "/admin/login/"])
def test_public_pages_raise_no_csp_violation(page, column, path):
    assert violations_on(page, path) == []


def test_back_office_pages_and_the_editor_raise_no_csp_violation(page, portal_server, world):
    from tests.conftest import new_draft

    record = new_draft(world)  # drafter_a's office
    page.goto("/admin/login/")
    page.fill("#id_username", "drafter_a")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    for path in ["/admin/", "/admin/disclosure/record/", f"/admin/disclosure/record/{record.pk}/history/",
                 f"/admin/disclosure/record/{record.pk}/change/", "/admin/disclosure/record/add/"]:
        assert violations_on(page, path) == [], path
    # The editor (loaded through its import map, allowed by hash) is alive: its menu bar renders.
    page.locator(".prose-menubar, .ProseMirror").first.wait_for()

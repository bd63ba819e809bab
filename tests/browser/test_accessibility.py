"""WCAG 2.1 AA on every public page, checked by axe-core in the browser, in the standard and the
high-contrast display modes; and large font reflows at 360px without sideways scrolling (1.4.10)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.http import urlencode

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
# The display modes as the cookies the header switches set (views.display_preferences).
MODES = {
    "standard": {},
    "high-contrast": {"a11y_contrast": "high"},
    "large-font": {"a11y_font": "large"},
    "large-font high-contrast": {"a11y_font": "large", "a11y_contrast": "high"},
}


def public_pages(column) -> dict[str, str]:
    entry = column.on_request
    return {
        "home": reverse("disclosure:home"),
        "guide": reverse("disclosure:guide"),
        "rules": reverse("disclosure:rules"),
        "catalogue": reverse("disclosure:catalogue"),
        "catalogue, one category": column.notice.category.get_absolute_url(),
        "statutory": reverse("disclosure:statutory"),
        "annual_reports": reverse("disclosure:annual_reports"),
        "search with results": reverse("disclosure:search") + "?q=技术改造",
        "search without results": reverse("disclosure:search") + "?q=没有这个词",
        "record": column.notice.get_absolute_url(),
        "record, on request": entry.get_absolute_url(),
        "record, print view": reverse("disclosure:record_print", args=[column.notice.pk]),
        "apply": reverse("applications:apply") + "?" + urlencode({"title": entry.title, "index": entry.index_number}),
        "interact": reverse("complaints:interact"),
        "404": "/no-such-page/",
    }


def use_mode(page, live_server, mode: str) -> None:
    if cookies := MODES[mode]:
        page.context.add_cookies([{"name": k, "value": v, "url": live_server.url} for k, v in cookies.items()])


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            summary = (node.get("failureSummary") or "").strip().splitlines()
            lines.append(f"      {', '.join(map(str, node['target']))}: {summary[-1].strip() if summary else ''}")
    return "\n".join(lines)


@pytest.mark.parametrize("mode", ["standard", "high-contrast"])
def test_every_public_page_has_no_serious_axe_violations(page, live_server, axe, column, mode):
    use_mode(page, live_server, mode)
    found, minor = {}, {}
    for name, path in public_pages(column).items():
        page.goto(path)
        assert page.locator("html").get_attribute("class") == (None if mode == "standard" else mode)
        violations = axe.run(page).response["violations"]
        if blocking := [v for v in violations if v["impact"] in BLOCKING]:
            found[f"{name} {path}"] = describe(blocking)
        if rest := [v for v in violations if v["impact"] not in BLOCKING]:
            minor[f"{name} {path}"] = describe(rest)
    if minor:
        print(f"axe, {mode} mode, moderate/minor findings:\n" + "\n".join(f"{k}\n{v}" for k, v in minor.items()))
    assert not found, f"axe, {mode} mode, serious/critical violations:\n" + "\n".join(
        f"{k}\n{v}" for k, v in found.items())


@pytest.mark.parametrize("mode", ["large-font", "large-font high-contrast"])
def test_large_font_reflows_at_360px_without_horizontal_scrolling(page, live_server, column, mode):
    page.set_viewport_size({"width": 360, "height": 740})
    use_mode(page, live_server, mode)
    too_wide = {}
    for name, path in public_pages(column).items():
        page.goto(path)
        assert page.locator("html").evaluate("e => getComputedStyle(e).fontSize") == "20px"
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if width[0] > width[1]:
            culprits = page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5
                             && !e.closest('.table-wrap'))
                .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className + ' ' + e.textContent.trim().slice(0, 30))""")
            too_wide[f"{name} {path}"] = f"{width[0]}px > {width[1]}px: {culprits}"
    assert not too_wide, "pages scroll sideways at 360px with large font:\n" + "\n".join(
        f"  {k}: {v}" for k, v in too_wide.items())


@pytest.mark.parametrize("mode", ["standard", "high-contrast"])
def test_every_control_shows_its_keyboard_focus(page, live_server, column, mode):
    """2.4.7: tabbing through a page, each stop draws an outline (yellow on black in high contrast)."""
    use_mode(page, live_server, mode)
    unseen = []
    for path in (reverse("disclosure:home"), reverse("disclosure:catalogue"), column.notice.get_absolute_url()):
        page.goto(path)
        for _ in range(80):
            page.keyboard.press("Tab")
            stop = page.evaluate("""() => {
                const e = document.activeElement, s = getComputedStyle(e);
                return {tag: e.tagName, label: (e.textContent || e.name || '').trim().slice(0, 20),
                        style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor};
            }""")
            if stop["tag"] == "BODY":
                break
            yellow = stop["color"] == "rgb(255, 255, 0)"
            if stop["style"] in ("none", "hidden") or stop["width"] < 2 or (mode == "high-contrast" and not yellow):
                unseen.append(f"{path}: <{stop['tag'].lower()}> {stop['label']!r} {stop}")
    assert not unseen, "focus not visible on:\n" + "\n".join(unseen)

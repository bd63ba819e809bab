"""WCAG 2.1 AA on every public page, checked by axe-core in the browser, in the standard and the
high-contrast display modes (the extra modes with the rules that depend on rendering, see
`RENDERING_RULES`); and large font reflows at 360px without sideways scrolling (1.4.10)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from applications import services as application_services
from applications.models import Channel
from applications.outcomes import Outcome
from applications.views import case_token
from disclosure.models import Record
from portal.models import Role
from tests.applications.conftest import REMEDIES_TEXT, send_reply
from tests.browser.conftest import Banners, Column, build_banners, build_column
from tests.conftest import load_world, make_user, rows_for_the_module

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
# The display modes as the cookies the header switches set (views.display_preferences).
MODES = {
    "standard": {},
    "high-contrast": {"a11y_contrast": "high"},
    "large-font": {"a11y_font": "large"},
    "large-font high-contrast": {"a11y_font": "large", "a11y_contrast": "high"},
}


@pytest.fixture(scope="module")
def pages_module_rows(django_db_setup, django_db_blocker, tmp_path_factory):
    """The column and the banner records, built once for the module's tests that only read them
    (issue #17: eight tests each drove a dozen records through the workflow)."""
    media = tmp_path_factory.mktemp("a11y-media")
    with rows_for_the_module(django_db_blocker) as unblocked:
        with unblocked(), override_settings(MEDIA_ROOT=media):
            world = load_world()
            column, banners = build_column(world), build_banners(world)
            pks = {"column": {f.name: getattr(column, f.name).pk for f in fields(Column) if f.name != "world"},
                   "banners": {f.name: getattr(banners, f.name).pk for f in fields(Banners)}}
        yield media, pks


@pytest.fixture
def column(world, settings, pages_module_rows) -> Column:
    settings.MEDIA_ROOT, pks = pages_module_rows
    records = Record.objects.in_bulk(list(pks["column"].values()))
    return Column(world=world, **{name: records[pk] for name, pk in pks["column"].items()})


@pytest.fixture
def banners(pages_module_rows) -> Banners:
    records = Record.objects.in_bulk(list(pages_module_rows[1]["banners"].values()))
    return Banners(**{name: records[pk] for name, pk in pages_module_rows[1]["banners"].items()})


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
        "statistics": reverse("statistics:page"),
        "api docs": reverse("api:docs"),
        "404": "/no-such-page/",
    }


def banner_pages(banners) -> dict[str, str]:
    """Record pages with a banner (M.14), and their print views."""
    pages = {}
    for name in ("superseded", "revoked", "repealed", "expired"):
        record = getattr(banners, name)
        pages[f"record, {name}"] = record.get_absolute_url()
        pages[f"record, {name}, print view"] = reverse("disclosure:record_print", args=[record.pk])
    return pages


def use_mode(page, portal_server, mode: str) -> None:
    if cookies := MODES[mode]:
        page.context.add_cookies([{"name": k, "value": v, "url": portal_server.url} for k, v in cookies.items()])


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            summary = (node.get("failureSummary") or "").strip().splitlines()
            lines.append(f"      {', '.join(map(str, node['target']))}: {summary[-1].strip() if summary else ''}")
    return "\n".join(lines)


# What a display mode changes: the class on <html>, by which the stylesheet switches colours and
# font sizes (portal.css: no display, visibility, overflow or position rule), and the pressed state
# of the mode switches in the header. The markup is the standard mode's, so axe's rules on names,
# labels, landmarks, headings and ARIA find there what they find in the standard mode. The standard
# mode runs every rule on every page; another mode runs every rule on its first page (a canary that
# also covers the pressed switches) and on the rest only the rules whose outcome depends on how the
# page is rendered. Those are axe's default rules that read computed colours or layout: contrast of
# text, links told apart from text by colour, and scrollable regions (a larger font makes a box
# overflow). Issue #17: a full scan takes about twice as long, and the extra modes' scans of the
# public pages took 90 s of the browser tests. `test_the_display_modes_only_restyle` keeps the
# premise true.
RENDERING_RULES = ("color-contrast", "link-in-text-block", "scrollable-region-focusable")


class Findings:
    """axe's findings on a series of pages: serious/critical ones fail the test, the rest are printed."""

    def __init__(self, mode: str):
        self.mode, self.blocking, self.minor = mode, {}, {}
        self.scans = 0

    def scan(self, page, axe, name: str) -> None:
        assert page.locator("html").get_attribute("class") == (None if self.mode == "standard" else self.mode)
        options = {"resultTypes": ["violations"]}
        if self.mode != "standard" and self.scans:
            options["runOnly"] = {"type": "rule", "values": list(RENDERING_RULES)}
        self.scans += 1
        violations = axe.run(page, options=options).response["violations"]
        where = f"{name} {page.url}"
        if blocking := [v for v in violations if v["impact"] in BLOCKING]:
            self.blocking[where] = describe(blocking)
        if rest := [v for v in violations if v["impact"] not in BLOCKING]:
            self.minor[where] = describe(rest)

    def check(self) -> None:
        if self.minor:
            print(f"axe, {self.mode} mode, moderate/minor findings:\n"
                  + "\n".join(f"{k}\n{v}" for k, v in self.minor.items()))
        assert not self.blocking, f"axe, {self.mode} mode, serious/critical violations:\n" + "\n".join(
            f"{k}\n{v}" for k, v in self.blocking.items())


# What the display modes' stylesheet rules may set: colours, borders, outlines, font size and
# underlines. A rule that hides, shows, moves or clips something would change what axe's structural
# rules see, and the extra modes would then need every rule on every page (RENDERING_RULES).
RESTYLING = re.compile(r"(color|background|border(-color)?|outline(-offset)?|fill|stroke|font-size|text-decoration)")


def test_the_display_modes_only_restyle():
    from django.contrib.staticfiles import finders

    rules = []
    for name in ("css/portal.css", "css/complaints.css", "css/backoffice.css", "css/report.css"):
        css = re.sub(r"/\*.*?\*/", "", Path(finders.find(name)).read_text(), flags=re.S)
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
            if re.search(r"\.(large-font|high-contrast)\b", selector):
                rules += [(name, selector.strip(), declaration.split(":")[0].strip())
                          for declaration in body.split(";") if ":" in declaration]
    assert len(rules) > 30, "the display modes' rules were not found"
    assert [rule for rule in rules if not RESTYLING.fullmatch(rule[2])] == []


@pytest.mark.parametrize("mode", list(MODES))
def test_every_public_page_has_no_serious_axe_violations(page, portal_server, axe, column, banners, mode):
    use_mode(page, portal_server, mode)
    findings = Findings(mode)
    for name, path in {**public_pages(column), **banner_pages(banners)}.items():
        page.goto(path)
        findings.scan(page, axe, name)
    findings.check()


# --- 互动交流: pages reached by submitting forms ------------------------------------------------


def interact_pages(world) -> dict[str, Callable]:
    """The complaint and consultation receipts, a consultation's case page and the survey's thanks,
    each as the steps that bring a visitor to it."""
    receipts = {}

    def complaint_receipt(page):
        page.goto(reverse("complaints:complain"))
        form = page.get_by_role("form", name="投诉举报表")
        form.get_by_label("被投诉的处室").select_option(label=world.office_a.name)
        form.get_by_role("radio", name="政府信息公开申请未按期答复").check()
        form.get_by_label("具体情况").fill("申请公开技术改造项目清单，超过二十个工作日仍未答复。")
        form.get_by_role("radio", name=re.compile("^匿名举报")).check()
        form.get_by_role("button", name="提交投诉举报").click()
        page.get_by_role("heading", level=1, name="投诉举报已提交").wait_for()

    def consultation_receipt(page):
        page.goto(reverse("complaints:consult"))
        form = page.get_by_role("form", name="咨询表")
        form.get_by_label("咨询主题").fill("申请政府信息公开需要交费吗？")
        form.get_by_role("textbox", name="咨询内容").fill("我想申请一份文件，是否需要交费？")
        form.get_by_label("姓名或名称").fill("王小明")
        form.get_by_role("checkbox").check()
        form.get_by_role("button", name="提交咨询").click()
        page.get_by_role("heading", level=1, name="咨询已提交").wait_for()
        receipts["code"] = page.locator("#receipt-code").inner_text().strip()
        receipts["secret"] = page.locator("#receipt-secret").inner_text().strip()

    def consultation_case(page):
        page.goto(reverse("complaints:track"))
        page.get_by_label("查询码").fill(receipts["code"])
        page.get_by_label("查询密码").fill(receipts["secret"])
        page.get_by_role("button", name="查询", exact=True).click()
        page.wait_for_url(re.compile(r"/interact/track/[^/]+/$"))
        page.locator(".case-status").wait_for()

    def survey_thanks(page):
        page.goto(reverse("complaints:survey"))
        for name in ("overall", "findability", "timeliness"):
            page.locator(f"input[name={name}][value='4']").check()
        page.get_by_role("button", name="提交问卷").click()
        page.get_by_role("heading", level=1, name="感谢您的评议").wait_for()

    return {"complaint receipt": complaint_receipt, "consultation receipt": consultation_receipt,
            "consultation case page": consultation_case, "survey thanks": survey_thanks}


@pytest.mark.parametrize("mode", list(MODES))
def test_interact_pages_reached_by_forms_have_no_serious_axe_violations(page, portal_server, axe, world, settings,
                                                                        tmp_path, mode):
    settings.MEDIA_ROOT = tmp_path
    use_mode(page, portal_server, mode)
    findings = Findings(mode)
    for name, arrive in interact_pages(world).items():
        arrive(page)
        findings.scan(page, axe, name)
    findings.check()


# --- 依申请公开: pages reached by submitting forms, and the status page in its main states -------

PERSON = {
    "applicant_type": "natural_person", "applicant_name": "王小明", "identity_document": "resident_id",
    "identity_number": "11010519491231002X", "phone": "13912345678", "email": "wangxiaoming@example.invalid",
    "information_title": "2025年度省级工业互联网平台认定名单", "description": "请提供2025年度省级工业互联网平台的认定名单。",
    "medium": "electronic", "delivery": "download",
}


def status_pages(world) -> dict[str, str]:
    """Two applications on their status pages: one waiting for a supplement, one answered."""
    today = timezone.localdate()
    waiting, _secret = application_services.application_register_offline(
        actor=world.disclosure, data=PERSON, channel=Channel.IN_PERSON, received_on=today)
    waiting = application_services.application_request_supplement(
        application=waiting, actor=world.disclosure, items="1. 请说明所需名单的年份范围。",
        deadline=today + dt.timedelta(days=7))
    answered, _secret = application_services.application_register_offline(
        actor=world.disclosure, data=PERSON, channel=Channel.IN_PERSON, received_on=today)
    answered = application_services.application_draft_reply(
        application=answered, actor=world.disclosure, outcome=Outcome.DISCLOSED,
        letter_html=f"<p>王小明：</p><p>您申请获取的信息予以公开，请在查询页面下载。</p><p>{REMEDIES_TEXT}</p>",
        uploads=[SimpleUploadedFile("认定名单.pdf", b"%PDF-1.4 list", content_type="application/pdf")])
    # The reply is sent by another member of the disclosure office than its drafter.
    reviewer = make_user("gkb_reviewer", Role.DISCLOSURE_OFFICE, world.general_office)
    answered = send_reply(answered, reviewer)  # with the confidentiality check (M.3(4))
    return {"status page, supplement requested": reverse("applications:case", args=[case_token(waiting)]),
            "status page, replied": reverse("applications:case", args=[case_token(answered)])}


def fill_application(page) -> None:
    form = page.get_by_role("form", name="网上申请表")
    form.get_by_role("radio", name="自然人", exact=True).check()
    form.get_by_label("姓名或名称").fill(PERSON["applicant_name"])
    form.get_by_role("radio", name="居民身份证", exact=True).check()
    form.get_by_label("证件号码").fill(PERSON["identity_number"])
    form.get_by_label("联系电话").fill(PERSON["phone"])
    form.get_by_label("所需信息名称").fill(PERSON["information_title"])
    form.get_by_label("所需信息的内容描述").fill(PERSON["description"])


def application_pages(world) -> dict[str, Callable]:
    """Each page as the steps that bring a visitor to it."""
    status = status_pages(world)

    def apply_with_errors(page):
        page.goto(reverse("applications:apply"))
        page.get_by_role("button", name="提交申请").click()
        page.get_by_role("alert").filter(has_text="提交未成功").wait_for()

    def receipt(page):
        page.goto(reverse("applications:apply"))
        fill_application(page)
        page.get_by_role("button", name="提交申请").click()
        page.get_by_role("heading", level=1, name="申请已提交").wait_for()

    def track(page):
        page.goto(reverse("applications:track"))

    def track_failed(page):
        track(page)
        page.get_by_label("查询码").fill("SQ2099-999999")
        page.get_by_label("查询密码").fill("ABCDEFGH")
        page.get_by_role("button", name="查询", exact=True).click()
        page.get_by_role("alert").filter(has_text="查询未成功").wait_for()

    def open_status(path):
        return lambda page: page.goto(path)

    def supplement_empty(page):
        page.goto(status["status page, supplement requested"])
        page.get_by_role("button", name="提交补正").click()
        page.get_by_role("alert").filter(has_text="操作未成功").wait_for()

    def form_expired(page):
        """The CSRF cookie is gone (a cleared browser, a very old tab): the friendly 403 page."""
        track(page)
        page.context.clear_cookies(name="csrftoken")
        page.get_by_label("查询码").fill("SQ2099-999999")
        page.get_by_label("查询密码").fill("ABCDEFGH")
        page.get_by_role("button", name="查询", exact=True).click()
        page.get_by_role("heading", level=1, name="页面已过期").wait_for()

    return {
        "apply, submitted empty": apply_with_errors,
        "receipt": receipt,
        "track": track,
        "track, wrong code or secret": track_failed,
        **{name: open_status(path) for name, path in status.items()},
        "status page, empty supplement": supplement_empty,
        "403, form expired": form_expired,
    }


@pytest.mark.parametrize("mode", ["standard", "high-contrast"])
def test_application_pages_have_no_serious_axe_violations(page, portal_server, axe, world, settings, tmp_path, mode):
    settings.MEDIA_ROOT = tmp_path
    use_mode(page, portal_server, mode)
    findings = Findings(mode)
    for name, arrive in application_pages(world).items():
        arrive(page)
        findings.scan(page, axe, name)
    findings.check()


@pytest.mark.parametrize("mode", ["large-font", "large-font high-contrast"])
def test_large_font_reflows_at_360px_without_horizontal_scrolling(page, portal_server, column, banners, mode):
    page.set_viewport_size({"width": 360, "height": 740})
    use_mode(page, portal_server, mode)
    too_wide = {}
    for name, path in {**public_pages(column), **banner_pages(banners)}.items():
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
def test_every_control_shows_its_keyboard_focus(page, portal_server, column, mode):
    """2.4.7: tabbing through a page, each stop draws an outline (yellow on black in high contrast)."""
    use_mode(page, portal_server, mode)
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

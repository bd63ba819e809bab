"""Real-browser tests: Debian's chromium driven by Playwright against the portal served on the
test's own database transaction (tests/browser/server.py).

Nothing here downloads a browser. Without /usr/bin/chromium or the Python packages every test in
this directory is skipped with a message saying how to enable them.
"""

from __future__ import annotations

import importlib.util
import shutil
from dataclasses import dataclass, fields

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disclosure import services
from disclosure.models import CatalogueCategory, DisclosureAttribute, Record
from tests.browser.desk import Desks, Steps
from tests.browser.server import HOST, PortalServer
from tests.conftest import S, World, drive, new_draft

# Debian's chromium. Its old headless shell (package chromium-headless-shell: the same engine,
# without the desktop browser's windowing) when installed, as .ci/run does: the browser tests take
# 40% less time in it (163 s instead of 275 s on two cores, issue #17).
HEADLESS_SHELL, CHROMIUM_BROWSER = "/usr/bin/chromium-headless-shell", "/usr/bin/chromium"
CHROMIUM = HEADLESS_SHELL if shutil.which(HEADLESS_SHELL) else CHROMIUM_BROWSER
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SKIP_REASON = ("browser tests skipped: install Debian's chromium (apt-get install chromium-headless-shell, or chromium)"
               " — .ci/run does this")


def _missing() -> str | None:
    if not shutil.which(CHROMIUM):
        return f"{CHROMIUM} not found"
    for module in ("playwright", "axe_playwright_python"):
        if importlib.util.find_spec(module) is None:
            return f"Python package {module} not installed (requirements-dev.txt)"
    return None


def pytest_collection_modifyitems(config, items):
    missing = _missing()
    if missing:
        skip = pytest.mark.skip(reason=f"{SKIP_REASON} [{missing}]")
        for item in items:
            if item.get_closest_marker("browser"):
                item.add_marker(skip)


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember whether a test failed, for the fixtures that write screenshots at teardown."""
    report = yield
    if report.failed:
        item.stash[FAILED] = True
    return report


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop registered as running on this thread, so Django
    # would refuse every ORM call (SynchronousOnlyOperation) of the tests that follow. No ORM call
    # here runs inside a coroutine; Django's documented switch says so. Browser tests run after
    # every other test (tests/conftest.py), so the switch is on only for them.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture(scope="session")
def expect():
    """Playwright's retrying assertions (imported here so that a missing package only skips)."""
    from playwright.sync_api import expect

    # As long as an action may wait (the contexts' default): a loaded CI machine renders a
    # dashboard or a report in more than expect's own 5 seconds.
    expect.set_options(timeout=10_000)
    return expect


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture(scope="session")
def _portal_server(django_db_setup, browser):
    # After `browser`: while Playwright's event loop runs on this thread, asgiref's Local hands the
    # thread another set of database connections (it acts as a context variable under a running
    # loop); the server must share the ones the tests then use.
    server = PortalServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def portal_server(_portal_server, db, settings):
    """The portal served to the browser, on the test's database transaction (tests/browser/server.py):
    what the test writes is seen by the pages, and rolled back at its end like any test's."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    yield _portal_server
    _portal_server.idle()


@pytest.fixture
def page(browser, portal_server, request):
    """A fresh visitor (no cookies) on a desktop-sized window, pointed at the live server."""
    context = browser.new_context(base_url=portal_server.url, locale="zh-CN", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    if request.node.stash.get(FAILED, False):
        steps = Steps(request.node.nodeid)
        steps.shot(page, "at failure", full_page=True)
        print(f"screenshot: {steps.write()}")
    context.close()


@pytest.fixture
def desks(browser, portal_server, request):
    """The people of a form test, each in their own browser (tests/browser/desk.py); screenshots of
    every step are written to test-artifacts/screenshots/<test>/ when the test fails."""
    people = Desks(browser, portal_server.url, Steps(request.node.nodeid))
    yield people
    people.close(failed=request.node.stash.get(FAILED, False))


@dataclass
class Column:
    world: World
    notice: Record
    on_request: Record
    rule: Record
    report: Record


@pytest.fixture(scope="module")
def column_module_rows(django_db_setup, django_db_blocker, tmp_path_factory):
    """The column's records, built once for a module whose tests only read them (issue #17: each
    of the CSP test's fifteen pages and each journey drove four records through the workflow)."""
    from django.test import override_settings

    from tests.conftest import load_world, rows_for_the_module

    media = tmp_path_factory.mktemp("column-media")
    with rows_for_the_module(django_db_blocker) as unblocked:
        with unblocked(), override_settings(MEDIA_ROOT=media):
            column = build_column(load_world())
            pks = {f.name: getattr(column, f.name).pk for f in fields(Column) if f.name != "world"}
        yield media, pks


@pytest.fixture
def column(world, settings, column_module_rows) -> Column:
    """What a visitor finds: a notice with an attachment, an on-request entry, a rule, an annual
    report (the module's rows, read afresh for each test; what a test changes is rolled back)."""
    settings.MEDIA_ROOT, pks = column_module_rows
    records = Record.objects.in_bulk(list(pks.values()))
    return Column(world=world, **{name: records[pk] for name, pk in pks.items()})


def build_column(world) -> Column:
    notice = new_draft(world, title="关于开展2026年工业企业技术改造项目申报工作的通知",
                       body="<p>各市（州）工业和信息化主管部门：现将技术改造项目申报有关事项通知如下。</p>")
    services.attachment_add(record=notice, actor=world.drafter_a,
                            upload=SimpleUploadedFile("申报指南.pdf", b"%PDF-1.4 guide"))
    on_request = new_draft(world, title="2025年度技术改造专项资金分配明细", attribute=DisclosureAttribute.ON_REQUEST,
                           body="<p>不在网上公开的正文</p>")
    rule = new_draft(world, title="政府信息公开实施办法", category=CatalogueCategory.objects.get(code="rules"))
    report = new_draft(world, title="2025年政府信息公开工作年度报告",
                       category=CatalogueCategory.objects.get(code="annual-report"))
    return Column(
        world=world,
        notice=drive(world, notice, S.REGISTERED),
        on_request=drive(world, on_request, S.PUBLISHED),
        rule=drive(world, rule, S.PUBLISHED),
        report=drive(world, report, S.PUBLISHED),
    )


@dataclass
class Banners:
    """Records whose pages carry a banner (M.14): replaced by a new version, revoked, repealed, expired."""

    superseded: Record
    current: Record
    revoked: Record
    repealed: Record
    expired: Record


@pytest.fixture
def banners(world) -> Banners:
    return build_banners(world)


def build_banners(world) -> Banners:
    superseded = drive(world, new_draft(world, title="技术改造专项资金管理办法", document_number="吉工信规〔2024〕2号"),
                       S.REGISTERED)
    current = services.record_amend(record=superseded, actor=world.drafter_a)
    current.title = "技术改造专项资金管理办法（2026年修订）"
    services.record_save_draft(record=current, actor=world.drafter_a)
    current = drive(world, current, S.PUBLISHED)
    revoked = drive(world, new_draft(world, title="关于重复发布的通知", document_number="吉工信函〔2026〕9号"), S.REVOKED)
    repealed = drive(world, new_draft(world, title="工业企业技术改造管理暂行办法", document_number="吉工信规〔2019〕1号"),
                     S.REGISTERED)
    repealed = services.record_repeal(record=repealed, actor=world.disclosure, reason="已被新办法替代")
    expired = drive(world, new_draft(world, title="2024年度项目申报通知"), S.REGISTERED)
    expired = services.record_expire(record=expired, actor=world.disclosure, reason="申报期已结束")
    superseded.refresh_from_db()
    return Banners(superseded=superseded, current=current, revoked=revoked, repealed=repealed, expired=expired)

"""Driving the site as a person does, for the form tests (issue #15, 1).

A `Desk` is one person's browser: a staff member signed in (a session made by the test client's
`force_login`: no login page per test), or a visitor. Its helpers open a page the way a person gets
there (the record's page, then its workflow button), press the visible button and check what the
person then sees: the success message and the new state, or — failing that — every error the page
shows, so that "该字段是必填项" under a filled or prefilled field fails with that message.

Each step is photographed (in memory); when the test fails, the photographs are written to
test-artifacts/screenshots/<test>/NN-step.png for a reviewer (`Steps`).

`covers(...)` declares which back-office transitions and forms a test fills in; the walker in
test_form_coverage.py compares that with the transition tables.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections import defaultdict
from pathlib import Path

from django.test import Client
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# key -> the tests that fill that form in. Keys: "<app_label>.<model>:<transition>" for workflow
# actions (e.g. "disclosure.record:submit"), "form:<url name>" for other forms.
COVERED: dict[str, list[str]] = defaultdict(list)


def covers(*keys: str):
    """Declare the forms a browser test fills in, as a person would."""

    def register(test):
        for key in keys:
            COVERED[key].append(f"{test.__module__}::{test.__name__}")
        return test

    return register


def sign_in(page_or_context, server, user) -> None:
    """Sign `user` in to the back office in this browser, and nobody else: a session made by the
    test client."""
    context = getattr(page_or_context, "context", page_or_context)
    client = Client()
    client.force_login(user)
    context.clear_cookies()
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": str(server)}])


def context_at(browser, server, width: int, height: int = 900):
    """A fresh visitor's browser context, in Chinese, `width` pixels wide."""
    context = browser.new_context(base_url=server.url, locale="zh-CN", viewport={"width": width, "height": height})
    context.set_default_timeout(10_000)
    return context


def scrolls_sideways(page) -> int:
    """How far the page itself scrolls sideways (0 when it does not)."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def exactly(label: str) -> re.Pattern:
    """A field's label as shown, whatever colon follows it (for labels that begin other labels)."""
    return re.compile(rf"^{re.escape(label)}\s*[:：]?$")


def submit_label(label: str) -> str:
    """The confirming button of an action page (portal.admin_workflow.submit_label)."""
    return label if label.startswith(("确认", "确定")) else f"确认{label}"


class Steps:
    """Photographs of a test's steps, written out only when the test fails."""

    def __init__(self, name: str):
        self.folder = ARTIFACTS / re.sub(r"[^\w.\[\]-]+", "_", name)
        self.shots: list[tuple[str, bytes]] = []

    def shot(self, page, name: str, *, full_page: bool = False) -> None:
        # The window only (a fifth of a whole page's cost): it shows where the person is at.
        # Photographs are for the reviewer, never the reason a test fails: Chromium refuses to
        # capture while a click's navigation swaps the document (seen in CI), so wait for the
        # new page once and otherwise go without this photograph.
        for attempt in range(2):
            try:
                png = page.screenshot(full_page=full_page, animations="disabled")
            except PlaywrightError:
                if attempt:
                    return
                page.wait_for_load_state("load")
            else:
                self.shots.append((name, png))
                return

    def clear(self) -> None:
        """A passing test leaves no photographs of an earlier failure behind."""
        if self.folder.exists():
            shutil.rmtree(self.folder)

    def write(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        for number, (name, png) in enumerate(self.shots, 1):
            slug = re.sub(r"[^\w-]+", "_", name).strip("_")[:60]
            (self.folder / f"{number:02d}-{slug}.png").write_bytes(png)
        return self.folder


def page_errors(page) -> list[str]:
    """What the page shows as errors: the form's note, a refusal message, each field's label with
    its message."""
    return page.evaluate("""() => {
        const found = [...document.querySelectorAll('.errornote, [role=alert], .messagelist .error')]
            .map(e => e.innerText.trim());
        for (const list of document.querySelectorAll('ul.errorlist')) {
            const row = list.closest('.form-row, .field-row, p, div');
            const label = row && row.querySelector('label');
            found.push(`${label ? label.innerText.trim() : '(form)'} ${list.innerText.trim()}`);
        }
        return found.filter(Boolean);
    }""")


class Desk:
    def __init__(self, context, steps: Steps, who: str):
        self.context, self.steps, self.who = context, steps, who
        self.page = context.new_page()

    def shot(self, name: str, *, full_page: bool = False) -> None:
        self.steps.shot(self.page, f"{self.who} {name}", full_page=full_page)

    def go(self, path: str, step: str | None = None):
        self.page.goto(path)
        if step:
            self.shot(step)
        return self.page

    # --- the back office ------------------------------------------------------------------------

    def open(self, obj):
        """The object's page in the back office."""
        opts = obj._meta
        return self.go(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))

    def start(self, obj, label: str):
        """From the object's page, its workflow button `label`: the action's form."""
        page = self.open(obj)
        page.locator(".workflow-actions").get_by_role("link", name=label, exact=True).click()
        # Scripts of a form attach on DOMContentLoaded: act only once they have.
        page.wait_for_load_state("load")
        assert not page_errors(page), f"{label}: the fresh form shows errors: {page_errors(page)}"
        return page.locator("form.transition-form")

    def confirm(self, label: str, *, done: str | None = None) -> None:
        """Press the action's button; the page must come back with “已完成…” and no error."""
        page = self.page
        self.shot(f"{label} 填好")
        page.get_by_role("button", name=submit_label(label), exact=True).click()
        page.wait_for_load_state("load")
        self.shot(f"{label} 结果")
        success = page.locator(".messagelist .success")
        if not success.count():
            raise AssertionError(f"{self.who}: “{label}” did not go through; the page shows: {page_errors(page)}")
        assert (done or f"已完成“{label}”") in success.first.inner_text()

    def save(self, button: str = "保存") -> None:
        """Press a change form's save button; the page must report success."""
        page = self.page
        self.shot(f"{button} 填好")
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state("load")
        self.shot(f"{button} 结果")
        if not page.locator(".messagelist .success").count():
            raise AssertionError(f"{self.who}: “{button}” did not go through; the page shows: {page_errors(page)}")

    def stage(self):
        return self.page.locator("#stage-title")


class Desks:
    """The people of a test, each with their own browser context (made on first use)."""

    def __init__(self, browser, base_url: str, steps: Steps):
        self.browser, self.base_url, self.steps = browser, base_url, steps
        self.open: dict[str, Desk] = {}

    def _context(self):
        context = self.browser.new_context(base_url=self.base_url, locale="zh-CN",
                                           viewport={"width": 1280, "height": 800})
        context.set_default_timeout(10_000)
        return context

    def staff(self, user) -> Desk:
        """`user` signed in to the back office."""
        if user.username not in self.open:
            context = self._context()
            sign_in(context, self.base_url, user)
            self.open[user.username] = Desk(context, self.steps, user.username)
        return self.open[user.username]

    def visitor(self, name: str = "公众") -> Desk:
        """A member of the public (no account)."""
        if name not in self.open:
            self.open[name] = Desk(self._context(), self.steps, name)
        return self.open[name]

    def close(self, failed: bool) -> None:
        if failed:
            for desk in self.open.values():
                with contextlib.suppress(Exception):  # the page may be gone; the earlier shots remain
                    desk.shot("失败时", full_page=True)
            if self.steps.shots:
                print(f"screenshots of each step: {self.steps.write()}")
        else:
            self.steps.clear()
        for desk in self.open.values():
            desk.context.close()

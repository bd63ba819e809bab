"""The browser contexts kept across a worker's tests (desk.Contexts, issue #17) come back as a new
person's browser: signed out, nothing stored, no permission granted; a failed test's is closed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.desk import sign_in

pytestmark = pytest.mark.browser

STORED = """() => [localStorage.length, sessionStorage.length,
                   document.cookie, indexedDB.databases().then(found => found.length)]"""


def test_a_kept_context_comes_back_as_a_new_persons_browser(contexts, portal_server, world):
    context = contexts.take()
    page = context.new_page()
    sign_in(page, portal_server, world.disclosure)
    page.goto(reverse("admin:index"))
    assert "/login/" not in page.url, "signed in"
    page.evaluate("""() => new Promise(done => {
        localStorage.setItem('left', 'behind'); sessionStorage.setItem('left', 'behind');
        document.cookie = 'left=behind; path=/';
        indexedDB.open('left-behind').onsuccess = done;
    })""")
    context.grant_permissions(["clipboard-read"])
    assert page.evaluate(STORED) == [1, 1, "left=behind", 1]

    contexts.give_back(context)
    again = contexts.take()
    assert again is context, "a passing test's context is kept"
    assert again.pages == [] and again.cookies() == []
    page = again.new_page()
    page.goto(reverse("admin:index"))
    assert "/login/" in page.url, "the next person is not signed in"
    assert page.evaluate(STORED) == [0, 0, "", 0]
    assert page.evaluate("navigator.permissions.query({name: 'clipboard-read'}).then(p => p.state)") != "granted"

    contexts.give_back(again, keep=False)
    assert again not in contexts.idle
    fresh = contexts.take()
    assert fresh is not again, "a failed test's context is closed, never handed out again"
    contexts.give_back(fresh)

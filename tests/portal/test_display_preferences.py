"""适老化 display modes: large font and high contrast, chosen with buttons and kept in cookies."""


import pytest
from django.urls import reverse

from tests.conftest import S, drive, new_draft

URL = reverse("display_preferences")


@pytest.fixture
def page(client, world):
    def get(path="/"):
        return client.get(path).text

    return get


def test_large_font_and_high_contrast_are_kept_for_a_year_and_redirect_back(client, world):
    response = client.post(URL, {"font": "large", "next": "/catalogue/?category=m5-2"})
    assert response.status_code == 302
    assert response["Location"] == "/catalogue/?category=m5-2"
    cookie = response.cookies["a11y_font"]
    assert cookie.value == "large"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # plain http in tests; Secure when the request is https
    assert "a11y_contrast" not in response.cookies

    response = client.post(URL, {"contrast": "high", "next": "/"})
    assert response.cookies["a11y_contrast"].value == "high"


def test_cookie_is_secure_over_https(client, world):
    response = client.post(URL, {"font": "large"}, secure=True)
    assert response.cookies["a11y_font"]["secure"]


def test_pages_carry_the_chosen_classes_and_the_pressed_buttons(client, page):
    assert '<html lang="zh-hans">' in page()
    assert 'name="font" value="normal" aria-pressed="true"' in page()

    client.post(URL, {"font": "large"})
    html = page()
    assert '<html lang="zh-hans" class="large-font">' in html
    assert 'name="font" value="large" aria-pressed="true"' in html
    assert 'name="contrast" value="normal" aria-pressed="true"' in html

    client.post(URL, {"contrast": "high"})
    assert '<html lang="zh-hans" class="large-font high-contrast">' in page("/guide/")

    client.post(URL, {"font": "normal"})
    client.post(URL, {"contrast": "normal"})
    assert '<html lang="zh-hans">' in page()


def test_print_view_follows_the_display_modes(client, world, page):
    record = drive(world, new_draft(world), S.PUBLISHED)
    client.cookies["a11y_contrast"] = "high"
    assert '<html lang="zh-hans" class="high-contrast">' in page(reverse("disclosure:record_print", args=[record.pk]))


@pytest.mark.parametrize("data", [
    {"font": "huge"}, {"contrast": "inverted"}, {"font": ""}, {}, {"font": ["large", "x"]},
])
def test_unknown_values_change_nothing_and_never_fail(client, world, data):
    response = client.post(URL, data)
    assert response.status_code == 302
    assert "a11y_font" not in response.cookies or response.cookies["a11y_font"].value in ("normal", "large")
    assert "a11y_contrast" not in response.cookies


@pytest.mark.parametrize("cookies", [{"a11y_font": "x" * 500}, {"a11y_contrast": "<script>"}])
def test_tampered_cookies_are_ignored(client, page, cookies):
    for name, value in cookies.items():
        client.cookies[name] = value
    html = page()
    assert '<html lang="zh-hans">' in html
    assert "<script>" not in html


def test_get_is_refused(client, world):
    assert client.get(URL).status_code == 405
    assert client.get(URL, {"font": "large"}).cookies.get("a11y_font") is None


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "http://evil.example/catalogue/", "javascript:alert(1)",
    "/\\evil.example", "/guide/\r\nSet-Cookie: x=1", "",
])
def test_next_outside_the_site_goes_home(client, world, target):
    response = client.post(URL, {"font": "large", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["a11y_font"].value == "large"


def test_public_pages_carry_no_per_visitor_token(client, world):
    """The header forms only set cosmetic cookies and are CSRF-exempt, so pages can be cached."""
    assert "csrfmiddlewaretoken" not in client.get("/catalogue/").text
    assert "csrftoken" not in client.get("/").cookies


def test_a_visitor_served_a_cached_page_can_still_switch_the_display_mode(world):
    from django.test import Client

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get("/catalogue/")
    second.get("/catalogue/")  # served from the cache: no per-visitor token in it
    response = second.post(URL, {"font": "large", "next": "/catalogue/"})
    assert response.status_code == 302
    assert response.cookies["a11y_font"].value == "large"

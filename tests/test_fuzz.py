"""Fuzzing (issue #8, item 5): whatever arrives at a public form, the search, the feeds or the API —
any text, any size, any encoding, any number — the answer is never a server error.

Hypothesis throws at every public door: surrogate-free Unicode with control characters and NUL
bytes, strings up to 200 KB, raw Latin-1 bytes and invalid UTF-8 percent-encodings in query
strings, path segments and cookies, huge and negative numbers, and a dictionary of values known
to break parsers ("²" is a digit to `str.isdigit` but not to `int`). The test client re-raises any
exception a view lets escape, so a failure names the exception and Hypothesis shrinks the input.

Runs are random locally and repeat the same inputs on CI (`CI` set), so CI never fails on a new
draw; a failure found locally is kept in .hypothesis/ and replayed first.
"""

from __future__ import annotations

import os
import re
import uuid
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, reverse
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from applications import services as application_services
from applications.forms import APPLICATION_FIELDS
from applications.models import DisclosureApplication
from applications.views import case_token
from disclosure import services as disclosure_services
from disclosure.models import DisclosureAttribute
from portal.context_processors import CONTRAST_COOKIE, FONT_COOKIE
from tests.applications.conftest import PERSON
from tests.conftest import S, drive, load_world, new_draft, rows_for_the_module

hypothesis_settings.register_profile(
    "fuzz", max_examples=40, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.large_base_example],
)
hypothesis_settings.register_profile("fuzz-ci", parent=hypothesis_settings.get_profile("fuzz"), derandomize=True)
FUZZ = hypothesis_settings.get_profile("fuzz-ci" if os.environ.get("CI") else "fuzz")

pytestmark = pytest.mark.django_db

# --- What to throw -------------------------------------------------------------------------------

NASTY = [
    "", " ", "\x00", "a\x00b", "\r\n", "\n\n\n", "\t", "\x1b[31m", "\u202e", "\ufeff", "\u200b", "\uffff",
    "%", "%%", "%00", "'", '"', "\\", "`", ";", "--", "' OR '1'='1", "../../../../etc/passwd", "/", "//evil.example",
    "http://evil.example/", "javascript:alert(1)", "<script>alert(1)</script>", "{{ 7|add:7 }}", "{% debug %}",
    "${jndi:ldap://x}", "-1", "0", "-0", "00", "0000", "1e309", "-1e309", "NaN", "inf", "9" * 30, "-" + "9" * 30,
    str(2**63), str(-(2**63) - 1), "²", "²²²²", "٢٠٢٦", "२०२६", "①", "𝟐𝟎𝟐𝟔", "2026", "1.5", " 1", "1 ", "0x10",
    "true", "null", "[]", "{}", "政府信息公开", "吉工信发〔2026〕1号", "m5-2", "zh-hans", "en", "large", "high",
    "a" * 5000, "长" * 6000,
]

characters = st.characters(exclude_categories=["Cs"])  # any code point a str may hold in UTF-8
short_text = st.text(characters, max_size=40)
# Up to ~200 KB, built by repetition (Hypothesis draws a few characters, not 200,000).
long_text = st.builds(lambda unit, times: (unit * times)[:200_000],
                      st.text(characters, min_size=1, max_size=4), st.integers(1_000, 60_000))
numbers = st.one_of(st.integers(-(2**80), 2**80).map(str),
                    st.floats(allow_nan=True, allow_infinity=True).map(repr),
                    st.text("0123456789²³¹٢٠३४①𝟐-+.eE ", min_size=1, max_size=8))
values = st.one_of(short_text, st.sampled_from(NASTY), numbers, long_text)
small_values = st.one_of(short_text, st.sampled_from(NASTY), numbers)

# Raw query-string values, already encoded: Latin-1 bytes as they come off the wire, percent-encoded
# arbitrary bytes (mostly invalid UTF-8) and broken escapes.
raw_values = st.one_of(
    st.binary(max_size=24).map(lambda b: b.decode("latin-1")),
    st.binary(max_size=24).map(lambda b: "".join(f"%{x:02X}" for x in b)),
    st.sampled_from(["%", "%G0", "%C3%28", "%ED%A0%80", "%F4%90%80%80", "%C0%AE%C0%AE%2F", "%00", "%E9t%E9",
                     "%u4E2D", "%FF%FE", "%E6%94%BF", "+%2B+", "%0D%0ALocation:%20x"]),
    small_values.map(quote),
)


def raw_query(names: list[str]) -> st.SearchStrategy[str]:
    pairs = st.tuples(st.sampled_from([*names, "x", "", "page", "utm_source"]), raw_values)
    return st.lists(pairs, max_size=6).map(lambda items: "&".join(f"{k}={v}" for k, v in items))


def params(names: list[str]) -> st.SearchStrategy[dict]:
    keys = st.one_of(st.sampled_from(names), short_text)
    return st.dictionaries(keys, st.one_of(values, st.lists(small_values, max_size=3)), max_size=len(names) + 2)


# Cookies the public pages read (language, display switches) and the session/CSRF cookies, raw.
COOKIE_NAMES = ["django_language", FONT_COOKIE, CONTRAST_COOKIE, "sessionid", "csrftoken", "messages"]
def wire(text: str) -> str:
    """A header as WSGI hands it over: the UTF-8 bytes of the text, one character per byte."""
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


raw_cookies = st.lists(st.tuples(st.sampled_from(COOKIE_NAMES), st.one_of(raw_values, small_values.map(wire))),
                       max_size=4).map(lambda items: "; ".join(f"{k}={v}" for k, v in items))
accept_language = st.one_of(st.sampled_from(["", "en", "zh-CN,zh;q=0.9", "*", "xx-YY;q=2", "en;q=NaN", ",,,;"]),
                            short_text.map(wire))
headers = st.fixed_dictionaries({}, optional={"HTTP_COOKIE": raw_cookies, "HTTP_ACCEPT_LANGUAGE": accept_language})

# --- Sending -------------------------------------------------------------------------------------


def answered(response, what: str) -> None:
    assert response.status_code < 500, f"{what} -> {response.status_code}"


def get(path: str, data: dict | None = None, *, query: str | None = None, extra: dict | None = None):
    extra = dict(extra or {})
    if query is not None:
        extra["QUERY_STRING"] = query
    response = Client().get(path, data or {}, **extra)
    answered(response, f"GET {path} {data!r} {query!r} {extra!r}")
    return response


def post(path: str, data: dict, *, extra: dict | None = None):
    cache.clear()  # no rate limit between examples: each one reaches the view itself
    response = Client().post(path, data, **(extra or {}))
    answered(response, f"POST {path} {data!r}")
    return response


# --- The public column's content -----------------------------------------------------------------


@pytest.fixture(scope="module")
def column_module_rows(django_db_setup, django_db_blocker, tmp_path_factory):
    """Published records of both kinds with an attachment, a draft, and an online application:
    built once for the module (issue #17). Hypothesis already runs a test's examples on one
    build; each test's own writes (applications, comments) are still rolled back at its end."""
    media = tmp_path_factory.mktemp("fuzz-media")
    with rows_for_the_module(django_db_blocker) as unblocked:
        with unblocked(), override_settings(MEDIA_ROOT=media):
            world = load_world()
            proactive = drive(world, new_draft(world), S.REGISTERED)
            on_request = drive(world, new_draft(world, title="依申请公开的名单",
                                                attribute=DisclosureAttribute.ON_REQUEST), S.REGISTERED)
            draft = new_draft(world, title="草稿")
            amended = new_draft(world, title="附件", body="<p>正文</p>")
            disclosure_services.attachment_add(record=amended, actor=world.drafter_a,
                                               upload=SimpleUploadedFile("通知.pdf", b"%PDF-1.4 fuzz"))
            amended = drive(world, amended, S.REGISTERED)
            application, secret, _created = application_services.application_submit(
                data=PERSON, idempotency_key=uuid.uuid4())
            column = {"records": [proactive.pk, on_request.pk, draft.pk, amended.pk],
                      "attachment": amended.attachments.first().pk, "index": proactive.index_number,
                      "category": world.category.code, "office": world.office_a.pk,
                      "application": application.pk, "secret": secret}
        yield media, column


@pytest.fixture
def column(world, settings, column_module_rows):
    settings.MEDIA_ROOT, column = column_module_rows
    return {**column, "application": DisclosureApplication.objects.get(pk=column["application"])}


record_ids = st.one_of(st.integers(0, 2**70), st.sampled_from([0, 1, 2, 3, 4, 5, 2**31, 2**63 - 1, 2**63, 2**64]))
FILTERS = ["category", "office", "year", "page", "q", "attribute", "validity"]


# --- The disclosure column -----------------------------------------------------------------------


# Inputs that once broke a page are tried first on every run, whatever Hypothesis draws.
KNOWN = [{"office": "²"}, {"year": "²²²²"}, {"year": "0000"}, {"year": "0001"}, {"category": "\x00"},
         {"page": "\x00"}, {"q": "\x00"}]
NUL_SESSION = {"HTTP_COOKIE": "sessionid=abcdefgh\x00ijklmnop; django_language=\x00"}


def known_filters(**other):
    """Try each known-bad filter value and the NUL session cookie first."""

    def decorate(test):
        for known in reversed(KNOWN):
            test = example(data=known, extra={}, **other)(test)
        return example(data={}, extra=NUL_SESSION, **other)(test)

    return decorate


@FUZZ
@given(data=params(FILTERS), extra=headers)
@known_filters()
def test_catalogue_with_any_filters(column, data, extra):
    get(reverse("disclosure:catalogue"), data, extra=extra)


@FUZZ
@given(query=raw_query(FILTERS), extra=headers)
def test_catalogue_and_search_with_raw_query_strings(column, query, extra):
    get(reverse("disclosure:catalogue"), query=query, extra=extra)
    get(reverse("disclosure:search"), query=query, extra=extra)


@FUZZ
@given(q=values, data=params(["page", "category", "office", "year"]), extra=headers)
@known_filters(q="通知")
def test_search_with_any_query(column, q, data, extra):
    get(reverse("disclosure:search"), {**data, "q": q}, extra=extra)


@FUZZ
@given(pk=record_ids, pick=st.integers(0, 3), printable=st.booleans(), data=params(["page", "print"]), extra=headers)
def test_record_pages_and_attachments_with_any_id(column, pk, pick, printable, data, extra):
    for record_id in (pk, column["records"][pick]):
        name = "disclosure:record_print" if printable else "disclosure:record"
        get(reverse(name, args=[record_id]), data, extra=extra)
    get(reverse("disclosure:attachment", args=[pk]))
    get(reverse("disclosure:attachment", args=[column["attachment"]]), data)


@FUZZ
@given(segment=st.one_of(st.binary(min_size=1, max_size=30).map(lambda b: "".join(f"%{x:02X}" for x in b)),
                         short_text.map(lambda s: quote(s, safe="")), numbers.map(lambda s: quote(s, safe=""))))
def test_any_path_segment_is_a_page_or_a_404(column, segment):
    for prefix in ("/records/", "/attachments/", "/feeds/category/", "/api/records/", "/api/catalogue/",
                   "/api/categories/", "/apply/track/", "/interact/", "/"):
        get(f"{prefix}{segment}/")
    get(f"/feeds/category/{segment}.rss")
    get(f"/sitemap-{segment}.xml")


FEEDS = ["disclosure:feed_rss", "disclosure:feed_atom", "disclosure:category_feed_rss", "disclosure:category_feed_atom"]


@FUZZ
@given(data=params(["page", "p", "category", "section"]), feed=st.sampled_from(FEEDS),
       code=st.one_of(st.just("category"), st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True)),
       section=st.sampled_from(["records", "pages", "catalogue", "x"]), extra=headers)
def test_feeds_and_sitemaps_with_any_parameters(column, data, feed, code, section, extra):
    code = column["category"] if code == "category" else code
    get(reverse(feed, args=[code] if "category" in feed else []), data, extra=extra)
    get(reverse("sitemap"), data)
    get(f"/sitemap-{section}.xml", data)
    get("/robots.txt", data)


# --- The open data API ---------------------------------------------------------------------------

API_FILTERS = ["category", "office", "year", "attribute", "validity", "published_after", "published_before",
               "document_type", "page", "page_size", "format", "ordering", "search"]


@FUZZ
@given(data=params(API_FILTERS), query=raw_query(API_FILTERS), extra=headers)
@example(data={"category": "\x00", "office": "²", "year": "0000"}, query="published_after=%00", extra={})
def test_api_lists_with_any_filters(column, data, query, extra):
    for path in ("/api/records/", "/api/catalogue/", "/api/categories/"):
        get(path, data, extra=extra)
        get(path, query=query)


@FUZZ
@given(key=st.one_of(short_text, numbers, st.sampled_from(NASTY)), pk=record_ids, data=params(API_FILTERS))
@example(key="\x00", pk=0, data={})
def test_api_details_with_any_key(column, key, pk, data):
    get(f"/api/catalogue/{quote(key, safe='/')}/", data)
    get(f"/api/catalogue/{quote(column['index'], safe='/')}/", data)
    get(f"/api/records/{pk}/", data)
    get(f"/api/categories/{quote(key, safe='')}/")


# --- Switches ------------------------------------------------------------------------------------


@FUZZ
@given(language=values, next_=values, font=small_values, contrast=small_values, extra=headers)
def test_language_and_display_switches_with_any_values(column, language, next_, font, contrast, extra):
    post(reverse("set_language"), {"language": language, "next": next_}, extra=extra)
    post(reverse("display_preferences"), {"font": font, "contrast": contrast, "next": next_}, extra=extra)
    get(reverse("set_language"), {"language": language, "next": next_})


# --- The application form and tracking -----------------------------------------------------------

# Mostly a valid application with some fields replaced, so that inputs reach the service and the
# receipt as well as the form's validation.
apply_changes = st.dictionaries(st.sampled_from([*APPLICATION_FIELDS, "idempotency_key"]), values, max_size=6)
uploads = st.lists(st.tuples(st.one_of(short_text, st.sampled_from(["a.pdf", "身份证.PDF", "x.exe", ".pdf", "a/b.png"])),
                             st.one_of(st.binary(max_size=200), st.sampled_from([b"%PDF-1.4", b"\x89PNG\r\n\x1a\n"]))),
                   max_size=2)


@FUZZ
@given(title=values, index=values, rest=params(["title", "index"]), query=raw_query(["title", "index"]), extra=headers)
@example(title="\x00", index="\x00", rest={}, query="title=%ED%A0%80", extra=NUL_SESSION)
def test_application_form_prefill_with_any_values(column, title, index, rest, query, extra):
    get(reverse("applications:apply"), {**rest, "title": title, "index": index}, extra=extra)
    get(reverse("applications:apply"), query=query)


@FUZZ
@given(changes=apply_changes, files=uploads, junk=params(["honeypot", "website"]))
def test_application_form_with_any_field_values(column, changes, files, junk):
    data = {**junk, **PERSON, "idempotency_key": str(uuid.uuid4()), **changes}
    attachments = [SimpleUploadedFile(name.replace("\x00", "") or "x", content) for name, content in files]
    if attachments:
        data["attachments"] = attachments
    post(reverse("applications:apply"), data)


@FUZZ
@given(data=params(list(APPLICATION_FIELDS)))
def test_application_form_with_nothing_valid(column, data):
    post(reverse("applications:apply"), data)


@FUZZ
@given(code=values, secret=values, real=st.booleans())
def test_tracking_with_any_code_and_secret(column, code, secret, real):
    application = column["application"]
    post(reverse("applications:track"), {"tracking_code": application.tracking_code if real else code,
                                         "secret": secret})


@FUZZ
@given(token=short_text, text=values, reason=values, confirm=small_values, rating=small_values, comment=values,
       real=st.booleans())
def test_status_page_actions_with_any_values(column, token, text, reason, confirm, rating, comment, real):
    token = case_token(column["application"]) if real else (quote(token, safe="") or "x")
    get(reverse("applications:case", args=[token]))
    post(reverse("applications:case_supplement", args=[token]), {"text": text})
    post(reverse("applications:case_rate", args=[token]), {"rating": rating, "comment": comment})
    post(reverse("applications:case_withdraw", args=[token]), {"reason": reason, "confirm": confirm})
    get(reverse("applications:case_file", args=[token, 1]))


# --- Interaction: complaints, consultations, surveys (whatever complaints/urls.py has) -------------


def interact_routes() -> list[URLPattern]:
    try:
        from complaints import urls
    except ImportError:
        return []
    routes, pending = [], list(urls.urlpatterns)
    while pending:
        entry = pending.pop()
        if isinstance(entry, URLResolver):
            pending.extend(entry.url_patterns)
        elif isinstance(entry, URLPattern) and entry.name:
            routes.append(entry)
    return routes


def _argument(converter) -> st.SearchStrategy:
    return st.from_regex(converter.regex, fullmatch=True).filter(lambda v: "/" not in v or "path" in repr(converter))


FIELD_RE = re.compile(r'<(input|textarea|select)\b[^>]*\bname="([^"]+)"[^>]*>', re.I)
TYPE_RE = re.compile(r'\btype="([^"]+)"', re.I)
VALUE_RE = re.compile(r'\bvalue="([^"]*)"', re.I)
OPTION_RE = re.compile(r'<option\b[^>]*\bvalue="([^"]*)"', re.I)


def form_fields(html: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (input type, the values the page offers) of every field of the page's forms."""
    fields: dict[str, tuple[str, list[str]]] = {}
    for match in FIELD_RE.finditer(html):
        tag, name = match.group(1).lower(), match.group(2)
        kind = (TYPE_RE.search(match.group(0)) or [None, tag])[1].lower() if tag == "input" else tag
        offered = fields.setdefault(name, (kind, []))[1]
        if tag == "select":
            block = html[match.end():html.find("</select>", match.end())]
            offered.extend(v for v in OPTION_RE.findall(block) if v)
        elif value := VALUE_RE.search(match.group(0)):
            offered.append(value.group(1))
    return fields


def plausible(name: str, kind: str, offered: list[str]) -> str:
    """What a person would type, so that some posts pass validation and reach the service."""
    if offered:
        return offered[0]
    for part, value in (("email", "zhangsan@example.invalid"), ("phone", "13912345678"), ("postcode", "130000"),
                        ("identity_number", "11010519491231002X"), ("name", "张三")):
        if part in name or part == kind:
            return value
    return "关于2025年度工业互联网平台名单的咨询，请予答复。"


ROUTES = interact_routes()


@pytest.mark.skipif(not ROUTES, reason="complaints/urls.py has no routes yet")
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
@FUZZ
@given(data=st.data())
def test_interaction_pages_and_forms_with_any_values(column, route, data):
    converters = getattr(route.pattern, "converters", {})
    kwargs = {name: data.draw(_argument(converter), label=name) for name, converter in converters.items()}
    path = reverse(f"complaints:{route.name}", kwargs=kwargs)
    page = Client().get(path, data.draw(params(["page", "q", "type"]), label="query"))
    answered(page, f"GET {path}")
    fields = form_fields(page.content.decode("utf-8", "replace")) if page.status_code == 200 else {}
    payload = {}
    for name, (kind, offered) in fields.items():
        if name == "csrfmiddlewaretoken":
            continue
        if kind == "file":
            payload[name] = SimpleUploadedFile(data.draw(st.sampled_from(["a.pdf", "x.exe", "图.png"]), label=name),
                                               data.draw(st.sampled_from([b"%PDF-1.4 x", b"MZ\x90", b""]), label=name))
        elif data.draw(st.integers(0, 3), label=f"fuzz {name}?") == 0:
            payload[name] = data.draw(values, label=name)
        else:  # as a person would fill it (hidden fields as rendered: one-time keys, timestamps)
            payload[name] = data.draw(st.sampled_from(offered), label=name) if offered else plausible(name, kind, offered)
    payload.update(data.draw(params(["extra"]), label="extra fields"))
    post(path, payload)

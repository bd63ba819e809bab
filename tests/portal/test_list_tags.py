"""The cheaper tags the public lists render their rows with (issue #22) show what Django's own
showed: a row's link is the record's address, also when the portal is served under a path
prefix, and a row's date is the local date of publication."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, engines
from django.urls import get_script_prefix, set_script_prefix
from django.utils import timezone


def _render(source: str, **context) -> str:
    template = engines["django"].from_string("{% load portal_tags %}" + source)
    return template.template.render(Context(context))


@pytest.fixture
def script_prefix():
    initial = get_script_prefix()
    yield set_script_prefix
    set_script_prefix(initial)


FIXED = ["disclosure:home", "disclosure:guide", "disclosure:feed_rss", "api:docs", "set_language",
         "statistics:page"]


def test_the_headers_links_are_what_url_gives_under_each_prefix_in_turn(script_prefix):
    """`fixed_url` reverses each name once per process: a page under another prefix (or another
    URL configuration) must still get its own addresses, not the first one's."""
    fixed = "".join(f"{{% fixed_url {name!r} %}};" for name in FIXED)
    plain = "".join(f"{{% url {name!r} %}};" for name in FIXED)
    for prefix in ("/", "/gov/xxgk/", "/"):
        script_prefix(prefix)
        assert _render(fixed) == _render(plain)
        assert _render("{% fixed_url 'disclosure:guide' as guide %}<{{ guide }}>") == f"<{prefix}guide/>"


@pytest.mark.parametrize("prefix", ["/", "/gov/xxgk/"])
def test_a_rows_link_is_the_records_address_under_any_prefix(script_prefix, prefix):
    script_prefix(prefix)
    ids = [1, 39, 20_028, 987_654]
    rows = "{% for pk in ids %}{% row_url 'disclosure:record' pk %}|{% row_url 'disclosure:record_print' pk %};{% endfor %}"
    expected = "{% for pk in ids %}{% url 'disclosure:record' pk %}|{% url 'disclosure:record_print' pk %};{% endfor %}"
    assert _render(rows, ids=ids) == _render(expected, ids=ids)
    assert f"{prefix}records/20028/" in _render(rows, ids=ids)


def test_a_rows_link_follows_the_prefix_of_each_rendering(script_prefix):
    """Reversed once per rendering, not once per process: a second rendering under another
    prefix does not get the first one's addresses."""
    script_prefix("/")
    assert _render("{% row_url 'disclosure:record' 5 %}") == "/records/5/"
    script_prefix("/portal/")
    assert _render("{% row_url 'disclosure:record' 5 %}") == "/portal/records/5/"


@pytest.mark.parametrize("value", [
    dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC),  # 00:30 the next day in Beijing
    dt.datetime(2026, 3, 1, 15, 59, tzinfo=dt.UTC),
    dt.datetime(2025, 12, 31, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    dt.date(2024, 2, 29),
    None,
    "",
])
def test_a_rows_date_is_what_the_date_filter_showed(settings, value):
    settings.TIME_ZONE = "Asia/Shanghai"
    with timezone.override("Asia/Shanghai"):
        assert _render("{{ v|iso_date }}", v=value) == _render('{{ v|date:"Y-m-d" }}', v=value)
    if isinstance(value, dt.datetime) and value.hour == 16:
        assert _render("{{ v|iso_date }}", v=value) == "2026-03-02"

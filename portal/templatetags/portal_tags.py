"""Template filters shared by the public pages."""

from datetime import datetime

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from portal import language
from portal.tables import scrollable_tables as _scrollable_tables

register = template.Library()


@register.filter
def scrollable_tables(html):
    """Rich text whose tables scroll in their own box, first column fixed (portal/tables.py)."""
    return _scrollable_tables(str(html or ""))


@register.filter
def localized(obj, field="name"):
    """`{{ office|localized }}`, `{{ site|localized:"office_hours" }}`: the English field on
    English pages when the agency filled it in, else the Chinese (portal/language.py)."""
    return language.localized(obj, field)


@register.filter
def lang_of(obj, field="name"):
    """The lang attribute for what `localized` shows: "en", or "zh-Hans" for the Chinese."""
    return language.localized_lang(obj, field)


@register.inclusion_tag("_case_mail_notices.html")
def citizen_notices(case):
    """On the tracking page: the written notices with legal weight sent by e-mail, each with the
    date it went out — or a word that it has not reached the mailbox yet, so that an undelivered
    mail never hides a deadline (issue #21)."""
    from portal.outbox import case_notices

    return {"notices": list(case_notices(case, legal_only=True))}


@register.inclusion_tag("admin/workflow/_case_notices.html")
def staff_notices(case):
    """On the case's back-office page: every notice about it and its delivery state."""
    from portal.outbox import case_notices

    return {"notices": list(case_notices(case).prefetch_related("delivery_attempts")) if case else []}


@register.filter(expects_localtime=True)
def iso_date(value):
    """`{{ moment|iso_date }}`: what `{{ moment|date:"Y-m-d" }}` shows (the local date of a
    datetime, or a date), at a fraction of its cost — the lists render it on every row (issue #22)."""
    if value in (None, ""):
        return ""
    return (value.date() if isinstance(value, datetime) else value).isoformat()


# What each fixed URL reverses to, per URL configuration and script prefix (their only inputs).
_FIXED_URLS: dict[tuple, str] = {}


@register.simple_tag
def fixed_url(view_name: str) -> str:
    """`{% fixed_url "disclosure:guide" %}`: `{% url %}` for a URL without arguments, reversed once
    per process. The header and footer of every page reverse 17 of them, and reversing cost a fifth
    of a record page's time (issue #22). The URLs depend only on the URL configuration and the
    script prefix, which are part of the key; no content is kept."""
    key = (settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), view_name)
    url = _FIXED_URLS.get(key)
    if url is None:
        url = _FIXED_URLS[key] = reverse(view_name)
    return url


# An id no list shows, reversed in its place and then cut out (`url_around_id`).
_ROW_ID = 987_654_321_987_654_321


def url_around_id(view_name: str) -> tuple[str, str]:
    """What `reverse(view_name, args=[pk])` gives before and after the pk, for one page's rows
    (disclosure_lists.entry_rows, the API's row links): reversing once per list instead of once per
    row (issue #22). The script prefix is the request's, so keep the parts no longer than the page."""
    head, _mark, tail = reverse(view_name, args=[_ROW_ID]).partition(str(_ROW_ID))
    return head, tail

"""Template filters shared by the public pages."""

from datetime import datetime

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation

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


def _url_setting() -> tuple:
    """What `reverse()` gives depends on besides its arguments: the URL configuration (the
    project's, or a request's own) and the script prefix. Part of every key that keeps a URL."""
    return settings.ROOT_URLCONF, get_urlconf(), get_script_prefix()


# What each fixed URL reverses to, per URL configuration and script prefix (their only inputs).
_FIXED_URLS: dict[tuple, str] = {}


@register.simple_tag
def fixed_url(view_name: str) -> str:
    """`{% fixed_url "disclosure:guide" %}`: `{% url %}` for a URL without arguments, reversed once
    per process. The header and footer of every page reverse 17 of them, and reversing cost a fifth
    of a record page's time (issue #22). The URLs depend only on the URL configuration and the
    script prefix, which are part of the key; no content is kept."""
    key = (*_url_setting(), view_name)
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


# --- {% memo %}: a fragment rendered once per process for each value of what it shows -------------

MEMO_SIZE = 256  # fragments kept per {% memo %} block, then forgotten at once (a few per language)


def _memo_part(value):
    """A value of a `{% memo %}` key as a dict key: a model instance by its class and every column
    (a site profile edited in the back office is another key), else the value itself, which must
    be a plain string, number, boolean or None."""
    from django.db.models import Model

    from portal.pagecache import row_values

    if isinstance(value, Model):
        return row_values(value)
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise template.TemplateSyntaxError(f"{{% memo %}} keys must be model instances or plain values, not {type(value)}")


class MemoNode(template.Node):
    def __init__(self, nodelist, keys):
        self.nodelist, self.keys = nodelist, keys
        self.rendered: dict[tuple, str] = {}

    def render(self, context):
        key = (translation.get_language(), *_url_setting(), *(_memo_part(k.resolve(context)) for k in self.keys))
        html = self.rendered.get(key)
        if html is None or settings.PORTAL_TEMPLATE_MEMO_CHECK:
            fresh = self.nodelist.render(context)
            if html is not None and html != fresh:
                raise AssertionError(f"{{% memo %}} kept a fragment its key does not describe: {key}")
            if len(self.rendered) >= MEMO_SIZE:
                self.rendered.clear()
            self.rendered[key] = html = fresh
        return html


@register.tag
def memo(parser, token):
    """`{% memo site ns un %}…{% endmemo %}`: the block rendered once per process for each value of
    its keys, the page's language and the URL configuration and prefix (the `fixed_url`s inside).
    For what every page repeats — the header's navigation, the footer: on a record page they were
    a third of the template's work (issue #22). The keys must name everything the block shows
    besides constant text; with PORTAL_TEMPLATE_MEMO_CHECK (the test settings) every render is
    compared with the kept fragment, so a key left out fails the first test whose page differs."""
    keys = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, keys)

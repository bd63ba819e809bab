"""Template filters shared by the public pages."""

from django import template

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

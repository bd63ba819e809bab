"""Template filters shared by the public pages."""

from django import template

from portal.tables import scrollable_tables as _scrollable_tables

register = template.Library()


@register.filter
def scrollable_tables(html):
    """Rich text whose tables scroll in their own box, first column fixed (portal/tables.py)."""
    return _scrollable_tables(str(html or ""))

"""The agency's language, for what the agency writes rather than what a reader browses.

The interface follows each reader's browser. Reply letters, notices and the published annual
report do not: an official document is in the agency's language (msgids stay translatable, so
an agency can adjust the wording in its locale). Nor does mail to staff about a citizen's case:
a citizen applying in English must not turn the office's mail English.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def english_page() -> bool:
    """Whether the reader browses the English pages (the source language is Chinese)."""
    return not (translation.get_language() or settings.LANGUAGE_CODE).lower().startswith("zh")


def localized(obj, field: str = "name") -> str:
    """What the agency entered for `field` in the reader's language: on English pages the
    `<field>_en` field (the agency's name, an office's or a category's name, the office hours)
    when it is filled, else the Chinese — data, never a machine translation."""
    if obj is None:
        return ""
    chinese = getattr(obj, field, "") or ""
    if english_page():
        return getattr(obj, f"{field}_en", "") or chinese
    return chinese


def localized_lang(obj, field: str = "name") -> str:
    """The language of what `localized` shows, for its lang attribute (WCAG 3.1.2)."""
    if obj is not None and english_page() and getattr(obj, f"{field}_en", ""):
        return "en"
    return "zh-Hans"


def agency_language():
    """Inside this block, gettext (and gettext_lazy strings turned into text) use the agency's
    language, settings.LANGUAGE_CODE."""
    return translation.override(settings.LANGUAGE_CODE)

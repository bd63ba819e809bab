"""The agency's language, for what the agency writes rather than what a reader browses.

The interface follows each reader's browser. Reply letters, notices and the published annual
report do not: an official document is in the agency's language (msgids stay translatable, so
an agency can adjust the wording in its locale). Nor does mail to staff about a citizen's case:
a citizen applying in English must not turn the office's mail English.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def agency_language():
    """Inside this block, gettext (and gettext_lazy strings turned into text) use the agency's
    language, settings.LANGUAGE_CODE."""
    return translation.override(settings.LANGUAGE_CODE)

"""Whole-page caching of public pages for anonymous visitors.

Every cached page is keyed by the *public content version*, a counter in the database that
the services bump inside the same transaction as any change the public can see (publication,
replacement, revocation, validity, categories, offices, agency profile). A reader therefore sees
either the old version and old data or the new version and new data, on every app server, with
any cache backend. Entries also expire after PUBLIC_PAGE_CACHE_SECONDS, which bounds how late a
scheduled publication appears.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from portal.context_processors import display_preferences
from portal.models import Sequence

VERSION_NAME = "public_content"


def public_version() -> int:
    return Sequence.objects.filter(name=VERSION_NAME, year=0).values_list("last_value", flat=True).first() or 0


def public_content_changed() -> None:
    """Call inside the transaction that changes what the public sees."""
    from portal.services import sequence_next

    sequence_next(name=VERSION_NAME, year=0)


def _cacheable(request) -> bool:
    # Staff (a session) and visitors with pending messages get a fresh page.
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and settings.PUBLIC_PAGE_CACHE_SECONDS > 0
    )


def _key(request, version: int) -> str:
    modes = display_preferences(request)
    variant = "|".join(
        [getattr(request, "LANGUAGE_CODE", ""), modes["a11y_classes"], request.get_full_path()]
    )
    return f"page:{version}:{hashlib.sha256(variant.encode()).hexdigest()}"


def cache_public_page(view):
    """Serve a stored copy of the page while the public content has not changed."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request, public_version())
        stored = cache.get(key)
        if stored is not None:
            content, content_type, headers = stored
            response = HttpResponse(content, content_type=content_type)
            for name, value in headers.items():
                response.headers[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            if hasattr(response, "render") and callable(response.render):
                response.render()
            headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-type", "content-length")}
            cache.set(key, (response.content, response["Content-Type"], headers), settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response

    return wrapper

"""Whole-page caching of public pages for anonymous visitors.

Views opt in with `@cache_public_page`; `PublicPageCacheMiddleware`, placed right after the
static-file middleware, serves stored copies before sessions, authentication and the rest of the
stack run, and stores a marked page on its way out with every header the stack has added.

Every stored page is keyed by the *public content version*, a counter in the database that the
services bump inside the same transaction as any change the public can see (publication,
replacement, revocation, validity, categories, offices, agency profile). A reader therefore sees
either the old version and old data or the new version and new data, on every app server, with
any cache backend. Entries also expire after PUBLIC_PAGE_CACHE_SECONDS, which bounds how late a
scheduled publication appears.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from portal.context_processors import display_preferences
from portal.models import Sequence

VERSION_NAME = "public_content"
MARK = "public_page_cacheable"


def public_version() -> int:
    return Sequence.objects.filter(name=VERSION_NAME, year=0).values_list("last_value", flat=True).first() or 0


def public_content_changed() -> None:
    """Call inside the transaction that changes what the public sees."""
    from portal.services import sequence_next

    sequence_next(name=VERSION_NAME, year=0)


def chosen_language(request) -> str:
    """The language the visitor chose with the switch, else the portal's (Chinese)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


def _cacheable(request) -> bool:
    # Staff (a session) and visitors with pending messages always get a fresh page.
    return (
        settings.PUBLIC_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.path.startswith(("/admin/", "/api/"))
    )


def _key(request, version: int) -> str:
    variant = "|".join([chosen_language(request), display_preferences(request)["a11y_classes"], request.get_full_path()])
    return f"page:{version}:{hashlib.sha256(variant.encode()).hexdigest()}"


def cache_public_page(view):
    """Mark the view's successful pages as storable by PublicPageCacheMiddleware."""

    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        setattr(response, MARK, True)
        return response

    wrapper.__name__, wrapper.__doc__, wrapper.__wrapped__ = view.__name__, view.__doc__, view
    return wrapper


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable(request):
            return self.get_response(request)
        key = _key(request, public_version())
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response.headers[name] = value
            return response
        response = self.get_response(request)
        if (
            getattr(response, MARK, False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
            cache.set(key, (response.content, headers), settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response

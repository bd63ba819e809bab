"""Whole-page caching of public pages for anonymous visitors.

Views opt in with `@cache_public_page`; `PublicPageCacheMiddleware`, placed right after the
static-file middleware, serves stored copies before sessions, authentication and the rest of the
stack run, and stores a marked page on its way out with every header the stack has added.

Every stored page is keyed by the *public content version*, a counter in the database that the
services bump inside the same transaction as any change the public can see (publication,
replacement, revocation, validity, categories, offices, agency profile). A reader therefore sees
either the old version and old data or the new version and new data, on every app server, with
any cache backend. Scheduled publications change nothing when their time comes, so the key also
holds the time of the next one (apps declare `public_schedule` in their AppConfig): when it
passes, every page gets a new key.

A page built from case figures (the public statistics) also names a counter of its own,
`cache_public_page(counters=(CASE_FIGURES,))`, which the case kernel bumps when a case closes
(`portal.cases.case_record_event`): closing a case then renews that page and leaves every other
stored page alone.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, resolve

from portal.context_processors import display_preferences
from portal.hooks import hooks
from portal.models import Sequence

VERSION_NAME = "public_content"
CASE_FIGURES = "case_figures"
MARK = "public_page_cacheable"
COUNTERS = "public_page_counters"


_memo: dict[str, tuple[float, str]] = {}


def public_version(counters: tuple[str, ...] = ()) -> str:
    """The counter, the view's own `counters`, and the next scheduled publication time of every
    app that has them.

    Remembered in this process for PUBLIC_CONTENT_VERSION_SECONDS (default 1 s), so a busy
    server reads it once a second rather than on every request; a change is then visible on
    every server within that time."""
    ttl = settings.PUBLIC_CONTENT_VERSION_SECONDS
    now = time.monotonic()
    memo_key = ":".join(("version", *counters))
    if ttl and (remembered := _memo.get(memo_key)) and now - remembered[0] < ttl:
        return remembered[1]
    version = _read_version(counters)
    _memo[memo_key] = (now, version)
    return version


def _read_version(counters: tuple[str, ...] = ()) -> str:
    names = (VERSION_NAME, *counters)
    values = dict(Sequence.objects.filter(name__in=names, year=0).values_list("name", "last_value"))
    parts = [str(values.get(name, 0)) for name in names]
    for provider in hooks("public_schedule"):
        moment = provider()
        parts.append(moment.isoformat() if moment else "-")
    return ":".join(parts)


def public_content_changed() -> None:
    """Call inside the transaction that changes what the public sees."""
    from portal.services import sequence_next

    sequence_next(name=VERSION_NAME, year=0)
    _memo.clear()


def case_figures_changed() -> None:
    """Call inside the transaction that closes (or reopens) a case: renews the pages that count
    cases, not the rest (see the module)."""
    from portal.services import sequence_next

    sequence_next(name=CASE_FIGURES, year=0)
    _memo.clear()


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


def _key(request, version: str) -> str:
    variant = "|".join([chosen_language(request), display_preferences(request)["a11y_classes"], request.get_full_path()])
    return f"page:{version}:{hashlib.sha256(variant.encode()).hexdigest()}"


def cache_public_page(view=None, *, counters: tuple[str, ...] = ()):
    """Mark the view's successful pages as storable by PublicPageCacheMiddleware; `counters` are
    further version counters its pages depend on (`CASE_FIGURES`)."""
    if view is None:
        return lambda view: cache_public_page(view, counters=counters)

    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if getattr(response, MARK, None) is None:  # a view may keep one page out (set it False)
            setattr(response, MARK, True)
        return response

    wrapper.__name__, wrapper.__doc__, wrapper.__wrapped__ = view.__name__, view.__doc__, view
    setattr(wrapper, MARK, True)
    setattr(wrapper, COUNTERS, tuple(counters))
    return wrapper


def _opted_in(request) -> tuple[str, ...] | None:
    """The view's counters when it opted in, else None. Only URLs whose view is decorated are
    looked up, so other requests cost nothing extra."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return getattr(match.func, COUNTERS, ()) if getattr(match.func, MARK, False) else None


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable(request) or (counters := _opted_in(request)) is None:
            return self.get_response(request)
        key = _key(request, public_version(counters))
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

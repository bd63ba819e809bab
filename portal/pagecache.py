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

A page of one object (a record's page) is keyed by that object's own *page stamp* instead: the
content version at which something it shows last changed, kept under `page:<stamp>` (e.g.
`page:record:12`), with the *site structure* counter (offices, categories, the agency profile,
navigation: what every page shows) and the schedule. A publication bumps the content version,
which renews every list (home, catalogue, categories, feeds, search), and stamps only the
pages it changes (`public_content_changed(pages=...)`): the other 99,999 record pages stay stored.
A change that does not name its pages renews every page.

A page built from case figures (the public statistics) also names a counter of its own,
`cache_public_page(counters=(CASE_FIGURES,))`, which the case kernel bumps when a case closes
(`portal.cases.case_record_event`): closing a case then renews that page and leaves every other
stored page alone.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.urls import Resolver404, resolve

from portal.context_processors import display_preferences
from portal.hooks import hooks
from portal.models import Sequence

VERSION_NAME = "public_content"
STRUCTURE = "public_structure"
CASE_FIGURES = "case_figures"
MARK = "public_page_cacheable"
COUNTERS = "public_page_counters"
STAMP = "public_page_stamp"
STAMPS_REMEMBERED = 10_000  # page stamps a process remembers (for PUBLIC_CONTENT_VERSION_SECONDS)
T = TypeVar("T")


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


def _counters(names: tuple[str, ...]) -> dict[str, int]:
    """The named counters' values, in plain SQL: a record page served without the page cache
    reads its stamp on nearly every request (its memo is per record), and the ORM's compiling of
    this one-index lookup cost ten times the lookup (issue #22)."""
    table, quote = Sequence._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('name')}, {quote('last_value')} FROM {quote(table)} "
                       f"WHERE {quote('year')} = 0 AND {quote('name')} IN ({', '.join(['%s'] * len(names))})", names)
        return dict(cursor.fetchall())


def _read_version(counters: tuple[str, ...] = ()) -> str:
    names = (VERSION_NAME, *counters)
    values = _counters(names)
    return ":".join([*(str(values.get(name, 0)) for name in names), *_schedule()])


def page_version(stamp: str) -> str:
    """The version of the pages of one object: its page stamp, the site structure counter and
    the schedule (remembered like `public_version`)."""
    ttl = settings.PUBLIC_CONTENT_VERSION_SECONDS
    now = time.monotonic()
    memo_key = f"page:{stamp}"
    if ttl and (remembered := _memo.get(memo_key)) and now - remembered[0] < ttl:
        return remembered[1]
    if len(_memo) > STAMPS_REMEMBERED:
        _memo.clear()
    names = (memo_key, STRUCTURE)
    values = _counters(names)
    version = "p" + ":".join([*(str(values.get(name, 0)) for name in names), *_schedule()])
    _memo[memo_key] = (now, version)
    return version


def _schedule() -> list[str]:
    ttl = settings.PUBLIC_CONTENT_VERSION_SECONDS
    now = time.monotonic()
    if ttl and (remembered := _memo.get("schedule")) and now - remembered[0] < ttl:
        return remembered[1]
    parts = []
    for provider in hooks("public_schedule"):
        moment = provider()
        parts.append(moment.isoformat() if moment else "-")
    _memo["schedule"] = (now, parts)
    return parts


def per_version(key: str, compute: Callable[[], T]) -> T:
    """A figure of the public content (a list's count, its highest id, the search's windows),
    computed once per public content version and `key`, not on every request: counting 100,000 rows
    costs more than the page itself, and the figure changes only with the version (issue #22). Never stale: a new
    version is a new key; the time only frees memory."""
    cache_key = f"figure:{public_version()}:{key}"
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, 24 * 3600)
    return value


def row_values(instance) -> tuple:
    """A model instance as its class and every column: what a kept fragment or figure shown from it
    depends on (a row edited in the back office is another value)."""
    return (instance._meta.label, *(getattr(instance, field.attname) for field in instance._meta.concrete_fields))


def rows_digest(instances: Iterable) -> str:
    """One short key for what a list of rows shows (`row_values` of each)."""
    return hashlib.sha256(repr([row_values(instance) for instance in instances]).encode()).hexdigest()


def count_per_version(queryset, key: str) -> int:
    """How many rows a public list holds (`per_version`)."""
    return per_version(f"count:{key}", lambda: queryset.order_by().count())


def public_content_changed(*, pages: Iterable[str] | None = None) -> None:
    """Call inside the transaction that changes what the public sees.

    `pages`: the stamps of the single-object pages the change shows on (`"record:12"`); every
    list is renewed in any case. None (the default) when the change may show on any page (an
    office, a category, the agency profile): every page is renewed."""
    from portal.services import sequence_next

    version = sequence_next(name=VERSION_NAME, year=0)
    if pages is None:
        sequence_next(name=STRUCTURE, year=0)
    elif stamps := sorted(set(pages)):
        Sequence.objects.bulk_create([Sequence(name=f"page:{stamp}", year=0, last_value=version) for stamp in stamps],
                                     update_conflicts=True, unique_fields=["name", "year"], update_fields=["last_value"])
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


def cache_public_page(view=None, *, counters: tuple[str, ...] = (), stamp: Callable[[dict], str] | None = None):
    """Mark the view's successful pages as storable by PublicPageCacheMiddleware; `counters` are
    further version counters its pages depend on (`CASE_FIGURES`); `stamp`, for the page of one
    object, names its page stamp from the URL's arguments (`lambda kwargs: f"record:{kwargs['pk']}"`):
    the page is then renewed by the changes that name it, not by every publication."""
    if view is None:
        return lambda view: cache_public_page(view, counters=counters, stamp=stamp)

    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if getattr(response, MARK, None) is None:  # a view may keep one page out (set it False)
            setattr(response, MARK, True)
        return response

    wrapper.__name__, wrapper.__doc__, wrapper.__wrapped__ = view.__name__, view.__doc__, view
    setattr(wrapper, MARK, True)
    setattr(wrapper, COUNTERS, tuple(counters))
    setattr(wrapper, STAMP, stamp)
    return wrapper


def _opted_in(request) -> str | None:
    """The version of the page's key when its view opted in, else None. Only URLs whose view is
    decorated are looked up, so other requests cost nothing extra."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if not getattr(match.func, MARK, False):
        return None
    if (stamp := getattr(match.func, STAMP, None)) is not None:
        return page_version(stamp(match.kwargs))
    return public_version(getattr(match.func, COUNTERS, ()))


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable(request) or (version := _opted_in(request)) is None:
            return self.get_response(request)
        key = _key(request, version)
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

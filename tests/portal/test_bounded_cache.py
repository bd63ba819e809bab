"""The per-process cache is bounded in bytes (issue #22): a worker's stored pages cannot grow its
memory past CACHE_MAX_MB, whatever the number of pages."""

from __future__ import annotations

import os

from django.core.cache import caches
from django.test import override_settings

from portal.config import cache_settings


def _bounded(max_bytes: int, **options) -> dict:
    config = cache_settings("locmem://", max_entries=1000, max_bytes=max_bytes)
    config["default"]["OPTIONS"].update(options)
    config["default"]["LOCATION"] = f"bounded-{max_bytes}-{os.getpid()}-{sorted(options.items())}"
    return config


def test_without_redis_each_worker_gets_a_cache_bounded_in_bytes():
    config = cache_settings("", max_entries=3000, max_bytes=32 * 1024 * 1024)["default"]
    assert config["BACKEND"] == "portal.cache_backends.BoundedLocMemCache"
    assert config["OPTIONS"] == {"MAX_ENTRIES": 3000, "MAX_BYTES": 32 * 1024 * 1024}


def test_the_least_recently_used_pages_go_when_the_bytes_are_full():
    with override_settings(CACHES=_bounded(100_000, MAX_VALUE_BYTES=20_000)):
        cache = caches["default"]
        cache.clear()
        page = b"x" * 10_000
        for n in range(30):  # 300 kB of pages into 100 kB
            cache.set(f"page{n}", page)
            cache.get("page0")  # read often: stays
        assert cache.stored_bytes <= 100_000
        assert cache.get("page0") == page and cache.get("page29") == page
        assert cache.get("page1") is None and cache.get("page10") is None
        cache.set("page29", b"y")  # replacing a value counts its new size, not both
        assert cache.get("page29") == b"y" and cache.stored_bytes < 100_000


def test_a_page_larger_than_the_value_limit_is_not_stored_and_empties_nothing():
    with override_settings(CACHES=_bounded(100_000, MAX_VALUE_BYTES=20_000)):
        cache = caches["default"]
        cache.clear()
        cache.set("small", b"s" * 1000)
        cache.set("huge", b"h" * 50_000)
        assert cache.get("huge") is None and cache.get("small") == b"s" * 1000
        cache.set("small", b"h" * 50_000)  # an old value under the key does not stay behind
        assert cache.get("small") is None and cache.stored_bytes == 0

"""A per-process memory cache bounded in bytes, not only in entries (issue #22).

Django's LocMemCache bounds the number of entries; stored public pages are tens of kilobytes
each, so 3,000 of them could hold 100-200 MB in every worker. This one also keeps the stored
bytes under MAX_BYTES, dropping the least recently used entries first, and does not store a
value larger than MAX_VALUE_BYTES (one huge page must not empty the cache of all others).
Production with several app servers uses Redis (CACHE_URL) instead, bounded by its own maxmemory.
"""

from __future__ import annotations

from django.core.cache.backends.locmem import LocMemCache


class _Sizes(dict):
    """Each stored key's size in bytes, and their sum."""

    total = 0

    def put(self, key: str, size: int) -> None:
        self.drop(key)
        self[key] = size
        self.total += size

    def drop(self, key: str) -> None:
        self.total -= self.pop(key, 0)


_sizes: dict[str, _Sizes] = {}  # per cache name, like LocMemCache's own stores (shared in the process)


class BoundedLocMemCache(LocMemCache):
    def __init__(self, name, params):
        super().__init__(name, params)
        options = params.get("OPTIONS", {})
        self._max_bytes = int(options.get("MAX_BYTES", 32 * 1024 * 1024))
        self._max_value_bytes = int(options.get("MAX_VALUE_BYTES", self._max_bytes // 64))
        self._sizes = _sizes.setdefault(name, _Sizes())

    @property
    def stored_bytes(self) -> int:
        return self._sizes.total

    def _set(self, key, value, timeout=None):
        self._delete(key)
        if len(value) > self._max_value_bytes:
            return  # not stored (and no older value under the key is left)
        super()._set(key, value, timeout)
        self._sizes.put(key, len(value))
        while self._cache and self._sizes.total > self._max_bytes:
            oldest, _value = self._cache.popitem()  # the least recently used is at the end
            self._expire_info.pop(oldest, None)
            self._sizes.drop(oldest)

    def _cull(self):
        super()._cull()
        for key in [k for k in self._sizes if k not in self._cache]:
            self._sizes.drop(key)

    def _delete(self, key):
        self._sizes.drop(key)
        return super()._delete(key)

    def incr(self, key, delta=1, version=None):
        value = super().incr(key, delta, version)
        full = self.make_and_validate_key(key, version=version)
        with self._lock:
            if full in self._cache:
                self._sizes.put(full, len(self._cache[full]))
        return value

    def clear(self):
        with self._lock:
            self._sizes.clear()
            self._sizes.total = 0
        super().clear()

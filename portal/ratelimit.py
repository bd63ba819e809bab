"""Per-client rate limits for public forms, counted in the cache.

A limit is a name, a number of requests and a window in seconds: `Limit("complaint_submit", 10, 600)`
lets one client make ten such requests in any ten-minute window of the clock. The counters live in
the configured cache, so with Redis every app server counts together; with the per-process memory
cache each server counts on its own (still a brake on flooding, not an exact figure).

Who is "one client": the address that connected (REMOTE_ADDR). Behind reverse proxies, list their
addresses or networks in `TRUSTED_PROXIES`: when the connection comes from one of them, the client
is the right-most address of X-Forwarded-For that is not itself a trusted proxy (each proxy appends
the address it was reached from; everything left of the first untrusted hop was written by the
client and is never believed). From any other peer the header is ignored: a client that reaches an
app server directly cannot choose its address. IPv6 clients are counted per /64, the block one
household or office usually has.

Settings (all optional): `RATE_LIMITS = {"name": (count, seconds)}` overrides a limit;
`RATE_LIMIT_SCALE` multiplies every count; `RATE_LIMIT_ENABLED = False` switches counting off.

Use `@rate_limit("name", count=…, seconds=…)` on a view, which answers 429 with a friendly page
(templates/429.html), or `check()` inside a view that prefers to show the form again with a message.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

UNKNOWN_CLIENT = "unknown"


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int

    def configured(self) -> Limit:
        """This limit as the settings may have changed it (RATE_LIMITS, and RATE_LIMIT_SCALE,
        which multiplies every count: load tests and large proxies use it)."""
        scale = max(1, int(getattr(settings, "RATE_LIMIT_SCALE", 1) or 1))
        count, seconds = getattr(settings, "RATE_LIMITS", {}).get(self.name) or (self.count, self.seconds)
        return Limit(self.name, int(count) * scale, int(seconds))


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return ip.ipv4_mapped
    return ip


@functools.lru_cache(maxsize=8)
def _networks(configured: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in configured)


def _trusted(address) -> bool:
    return any(address in network for network in _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ())))


def from_trusted_proxy(request) -> bool:
    """Whether the connection comes from one of settings.TRUSTED_PROXIES."""
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    return peer is not None and _trusted(peer)


def client_address(request) -> str | None:
    """The client's own address, as described above (the audit trail records this one; the rate
    limits count IPv6 clients per /64)."""
    address = _address(request.META.get("REMOTE_ADDR", ""))
    if address is None or not _trusted(address):
        return str(address) if address else None
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        found = _address(hop)
        if found is None:  # no trusted proxy writes that: the last trusted hop is all that is known
            break
        address = found
        if not _trusted(found):
            break
    return str(address)


def client_ip(request) -> str:
    """The client as the rate limits count it: its address, or for IPv6 its /64."""
    address = client_address(request)
    if address is None:
        return UNKNOWN_CLIENT
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return address


def _key(limit: Limit, client: str, window: int) -> str:
    # The address is hashed: cache keys are sometimes listed by operators and monitoring tools.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client}".encode()).hexdigest()[:24]
    return f"ratelimit:{limit.name}:{digest}:{window}"


def check(request, limit: Limit, *, subject: str | None = None) -> int | None:
    """Count this request against `limit`. None when it may go ahead, else the seconds to wait.
    `subject` counts something other than the client (an address a link is asked for: every
    client together); it is hashed like an address."""
    if not getattr(settings, "RATE_LIMIT_ENABLED", True):
        return None
    limit = limit.configured()
    now = time.time()
    window = int(now // limit.seconds)
    key = _key(limit, f"subject:{subject}" if subject is not None else client_ip(request), window)
    cache.add(key, 0, timeout=limit.seconds + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # the window's key expired between add() and incr()
        cache.set(key, 1, timeout=limit.seconds + 1)
        used = 1
    if used is None or used <= limit.count:  # None: the cache is unreachable, so let it through
        return None
    return max(1, math.ceil((window + 1) * limit.seconds - now))


def wait_message(retry_after: int) -> str:
    minutes = max(1, math.ceil(retry_after / 60))
    return ngettext(
        "提交过于频繁。为防止恶意提交，同一网络地址在短时间内的提交次数有限，请在 %(n)d 分钟后再试。",
        "提交过于频繁。为防止恶意提交，同一网络地址在短时间内的提交次数有限，请在 %(n)d 分钟后再试。",
        minutes,
    ) % {"n": minutes}


def limited_response(request, retry_after: int, *, template: str = "429.html", context: dict | None = None):
    """The friendly 429 page, with Retry-After."""
    response = render(request, template, {"message": wait_message(retry_after), "retry_after": retry_after,
                                          "title": _("提交过于频繁"), **(context or {})}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limit(name: str, *, count: int, seconds: int, methods: tuple[str, ...] = ("POST",)):
    """Limit a view's `methods` requests per client; over the limit, answer with templates/429.html."""
    limit = Limit(name, count, seconds)

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods and (retry_after := check(request, limit)) is not None:
                return limited_response(request, retry_after)
            return view(request, *args, **kwargs)

        wrapper.rate_limit = limit
        return wrapper

    return decorator

"""Reading configuration from the environment.

Start-up must fail with one readable line, not a traceback wall, when the configuration is
unusable: `ConfigError` is caught by `manage.py`, `portal/wsgi.py` and the gunicorn config and
printed as a single line.
"""

from __future__ import annotations

import ipaddress
import os


class ConfigError(Exception):
    """The environment does not describe a usable configuration."""


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={raw!r} 不是布尔值（应为 1/0、true/false） / is not a boolean")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} 不是整数 / is not an integer") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """Comma-separated IP addresses or networks (CIDR: 10.0.0.0/24), each checked as gunicorn
    checks `forwarded_allow_ips` (no host bits after the prefix), so one value serves both."""
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(str(ipaddress.ip_network(item)))
        except ValueError:
            raise ConfigError(f"{name}: {item!r} 不是IP地址或网段 / is not an IP address or network "
                              f"(e.g. 10.0.0.10 or 10.0.0.0/24)") from None
    return networks
def env_int_map(name: str, default: dict[str, int]) -> dict[str, int]:
    """`key:number,key:number` (e.g. `post:7,email:0`); keys not given keep their default."""
    raw = os.environ.get(name)
    if raw is None:
        return dict(default)
    result = dict(default)
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        key, sep, value = item.partition(":")
        try:
            if not sep or not key.strip():
                raise ValueError
            result[key.strip()] = int(value)
        except ValueError:
            raise ConfigError(f"{name}={raw!r} 格式应为 键:整数,键:整数 / must be key:number,key:number") from None
    return result


def cache_settings(url: str, *, max_entries: int = 3000, max_bytes: int = 32 * 1024 * 1024) -> dict:
    """CACHES for CACHE_URL: Redis (django-redis) shared by every app server, or per-process memory.

    A Redis outage must not take the portal down: cache errors are logged and ignored, so pages
    are rendered fresh and rate limits let requests through until Redis is back (sessions and
    locks live in the database)."""
    if url.startswith(("redis://", "rediss://")):
        return {"default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": env_int("CACHE_CONNECT_TIMEOUT", 1),
                "SOCKET_TIMEOUT": env_int("CACHE_TIMEOUT", 1),
                "IGNORE_EXCEPTIONS": True,
            },
        }}
    if url in ("", "locmem://"):
        # Per process; room for the pages of a busy column (each entry is one rendered page),
        # bounded in bytes too, so that a worker's memory stays bounded (issue #22).
        return {"default": {"BACKEND": "portal.cache_backends.BoundedLocMemCache",
                            "OPTIONS": {"MAX_ENTRIES": max_entries, "MAX_BYTES": max_bytes}}}
    raise ConfigError(f"CACHE_URL={url!r} 不受支持（redis:// 或 locmem://） / unsupported")


def one_line(error: BaseException) -> str:
    """The first line of an error's message, for start-up failures."""
    text = str(error).strip().splitlines()
    return text[0] if text else error.__class__.__name__

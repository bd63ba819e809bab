"""Reading configuration from the environment.

Start-up must fail with one readable line, not a traceback wall, when the configuration is
unusable: `ConfigError` is caught by `manage.py`, `portal/wsgi.py` and the gunicorn config and
printed as a single line.
"""

from __future__ import annotations

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


def one_line(error: BaseException) -> str:
    """The first line of an error's message, for start-up failures."""
    text = str(error).strip().splitlines()
    return text[0] if text else error.__class__.__name__

#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys
from pathlib import Path


def read_env_file() -> None:
    """`make demo` writes `.env` (DJANGO_DEBUG=1, DJANGO_DEMO=1) so that commands run by hand on a
    developer's machine use the demo settings. Only manage.py reads it, never gunicorn, and the
    environment always wins. PORTAL_ENV_FILE names another file; empty disables it."""
    name = os.environ.get("PORTAL_ENV_FILE", str(Path(__file__).resolve().parent / ".env"))
    if not name or not os.path.isfile(name):
        return
    for line in Path(name).read_text(encoding="utf-8").splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key and not key.startswith("#"):
            os.environ.setdefault(key.strip(), value.strip())


# Commands that neither serve nor sign anything: they run on a fresh clone without a secret key.
# `check --deploy` is not among them: it judges the real production settings.
NO_SECRET_COMMANDS = {"check", "makemigrations", "showmigrations", "sqlmigrate", "help", "version",
                      "compilemessages", "makemessages", "collectstatic"}


def main():
    read_env_file()
    if len(sys.argv) > 1 and sys.argv[1] in NO_SECRET_COMMANDS and "--deploy" not in sys.argv:
        os.environ.setdefault("PORTAL_SECRET_KEY_NOT_NEEDED", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError, ProgrammingError

    from portal.config import ConfigError, one_line

    try:
        execute_from_command_line(sys.argv)
    except ConfigError as error:
        sys.exit(f"配置错误 / configuration error: {one_line(error)}")
    except (OperationalError, ProgrammingError) as error:
        text = one_line(error)
        if "no such table" in text or ("relation" in text and "does not exist" in text):
            sys.exit(f"数据库尚未初始化，请先运行 make demo 或 manage.py migrate / database not migrated: {text}")
        sys.exit(f"无法连接数据库 / database unreachable: {text}")


if __name__ == "__main__":
    main()

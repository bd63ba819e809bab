#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    from portal.config import ConfigError, one_line

    try:
        execute_from_command_line(sys.argv)
    except ConfigError as error:
        sys.exit(f"配置错误 / configuration error: {one_line(error)}")
    except OperationalError as error:
        sys.exit(f"无法连接数据库 / database unreachable: {one_line(error)}")


if __name__ == "__main__":
    main()

"""WSGI entry point for gunicorn: `gunicorn -c deploy/gunicorn.conf.py portal.wsgi`."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from django.core.wsgi import get_wsgi_application

from portal.config import ConfigError, one_line

try:
    application = get_wsgi_application()
except ConfigError as error:
    sys.exit(f"配置错误 / configuration error: {one_line(error)}")

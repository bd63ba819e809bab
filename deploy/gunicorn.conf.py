"""gunicorn settings: `gunicorn -c deploy/gunicorn.conf.py portal.wsgi`.

Start-up checks the configuration and the database once, in the master, and stops with one
clear line if either is unusable (rather than every worker failing with a traceback)."""

import multiprocessing
import os
import sys

# Bind to the private interface nginx reaches (GUNICORN_BIND=10.0.0.11:8000), never to every
# interface: the app servers are not meant to be reached except through the proxy.
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
accesslog = "-"
errorlog = "-"
# The proxies whose X-Forwarded-Proto gunicorn believes: the same list as the app's TRUSTED_PROXIES
# (addresses or CIDR networks), so gunicorn and Django agree on who may speak for the client.
forwarded_allow_ips = ",".join(
    item.strip() for item in os.environ.get("TRUSTED_PROXIES", "").split(",") if item.strip()) or "127.0.0.1,::1"


def on_starting(server):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from portal.config import ConfigError, one_line

    try:
        import django

        django.setup()
        from django.db import connection

        connection.ensure_connection()
        connection.close()
    except ConfigError as error:
        sys.exit(f"配置错误 / configuration error: {one_line(error)}")
    except Exception as error:  # the database is the usual suspect
        sys.exit(f"无法启动 / cannot start: {one_line(error)}")

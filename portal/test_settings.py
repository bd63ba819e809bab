"""Settings for the test suite: the production settings with test-friendly switches."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("PORTAL_BACKUP_KEY", "test-backup-key-not-for-production-0123456789")

from portal.settings import *  # noqa: F403
from portal.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Every request reads the content version, so tests see each change at once.
PUBLIC_CONTENT_VERSION_SECONDS = 0
# Every {% memo %} fragment is rendered afresh and compared with the one kept: a key left out fails.
PORTAL_TEMPLATE_MEMO_CHECK = True
# Login throttling and the second factor have their own tests (tests/portal/test_security.py);
# elsewhere tests sign in with force_login.
AXES_ENABLED = False
OTP_REQUIRED_ROLES: list[str] = []
OTP_REQUIRED_FOR_SUPERUSERS = False
# Background jobs (a redaction) run at the commit, in the test's thread.
PORTAL_JOB_RUNNER = "inline"
# Text messages are kept in portal.sms.outbox.
PORTAL_SMS_BACKEND = "portal.sms.LocmemBackend"
# Outbox notices are delivered at the commit, in the test's thread (tests that use
# django_capture_on_commit_callbacks(execute=True) find them in mail.outbox as before); the
# database backend and its worker have their own tests (tests/portal/test_outbox.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "mail"]}}

"""Settings for the disclosure portal, read from the environment.

Defaults are safe for production: DEBUG off, secure cookies and HTTPS headers on, no default
secret key. `make demo` and the test settings switch on what a developer needs.
"""

from __future__ import annotations

import datetime
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from portal.config import ConfigError, cache_settings, env_bool, env_int, env_int_map, env_list, env_networks

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
# Demo mode allows the demo loader to create accounts with printed passwords.
DEMO_MODE = env_bool("DJANGO_DEMO", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and os.environ.get("PORTAL_SECRET_KEY_NOT_NEEDED") == "1":
    # Set by manage.py for commands that sign nothing (check, makemigrations …): a throw-away key.
    SECRET_KEY = secrets.token_urlsafe(50)
if not SECRET_KEY:
    if not (DEBUG or DEMO_MODE):
        raise ConfigError(
            "DJANGO_SECRET_KEY 未设置：生产模式必须提供密钥 / DJANGO_SECRET_KEY is not set "
            "(required unless DJANGO_DEBUG=1)"
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "portal.admin_apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "guardian",
    "simple_history",
    "django_prose_editor",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    # Background tasks (issue #21): the backport of Django 6's tasks framework and its database
    # backend. On Django 6 the first line goes and the backend stays.
    "django_tasks",
    "django_tasks_db",
    "portal",
    "disclosure",
    "applications",
    "complaints",
]

MIDDLEWARE = [
    # First: a load balancer's probe by server address over plain HTTP is answered before the
    # HTTPS redirect and the Host check (issue #16).
    "portal.middleware.HealthCheckMiddleware",
    # Before anything reads the scheme or the client's address: forwarded headers from a peer
    # that is not a trusted proxy are dropped.
    "portal.middleware.ForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.RejectNulBytesMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.ImportMapHashMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "portal.middleware.AuditDeniedMiddleware",
    # Last: axes must see the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site_profile",
                "portal.context_processors.display_preferences",
            ],
            # Django's i18n tags, with constant messages translated once per language (issue #22).
            "libraries": {"i18n": "portal.templatetags.cached_i18n"},
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default; production sets DATABASE_URL=postgres://...
try:
    DATABASES = {
        "default": dj_database_url.config(
            default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
except ValueError as error:  # an unknown scheme or a malformed URL
    raise ConfigError(f"DATABASE_URL 无法解析 / cannot be parsed: {error}") from None

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: every transaction takes the write lock first, so two workflow steps on
        # the same record serialise instead of both reading the old state.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = cache_settings(CACHE_URL, max_entries=env_int("CACHE_MAX_ENTRIES", 3000),
                        max_bytes=env_int("CACHE_MAX_MB", 32) * 1024 * 1024)
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# Anonymous public pages are cached whole, keyed by the public content version (pagecache.py).
# Every change gets a new key, so this only bounds memory: 0 switches the cache off.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 600)
# How long a process trusts the version it read (other servers see a change within this time).
PUBLIC_CONTENT_VERSION_SECONDS = env_int("PUBLIC_CONTENT_VERSION_SECONDS", 1)
# {% memo %} (portal_tags) keeps the header's and footer's HTML per language, page and agency
# profile; with this on, each render is checked against what was kept (the test settings).
PORTAL_TEMPLATE_MEMO_CHECK = False

# Public forms count submissions per client address in the cache (portal/ratelimit.py); a
# shared Redis cache makes every app server count together. The scale multiplies every limit.
RATE_LIMIT_SCALE = env_int("PORTAL_RATE_LIMIT_SCALE", 1)
# The reverse proxies in front of the app servers (nginx): addresses or networks. Only a request
# that comes from one of them may name the client (X-Forwarded-For: the right-most address that is
# not a trusted proxy) or the scheme (X-Forwarded-Proto); from anyone else these headers are
# dropped (portal.middleware.ForwardedHeadersMiddleware). gunicorn's forwarded_allow_ips reads the
# same variable (deploy/gunicorn.conf.py).
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")
if os.environ.get("TRUSTED_PROXY_COUNT", "0").strip() not in ("", "0") and not TRUSTED_PROXIES:
    raise ConfigError("TRUSTED_PROXY_COUNT 已由 TRUSTED_PROXIES 取代，请填写代理服务器的地址 / TRUSTED_PROXY_COUNT "
                      "is replaced by TRUSTED_PROXIES: list the proxies' addresses (e.g. TRUSTED_PROXIES=10.0.0.10)")

# Backups (manage.py backup_portal / restore_portal) are signed with this key: an HMAC of the
# manifest, which lists the sha256 of every part. Not the secret key, and kept away from the backup
# storage: whoever can change a backup cannot make it restorable (portal/backup.py).
BACKUP_KEY = os.environ.get("PORTAL_BACKUP_KEY", "")

# Working days to answer a complaint or report (M.19), a consultation (M.10), and for the office
# complained about to explain itself; checked at start-up (complaints/checks.py).
COMPLAINT_REPLY_WORKING_DAYS = env_int("COMPLAINT_REPLY_WORKING_DAYS", 15)
CONSULTATION_REPLY_WORKING_DAYS = env_int("CONSULTATION_REPLY_WORKING_DAYS", 15)
COMPLAINT_EXPLANATION_WORKING_DAYS = env_int("COMPLAINT_EXPLANATION_WORKING_DAYS", 5)

# Demand topics (issue #18): a topic asked this many times in a period (applications and
# consultations) is flagged as a candidate for proactive disclosure (R.44); requests whose
# neighbouring-character pairs overlap this much (Jaccard) are one topic.
DEMAND_TOPIC_THRESHOLD = env_int("PORTAL_DEMAND_TOPIC_THRESHOLD", 3)
DEMAND_SIMILARITY = float(os.environ.get("PORTAL_DEMAND_SIMILARITY", "0.4"))

# Applications, checked at start-up (applications/checks.py). Who consents to an extension of the
# reply limit (R.33(2): the head of the disclosure work body): a role, or role:office kind; by
# default the head of the general office (厅办公室) or a leader. Never the person who asked for it.
APPLICATION_EXTENSION_APPROVERS = env_list("PORTAL_EXTENSION_APPROVERS", ["division_head:general_office", "leader"])
# A notice whose period counts from its receipt (the third party's 15 working days, R.32; another
# agency's, R.34; the applicant's 20 working days to pay, 国办函〔2020〕109号) is presumed received
# this many calendar days after it went out, by channel, until the date of receipt is recorded.
NOTICE_RECEIPT_PRESUMED_DAYS = env_int_map("PORTAL_NOTICE_RECEIPT_PRESUMED_DAYS",
                                           {"post": 7, "email": 0, "in_person": 0, "fax": 0})

# Sessions live in the database so any app server can serve any request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: refuses locked-out accounts before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# --- Staff accounts (等保2.0 三级): lockout, second factor, idle timeout --------------------------
# Five failed passwords lock the account for 30 minutes; an administrator unlocks it earlier in
# the back office (访问失败记录) or with `manage.py axes_reset_username <name>`.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks to lock by address too. Staff of one agency sit behind one NAT address: five
# mistyped passwords would lock everybody out. Accounts are what is protected here, and a
# locked account cannot be unlocked by rotating addresses, user agents or cookies; guessing
# across many accounts from one address is braked by a per-address limit on login attempts
# (PortalAdminSite.login: 60 per 10 minutes, RATE_LIMITS["admin_login"]).
SILENCED_SYSTEM_CHECKS = [
    "axes.W006",
    # TEMPLATES "libraries" installs portal.templatetags.cached_i18n as `i18n` on purpose (Django's
    # tags, cheaper: issue #22); tests/portal/test_list_tags.py checks that no other name is shared.
    "templates.W003",
]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The failure records name the same client address as the audit trail and the rate limits.
AXES_CLIENT_IP_CALLABLE = "portal.ratelimit.client_address"
# Roles whose accounts must use a TOTP second factor: every role that can see a citizen's identity
# in full — the disclosure office (applicants, askers), the supervision office (reporters, M.19),
# leaders and the info center (issue #8, #16). Demo mode asks nobody by default, so the printed
# demo accounts work.
OTP_REQUIRED_ROLES = env_list(
    "PORTAL_OTP_REQUIRED_ROLES", [] if DEMO_MODE else ["disclosure_office", "supervision", "leader", "info_center"]
)
# Superusers unlock accounts and grant roles: they need a second factor too (not in demo mode).
OTP_REQUIRED_FOR_SUPERUSERS = env_bool("PORTAL_OTP_SUPERUSERS", not DEMO_MODE)
OTP_TOTP_ISSUER = os.environ.get("PORTAL_OTP_ISSUER", "政府信息公开平台")
# Staff sessions end after 30 idle minutes (the expiry slides with every request).
STAFF_IDLE_TIMEOUT_SECONDS = env_int("STAFF_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_COOKIE_AGE = STAFF_IDLE_TIMEOUT_SECONDS
# Audit entries (logins, failures, lockouts, permission denials) are kept at least this long.
AUDIT_RETENTION_DAYS = max(180, env_int("AUDIT_RETENTION_DAYS", 365))
GUARDIAN_RAISE_403 = False
GUARDIAN_MONKEY_PATCH_USER = False

# --- Internationalisation: Chinese first, English second --------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files are never served by URL: downloads go through views that check publication.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
ATTACHMENT_MAX_BYTES = env_int("PORTAL_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
# Redaction of PDF files (issue #20): pages with a box are rendered at REDACTION_DPI; longer files
# are refused with a message. Long jobs run in a background thread after the commit
# (portal/jobs.py; "inline" runs them in the request, as the tests do).
REDACTION_MAX_PAGES = env_int("PORTAL_REDACTION_MAX_PAGES", 500)
REDACTION_DPI = env_int("PORTAL_REDACTION_DPI", 150)
PORTAL_JOB_RUNNER = os.environ.get("PORTAL_JOB_RUNNER", "thread")
# Text messages (the one-time link to a citizen's own cases, issue #18): the class that sends them
# (portal/sms.py); the default prints them, number masked, to standard output.
PORTAL_SMS_BACKEND = os.environ.get("PORTAL_SMS_BACKEND", "portal.sms.ConsoleBackend")
# The personal-data check (issue #20): e-mail addresses in these domains are the agency's own.
PERSONAL_DATA_ALLOWED_EMAIL_DOMAINS = env_list("PORTAL_PERSONAL_DATA_ALLOWED_EMAIL_DOMAINS", ["gov.cn"])
# The compliance self-check (issue #20): a column not updated for this many days is a finding,
# unless its category sets its own period (目录分类 › 更新周期).
COMPLIANCE_COLUMN_PERIOD_DAYS = env_int("PORTAL_COMPLIANCE_COLUMN_PERIOD_DAYS", 183)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail: SMTP when a host is configured; otherwise kept in files, never in the log ---------
# A mail carries a citizen's address (a reporter's is secret, M.19): without EMAIL_HOST each one is
# a file in PORTAL_MAIL_DIR, readable by the portal's user only (portal/mail.py, issue #16).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = "portal.mail.RefusalAwareSMTPBackend" if EMAIL_HOST else "portal.mail.ProtectedFileBackend"
EMAIL_FILE_PATH = Path(os.environ.get("PORTAL_MAIL_DIR", BASE_DIR / "var" / "mail"))
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The worker waits at most this long for the mail server before it counts the attempt as failed.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
# The outbox's worker allows only this long to open a connection (reach the server, its greeting,
# TLS, login); EMAIL_TIMEOUT then applies to sending (portal/mail.py).
PORTAL_MAIL_CONNECT_TIMEOUT = env_int("PORTAL_MAIL_CONNECT_TIMEOUT", 5)

# The outbox (issue #21, portal/outbox.py): every notice is a row written with the change that
# caused it, delivered by the task worker (`manage.py db_worker --queue-name mail`, deploy/
# portal-worker.service). A failed attempt is retried after PORTAL_MAIL_RETRY_SECONDS, doubled
# at each further attempt (at most PORTAL_MAIL_RETRY_MAX_SECONDS); after PORTAL_MAIL_MAX_ATTEMPTS
# the notice is failed for good and lands on the disclosure office's work list.
PORTAL_MAIL_MAX_ATTEMPTS = env_int("PORTAL_MAIL_MAX_ATTEMPTS", 8)
PORTAL_MAIL_RETRY_SECONDS = env_int("PORTAL_MAIL_RETRY_SECONDS", 60)
PORTAL_MAIL_RETRY_MAX_SECONDS = env_int("PORTAL_MAIL_RETRY_MAX_SECONDS", 6 * 3600)
# Bounces that arrive later (portal/bounces.py): with an address here, each mail's envelope
# sender is `local+<notice token>@domain` (VERP), and the mail server pipes what comes back to it
# into `manage.py process_bounces` (README, deployment). Empty: the token travels in a header only.
PORTAL_BOUNCE_ADDRESS = os.environ.get("PORTAL_BOUNCE_ADDRESS", "")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "mail"],
    },
}
# The public address, for links in mail (sent without a request) and on receipts. Production sets
# it; unset, a page uses the address it was asked on and mail the demo server's (`make demo`
# passes its PORT): portal.notify.absolute_url.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "")

# --- Security headers and cookies -----------------------------------------------------------
# No inline script or style anywhere: templates load files from 'self'. The exceptions are the
# rich-text editor's (django-prose-editor, Tiptap): its import map, whose hash is added per
# response (portal.middleware), and the base stylesheet Tiptap injects, allowed by its exact
# hash below (a browser test fails if an upgrade changes it: tests/browser/test_csp.py).
TIPTAP_BASE_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, TIPTAP_BASE_STYLE_HASH],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# No script of ours reads the CSRF cookie (forms carry the token), so scripts may not either.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = HTTPS and env_bool("DJANGO_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
# On by default (check --deploy asks for both). An agency whose domain still has HTTP-only
# sub-sites switches them off until those sites have certificates: preloading cannot be undone quickly.
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("DJANGO_HSTS_PRELOAD", True)
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY and not TRUSTED_PROXIES:
    raise ConfigError("DJANGO_BEHIND_PROXY=1 需要 TRUSTED_PROXIES（代理服务器的地址） / DJANGO_BEHIND_PROXY=1 needs "
                      "TRUSTED_PROXIES, the proxies' addresses (e.g. TRUSTED_PROXIES=10.0.0.10)")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None

# --- Open data API: public, read-only, anonymous (no session, so no CSRF surface) -------------
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "政府信息公开 开放数据接口 / Open data API",
    "DESCRIPTION": "Published government information and catalogue entries (read-only).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- History --------------------------------------------------------------------------------
# History is evidence: it can be read, never reverted or edited through the admin.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_EDIT = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

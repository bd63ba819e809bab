"""Security by default (issue #8): headers, lockout, second factor, idle timeout, audit trail."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEntry, AuditEvent

PAGES = ["/", "/catalogue/", "/search/?q=通知", "/apply/", "/apply/track/", "/interact/", "/admin/login/"]


@pytest.mark.parametrize("url", PAGES)
def test_security_headers_on_public_and_admin_pages(client, world, url):
    response = client.get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_headers_on_the_back_office_for_signed_in_staff(client, world):
    client.force_login(world.drafter_a)
    response = client.get(reverse("admin:disclosure_record_add"))
    assert response.status_code == 200
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    # The editor's import map is the only inline script, allowed by its exact hash.
    assert "'sha256-" in response["Content-Security-Policy"]


def test_https_settings_when_deployed(settings):
    """With DJANGO_HTTPS (the production default) cookies are secure and HSTS is long."""
    import subprocess
    import sys

    code = ("from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS >= 15552000, "
            "s.CSRF_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE)")
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], capture_output=True,
                            text=True, env={"DJANGO_SETTINGS_MODULE": "portal.settings", "DJANGO_SECRET_KEY": "x" * 60,
                                            "PATH": "/usr/bin:/bin"}, check=True)
    assert result.stdout.split() == ["True", "True", "True", "Lax", "True", "True", "True", "True", "Lax"]


@pytest.fixture
def deployed(settings):
    """The production cookie and HSTS settings, on a test server reached over HTTPS."""
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE"):
        setattr(settings, name, True)
    settings.CSRF_COOKIE_HTTPONLY = settings.LANGUAGE_COOKIE_HTTPONLY = True
    settings.LANGUAGE_COOKIE_SAMESITE = "Lax"


def test_every_cookie_is_secure_httponly_and_samesite_and_hsts_is_sent(client, world, deployed):
    form = client.get("/apply/", secure=True)
    assert int(form["Strict-Transport-Security"].split("max-age=")[1].split(";")[0]) >= 15552000
    language = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)
    client.force_login(world.drafter_a)
    admin = client.get(reverse("admin:index"), secure=True)
    cookies = {**form.cookies, **language.cookies, **admin.cookies, **client.cookies}
    for name in ("csrftoken", "django_language", "sessionid"):
        morsel = cookies[name]
        assert morsel["secure"] and morsel["httponly"] and morsel["samesite"] == "Lax", name


def test_check_deploy_has_no_warnings():
    import os
    import secrets
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings", "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
                "DJANGO_ALLOWED_HOSTS": "gk.example.gov.cn", "PORTAL_ENV_FILE": ""})
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    from axes.models import AccessAttempt

    yield
    AccessAttempt.objects.all().delete()


def test_repeated_failures_lock_the_account_and_an_admin_can_unlock_it(client, world, axes_on):
    url = reverse("admin:login")
    for _ in range(3):
        client.post(url, {"username": "drafter_a", "password": "wrong-password!"})
    locked = client.post(url, {"username": "drafter_a", "password": "pw-for-tests-only"})
    assert locked.status_code == 429 or "锁定" in locked.content.decode()
    assert AuditEntry.objects.filter(event=AuditEvent.LOCKED_OUT, username="drafter_a").exists()
    assert AuditEntry.objects.filter(event=AuditEvent.LOGIN_FAILED, username="drafter_a").count() >= 3
    call_command("axes_reset_username", "drafter_a", stdout=StringIO())
    ok = client.post(url, {"username": "drafter_a", "password": "pw-for-tests-only"})
    assert ok.status_code == 302
    assert AuditEntry.objects.filter(event=AuditEvent.LOGIN, username="drafter_a").exists()


@pytest.fixture
def otp_on(settings):
    settings.OTP_REQUIRED_ROLES = ["disclosure_office", "leader", "info_center"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows retries after a wrong code


def _totp(device):
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_the_disclosure_office_must_enrol_and_use_a_second_factor(client, world, otp_on):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(world.disclosure)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and reverse("admin:otp") in response.url
    page = client.get(response.url)
    assert "绑定动态口令" in page.content.decode() and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=world.disclosure)
    wrong = client.post(reverse("admin:otp"), {"token": "000000" if _totp(device) != "000000" else "111111"})
    assert "不正确" in wrong.content.decode()
    assert client.post(reverse("admin:otp"), {"token": _totp(device)}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    # A new session needs the code again.
    client.logout()
    client.force_login(world.disclosure)
    again = client.get(reverse("admin:index"))
    assert again.status_code == 302 and reverse("admin:otp") in again.url
    assert "动态口令验证" in client.get(again.url).content.decode()


def test_drafters_do_not_need_a_second_factor(client, world, otp_on):
    client.force_login(world.drafter_a)
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_sessions_expire_after_30_idle_minutes(client, world):
    client.force_login(world.drafter_a)
    client.get(reverse("admin:index"))
    assert client.session.get_expiry_age() == 30 * 60
    assert client.session.get("_session_expiry") == 30 * 60


def test_permission_denials_are_audited(client, world):
    from tests.conftest import S, drive, new_draft

    record = drive(world, new_draft(world), S.DIVISION_REVIEW)
    client.force_login(world.disclosure)
    client.get(reverse("admin:disclosure_record_transition", args=[record.pk, "approve_division"]))
    entry = AuditEntry.objects.get(event=AuditEvent.PERMISSION_DENIED)
    assert entry.username == "gkb" and "approve_division" in entry.path


def test_opening_another_offices_object_is_a_404_and_audited(client, world):
    from tests.conftest import new_draft

    record = new_draft(world)  # office A's
    client.force_login(world.drafter_b)
    response = client.get(reverse("admin:disclosure_record_history", args=[record.pk]))
    assert response.status_code == 404
    entry = AuditEntry.objects.get(event=AuditEvent.PERMISSION_DENIED)
    assert entry.username == world.drafter_b.username and "out of scope" in entry.detail


def test_retention_never_deletes_entries_younger_than_180_days(world):
    old = AuditEntry.objects.create(event=AuditEvent.LOGIN, username="old", at=timezone.now() - dt.timedelta(days=400))
    young = AuditEntry.objects.create(event=AuditEvent.LOGIN, username="young",
                                      at=timezone.now() - dt.timedelta(days=179))
    with pytest.raises(CommandError, match="180"):
        call_command("purge_audit_log", "--days", "30", stdout=StringIO())
    call_command("purge_audit_log", "--days", "180", stdout=StringIO())
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=young.pk).exists()


def test_the_audit_trail_cannot_be_edited_in_the_back_office(client, world):
    entry = AuditEntry.objects.create(event=AuditEvent.LOGIN, username="x")
    client.force_login(world.admin)
    assert client.get(reverse("admin:portal_auditentry_changelist")).status_code == 200
    assert client.post(reverse("admin:portal_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403


def test_an_unreachable_database_gives_a_calm_503_page(client, world, monkeypatch):
    from django.db import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("portal.pagecache.public_version", down)
    client.raise_request_exception = False
    response = client.get("/catalogue/")
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()
    assert response["Retry-After"] == "120"


@pytest.mark.parametrize("url", ["/catalogue/?office=%00", "/search/?q=%E9%80%9A%00", "/records/%00/", "/api/records/?q%00=1"])
def test_a_nul_byte_in_the_url_gets_the_calm_400_page(client, world, url):
    """PostgreSQL refuses NUL in text parameters; without the guard these were 500s there."""
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 400
    assert "请求无效" in response.content.decode()


def test_a_cookie_with_a_nul_byte_is_ignored_not_fatal(client, world):
    client.cookies["sessionid"] = "abc\x00def"
    client.cookies["django_language"] = "\x00"
    response = client.get("/catalogue/")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


def test_superusers_need_a_second_factor_when_deployed(client, world, otp_on, settings):
    settings.OTP_REQUIRED_FOR_SUPERUSERS = True
    client.force_login(world.admin)
    response = client.get(reverse("admin:portal_membership_changelist"))
    assert response.status_code == 302 and reverse("admin:otp") in response.url


def test_anyone_may_enrol_and_is_then_always_asked(client, world, otp_on):
    from base64 import b32decode, b32encode

    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(world.drafter_a)
    assert "?enrol=1" in client.get(reverse("admin:index")).content.decode()
    page = client.get(reverse("admin:otp") + "?enrol=1").content.decode()
    device = TOTPDevice.objects.get(user=world.drafter_a)
    # The key for typing in by hand is base32 (what authenticator apps accept), not hex.
    key = b32encode(device.bin_key).decode()
    assert f"<code>{key}</code>" in page and b32decode(key) == device.bin_key
    assert client.post(reverse("admin:otp"), {"token": _totp(device), "enrol": "1"}).status_code == 302
    client.logout()
    client.force_login(world.drafter_a)
    again = client.get(reverse("admin:index"))
    assert again.status_code == 302 and reverse("admin:otp") in again.url


def test_one_address_may_try_only_so_many_passwords(client, world, settings):
    settings.RATE_LIMITS = {"admin_login": (3, 600)}
    for name in ("a", "b", "c"):
        assert client.post(reverse("admin:login"), {"username": name, "password": "x" * 12}).status_code == 200
    limited = client.post(reverse("admin:login"), {"username": "drafter_a", "password": "pw-for-tests-only"})
    assert limited.status_code == 429 and "提交过于频繁" in limited.content.decode()


def test_the_audit_records_the_client_address_behind_the_proxy_ipv6_included(client, world, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.10"]
    for address in ("198.51.100.7", "2001:db8:1:2::42"):
        client.post(reverse("admin:login"), {"username": "drafter_a", "password": "wrong-password!"},
                    REMOTE_ADDR="10.0.0.10", HTTP_X_FORWARDED_FOR=address)
    recorded = list(AuditEntry.objects.filter(event=AuditEvent.LOGIN_FAILED).order_by("at", "pk")
                    .values_list("ip_address", flat=True))
    assert recorded == ["198.51.100.7", "2001:db8:1:2::42"]

"""Forwarded headers are believed only from the configured proxies (issue #16, item 6).

The attack: with gunicorn on every interface and X-Forwarded-For taken from any peer, a client that
reached an app server directly chose its own address for every rate limit, the per-address login
brake, axes and the audit trail. Now the header counts only when the connection comes from an
address in TRUSTED_PROXIES, and then the client is the right-most hop that is not a trusted proxy.
"""

from __future__ import annotations

import ipaddress
import runpy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from portal.models import AuditEntry, AuditEvent
from tests.portal.test_config import run_manage

ROOT = Path(__file__).resolve().parents[2]
NGINX = "10.0.0.10"
OUTSIDER = "203.0.113.9"  # reaches the app server directly, not through nginx


@pytest.fixture
def behind_nginx(settings):
    """One nginx in front, configured as the example env does; TRUSTED_PROXY_COUNT is what the
    example said before, which took the last hop from any peer (the attack)."""
    settings.TRUSTED_PROXIES = [NGINX]
    settings.TRUSTED_PROXY_COUNT = 1


def failed_login_from(client, remote: str, forwarded: str | None = None) -> str:
    """The address the audit trail records for one failed login."""
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    client.post(reverse("admin:login"), {"username": "drafter_a", "password": "wrong-password!"}, **extra)
    return AuditEntry.objects.filter(event=AuditEvent.LOGIN_FAILED).latest("at", "pk").ip_address


def test_a_client_connecting_directly_cannot_choose_its_address(client, world, behind_nginx):
    assert failed_login_from(client, OUTSIDER, forwarded="198.51.100.7") == OUTSIDER
    assert failed_login_from(client, OUTSIDER, forwarded=f"198.51.100.8, {NGINX}") == OUTSIDER


def test_a_direct_client_rotating_forged_addresses_still_meets_the_login_brake(client, world, behind_nginx, settings):
    settings.RATE_LIMITS = {"admin_login": (3, 600)}
    statuses = [client.post(reverse("admin:login"), {"username": f"user{n}", "password": "x" * 12},
                            REMOTE_ADDR=OUTSIDER, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
                for n in range(1, 5)]
    assert statuses == [200, 200, 200, 429]


def test_the_address_a_trusted_proxy_recorded_is_honoured(client, world, behind_nginx):
    assert failed_login_from(client, NGINX, forwarded="198.51.100.7") == "198.51.100.7"


def test_the_client_is_the_right_most_hop_that_is_not_a_trusted_proxy(client, world, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "172.16.5.1"]
    # The client wrote "10.0.0.99, 1.2.3.4" itself; a CDN node (172.16.5.1) and nginx appended theirs.
    chain = "10.0.0.99, 1.2.3.4, 198.51.100.7, 172.16.5.1"
    assert failed_login_from(client, NGINX, forwarded=chain) == "198.51.100.7"
    # Every hop a trusted proxy (a probe from inside): the left-most is the best that is known.
    assert failed_login_from(client, NGINX, forwarded="10.0.0.5, 172.16.5.1") == "10.0.0.5"


def test_axes_records_the_same_address_as_the_audit_trail(client, world, behind_nginx, settings):
    from axes.models import AccessAttempt

    settings.AXES_ENABLED = True
    client.post(reverse("admin:login"), {"username": "drafter_a", "password": "wrong-password!"},
                REMOTE_ADDR=OUTSIDER, HTTP_X_FORWARDED_FOR="198.51.100.7")
    client.post(reverse("admin:login"), {"username": "head_a", "password": "wrong-password!"},
                REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert dict(AccessAttempt.objects.values_list("username", "ip_address")) == {
        "drafter_a": OUTSIDER, "head_a": "198.51.100.8"}


def test_only_a_trusted_proxy_may_say_the_request_came_over_https(client, db, behind_nginx, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    direct = client.get("/guide/", REMOTE_ADDR=OUTSIDER, HTTP_X_FORWARDED_PROTO="https")
    assert direct.status_code == 301 and direct.url.startswith("https://")
    proxied = client.get("/guide/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200


@pytest.mark.parametrize(("env", "expected"), [
    ({"TRUSTED_PROXIES": "10.0.0.10, nginx.internal"}, "TRUSTED_PROXIES"),
    ({"TRUSTED_PROXIES": "10.0.0.1/24"}, "TRUSTED_PROXIES"),  # host bits set: gunicorn refuses it too
    ({"TRUSTED_PROXY_COUNT": "1"}, "TRUSTED_PROXIES"),  # the old setting is not silently ignored
    ({"DJANGO_BEHIND_PROXY": "1"}, "TRUSTED_PROXIES"),
])
def test_a_proxy_setting_the_app_cannot_use_stops_start_up_in_one_line(env, expected):
    result = run_manage("check", DJANGO_SECRET_KEY="x" * 50, **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]


def _gunicorn_settings(monkeypatch, **env) -> dict:
    for name in ("TRUSTED_PROXIES", "GUNICORN_BIND", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))


def test_gunicorn_trusts_the_same_proxies_and_listens_on_loopback_by_default(monkeypatch):
    from gunicorn.config import validate_string_to_addr_list

    configured = _gunicorn_settings(monkeypatch, TRUSTED_PROXIES="10.0.0.10, 10.0.1.0/24")
    assert validate_string_to_addr_list(configured["forwarded_allow_ips"]) == ["10.0.0.10", "10.0.1.0/24"]
    default = _gunicorn_settings(monkeypatch)
    assert default["bind"] == "127.0.0.1:8000"
    assert validate_string_to_addr_list(default["forwarded_allow_ips"]) == ["127.0.0.1", "::1"]


def _example_env() -> dict[str, str]:
    lines = (ROOT / "deploy" / "portal.env.example").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_the_example_binds_the_app_to_its_private_address_and_trusts_only_nginx():
    example = _example_env()
    host = urlsplit(f"//{example['GUNICORN_BIND']}").hostname
    assert ipaddress.ip_address(host).is_private and not ipaddress.ip_address(host).is_unspecified
    # nginx's upstream names this very address, and the proxy list is nginx alone.
    assert f"server {example['GUNICORN_BIND']} " in (ROOT / "deploy" / "nginx" / "portal.conf").read_text()
    proxies = [ipaddress.ip_network(item.strip()) for item in example["TRUSTED_PROXIES"].split(",")]
    assert all(network.num_addresses == 1 and network.is_private for network in proxies)
    assert "GUNICORN_FORWARDED_ALLOW_IPS" not in example and "TRUSTED_PROXY_COUNT" not in example

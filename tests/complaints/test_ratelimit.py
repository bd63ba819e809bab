"""portal/ratelimit.py, the limiter behind every public form: who counts as one client, windows,
settings, and the friendly 429 page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.http import HttpResponse
from django.test import RequestFactory

from portal import ratelimit

LIMIT = ratelimit.Limit("unit_test", 2, 60)


def request(remote="203.0.113.5", forwarded=None, method="POST"):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return getattr(RequestFactory(), method.lower())("/x/", **meta)


def test_without_trusted_proxies_the_connecting_address_counts(settings):
    settings.TRUSTED_PROXIES = []
    assert ratelimit.client_ip(request(forwarded="198.51.100.1")) == "203.0.113.5"


def test_behind_a_trusted_proxy_the_address_it_recorded_counts_not_what_the_client_wrote(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert ratelimit.client_ip(request(remote="10.0.0.2", forwarded="198.51.100.1")) == "198.51.100.1"
    # A client sending its own header cannot choose its address: the proxy appends the real one.
    assert ratelimit.client_ip(request(remote="10.0.0.2", forwarded="1.2.3.4, 198.51.100.1")) == "198.51.100.1"
    # Two proxies: the right-most hop that is not a trusted proxy.
    assert ratelimit.client_ip(request(remote="10.0.0.3", forwarded="1.2.3.4, 198.51.100.1, 10.0.0.2")) == \
        "198.51.100.1"


def test_a_missing_or_damaged_header_falls_back_to_the_connection(settings):
    settings.TRUSTED_PROXIES = ["203.0.113.5"]
    assert ratelimit.client_ip(request(forwarded="")) == "203.0.113.5"
    assert ratelimit.client_ip(request(forwarded="not-an-address")) == "203.0.113.5"
    assert ratelimit.client_ip(request(remote="")) == ratelimit.UNKNOWN_CLIENT


def test_ipv6_clients_count_per_64_and_mapped_ipv4_as_ipv4():
    first = ratelimit.client_ip(request(remote="2001:db8:1:2::1"))
    second = ratelimit.client_ip(request(remote="2001:db8:1:2:ffff::9"))
    assert first == second == "2001:db8:1:2::/64"
    assert ratelimit.client_ip(request(remote="::ffff:192.0.2.1")) == "192.0.2.1"


def test_counts_per_window_and_client():
    start = dt.datetime(2026, 11, 2, 10, 0, 5, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        assert ratelimit.check(request(), LIMIT) is None
        assert ratelimit.check(request(), LIMIT) is None
        wait = ratelimit.check(request(), LIMIT)
        assert wait == 55  # until the next minute
        assert ratelimit.check(request(remote="203.0.113.6"), LIMIT) is None
    with time_machine.travel(start + dt.timedelta(seconds=60), tick=False):
        assert ratelimit.check(request(), LIMIT) is None


def test_settings_change_scale_and_switch_off(settings):
    settings.RATE_LIMITS = {"unit_test": (1, 60)}
    assert ratelimit.check(request(), LIMIT) is None
    assert ratelimit.check(request(), LIMIT) is not None
    settings.RATE_LIMIT_SCALE = 3
    assert LIMIT.configured().count == 3
    settings.RATE_LIMIT_ENABLED = False
    for _ in range(5):
        assert ratelimit.check(request(), LIMIT) is None


def test_the_decorator_answers_429_with_a_friendly_page(world):
    @ratelimit.rate_limit("decorated", count=1, seconds=600)
    def view(request):
        return HttpResponse("ok")

    assert view(request()).status_code == 200
    assert view(request(method="GET")).status_code == 200  # GETs are not counted
    limited = view(request())
    assert limited.status_code == 429
    text = limited.content.decode()
    assert "提交过于频繁" in text and "分钟后再试" in text and "没有被受理" in text
    assert 1 <= int(limited["Retry-After"]) <= 600


@pytest.mark.parametrize("seconds", [30, 61, 3600])
def test_the_message_speaks_in_whole_minutes(seconds):
    assert f"{-(-seconds // 60)} 分钟" in ratelimit.wait_message(seconds)

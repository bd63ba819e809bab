"""The shared Redis cache of several app servers (issue #8): counted together, and never fatal."""

import socket

import pytest
from django.core.cache import cache
from django.test import override_settings

from applications.models import DisclosureApplication
from portal.config import cache_settings
from tests.applications.conftest import PERSON


def redis_cache(location: str) -> dict:
    return cache_settings(location)


def redis_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_the_production_cache_is_django_redis_and_ignores_outages():
    config = redis_cache("redis://127.0.0.1:6379/0")["default"]
    assert config["BACKEND"] == "django_redis.cache.RedisCache"
    assert config["OPTIONS"]["IGNORE_EXCEPTIONS"] is True


def test_with_redis_down_pages_render_and_applications_are_stored(client, world):
    """Port 9 refuses connections: the page cache misses, the rate limit lets the request through."""
    with override_settings(CACHES=redis_cache("redis://127.0.0.1:9/0")):
        assert client.get("/").status_code == 200
        assert client.get("/catalogue/").status_code == 200
        receipt = client.post("/apply/", PERSON)
        assert receipt.status_code == 200 and "申请已提交" in receipt.text
    assert DisclosureApplication.objects.count() == 1


@pytest.mark.skipif(not redis_running(), reason="no Redis on 127.0.0.1:6379")
def test_rate_limits_are_counted_in_redis_where_every_app_server_reads_them(client, world):
    """With N app servers a client's count lives in Redis, not in one server's memory."""
    from portal.ratelimit import Limit, check

    with override_settings(CACHES=redis_cache("redis://127.0.0.1:6379/15")):
        cache.clear()
        request = client.get("/").wsgi_request
        limit = Limit("shared_test", 2, 60)
        assert check(request, limit) is None
        assert check(request, limit) is None
        from django_redis import get_redis_connection

        assert any(b"shared_test" in key for key in get_redis_connection("default").keys("*"))
        assert check(request, limit) is not None
        cache.clear()

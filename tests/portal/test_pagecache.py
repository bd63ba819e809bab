"""Whole-page caching of public pages: served from the cache until the public content changes,
never to staff, and refreshed on publish, revoke and profile changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure import services
from portal.models import SiteProfile
from tests.conftest import S, drive, new_draft


def queries_for(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_a_repeated_anonymous_visit_is_served_from_the_cache(client, world):
    drive(world, new_draft(world, title="缓存测试通知"), S.PUBLISHED)
    first, text = queries_for(client, reverse("disclosure:catalogue"))
    second, cached = queries_for(client, reverse("disclosure:catalogue"))
    assert "缓存测试通知" in text
    assert cached == text
    assert second == 3 < first  # only the content version: the counter and the next scheduled times


def test_publishing_and_revoking_refresh_cached_pages(client, world):
    record = drive(world, new_draft(world, title="第一条"), S.PUBLISHED)
    assert "第一条" in client.get(reverse("disclosure:home")).text
    other = drive(world, new_draft(world, title="第二条"), S.PUBLISHED)
    assert "第二条" in client.get(reverse("disclosure:home")).text
    services.record_revoke(record=record, actor=world.disclosure, reason="撤回")
    home = client.get(reverse("disclosure:home")).text
    assert "第一条" not in home and "第二条" in home
    services.record_expire(record=other, actor=world.disclosure, reason="到期")
    assert "失效" in client.get(reverse("disclosure:record", args=[other.pk])).text


def test_agency_profile_change_refreshes_the_footer(client, world):
    assert "新地址大街" not in client.get(reverse("disclosure:guide")).text
    profile = SiteProfile.objects.get()
    profile.address = "新地址大街1号"
    profile.save()
    assert "新地址大街" in client.get(reverse("disclosure:guide")).text


def test_staff_with_a_session_never_get_a_cached_page(client, world):
    client.get(reverse("disclosure:home"))
    client.force_login(world.drafter_a)
    count, _text = queries_for(client, reverse("disclosure:home"))
    assert count > 1


@pytest.mark.parametrize("cookie", [("a11y_font", "large"), ("django_language", "en")])
def test_display_and_language_choices_are_cached_separately(client, world, cookie):
    plain = client.get(reverse("disclosure:guide")).content
    client.cookies[cookie[0]] = cookie[1]
    assert client.get(reverse("disclosure:guide")).content != plain


def test_a_cached_page_keeps_the_headers_of_a_fresh_one(client, world):
    fresh = client.get(reverse("disclosure:guide"))
    cached = client.get(reverse("disclosure:guide"))
    for header in ("X-Frame-Options", "Content-Language", "Content-Type", "Vary", "X-Content-Type-Options"):
        assert cached.get(header) == fresh.get(header), header
    assert cached.content == fresh.content


def test_only_successful_opted_in_pages_are_stored(client, world):
    from django.core.cache import cache

    def stored_pages() -> int:
        return sum(":page:" in key for key in cache._cache)  # the local-memory backend's store

    for url in ("/healthz", "/robots.txt", "/no-such-page/", "/records/999999/", "/api/categories/"):
        client.get(url)
    assert stored_pages() == 0
    client.get(reverse("disclosure:guide"))
    assert stored_pages() == 1


def test_a_scheduled_publication_appears_on_cached_pages_when_its_time_comes(client, world):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    record = drive(world, new_draft(world, title="定时发布的通知", date_formed=timezone.localdate()), S.READY)
    when = timezone.now() + dt.timedelta(hours=2)
    services.record_publish(record=record, actor=world.publisher, channels=["column"], at=when)
    assert "定时发布的通知" not in client.get(reverse("disclosure:catalogue")).text
    assert "定时发布的通知" not in client.get(reverse("disclosure:catalogue")).text  # cached
    with time_machine.travel(when + dt.timedelta(seconds=1)):
        assert "定时发布的通知" in client.get(reverse("disclosure:catalogue")).text


def test_a_cached_old_version_page_gains_its_banner_when_the_new_version_is_published(client, world):
    v1 = drive(world, new_draft(world, title="缓存的旧版本"), S.REGISTERED)
    assert "本信息已变更" not in client.get(v1.get_absolute_url()).text
    assert "本信息已变更" not in client.get(v1.get_absolute_url()).text  # now from the cache
    v2 = services.record_amend(record=v1, actor=world.drafter_a)
    drive(world, v2, S.PUBLISHED)
    page = client.get(v1.get_absolute_url()).text
    assert "本信息已变更" in page and v2.get_absolute_url() in page

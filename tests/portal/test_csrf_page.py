"""A form posted without a valid CSRF token (a tab left open for days, cookies cleared) gets a
friendly Chinese page saying what to do, not Django's English "CSRF verification failed"."""

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import DisclosureApplication

EXPIRED = "页面已过期"
WHAT_TO_DO = "请返回上一页，刷新页面后重新提交。"


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def test_an_application_posted_without_a_token_gets_the_chinese_expired_page(strict_client, world):
    response = strict_client.post(reverse("applications:apply"), {
        "applicant_type": "natural_person", "applicant_name": "王小明", "identity_document": "resident_id",
        "identity_number": "11010519491231002X", "phone": "13912345678",
        "information_title": "2025年度省级工业互联网平台认定名单", "description": "请提供认定名单。",
        "medium": "electronic", "delivery": "download",
    })
    assert response.status_code == 403
    assert response.templates[0].name == "403_csrf.html"
    text = response.content.decode()
    assert EXPIRED in text and WHAT_TO_DO in text
    assert "CSRF verification failed" not in text
    assert f'href="{reverse("applications:apply")}"' in text
    assert "测试省工业和信息化厅" in text  # the site's own header and footer, from the request context
    assert not DisclosureApplication.objects.exists()


def test_a_stale_token_gets_the_same_page(strict_client, world):
    strict_client.get(reverse("applications:track"))  # sets the CSRF cookie
    response = strict_client.post(reverse("applications:track"), {
        "csrfmiddlewaretoken": "x" * 64, "tracking_code": "SQ2026-000001", "secret": "ABCDEFGH"})
    assert response.status_code == 403
    assert EXPIRED in response.content.decode()

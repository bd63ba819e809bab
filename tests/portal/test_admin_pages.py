"""Every back-office page renders, in Chinese, for the people who may open it."""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.conftest import S, drive, new_draft


def test_every_registered_model_list_and_add_page_renders_for_the_it_admin(client, world):
    drive(world, new_draft(world), S.REGISTERED)
    client.force_login(world.admin)
    for model in admin.site._registry:
        opts = model._meta
        listing = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), follow=True)
        assert listing.status_code == 200, opts.label
        try:
            add_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        except NoReverseMatch:  # a page that is not a list of rows (the assessment dashboard)
            continue
        add = client.get(add_url)
        assert add.status_code in (200, 302, 403), opts.label


@pytest.mark.parametrize("username", ["drafter_a", "head_a", "disclosure", "leader_a", "publisher", "registrar",
                                      "supervisor", "admin", "nobody"])
def test_the_back_office_opens_on_a_work_list_in_chinese(client, world, username):
    client.force_login(world.users_by_role()[username])
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    assert "我的待办" in page.text
    assert "测试省工业和信息化厅" in page.text


def test_site_profile_is_a_single_editable_row_shown_in_the_footer(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("admin:portal_siteprofile_changelist"))
    assert response.status_code == 302 and response.url.endswith("/1/change/")
    response = client.post(reverse("admin:portal_siteprofile_change", args=[1]), {
        "name": "测试省工业和信息化厅", "uscc": "11220000013544357T", "address": "长春市测试大街1号",
        "index_number_format": "{uscc}/{year}-{seq:05d}",
    })
    assert response.status_code == 302
    assert "长春市测试大街1号" in client.get(reverse("disclosure:home")).text


def test_invalid_credit_code_is_refused_with_a_message(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("admin:portal_siteprofile_change", args=[1]), {
        "name": "x", "uscc": "11220000013544357A", "index_number_format": "{uscc}/{year}-{seq:05d}",
    })
    assert response.status_code == 200
    assert "统一社会信用代码无效" in response.text


def test_index_number_format_without_sequence_is_refused(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("admin:portal_siteprofile_change", args=[1]), {
        "name": "x", "uscc": "11220000013544357T", "index_number_format": "{uscc}/{year}",
    })
    assert response.status_code == 200
    assert "{seq}" in response.text


def test_calendar_override_in_the_back_office_recomputes_due_dates(client, world):
    """Formed 2026-12-15: due 2027-01-13 (元旦 is off by law in the fallback); 2027-01-04
    entered as a day off moves it to 2027-01-14."""
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 12, 16, 10, tzinfo=dt.UTC), tick=False):
        record = new_draft(world, date_formed=dt.date(2026, 12, 15))
        assert record.due_date == dt.date(2027, 1, 13)
        client.force_login(world.admin)
        response = client.post(reverse("admin:portal_calendarday_add"),
                               {"date": "2027-01-04", "is_workday": "", "note": "调休"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.due_date == dt.date(2027, 1, 14)


def test_health_check(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_the_security_apps_are_named_in_chinese_in_the_back_office(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("admin:index")).text
    assert "登录安全" in page and "动态口令" in page
    assert "登录尝试（锁定计数）" in client.get(reverse("admin:axes_accessattempt_changelist")).text

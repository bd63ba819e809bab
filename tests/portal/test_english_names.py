"""English pages name the agency, its offices and categories and give its office hours in
English, from fields the agency fills in the back office, with the Chinese as fallback (issue
#15, 9); what is shown carries its language (WCAG 3.1.2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from disclosure.models import CatalogueCategory
from portal.models import SiteProfile
from tests.conftest import S, drive, new_draft

AGENCY_EN = "Test Provincial Department of Industry and Information Technology"


@pytest.fixture
def english(world):
    profile = SiteProfile.objects.get()
    profile.name_en = AGENCY_EN
    profile.office_hours = "工作日 8:30—17:00"
    profile.office_hours_en = "Working days 8:30–17:00"
    profile.save()
    world.office_a.name_en = "Policy and Regulations Division"
    world.office_a.save()
    record = drive(world, new_draft(world, title="关于开展技术改造申报工作的通知"), S.PUBLISHED)
    return record


def page(client, url, language="en") -> str:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.text


def test_the_english_pages_name_the_agency_and_give_its_office_hours_in_english(client, english):
    home = page(client, "/")
    assert f'<span class="site-name" lang="en">{AGENCY_EN}</span>' in home
    assert f'<p class="footer-name" lang="en">{AGENCY_EN}</p>' in home
    assert f"<title>Home - {AGENCY_EN}</title>" in home
    assert '<dd lang="en">Working days 8:30–17:00</dd>' in home
    assert "测试省工业和信息化厅" not in home
    guide = page(client, reverse("disclosure:guide"))
    assert AGENCY_EN in guide and "工作日 8:30—17:00" not in guide
    chinese = page(client, "/", "zh-hans")
    assert '<span class="site-name" lang="zh-Hans">测试省工业和信息化厅</span>' in chinese
    assert '<dd lang="zh-Hans">工作日 8:30—17:00</dd>' in chinese


def test_office_and_category_names_in_english_and_the_chinese_where_none_is_entered(client, world, english):
    record_page = page(client, english.get_absolute_url())
    category = CatalogueCategory.objects.get(code="m5-2")  # seeded with its English name
    assert category.name_en == "Information the public needs to know widely or take part in"
    assert f'<td lang="en">{category.name_en}</td>' in record_page
    assert '<td lang="en">Policy and Regulations Division</td>' in record_page
    catalogue = page(client, reverse("disclosure:catalogue"))
    assert f'<option value="{world.office_a.pk}" lang="en">Policy and Regulations Division</option>' in catalogue
    # No English name entered: the Chinese, marked as Chinese.
    assert f'<option value="{world.office_b.pk}" lang="zh-Hans">{world.office_b.name}</option>' in catalogue
    complain = page(client, reverse("complaints:complain"))
    assert ">Policy and Regulations Division</option>" in complain


def test_the_back_office_edits_the_english_names(client, world):
    client.force_login(world.admin)
    profile_form = client.get(reverse("admin:portal_siteprofile_change", args=[1])).text
    assert 'name="name_en"' in profile_form and 'name="office_hours_en"' in profile_form
    assert 'name="name_en"' in client.get(reverse("admin:portal_office_change", args=[world.office_a.pk])).text
    category = CatalogueCategory.objects.get(code="m5-4")
    assert 'name="name_en"' in client.get(reverse("admin:disclosure_cataloguecategory_change",
                                                  args=[category.pk])).text

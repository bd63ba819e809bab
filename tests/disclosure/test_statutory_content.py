"""The statutory-content page lists what R.20 requires, mapped to the catalogue, and the
disclosure office edits it (issue 14, item 14)."""

from __future__ import annotations

import re

from django.urls import reverse

from disclosure.catalogue_seed import STATUTORY_ITEMS, seed_statutory_items
from disclosure.models import CatalogueCategory, StatutoryItem
from tests.conftest import S, as_user, drive, new_draft


def seeded():
    # The data migration seeds them; transactional tests flush, so seed again (idempotent).
    seed_statutory_items(CatalogueCategory, StatutoryItem)
    return StatutoryItem.objects.all()


def test_the_fifteen_items_of_r20_are_seeded_and_mapped_to_the_catalogue_r20(world):
    items = seeded()
    assert items.count() == 15
    budget = items.get(article="条例第二十条第（七）项")
    assert budget.name == "财政预算、决算"
    [category] = budget.categories.all()
    assert (category.code, category.parent.code) == ("r20-7", "m5-8")  # filed under M.5(8)
    assert list(items.get(article="条例第二十条第（一）项").categories.values_list("code", flat=True)) == ["m5-4"]
    assert all(item.categories.exists() for item in items)
    seed_statutory_items(CatalogueCategory, StatutoryItem)  # idempotent
    assert StatutoryItem.objects.count() == len(STATUTORY_ITEMS)


def test_the_statutory_page_lists_the_r20_items_with_their_categories_and_counts_r20(client, world):
    """Before: only M.5's eight categories under a heading that cites R.20. Now every R.20 item,
    its article, the categories it is filed under (linked) and how many entries they hold."""
    seeded()
    budget = CatalogueCategory.objects.get(code="r20-7")
    drive(world, new_draft(world, title="2026年部门预算", category=budget), S.PUBLISHED)
    page = client.get(reverse("disclosure:statutory")).text
    for article, name, _description, _codes in STATUTORY_ITEMS:
        assert article in page and name in page
    row = re.search(r"<tr>\s*<th scope=\"row\"><span lang=\"zh-Hans\">财政预算、决算</span>.*?</tr>", page, re.S).group(0)
    assert f'href="{budget.get_absolute_url()}"' in row
    assert '<td class="num">1</td>' in row
    listing = client.get(budget.get_absolute_url()).text
    assert "2026年部门预算" in listing


def test_the_disclosure_office_edits_an_item_and_its_mapping_r20(client, world):
    seeded()
    item = StatutoryItem.objects.get(article="条例第二十条第（十）项")
    change = reverse("admin:disclosure_statutoryitem_change", args=[item.pk])
    assert as_user(client, "drafter_a").get(change).status_code == 403
    as_user(client, "gkb")
    assert client.get(reverse("admin:disclosure_statutoryitem_changelist")).status_code == 200
    plans = CatalogueCategory.objects.get(code="m5-7")
    response = client.post(change, {
        "article": item.article, "name": "重大建设项目批准和实施", "description": "本机关审批的重大建设项目。",
        "categories": [plans.pk], "sort_order": item.sort_order, "is_active": "on",
    })
    assert response.status_code == 302
    item.refresh_from_db()
    assert list(item.categories.all()) == [plans]
    client.logout()
    page = client.get(reverse("disclosure:statutory")).text  # the cached page follows the change
    assert "重大建设项目批准和实施" in page

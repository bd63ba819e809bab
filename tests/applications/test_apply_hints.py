"""Hints on the application form (issue #18): the 先看看是否已公开 step without JavaScript keeps
what was typed and shows what is already public; applications avoided are counted anonymously."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from applications.models import DisclosureApplication
from disclosure.demand_models import HintCounter
from disclosure.models import CatalogueEntry
from tests.applications.test_public_apply import APPLY, PERSON, form_key, submit
from tests.conftest import S, drive, load_world, new_draft, rows_for_the_module

TITLE = "2025年度省级工业互联网平台名单"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(scope="module")
def published_pk(django_db_setup, django_db_blocker):
    with rows_for_the_module(django_db_blocker) as unblocked:
        with unblocked():
            world = load_world()
            pk = drive(world, new_draft(world, title="关于公布2025年度省级工业互联网平台名单的通告"), S.PUBLISHED).pk
        yield pk


@pytest.fixture
def entry(world, published_pk):
    return CatalogueEntry.objects.get(record_id=published_pk)


def test_the_hint_step_keeps_what_was_typed_and_shows_what_is_public(client, entry):
    data = {**PERSON, "idempotency_key": form_key(client), "hints_step": "1", "purpose": "科研"}
    page = client.post(APPLY, data)
    assert page.status_code == 200
    text = page.text
    assert "以下信息已经公开" in text and entry.title in text
    assert reverse("applications:apply_hint_follow", args=[entry.pk]) in text
    for typed in (PERSON["applicant_name"], PERSON["identity_number"], PERSON["phone"], PERSON["email"],
                  PERSON["description"], "科研", data["idempotency_key"]):
        assert typed in text
    assert re.search(r'<input type="radio" name="applicant_type" value="natural_person"[^>]*checked', text)
    assert re.search(r'<input type="radio" name="delivery" value="download"[^>]*checked', text)
    assert "field-error" not in text  # the step checks nothing yet
    assert not DisclosureApplication.objects.exists()  # and stores nothing


def test_the_hint_step_says_so_when_nothing_is_public(client, world):
    page = client.post(APPLY, {**PERSON, "information_title": "某县2019年防汛物资采购合同",
                               "description": "请提供某县2019年防汛物资采购合同。", "hints_step": "1"})
    assert "没有找到相似的已公开信息" in page.text
    assert not DisclosureApplication.objects.exists()


def test_the_form_offers_the_hint_step_and_the_script_without_inline_code(client, world):
    text = client.get(APPLY).text
    assert 'name="hints_step"' in text and "先看看是否已公开" in text
    assert "js/apply-hints.js" in text and reverse("applications:apply_hints") in text
    assert "<script>" not in text


def test_a_visitor_who_follows_a_hint_and_does_not_apply_is_an_application_avoided(client, entry):
    follow = reverse("applications:apply_hint_follow", args=[entry.pk])
    assert client.get(follow)["Location"] == reverse("disclosure:record", args=[entry.record_id])
    client.get(follow)  # the same visitor again: counted once
    counter = HintCounter.objects.get()
    assert (counter.followed, counter.submitted_after_following, counter.avoided) == (1, 0, 1)


@pytest.mark.parametrize("headers", [{"HTTP_SEC_PURPOSE": "prefetch"}, {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
                                     {"HTTP_PURPOSE": "prefetch"}, {"HTTP_X_MOZ": "prefetch"},
                                     {"HTTP_X_PURPOSE": "preview"}])
def test_a_prefetch_or_preview_of_a_hint_is_not_a_hint_followed(client, entry, headers):
    follow = reverse("applications:apply_hint_follow", args=[entry.pk])
    response = client.get(follow, **headers)
    assert response["Location"] == reverse("disclosure:record", args=[entry.record_id])  # still works
    assert client.head(follow)["Location"] == response["Location"]  # a link checker neither
    assert not HintCounter.objects.exists()
    client.get(follow)  # the visitor's own click afterwards is counted
    assert HintCounter.objects.get().followed == 1


def test_a_visitor_who_follows_a_hint_and_applies_anyway_is_not_avoided(client, entry):
    client.get(reverse("applications:apply_hint_follow", args=[entry.pk]))
    page = submit(client, PERSON)
    assert "receipt-code" in page.text
    counter = HintCounter.objects.get()
    assert (counter.followed, counter.submitted_after_following, counter.avoided) == (1, 1, 0)
    submit(client, PERSON)  # a second application in the same visit is not counted again
    assert HintCounter.objects.get().submitted_after_following == 1


def test_an_application_without_a_hint_followed_changes_no_counter(client, world):
    assert "receipt-code" in submit(client, PERSON).text
    assert not HintCounter.objects.exists()


def test_the_counters_hold_no_person(client, entry):
    client.get(reverse("applications:apply_hint_follow", args=[entry.pk]), REMOTE_ADDR="203.0.113.9")
    fields = {f.attname for f in HintCounter._meta.concrete_fields}
    assert fields == {"id", "day", "shown", "followed", "submitted_after_following"}

"""A publication renews only the pages it changes (issue #22): every list, and the pages of the
records that show the published one — never a stale record page, and the other record pages
stay stored.

Each test first makes sure the page is served from the cache (a stored page costs the key's
few queries), so that a page renewed afterwards was really renewed, not merely never stored."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure import comment_services, interpretation_services, services
from disclosure.comment_models import CommentChannel, DecisionKind
from disclosure.models import CatalogueCategory, DocumentType, Record
from portal.models import Office
from tests.conftest import S, drive, new_draft
from tests.timing import at

HIT = 3  # a stored page: its stamp and the structure counter (one query), the two scheduled times


def _visit(client, record_or_url) -> tuple[int, str]:
    url = record_or_url if isinstance(record_or_url, str) else record_or_url.get_absolute_url()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.text


def _stored(client, *pages) -> None:
    """Render each page, then check the next visit is served from the cache."""
    for page in pages:
        _visit(client, page)
        assert _visit(client, page)[0] <= HIT, page


def _fresh(record) -> Record:
    return Record.objects.get(pk=record.pk)


def test_a_publication_keeps_the_other_record_pages_and_renews_the_lists(client, world):
    kept = drive(world, new_draft(world, title="早已发布的通知"), S.PUBLISHED)
    _stored(client, kept, reverse("disclosure:home"), reverse("disclosure:catalogue"))
    _stored(client, reverse("disclosure:search") + "?q=通知")  # (the feeds are not stored at all)
    new = drive(world, new_draft(world, title="今天发布的新通知"), S.PUBLISHED)
    assert _visit(client, kept)[0] <= HIT  # still stored
    for url in (reverse("disclosure:home"), reverse("disclosure:catalogue"),
                reverse("disclosure:search") + "?q=通知", reverse("disclosure:feed_rss")):
        assert new.get_absolute_url() in client.get(url).text, url


def test_a_new_version_renews_the_pages_of_every_earlier_version(client, world):
    v1 = drive(world, new_draft(world, title="第一版"), S.REGISTERED)
    v2 = drive(world, services.record_amend(record=v1, actor=world.drafter_a), S.REGISTERED)
    _stored(client, v1, v2)
    v3 = drive(world, services.record_amend(record=_fresh(v2), actor=world.drafter_a), S.PUBLISHED)
    for old in (v1, v2):
        assert v3.get_absolute_url() in _visit(client, old)[1], old


def _policy(world, title="关于印发《某某管理办法》的通知"):
    return new_draft(world, title=title, document_type=DocumentType.NORMATIVE, document_number="吉工信规〔2026〕3号")


def test_a_published_interpretation_appears_on_the_cached_pages_of_every_version_of_its_policy(client, world):
    policy = drive(world, _policy(world), S.PUBLISHED)
    later = drive(world, services.record_amend(record=policy, actor=world.drafter_a), S.PUBLISHED)
    reading = new_draft(world, title="《某某管理办法》政策解读")
    interpretation_services.interpretation_link(interpretation=reading, policy=_fresh(later), actor=world.drafter_a)
    _stored(client, policy, later)
    drive(world, reading, S.PUBLISHED)
    assert reading.get_absolute_url() in _visit(client, later)[1]


def test_an_ended_interpretation_leaves_the_cached_page_of_its_other_policy(client, world):
    first = drive(world, _policy(world), S.PUBLISHED)
    reading = new_draft(world, title="两份文件的政策解读")
    interpretation_services.interpretation_link(interpretation=reading, policy=first, actor=world.drafter_a)
    reading = drive(world, reading, S.PUBLISHED)
    second = drive(world, _policy(world, title="配套实施细则"), S.PUBLISHED)
    # a new version of the interpretation explains both; revoking it ends it on both pages
    draft = services.record_amend(record=_fresh(reading), actor=world.drafter_a)
    interpretation_services.interpretation_link(interpretation=draft, policy=second, actor=world.drafter_a)
    draft = drive(world, draft, S.PUBLISHED)
    _stored(client, second)
    assert draft.get_absolute_url() in _visit(client, second)[1]
    services.record_revoke(record=_fresh(draft), actor=world.disclosure, reason="解读有误")
    assert draft.get_absolute_url() not in _visit(client, second)[1]


def test_a_repealed_documents_cached_page_names_the_new_version_of_its_replacement(client, world):
    old = drive(world, new_draft(world, title="旧办法", date_formed=dt.date(2020, 1, 1)), S.REGISTERED)
    new = drive(world, new_draft(world, title="新办法"), S.REGISTERED)
    services.record_repeal(record=old, actor=world.disclosure, reason="被新办法替代", replaced_by=new)
    _stored(client, old)
    newer = drive(world, services.record_amend(record=_fresh(new), actor=world.drafter_a), S.PUBLISHED)
    assert newer.get_absolute_url() in _visit(client, old)[1]


def test_the_final_documents_cached_page_links_the_call_for_comments_and_then_its_report(client, world):
    monday = dt.date(2026, 11, 2)
    with at(monday, 9):
        period = comment_services.comment_period_open(
            actor=world.drafter_a, office=world.office_a, category=world.category, title="关于《某某办法（征求意见稿）》的公告",
            draft_text="<p>第一条</p>", decision_kind=DecisionKind.NORMATIVE, start_date=monday,
            end_date=dt.date(2026, 11, 12), contact="政策法规处", channels=[CommentChannel.ONLINE])
        drive(world, period.record, S.PUBLISHED)
    with at(dt.date(2026, 11, 13), 9):
        final = drive(world, new_draft(world, title="某某办法"), S.PUBLISHED)
        _stored(client, final)
        comment_services.comment_period_link_final(period=period, actor=world.drafter_a, final_record=final)
        assert period.get_absolute_url() in _visit(client, final)[1]
        report = comment_services.comment_period_draft_report(period=period, actor=world.drafter_a)
        _stored(client, final)
        report = drive(world, report, S.PUBLISHED)
        assert report.get_absolute_url() in _visit(client, final)[1]


def test_renaming_an_office_or_a_category_renews_every_record_page(client, world):
    record = drive(world, new_draft(world, title="某通知"), S.PUBLISHED)
    _stored(client, record)
    Office.objects.filter(pk=record.office_id).update(name="改名后的处室")
    office = Office.objects.get(pk=record.office_id)
    office.save()  # the signal a change in the back office sends
    assert "改名后的处室" in _visit(client, record)[1]
    _stored(client, record)
    category = CatalogueCategory.objects.get(pk=record.category_id)
    category.name = "改名后的分类"
    category.save()
    assert "改名后的分类" in _visit(client, record)[1]


def test_the_filters_offer_a_new_office_and_a_renamed_category_at_once_and_are_not_read_on_every_page(client, world):
    """The category and office filters of the catalogue and the search are read once per content
    version (selectors.filter_choices): saving an office or a category shows in them on the next
    page, and until then no page reads those tables again."""
    catalogue, search_page = reverse("disclosure:catalogue"), reverse("disclosure:search")
    client.get(catalogue, {"fresh": "1"})
    for url in (catalogue, search_page):
        with CaptureQueriesContext(connection) as queries:
            client.get(url, {"q": "通知", "fresh": "2"})
        read = [q["sql"] for q in queries if 'FROM "portal_office"' in q["sql"]
                or 'FROM "disclosure_cataloguecategory"' in q["sql"]]
        assert not read, (url, read)
    Office.objects.create(name="新设立的处室", sort_order=99)
    category = CatalogueCategory.objects.get(pk=world.category.pk)
    category.name = "改名后的分类"
    category.save()
    for url in (catalogue, search_page):
        page = client.get(url, {"q": "通知", "fresh": "3"}).text
        assert re.search(r"<option value=\"\d+\"[^>]*>新设立的处室</option>", page), url
        assert re.search(rf"<option value=\"{category.code}\"[^>]*>(— )?改名后的分类</option>", page), url


def _selected(page: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"[^>]*\sselected>', page)


def test_the_kept_filter_fields_show_each_visitors_choice_language_and_a_renamed_category(client, world, settings):
    """The filter fields are kept per process ({% memo %}, issue #22). Production serves the kept
    fragment as it is (the test settings render it again and compare): each visitor still sees
    their own choice selected, in their language, and a category renamed in the back office."""
    from django.conf import settings as django_settings

    settings.PORTAL_TEMPLATE_MEMO_CHECK = False
    code, office = world.category.code, str(world.office_a.pk)
    for n, url in enumerate((reverse("disclosure:catalogue"), reverse("disclosure:search"))):
        query = {"q": "通知"} if "search" in url else {}
        assert _selected(client.get(url, {**query, "fresh": f"{n}a"}).text) == []
        chosen = client.get(url, {**query, "category": code, "office": office, "fresh": f"{n}b"}).text
        assert _selected(chosen) == [code, office]
        assert _selected(client.get(url, {**query, "category": code, "fresh": f"{n}c"}).text) == [code]
        assert _selected(client.get(url, {**query, "fresh": f"{n}d"}).text) == []

    # An office renamed that nobody chose: the fields' key is what the lists hold, not the choice.
    catalogue, other = reverse("disclosure:catalogue"), Office.objects.get(pk=world.office_b.pk)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    other.name_en = "Old English name"
    other.save()
    assert f'<option value="{other.pk}" lang="en">Old English name</option>' in client.get(catalogue, {"fresh": "e"}).text
    other.name_en = "Renamed office"
    other.save()
    english = client.get(catalogue, {"fresh": "f"}).text  # the same choice (none) as before the rename
    assert f'<option value="{other.pk}" lang="en">Renamed office</option>' in english
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(catalogue, {"fresh": "g"}).text
    assert "Renamed office" not in chinese and f'<option value="{other.pk}" lang="zh-Hans">{other.name}</option>' in chinese

"""Feeds, sitemap and the open data API: only published information leaves through them
(条例第二十条: 主动公开 through the column; 依申请公开 entries without their content)."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disclosure import services
from disclosure.models import CatalogueCategory, CatalogueEntry, Channel, DisclosureAttribute, DocumentType
from tests.conftest import S, column_in_every_state, drive, new_draft

HIDDEN_MARK = "未公开秘"
FEEDS = [
    ("disclosure:feed_rss", []),
    ("disclosure:feed_atom", []),
    ("disclosure:category_feed_rss", ["m5-2"]),
    ("disclosure:category_feed_atom", ["m5-2"]),
]


def _attach(world, record, name: str) -> None:
    services.attachment_add(record=record, actor=world.drafter_a if record.office == world.office_a
                            else world.drafter_b, upload=SimpleUploadedFile(name, b"%PDF-1.4 x"))


def _publish(world, title: str, **fields):
    return drive(world, new_draft(world, title=title, **fields), S.PUBLISHED)


def _build_column(world) -> dict:
    hidden = {}
    for state in (S.DRAFT, S.DIVISION_REVIEW, S.CONFIDENTIALITY_REVIEW, S.READY, S.WITHHELD):
        title = f"{HIDDEN_MARK}{state}"
        record = new_draft(world, title=title, body=f"<p>{title}正文</p>")
        _attach(world, record, f"{state}.pdf")
        hidden[title] = drive(world, record, state)
    signoff = drive(world, new_draft(world, title=f"{HIDDEN_MARK}签发", is_important=True), S.LEADER_SIGNOFF)
    hidden[signoff.title] = signoff
    scheduled = drive(world, new_draft(world, title=f"{HIDDEN_MARK}定时", date_formed=timezone.localdate()), S.READY)
    hidden[scheduled.title] = services.record_publish(
        record=scheduled, actor=world.publisher, channels=[Channel.COLUMN], at=timezone.now() + dt.timedelta(days=3))
    revoked = drive(world, new_draft(world, title=f"{HIDDEN_MARK}撤销", body="<p>撤销正文</p>"), S.REVOKED)
    hidden[revoked.title] = revoked

    published = new_draft(world, title="已公开秘通知", body="<p>公开正文秘</p>")
    _attach(world, published, "公开附件.pdf")
    published = drive(world, published, S.REGISTERED)
    on_request = new_draft(world, title="依申请秘清单", body="<p>不在网上公开的正文</p>",
                           summary="依申请公开的目录概述", attribute=DisclosureAttribute.ON_REQUEST)
    _attach(world, on_request, "依申请附件.pdf")
    on_request = drive(world, on_request, S.PUBLISHED)
    return {"hidden": hidden, "published": published, "on_request": on_request}


# One record in every state that must stay out of sight, a revoked one, a published proactive
# record with an attachment and a published 依申请公开 entry, built once for the module's tests
# (issue #17: it was most of each test's time).
column_module_rows, column = column_in_every_state(_build_column, "feeds-media")


def _get_json(client, url: str, params: dict | None = None, status: int = 200):
    response = client.get(url, params or {})
    assert response.status_code == status, (url, params, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def _results(client, name: str, params: dict | None = None) -> list[dict]:
    return _get_json(client, reverse(name), params)["results"]


def _ids(data) -> set[int]:
    """Every integer that names a record or an entry anywhere in an API answer."""
    found = set()
    keys = {"id", "previous_version", "superseded_by", "record_id"}
    if isinstance(data, dict):
        for key, value in data.items():
            if key in keys and isinstance(value, int):
                found.add(value)
            else:
                found |= _ids(value)
    elif isinstance(data, list):
        for value in data:
            found |= _ids(value)
    return found


def _public_texts(client, column) -> dict[str, str]:
    """Every feed, the sitemap and every API answer, as text."""
    texts = {}
    for name, args in FEEDS:
        texts[name] = client.get(reverse(name, args=args)).content.decode()
    texts["sitemap"] = client.get(reverse("sitemap")).content.decode()
    for path in _sitemap_pages(client):
        texts[f"sitemap {path}"] = client.get(path).content.decode()
    for name in ("api:record-list", "api:catalogue-list", "api:category-list"):
        texts[name] = client.get(reverse(name)).content.decode()
    for record in (column["published"], column["on_request"]):
        texts[f"record {record.pk}"] = client.get(reverse("api:record-detail", args=[record.pk])).content.decode()
        entry = record.catalogue_entry
        texts[f"entry {entry.pk}"] = client.get(reverse("api:catalogue-detail", args=[entry.pk])).content.decode()
    return texts


# --- Nothing unpublished leaves -------------------------------------------------------------


def test_no_unpublished_withheld_scheduled_or_revoked_record_appears_in_feeds_sitemap_or_api(client, column):
    hidden = column["hidden"].values()
    hidden_entries = CatalogueEntry.objects.filter(record__in=hidden)
    assert hidden_entries.count() == 2  # the scheduled and the revoked ones have catalogue lines
    for where, text in _public_texts(client, column).items():
        assert HIDDEN_MARK not in text, where
        for record in hidden:
            assert reverse("disclosure:record", args=[record.pk]) not in text, (where, record.title)
        for entry in hidden_entries:
            assert entry.index_number not in text, (where, entry.title)
            assert json.dumps(entry.index_number)[1:-1] not in text, (where, entry.title)
    hidden_ids = {record.pk for record in hidden}
    assert not _ids(_results(client, "api:record-list")) & hidden_ids
    entries = _results(client, "api:catalogue-list")
    assert not {entry["record_id"] for entry in entries} & hidden_ids
    assert not {entry["id"] for entry in entries} & {entry.pk for entry in hidden_entries}


def test_published_records_appear_in_every_feed_and_api_list(client, column):
    texts = _public_texts(client, column)
    for name, _args in FEEDS:
        assert "已公开秘通知" in texts[name] and "依申请秘清单" in texts[name]
    for name in ("api:record-list", "api:catalogue-list"):
        assert {item["title"] for item in _results(client, name)} == {"已公开秘通知", "依申请秘清单"}


def test_unpublished_ids_are_json_404_in_the_api(client, column):
    for record in column["hidden"].values():
        _get_json(client, reverse("api:record-detail", args=[record.pk]), status=404)
    for entry in CatalogueEntry.objects.filter(record__in=column["hidden"].values()):
        _get_json(client, reverse("api:catalogue-detail", args=[entry.pk]), status=404)
        _get_json(client, reverse("api:catalogue-detail", args=[entry.index_number]), status=404)


def test_a_revocation_takes_every_earlier_version_out_and_an_open_amendment_stays_out(client, world, column):
    """M.14: revoking the current version withdraws the information, the versions it replaced
    included; an amendment begun before a revocation is refused at publication."""
    from portal.errors import StateConflict

    # Case 1: v1 published, amended, v2 published, v2 revoked.
    v1 = _publish(world, f"{HIDDEN_MARK}链一", body="<p>旧版正文链</p>")
    v2 = services.record_amend(record=v1, actor=world.drafter_a)
    v2.title = f"{HIDDEN_MARK}链二"
    services.record_save_draft(record=v2, actor=world.drafter_a)
    v2 = services.record_revoke(record=drive(world, v2, S.PUBLISHED), actor=world.disclosure, reason="撤销")
    # Case 2: v1 revoked while its amendment is open; the amendment is never published.
    w1 = _publish(world, f"{HIDDEN_MARK}另一", body="<p>另一正文链</p>")
    w2 = drive(world, services.record_amend(record=w1, actor=world.drafter_a), S.READY)
    services.record_revoke(record=w1, actor=world.disclosure, reason="撤销")
    with pytest.raises(StateConflict, match="上一版本已撤销"):
        services.record_publish(record=w2, actor=world.publisher, channels=[Channel.COLUMN])

    withdrawn = [v1, v2, w1, w2]
    entries = CatalogueEntry.objects.filter(record__in=withdrawn)
    assert entries.count() == 3
    for where, text in _public_texts(client, column).items():
        assert HIDDEN_MARK not in text, where
        for record in withdrawn:
            assert reverse("disclosure:record", args=[record.pk]) not in text, (where, record.pk)
        for entry in entries:
            assert entry.index_number not in text, (where, entry.index_number)
    assert not _ids(_results(client, "api:record-list")) & {r.pk for r in withdrawn}
    for record in withdrawn:
        _get_json(client, reverse("api:record-detail", args=[record.pk]), status=404)
    for entry in entries:
        _get_json(client, reverse("api:catalogue-detail", args=[entry.pk]), status=404)
    # The old pages keep only the notice of the revocation (M.14), not the body.
    for record, body in ((v1, "旧版正文链"), (w1, "另一正文链")):
        page = client.get(reverse("disclosure:record", args=[record.pk]))
        assert page.status_code == 200 and body not in page.content.decode()
    assert client.get(reverse("disclosure:record", args=[w2.pk])).status_code == 404
    search = client.get(reverse("disclosure:search"), {"q": "正文链"}).content.decode()
    assert "旧版正文链" not in search and "另一正文链" not in search and HIDDEN_MARK not in search


# --- Feeds ----------------------------------------------------------------------------------


def test_rss_feed_lists_new_releases_with_their_record_pages(client, column):
    published = column["published"]
    response = client.get(reverse("disclosure:feed_rss"))
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert "测试省工业和信息化厅" in channel.findtext("title")
    items = {item.findtext("title"): item for item in channel.findall("item")}
    item = items["已公开秘通知"]
    assert item.findtext("link") == f"http://testserver/records/{published.pk}/"
    assert item.findtext("guid") == published.index_number
    assert item.find("guid").get("isPermaLink") == "false"
    assert item.findtext("category") == published.category.name
    assert item.findtext("description") == "公开正文秘"  # no summary: a plain-text excerpt
    assert item.findtext("pubDate")
    assert list(items) == ["依申请秘清单", "已公开秘通知"]  # newest first


def test_atom_feed_is_atom_with_record_urls_as_ids(client, column):
    published = column["published"]
    response = client.get(reverse("disclosure:feed_atom"))
    assert response["Content-Type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(response.content)
    assert "测试省工业和信息化厅" in feed.findtext("a:title", namespaces=ns)
    entries = {e.findtext("a:title", namespaces=ns): e for e in feed.findall("a:entry", ns)}
    entry = entries["已公开秘通知"]
    url = f"http://testserver/records/{published.pk}/"
    assert entry.find("a:link", ns).get("href") == url
    assert entry.findtext("a:id", namespaces=ns) == url
    assert entry.find("a:category", ns).get("term") == published.category.name


def test_category_feeds_hold_their_category_and_its_subcategories_only(client, world, column):
    parent = CatalogueCategory.objects.get(code="m5-2")
    child = CatalogueCategory.objects.create(code="m5-2-1", name="征求意见", parent=parent)
    _publish(world, "子分类秘文件", category=child)
    _publish(world, "统计数据秘文件", category=CatalogueCategory.objects.get(code="m5-7"))
    for name in ("disclosure:category_feed_rss", "disclosure:category_feed_atom"):
        m5_2 = client.get(reverse(name, args=["m5-2"])).content.decode()
        assert "已公开秘通知" in m5_2 and "子分类秘文件" in m5_2
        assert "统计数据秘文件" not in m5_2
        assert "需要社会公众广泛知晓或者参与的信息" in m5_2
        m5_7 = client.get(reverse(name, args=["m5-7"])).content.decode()
        assert "统计数据秘文件" in m5_7 and "已公开秘通知" not in m5_7


@pytest.mark.parametrize("name", ["disclosure:category_feed_rss", "disclosure:category_feed_atom"])
def test_unknown_or_inactive_category_feed_is_404(client, world, name):
    CatalogueCategory.objects.filter(code="m5-8").update(is_active=False)
    assert client.get(reverse(name, args=["no-such-category"])).status_code == 404
    assert client.get(reverse(name, args=["m5-8"])).status_code == 404


# --- 依申请公开: listed, never with content -----------------------------------------------------


def test_on_request_entries_carry_no_body_or_attachments_in_feeds_or_api(client, column):
    record = column["on_request"]
    attachment = record.attachments.get()
    for name, args in FEEDS:
        text = client.get(reverse(name, args=args)).content.decode()
        assert "依申请秘清单" in text and "依申请公开的目录概述" in text
        assert "不在网上公开的正文" not in text
    detail = _get_json(client, reverse("api:record-detail", args=[record.pk]))
    assert detail["attribute"] == "on_request"
    assert detail["body"] is None
    assert detail["attachments"] == []
    listed = {item["id"]: item for item in _results(client, "api:record-list", {"fields": "id,body,attachments"})}
    assert listed[record.pk] == {"id": record.pk, "body": None, "attachments": []}
    for text in _public_texts(client, column).values():
        assert "不在网上公开的正文" not in text
        assert reverse("disclosure:attachment", args=[attachment.pk]) not in text


def test_on_request_entry_without_summary_gets_no_excerpt_of_its_body(client, world, column):
    _publish(world, "依申请无概述秘", body="<p>依申请正文不可外泄</p>", attribute=DisclosureAttribute.ON_REQUEST)
    for name, args in FEEDS:
        text = client.get(reverse(name, args=args)).content.decode()
        assert "依申请无概述秘" in text and "依申请正文不可外泄" not in text


def test_proactive_record_in_the_api_has_body_attachments_and_public_urls(client, column):
    record = column["published"]
    attachment = record.attachments.get()
    detail = _get_json(client, reverse("api:record-detail", args=[record.pk]))
    assert detail["index_number"] == record.index_number
    assert detail["office"] == "政策法规处" and detail["office_id"] == record.office_id
    assert detail["category"] == {"code": "m5-2", "name": "需要社会公众广泛知晓或者参与的信息"}
    assert detail["url"] == f"http://testserver/records/{record.pk}/"
    assert detail["body"] == "<p>公开正文秘</p>"
    assert detail["attachments"] == [{
        "title": "公开附件", "name": "公开附件.pdf", "size": attachment.size, "content_type": "application/pdf",
        "url": f"http://testserver{reverse('disclosure:attachment', args=[attachment.pk])}",
    }]
    assert detail["previous_version"] is None and detail["superseded_by"] is None
    assert client.get(detail["attachments"][0]["url"]).status_code == 200


def test_catalogue_entry_by_index_number_or_id(client, column):
    entry = column["published"].catalogue_entry
    assert "/" in entry.index_number
    by_index = _get_json(client, reverse("api:catalogue-detail", args=[entry.index_number]))
    by_id = _get_json(client, reverse("api:catalogue-detail", args=[entry.pk]))
    assert by_index == by_id
    assert by_id["index_number"] == entry.index_number
    assert by_id["record_url"] == f"http://testserver/records/{entry.record_id}/"
    assert by_id["category"]["code"] == "m5-2"
    assert "body" not in by_id


# --- Versions (M.14) ------------------------------------------------------------------------


def test_amended_record_shows_the_new_version_with_its_previous_version(client, world, column):
    v1 = column["published"]
    v2 = services.record_amend(record=v1, actor=world.drafter_a)
    v2.title = "已公开秘通知（修订）"
    services.record_save_draft(record=v2, actor=world.drafter_a)
    v2 = drive(world, v2, S.PUBLISHED)
    records = {item["id"]: item for item in _results(client, "api:record-list")}
    assert records[v2.pk]["previous_version"] == v1.pk
    assert records[v2.pk]["title"] == "已公开秘通知（修订）"
    assert records[v1.pk]["superseded_by"] == v2.pk
    catalogue = {item["index_number"] for item in _results(client, "api:catalogue-list")}
    assert v2.index_number in catalogue and v1.index_number not in catalogue
    feed = client.get(reverse("disclosure:feed_rss")).content.decode()
    assert "已公开秘通知（修订）" in feed and v1.index_number not in feed


def test_a_scheduled_new_version_is_not_linked_before_it_is_published(client, world, column):
    v1 = column["published"]
    v2 = drive(world, services.record_amend(record=v1, actor=world.drafter_a), S.READY)
    services.record_publish(record=v2, actor=world.publisher, channels=[Channel.COLUMN],
                            at=timezone.now() + dt.timedelta(days=2))
    detail = _get_json(client, reverse("api:record-detail", args=[v1.pk]))
    assert detail["superseded_by"] is None
    _get_json(client, reverse("api:record-detail", args=[v2.pk]), status=404)
    assert v2.pk not in _ids(_results(client, "api:record-list"))


# --- Filters, pagination, bad input ---------------------------------------------------------


@pytest.mark.parametrize("name", ["api:record-list", "api:catalogue-list"])
def test_filters_by_category_office_year_attribute_and_dates(client, world, column, name):
    _publish(world, "装备秘文件", office=world.office_b, category=CatalogueCategory.objects.get(code="m5-7"),
             document_type=DocumentType.NORMATIVE)
    today = timezone.localdate()

    def titles(**params):
        return {item["title"] for item in _results(client, name, params)}

    everything = {"已公开秘通知", "依申请秘清单", "装备秘文件"}
    assert titles() == everything
    assert titles(category="m5-2") == {"已公开秘通知", "依申请秘清单"}
    assert titles(category="m5-7") == {"装备秘文件"}
    assert titles(office=world.office_b.pk) == {"装备秘文件"}
    assert titles(office=world.office_a.pk, attribute="on_request") == {"依申请秘清单"}
    assert titles(year=today.year) == everything
    assert titles(year=today.year - 1) == set()
    assert titles(document_type="normative") == {"装备秘文件"}
    assert titles(validity="repealed") == set()
    assert titles(published_after=today.isoformat(), published_before=today.isoformat()) == everything
    assert titles(published_after=(today + dt.timedelta(days=1)).isoformat()) == set()


@pytest.mark.parametrize("name", ["api:record-list", "api:catalogue-list"])
@pytest.mark.parametrize(("params", "status"), [
    ({"year": "abc"}, 400),
    ({"year": "99999"}, 400),
    ({"year": "2026.5"}, 400),
    ({"office": "abc"}, 400),
    ({"office": "99999999999999999999"}, 400),
    ({"category": "no-such-category"}, 400),
    ({"attribute": "secret"}, 400),
    ({"published_after": "2026-13-45"}, 400),
    ({"page": "999999"}, 404),
    ({"page": "abc"}, 404),
    ({"page": "0"}, 404),
    ({"page_size": "abc"}, 200),
    ({"page_size": "-5"}, 200),
    ({"page_size": "100000"}, 200),
])
def test_bad_filter_values_are_json_400_or_404_never_500(client, column, name, params, status):
    _get_json(client, reverse(name), params, status=status)


@pytest.mark.parametrize("path", [
    "/api/records/abc/", "/api/records/99999999999999999999/", "/api/records/-1/",
    "/api/catalogue/no-such-index/", "/api/catalogue/99999999999999999999/", "/api/catalogue/a/b/c/",
    "/api/categories/no-such-category/",
])
def test_bad_detail_ids_are_json_404(client, column, path):
    _get_json(client, path, status=404)


def test_pagination_20_by_default_page_size_up_to_100(client, column):
    data = _get_json(client, reverse("api:record-list"), {"page_size": 1})
    assert data["count"] == 2 and len(data["results"]) == 1 and data["next"]
    second = _get_json(client, data["next"])
    assert [r["title"] for r in data["results"] + second["results"]] == ["依申请秘清单", "已公开秘通知"]


def test_the_api_is_read_only_and_anonymous(client, world, column):
    url = reverse("api:record-list")
    for method in (client.post, client.put, client.patch, client.delete):
        assert method(url, {}, content_type="application/json").status_code == 405
    assert client.delete(reverse("api:record-detail", args=[column["published"].pk])).status_code == 405
    client.force_login(world.admin)
    assert {item["title"] for item in _results(client, "api:record-list")} == {"已公开秘通知", "依申请秘清单"}


def test_categories_lists_active_categories_with_parent_and_legal_basis(client, world):
    parent = CatalogueCategory.objects.get(code="m5-2")
    CatalogueCategory.objects.create(code="m5-2-1", name="征求意见", parent=parent)
    CatalogueCategory.objects.filter(code="m5-8").update(is_active=False)
    data = _get_json(client, reverse("api:category-list"))
    by_code = {item["code"]: item for item in data}
    assert "m5-8" not in by_code
    assert by_code["m5-1"] == {"code": "m5-1", "name": "涉及公民、法人或者其他组织切身利益的信息", "parent": None,
                               "legal_basis": "实施办法第五条第（一）项"}
    assert by_code["m5-2-1"]["parent"] == "m5-2"
    assert _get_json(client, reverse("api:category-detail", args=["m5-2-1"]))["name"] == "征求意见"


# --- Sitemap and robots.txt -----------------------------------------------------------------


SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _sitemap_pages(client) -> list[str]:
    """The paths of every page the sitemap index lists."""
    index = ET.fromstring(client.get(reverse("sitemap")).content)
    return [loc.text.removeprefix("http://testserver") for loc in index.findall("s:sitemap/s:loc", SITEMAP_NS)]


def test_sitemap_lists_the_column_pages_and_published_records_with_lastmod(client, column):
    ns = SITEMAP_NS
    sections = _sitemap_pages(client)
    assert sections[0] == "/sitemap-pages.xml"
    assert sections[1:] and all(path.startswith("/sitemap-records.xml") for path in sections[1:])
    urls = {}
    for path in sections:
        response = client.get(path)
        assert response.status_code == 200
        urls |= {u.findtext("s:loc", namespaces=ns): u for u in ET.fromstring(response.content).findall("s:url", ns)}
    for name in ("disclosure:home", "disclosure:guide", "disclosure:rules", "disclosure:catalogue",
                 "disclosure:statutory", "disclosure:annual_reports", "applications:apply", "complaints:interact"):
        assert f"http://testserver{reverse(name)}" in urls, name
    for record in (column["published"], column["on_request"]):
        url = urls[f"http://testserver{record.get_absolute_url()}"]
        assert url.findtext("s:lastmod", namespaces=ns).startswith(
            timezone.localtime(record.published_at).date().isoformat()[:4])
    for record in column["hidden"].values():
        assert f"http://testserver{record.get_absolute_url()}" not in urls


def test_the_sitemap_pages_records_by_ranges_of_ids_each_read_off_the_primary_key(client, column, monkeypatch):
    """Issue #22: a deep sitemap page costs one id range, not an OFFSET over every record before it."""
    from disclosure.sitemaps import RecordSitemap

    monkeypatch.setattr(RecordSitemap, "limit", 2)
    published = column["published"]
    pages = [path for path in _sitemap_pages(client) if path.startswith("/sitemap-records.xml")]
    last_id = max(r.pk for r in (column["published"], column["on_request"]))
    assert len(pages) == -(-last_id // 2)  # one page per two ids, up to the highest published one
    page = (published.pk + 1) // 2
    with CaptureQueriesContext(connection) as queries:
        own = client.get(reverse("sitemap_section", args=["records"]), {"p": page})
    assert f"http://testserver{published.get_absolute_url()}<" in own.content.decode()
    assert any('"id" >' in q["sql"] and '"id" <=' in q["sql"] and "OFFSET" not in q["sql"] for q in queries)
    other = page + 1 if page < len(pages) else page - 1
    if other:
        response = client.get(reverse("sitemap_section", args=["records"]), {"p": other})
        assert f"http://testserver{published.get_absolute_url()}<" not in response.content.decode()
    assert client.get(reverse("sitemap_section", args=["records"]), {"p": len(pages) + 1}).status_code == 404


def test_robots_txt_points_to_the_sitemap(client, world):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text


# --- OpenAPI schema and documentation pages -------------------------------------------------


def test_schema_is_an_openapi_3_document_with_the_public_paths(client, world):
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    for path in ("/api/records/", "/api/records/{id}/", "/api/catalogue/", "/api/catalogue/{index_number}/",
                 "/api/categories/"):
        assert set(schema["paths"][path]) == {"get"}, path
    parameters = {p["name"] for p in schema["paths"]["/api/records/"]["get"]["parameters"]}
    assert {"category", "office", "year", "attribute", "validity", "document_type", "published_after",
            "published_before", "page", "page_size"} <= parameters
    assert yaml.safe_load(client.get(reverse("api:schema")).content)["openapi"].startswith("3.")


def test_api_guide_lists_every_endpoint_and_loads_only_local_assets(client, world):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    text = response.content.decode()
    # What the page loads (feed announcements, <link rel="alternate">, are links, not loaded).
    assets = re.findall(r'<(?:script|link(?! rel="alternate")|img|iframe|source)\b[^>]*?(?:src|href)="([^"]+)"', text)
    assert assets
    for asset in assets:
        assert asset.startswith("/static/"), asset
    for path in ("/api/records/", "/api/catalogue/", "/api/categories/"):
        assert path in text
    assert "published_after" in text
    assert reverse("api:schema") in text


# --- Query counts do not grow with the number of items ---------------------------------------

COUNTED = [
    ("api:record-list", []),
    ("api:catalogue-list", []),
    ("disclosure:feed_rss", []),
    ("disclosure:feed_atom", []),
    ("disclosure:category_feed_rss", ["m5-2"]),
    ("sitemap_section", ["records"]),
]


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_are_constant_in_the_number_of_items(client, world, tmp_path, settings,
                                                          django_assert_num_queries,
                                                          django_assert_max_num_queries):
    settings.MEDIA_ROOT = tmp_path

    def publish(n: int) -> None:
        for i in range(n):
            record = new_draft(world, title=f"文件{i}", summary="" if i % 2 else "概述",
                               attribute=DisclosureAttribute.ON_REQUEST if i % 3 == 0 else
                               DisclosureAttribute.PROACTIVE)
            _attach(world, record, f"{i}.pdf")
            drive(world, record, S.PUBLISHED)

    publish(3)
    urls = [reverse(name, args=args) for name, args in COUNTED]
    for url in urls:
        client.get(url)  # warm the agency profile cache and this content version's counts
    few = {url: _count_queries(client, url) for url in urls}
    publish(12)
    for url in urls:
        client.get(url)  # the new content version's counts
        with django_assert_num_queries(few[url]):
            client.get(url)
    # The content version (its counter and the two next scheduled moments; read once a second
    # in production), the page; the count is kept per version; no subquery per row; the interpretations
    # of the page and the policies they interpret (issue #19), one query each.
    with django_assert_max_num_queries(6):
        assert len(_results(client, "api:record-list")) == 15
    with django_assert_max_num_queries(5):  # and the attachments, asked for
        rows = _results(client, "api:record-list", {"fields": "id,attachments"})
        assert sum(len(r["attachments"]) for r in rows) == 10  # the proactive ones
    with django_assert_max_num_queries(4):
        assert len(_results(client, "api:catalogue-list")) == 15


# --- The guide page speaks the visitor's language, whoever came first --------------------------


def test_api_guide_is_in_each_visitors_language_whoever_visited_first(client, world):
    from django.test import Client
    from django.utils import translation

    from disclosure import api

    api._guide_cache.clear()
    with translation.override("en"):
        english = translation.gettext("发布机构编号")
    if english == "发布机构编号":
        pytest.skip("the English catalogue is not compiled (make messages)")
    chinese_first = client.get(reverse("api:docs")).content.decode()
    assert "发布机构编号" in chinese_first and english not in chinese_first
    visitor = Client()
    visitor.cookies["django_language"] = "en"
    english_page = visitor.get(reverse("api:docs")).content.decode()
    assert '<html lang="en">' in english_page
    assert english in english_page and "发布机构编号" not in english_page
    assert "发布机构编号" in client.get(reverse("api:docs")).content.decode()


# --- A category's feed and API filter include every level of sub-categories -------------------


def test_category_feeds_and_api_filter_include_sub_sub_categories(client, world, column):
    parent = CatalogueCategory.objects.get(code="m5-2")
    child = CatalogueCategory.objects.create(code="m5-2-1", name="征求意见", parent=parent)
    grandchild = CatalogueCategory.objects.create(code="m5-2-1-1", name="已结束的征求意见", parent=child)
    _publish(world, "孙分类秘文件", category=grandchild)
    for name in ("disclosure:category_feed_rss", "disclosure:category_feed_atom"):
        assert "孙分类秘文件" in client.get(reverse(name, args=["m5-2"])).content.decode()
    for name in ("api:record-list", "api:catalogue-list"):
        assert "孙分类秘文件" in {item["title"] for item in _results(client, name, {"category": "m5-2"})}
        assert "孙分类秘文件" in {item["title"] for item in _results(client, name, {"category": "m5-2-1"})}

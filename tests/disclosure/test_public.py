"""The public column: what is shown, and that nothing unpublished leaks through any page."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from disclosure import services
from disclosure.models import Attachment, CatalogueCategory, Channel, DisclosureAttribute
from tests.conftest import S, drive, new_draft

PUBLIC_PAGES = [
    ("disclosure:home", {}),
    ("disclosure:guide", {}),
    ("disclosure:rules", {}),
    ("disclosure:catalogue", {}),
    ("disclosure:statutory", {}),
    ("disclosure:annual_reports", {}),
    ("disclosure:search", {"q": "秘"}),
    ("applications:apply", {}),
    ("complaints:interact", {}),
]


@pytest.fixture
def column(world, tmp_path, settings):
    """One record in every state; only the published ones may ever be seen by the public."""
    settings.MEDIA_ROOT = tmp_path
    hidden = {}
    for state in (S.DRAFT, S.DIVISION_REVIEW, S.CONFIDENTIALITY_REVIEW, S.READY, S.WITHHELD):
        title = f"未公开秘{state}"
        record = new_draft(world, title=title, body=f"<p>{title}正文</p>")
        services.attachment_add(record=record, actor=world.drafter_a,
                                upload=SimpleUploadedFile(f"{state}.pdf", b"%PDF-1.4 x"))
        hidden[title] = drive(world, record, state)
    signoff = drive(world, new_draft(world, title="未公开秘签发", is_important=True), S.LEADER_SIGNOFF)
    hidden[signoff.title] = signoff
    scheduled = drive(world, new_draft(world, title="未公开秘定时"), S.READY)
    services.record_publish(record=scheduled, actor=world.publisher, channels=[Channel.COLUMN],
                            at=timezone.now() + dt.timedelta(days=3))
    hidden[scheduled.title] = scheduled

    published = new_draft(world, title="已公开秘通知", body="<p>公开正文秘</p>")
    services.attachment_add(record=published, actor=world.drafter_a,
                            upload=SimpleUploadedFile("公开附件.pdf", b"%PDF-1.4 public"))
    published = drive(world, published, S.REGISTERED)
    on_request = drive(world, new_draft(world, title="依申请秘清单", body="<p>不在网上公开的正文</p>",
                                        attribute=DisclosureAttribute.ON_REQUEST), S.PUBLISHED)
    return {"hidden": hidden, "published": published, "on_request": on_request}


def _all_public_text(client, column) -> str:
    pages = [client.get(reverse(name), params) for name, params in PUBLIC_PAGES]
    pages += [client.get(reverse("disclosure:catalogue"), {"category": "m5-2", "year": str(timezone.now().year)})]
    for record in [*column["hidden"].values(), column["published"], column["on_request"]]:
        pages.append(client.get(reverse("disclosure:record", args=[record.pk])))
    assert all(p.status_code in (200, 404) for p in pages)
    return "\n".join(p.content.decode() for p in pages)


def test_unpublished_withheld_and_scheduled_records_never_appear_on_any_public_page(client, column):
    text = _all_public_text(client, column)
    for title in column["hidden"]:
        assert title not in text
    assert "已公开秘通知" in text


@pytest.mark.parametrize("view", ["disclosure:record", "disclosure:record_print"])
def test_unpublished_record_pages_are_404(client, column, view):
    for record in column["hidden"].values():
        assert client.get(reverse(view, args=[record.pk])).status_code == 404


def test_attachments_of_unpublished_records_cannot_be_downloaded(client, column):
    for record in column["hidden"].values():
        for attachment in Attachment.objects.filter(record=record):
            assert client.get(reverse("disclosure:attachment", args=[attachment.pk])).status_code == 404


def test_published_attachment_downloads_with_its_chinese_name_and_nosniff(client, column):
    attachment = column["published"].attachments.get()
    response = client.get(reverse("disclosure:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E5%85%AC%E5%BC%80%E9%99%84%E4%BB%B6.pdf" in disposition


def test_record_page_shows_the_metadata_table(client, column):
    record = column["published"]
    page = client.get(reverse("disclosure:record", args=[record.pk]))
    for label in ("索引号", "主题分类", "发布机构", "成文日期", "发布日期", "文号", "有效性"):
        assert label in page.text
    assert record.index_number in page.text
    assert "公开正文秘" in page.text


def test_on_request_entries_are_listed_without_content_and_offer_to_apply(client, column):
    record = column["on_request"]
    catalogue = client.get(reverse("disclosure:catalogue")).text
    assert "依申请秘清单" in catalogue
    page = client.get(reverse("disclosure:record", args=[record.pk])).text
    assert "不在网上公开的正文" not in page
    assert reverse("applications:apply") + "?title=" in page
    apply = client.get(reverse("applications:apply"), {"title": record.title, "index": record.index_number})
    assert record.index_number in apply.text


def test_amended_record_page_links_to_the_current_version(client, world, column):
    v1 = column["published"]
    v2 = services.record_amend(record=v1, actor=world.drafter_a)
    v2.title = "已公开秘通知（修订）"
    services.record_save_draft(record=v2, actor=world.drafter_a)
    assert "查看现行版本" not in client.get(reverse("disclosure:record", args=[v1.pk])).text
    drive(world, v2, S.PUBLISHED)
    old_page = client.get(reverse("disclosure:record", args=[v1.pk])).text
    assert "查看现行版本" in old_page and reverse("disclosure:record", args=[v2.pk]) in old_page
    catalogue = client.get(reverse("disclosure:catalogue")).text
    assert "已公开秘通知（修订）" in catalogue


def test_revoked_record_leaves_the_catalogue_and_its_page_says_so(client, world, column):
    record = services.record_revoke(record=column["published"], actor=world.disclosure, reason="重复发布")
    assert "已公开秘通知" not in client.get(reverse("disclosure:catalogue")).text
    page = client.get(reverse("disclosure:record", args=[record.pk]))
    assert page.status_code == 200
    assert "已撤销" in page.text and "重复发布" in page.text
    assert "公开正文秘" not in page.text
    attachment = record.attachments.get()
    assert client.get(reverse("disclosure:attachment", args=[attachment.pk])).status_code == 404


def test_repealed_record_stays_listed_and_is_marked(client, world, column):
    services.record_repeal(record=column["published"], actor=world.disclosure, reason="被新文件替代")
    page = client.get(reverse("disclosure:record", args=[column["published"].pk])).text
    assert "已废止" in page and "被新文件替代" in page


def test_search_finds_one_character_words_in_published_records_only(client, column):
    page = client.get(reverse("disclosure:search"), {"q": "秘"}).text
    assert reverse("disclosure:record", args=[column["published"].pk]) in page
    assert "已公开<mark>秘</mark>通知" in page
    for record in column["hidden"].values():
        assert reverse("disclosure:record", args=[record.pk]) not in page


@pytest.mark.parametrize(("name", "params"), PUBLIC_PAGES)
def test_every_public_page_renders_in_chinese_with_the_agency_name(client, world, name, params):
    page = client.get(reverse(name), params)
    assert page.status_code == 200
    assert '<html lang="zh-hans">' in page.text
    assert "测试省工业和信息化厅" in page.text


def test_public_pages_load_nothing_from_another_host(client, column):
    text = _all_public_text(client, column)
    assets = re.findall(r'<(?:script|link|img|iframe|source)\b[^>]*?(?:src|href)="([^"]+)"', text)
    assert assets  # the stylesheet at least
    assert [a for a in assets if a.startswith(("http:", "https:", "//"))] == []


def test_english_switch(client, world):
    page = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in page.text


def test_unknown_category_and_bad_filters_do_not_fail(client, column):
    for params in ({"category": "nope"}, {"office": "abc"}, {"year": "20x6"}, {"page": "999"}):
        assert client.get(reverse("disclosure:catalogue"), params).status_code == 200


def test_catalogue_filters_by_category_and_office(client, world, column):
    other = CatalogueCategory.objects.get(code="m5-7")
    response = client.get(reverse("disclosure:catalogue"), {"category": other.code})
    assert "已公开秘通知" not in response.text
    response = client.get(reverse("disclosure:catalogue"), {"office": world.office_b.pk})
    assert "已公开秘通知" not in response.text
    response = client.get(reverse("disclosure:catalogue"), {"office": world.office_a.pk})
    assert "已公开秘通知" in response.text


def test_404_page_is_friendly(client, world):
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert "首页" in page.text


def test_browser_language_does_not_switch_the_portal_to_english(client, world):
    page = client.get(reverse("disclosure:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in page.text
    client.force_login(world.drafter_a)
    assert "我的待办" in client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en-US").text


PAGES_WITH_LISTS = [
    ("disclosure:home", {}), ("disclosure:catalogue", {}), ("disclosure:catalogue", {"category": "m5-2"}),
    ("disclosure:statutory", {}), ("disclosure:search", {"q": "通知"}), ("disclosure:rules", {}),
]


def test_queries_per_public_page_do_not_grow_with_the_number_of_records(client, world, settings):
    """A page of 20 costs the same number of queries as a page of 3 (no N+1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0

    def counts():
        result = []
        for name, params in PAGES_WITH_LISTS:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse(name), params).status_code == 200
            result.append(len(captured))
        return result

    for i in range(3):
        drive(world, new_draft(world, title=f"通知{i}", office=[world.office_a, world.office_b][i % 2]), S.PUBLISHED)
    few = counts()
    for i in range(3, 25):
        drive(world, new_draft(world, title=f"通知{i}", office=[world.office_a, world.office_b][i % 2]), S.PUBLISHED)
    assert counts() == few
    record = selectors_first_published()
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("disclosure:record", args=[record.pk]))
    assert len(captured) <= 6


def selectors_first_published():
    from disclosure.selectors import records_published

    return records_published().first()

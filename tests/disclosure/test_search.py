"""Chinese full-text search (issue #4): one- and two-character words, numbers, highlighting,
filters, and an index that follows publish, amend and revoke — on SQLite and PostgreSQL."""

from io import StringIO

import pytest
from django.urls import reverse

from disclosure import search, selectors, services
from disclosure.models import DisclosureAttribute, SearchDocument
from tests.conftest import S, drive, new_draft


def found(query: str) -> list[str]:
    return [entry.title for entry in selectors.search_entries(query)[:100]]


@pytest.fixture
def published(world):
    records = {
        "tax": drive(world, new_draft(world, title="关于落实小微企业税收优惠政策的通知",
                                      body="<p>各地要做好减税降费工作，确保政策红利直达企业。</p>",
                                      document_number="吉工信规〔2026〕3号"), S.PUBLISHED),
        "permit": drive(world, new_draft(world, title="民用爆炸物品销售许可审批结果",
                                         body="<p>本季度共作出行政许可决定4件。</p>"), S.PUBLISHED),
        "plan": drive(world, new_draft(world, title="制造业数字化转型行动方案", office=world.office_b,
                                       body="<p>推进工业互联网平台建设，培育数字化转型服务商。</p>"), S.PUBLISHED),
    }
    return records


@pytest.mark.parametrize(("query", "expected"), [
    ("税", ["关于落实小微企业税收优惠政策的通知"]),  # one character
    ("许可", ["民用爆炸物品销售许可审批结果"]),  # two characters
    ("数字化转型", ["制造业数字化转型行动方案"]),  # longer word, in title and body
    ("红利", ["关于落实小微企业税收优惠政策的通知"]),  # body only
    ("工业 平台", ["制造业数字化转型行动方案"]),  # two words, both required
    ("吉工信规〔2026〕3号", ["关于落实小微企业税收优惠政策的通知"]),  # document number
    ("ＤＩＧＩＴＡＬ", []),  # full-width Latin is normalised, and simply not found
    ("", []),
    ("！！", []),
])
def test_queries(published, query, expected):
    assert found(query) == expected


def test_all_bigrams_present_but_not_the_word_is_no_hit(world):
    drive(world, new_draft(world, title="甲", body="<p>信息化</p><p>化公开</p>"), S.PUBLISHED)
    assert found("信息化") == ["甲"]
    assert found("信息化公开") == []  # 信息 息化 化公 公开 all occur, the word does not


def test_index_number_is_searchable(published):
    record = published["permit"]
    record.refresh_from_db()
    assert found(record.index_number) == [record.title]
    assert found(record.index_number[-5:]) == [record.title]  # the sequence part, as a prefix


def test_on_request_body_is_not_searchable_but_its_title_is(world):
    drive(world, new_draft(world, title="项目储备库清单", body="<p>内部测算数据甲乙丙</p>",
                           attribute=DisclosureAttribute.ON_REQUEST), S.PUBLISHED)
    assert found("储备库") == ["项目储备库清单"]
    assert found("甲乙丙") == []


def test_unpublished_and_scheduled_records_are_not_found(world):
    import datetime as dt

    from django.utils import timezone

    drive(world, new_draft(world, title="审核中的草稿秘"), S.CONFIDENTIALITY_REVIEW)
    scheduled = drive(world, new_draft(world, title="定时发布秘"), S.READY)
    services.record_publish(record=scheduled, actor=world.publisher, channels=["column"],
                            at=timezone.now() + dt.timedelta(days=1))
    assert found("秘") == []


def test_the_index_follows_amend_and_revoke(world, published):
    v1 = drive(world, published["permit"], S.REGISTERED)
    v2 = services.record_amend(record=v1, actor=world.drafter_a)
    v2.title = "民用爆炸物品销售许可审批结果（更正）"
    v2.body = "<p>本季度共作出行政许可决定5件。</p>"
    services.record_save_draft(record=v2, actor=world.drafter_a)
    assert found("更正") == []  # not yet published: the old version is still what is found
    assert found("4件") == ["民用爆炸物品销售许可审批结果"]
    drive(world, v2, S.PUBLISHED)
    assert found("许可") == ["民用爆炸物品销售许可审批结果（更正）"]
    assert found("4件") == []
    services.record_revoke(record=v2, actor=world.disclosure, reason="撤回")
    assert found("许可") == []
    assert not SearchDocument.objects.filter(entry__record=v2).exists()


def test_rebuild_command_restores_the_index(published):
    from django.core.management import call_command

    SearchDocument.objects.all().delete()
    assert found("税") == []
    call_command("rebuild_search_index", stdout=StringIO())
    assert found("税") == ["关于落实小微企业税收优惠政策的通知"]


def test_search_page_highlights_and_filters(client, world, published):
    page = client.get(reverse("disclosure:search"), {"q": "数字化"}).text
    assert "制造业<mark>数字化</mark>转型行动方案" in page
    assert "培育<mark>数字化</mark>转型服务商" in page
    filtered = client.get(reverse("disclosure:search"), {"q": "数字化", "office": world.office_a.pk}).text
    assert "制造业" not in filtered


def test_highlight_escapes_html():
    assert search.highlight("<b>税</b>收", "税") == "&lt;b&gt;<mark>税</mark>&lt;/b&gt;收"


def test_queries_that_look_like_sql_or_fts_syntax_are_harmless(client, published):
    for query in ['" OR 1=1 --', "税 AND NOT", "税*", "NEAR(税 收)", "'; DROP TABLE x; --", "%", "_", "\\"]:
        response = client.get(reverse("disclosure:search"), {"q": query})
        assert response.status_code == 200


def test_segmentation():
    assert search.document_tokens("政府信息 2026年") == ["政", "府", "信", "息", "2026", "年", "政府", "府信", "信息"]
    query = search.parse_query("信息公开 税 ABC")
    assert query.phrases == (("信息", "息公", "公开"),)
    assert query.unigrams == ("税",)
    assert query.prefixes == ("abc",)


def test_a_very_long_text_is_still_found_exactly(world):
    """Past the positions a PostgreSQL tsvector can hold, the exact substring check takes over."""
    filler = "企业" * 300 + "。" + "中小企业发展" + "。" + "工业" * 9000
    record = drive(world, new_draft(world, title="长文", body=f"<p>{filler}</p>"), S.PUBLISHED)
    assert SearchDocument.objects.get(entry__record=record).long_text
    assert found("中小企业发展") == ["长文"]
    assert found("小企业发展工业") == []

"""Chinese full-text search (issue #4): one- and two-character words, numbers, highlighting,
filters, and an index that follows publish, amend and revoke — on SQLite and PostgreSQL."""

import re
from io import StringIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from disclosure import search, selectors, services
from disclosure.models import CatalogueEntry, DisclosureAttribute, Record, SearchDocument
from tests.conftest import S, drive, load_world, new_draft, rows_for_the_module


def found(query: str) -> list[str]:
    return [entry.title for entry in selectors.search_entries(query)[:100]]


@pytest.fixture(scope="module")
def published_module_rows(django_db_setup, django_db_blocker):
    """Three published records, built once for the module's tests that read them (issue #17)."""
    with rows_for_the_module(django_db_blocker) as unblocked:
        with unblocked():
            pks = {key: record.pk for key, record in publish_three(load_world()).items()}
        yield pks


@pytest.fixture
def published(world, published_module_rows):
    """The three records, read afresh for each test (a test's changes are rolled back)."""
    records = Record.objects.in_bulk(list(published_module_rows.values()))
    return {key: records[pk] for key, pk in published_module_rows.items()}


def publish_three(world) -> dict:
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


def test_the_digits_inside_a_number_are_whole_and_only_the_last_piece_typed_may_be_unfinished(world):
    """“吉工信规〔2026〕1号” names number 1, not 15: digits followed by more of the same word were
    matched as prefixes, which found 〔2026〕15号 (and on PostgreSQL read every document with a
    number starting 1). What is typed last may still be a beginning: “〔2026〕1” finds both."""
    for title, number in (("第一号文件", "吉工信规〔2026〕1号"), ("第十五号文件", "吉工信规〔2026〕15号")):
        drive(world, new_draft(world, title=title, document_number=number, body="<p>正文。</p>"), S.PUBLISHED)
    assert found("吉工信规〔2026〕1号") == ["第一号文件"]
    assert found("〔2026〕15号") == ["第十五号文件"]
    assert sorted(found("吉工信规〔2026〕1")) == ["第一号文件", "第十五号文件"]
    assert found("2026 1") != []  # each word's one piece is its last: a beginning


def test_an_entry_deleted_before_its_document_takes_its_rows_out_of_the_index(world):
    """`manage.py flush`, and the suite between transactional tests, empty the tables in name order:
    the entries before their search documents. The document's trigger then had no entry to compute
    its row's key from, and the row stayed: found, after the sequences started again, for the entry
    with the same id published in the same second (a rule came up for 技术改造 in the browser tests)."""
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 tables are SQLite's; PostgreSQL keeps the vectors in the document's row")
    record = drive(world, new_draft(world, title="甲乙丙丁戊己", document_number="庚辛〔2026〕9号"), S.PUBLISHED)
    entry_id = CatalogueEntry.objects.get(record=record).pk

    def rows() -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH 'bi : \"甲乙\"'")
            found = [row[0] for row in cursor.fetchall()]
            cursor.execute(f"SELECT rowid FROM {search.HEAD_FTS_TABLE} WHERE {search.HEAD_FTS_TABLE} MATCH '\"庚 辛\"'")
            return found + [row[0] for row in cursor.fetchall()]

    assert len(rows()) == 2
    with connection.cursor() as cursor:  # as flush does, the entry first (the foreign key is deferred)
        cursor.execute(f"DELETE FROM {search.ENTRY_TABLE} WHERE id = %s", [entry_id])
        cursor.execute(f"DELETE FROM {search.DOCUMENT_TABLE} WHERE entry_id = %s", [entry_id])
    assert rows() == []


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


def test_a_result_shows_a_proactive_bodys_text_and_never_an_on_request_bodys(client, world):
    """The results page's excerpt: of the body of proactively disclosed information, never of the
    body of 依申请公开 information found by its title (its content is given on application, R.27)."""
    drive(world, new_draft(world, title="项目储备库清单", summary="", body="<p>内部测算数据甲乙丙</p>",
                           attribute=DisclosureAttribute.ON_REQUEST), S.PUBLISHED)
    drive(world, new_draft(world, title="储备库建设通知", summary="", body="<p>公开的正文丁戊己</p>"), S.PUBLISHED)
    page = re.sub(r"</?mark>", "", client.get(reverse("disclosure:search"), {"q": "储备库"}).text)
    assert "项目储备库清单" in page and "储备库建设通知" in page
    assert "公开的正文丁戊己" in page
    assert "内部测算" not in page


def test_unpublished_and_scheduled_records_are_not_found(world):
    import datetime as dt

    from django.utils import timezone

    drive(world, new_draft(world, title="审核中的草稿秘"), S.CONFIDENTIALITY_REVIEW)
    scheduled = drive(world, new_draft(world, title="定时发布秘", date_formed=timezone.localdate()), S.READY)
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


def test_the_hint_counts_follow_publish_and_revoke(world):
    """Hints (issue #18) OR the rarer pairs of a request, by their number of indexed titles: the
    numbers follow what is published (a trigger keeps them on PostgreSQL; SQLite counts its head
    index); a draft counts for nothing."""
    from django.core.cache import cache
    from django.db import connection

    def counts():
        cache.clear()
        with connection.cursor() as cursor:
            return search._term_counts(cursor, ["雷达", "更正", "2031"])

    drive(world, new_draft(world, title="2031年雷达站建设名单"), S.PUBLISHED)
    assert counts() == {"雷达": 1, "更正": 0, "2031": 1}
    correction = new_draft(world, title="2031年雷达站建设名单（更正）")
    assert counts() == {"雷达": 1, "更正": 0, "2031": 1}
    correction = drive(world, correction, S.PUBLISHED)
    assert counts() == {"雷达": 2, "更正": 1, "2031": 2}
    services.record_revoke(record=correction, actor=world.disclosure, reason="撤回")
    assert counts() == {"雷达": 1, "更正": 0, "2031": 1}


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


_WORDS = st.sampled_from(["申报", "装备", "公开", "信息", "第四条", "２０２６", "ABC", "x>y", "&amp;", "  ", "。"])
_TAGS = st.sampled_from(["<p>", "</p>", "<br>", '<a href="/x?a=1&amp;b=2" title="a>b">', "</a>", "<strong>",
                         "</strong>", "<table><tr><td>", "</td></tr></table>"])


@given(summary=st.lists(_WORDS, max_size=8).map("".join),
       body=st.lists(st.one_of(_WORDS, _TAGS, _WORDS.map(lambda w: w * 40)), min_size=40, max_size=150).map("".join),
       query=st.sampled_from(["申报 装备", "公开", "信息", "2026", "第四条 abc", "没有"]))
@hypothesis_settings(max_examples=100, deadline=None)
def test_an_excerpt_read_from_the_beginning_of_a_long_body_is_the_one_read_from_all_of_it(summary, body, query):
    assert search.excerpt(summary, body, query, width=120) == search.highlight(
        f"{summary} {strip_tags(body)}", query, width=120)


def test_queries_that_look_like_sql_or_fts_syntax_are_harmless(client, published):
    for query in ['" OR 1=1 --', "税 AND NOT", "税*", "NEAR(税 收)", "'; DROP TABLE x; --", "%", "_", "\\"]:
        response = client.get(reverse("disclosure:search"), {"q": query})
        assert response.status_code == 200


def test_a_query_longer_than_38_characters_is_searched_by_its_first_38_and_the_page_says_what_was_not(
        client, published):
    """As 百度 does: the first MAX_QUERY_LENGTH characters are searched, and the page quotes the
    rest, so that a pasted paragraph neither costs the server seconds nor silently loses words."""
    title = published["tax"].title  # 关于落实小微企业税收优惠政策的通知: 17 characters
    tail = "以及其他与此无关的很长很长的一段说明文字"
    typed = title + "，" + "请" * (search.MAX_QUERY_LENGTH - len(title) - 1) + tail
    page = client.get(reverse("disclosure:search"), {"q": typed})
    assert page.status_code == 200
    text = page.content.decode()
    assert search.MAX_QUERY_LENGTH == 38
    assert f"检索词最多 38 个字，“{tail}”及其后的字词未检索。" in text
    assert [entry.title for entry in page.context["page"].object_list] == []  # 请×20 is in no record
    padded = title + " " * (search.MAX_QUERY_LENGTH - len(title))  # words past the 38th character do not count
    found_by_title = client.get(reverse("disclosure:search"), {"q": padded + tail})
    assert [entry.title for entry in found_by_title.context["page"].object_list] == [title]
    assert "未检索" in found_by_title.content.decode()
    short = client.get(reverse("disclosure:search"), {"q": title})
    assert "未检索" not in short.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(reverse("disclosure:search"), {"q": padded + tail}).content.decode()
    assert f"A search uses at most 38 characters: “{tail}” and what follows were not searched." in english


def test_a_long_phrase_no_title_holds_is_not_tested_in_every_title_and_one_a_title_holds_is_found(published):
    """SQLite's head index holds single characters: “的” thirty-eight times was tested as a phrase
    in every title holding 的 (120 ms at 100,000 records). A phrase that long is first looked for
    in the pairs' index, where “的的” is in no record."""
    title = published["tax"].title  # 关于落实小微企业税收优惠政策的通知: a phrase of 16 pairs
    with CaptureQueriesContext(connection) as seen:
        assert found("的" * search.MAX_QUERY_LENGTH) == []
        assert found(title + "的") == []
    if connection.vendor == "sqlite":
        assert not [query["sql"] for query in seen if search.HEAD_FTS_TABLE in query["sql"]]
    assert found(title) == [title]
    assert found("优惠政策的通知 " + title) == [title]


def test_segmentation():
    assert search.document_tokens("政府信息 2026年") == ["政", "府", "信", "息", "2026", "年", "政府", "府信", "信息"]
    query = search.parse_query("信息公开 税 ABC")
    assert query.phrases == (("信息", "息公", "公开"),)
    assert query.unigrams == ("税",)
    assert query.prefixes == ("abc",)


def test_the_head_index_finds_a_word_by_its_pairs_in_one_run_of_one_field(world):
    """SQLite's head index (migration 0027) finds a word of Chinese characters as its pairs in a
    row: the pairs of a field's characters in order (punctuation is no token, as in the head's own
    tokens), never across a field, a number or a Latin word."""
    head = search.head_text(title="关于数字化转型", document_number="吉工信〔2026〕1号", index_number="")
    assert search.head_pairs(head) == "关于 于数 数字 字化 化转 转型 qqbreak 吉工 工信"
    for title, number in (("数字化转型名单", ""), ("数字化，转型名单", ""), ("名单数字", "化转型〔2026〕2号")):
        drive(world, new_draft(world, title=title, document_number=number, body="<p>正文。</p>"), S.PUBLISHED)
    assert sorted(found("数字化转型")) == sorted(["数字化转型名单", "数字化，转型名单"])  # not across the 文号
    assert found("信〔2026〕1号") == []
    assert found("转型〔2026〕2号") == ["名单数字"]


def test_a_very_long_text_is_still_found_exactly(world):
    """Past the positions a PostgreSQL tsvector can hold, the exact substring check takes over."""
    filler = "企业" * 300 + "。" + "中小企业发展" + "。" + "工业" * 9000 + "9000"
    record = drive(world, new_draft(world, title="长文", body=f"<p>{filler}</p>"), S.PUBLISHED)
    assert SearchDocument.objects.get(entry__record=record).long_text
    assert found("中小企业发展") == ["长文"]
    assert found("小企业发展工业") == []
    # A word of one character or a number needs no position: PostgreSQL found none in a long text.
    assert found("企") == found("企 9000") == ["长文"]


# --- Highlighting what was searched --------------------------------------------------------------


def test_words_joined_by_chinese_punctuation_are_found_and_each_is_highlighted(client, published):
    assert found("工业，平台") == ["制造业数字化转型行动方案"]
    page = client.get(reverse("disclosure:search"), {"q": "工业，平台"}).text
    assert "推进<mark>工业</mark>互联网<mark>平台</mark>建设" in page


def test_highlight_marks_a_whole_word_where_it_occurs_and_its_pieces_elsewhere():
    assert search.highlight("数字化平台、数字化转型", "数字化，平台") == (
        "<mark>数字化</mark><mark>平台</mark>、<mark>数字化</mark>转型")
    assert search.highlight("见吉工信规〔2026〕3号", "吉工信规〔2026〕3号") == "见<mark>吉工信规〔2026〕3号</mark>"


def test_a_match_on_the_document_number_alone_is_shown_and_highlighted(client, published):
    page = client.get(reverse("disclosure:search"), {"q": "吉工信规〔2026〕3号"}).text
    assert re.search(r"<dt>文号</dt><dd[^>]*><mark>吉工信规〔2026〕3号</mark></dd>", page)


def test_a_match_on_the_index_number_alone_is_highlighted(client, published):
    record = published["permit"]
    record.refresh_from_db()
    sequence = record.index_number[-5:]
    page = client.get(reverse("disclosure:search"), {"q": sequence}).text
    prefix = record.index_number[:-5]
    assert f"<dt>索引号</dt><dd>{prefix}<mark>{sequence}</mark></dd>" in page


# --- Newest published first, on both backends ----------------------------------------------------


def test_results_are_in_publication_order_not_the_order_entries_were_written(client, world):
    """A scheduled entry is written before the ones published meanwhile: once it is published it
    is the newest, and comes first; the catalogue and the search agree."""
    import datetime as dt

    import time_machine
    from django.utils import timezone

    start = timezone.now()
    scheduled = drive(world, new_draft(world, title="定时发布的公告", date_formed=timezone.localdate()), S.READY)
    services.record_publish(record=scheduled, actor=world.publisher, channels=["column"],
                            at=start + dt.timedelta(hours=2))
    with time_machine.travel(start + dt.timedelta(minutes=10)):
        drive(world, new_draft(world, title="上午发布的公告"), S.PUBLISHED)
    with time_machine.travel(start + dt.timedelta(minutes=20)):
        drive(world, new_draft(world, title="中午发布的公告"), S.PUBLISHED)
    with time_machine.travel(start + dt.timedelta(hours=3)):
        assert found("公告") == ["定时发布的公告", "中午发布的公告", "上午发布的公告"]
        assert found("发布") == ["定时发布的公告", "中午发布的公告", "上午发布的公告"]
        catalogue = [e.title for e in selectors.catalogue_listed().order_by("-published_at")]
        assert catalogue == found("公告")
        page = client.get(reverse("disclosure:search"), {"q": "公告"}).text
        assert page.index("定时发布的") < page.index("中午发布的") < page.index("上午发布的")


@pytest.mark.parametrize("window", [2, search.SEARCH_WINDOW])
def test_search_pages_follow_publication_order_across_pages(world, monkeypatch, window):
    """Page 2 continues where page 1 stopped, newest first, however the entries were written
    (on PostgreSQL also when the newest-documents windows of the head and full-text queries must
    widen to fill a page)."""
    import datetime as dt

    import time_machine
    from django.utils import timezone

    monkeypatch.setattr(search, "SEARCH_WINDOW", window)
    if window == 2:  # the head query's windows too, which its pairs' counts skip when they are few
        monkeypatch.setattr(search, "HEAD_WINDOWS_FROM", -1)
    start = timezone.now()
    moments = [start - dt.timedelta(days=d) for d in (3, 1, 5, 0, 4, 2)]  # written out of order
    for i, moment in enumerate(moments):
        with time_machine.travel(moment):
            drive(world, new_draft(world, title=f"排序测试{i}号"), S.PUBLISHED)
    expected = [f"排序测试{i}号" for i in sorted(range(6), key=lambda i: moments[i], reverse=True)]
    results = selectors.search_entries("排序测试")
    assert [e.title for e in results[:3]] + [e.title for e in results[3:6]] == expected
    assert results.count() == 6


# --- Relevance first (issue #15): the document a number or title names, then coverage, then recency


@pytest.fixture
def numbered(world):
    """The measures 吉工信规〔2026〕1号, published first; then newer records that share its pieces:
    one cites it in its body, one carries 〔2026〕10号, one 〔2025〕1号 and “2026” in the title."""
    import datetime as dt

    import time_machine
    from django.utils import timezone

    start = timezone.now() - dt.timedelta(days=10)
    specs = [
        ("关于印发《吉林省省级工业互联网平台培育管理办法》的通知", "吉工信规〔2026〕1号", "<p>本办法自2026年6月1日起施行。</p>"),
        ("2026年工业互联网平台培育工作要点", "", "<p>按照吉工信规〔2026〕1号组织实施，1号文件。</p>"),
        ("关于2026年节能监察的通知", "吉工信规〔2026〕10号", "<p>依据吉工信规有关规定，2026年1月起执行。</p>"),
        ("2026年绿色工厂名单", "吉工信规〔2025〕1号", "<p>吉工信规2026年1号文件。</p>"),
    ]
    records = []
    for day, (title, number, body) in enumerate(specs):
        with time_machine.travel(start + dt.timedelta(days=day)):
            records.append(drive(world, new_draft(world, title=title, document_number=number, body=body),
                                 S.PUBLISHED))
    return records


def test_the_exact_document_number_ranks_first_though_newer_records_share_its_pieces(numbered):
    """吉工信规〔2026〕1号 was third behind records sharing “2026”, “1” and “号” (issue #15)."""
    measures = numbered[0].title
    assert found("吉工信规〔2026〕1号")[0] == measures
    assert found("吉工信规[2026]1号")[0] == measures  # typed with ASCII brackets
    # Then by how much of the query the title and numbers hold: 〔2025〕1号 has “1号”, 〔2026〕10号
    # has “规〔2026”; the record citing it in its body has only “2026” and “工” in its title.
    assert found("吉工信规〔2026〕1号") == [measures, numbered[3].title, numbered[2].title, numbered[1].title]
    # Newest first when the visitor asks for it (按时间排序): the same matches, by date.
    by_date = [e.title for e in selectors.search_entries("吉工信规〔2026〕1号", by_date=True)[:10]]
    assert by_date == [numbered[3].title, numbered[2].title, numbered[1].title, measures]


def test_an_index_number_and_a_title_phrase_rank_their_record_first(world, numbered):
    measures = numbered[0]
    measures.refresh_from_db()
    for _ in range(3):  # newer records mentioning the index number in their body
        drive(world, new_draft(world, title="引用索引号的通知", body=f"<p>见{measures.index_number}。</p>"), S.PUBLISHED)
    assert found(measures.index_number)[0] == measures.title
    assert found("工业互联网平台培育")[:2] == [numbered[1].title, measures.title]  # both titles, newest first
    assert found("工业互联网平台培育")[2:] == []


def test_coverage_of_the_query_in_the_title_ranks_before_a_match_in_the_body_only(world):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    start = timezone.now() - dt.timedelta(days=5)
    titles = ["绿色工厂认定管理办法", "关于绿色发展的通知", "年度工作总结"]
    for day, title in enumerate(titles):  # the best match is the oldest
        with time_machine.travel(start + dt.timedelta(days=day)):
            drive(world, new_draft(world, title=title, body="<p>推进绿色工厂认定和管理。</p>"), S.PUBLISHED)
    # Both words in the title, then one of them (绿色), then neither: then newest first.
    assert found("绿色工厂 管理") == titles


def test_an_old_exact_match_is_found_beyond_the_ranking_window(world, monkeypatch):
    """The ranking reads the newest matches; a record named by its number is read off the head
    index whatever its age."""
    import datetime as dt

    import time_machine
    from django.utils import timezone

    monkeypatch.setattr(search, "RANK_WINDOW", 2)
    start = timezone.now() - dt.timedelta(days=10)
    with time_machine.travel(start):
        drive(world, new_draft(world, title="老文件", document_number="吉工信函〔2020〕7号"), S.PUBLISHED)
    for day in range(1, 5):
        with time_machine.travel(start + dt.timedelta(days=day)):
            drive(world, new_draft(world, title=f"新文件{day}", body="<p>根据吉工信函〔2020〕7号。</p>"), S.PUBLISHED)
    results = selectors.search_entries("吉工信函〔2020〕7号")
    assert [e.title for e in results[:1]] == ["老文件"]
    assert results.count() == 5


def test_single_digits_and_single_characters_of_a_longer_word_are_not_highlighted():
    text = "2026年1月10日起执行吉工信规〔2026〕1号，共1号"
    marked = search.highlight(text, "吉工信规〔2026〕1号")
    assert marked == ("<mark>2026</mark>年1月10日起执行<mark>吉工信规〔2026〕1号</mark>，共1号")
    assert search.highlight("第12条第1款", "12") == "第<mark>12</mark>条第1款"  # a whole number only
    assert search.highlight("2012年", "12") == "2012年"
    assert search.highlight("税收和税率", "税") == "<mark>税</mark>收和<mark>税</mark>率"  # a word of its own


def test_search_page_offers_relevance_and_date_order(client, numbered):
    url = reverse("disclosure:search")
    page = client.get(url, {"q": "吉工信规〔2026〕1号"}).text
    assert '<span aria-current="true">按相关度排序</span>' in page
    assert 'href="?q=%E5%90%89%E5%B7%A5%E4%BF%A1%E8%A7%84%E3%80%942026%E3%80%951%E5%8F%B7&amp;sort=date"' in page
    links = [f'href="{record.get_absolute_url()}"' for record in numbered]
    assert page.index(links[0]) < page.index(links[3]) < page.index(links[1])
    page = client.get(url, {"q": "吉工信规〔2026〕1号", "sort": "date"}).text
    assert '<span aria-current="true">按时间排序</span>' in page
    assert page.index(links[3]) < page.index(links[1]) < page.index(links[0])


def test_the_record_whose_number_is_the_query_comes_before_newer_titles_quoting_it(world, monkeypatch):
    """A 解读 titled with the number is about the document; the document itself comes first, also
    when more titles quote the number than are ranked (found by its field key, at any age)."""
    import datetime as dt

    import time_machine
    from django.utils import timezone

    monkeypatch.setattr(search, "RANK_WINDOW", 2)
    start = timezone.now() - dt.timedelta(days=10)
    with time_machine.travel(start):
        drive(world, new_draft(world, title="吉林省省级工业互联网平台培育管理办法", document_number="吉工信规〔2026〕1号"),
              S.PUBLISHED)
    for day in range(1, 4):
        with time_machine.travel(start + dt.timedelta(days=day)):
            drive(world, new_draft(world, title=f"《吉工信规〔2026〕1号》政策解读（{day}）"), S.PUBLISHED)
    assert [e.title for e in selectors.search_entries("吉工信规〔2026〕1号")[:2]] == [
        "吉林省省级工业互联网平台培育管理办法", "《吉工信规〔2026〕1号》政策解读（3）"]


def test_filters_fold_once_there_are_results_unless_one_is_in_use(client, world, published):
    """On a phone the three selects came before the first result: folded, the results come first."""
    url = reverse("disclosure:search")
    assert '<details class="filter-box" open>' in client.get(url).text  # nothing searched yet
    assert '<details class="filter-box">' in client.get(url, {"q": "税"}).text
    assert '<details class="filter-box" open>' in client.get(url, {"q": "税", "office": world.office_a.pk}).text


def test_the_number_of_results_comes_from_the_ranking_and_says_when_there_are_more(world, monkeypatch):
    """The page reads the newest RANK_WINDOW matches for its ranking anyway; the count shown (up to
    the cap, then "more than") is taken from them, without a count of its own (issue #22: a capped
    count of a rare phrase tested every document holding its terms)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(search, "RANK_WINDOW", 2)
    for title in ("计数测试一号鹭", "计数测试二号鹭", "计数测试三号"):
        drive(world, new_draft(world, title=title), S.PUBLISHED)

    with CaptureQueriesContext(connection) as queries:
        assert selectors.search_entries("计数测试").count(cap=2) == 3  # more than the cap: cap + 1
        assert selectors.search_entries("鹭").count(cap=2) == 2  # all of them, exactly
        assert selectors.search_entries("二号").count(cap=2) == 1
        assert selectors.search_entries("鹭 三号").count(cap=2) == 0
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    results = selectors.search_entries("鹭")
    assert results.count(cap=2) == 2 and [e.title for e in results[:2]] == ["计数测试二号鹭", "计数测试一号鹭"]


# Titles and queries from a few characters, so that phrases often meet: common and repeated
# Chinese characters, digits and letters, and the punctuation of 文号.
_PIECES = st.sampled_from(["通", "知", "工", "业", "的", "省", "2026", "1", "号", "ab", "〔", "〕", " ", "、"])


@given(title=st.lists(_PIECES, max_size=12).map("".join), number=st.lists(_PIECES, max_size=6).map("".join),
       query=st.lists(_PIECES, min_size=1, max_size=8).map("".join))
@hypothesis_settings(max_examples=300, deadline=None)
def test_a_head_holding_the_query_as_phrases_holds_every_pair_the_postgresql_prefilter_asks_for(
        title, number, query):
    """The head-phrase query on PostgreSQL also asks the hint index for the query's pairs and
    words (a GIN condition that keeps 42,000 titles of common characters from being tested one by
    one): it may only ever drop heads that do not hold the phrases, or a title would go missing."""
    head = search.head_text(title=title, document_number=number, index_number="")
    sequences = search.parse_query(query).sequences
    if sequences and all(search._head_has(head, tokens) for tokens in sequences):
        assert set(search._head_hint_units(sequences)) <= set(search.hint_lexemes(head))

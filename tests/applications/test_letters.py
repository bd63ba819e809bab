"""Reply letters (告知书): one per outcome (R.36, R.37), always with the legal basis and the
applicant's remedies; sanitized HTML for staff to edit; a PDF that prints Chinese without fonts."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from applications.letter_pdf import letter_pdf, renderable_text
from applications.letters import (
    LETTER_TITLE,
    REMEDIES,
    letter_context,
    letter_placeholders,
    letter_text,
    render_letter,
    sanitize_letter,
)
from applications.models import ApplicantType, DisclosureApplication, IdentityDocument
from applications.outcomes import LEGAL_BASIS, Outcome
from portal.models import SiteProfile

pytestmark = pytest.mark.django_db

AGENCY = "测试省工业和信息化厅"
TODAY = dt.datetime(2026, 10, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

# What every outcome's paragraph must say (the table 3 category, in the letter's words).
OUTCOME_PHRASES = {
    Outcome.DISCLOSED: ["属于可以公开的政府信息", "本机关决定予以公开"],
    Outcome.PARTIAL: ["以下内容不予公开", "作区分处理", "向您提供可以公开的部分"],
    Outcome.WITHHELD_STATE_SECRET: ["属于国家秘密", "本机关决定不予公开"],
    Outcome.WITHHELD_PROHIBITED_BY_LAW: ["法律、行政法规禁止公开", "本机关决定不予公开"],
    Outcome.WITHHELD_SECURITY_STABILITY: ["国家安全、公共安全、经济安全、社会稳定", "本机关决定不予公开"],
    Outcome.WITHHELD_THIRD_PARTY: ["商业秘密、个人隐私", "第三方合法权益", "公共利益", "本机关决定不予公开"],
    Outcome.WITHHELD_INTERNAL_AFFAIRS: ["内部事务信息", "本机关决定不予公开"],
    Outcome.WITHHELD_PROCESS_INFORMATION: ["过程性信息", "本机关决定不予公开"],
    Outcome.WITHHELD_ENFORCEMENT_FILE: ["行政执法案卷信息", "本机关决定不予公开"],
    Outcome.WITHHELD_ADMINISTRATIVE_QUERY: ["行政查询事项", "特别规定", "办理查询"],
    Outcome.UNAVAILABLE_NOT_HELD: ["经检索", "该政府信息不存在"],
    Outcome.UNAVAILABLE_NEEDS_CREATION: ["加工、分析", "本机关不予提供"],
    Outcome.UNAVAILABLE_STILL_UNCLEAR: ["补正", "申请内容仍不明确", "无法向您提供"],
    Outcome.NOT_PROCESSED_COMPLAINT: ["信访、投诉、举报", "不作为政府信息公开申请处理", "相应渠道"],
    Outcome.NOT_PROCESSED_REPEAT: ["相同政府信息", "不予重复处理"],
    Outcome.NOT_PROCESSED_PUBLICATION: ["公开出版物", "不作为政府信息公开申请处理", "获取"],
    Outcome.NOT_PROCESSED_EXCESSIVE: ["数量、频次明显超过合理范围", "说明理由", "不予处理"],
    Outcome.NOT_PROCESSED_CONFIRMATION: ["确认或者重新出具", "不作为政府信息公开申请处理"],
    Outcome.OTHER_NO_SUPPLEMENT: ["逾期未补正", "视为放弃申请", "不再处理"],
    Outcome.OTHER_FEE_UNPAID: ["信息处理费", "20个工作日", "视为放弃申请", "不再处理"],
    Outcome.OTHER: ["特此告知"],
}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def agency():
    SiteProfile(name=AGENCY, uscc="11220000013544357T").save()
    return SiteProfile.current()


def make_application(**fields) -> DisclosureApplication:
    """An unsaved application: rendering a letter needs no row."""
    values = {
        "tracking_code": "SQ2026-000001", "applicant_type": ApplicantType.NATURAL_PERSON, "applicant_name": "张三",
        "identity_document": IdentityDocument.RESIDENT_ID, "identity_number": "11010519491231002X",
        "phone": "13912345678", "information_title": "2025年度省级工业互联网平台名单",
        "description": "请提供名单。", "received_on": dt.date(2026, 9, 21), "medium": "electronic",
        "delivery": "download",
    }
    return DisclosureApplication(**{**values, **fields})


def zh(text) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def test_every_outcome_has_its_phrases_in_this_table():
    assert set(OUTCOME_PHRASES) == set(Outcome.values)


@pytest.mark.parametrize("outcome", Outcome.values)
def test_every_outcome_letter_has_the_parts_of_a_reply_r36(agency, outcome):
    letter = render_letter(make_application(), outcome=outcome,
                           extra={"withheld_parts": "第3页第2段", "ground": "涉及第三方个人隐私"})
    assert f"<h2>{zh(LETTER_TITLE)}</h2>" in letter
    assert "〔2026〕第 SQ2026-000001 号" in letter
    assert "<p class=\"letter-salutation\">张三：</p>" in letter
    assert ("本机关于2026年9月21日收到您（单位）提出的政府信息公开申请，申请获取“2025年度省级工业互联网平台名单”。"
            "经审查，现答复如下：") in letter
    assert f"根据{zh(LEGAL_BASIS[outcome])}的规定，" in letter
    for phrase in OUTCOME_PHRASES[outcome]:
        assert phrase in letter, phrase
    assert f"<p class=\"letter-signature\">{AGENCY}</p>" in letter
    assert "<p class=\"letter-signature\">2026年10月20日</p>" in letter


@pytest.mark.parametrize("outcome", Outcome.values)
def test_every_letter_tells_the_applicant_the_remedies(agency, outcome):
    """Administrative review within 60 days, or a lawsuit within six months — whatever the outcome."""
    letter = render_letter(make_application(), outcome=outcome)
    assert zh(REMEDIES) in letter
    assert ("如对本答复不服，可以自收到本告知书之日起六十日内依法申请行政复议，"
            "或者自收到本告知书之日起六个月内依法提起行政诉讼。") in letter
    # The remedies come after the decision and before the signature.
    assert letter.index("根据") < letter.index("六十日") < letter.index(AGENCY)


def test_each_outcome_has_its_own_wording(agency):
    letters = {render_letter(make_application(), outcome=outcome) for outcome in Outcome.values}
    assert len(letters) == len(Outcome.values)


def test_partial_disclosure_names_what_was_withheld_and_why_r37(agency):
    letter = render_letter(make_application(), outcome=Outcome.PARTIAL,
                           extra={"withheld_parts": "附件2中企业联系人的手机号码", "ground": "涉及个人隐私"})
    assert "以下内容不予公开：附件2中企业联系人的手机号码。" in letter
    assert "不予公开的理由：涉及个人隐私。" in letter
    assert "（电子文件，在查询页面下载）" in letter  # the rest is provided as asked (R.29(3))


def test_partial_disclosure_ground_may_be_a_withheld_outcome_with_its_article(agency):
    letter = render_letter(make_application(), outcome=Outcome.PARTIAL,
                           extra={"withheld_parts": "第5页", "ground": Outcome.WITHHELD_STATE_SECRET})
    assert f"不予公开的理由：属于国家秘密（{zh(LEGAL_BASIS[Outcome.WITHHELD_STATE_SECRET])}）。" in letter


def test_missing_facts_are_gaps_to_fill_and_are_listed(agency):
    letter = render_letter(make_application(received_on=None), outcome=Outcome.PARTIAL)
    assert letter_placeholders(letter) == ["收到申请日期", "不予公开的内容", "不予公开的理由"]
    complete = render_letter(make_application(), outcome=Outcome.PARTIAL,
                             extra={"withheld_parts": "第5页", "ground": "涉及商业秘密"})
    assert letter_placeholders(complete) == []
    assert letter_placeholders(render_letter(make_application(), outcome=Outcome.OTHER)) == ["处理情况"]


def test_document_number_is_quoted_when_given(agency):
    letter = render_letter(make_application(document_number="测工信发〔2025〕12号"), outcome=Outcome.DISCLOSED)
    assert "申请获取“2025年度省级工业互联网平台名单”（文号：测工信发〔2025〕12号）。" in letter


def test_already_public_says_where_r36_1(agency):
    letter = render_letter(make_application(), outcome=Outcome.DISCLOSED,
                           extra={"public_location": "本厅门户网站“政府信息公开”专栏"})
    assert "已经主动公开" in letter
    assert "您可以通过以下途径获取：本厅门户网站“政府信息公开”专栏。" in letter
    assert "本机关决定予以公开" not in letter


def test_not_this_agency_names_the_one_responsible_r36_5(agency):
    application = make_application(redirect_agency="测试省市场监督管理局")
    letter = render_letter(application, outcome=Outcome.UNAVAILABLE_NOT_HELD,
                           extra={"redirect_contact": "0431-12345678"})
    assert "不属于本机关负责公开" in letter
    assert "负责公开该政府信息的行政机关为测试省市场监督管理局，联系方式：0431-12345678。" in letter
    assert "请您向该机关提出申请。" in letter
    assert "不存在" not in letter
    assert letter_context(application, outcome=Outcome.UNAVAILABLE_NOT_HELD)["redirect_agency"] == "测试省市场监督管理局"


def test_not_held_after_search_says_it_does_not_exist_r36_4(agency):
    letter = render_letter(make_application(), outcome=Outcome.UNAVAILABLE_NOT_HELD,
                           extra={"searched": "档案室及办公系统"})
    assert "本机关经检索（档案室及办公系统），没有您所申请公开的政府信息。" in letter
    assert "告知您该政府信息不存在。" in letter


def test_third_party_objection_is_stated_when_consulted_r32(agency):
    letter = render_letter(make_application(), outcome=Outcome.WITHHELD_THIRD_PARTY,
                           extra={"third_party_objected": True})
    assert "第三方不同意公开" in letter


def test_repeat_application_cites_the_earlier_reply_r36_6(agency):
    letter = render_letter(make_application(), outcome=Outcome.NOT_PROCESSED_REPEAT,
                           extra={"previous_reply_on": dt.date(2026, 8, 3), "previous_reply": "〔2026〕第 SQ2026-000042 号"})
    assert "本机关已于2026年8月3日就您申请公开的相同政府信息作出答复（〔2026〕第 SQ2026-000042 号）" in letter


def test_no_supplement_uses_the_deadline_that_was_set_r30(agency):
    application = make_application(supplement_deadline=dt.date(2026, 10, 9))
    letter = render_letter(application, outcome=Outcome.OTHER_NO_SUPPLEMENT,
                           extra={"supplement_requested_on": dt.date(2026, 9, 25)})
    assert "本机关已于2026年9月25日书面告知您在2026年10月9日前对申请内容作出补正。" in letter


def test_fee_unpaid_cites_the_notice_and_the_payment_period_109(agency):
    letter = render_letter(make_application(), outcome=Outcome.OTHER_FEE_UNPAID,
                           extra={"fee_notice_on": dt.date(2026, 9, 1)})
    assert "本机关已于2026年9月1日向您发出信息处理费收费通知。您未在收到通知之日起20个工作日内缴纳费用" in letter


def test_other_handling_uses_the_explanation_once(agency):
    letter = render_letter(make_application(), outcome=Outcome.OTHER,
                           extra={"explanation": "申请人已于2026年10月10日书面撤回申请。"})
    assert letter.count("申请人已于2026年10月10日书面撤回申请。") == 1


def test_explanation_adds_a_paragraph_to_any_outcome(agency):
    letter = render_letter(make_application(), outcome=Outcome.WITHHELD_STATE_SECRET,
                           extra={"explanation": "第一行\n第二行"})
    assert "<p>第一行<br>第二行</p>" in letter


def test_letter_date_can_be_given(agency):
    letter = render_letter(make_application(), outcome=Outcome.DISCLOSED, extra={"date": dt.date(2027, 1, 4)})
    assert "〔2027〕第 SQ2026-000001 号" in letter
    assert "2027年1月4日" in letter


def test_letter_context_holds_what_the_letter_needs(agency):
    context = letter_context(make_application(), outcome=Outcome.PARTIAL,
                             extra={"withheld_parts": "第3页", "ground": "涉及个人隐私"})
    assert context["agency"].name == AGENCY
    assert context["applicant_name"] == "张三"
    assert context["tracking_code"] == "SQ2026-000001"
    assert context["received_on"] == dt.date(2026, 9, 21)
    assert context["information_title"] == "2025年度省级工业互联网平台名单"
    assert str(context["outcome_label"]) == str(Outcome.PARTIAL.label)
    assert context["legal_basis"] == LEGAL_BASIS[Outcome.PARTIAL]
    assert context["today"] == dt.date(2026, 10, 20)
    assert context["withheld_parts"] == "第3页"
    assert context["ground"] == "涉及个人隐私"


def test_unknown_outcome_is_refused(agency):
    with pytest.raises(ValueError, match="unknown outcome"):
        render_letter(make_application(), outcome="lost_in_the_post")


def test_letter_is_in_the_agency_language_even_for_an_english_speaking_clerk(agency):
    with translation.override("en"):
        letter = render_letter(make_application(), outcome=Outcome.WITHHELD_STATE_SECRET)
    assert "政府信息公开申请答复告知书" in letter
    assert "六十日内依法申请行政复议" in letter


def test_without_an_agency_profile_the_placeholder_name_signs():
    letter = render_letter(make_application(), outcome=Outcome.DISCLOSED)
    assert f"<p class=\"letter-signature\">{SiteProfile.current().name}</p>" in letter


# --- Hostile input ----------------------------------------------------------------------------

SCRIPT = "<script>alert('x')</script>"


def test_script_in_the_applicant_name_or_title_is_escaped(agency):
    application = make_application(applicant_name=f"李四{SCRIPT}", information_title="<img src=x onerror=alert(1)>名单")
    letter = render_letter(application, outcome=Outcome.DISCLOSED)
    assert "<script" not in letter
    assert "<img" not in letter
    assert "李四&lt;script&gt;" in letter


@pytest.mark.parametrize("key", ["withheld_parts", "ground", "explanation", "public_location", "provision"])
def test_script_in_extra_is_escaped(agency, key):
    outcome = Outcome.PARTIAL if key in ("withheld_parts", "ground") else Outcome.DISCLOSED
    letter = render_letter(make_application(), outcome=outcome, extra={key: f"{SCRIPT}<b onclick=x>粗</b>"})
    assert "<script" not in letter
    assert "onclick" not in letter.replace("&lt;b onclick", "")  # only as visible, escaped text
    assert "&lt;script&gt;" in letter


def test_sanitize_letter_keeps_the_allowlist_and_drops_the_rest():
    dirty = (
        '<h2 style="color:red">标题</h2><p class="letter-signature evil" onclick="x()">签名</p>'
        "<script>alert(1)</script><style>p{}</style><a href='javascript:x'>链接</a><img src=x>"
        '<table><thead><tr><th colspan="2">表头</th></tr></thead><tbody><tr><td rowspan="1" id="y">格</td></tr></tbody></table>'
        "<ol><li><strong>一</strong></li></ol><ul><li><em>二</em></li></ul><h3>小标题</h3><br><div>块</div>"
    )
    clean = sanitize_letter(dirty)
    assert clean == (
        '<h2>标题</h2><p class="letter-signature">签名</p>链接'
        '<table><thead><tr><th colspan="2">表头</th></tr></thead><tbody><tr><td rowspan="1">格</td></tr></tbody></table>'
        "<ol><li><strong>一</strong></li></ol><ul><li><em>二</em></li></ul><h3>小标题</h3><br>块"
    )
    assert sanitize_letter(clean) == clean
    assert sanitize_letter("") == ""


# --- PDF --------------------------------------------------------------------------------------

def pdf_info(data: bytes, key: str) -> str:
    """A string of the document information dictionary (a literal string, UTF-16 with BOM)."""
    match = re.search(rb"/" + key.encode() + rb" \((.*?)(?<!\\)\)", data, re.S)
    assert match, key
    raw = match.group(1).decode("latin-1").encode("latin-1").decode("unicode_escape").encode("latin-1")
    return raw.decode("utf-16") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")


def assert_pdf(data: bytes) -> None:
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert b"STSong-Light" in data
    assert re.search(rb"/Type\s*/Page\b", data)


@pytest.mark.parametrize("outcome", Outcome.values)
def test_every_outcome_letter_makes_a_pdf(agency, outcome):
    letter = render_letter(make_application(), outcome=outcome)
    assert_pdf(letter_pdf(letter, title=zh(LETTER_TITLE)))


def test_pdf_is_deterministic_and_has_the_title_in_its_metadata(agency):
    letter = render_letter(make_application(), outcome=Outcome.DISCLOSED)
    first = letter_pdf(letter, title="告知书 SQ2026-000001", author=AGENCY)
    assert first == letter_pdf(letter, title="告知书 SQ2026-000001", author=AGENCY)
    assert pdf_info(first, "Title") == "告知书 SQ2026-000001"
    assert pdf_info(first, "Author") == AGENCY


def test_a_long_letter_runs_over_several_pages(agency):
    letter = render_letter(make_application(), outcome=Outcome.OTHER, extra={"explanation": "依法办理。" * 3000})
    data = letter_pdf(letter, title="告知书")
    assert_pdf(data)
    assert len(re.findall(rb"/Type\s*/Page\b", data)) > 3


EDGE_CASES = {
    "empty": "",
    "whitespace": "  \n\t ",
    "only tags": "<p></p><h2></h2><ol><li></li></ol><table><tr><td></td></tr></table><br><br>",
    "text outside blocks": "没有段落的文字<br>第二行",
    "very long Chinese": "<p>" + "政府信息公开" * 5000 + "</p>",
    "very long word": "<p>" + "a" * 50000 + "</p>",
    "long URL": "<p>https://example.invalid/" + "x/" * 3000 + "</p>",
    "outside GB2312 and the BMP": "<p>𠀀𪚥𡃁 😀 ﹏ Ǹ ẞ ☃ 张𠀀三</p>",
    "control and format characters": "<p>a\x00b\x07c\u200bd\ufeffe\u202ef\ue000g</p>",
    "reportlab markup as text": "<p>&lt;b&gt;粗&lt;/b&gt; &lt;font size=99&gt; &amp; &lt;para&gt; <b>x</b></p>",
    "nested lists": "<ol><li>一<ul><li>甲<ol><li>子</li></ol></li></ul>续</li><li>二</li></ol>",
    "list item outside a list": "<li>孤立的项</li>",
    "table": "<table><thead><tr><th>名称</th><th></th></tr></thead><tbody><tr><td>甲<p>段</p>乙</td>"
             "<td><table><tr><td>嵌套</td></tr></table></td></tr></tbody></table>",
    "unclosed tags": "<p>未闭合<strong>粗体<em>斜体<table><tr><td>格",
    "stray end tags": "</p></li></ol></td></tr></table>文字</h2>",
    "script and style": "<script>alert(1)</script><style>p{color:red}</style><p onclick=x>正文</p>",
    "huge table cell": "<table><tr><td>" + "很长的单元格" * 3000 + "</td></tr></table>",
    "many breaks": "<p>" + "<br>" * 500 + "文字" + "<br>" * 500 + "</p>",
    "entities": "<p>&nbsp;&ensp;&emsp;&#0;&#xD800;&#x1F600;&copy;&reg;&euro;</p>",
}


@pytest.mark.parametrize("html", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_pdf_never_fails_on_odd_input(html):
    assert_pdf(letter_pdf(html, title="告知书"))


def test_pdf_survives_an_odd_title():
    assert_pdf(letter_pdf("<p>正文</p>", title="𠀀\x00<script>"))


def test_characters_the_font_lacks_become_a_visible_box():
    assert renderable_text("张𠀀三😀") == "张□三□"
    assert renderable_text("a\x00b\u200bc\ufeff") == "abc"
    assert renderable_text("甲\u00a0\u3000乙\n\t丙") == "甲 乙 丙"
    assert renderable_text("《条例》第三十六条第（五）项：“一、二”——100元 · é ü ㎡ ℃") == (
        "《条例》第三十六条第（五）项：“一、二”——100元 · é ü ㎡ ℃")


def test_characters_the_font_lacks_fall_back_to_a_near_equivalent():
    assert renderable_text("¥100 £5 • © ÉŌ ﬁ") == "￥100 ￡5 · (C) EO fi"


# --- The printable page -------------------------------------------------------------------------

def test_print_page_renders_the_letter_standalone(agency):
    application = make_application()
    letter = render_letter(application, outcome=Outcome.PARTIAL,
                           extra={"withheld_parts": "第3页", "ground": "涉及个人隐私"})
    page = render_to_string("applications/letter_print.html",
                            {"application": application, "letter_html": letter, "site": agency})
    assert page.lstrip().startswith("<!DOCTYPE html>")
    assert '<html lang="zh-hans">' in page
    assert letter in page  # already sanitized: shown as HTML, not escaped
    assert "SQ2026-000001" in page and AGENCY in page
    assert "css/letter.css" in page
    # Standalone and closed-network safe: no inline style or script, nothing from another host.
    assert "<style" not in page and "style=" not in page
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page)


def test_print_stylesheet_sets_a4_and_hides_the_toolbar():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "letter.css").read_text(encoding="utf-8")
    assert "size: A4" in css
    assert re.search(r"@media print\s*{[^@]*\.no-print\s*{\s*display:\s*none", css)
    assert "url(" not in css  # no web fonts or images from anywhere


def test_pdf_falls_back_to_plain_text_if_the_layout_fails(monkeypatch):
    from applications import letter_pdf as pdf

    def broken(self, data):
        raise RuntimeError("layout bug")

    monkeypatch.setattr(pdf._LetterFlowables, "feed", broken)
    assert_pdf(letter_pdf("<h2>标题</h2><p>正文</p><table><tr><td>格</td></tr></table>", title="告知书"))


def test_a_drafted_letter_is_stable_under_the_sanitizer_staff_edits_go_through(agency):
    for outcome in Outcome.values:
        letter = render_letter(make_application(), outcome=outcome)
        assert sanitize_letter(letter) == letter


# --- What a refusal letter must say before it is sent (R.36) -------------------------------------------


def test_a_generated_refusal_letter_lacks_nothing(agency):
    from applications.letters import letter_omissions
    from applications.outcomes import REFUSALS

    for outcome in REFUSALS:
        assert letter_omissions(render_letter(make_application(), outcome=outcome), outcome) == [], outcome


def test_a_refusal_letter_without_its_articles_or_remedies_is_named(agency):
    from applications.letters import letter_omissions

    bare = "<p>张三：</p><p>本机关决定不予公开。</p>"
    missing = letter_omissions(bare, Outcome.WITHHELD_STATE_SECRET)
    assert len(missing) == 2 and "第十四条" in missing[0] and "六十日" in missing[1]
    # The right law but another article is not the basis of this refusal.
    wrong_article = ("<p>根据《中华人民共和国政府信息公开条例》第十六条第一款、第三十六条第（三）项的规定，不予公开。</p>"
                     "<p>可以自收到之日起六十日内申请行政复议，或者六个月内提起行政诉讼。</p>")
    assert len(letter_omissions(wrong_article, Outcome.WITHHELD_STATE_SECRET)) == 1
    assert letter_omissions(wrong_article, Outcome.WITHHELD_INTERNAL_AFFAIRS) == []
    # Every outcome can be challenged: a disclosure needs no article check, but its remedies.
    assert [m[:4] for m in letter_omissions(bare, Outcome.DISCLOSED)] == ["救济途径"]
    assert letter_omissions(wrong_article, Outcome.DISCLOSED) == []


# --- The review body (issue #14 item 13) -------------------------------------------------------------


@pytest.mark.parametrize("outcome", Outcome.values)
def test_every_letter_names_the_review_body_with_the_60_day_and_6_month_limits(agency, outcome):
    """Since the 2024 Administrative Reconsideration Law a provincial department is reviewed by the
    provincial government: the profile names it, and every reply and closing letter says so."""
    agency.review_body = "吉林省人民政府"
    agency.save()
    letter = letter_text(render_letter(make_application(), outcome=outcome))
    assert ("如对本答复不服，可以自收到本告知书之日起六十日内向吉林省人民政府申请行政复议，"
            "或者自收到本告知书之日起六个月内依法向人民法院提起行政诉讼。") in letter


def test_a_letter_that_does_not_name_the_configured_review_body_is_incomplete(agency):
    from applications.letters import letter_omissions

    general = ("<p>如对本答复不服，可以自收到本告知书之日起六十日内依法申请行政复议，"
               "或者自收到本告知书之日起六个月内依法提起行政诉讼。</p>")
    assert letter_omissions(general, Outcome.DISCLOSED) == []  # no review body in the profile yet
    agency.review_body = "吉林省人民政府"
    agency.save()
    assert letter_omissions(general, Outcome.DISCLOSED) == ["行政复议机关（吉林省人民政府）"]


def test_confirmation_requests_do_not_cite_the_publications_paragraph():
    """R.39(2) is about public publications (table 3 (五)3), not about confirming information."""
    basis = zh(LEGAL_BASIS[Outcome.NOT_PROCESSED_CONFIRMATION])
    assert "第三十九条" not in basis
    assert zh(LEGAL_BASIS[Outcome.NOT_PROCESSED_PUBLICATION]).endswith("第三十九条第二款")

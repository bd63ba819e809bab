"""The personal-data scanner (portal/personal_data.py): identity numbers with their check digit
(GB 11643), mobile numbers, bank cards (Luhn), e-mail addresses and the agency's list of wrong
wording (错敏词), in text, PDF text layers, DOCX, XLSX and OFD (M.6, R.15)."""

from __future__ import annotations

import io
import random
import time
import zipfile

import pytest

from portal.personal_data import Rules, luhn_is_valid, mask, scan_file, scan_text
from portal.validators import RESIDENT_ID_CHECK, RESIDENT_ID_WEIGHTS, resident_id_is_valid
from tests import pdf_samples as samples


def _with_check_digit(first17: str) -> str:
    return first17 + RESIDENT_ID_CHECK[sum(int(d) * w for d, w in zip(first17, RESIDENT_ID_WEIGHTS, strict=True)) % 11]


def _kinds(text: str, rules: Rules | None = None) -> list[tuple[str, str]]:
    return [(hit.kind, hit.value) for hit in scan_text(text, rules)]


def test_identity_number_with_a_valid_check_digit_is_found_and_shown_masked_m6():
    number = _with_check_digit("22010219900307123")
    hits = scan_text(f"申请人张三，身份证号{number}，现住长春市。")
    assert [(h.kind, h.value) for h in hits] == [("resident_id", number)]
    assert number not in hits[0].context  # the page shows where it is, not the number itself
    assert "【2201**********" in hits[0].context and "身份证号" in hits[0].context


def test_random_18_digit_numbers_failing_the_check_digit_are_not_hits():
    rng = random.Random(20)
    checked = 0
    while checked < 2000:
        first17 = f"{rng.randint(110000, 659999)}{rng.randint(1950, 2010)}{rng.randint(1, 12):02d}" \
                  f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
        wrong = next(d for d in "0123456789X" if not resident_id_is_valid(first17 + d))
        assert scan_text(f"编号{first17}{wrong}。") == [], first17 + wrong
        checked += 1


def test_identity_number_typed_with_full_width_digits_is_found():
    number = _with_check_digit("11010519491231002")
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert _kinds(f"身份证：{full_width}") == [("resident_id", full_width)]


def test_a_longer_run_of_digits_is_not_an_identity_number():
    number = _with_check_digit("22010219900307123")
    assert scan_text(f"流水号9{number}1") == []


@pytest.mark.parametrize("text", ["手机13904311234", "手机：139-0431-1234", "电话 +86 139 0431 1234", "（86）13904311234"])
def test_mobile_numbers_are_found_in_the_ways_people_write_them(text):
    assert [h.kind for h in scan_text(text)] == ["mobile"]


@pytest.mark.parametrize("text", ["电话0431-88888888", "邮编130000", "文号吉工信发〔2026〕12号", "索引号11220000013544357T/2026-00001",
                                  "金额12904311234567元"])
def test_landlines_codes_and_long_numbers_are_not_mobiles(text):
    assert scan_text(text) == []


def test_bank_card_numbers_pass_the_luhn_check_or_are_not_hits():
    assert luhn_is_valid("6222020200000000006") and not luhn_is_valid("6222020200000000007")
    assert _kinds("卡号6222 0202 0000 0000 006") == [("bank_card", "6222 0202 0000 0000 006")]
    assert scan_text("卡号6222020200000000007") == []
    assert _kinds("信用卡4111111111111111") == [("bank_card", "4111111111111111")]


def test_email_addresses_are_found_except_the_agencys_own_domains():
    rules = Rules(allowed_email_domains=("gov.cn",))
    assert _kinds("联系邮箱 zhang.san@qq.com 或 gongkai@gxt.jl.gov.cn", rules) == [("email", "zhang.san@qq.com")]
    assert mask("zhang.san@qq.com") == "zh***@qq.com"


def test_sensitive_words_are_found_with_their_correct_wording():
    rules = Rules(words={"省经信委": "省工业和信息化厅", "WTO": ""})
    hits = scan_text("按照省经信委的部署，结合wto规则……", rules)
    assert [(h.kind, h.value, h.suggestion) for h in hits] == [
        ("sensitive_word", "省经信委", "省工业和信息化厅"), ("sensitive_word", "wto", "")]


def test_the_applicants_own_numbers_are_not_hits_in_a_reply_to_them():
    number = _with_check_digit("22010219900307123")
    rules = Rules(exclude=frozenset({number, "13904311234", "ZHANG@QQ.COM"}))
    assert scan_text(f"{number} 13904311234 zhang@qq.com 13800000000", rules)[0].value == "13800000000"


def test_hits_in_a_pdf_carry_their_page_and_a_box_over_the_number():
    data, spots = samples.chinese_text_pdf(3, secret_pages=(2,))
    result = scan_file(data, name="材料.pdf", kind="pdf")
    assert result.fully_checked and result.pages == 3
    (hit,) = result.hits
    assert (hit.kind, hit.value, hit.page, hit.location) == ("resident_id", samples.ID_NUMBER, 2, "第 2 页")
    expected = samples.box_over(spots[-2])
    assert hit.box["page"] == 2
    for key in ("x", "y", "w", "h"):
        assert abs(hit.box[key] - expected[key]) < 0.02, key


def test_a_scanned_pdf_is_reported_as_not_checked_never_as_clean():
    data, _spot = samples.scanned_pdf()
    result = scan_file(data, name="扫描件.pdf", kind="pdf")
    assert result.hits == [] and not result.fully_checked
    assert result.pages_without_text == [1]
    assert "没有文字层" in result.note


def test_an_encrypted_or_broken_pdf_says_it_could_not_be_checked():
    data, _spots = samples.chinese_text_pdf(1)
    assert "加密" in scan_file(samples.encrypted(data), name="a.pdf", kind="pdf").note
    broken = scan_file(b"%PDF-1.4 nonsense", name="b.pdf", kind="pdf")
    assert not broken.readable and "无法读取" in broken.note


def _docx(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                         f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')
    return buffer.getvalue()


def test_docx_xlsx_and_ofd_text_is_scanned():
    from openpyxl import Workbook

    number = _with_check_digit("22010219900307123")
    docx = scan_file(_docx(["项目联系人：李四", "手机：13904311234"]), name="a.docx", kind="docx")
    assert [h.kind for h in docx.hits] == ["mobile"]

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    sheet.append(["姓名", "身份证号"])
    sheet.append(["王五", number])
    buffer = io.BytesIO()
    workbook.save(buffer)
    xlsx = scan_file(buffer.getvalue(), name="b.xlsx", kind="xlsx")
    assert [(h.kind, h.location) for h in xlsx.hits] == [("resident_id", "工作表“名单”第 2 行")]

    ofd = io.BytesIO()
    with zipfile.ZipFile(ofd, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD/>")
        archive.writestr("Doc_0/Pages/Page_0/Content.xml",
                         f'<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer><ofd:TextObject>'
                         f'<ofd:TextCode>身份证号{number}</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>')
    assert [h.kind for h in scan_file(ofd.getvalue(), name="c.ofd", kind="ofd").hits] == ["resident_id"]


def test_images_old_office_files_and_broken_archives_are_named_as_unchecked():
    image = scan_file(b"\x89PNG...", name="a.png", kind="png")
    assert not image.readable and "图片" in image.note
    old = scan_file(b"\xd0\xcf\x11\xe0", name="a.doc", kind="ole2")
    assert not old.readable and "DOCX" in old.note
    broken = scan_file(b"PK\x03\x04broken", name="a.docx", kind="docx")
    assert not broken.readable and "无法读取" in broken.note


def test_a_50_page_text_pdf_is_scanned_in_under_a_second():
    data, _spots = samples.chinese_text_pdf(50, secret_pages=(7, 33), filler_lines=40)
    start = time.process_time()
    result = scan_file(data, name="长文件.pdf", kind="pdf", rules=Rules(words={"经信委": "工业和信息化厅"}))
    elapsed = time.process_time() - start
    assert [h.page for h in result.hits] == [7, 33]
    assert elapsed < 1.0, f"{elapsed:.2f} s"

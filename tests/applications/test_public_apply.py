"""The public application form (R.27, R.29) and its receipt (R.31, R.33): no account needed."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse

from applications import services
from applications.models import ApplicationFile, DisclosureApplication, FileRole, Status
from portal.errors import InvalidInput
from portal.pagecache import MARK

APPLY = reverse("applications:apply")

PERSON = {
    "applicant_type": "natural_person", "applicant_name": "张三", "identity_document": "resident_id",
    "identity_number": "11010519491231002X", "phone": "13912345678", "email": "zhangsan@example.invalid",
    "address": "长春市测试路1号", "postcode": "130000",
    "information_title": "2025年度省级工业互联网平台名单", "document_number": "", "index_number": "",
    "description": "请提供2025年度省级工业互联网平台认定名单。", "purpose": "",
    "medium": "electronic", "delivery": "download",
}
COMPANY = {
    **PERSON, "applicant_type": "commercial", "applicant_name": "长春某某科技有限公司",
    "legal_representative": "李四", "contact_person": "王五", "identity_document": "uscc",
    "identity_number": "11220000013544357T",
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def form_key(client, **params) -> str:
    page = client.get(APPLY, params)
    assert page.status_code == 200
    return re.search(r'name="idempotency_key" value="([0-9a-f-]{36})"', page.text).group(1)


def submit(client, data: dict, files=None, key: str | None = None):
    payload = {**data, "idempotency_key": key or form_key(client)}
    if files:
        payload["attachments"] = files
    return client.post(APPLY, payload)


def receipt_codes(page) -> tuple[str, str]:
    code = re.search(r'class="receipt-code">([^<]+)<', page.text).group(1)
    secret = re.search(r'class="receipt-secret">([^<]+)<', page.text).group(1)
    return code, secret


def field_error(page, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="id_{name}_error">(.*?)</p>', page.text, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else ""


def test_form_renders_with_the_catalogue_entry_prefilled(client, world):
    """The catalogue's 申请获取 link carries ?title=&index=; they fill the form as plain text."""
    page = client.get(APPLY, {"title": "2025年度技术改造专项资金分配明细", "index": "GKML-2025-0001"})
    assert page.status_code == 200
    text = page.text
    assert 'name="information_title"' in text and 'value="2025年度技术改造专项资金分配明细"' in text
    assert 'value="GKML-2025-0001"' in text
    assert 'enctype="multipart/form-data"' in text and 'name="attachments"' in text and "multiple" in text
    assert "条例第二十九条" in text
    for label in ("申请人类型", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
                  "证件号码", "联系电话", "所需信息名称", "获取信息的方式"):
        assert label in text
    assert "<script>" not in text and "style=" not in text  # no inline script or style


def test_prefill_is_plain_text_and_capped(client, world):
    page = client.get(APPLY, {"title": "<script>alert(1)</script>" + "长" * 400, "index": "X" * 200})
    text = page.text
    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    value = re.search(r'name="information_title" value="([^"]*)"', text).group(1)
    assert len(value.replace("&lt;", "<").replace("&gt;", ">")) == 300
    index = re.search(r'name="index_number" value="([^"]*)"', text).group(1)
    assert len(index) == 100


def test_natural_person_submits_and_the_receipt_shows_code_and_secret_r29(client, world):
    page = submit(client, PERSON)
    assert page.status_code == 200
    code, secret = receipt_codes(page)
    application = DisclosureApplication.objects.get()
    assert application.tracking_code == code
    assert application.status == Status.SUBMITTED
    assert application.applicant_name == "张三" and application.identity_number == "11010519491231002X"
    assert services.secret_matches(application, secret)
    assert secret not in page.request["PATH_INFO"] and "secret" not in page.request["QUERY_STRING"]
    # The receipt says when the clock starts and how long it runs.
    assert "条例第三十一条" in page.text and "20个工作日" in page.text and "条例第三十三条" in page.text
    assert application.information_title in page.text
    assert "data-print" in page.text
    assert "no-store" in page["Cache-Control"]


def test_company_with_a_valid_unified_social_credit_code(client, world):
    page = submit(client, COMPANY)
    assert page.status_code == 200
    code, _secret = receipt_codes(page)
    application = DisclosureApplication.objects.get(tracking_code=code)
    assert application.applicant_type == "commercial"
    assert (application.legal_representative, application.contact_person) == ("李四", "王五")
    assert application.identity_number == "11220000013544357T"


def test_resident_id_with_a_wrong_check_digit_is_refused_on_its_field(client, world):
    page = submit(client, {**PERSON, "identity_number": "110105194912310021"})
    assert page.status_code == 200
    assert "居民身份证号码无效" in field_error(page, "identity_number")
    assert 'href="#id_identity_number"' in page.text  # the error summary links to the field
    assert 'aria-invalid="true"' in page.text
    assert DisclosureApplication.objects.count() == 0


def test_uscc_with_a_wrong_check_digit_is_refused_on_its_field(client, world):
    page = submit(client, {**COMPANY, "identity_number": "11220000013544357X"})
    assert "统一社会信用代码无效" in field_error(page, "identity_number")
    assert DisclosureApplication.objects.count() == 0


def test_an_organisation_needs_its_representative_contact_and_not_a_resident_id(client, world):
    page = submit(client, {**COMPANY, "legal_representative": "", "contact_person": "",
                           "identity_document": "resident_id", "identity_number": "11010519491231002X"})
    assert field_error(page, "legal_representative") and field_error(page, "contact_person")
    assert "统一社会信用代码" in field_error(page, "identity_document")
    assert DisclosureApplication.objects.count() == 0


def test_delivery_by_email_needs_an_email_address(client, world):
    page = submit(client, {**PERSON, "email": "", "delivery": "email"})
    assert "电子邮箱" in field_error(page, "email")
    assert DisclosureApplication.objects.count() == 0


def test_empty_required_fields_are_each_named_and_nothing_is_stored(client, world):
    page = client.post(APPLY, {"idempotency_key": form_key(client)})
    assert page.status_code == 200
    assert "提交未成功" in page.text and "<title>错误：" in page.text
    for name in ("applicant_type", "applicant_name", "identity_document", "identity_number", "phone",
                 "information_title", "description"):
        assert field_error(page, name), name
        assert f'href="#id_{name}"' in page.text
    assert DisclosureApplication.objects.count() == 0


def test_a_description_of_6000_characters_is_refused(client, world):
    page = submit(client, {**PERSON, "description": "长" * 6000})
    assert "最多5000字，您填写了6000字" in field_error(page, "description")
    assert DisclosureApplication.objects.count() == 0
    # What was typed is kept for correction.
    assert 'value="2025年度省级工业互联网平台名单"' in page.text


def test_script_tags_are_stored_as_text_and_shown_escaped(client, world):
    evil = '<script>alert("x")</script>'
    page = submit(client, {**PERSON, "applicant_name": evil, "description": evil + "说明",
                           "information_title": "名单<img src=x onerror=alert(1)>"})
    assert page.status_code == 200
    application = DisclosureApplication.objects.get()
    assert application.applicant_name == evil
    assert application.information_title == "名单<img src=x onerror=alert(1)>"
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text


def test_a_double_submit_stores_one_application_and_shows_the_same_receipt(client, world):
    key = form_key(client)
    first = submit(client, PERSON, key=key)
    second = submit(client, PERSON, key=key)
    assert DisclosureApplication.objects.count() == 1
    assert receipt_codes(first) == receipt_codes(second)
    assert "没有重复提交" in second.text


def test_each_form_gets_its_own_key_and_no_application_page_is_cached(client, world):
    """The form carries a CSRF token and a one-time key: it must never come from the page cache."""
    assert form_key(client) != form_key(client)
    names = ["apply", "track"]
    for name in names:
        assert not getattr(resolve(reverse(f"applications:{name}")).func, MARK, False)
    for name in ("case", "case_supplement", "case_withdraw", "case_rate", "case_letter", "case_letter_pdf"):
        assert not getattr(resolve(reverse(f"applications:{name}", args=["x"])).func, MARK, False)
    assert not getattr(resolve(reverse("applications:case_file", args=["x", 1])).func, MARK, False)


def test_attachments_are_stored_with_the_application(client, world):
    files = [SimpleUploadedFile("身份证明.pdf", b"%PDF-1.4 id"), SimpleUploadedFile("说明.png", b"\x89PNG\r\n\x1a\n0000")]
    page = submit(client, PERSON, files=files)
    assert page.status_code == 200
    application = DisclosureApplication.objects.get()
    stored = ApplicationFile.objects.filter(application=application)
    assert sorted(f.original_name for f in stored) == ["说明.png", "身份证明.pdf"]
    assert all(f.role == FileRole.APPLICATION and not f.visible_to_applicant for f in stored)


def test_a_disguised_executable_is_refused_and_nothing_is_stored(client, world):
    page = submit(client, PERSON, files=[SimpleUploadedFile("申请书.pdf", b"MZ\x90\x00 this is a program")])
    assert "内容与扩展名不符" in field_error(page, "attachments")
    assert DisclosureApplication.objects.count() == 0 and ApplicationFile.objects.count() == 0
    # The other fields are kept; files must be chosen again, and the page says so.
    assert 'value="张三"' in page.text
    assert "重新选择附件" in page.text


def test_more_than_ten_attachments_are_refused(client, world):
    files = [SimpleUploadedFile(f"{i}.pdf", b"%PDF-1.4 x") for i in range(11)]
    page = submit(client, PERSON, files=files)
    assert "最多10个" in field_error(page, "attachments")
    assert DisclosureApplication.objects.count() == 0


def test_a_refusal_by_the_service_is_shown_and_every_field_is_kept(client, world, monkeypatch):
    def refuse(**kwargs):
        raise InvalidInput("本机关暂停网上受理，请改用信函方式。")

    monkeypatch.setattr(services, "application_submit", refuse)
    page = submit(client, {**PERSON, "purpose": "科研"})
    assert page.status_code == 200
    assert "本机关暂停网上受理" in page.text
    for value in ("张三", "11010519491231002X", "13912345678", "2025年度省级工业互联网平台名单", "科研"):
        assert value in page.text
    assert 'value="natural_person" id="id_applicant_type_0" required checked' in page.text


def test_an_oversized_request_gets_the_friendly_400_page(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    page = submit(client, {**PERSON, "description": "长" * 1500})
    assert page.status_code == 400
    assert "请求无效或过大" in page.content.decode()
    assert DisclosureApplication.objects.count() == 0


def test_the_spam_trap_refuses_a_filled_hidden_field_and_stores_nothing(client, world):
    from applications.models import DisclosureApplication
    from tests.applications.conftest import PERSON

    page = client.get("/apply/")
    assert 'class="hp"' in page.content.decode()
    response = client.post("/apply/", {**PERSON, "website": "http://spam.example"})
    assert response.status_code == 200
    assert "提交未被接受" in response.content.decode()
    assert not DisclosureApplication.objects.exists()


def test_flooding_the_form_is_limited_with_a_friendly_page(client, world, settings):
    from tests.applications.conftest import PERSON

    settings.RATE_LIMITS = {"application_submit": (2, 3600)}
    for _ in range(2):
        assert client.post("/apply/", {**PERSON, "identity_number": "bad"}).status_code == 200
    limited = client.post("/apply/", dict(PERSON))
    assert limited.status_code == 429
    assert "提交过于频繁" in limited.content.decode()
    assert int(limited["Retry-After"]) > 0


def test_an_applicant_in_english_is_answered_in_english_and_the_office_told_in_chinese(client, world,
                                                                                       django_capture_on_commit_callbacks):
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(client, PERSON).status_code == 200
    (to_applicant,) = [m for m in mail.outbox if m.to == [PERSON["email"]]]
    assert "Your application for government information disclosure has been received" in to_applicant.subject
    (to_office,) = [m for m in mail.outbox if m.to != [PERSON["email"]]]
    assert "新的网上申请待确认" in to_office.subject and "New online" not in to_office.subject


def test_the_receipt_says_a_confirmation_was_mailed_only_when_one_was(client, world, django_capture_on_commit_callbacks):
    """Issue #15, 10: the applicant is told the mail went out, and that the secret is not in it."""
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        page = submit(client, PERSON)
    assert any(PERSON["email"] in m.to for m in mail.outbox)
    assert "确认邮件已发送到您填写的电子邮箱" in page.text and "查询密码不在邮件中" in page.text
    without = submit(client, {**PERSON, "email": "", "applicant_name": "李四"})
    assert without.status_code == 200 and "确认邮件已发送" not in without.text


def test_the_receipt_tells_phones_to_take_a_screenshot_not_to_press_ctrl_p(client, world):
    page = submit(client, PERSON).text
    assert re.search(r'<span class="field-help wide-screen-only">[^<]*Ctrl\+P', page)
    assert re.search(r'<button type="button" class="button wide-screen-only" data-print hidden>', page)
    assert '<span class="field-help small-screen-only">在手机上，请截屏或抄写保存查询码和查询密码。</span>' in page

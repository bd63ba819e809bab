"""互动交流 for the public (M.10, M.18, M.19): the landing page, the complaint and consultation
forms and their receipts, tracking by code and secret, rating, the FAQ and the survey — and what
abuse and bad input get: a clear message, never a 500, nothing stored twice or half."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints import services
from complaints.models import Complaint, Consultation, Reporter, SurveyResponse
from complaints.services import complaints as complaint_services
from complaints.views import TRACK_MAX_AGE, case_token
from portal.errors import InvalidInput
from tests.complaints.conftest import ASKER, DETAILS, REPORTER, at, consult, drive_complaint, evidence, report

D = dt.date
COMPLAIN = reverse("complaints:complain")
CONSULT = reverse("complaints:consult")
TRACK = reverse("complaints:track")
SURVEY = reverse("complaints:survey")
FAQ = reverse("complaints:faq")


def complaint_form(world, **changes) -> dict:
    return {"office": world.office_a.pk, "failure_type": "late_reply", "related_reference": "SQ2026-000123",
            "details": DETAILS, "identity": "named", **REPORTER, **changes}


def consultation_form(**changes) -> dict:
    return {"office": "", "subject": "依申请公开是否收费", "question": "申请政府信息公开需要交费吗？", **ASKER,
            "publish_consent": "on", **changes}


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


# --- The landing page ----------------------------------------------------------------------------


def test_the_landing_page_leads_to_every_part(client, world):
    page = client.get(reverse("complaints:interact"))
    assert page.status_code == 200
    for name in ("consult", "complain", "track", "faq", "survey"):
        assert f'href="{reverse(f"complaints:{name}")}"' in page.text
    assert "15个工作日" in page.text and "第十九条" in page.text
    assert "csrfmiddlewaretoken" not in page.text  # no form: cached whole for anonymous visitors


# --- Complaints -----------------------------------------------------------------------------------


def test_the_complaint_form_renders_without_caching(client, world):
    page = client.get(COMPLAIN)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    select = page.text.split("被投诉的处室")[1].split("</select>")[0]
    assert "政策法规处" in select and f'value="{world.supervision_office.pk}"' not in select
    assert 'name="csrfmiddlewaretoken"' in page.text


def test_a_reporter_who_cannot_tell_the_office_leaves_it_to_the_supervision_office_m19(client, world):
    """As on the consultation form: “不确定，由厅监察室分办” (issue #15, 6)."""
    page = client.get(COMPLAIN).text
    assert re.search(r'<select name="office"[^>]*>\s*<option value="" selected>不确定，由厅监察室分办</option>', page)
    response = client.post(COMPLAIN, {**complaint_form(world), "office": ""})
    assert response.status_code == 200 and "投诉举报回执" in response.text
    assert "由厅监察室分办" in response.text
    assert Complaint.objects.get().office is None


def test_a_named_report_gets_a_receipt_with_code_and_secret(client, world):
    response = client.post(COMPLAIN, {**complaint_form(world), "attachments": [evidence()]})
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.tracking_code in response.text and "投诉举报回执" in response.text
    secret = re.search(r'id="receipt-secret" class="receipt-secret">([A-Z2-9]{8})<', response.text).group(1)
    assert services.secret_matches(complaint, secret)
    assert complaint.reporter.name == REPORTER["name"] and complaint.files.count() == 1
    assert REPORTER["name"] not in response.text  # the receipt names no one
    assert "no-store" in response["Cache-Control"]


def test_an_anonymous_report_keeps_nothing_typed_in_the_identity_fields(client, world):
    response = client.post(COMPLAIN, complaint_form(world, identity="anonymous", identity_number="123"))
    assert response.status_code == 200 and "投诉举报回执" in response.text
    complaint = Complaint.objects.get()
    assert complaint.anonymous and not Reporter.objects.exists()


def test_a_double_submit_stores_one_report_and_shows_the_same_secret(client, world):
    page = client.get(COMPLAIN).text
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    first = client.post(COMPLAIN, complaint_form(world, idempotency_key=key))
    second = client.post(COMPLAIN, complaint_form(world, idempotency_key=key))
    secret = re.compile(r'class="receipt-secret">([A-Z2-9]{8})<')
    assert secret.search(first.text).group(1) == secret.search(second.text).group(1)
    assert Complaint.objects.count() == 1 and "没有重复提交" in second.text


@pytest.mark.parametrize(("changes", "message"), [
    ({"details": ""}, "该字段是必填项"),
    ({"details": "   "}, "该字段是必填项"),
    ({"details": "情" * 5001}, "5000"),
    ({"office": "999999"}, "选择一个有效的选项"),
    ({"failure_type": "bribery"}, "选择一个有效的选项"),
    ({"name": ""}, "实名举报请填写姓名"),
    ({"phone": "", "email": ""}, "至少填写一种联系方式"),
    ({"phone": "<script>"}, "有效的联系电话"),
    ({"email": "not-an-address"}, "合法的邮件地址"),
    ({"identity_number": "110105194912310021"}, "证件号码无效"),
    ({"related_reference": "x" * 301}, "300"),
    ({"details": "含有\x00空字符"}, "空字符"),
    ({"identity": "both"}, "选择一个有效的选项"),
])
def test_bad_input_is_refused_field_by_field_and_nothing_is_stored(client, world, changes, message):
    response = client.post(COMPLAIN, complaint_form(world, **changes))
    assert response.status_code == 200
    assert "提交未成功" in response.text and message in response.text
    assert not Complaint.objects.exists()


def test_the_supervision_office_cannot_be_reported_here(client, world):
    response = client.post(COMPLAIN, complaint_form(world, office=world.supervision_office.pk))
    assert response.status_code == 200 and not Complaint.objects.exists()


def test_a_file_whose_content_does_not_match_is_refused(client, world):
    fake = SimpleUploadedFile("证据.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf")
    response = client.post(COMPLAIN, {**complaint_form(world), "attachments": [fake]})
    assert response.status_code == 200 and "内容与扩展名不符" in response.text
    assert not Complaint.objects.exists()


def test_script_tags_are_stored_as_text_and_shown_escaped(client, world):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client.post(COMPLAIN, complaint_form(world, details=script, name=script))
    complaint = Complaint.objects.get()
    assert complaint.details == script
    client.force_login(world.supervisor)
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).text
    assert script not in page and "&lt;script&gt;alert(" in page


def test_an_oversized_request_is_a_clear_400_not_a_500(client, world):
    response = client.post(COMPLAIN, complaint_form(world, details="情" * (6 * 1024 * 1024)))
    assert response.status_code == 400
    assert not Complaint.objects.exists()


# --- Consultations --------------------------------------------------------------------------------


def test_a_consultation_gets_a_receipt(client, world):
    response = client.post(CONSULT, consultation_form(office=world.office_a.pk))
    assert response.status_code == 200 and "咨询回执" in response.text
    consultation = Consultation.objects.get()
    assert (consultation.office, consultation.status, consultation.publish_consent) == (world.office_a, "assigned",
                                                                                        True)


@pytest.mark.parametrize(("changes", "message"), [
    ({"subject": ""}, "该字段是必填项"),
    ({"question": ""}, "该字段是必填项"),
    ({"question": "问" * 3001}, "3000"),
    ({"name": ""}, "该字段是必填项"),
    ({"subject": "题" * 101}, "100"),
    ({"phone": "abc"}, "有效的联系电话"),
    ({"office": str(10**9)}, "选择一个有效的选项"),
])
def test_bad_consultations_are_refused(client, world, changes, message):
    response = client.post(CONSULT, consultation_form(**changes))
    assert response.status_code == 200 and message in response.text
    assert not Consultation.objects.exists()


# --- Tracking ----------------------------------------------------------------------------------------


def test_wrong_secret_and_unknown_code_give_identical_answers(client, world):
    complaint, secret = report(world)
    consultation, consultation_secret = consult(world)
    answers = [
        client.post(TRACK, {"tracking_code": complaint.tracking_code, "secret": "ABCDEFGH"}),
        client.post(TRACK, {"tracking_code": "JB2099-999999", "secret": secret}),
        client.post(TRACK, {"tracking_code": consultation.tracking_code, "secret": secret}),
        client.post(TRACK, {"tracking_code": "XX2026-000001", "secret": consultation_secret}),
    ]
    assert {a.status_code for a in answers} == {200}
    assert len({without_csrf(a.text) for a in answers}) == 1
    assert "查询码或查询密码不正确" in answers[0].text
    assert f'value="{complaint.tracking_code}"' not in answers[0].text  # nothing typed is echoed


def test_a_report_is_tracked_to_its_reply_and_rated(client, world):
    complaint, secret = report(world, anonymous=True)
    found = client.post(TRACK, {"tracking_code": complaint.tracking_code.lower(), "secret": f" {secret.lower()} "})
    assert found.status_code == 302 and secret not in found["Location"]
    page = client.get(found["Location"]).text
    assert "待受理" in page and complaint.tracking_code in page and "评价本次办理" not in page
    drive_complaint(world, complaint, "replied")
    page = client.get(found["Location"]).text
    assert "已办结" in page and "经调查核实，您反映的问题属实" in page
    assert "要求被投诉处室说明" not in page and "已于近日答复" not in page  # internal steps stay internal
    assert "评价本次办理" in page
    rated = client.post(reverse("complaints:case_rate", args=[case_token(complaint)]),
                        {"rating": "4", "comment": "处理及时"}, follow=True)
    assert "感谢您的评价" in rated.text and "4 分" in rated.text
    complaint.refresh_from_db()
    assert (complaint.rating, complaint.rating_comment) == (4, "处理及时")
    again = client.post(reverse("complaints:case_rate", args=[case_token(complaint)]), {"rating": "1"})
    assert again.status_code in (200, 302)
    complaint.refresh_from_db()
    assert complaint.rating == 4


def test_an_open_case_cannot_be_rated_and_bad_ratings_are_refused(client, world):
    complaint, _secret = report(world)
    url = reverse("complaints:case_rate", args=[case_token(complaint)])
    response = client.post(url, {"rating": "5"})
    assert response.status_code == 200 and "办结后才能评价" in response.text
    drive_complaint(world, complaint, "declined")
    for bad in ("0", "6", "five", ""):
        response = client.post(url, {"rating": bad})
        assert response.status_code == 200 and "请选择" in response.text
    complaint.refresh_from_db()
    assert complaint.rating is None


def test_a_consultation_is_tracked_to_its_answer_and_rated(client, world):
    consultation, secret = consult(world, office=world.office_a)
    found = client.post(TRACK, {"tracking_code": consultation.tracking_code, "secret": secret})
    page = client.get(found["Location"]).text
    assert "办理中" in page and "政策法规处" in page
    services.consultation_answer(consultation=consultation, actor=world.drafter_a, answer="不收费。")
    page = client.get(found["Location"]).text
    assert "已答复" in page and "不收费。" in page and "评价本次办理" in page
    client.post(reverse("complaints:case_rate", args=[case_token(consultation)]), {"rating": "5"})
    consultation.refresh_from_db()
    assert consultation.rating == 5


@pytest.mark.parametrize("token", ["forged", "eyJrIjoiYyIsInAiOjF9:1abc:def"])
def test_a_forged_token_goes_back_to_the_track_form(client, world, token):
    report(world)
    response = client.get(reverse("complaints:case", args=[token]))
    assert response.status_code == 302 and response["Location"] == TRACK


def test_an_expired_token_goes_back_to_the_track_form(client, world):
    with at(D(2026, 11, 2), 10, 0):
        complaint, _secret = report(world)
        url = reverse("complaints:case", args=[case_token(complaint)])
        assert client.get(url).status_code == 200
    with at(D(2026, 11, 2), 10, TRACK_MAX_AGE // 60 + 1):
        page = client.get(url, follow=True)
    assert page.redirect_chain == [(TRACK, 302)] and "超过30分钟" in page.text


def test_a_token_of_an_application_opens_nothing_here(client, world):
    from django.core import signing

    complaint, _secret = report(world)
    other = signing.dumps({"a": complaint.pk}, salt="applications.track")
    assert client.get(reverse("complaints:case", args=[other]))["Location"] == TRACK


# --- The FAQ (published consultations) ------------------------------------------------------------


def _published(world, subject="依申请公开是否收费"):
    consultation, _secret = consult(world, office=world.office_a, subject=subject)
    consultation = services.consultation_answer(consultation=consultation, actor=world.drafter_a,
                                                answer="李雷咨询人：依申请提供政府信息不收费。")
    return services.consultation_publish(consultation=consultation, actor=world.disclosure, public_subject=subject,
                                         public_question="申请政府信息公开需要交费吗？",
                                         public_answer="依申请提供政府信息不收费。")


def test_the_faq_shows_dates_office_and_answer_never_the_asker(client, world):
    with at(D(2026, 11, 2)):
        item = _published(world)
    unpublished, _secret = consult(world, office=world.office_a, subject="未公开的咨询")
    page = client.get(FAQ).text
    for text in ("受理日期", "答复日期", "答复部门", "答复内容", "2026-11-02", "政策法规处", "依申请提供政府信息不收费。",
                 item.subject):
        assert text in page
    for secret in (ASKER["name"], ASKER["phone"], ASKER["email"], "未公开的咨询", item.tracking_code):
        assert secret not in page
    assert unpublished.subject not in page


def test_the_faq_shows_the_edited_subject_never_the_askers_own(client, world):
    """The asker's own subject may name them; the FAQ and the landing page show only the subject
    the disclosure office wrote when publishing."""
    consultation, _secret = consult(world, office=world.office_a, subject="李雷咨询人想问收费问题")
    consultation = services.consultation_answer(consultation=consultation, actor=world.drafter_a, answer="答复")
    with pytest.raises(InvalidInput, match="主题"):
        services.consultation_publish(consultation=consultation, actor=world.disclosure,
                                      public_subject=consultation.subject, public_question="问题", public_answer="答复")
    services.consultation_publish(consultation=consultation, actor=world.disclosure,
                                  public_subject="依申请公开是否收费", public_question="问题", public_answer="答复")
    for url in (FAQ, reverse("complaints:interact")):
        page = client.get(url).text
        assert "依申请公开是否收费" in page
        assert "李雷" not in page and "想问收费问题" not in page


def test_the_publish_form_offers_the_subject_to_edit(client, world):
    consultation, _secret = consult(world, office=world.office_a, subject="李雷咨询人想问收费问题")
    consultation = services.consultation_answer(consultation=consultation, actor=world.drafter_a, answer="答复")
    client.force_login(world.disclosure)
    url = reverse("admin:complaints_consultation_transition", args=[consultation.pk, "publish"])
    assert 'name="public_subject"' in client.get(url).text
    response = client.post(url, {"expected_status": "closed", "public_subject": "李雷咨询人想问收费问题",
                                 "public_question": "问题", "public_answer": "答复"})
    assert response.status_code == 200 and "主题" in response.text
    consultation.refresh_from_db()
    assert not consultation.is_published


def test_publishing_and_withdrawing_refresh_the_cached_faq(client, world):
    assert "暂无公开的咨询问答" in client.get(FAQ).text
    item = _published(world)
    assert item.subject in client.get(FAQ).text
    assert item.subject in client.get(reverse("complaints:interact")).text
    services.consultation_unpublish(consultation=item, actor=world.disclosure, reason="内容过时")
    assert item.subject not in client.get(FAQ).text


def test_faq_text_is_escaped(client, world):
    consultation, _secret = consult(world, office=world.office_a)
    consultation = services.consultation_answer(consultation=consultation, actor=world.drafter_a, answer="答复")
    services.consultation_publish(consultation=consultation, actor=world.disclosure, public_subject="咨询主题",
                                  public_question="<script>alert(1)</script>", public_answer="<b>粗体</b>")
    page = client.get(FAQ).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page and "<b>粗体</b>" not in page


def test_faq_pages(client, world):
    for index in range(21):
        _published(world, subject=f"问题{index:02d}")
    first = client.get(FAQ).text
    assert "问题20" in first and "问题00" not in first and "第 1 页，共 2 页" in first
    assert "问题00" in client.get(FAQ, {"page": 2}).text
    assert client.get(FAQ, {"page": "abc"}).status_code == 200


# --- The survey (M.18) ----------------------------------------------------------------------------


def test_the_survey_is_answered_anonymously(client, world):
    response = client.post(SURVEY, {"overall": "4", "findability": "3", "timeliness": "5", "comment": "很好"},
                           REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 200 and "感谢您的评议" in response.text
    answer = SurveyResponse.objects.get()
    assert (answer.overall, answer.findability, answer.timeliness, answer.comment) == (4, 3, 5, "很好")
    assert "198.51.100.9" not in str(SurveyResponse.objects.values().get())


@pytest.mark.parametrize("data", [{}, {"overall": "6", "findability": "3", "timeliness": "3"},
                                  {"overall": "1", "findability": "3", "timeliness": "3", "comment": "长" * 2001}])
def test_bad_survey_answers_are_refused(client, world, data):
    response = client.post(SURVEY, data)
    assert response.status_code == 200 and "提交未成功" in response.text
    assert not SurveyResponse.objects.exists()


# --- Flooding: rate limits ------------------------------------------------------------------------


def test_flooding_the_complaint_form_gets_429_with_a_clear_message_and_the_form_back(client, world, settings):
    settings.RATE_LIMITS = {"complaint_submit": (3, 600)}
    for _ in range(3):
        assert client.post(COMPLAIN, complaint_form(world, details=f"第{_}次")).status_code == 200
    response = client.post(COMPLAIN, complaint_form(world, details="第四次提交的内容"))
    assert response.status_code == 429
    assert "提交过于频繁" in response.text and "分钟后再试" in response.text
    assert int(response["Retry-After"]) > 0
    assert "第四次提交的内容" in response.text  # what was typed is still on the page
    assert Complaint.objects.count() == 3
    # Another address is not affected.
    other = client.post(COMPLAIN, complaint_form(world), REMOTE_ADDR="192.0.2.50")
    assert other.status_code == 200 and Complaint.objects.count() == 4


@pytest.mark.parametrize(("url", "limit", "data"), [
    (CONSULT, "consultation_submit", consultation_form()),
    (SURVEY, "survey_submit", {"overall": "4", "findability": "4", "timeliness": "4"}),
    (TRACK, "interact_track", {"tracking_code": "JB2026-000001", "secret": "ABCDEFGH"}),
])
def test_every_public_post_is_rate_limited(client, world, settings, url, limit, data):
    settings.RATE_LIMITS = {limit: (2, 600)}
    codes = [client.post(url, data).status_code for _ in range(3)]
    assert codes[:2] != [429, 429] and codes[2] == 429
    assert "提交过于频繁" in client.post(url, data).text


def test_rating_is_rate_limited_too(client, world, settings):
    settings.RATE_LIMITS = {"interact_rate": (1, 600)}
    complaint = drive_complaint(world, report(world)[0], "declined")
    url = reverse("complaints:case_rate", args=[case_token(complaint)])
    client.post(url, {"rating": "9"})
    response = client.post(url, {"rating": "5"})
    assert response.status_code == 429 and "提交过于频繁" in response.text
    complaint.refresh_from_db()
    assert complaint.rating is None


def test_reading_pages_is_never_limited(client, world, settings):
    settings.RATE_LIMITS = {"complaint_submit": (1, 600), "interact_track": (1, 600)}
    for _ in range(5):
        assert client.get(COMPLAIN).status_code == 200
        assert client.get(TRACK).status_code == 200


# --- The spam trap on every public form -----------------------------------------------------------

TRAP = {"website": "http://spam.invalid"}


def _stored():
    return (Complaint.objects.count(), Reporter.objects.count(), Consultation.objects.count(),
            SurveyResponse.objects.count())


@pytest.mark.parametrize("url", [COMPLAIN, CONSULT, SURVEY, TRACK])
def test_every_public_form_carries_the_trap(client, world, url):
    page = client.get(url).text
    assert 'name="website"' in page and 'class="hp"' in page and 'aria-hidden="true"' in page


def test_a_filled_trap_stores_no_report(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client.post(COMPLAIN, {**complaint_form(world), **TRAP, "attachments": [evidence()]})
    assert response.status_code == 200 and "提交未被接受" in response.text
    assert _stored() == (0, 0, 0, 0) and not any(tmp_path.rglob("*.pdf"))


def test_a_filled_trap_stores_no_consultation(client, world):
    response = client.post(CONSULT, {**consultation_form(), **TRAP})
    assert response.status_code == 200 and "提交未被接受" in response.text
    assert _stored() == (0, 0, 0, 0)


def test_a_filled_trap_stores_no_survey_answer(client, world):
    response = client.post(SURVEY, {"overall": "4", "findability": "4", "timeliness": "4", **TRAP})
    assert response.status_code == 200 and "提交未被接受" in response.text
    assert _stored() == (0, 0, 0, 0)


def test_a_filled_trap_opens_no_case(client, world):
    complaint, secret = report(world)
    response = client.post(TRACK, {"tracking_code": complaint.tracking_code, "secret": secret, **TRAP})
    assert response.status_code == 200 and "提交未被接受" in response.text
    assert client.post(TRACK, {"tracking_code": complaint.tracking_code, "secret": secret}).status_code == 302


@pytest.mark.parametrize("kind", ["complaint", "consultation"])
def test_a_filled_trap_stores_no_rating(client, world, kind):
    if kind == "complaint":
        case = drive_complaint(world, report(world)[0], "replied")
    else:
        case, _secret = consult(world, office=world.office_a)
        case = services.consultation_answer(consultation=case, actor=world.drafter_a, answer="答复")
    url = reverse("complaints:case_rate", args=[case_token(case)])
    assert 'name="website"' in client.get(reverse("complaints:case", args=[case_token(case)])).text
    response = client.post(url, {"rating": "5", "comment": "好", **TRAP})
    assert response.status_code == 200 and "提交未被接受" in response.text
    case.refresh_from_db()
    assert case.rating is None and not case.events.filter(kind="rated").exists()


# --- The survey: one answer per form sent (M.18) --------------------------------------------------


def test_a_double_survey_submit_stores_one_answer(client, world):
    page = client.get(SURVEY).text
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    answer = {"overall": "2", "findability": "3", "timeliness": "4", "idempotency_key": key}
    first, second = client.post(SURVEY, answer), client.post(SURVEY, answer)
    assert first.status_code == second.status_code == 200 and "感谢您的评议" in second.text
    assert SurveyResponse.objects.count() == 1
    fresh = re.search(r'name="idempotency_key" value="([^"]+)"', client.get(SURVEY).text).group(1)
    assert fresh != key
    client.post(SURVEY, {**answer, "idempotency_key": fresh})
    assert SurveyResponse.objects.count() == 2  # a second form is a second answer
    client.post(SURVEY, {**answer, "idempotency_key": "not-a-key"})
    assert SurveyResponse.objects.count() == 3  # a damaged key gets a fresh one, not an error


# --- Files of a report that is not stored are not kept ---------------------------------------------


def test_the_evidence_of_a_report_that_fails_is_removed(world, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    record = complaint_services._case_record

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(complaint_services, "_case_record", broken)
    with pytest.raises(RuntimeError):
        report(world)
    assert not Complaint.objects.exists() and not [p for p in tmp_path.rglob("*") if p.is_file()]
    monkeypatch.setattr(complaint_services, "_case_record", record)
    report(world)
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1


def test_in_english_the_citizen_is_answered_in_english_and_staff_told_in_chinese(client, world,
                                                                                 django_capture_on_commit_callbacks):
    from django.core import mail

    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(COMPLAIN, complaint_form(world)).status_code == 200
        assert client.post(CONSULT, consultation_form(office=world.office_a.pk)).status_code == 200
    citizens = {REPORTER["email"], ASKER["email"]}
    to_citizens = [m.subject for m in mail.outbox if set(m.to) <= citizens]
    assert len(to_citizens) == 2 and all("has been received" in s for s in to_citizens), to_citizens
    to_staff = [m.subject for m in mail.outbox if not set(m.to) & citizens]
    assert len(to_staff) == 2 and not any("New " in s for s in to_staff), to_staff
    assert any("新的网上举报投诉" in s for s in to_staff) and any("新的咨询" in s for s in to_staff), to_staff

"""Tracking an application by code and secret, no account needed: the status page, its clock
explanation (R.31, R.33), supplement (R.30), withdrawal, rating (M.18), the reply and its files."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services
from applications.models import ApplicationFile, DisclosureApplication, EventKind, FileRole, Status
from applications.outcomes import Outcome
from applications.views import TRACK_MAX_AGE, TRACK_SALT, case_token
from tests.applications.conftest import PERSON, REMEDIES_TEXT, extend, send_reply
from tests.factories import ApplicationFactory
from tests.timing import at

D = dt.date
TRACK = reverse("applications:track")
RECEIVED = D(2026, 11, 2)  # a Monday


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def online(**changes) -> tuple[DisclosureApplication, str]:
    application, secret, _created = services.application_submit(data={**PERSON, **changes})
    return application, secret


def offline(world, received_on: dt.date = RECEIVED, **changes) -> tuple[DisclosureApplication, str]:
    application = ApplicationFactory(registered_by=world.disclosure, received_on=received_on, **changes)
    return application, application.secret


def case_url(application, name: str = "case", *args) -> str:
    return reverse(f"applications:{name}", args=[case_token(application), *args])


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


# --- Looking up ---------------------------------------------------------------------------------


def test_track_form_renders(client, world):
    page = client.get(TRACK)
    assert page.status_code == 200
    assert "查询码" in page.text and "查询密码" in page.text and 'name="csrfmiddlewaretoken"' in page.text
    assert "no-store" in page["Cache-Control"]


def test_wrong_secret_and_unknown_code_give_identical_answers(client, world):
    application, secret = online()
    wrong_secret = client.post(TRACK, {"tracking_code": application.tracking_code, "secret": "ABCDEFGH"})
    unknown_code = client.post(TRACK, {"tracking_code": "SQ2099-999999", "secret": secret})
    assert wrong_secret.status_code == unknown_code.status_code == 200
    assert without_csrf(wrong_secret.text) == without_csrf(unknown_code.text)
    assert "查询码或查询密码不正确" in wrong_secret.text
    assert f'value="{application.tracking_code}"' not in wrong_secret.text  # nothing typed is echoed


def test_a_valid_lookup_opens_the_status_page(client, world):
    application, secret = online()
    # Case and surrounding spaces do not matter.
    found = client.post(TRACK, {"tracking_code": f"  {application.tracking_code.lower()} ", "secret": secret.lower()})
    assert found.status_code == 302
    assert secret not in found["Location"]
    page = client.get(found["Location"])
    assert page.status_code == 200
    assert application.tracking_code in page.text
    assert "待确认" in page.text  # get_status_display
    assert "本机关确认收到申请后开始计算" in page.text
    assert "no-store" in page["Cache-Control"]


def test_status_page_explains_the_due_date_once_received_r33(client, world):
    with at(D(2026, 9, 21)):
        application, secret = offline(world, received_on=D(2026, 9, 21))
        found = client.post(TRACK, {"tracking_code": application.tracking_code, "secret": secret})
        page = client.get(found["Location"])
    text = page.text
    assert "已受理" in text
    assert "2026-09-21" in text and "2026-10-26" in text  # across the National Day holiday
    assert "答复期限如何计算" in text
    assert "收到申请；收到之日不计入" in text


def test_the_clock_shows_paused_during_a_supplement_request(client, world):
    with at(RECEIVED):
        application, _secret = offline(world)
    with at(RECEIVED + dt.timedelta(days=2)):
        services.application_request_supplement(application=application, actor=world.disclosure,
                                                items="请写明文件的年份", deadline=D(2026, 11, 20))
        page = client.get(case_url(application))
    assert "期限暂停" in page.text and "待补正" in page.text
    assert "2026-11-20" in page.text


# Fixed ids: the signed token carries a timestamp, and xdist workers must collect the same names.
@pytest.mark.parametrize("token", ["forged", "eyJhIjoxfQ:1vXyZ:abcdef", signing.dumps({"a": 1})],
                         ids=["garbage", "bad-signature", "signed-other-payload"])
def test_a_forged_token_goes_back_to_the_track_form(client, world, token):
    online()
    page = client.get(reverse("applications:case", args=[token]))
    assert page.status_code == 302 and page["Location"] == TRACK
    assert "请重新输入查询码和查询密码" in client.get(TRACK).text


def test_an_expired_token_goes_back_to_the_track_form(client, world):
    with at(RECEIVED, 10, 0):
        application, _secret = online()
        url = case_url(application)
        assert client.get(url).status_code == 200
    with at(RECEIVED, 10, TRACK_MAX_AGE // 60 + 1):
        page = client.get(url, follow=True)
    assert page.redirect_chain == [(TRACK, 302)]
    assert "超过30分钟" in page.text


def test_a_token_of_another_salt_or_a_missing_application_is_refused(client, world):
    application, _secret = online()
    other = signing.dumps({"a": application.pk}, salt="something.else")
    assert client.get(reverse("applications:case", args=[other]))["Location"] == TRACK
    missing = signing.dumps({"a": application.pk + 1000}, salt=TRACK_SALT)
    assert client.get(reverse("applications:case", args=[missing]))["Location"] == TRACK


# --- What the status page shows -------------------------------------------------------------------


def test_timeline_shows_steps_but_never_staff_names_or_internal_comments(client, world):
    with at(RECEIVED):
        application, _secret = offline(world)
        services.application_assign(application=application, actor=world.disclosure, office=world.office_a,
                                    comment="内部分办意见：请政策法规处办理")
    with at(RECEIVED + dt.timedelta(days=10)):
        extend(world, application, days=10, reason="需要调取档案")
        page = client.get(case_url(application))
    text = page.text
    assert "分办" in text and "延长答复期限" in text
    assert "需要调取档案" in text  # the extension's reason is the applicant's to know
    assert "内部分办意见" not in text and "政策法规处" not in text
    assert world.disclosure.username not in text and world.leader_a.username not in text
    assert "申请延长答复期限" not in text  # the internal request; the consent shows as the extension
    assert "已延长" in text
    assert "dict_items" not in text and "None" not in text


def test_script_in_the_application_is_shown_escaped_on_the_status_page(client, world):
    application, _secret = online(information_title="<script>alert(1)</script>", description="<b>粗体</b>")
    text = client.get(case_url(application)).text
    assert "<script>alert(1)" not in text and "<b>粗体</b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


# --- Supplement (R.30) ----------------------------------------------------------------------------


def test_supplement_from_the_tracking_page_restarts_the_clock_r30(client, world):
    with at(RECEIVED):
        application, _secret = offline(world)
    with at(D(2026, 11, 5)):
        services.application_request_supplement(application=application, actor=world.disclosure,
                                                items="请说明所需信息的年份和文号", deadline=D(2026, 11, 20))
    with at(D(2026, 11, 16)):
        page = client.get(case_url(application))
        assert "请说明所需信息的年份和文号" in page.text and "提交补正" in page.text
        done = client.post(case_url(application, "case_supplement"),
                           {"text": "2025年，吉工信规〔2025〕3号",
                            "attachments": [SimpleUploadedFile("补正说明.pdf", b"%PDF-1.4 s")]}, follow=True)
    assert done.status_code == 200 and "补正已提交" in done.text
    application.refresh_from_db()
    assert application.status == Status.RECEIVED
    assert not application.clock_paused
    assert application.due_date == D(2026, 12, 14)  # 20 working days from the supplement
    event = application.events.get(kind=EventKind.SUPPLEMENT_RECEIVED)
    assert event.comment == "2025年，吉工信规〔2025〕3号" and event.actor is None
    assert application.files.get(role=FileRole.SUPPLEMENT).original_name == "补正说明.pdf"
    assert "提交补正" not in done.text  # the form is gone once supplemented


def test_an_empty_supplement_is_refused_with_a_message(client, world):
    with at(RECEIVED):
        application, _secret = offline(world)
    with at(D(2026, 11, 3)):
        services.application_request_supplement(application=application, actor=world.disclosure,
                                                items="请补充", deadline=D(2026, 11, 20))
        page = client.post(case_url(application, "case_supplement"), {"text": "  "})
    assert page.status_code == 200
    assert "请填写补正内容或上传补正材料" in page.text
    application.refresh_from_db()
    assert application.status == Status.SUPPLEMENT_REQUESTED


def test_a_supplement_that_is_not_asked_for_is_refused_not_a_server_error(client, world):
    application, _secret = online()
    page = client.post(case_url(application, "case_supplement"), {"text": "补充"})
    assert page.status_code == 200
    assert "该申请当前不需要补正" in page.text
    assert not application.events.filter(kind=EventKind.SUPPLEMENT_RECEIVED).exists()


def test_a_disguised_supplement_file_is_refused(client, world):
    with at(RECEIVED):
        application, _secret = offline(world)
    with at(D(2026, 11, 3)):
        services.application_request_supplement(application=application, actor=world.disclosure,
                                                items="请补充", deadline=D(2026, 11, 20))
        page = client.post(case_url(application, "case_supplement"),
                           {"text": "见附件", "attachments": [SimpleUploadedFile("a.pdf", b"MZ\x90\x00")]})
    assert "内容与扩展名不符" in page.text
    assert not application.files.exists()


# --- Withdraw and rate ------------------------------------------------------------------------------


def test_withdraw_needs_the_confirmation(client, world):
    application, _secret = online()
    page = client.post(case_url(application, "case_withdraw"), {"reason": "不需要了"})
    assert page.status_code == 200 and "请勾选确认" in page.text
    application.refresh_from_db()
    assert application.is_open


def test_withdraw_closes_the_application(client, world):
    application, _secret = online()
    page = client.post(case_url(application, "case_withdraw"), {"reason": "已经从其他渠道获得", "confirm": "on"},
                       follow=True)
    assert "您的申请已撤回" in page.text
    application.refresh_from_db()
    assert application.status == Status.CLOSED and application.outcome == Outcome.OTHER
    assert "申请人撤回申请" in page.text
    assert 'action="/apply/track/' in page.text and "撤回申请</button>" not in page.text
    # Withdrawing twice is a clear message, not an error page.
    again = client.post(case_url(application, "case_withdraw"), {"confirm": "on"})
    assert again.status_code == 200 and "不能撤回" in again.text


def test_rating_after_closing_once_m18(client, world):
    application, _secret = online()
    assert "评价本次办理" not in client.get(case_url(application)).text
    early = client.post(case_url(application, "case_rate"), {"rating": "5"})
    assert "申请办结后才能评价" in early.text
    services.application_withdraw(application=application)
    assert "评价本次办理" in client.get(case_url(application)).text
    page = client.post(case_url(application, "case_rate"), {"rating": "4", "comment": "答复及时"}, follow=True)
    assert "感谢您的评价" in page.text
    application.refresh_from_db()
    assert (application.rating, application.rating_comment) == (4, "答复及时")
    assert "评价本次办理" not in page.text
    again = client.post(case_url(application, "case_rate"), {"rating": "1"})
    assert "您已评价过" in again.text
    application.refresh_from_db()
    assert application.rating == 4


def test_rating_out_of_range_is_refused(client, world):
    application, _secret = online()
    services.application_withdraw(application=application)
    page = client.post(case_url(application, "case_rate"), {"rating": "9"})
    assert page.status_code == 200 and "请选择1至5分" in page.text
    application.refresh_from_db()
    assert application.rating is None


def test_a_get_on_an_action_url_shows_the_status_page(client, world):
    """A reload or a language switch after an error lands on the action URL with GET."""
    application, _secret = online()
    page = client.get(case_url(application, "case_withdraw"))
    assert page.status_code == 302 and "/withdraw/" not in page["Location"]


def test_an_action_with_an_expired_token_changes_nothing(client, world):
    with at(RECEIVED, 9):
        application, _secret = online()
        url = case_url(application, "case_withdraw")
    with at(RECEIVED, 11):
        page = client.post(url, {"confirm": "on"})
    assert page.status_code == 302 and page["Location"] == TRACK
    application.refresh_from_db()
    assert application.is_open


def test_actions_are_csrf_protected(world):
    from django.test import Client

    application, _secret = online()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(case_url(application, "case_withdraw"), {"confirm": "on"}).status_code == 403
    assert strict.post(TRACK, {"tracking_code": application.tracking_code, "secret": "x"}).status_code == 403
    application.refresh_from_db()
    assert application.is_open


# --- The reply and files ------------------------------------------------------------------------------


def provided_file(application, name: str, *, visible: bool) -> ApplicationFile:
    item = ApplicationFile(application=application, role=FileRole.PROVIDED, original_name=name,
                           content_type="application/pdf", size=12, sha256="0" * 64, visible_to_applicant=visible)
    item.file.save("provided.pdf", ContentFile(b"%PDF-1.4 doc"), save=False)
    item.save()
    return item


def test_a_visible_file_downloads_under_its_chinese_name(client, world):
    application = replied(world)
    with at(RECEIVED + dt.timedelta(days=7)):
        send_reply(application, world.disclosure)
    item = provided_file(application, "2025年度平台名单.pdf", visible=True)
    page = client.get(case_url(application))
    assert "2025年度平台名单.pdf" in page.text
    download = client.get(case_url(application, "case_file", item.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 doc"
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=utf-8''2025%E5%B9%B4" in disposition
    assert download["X-Content-Type-Options"] == "nosniff"


def test_files_not_visible_or_of_another_application_are_not_found(client, world):
    application, _secret = online()
    other, _other_secret = online(applicant_name="李四")
    hidden = provided_file(application, "内部材料.pdf", visible=False)
    theirs = provided_file(other, "他人材料.pdf", visible=True)
    assert "内部材料.pdf" not in client.get(case_url(application)).text
    assert client.get(case_url(application, "case_file", hidden.pk)).status_code == 404
    assert client.get(case_url(application, "case_file", theirs.pk)).status_code == 404
    assert client.get(case_url(application, "case_file", 999999)).status_code == 404


def replied(world, letter: str = "<p>经审查，现将有关信息提供给您。</p><script>alert(1)</script>" + f"<p>{REMEDIES_TEXT}</p>"):
    with at(RECEIVED):
        application, _secret = offline(world)
        services.application_assign(application=application, actor=world.disclosure, office=world.office_a)
    with at(RECEIVED + dt.timedelta(days=7)):
        services.application_draft_reply(
            application=application, actor=world.drafter_a, outcome=Outcome.DISCLOSED, letter_html=letter,
            uploads=[SimpleUploadedFile("平台名单.pdf", b"%PDF-1.4 list")])
    return application


def test_the_reply_letter_appears_only_once_sent(client, world):
    pytest.importorskip("applications.letters")
    application = replied(world)
    with at(RECEIVED + dt.timedelta(days=7)):
        page = client.get(case_url(application))
        assert "经审查，现将有关信息提供给您" not in page.text
        assert client.get(case_url(application, "case_letter")).status_code == 404
        send_reply(application, world.disclosure)
        page = client.get(case_url(application))
    text = page.text
    assert "经审查，现将有关信息提供给您" in text and "<script>alert(1)" not in text
    assert "予以公开" in text and "平台名单.pdf" in text
    assert "评价本次办理" in text
    with at(RECEIVED + dt.timedelta(days=7)):
        printable = client.get(case_url(application, "case_letter"))
        assert printable.status_code == 200 and "经审查，现将有关信息提供给您" in printable.text
        item = application.files.get(role=FileRole.PROVIDED)
        assert client.get(case_url(application, "case_file", item.pk)).status_code == 200


def test_the_reply_letter_downloads_as_pdf(client, world):
    pytest.importorskip("applications.letters")
    application = replied(world)
    with at(RECEIVED + dt.timedelta(days=7)):
        assert client.get(case_url(application, "case_letter_pdf")).status_code == 404
        send_reply(application, world.disclosure)
        pdf = client.get(case_url(application, "case_letter_pdf"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("attachment")


def test_files_provided_with_a_reply_reach_the_applicant_only_once_it_is_sent(client, world):
    """A drafted reply may still be returned and changed: until the disclosure office sends it,
    its files are neither listed nor served (R.36)."""
    application = replied(world)
    item = application.files.get(role=FileRole.PROVIDED)
    assert not item.visible_to_applicant
    with at(RECEIVED + dt.timedelta(days=7)):
        assert "平台名单.pdf" not in client.get(case_url(application)).text
        assert client.get(case_url(application, "case_file", item.pk)).status_code == 404
        # Even a file marked visible (by hand, or by an older version) waits for the reply.
        ApplicationFile.objects.filter(pk=item.pk).update(visible_to_applicant=True)
        assert client.get(case_url(application, "case_file", item.pk)).status_code == 404
        services.application_return_reply(application=application, actor=world.disclosure, comment="请核对")
        assert client.get(case_url(application, "case_file", item.pk)).status_code == 404
        services.application_draft_reply(application=application, actor=world.drafter_a, outcome=Outcome.DISCLOSED,
                                         letter_html=f"<p>经审查，现将有关信息提供给您。</p><p>{REMEDIES_TEXT}</p>")
        send_reply(application, world.disclosure)
        assert "平台名单.pdf" in client.get(case_url(application)).text
        assert client.get(case_url(application, "case_file", item.pk)).status_code == 200


def test_a_withdrawn_application_offers_no_files(client, world):
    application, _secret = online()
    item = provided_file(application, "材料.pdf", visible=True)
    services.application_withdraw(application=application)
    assert "材料.pdf" not in client.get(case_url(application)).text
    assert client.get(case_url(application, "case_file", item.pk)).status_code == 404


# --- Notices on the tracking page (R.30, R.33, 109号) ---------------------------------------------------


def test_the_supplement_notice_is_on_the_tracking_page_to_print_and_as_pdf_r30(client, world):
    with at(RECEIVED):
        application, _secret = offline(world, email="")  # no e-mail: the notice is what the applicant gets
    with at(D(2026, 11, 3)):
        services.application_request_supplement(application=application, actor=world.disclosure,
                                                items="1. 请说明所需信息的年份；\n2. 请说明文号。", deadline=D(2026, 11, 20))
        page = client.get(case_url(application))
        notice = application.notices.get()
        printable = client.get(case_url(application, "case_notice", notice.pk))
        pdf = client.get(case_url(application, "case_notice_pdf", notice.pk))
    assert "通知书" in page.text and "补正告知书" in page.text
    assert printable.status_code == 200
    for phrase in ("政府信息公开申请补正告知书", "张三：", "第三十条", "1. 请说明所需信息的年份；<br>2. 请说明文号。",
                   "2026年11月20日前补正", "视为放弃申请"):
        assert phrase in printable.text, phrase
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("attachment")


def test_a_third_party_consultation_letter_is_not_shown_to_the_applicant_r32(client, world):
    with at(RECEIVED):
        application, _secret = offline(world)
        services.application_assign(application=application, actor=world.disclosure, office=world.office_a)
        services.application_start_consultation(application=application, actor=world.drafter_a,
                                                third_party="吉林某某机械有限公司")
        letter = application.notices.get()
        page = client.get(case_url(application))
        assert client.get(case_url(application, "case_notice", letter.pk)).status_code == 404
        assert client.get(case_url(application, "case_notice_pdf", letter.pk)).status_code == 404
    assert "吉林某某机械有限公司" not in page.text and "征求意见函" not in page.text


def test_a_notice_of_another_application_is_not_found(client, world):
    with at(RECEIVED):
        application, _secret = offline(world)
        other, _other_secret = offline(world, applicant_name="李四")
    with at(D(2026, 11, 3)):
        services.application_request_supplement(application=other, actor=world.disclosure, items="补正",
                                                deadline=D(2026, 11, 20))
        theirs = other.notices.get()
        assert client.get(case_url(application, "case_notice", theirs.pk)).status_code == 404


# --- Spam traps on every public form of the tracking pages -------------------------------------------------


def test_a_filled_trap_on_the_track_form_is_refused(client, world):
    application, secret = online()
    page = client.post(TRACK, {"tracking_code": application.tracking_code, "secret": secret,
                               "website": "http://spam.example"})
    assert page.status_code == 200 and "提交未被接受" in page.text
    assert 'class="hp"' in client.get(TRACK).text


def test_a_filled_trap_on_the_supplement_form_stores_nothing(client, world, tmp_path):
    with at(RECEIVED):
        application, _secret = offline(world)
    with at(D(2026, 11, 3)):
        services.application_request_supplement(application=application, actor=world.disclosure,
                                                items="请补充", deadline=D(2026, 11, 20))
        assert 'class="hp"' in client.get(case_url(application)).text
        page = client.post(case_url(application, "case_supplement"),
                           {"text": "补充内容", "website": "x",
                            "attachments": [SimpleUploadedFile("补正.pdf", b"%PDF-1.4 s")]})
    assert page.status_code == 200 and "提交未被接受" in page.text
    application.refresh_from_db()
    assert application.status == Status.SUPPLEMENT_REQUESTED
    assert not application.files.exists() and not any(tmp_path.rglob("*.pdf"))
    assert not application.events.filter(kind=EventKind.SUPPLEMENT_RECEIVED).exists()


def test_a_filled_trap_on_the_withdraw_form_changes_nothing(client, world):
    application, _secret = online()
    assert 'class="hp"' in client.get(case_url(application)).text
    page = client.post(case_url(application, "case_withdraw"), {"confirm": "on", "website": "x"})
    assert page.status_code == 200 and "提交未被接受" in page.text
    application.refresh_from_db()
    assert application.is_open


def test_a_filled_trap_on_the_rating_form_changes_nothing(client, world):
    application, _secret = online()
    services.application_withdraw(application=application)
    assert 'class="hp"' in client.get(case_url(application)).text
    page = client.post(case_url(application, "case_rate"), {"rating": "5", "website": "x"})
    assert page.status_code == 200 and "提交未被接受" in page.text
    application.refresh_from_db()
    assert application.rating is None


# --- Text limits (a browser stops at maxlength; a server refusal names the limit) -----------------------------


def test_text_areas_carry_their_limits(client, world):
    with at(RECEIVED):
        application, _secret = offline(world)
    with at(D(2026, 11, 3)):
        services.application_request_supplement(application=application, actor=world.disclosure,
                                                items="请补充", deadline=D(2026, 11, 20))
        page = client.get(case_url(application)).text
    assert re.search(r'<textarea name="text"[^>]*maxlength="5000"', page)
    assert re.search(r'<textarea name="reason"[^>]*maxlength="2000"', page)
    apply_page = client.get(reverse("applications:apply")).text
    assert re.search(r'<textarea name="description"[^>]*maxlength="5000"', apply_page)
    assert re.search(r'<textarea name="purpose"[^>]*maxlength="500"', apply_page)


def test_a_supplement_over_the_limit_is_refused_naming_the_limit(client, world):
    with at(RECEIVED):
        application, _secret = offline(world)
    with at(D(2026, 11, 3)):
        services.application_request_supplement(application=application, actor=world.disclosure,
                                                items="请补充", deadline=D(2026, 11, 20))
        page = client.post(case_url(application, "case_supplement"), {"text": "长" * 5001})
    assert page.status_code == 200 and "最多5000字，您填写了5001字" in page.text
    application.refresh_from_db()
    assert application.status == Status.SUPPLEMENT_REQUESTED


# --- One way in for every case (issue #15, 5) ---------------------------------------------------


@pytest.mark.parametrize("page", ["applications:track", "complaints:track"])
def test_any_cases_code_on_either_tracking_page_opens_that_case(client, world, page):
    """An application (SQ…), a complaint (JB…) and a consultation (ZX…) are all found from the
    application's tracking page and from 互动交流's: never “查询码或查询密码不正确” for a valid pair."""
    from complaints import services as complaint_services

    application, application_secret = online()
    complaint, complaint_secret, _created = complaint_services.complaint_submit(
        data={"office": world.office_a, "failure_type": "late_reply", "details": "未答复。", "related_reference": ""},
        reporter=None, anonymous=True)
    consultation, consultation_secret, _created = complaint_services.consultation_submit(data={
        "name": "李雷", "phone": "13600002222", "email": "", "subject": "收费", "question": "要收费吗？",
        "publish_consent": False, "office": None})
    url = reverse(page)
    for case, secret, status_page in ((application, application_secret, "applications:case"),
                                      (complaint, complaint_secret, "complaints:case"),
                                      (consultation, consultation_secret, "complaints:case")):
        found = client.post(url, {"tracking_code": case.tracking_code, "secret": secret})
        assert found.status_code == 302, (case.tracking_code, found.text[:500])
        opened = client.get(found["Location"])
        assert opened.status_code == 200 and case.tracking_code in opened.text
        assert found["Location"].startswith(reverse(status_page, args=["x"])[:-2])
        wrong = client.post(url, {"tracking_code": case.tracking_code, "secret": "ABCDEFGH"})
        assert "查询码或查询密码不正确" in wrong.text
    page_text = client.get(url).text
    assert "申请如 SQ2026-000001，咨询如 ZX2026-000001，举报投诉如 JB2026-000001" in page_text


@pytest.mark.parametrize("typed", ["{prefix}{year} {number}", "{prefix}{year}{number}", "{prefix}{year}-{short}",
                                   "{full_width}"])
def test_a_code_typed_without_its_dash_or_zeros_or_in_full_width_still_opens_the_case(client, world, typed):
    application, secret = online()
    prefix, rest = application.tracking_code[:2], application.tracking_code[2:]
    year, number = rest.split("-")
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c != " " else c for c in application.tracking_code)
    code = typed.format(prefix=prefix.lower(), year=year, number=number, short=int(number), full_width=full_width)
    assert client.post(TRACK, {"tracking_code": code, "secret": secret}).status_code == 302


def test_once_replied_the_answer_comes_first_and_the_withdraw_box_is_secondary(client, world):
    """The applicant comes back for the answer: the letter and its files open the page; before
    that, withdrawing is offered folded at the end, not as the page's main action."""
    pytest.importorskip("applications.letters")
    application = replied(world)
    with at(RECEIVED + dt.timedelta(days=7)):
        waiting = client.get(case_url(application)).text
        assert re.search(r"<details>\s*<summary>申请办结前，您可以撤回申请。</summary>", waiting)
        assert waiting.index("办理状态") < waiting.index("撤回申请")
        send_reply(application, world.disclosure)
        page = client.get(case_url(application)).text
    assert page.index("答复告知书") < page.index("可下载的材料") < page.index('id="status-heading"')
    assert "撤回申请" not in page

"""The documents sent while an application is handled (R.30, R.32, R.33, 国办函〔2020〕109号): each
written with its event, kept as sent, printable and as PDF for those who get it on paper."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from applications import services
from applications.letters import letter_placeholders, letter_text
from applications.models import ApplicationNotice, NoticeKind
from tests.applications.conftest import PERSON, offline
from tests.timing import at

D = dt.date


def assigned(world, **changes):
    with at(D(2026, 11, 2)):
        application = offline(world, received_on=D(2026, 11, 2), **changes)
        return services.application_assign(application=application, actor=world.disclosure, office=world.office_a)


def only_notice(application, kind: str) -> ApplicationNotice:
    notice = application.notices.get(kind=kind)
    assert letter_placeholders(notice.html) == []  # nothing left to fill in: it went out like this
    return notice


def test_supplement_request_notice_r30(world):
    application = assigned(world)
    with at(D(2026, 11, 3)):
        services.application_request_supplement(application=application, actor=world.disclosure,
                                                items="请说明所需信息的年份", deadline=D(2026, 11, 17))
    notice = only_notice(application, NoticeKind.SUPPLEMENT_REQUEST)
    text = letter_text(notice.html)
    for phrase in ("政府信息公开申请补正告知书", "张三：", "2026年11月2日收到", "第三十条", "请说明所需信息的年份",
                   "2026年11月17日前补正", "自本机关收到补正之日起计算", "视为放弃申请", "测试省工业和信息化厅",
                   "2026年11月3日"):
        assert phrase in text, phrase
    assert (notice.to_applicant, notice.addressee, notice.issued_on) == (True, "张三", D(2026, 11, 3))


def test_extension_notice_names_the_date_of_consent_r33_2(world):
    """Asked for on 2026-11-19, consented to on 11-20: the notice says who consented and when."""
    application = assigned(world)
    with at(D(2026, 11, 19)):
        application = services.application_request_extension(application=application, actor=world.drafter_a,
                                                              days=10, reason="需要调取档案")
    assert not application.notices.exists()  # nothing goes out before the consent
    with at(D(2026, 11, 20)):
        services.application_approve_extension(application=application, actor=world.leader_a)
    text = letter_text(only_notice(application, NoticeKind.EXTENSION).html)
    for phrase in ("延期答复告知书", "因需要调取档案", "第三十三条第二款", "经本机关政府信息公开工作机构负责人于2026年11月20日同意",
                   "延长10个工作日", "2026年12月14日"):
        assert phrase in text, phrase


def test_fee_notice_109(world):
    application = assigned(world)
    with at(D(2026, 11, 9)):
        services.application_fee_notice(application=application, actor=world.disclosure, method="by_page", basis=120)
    text = letter_text(only_notice(application, NoticeKind.FEE).html)
    for phrase in ("收费通知书", "第四十二条", "国办函〔2020〕109号", "按量计收", "提供信息120页", "1100.00元",
                   "20个工作日内（2026年12月7日前）", "视为放弃申请", "中止"):
        assert phrase in text, phrase


def test_consultation_letter_goes_to_the_third_party_without_the_applicants_identity_r32(world):
    application = assigned(world)
    with at(D(2026, 11, 9)):
        services.application_start_consultation(application=application, actor=world.drafter_a,
                                                third_party="吉林某某机械有限公司")
    notice = only_notice(application, NoticeKind.CONSULTATION)
    text = letter_text(notice.html)
    for phrase in ("征询函", "吉林某某机械有限公司：", "第三十二条", "自收到本函之日起15个工作日内", "公共利益",
                   "本函于2026年11月9日以邮寄方式发出"):
        assert phrase in text, phrase
    for private in (PERSON["applicant_name"], PERSON["identity_number"], PERSON["phone"]):
        assert private not in text
    assert not notice.to_applicant and notice.addressee == "吉林某某机械有限公司"


def test_deemed_abandoned_closing_letter_r30(world):
    application = assigned(world)
    with at(D(2026, 11, 3)):
        application = services.application_request_supplement(application=application, actor=world.disclosure,
                                                              items="请说明年份", deadline=D(2026, 11, 10))
    with at(D(2026, 11, 11)):
        services.application_deem_withdrawn(application=application, actor=world.disclosure)
    text = letter_text(only_notice(application, NoticeKind.NO_SUPPLEMENT).html)
    for phrase in ("2026年11月3日书面告知", "2026年11月10日前", "逾期未补正", "视为放弃申请", "六十日", "六个月"):
        assert phrase in text, phrase


def test_fee_unpaid_closing_letter_109(world):
    application = assigned(world)
    with at(D(2026, 11, 9)):
        application = services.application_fee_notice(application=application, actor=world.disclosure,
                                                      method="by_count", basis=12)
    with at(D(2026, 12, 8)):
        services.application_fee_unpaid(application=application, actor=world.disclosure)
    text = letter_text(only_notice(application, NoticeKind.FEE_UNPAID).html)
    for phrase in ("2026年11月9日向您发出信息处理费收费通知", "20个工作日", "视为放弃申请", "不再处理"):
        assert phrase in text, phrase


def test_a_notice_is_kept_as_sent(world):
    application = assigned(world)
    with at(D(2026, 11, 3)):
        services.application_request_supplement(application=application, actor=world.disclosure,
                                                items="请说明年份", deadline=D(2026, 11, 17))
    notice = application.notices.get()
    notice.html = "<p>改过</p>"
    with pytest.raises(TypeError, match="append-only"):
        notice.save()
    with pytest.raises(TypeError, match="append-only"):
        notice.delete()


def test_staff_print_notices_for_an_applicant_without_email(client, world):
    application = assigned(world, email="")
    with at(D(2026, 11, 3)):
        services.application_request_supplement(application=application, actor=world.disclosure,
                                                items="请说明年份", deadline=D(2026, 11, 17))
    notice = application.notices.get()
    client.force_login(world.disclosure)
    page = client.get(reverse("admin:applications_disclosureapplication_change", args=[application.pk])).text
    printable_url = reverse("admin:applications_disclosureapplication_notice", args=[application.pk, notice.pk])
    pdf_url = reverse("admin:applications_disclosureapplication_notice_pdf", args=[application.pk, notice.pk])
    assert "申请人未留电子邮箱" in page and printable_url in page and pdf_url in page
    printable = client.get(printable_url)
    assert printable.status_code == 200 and "请说明年份" in printable.text and "补正告知书" in printable.text
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Another office's staff cannot reach it.
    client.force_login(world.drafter_b)
    assert client.get(printable_url).status_code == 404

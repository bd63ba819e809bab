"""Tracking in a real browser (issue #15, 5): one way in for every case — a code typed on either
tracking page opens its case — and, once replied, the answer first on the applicant's page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services
from applications.outcomes import Outcome
from complaints import services as complaint_services
from tests.applications.conftest import REMEDIES_TEXT, offline, send_reply

pytestmark = pytest.mark.browser

WIDTHS = [390, 1280]


def visitor(browser, portal_server, width: int):
    context = browser.new_context(base_url=portal_server.url, locale="zh-CN", viewport={"width": width, "height": 844})
    context.set_default_timeout(10_000)
    return context


def track(page, path: str, code: str, secret: str) -> None:
    page.goto(path)
    page.get_by_label("查询码").fill(code)
    page.get_by_label("查询密码").fill(secret)
    page.get_by_role("button", name="查询", exact=True).click()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_complaint_code_on_the_application_page_and_an_application_code_on_interact_open_their_cases(
        browser, portal_server, world, width, expect, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application, application_secret, _created = services.application_submit(data={
        "applicant_type": "natural_person", "applicant_name": "张三", "identity_document": "resident_id",
        "identity_number": "11010519491231002X", "phone": "13912345678", "email": "", "address": "长春市测试路1号",
        "information_title": "2025年度省级工业互联网平台名单", "description": "请提供认定名单。", "medium": "electronic",
        "delivery": "download"})
    complaint, complaint_secret, _created = complaint_services.complaint_submit(
        data={"office": world.office_a, "failure_type": "late_reply", "details": "申请后未获答复。", "related_reference": ""},
        reporter=None, anonymous=True)
    consultation, consultation_secret, _created = complaint_services.consultation_submit(data={
        "name": "李雷", "phone": "13600002222", "email": "", "subject": "依申请公开是否收费",
        "question": "申请需要交费吗？", "publish_consent": False, "office": None})
    context = visitor(browser, portal_server, width)
    try:
        page = context.new_page()
        track(page, reverse("applications:track"), complaint.tracking_code.lower(), complaint_secret)
        expect(page.get_by_role("heading", level=1)).to_have_text("投诉举报办理情况")
        expect(page.get_by_role("main")).to_contain_text(complaint.tracking_code)

        track(page, reverse("applications:track"), consultation.tracking_code, consultation_secret)
        expect(page.get_by_role("heading", level=1)).to_have_text("咨询办理情况")

        track(page, reverse("complaints:track"), application.tracking_code.replace("-", ""), application_secret)
        expect(page.get_by_role("heading", level=1)).to_have_text("申请办理情况")
        expect(page.get_by_role("main")).to_contain_text(application.tracking_code)

        track(page, reverse("complaints:track"), application.tracking_code, "ABCDEFGH")
        expect(page.get_by_role("alert")).to_contain_text("查询码或查询密码不正确")
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_reply_comes_first_and_withdrawing_is_folded(browser, portal_server, world, width, expect, settings,
                                                         tmp_path):
    from applications.views import case_token

    settings.MEDIA_ROOT = tmp_path
    received = dt.datetime(2026, 11, 2, 10).astimezone()
    with time_machine.travel(received, tick=False):
        application = offline(world, received_on=received.date())
        services.application_assign(application=application, actor=world.disclosure, office=world.office_a)
    context = visitor(browser, portal_server, width)
    try:
        page = context.new_page()
        page.goto(reverse("applications:case", args=[case_token(application)]))
        withdraw = page.get_by_role("region", name="撤回申请")
        expect(withdraw.get_by_role("button", name="撤回申请")).to_be_hidden()  # folded: not the main action
        withdraw.get_by_text("申请办结前，您可以撤回申请。").click()
        expect(withdraw.get_by_role("button", name="撤回申请")).to_be_visible()

        with time_machine.travel(received + dt.timedelta(days=7), tick=False):
            services.application_draft_reply(
                application=application, actor=world.drafter_a, outcome=Outcome.DISCLOSED,
                letter_html=f"<p>经审查，现将您申请的信息提供给您。</p><p>{REMEDIES_TEXT}</p>",
                uploads=[SimpleUploadedFile("平台名单.pdf", b"%PDF-1.4 list")])
            send_reply(application, world.disclosure)
        page.goto(reverse("applications:case", args=[case_token(application)]))
        headings = page.get_by_role("main").get_by_role("heading", level=2).all_inner_texts()
        assert headings[:3] == ["答复告知书", "可下载的材料", "办理状态"]
        letter = page.get_by_role("region", name="答复告知书")
        expect(letter).to_contain_text("经审查，现将您申请的信息提供给您。")
        assert letter.bounding_box()["y"] < 844  # on the first screen, on a phone too
        expect(page.get_by_role("link", name="平台名单.pdf")).to_be_visible()
        expect(page.get_by_role("region", name="撤回申请")).to_have_count(0)
    finally:
        context.close()

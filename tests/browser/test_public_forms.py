"""The public's forms a person fills in Chromium in 简体中文, by their labels, beyond the journeys of
test_applications_journey.py and test_complaints_journey.py: applying for an on-request entry
from its catalogue line (title and index number prefilled), withdrawing an application, rating a
closed application and an answered consultation, and the survey (M.18)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from applications import services as application_services
from applications.models import Channel, DisclosureApplication, Status
from applications.outcomes import Outcome
from complaints import services as complaint_services
from complaints.models import Consultation, SurveyResponse
from disclosure.models import DisclosureAttribute
from portal.models import Role
from tests.applications.conftest import complete_letter, send_reply
from tests.browser.desk import covers
from tests.conftest import S, drive, make_user, new_draft

pytestmark = pytest.mark.browser

PERSON = {
    "applicant_type": "natural_person", "applicant_name": "王小明", "identity_document": "resident_id",
    "identity_number": "11010519491231002X", "phone": "13912345678", "email": "wangxiaoming@example.invalid",
    "information_title": "2025年度省级工业互联网平台认定名单", "description": "请提供2025年度省级工业互联网平台的认定名单。",
    "medium": "electronic", "delivery": "download",
}


def track(desk, path: str, code: str, secret: str):
    """The visitor looks the case up with the code and secret of the receipt."""
    page = desk.go(path)
    page.get_by_label("查询码").fill(code)
    page.get_by_label("查询密码").fill(secret)
    page.get_by_role("button", name="查询", exact=True).click()
    page.wait_for_url(re.compile(r"/track/[^/]+/$"))
    desk.shot("查询结果")
    return page


@covers("form:applications:apply", "form:applications:track", "form:applications:case_withdraw")
def test_an_on_request_entry_is_applied_for_with_its_title_prefilled_and_the_application_withdrawn(
        desks, expect, world):
    entry = drive(world, new_draft(world, title="2025年度技术改造专项资金分配明细",
                                   attribute=DisclosureAttribute.ON_REQUEST), S.PUBLISHED)
    visitor = desks.visitor()
    page = visitor.go(entry.get_absolute_url(), "依申请公开条目")
    page.get_by_role("link", name=re.compile("^申请获取")).first.click()
    form = page.get_by_role("form", name="网上申请表")
    # What the entry says is already in the form (R.29(2)); the person adds who they are.
    expect(form.get_by_label("所需信息名称")).to_have_value(entry.title)
    expect(form.get_by_label("索引号")).to_have_value(entry.index_number)
    form.get_by_role("radio", name="自然人", exact=True).check()
    form.get_by_label("姓名或名称").fill("王小明")
    form.get_by_role("radio", name="居民身份证", exact=True).check()
    form.get_by_label("证件号码").fill("11010519491231002X")
    form.get_by_label("联系电话").fill("13912345678")
    form.get_by_label("所需信息的内容描述").fill("请提供2025年度技术改造专项资金的分配明细。")
    visitor.shot("申请表填好")
    form.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("申请已提交")
    visitor.shot("回执")
    code = page.locator("#receipt-code").inner_text().strip()
    secret = page.locator("#receipt-secret").inner_text().strip()
    application = DisclosureApplication.objects.get(tracking_code=code)
    assert (application.information_title, application.index_number) == (entry.title, entry.index_number)

    page = track(visitor, "/apply/track/", code, secret)
    withdraw = page.get_by_role("region", name="撤回申请")
    withdraw.get_by_text("申请办结前，您可以撤回申请。").click()  # folded: not the page's main action
    withdraw.get_by_label("撤回理由").fill("已在其他渠道获取该信息。")
    withdraw.get_by_role("checkbox", name=re.compile("^我确认撤回本申请")).check()
    visitor.shot("撤回填好")
    withdraw.get_by_role("button", name="撤回申请").click()
    expect(page.get_by_role("status")).to_contain_text("您的申请已撤回")
    expect(page.locator(".case-status")).to_have_text("已办结")
    visitor.shot("已撤回")
    application.refresh_from_db()
    assert application.status == Status.CLOSED and application.outcome == Outcome.OTHER


@covers("form:applications:case_rate", "form:complaints:case_rate")
def test_a_closed_application_and_an_answered_consultation_are_rated_once_m18(desks, expect, world):
    application, secret = application_services.application_register_offline(
        actor=world.disclosure, data=PERSON, channel=Channel.IN_PERSON, received_on=timezone.localdate())
    application = application_services.application_draft_reply(
        application=application, actor=world.disclosure, outcome=Outcome.DISCLOSED,
        letter_html=complete_letter(application, Outcome.DISCLOSED))
    reviewer = make_user("gkb_reviewer", Role.DISCLOSURE_OFFICE, world.general_office)
    send_reply(application, reviewer)  # with the confidentiality check a disclosure needs (M.3(4), R.17)
    asked, asked_secret, _created = complaint_services.consultation_submit(data={
        "name": "王小明", "subject": "申请是否收费", "question": "申请政府信息公开需要交费吗？", "office": world.office_a})
    complaint_services.consultation_answer(consultation=asked, actor=world.head_a, answer="不收取费用。")

    visitor = desks.visitor()
    page = track(visitor, "/apply/track/", application.tracking_code, secret)
    rating = page.get_by_role("region", name="评价本次办理")
    rating.get_by_role("group", name="您对本次办理的评价").get_by_role("radio", name="4分 满意").check()
    rating.get_by_label("意见和建议").fill("答复及时。")
    visitor.shot("评价填好")
    rating.get_by_role("button", name="提交评价").click()
    expect(page.get_by_role("status")).to_contain_text("感谢您的评价")
    expect(page.get_by_role("region", name="您的评价")).to_contain_text("4 分")
    application.refresh_from_db()
    assert (application.rating, application.rating_comment) == (4, "答复及时。")

    page = track(visitor, "/interact/track/", asked.tracking_code, asked_secret)
    rating = page.get_by_role("region", name="评价本次办理")
    rating.get_by_role("radio", name="5分 非常满意").check()
    visitor.shot("评价填好")
    rating.get_by_role("button", name="提交评价").click()
    expect(page.get_by_role("status")).to_contain_text("感谢您的评价")
    assert Consultation.objects.get(pk=asked.pk).rating == 5


@covers("form:complaints:survey")
def test_the_survey_is_answered_question_by_question_m18(desks, expect, world):
    visitor = desks.visitor()
    page = visitor.go("/interact/survey/", "问卷")
    for question, answer in (("您对本机关政府信息公开工作的总体评价", "4分 满意"),
                             ("在本网站查找政府信息是否方便", "3分 基本满意"),
                             ("公开的信息是否及时、准确", "5分 非常满意")):
        page.get_by_role("group", name=question).get_by_role("radio", name=answer).check()
    page.get_by_label("意见和建议").fill("希望增加政策解读。")
    visitor.shot("问卷填好")
    page.get_by_role("button", name="提交问卷").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("感谢您的评议")
    answer = SurveyResponse.objects.get()
    assert (answer.overall, answer.findability, answer.timeliness, answer.comment) == (4, 3, 5, "希望增加政策解读。")

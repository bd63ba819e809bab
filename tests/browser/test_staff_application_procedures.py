"""The procedures issue #14 added to handling an application, filled in Chromium in 简体中文 as staff
fill them (the pattern of test_staff_applications.py): a late supplement held for a decision
(R.30), the third party's objection and the written notice of a disclosure over it (R.32), the
receipt of a letter recorded (R.32, R.34), an extension asked for by the handler and consented to
— or not — by a leader, on a phone (R.33(2)), another agency consulted with its time not counted
(R.33(3), R.34) and a delayed reply (R.35). Applications are made through the services; the
browser acts today."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from applications import services
from applications.models import EventKind, NoticeKind, Status
from applications.outcomes import Outcome
from portal.workdays import add_workdays
from tests.applications.conftest import complete_letter
from tests.browser.desk import covers, page_errors, submit_label
from tests.browser.test_staff_applications import PERSON, assigned, in_the_past, received

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def events_log(desk):
    """The application's handling record (办理记录) as shown on its page."""
    return desk.page.get_by_role("region", name="办理记录")


def notices(desk):
    return desk.page.get_by_role("region", name="办理文书")


def refused(desk, label: str, message: str) -> None:
    """Press the action's button and see it refused: `message` among what the page shows."""
    desk.page.get_by_role("button", name=submit_label(label), exact=True).click()
    desk.page.wait_for_load_state("load")
    desk.shot(f"{label} 被拒绝")
    shown = page_errors(desk.page)
    assert any(message in error for error in shown), f"“{message}” not among the errors shown: {shown}"


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@covers("applications.disclosureapplication:accept_late_supplement")
def test_a_late_supplement_is_held_until_the_office_accepts_it_for_a_good_reason_r30(desks, expect, world):
    """Supplement asked for 14 days ago with 5 days to answer; it arrives from the tracking page
    today: the clock does not restart by itself; the disclosure office accepts it with the reason,
    which the applicant reads on the tracking page, and the limit runs from today."""
    today = timezone.localdate()
    with in_the_past(days=14):
        application, secret = services.application_register_offline(
            actor=world.disclosure, data=PERSON, channel="in_person", received_on=timezone.localdate())
        application = services.application_request_supplement(
            application=application, actor=world.disclosure, items="请说明所需名单的年份。",
            deadline=timezone.localdate() + dt.timedelta(days=5))
    application = services.application_supplement_by_applicant(application=application, text="只需要2025年度的名单。")
    assert application.status == Status.SUPPLEMENT_LATE

    office = desks.staff(world.disclosure)
    page = office.open(application)
    expect(page.locator(".late-supplement")).to_contain_text(f"{today:%Y-%m-%d} 才收到补正")
    expect(page.locator(".clock-line")).to_contain_text("期限暂停")
    form = office.start(application, "接受逾期补正（有正当理由）")
    form.get_by_label("正当理由（记入办理记录，申请人可见）").fill("申请人因住院未能按期补正，已提供住院证明。")
    office.confirm("接受逾期补正（有正当理由）")
    expect(office.stage()).to_contain_text("已受理")
    due = add_workdays(today, 20).date
    expect(page.locator(".clock-line")).to_contain_text(f"{due:%Y-%m-%d}")
    application.refresh_from_db()
    assert (application.status, application.due_date, application.clock_paused) == (Status.RECEIVED, due, False)

    # The applicant reads the decision and its reason on the tracking page.
    visitor = desks.visitor("申请人")
    page = visitor.go("/apply/track/")
    page.get_by_label("查询码").fill(application.tracking_code)
    page.get_by_label("查询密码").fill(secret)
    page.get_by_role("button", name="查询", exact=True).click()
    expect(page.get_by_text("本机关认定您逾期补正有正当理由：申请人因住院未能按期补正")).to_be_visible()
    visitor.shot("查询页面")


@covers("applications.disclosureapplication:start_consultation", "applications.disclosureapplication:record_receipt",
        "applications.disclosureapplication:end_consultation",
        "applications.disclosureapplication:notify_third_party")
def test_a_third_party_objects_and_is_told_in_writing_before_the_disclosure_is_sent_r32(desks, expect, world):
    """The assigned office consults the company concerned by post and records the day the letter
    was received (its 15 working days run from then); the company objects; the disclosure office
    may not send a disclosure until it has told the company in writing what it will disclose and
    why — then it may."""
    today = timezone.localdate()
    application = assigned(world, information_title="某企业技术改造项目的申报材料")

    drafter = desks.staff(world.drafter_a)
    form = drafter.start(application, "征求第三方意见")
    expect(form.get_by_label("发出征求意见书日期")).to_have_value(today.isoformat())
    expect(form.get_by_label("送达方式")).to_have_value("post")
    form.get_by_label("被征求意见的第三方").fill("吉林某机械制造有限公司")
    drafter.confirm("征求第三方意见")
    expect(drafter.stage()).to_contain_text("征求第三方意见中")
    expect(drafter.page.locator(".clock-line")).to_contain_text("期限暂停")
    expect(notices(drafter)).to_contain_text("征求意见函 · 送达吉林某机械制造有限公司（不在申请人查询页面显示）")

    # The postal receipt comes back: the company's 15 working days count from its receipt.
    form = drafter.start(application, "登记送达日期")
    expect(form.get_by_label("文书")).to_have_value("consultation")
    expect(form.get_by_label("对方收到日期")).to_have_value(today.isoformat())
    drafter.confirm("登记送达日期")
    answer_by = add_workdays(today, 15).date
    expect(events_log(drafter)).to_contain_text(f"对方收到日期；期限至 {answer_by:%Y-%m-%d}")
    drafter.page.get_by_text("期限如何计算").click()
    expect(drafter.page.locator(".clock-explain")).to_contain_text(
        f"对方于 {today:%Y-%m-%d} 收到征求意见书；15个工作日的答复期限自该日起算，至 {answer_by:%Y-%m-%d}")

    form = drafter.start(application, "结束征求第三方意见")
    expect(form.get_by_label("收到意见（或期满）日期")).to_have_value(today.isoformat())
    form.get_by_label("第三方意见").fill("不同意公开，申报材料含本公司工艺参数。")
    form.get_by_label("第三方不同意公开").check()
    drafter.confirm("结束征求第三方意见")
    expect(drafter.stage()).not_to_contain_text("征求第三方意见中")
    expect(events_log(drafter)).to_contain_text("第三方不同意公开")

    # The agency decides to disclose all the same (drafted through the services: the drafting
    # form has its own test); sending is refused until the company has been told in writing.
    services.application_draft_reply(application=application, actor=world.drafter_a, outcome=Outcome.DISCLOSED,
                                     letter_html=complete_letter(application, Outcome.DISCLOSED))
    office = desks.staff(world.disclosure)
    form = office.start(application, "审核并发出答复")
    for label in ("不涉及国家秘密", "不涉及商业秘密", "不涉及个人隐私"):
        form.get_by_label(label).check()
    refused(office, "审核并发出答复", f"第三方已于 {today:%Y-%m-%d} 表示不同意公开")
    expect(office.page.locator(".messagelist .error")).to_contain_text("书面告知第三方（条例第三十二条）")
    expect(office.stage()).to_contain_text("答复待审核")

    form = office.start(application, "书面告知第三方决定公开")
    # What the company said is in front of the person writing to it.
    expect(form).to_contain_text(f"第三方吉林某机械制造有限公司于 {today:%Y-%m-%d} 提出的意见：不同意公开，申报材料含本公司工艺参数。")
    expect(form.get_by_label("发出日期")).to_have_value(today.isoformat())
    form.get_by_label("决定公开的政府信息内容").fill("项目名称、投资额和建设地点（不含工艺参数）。")
    form.get_by_label("不公开可能对公共利益造成重大影响的理由").fill("项目使用财政资金，公众有权监督资金使用。")
    form.get_by_label("送达方式").select_option(label="直接送达")
    office.confirm("书面告知第三方决定公开")
    expect(notices(office)).to_contain_text("决定公开告知书（第三方） · 送达吉林某机械制造有限公司")
    expect(events_log(office)).to_contain_text("决定公开的内容：项目名称、投资额和建设地点")

    form = office.start(application, "审核并发出答复")
    for label in ("不涉及国家秘密", "不涉及商业秘密", "不涉及个人隐私"):
        form.get_by_label(label).check()
    office.confirm("审核并发出答复")
    expect(office.stage()).to_contain_text("已办结")
    application.refresh_from_db()
    assert (application.status, application.outcome, application.replied_on) == (Status.CLOSED, Outcome.DISCLOSED,
                                                                                 today)
    received_event = application.events.get(kind=EventKind.NOTICE_RECEIVED)
    assert (received_event.on, received_event.data["answer_by"]) == (today, answer_by.isoformat())
    assert application.notices.get(kind=NoticeKind.THIRD_PARTY_DISCLOSURE).addressee == "吉林某机械制造有限公司"


@covers("applications.disclosureapplication:request_extension", "applications.disclosureapplication:refuse_extension",
        "applications.disclosureapplication:approve_extension")
def test_the_handler_asks_for_an_extension_and_a_leader_decides_on_a_phone_r33_2(desks, expect, world):
    """The assigned office's info officer asks; nothing changes until a leader (the approving
    role) decides, on a 390 px phone from the work list: a refusal needs its reason and leaves
    the limit; asked again, the consent extends it by the days asked for, once."""
    today = timezone.localdate()
    application = assigned(world)
    due = application.due_date

    drafter = desks.staff(world.drafter_a)
    form = drafter.start(application, "申请延长答复期限")
    expect(form.get_by_label("延长工作日数")).to_have_value("20")
    form.get_by_label("延期理由（将告知申请人）").fill("需要调取档案")
    drafter.confirm("申请延长答复期限")
    expect(drafter.stage()).to_contain_text("延期待批准")
    expect(drafter.page.locator(".workflow-panel")).to_contain_text(
        f"于 {today:%Y-%m-%d} 申请延长答复期限 20 个工作日（理由：需要调取档案），等待政府信息公开工作机构负责人同意")
    expect(drafter.page.locator(".clock-line")).to_contain_text(f"{due:%Y-%m-%d}")  # nothing changes yet
    # Who asked may not consent (R.33(2)): no such button for them.
    actions = drafter.page.locator(".workflow-actions")
    expect(actions.get_by_role("link", name="同意延长答复期限")).to_have_count(0)
    expect(actions.get_by_role("link", name="申请延长答复期限")).to_have_count(0)

    leader = desks.staff(world.leader_a)
    leader.page.set_viewport_size(PHONE)
    page = leader.go("/admin/", "待办（手机）")
    page.get_by_role("row").filter(has_text="延期待批准").get_by_role(
        "link", name=re.compile(application.tracking_code)).click()
    page.wait_for_load_state("load")
    expect(leader.stage()).to_contain_text("延期待批准")
    form = leader.start(application, "不同意延长答复期限")
    expect(form).to_contain_text("drafter_a于 " f"{today:%Y-%m-%d} 申请延长 20 个工作日，理由：需要调取档案")
    refused(leader, "不同意延长答复期限", "该字段是必填项")
    expect(form.locator(".form-row.errors")).to_contain_text("不同意的理由（必填）")
    form.get_by_label("不同意的理由（必填）").fill("档案可在期限内调取，不同意延期。")
    assert no_sideways_scroll(leader.page)
    leader.confirm("不同意延长答复期限")
    expect(leader.stage()).not_to_contain_text("延期待批准")
    expect(leader.stage()).not_to_contain_text("已延期")
    application.refresh_from_db()
    assert (application.extension_pending, application.extended, application.due_date) == (False, False, due)

    # Asked again, for a reason that holds: the leader consents; the limit moves, once.
    form = drafter.start(application, "申请延长答复期限")
    form.get_by_label("延长工作日数").fill("10")
    form.get_by_label("延期理由（将告知申请人）").fill("需要对大量材料进行区分处理")
    drafter.confirm("申请延长答复期限")

    form = leader.start(application, "同意延长答复期限")
    expect(form).to_contain_text("申请延长 10 个工作日，理由：需要对大量材料进行区分处理")
    form.get_by_label("意见").fill("同意。")
    assert no_sideways_scroll(leader.page)
    leader.shot("同意延期（手机）", full_page=True)
    leader.confirm("同意延长答复期限")
    expect(leader.stage()).to_contain_text("已延期")
    extended = add_workdays(due, 10).date
    expect(leader.page.locator(".clock-line")).to_contain_text(f"{extended:%Y-%m-%d}")
    expect(events_log(leader)).to_contain_text(
        f"延长 10 个工作日；drafter_a于 {today:%Y-%m-%d} 申请，leader_a于 {today:%Y-%m-%d} 同意")
    assert no_sideways_scroll(leader.page)
    application.refresh_from_db()
    assert (application.extended, application.due_date) == (True, extended)
    assert application.notices.filter(kind=NoticeKind.EXTENSION).count() == 1
    # One extension (R.33(2)): the handler is not offered another.
    page = drafter.open(application)
    expect(page.locator(".workflow-actions").get_by_role("link", name="申请延长答复期限")).to_have_count(0)


@covers("applications.disclosureapplication:start_agency_consultation",
        "applications.disclosureapplication:end_agency_consultation")
def test_another_agency_is_consulted_and_the_time_it_takes_is_not_counted_r33_3_r34(desks, expect, world):
    """One application: the office writes to the city bureau that made the list jointly (the
    letter goes to the bureau, not to the applicant, and the limit pauses). Another, whose
    consultation went out by e-mail 14 days ago: the bureau's answer is recorded today and the
    time is not counted — the limit moves later."""
    today = timezone.localdate()
    writing = assigned(world, information_title="2025年度省市共建产业园区名单")
    with in_the_past(days=20):
        answered = assigned(world, information_title="2025年度市级工业互联网平台名单")
    due_before = answered.due_date
    with in_the_past(days=14):
        services.application_start_agency_consultation(
            application=answered, actor=world.drafter_a, agency="长春市工业和信息化局",
            matter="该名单由双方共同制作，是否同意公开？", sent_via="email")

    drafter = desks.staff(world.drafter_a)
    form = drafter.start(writing, "征求其他机关意见")
    expect(form.get_by_label("发出征求意见书日期")).to_have_value(today.isoformat())
    form.get_by_label("被征求意见的机关").fill("吉林市工业和信息化局")
    form.get_by_label("征求意见的事项").fill("该名单由双方共同制作，是否同意公开？")
    form.get_by_label("送达方式").select_option(label="电子邮件")
    drafter.confirm("征求其他机关意见")
    expect(drafter.stage()).to_contain_text("征求其他机关意见中")
    expect(drafter.page.locator(".clock-line")).to_contain_text("期限暂停")
    expect(notices(drafter)).to_contain_text("征求其他机关意见函 · 送达吉林市工业和信息化局（不在申请人查询页面显示）")

    form = drafter.start(answered, "结束征求其他机关意见")
    expect(form.get_by_label("收到意见（或期满）日期")).to_have_value(today.isoformat())
    form.get_by_label("被征求意见机关的意见").fill("同意公开。")
    drafter.confirm("结束征求其他机关意见")
    expect(drafter.stage()).not_to_contain_text("征求其他机关意见中")
    answered.refresh_from_db()
    assert not answered.clock_paused and answered.due_date > due_before
    expect(drafter.page.locator(".clock-line")).to_contain_text(f"{answered.due_date:%Y-%m-%d}")
    drafter.page.get_by_text("期限如何计算").click()
    expect(drafter.page.locator(".clock-explain")).to_contain_text("第三十四条")
    writing.refresh_from_db()
    assert writing.agency_consultation_open and writing.notices.get(
        kind=NoticeKind.AGENCY_CONSULTATION).addressee == "吉林市工业和信息化局"


@covers("applications.disclosureapplication:delay_reply")
def test_a_reply_beyond_reasonable_bounds_is_delayed_to_a_later_date_told_to_the_applicant_r35(desks, expect, world):
    """The office sets a reasonable later date: one not after the present limit is refused with
    a message naming it; a later one becomes the limit, with the notice to the applicant."""
    application = received(world, information_title="2016年至2025年全部行政许可案卷")
    due = application.due_date

    office = desks.staff(world.disclosure)
    form = office.start(application, "确定延迟答复期限")
    # The present limit is in front of the person choosing a later one.
    expect(office.page.locator(".approval-summary")).to_contain_text(f"答复期限{due:%Y-%m-%d}")
    form.get_by_label("延迟答复的期限").fill(due.isoformat())
    form.get_by_label("申请人说明的理由").fill("用于学术研究。")
    form.get_by_label("不能按期答复的理由（将告知申请人）").fill("所需案卷达十年、数千件，需要逐件检索")
    refused(office, "确定延迟答复期限", f"延迟答复的期限应晚于现在的答复期限（{due:%Y-%m-%d}）")
    until = due + dt.timedelta(days=60)
    form.get_by_label("延迟答复的期限").fill(until.isoformat())
    office.confirm("确定延迟答复期限")
    expect(office.page.locator(".clock-line")).to_contain_text(f"{until:%Y-%m-%d}")
    expect(notices(office)).to_contain_text("延迟答复告知书")
    expect(events_log(office)).to_contain_text(f"延迟答复至 {until:%Y-%m-%d}")
    application.refresh_from_db()
    assert application.due_date == until


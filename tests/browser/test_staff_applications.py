"""Every form of handling an application (R.30–R.37, R.42, M.13), filled in Chromium in 简体中文 as
staff fill them: open the application, press the workflow button, read what is prefilled (today's
date above all: the date fields came up blank in Chinese, issue #15 2.1), fill what a person
would, press the visible button and see the new status. Applications are made through the services."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import AnnualReport, Channel, DisclosureApplication, ReviewCase, Status
from applications.outcomes import Outcome
from portal.models import SiteProfile
from portal.workdays import add_workdays
from tests.browser.desk import covers, exactly

pytestmark = pytest.mark.browser

PERSON = {
    "applicant_type": "natural_person", "applicant_name": "王小明", "identity_document": "resident_id",
    "identity_number": "11010519491231002X", "phone": "13912345678", "email": "wangxiaoming@example.invalid",
    "information_title": "2025年度省级工业互联网平台认定名单", "description": "请提供2025年度省级工业互联网平台的认定名单。",
    "medium": "electronic", "delivery": "download",
}


def online(**changes) -> DisclosureApplication:
    application, _secret, _created = services.application_submit(data={**PERSON, **changes})
    return application


def received(world, **changes) -> DisclosureApplication:
    application, _secret = services.application_register_offline(
        actor=world.disclosure, data={**PERSON, **changes}, channel=Channel.IN_PERSON,
        received_on=timezone.localdate())
    return application


def assigned(world, **changes) -> DisclosureApplication:
    return services.application_assign(application=received(world, **changes), actor=world.disclosure,
                                       office=world.office_a)


def in_the_past(days: int):
    """Set-up only: what happened `days` ago (the browser then acts today)."""
    return time_machine.travel(timezone.now() - dt.timedelta(days=days), tick=False)


@covers("applications.disclosureapplication:confirm", "applications.disclosureapplication:assign",
        "applications.disclosureapplication:request_supplement",
        "applications.disclosureapplication:record_supplement")
def test_an_online_application_is_confirmed_today_assigned_and_supplemented_r30_r31(desks, expect, world):
    today = timezone.localdate()
    application = online()

    office = desks.staff(world.disclosure)
    form = office.start(application, "确认收到（受理）")
    # R.31: the day both sides confirm is the day of receipt — today, prefilled.
    expect(form.get_by_label("收到申请日期（双方确认之日）")).to_have_value(today.isoformat())
    office.confirm("确认收到（受理）")
    expect(office.stage()).to_contain_text("已受理")
    application.refresh_from_db()
    assert (application.status, application.received_on) == (Status.RECEIVED, today)

    form = office.start(application, "分办")
    form.get_by_label("承办处室").select_option(label=world.office_a.name)
    form.get_by_label("分办意见").fill("请政策法规处办理。")
    office.confirm("分办")
    expect(office.stage()).to_contain_text("办理中")

    # The assigned office finds the request unclear and asks, once, for a supplement (R.30).
    drafter = desks.staff(world.drafter_a)
    form = drafter.start(application, "告知补正")
    deadline = add_workdays(today, 15).date
    expect(form.get_by_label("补正期限")).to_have_value(deadline.isoformat())
    form.get_by_label("需要补正的全部事项").fill("1. 请说明所需名单的年份范围。")
    drafter.confirm("告知补正")
    expect(drafter.stage()).to_contain_text("待补正")
    expect(drafter.page.locator(".workflow-panel")).to_contain_text(f"补正期限：{deadline:%Y-%m-%d}")

    # The supplement arrives on paper; the disclosure office registers it the same day.
    form = office.start(application, "登记收到补正")
    expect(form.get_by_label("收到补正日期")).to_have_value(today.isoformat())
    form.get_by_label("补正内容摘要").fill("申请人来信说明：只需要2025年度的名单。")
    office.confirm("登记收到补正")
    expect(office.stage()).to_contain_text("办理中")
    application.refresh_from_db()
    assert application.status == Status.ASSIGNED and not application.clock_paused
    assert application.events.filter(kind="supplement_received", on=today).exists()


@covers("applications.disclosureapplication:deem_withdrawn")
def test_no_supplement_by_the_deadline_the_application_is_deemed_withdrawn_r30(desks, expect, world):
    with in_the_past(days=30):
        application = received(world)
        application = services.application_request_supplement(
            application=application, actor=world.disclosure, items="请说明所需信息的年份。",
            deadline=timezone.localdate() + dt.timedelta(days=10))

    office = desks.staff(world.disclosure)
    form = office.start(application, "逾期未补正，视为放弃")
    form.get_by_label("说明").fill("补正期限届满，申请人未补正，也未说明理由。")
    office.confirm("逾期未补正，视为放弃")
    expect(office.stage()).to_contain_text("已办结")
    application.refresh_from_db()
    assert (application.status, application.outcome) == (Status.CLOSED, Outcome.OTHER_NO_SUPPLEMENT)


@covers("applications.disclosureapplication:start_consultation",
        "applications.disclosureapplication:end_consultation",
        "applications.disclosureapplication:request_extension",
        "applications.disclosureapplication:approve_extension")
def test_a_third_party_is_consulted_and_the_limit_extended_once_with_consent_r32_r33(desks, expect, world):
    today = timezone.localdate()
    application = assigned(world, information_title="某企业技术改造项目的申报材料")

    drafter = desks.staff(world.drafter_a)
    form = drafter.start(application, "征求第三方意见")
    expect(form.get_by_label("发出征求意见书日期")).to_have_value(today.isoformat())
    form.get_by_label("被征求意见的第三方").fill("吉林某机械制造有限公司")
    drafter.confirm("征求第三方意见")
    expect(drafter.stage()).to_contain_text("征求第三方意见中")

    form = drafter.start(application, "结束征求第三方意见")
    expect(form.get_by_label("收到意见（或期满）日期")).to_have_value(today.isoformat())
    form.get_by_label("第三方意见").fill("同意公开，但请删去技术参数。")
    drafter.confirm("结束征求第三方意见")
    expect(drafter.stage()).not_to_contain_text("征求第三方意见中")

    # R.33(2): the disclosure office asks for the extension; it takes effect only once someone
    # else holding the approving role (a leader) consents.
    office = desks.staff(world.disclosure)
    application.refresh_from_db()
    due = application.due_date
    form = office.start(application, "申请延长答复期限")
    expect(form.get_by_label("延长工作日数")).to_have_value("20")
    form.get_by_label("延期理由（将告知申请人）").fill("需要对大量材料进行区分处理")
    office.confirm("申请延长答复期限")
    expect(office.stage()).to_contain_text("延期待批准")
    expect(office.page.locator(".clock-line")).to_contain_text(f"{due:%Y-%m-%d}")

    leader = desks.staff(world.leader_a)
    leader.start(application, "同意延长答复期限")
    leader.confirm("同意延长答复期限")
    expect(leader.stage()).to_contain_text("已延期")
    application.refresh_from_db()
    assert application.extended and application.due_date == add_workdays(due, 20).date
    expect(leader.page.locator(".clock-line")).to_contain_text(f"{application.due_date:%Y-%m-%d}")


@covers("applications.disclosureapplication:fee_notice", "applications.disclosureapplication:fee_paid",
        "applications.disclosureapplication:fee_unpaid")
def test_a_fee_is_noticed_and_paid_or_left_unpaid_r42(desks, expect, world):
    today = timezone.localdate()
    paying = assigned(world)
    with in_the_past(days=40):
        unpaid = services.application_fee_notice(application=assigned(world), actor=world.disclosure,
                                                 method="by_count", basis=15)

    office = desks.staff(world.disclosure)
    form = office.start(paying, "发出收费通知")
    form.get_by_label("计收方式（只能选择一种）").select_option(label="按件计收")
    form.get_by_label("计费依据").fill("12")  # the applicant's 12th application this month: 100 元
    office.confirm("发出收费通知")
    expect(office.stage()).to_contain_text("待缴费")
    assert paying.fee_notices.get().amount == 100

    form = office.start(paying, "登记收到费用")
    expect(form.get_by_label("收到费用日期")).to_have_value(today.isoformat())
    office.confirm("登记收到费用")
    expect(office.stage()).not_to_contain_text("待缴费")
    assert paying.fee_notices.get().paid_on == today

    office.start(unpaid, "逾期未缴费，不再处理")
    office.confirm("逾期未缴费，不再处理")
    expect(office.stage()).to_contain_text("已办结")
    unpaid.refresh_from_db()
    assert unpaid.outcome == Outcome.OTHER_FEE_UNPAID


@covers("applications.disclosureapplication:draft_reply", "applications.disclosureapplication:return_reply",
        "applications.disclosureapplication:send_reply", "applications.disclosureapplication:record_review",
        "form:admin:applications_reviewcase_change")
def test_a_reply_is_drafted_returned_redrafted_and_sent_then_a_review_is_recorded_r36(desks, expect, world):
    today = timezone.localdate()
    profile = SiteProfile.current()
    profile.review_body = "吉林省人民政府"
    profile.save()
    application = assigned(world)

    drafter = desks.staff(world.drafter_a)
    form = drafter.start(application, "拟定答复")
    expect(form.get_by_label("办理结果（年报表三的分类）")).to_have_value(Outcome.DISCLOSED)
    # The letter is drafted from the outcome's template, in the editor: the decision and — on
    # every letter — the remedies, naming the review body of the agency profile (issue #14, 13).
    letter = form.get_by_role("textbox", name="告知书正文")
    expect(letter).to_contain_text("本机关决定予以公开")
    expect(letter).to_contain_text("六十日内向吉林省人民政府申请行政复议")
    expect(letter).to_contain_text("六个月内依法向人民法院提起行政诉讼")
    expect(form.get_by_label("告知书日期")).to_have_value(today.isoformat())
    drafter.confirm("拟定答复")
    expect(drafter.stage()).to_contain_text("答复待审核")

    office = desks.staff(world.disclosure)
    form = office.start(application, "退回修改答复")
    form.get_by_label("退回意见（必填）").fill("请写明提供信息的方式。")
    office.confirm("退回修改答复")
    expect(office.stage()).to_contain_text("办理中")

    form = drafter.start(application, "拟定答复")
    form.get_by_label("理由和依据").fill("所需信息已制作完成，请在查询页面下载。")
    drafter.confirm("拟定答复")

    # The reply is approved by another member of the disclosure office than its drafter, who
    # first confirms, for information released on request, the confidentiality self-check of a
    # record (M.3(4), R.17): each item ticked by the reviewer, none ticked in advance.
    form = office.start(application, "审核并发出答复")
    for label in ("不涉及国家秘密", "不涉及商业秘密", "不涉及个人隐私"):
        expect(form.get_by_label(label)).not_to_be_checked()
        form.get_by_label(label).check()
    form.get_by_label("说明").fill("同意。")
    office.confirm("审核并发出答复")
    expect(office.stage()).to_contain_text("已办结")
    application.refresh_from_db()
    assert (application.status, application.replied_on) == (Status.CLOSED, today)
    checklist = application.events.get(kind="replied").data["checklist"]
    assert (checklist["no_state_secret"], checklist["no_commercial_secret"], checklist["no_personal_privacy"]) == (
        True, True, True)

    # The applicant applies for administrative review: recorded, then decided on its own page.
    form = office.start(application, "记录复议或诉讼")
    form.get_by_label("类型").select_option(label="行政复议")
    form.get_by_label("立案日期").fill(today.isoformat())
    expect(form.get_by_label("结果")).to_have_value("pending")
    office.confirm("记录复议或诉讼")
    case = ReviewCase.objects.get(application=application)
    page = office.go(reverse("admin:applications_reviewcase_change", args=[case.pk]), "复议案件")
    page.get_by_label("结果").select_option(label="结果维持")
    page.get_by_label("审结日期").fill(today.isoformat())
    office.save()
    case.refresh_from_db()
    assert (case.result, case.decided_on) == ("maintained", today)


@covers("form:admin:applications_disclosureapplication_add")
def test_an_application_received_at_the_window_is_registered_with_todays_date_r29_r31(desks, expect, world):
    today = timezone.localdate()
    office = desks.staff(world.disclosure)
    page = office.go(reverse("admin:applications_disclosureapplication_add"), "登记申请")
    expect(page.get_by_label("收到申请日期")).to_have_value(today.isoformat())
    page.get_by_label("申请方式").select_option(label="当面提交")
    page.get_by_label("申请人类型").select_option(label="自然人")
    page.get_by_label("姓名或名称").fill("李华")
    page.get_by_label("证件类型").select_option(label="居民身份证")
    page.get_by_label("证件号码").fill("11010519491231002X")
    page.get_by_label("联系电话").fill("13900001111")
    page.get_by_label("所需信息名称").fill("2026年技术改造项目清单")
    page.get_by_label("所需信息的内容描述").fill("请提供2026年省级技术改造项目清单。")
    office.save()
    expect(page.locator(".messagelist")).to_contain_text("请将查询码")
    application = DisclosureApplication.objects.get(applicant_name="李华")
    assert (application.status, application.received_on, application.channel) == (
        Status.RECEIVED, today, Channel.IN_PERSON)



@covers("form:admin:applications_annualreport_add", "form:admin:applications_annualreport_change")
def test_last_years_annual_report_is_generated_written_and_sent_to_the_publish_chain_r49_r50(desks, expect, world):
    office = desks.staff(world.disclosure)
    page = office.go(reverse("admin:applications_annualreport_add"), "生成年度报告")
    last_year = timezone.localdate().year - 1
    expect(page.get_by_label("年度")).to_have_value(str(last_year))  # the report due by 31 January
    page.get_by_role("button", name="生成").click()
    expect(page.locator(".messagelist")).to_contain_text(f"已生成{last_year}年度报告的统计数据")

    for field, text in (("overview", "本年度主动公开政府信息120条。"), ("problems", "个别处室公开不够及时。"),
                        ("other_matters", "本年度未收取信息处理费。")):
        page.locator(f".field-{field} [contenteditable=true]").click()
        page.keyboard.type(text)
    for label, value in (("行政许可：本年处理决定数量", "3"), ("行政许可数据来源", "政务服务平台"),
                         ("行政处罚：本年处理决定数量", "0"), ("行政处罚数据来源", "行政执法平台"),
                         ("行政强制：本年处理决定数量", "0"), ("行政强制数据来源", "行政执法平台"),
                         ("行政事业性收费：本年收费金额（万元）", "0"), ("行政事业性收费数据来源", "财务处")):
        page.get_by_label(label).fill(value)
    # The first report made in the system: last year's carry-over, as last year's report says.
    for column in ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"):
        page.get_by_label(exactly(f"上年结转：{column}")).fill("0")
    page.get_by_label("上年结转数字来源").fill(f"{last_year - 1}年度报告")
    office.save("保存并继续编辑")
    expect(page.locator(".report-checks")).to_contain_text("校验全部通过")

    page.get_by_role("button", name="生成发布稿（转入发布流程）").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    office.shot("生成发布稿")
    report = AnnualReport.objects.get(year=last_year)
    assert report.record is not None and report.record.state == "draft"
    assert "本年度主动公开政府信息120条。" in report.overview

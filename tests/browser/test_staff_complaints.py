"""Every back-office form of 互动交流 (M.10, M.18–M.20), filled in Chromium in 简体中文 as staff fill
them: complaints handled by the supervision office and explained by the office concerned,
consultations routed, answered and published, intake at the window, findings and the dashboard's
period. Cases are made through the services."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.models import AccountabilityFinding, Complaint, ComplaintStatus, Consultation, ConsultationStatus
from tests.browser.desk import covers, exactly

pytestmark = pytest.mark.browser

DETAILS = "2026年9月向政策法规处申请公开技术改造项目清单，超过二十个工作日仍未答复。"


def complaint(world, **changes) -> Complaint:
    data = {"office": world.office_a, "failure_type": "late_reply", "details": DETAILS, **changes}
    created, _secret, _new = services.complaint_submit(data=data, reporter=None, anonymous=True)
    return created


def investigating(world) -> Complaint:
    return services.complaint_accept(complaint=complaint(world), actor=world.supervisor)


def consultation(world, **changes) -> Consultation:
    data = {"name": "王小明", "phone": "13912345678", "subject": "申请政府信息公开需要交费吗？",
            "question": "我想申请一份文件，是否需要交费？", "publish_consent": True, **changes}
    created, _secret, _new = services.consultation_submit(data=data)
    return created


@covers("complaints.complaint:accept", "complaints.complaint:request_explanation", "complaints.complaint:explain",
        "complaints.complaint:conclude", "complaints.complaint:reopen", "complaints.complaint:reply")
def test_a_complaint_is_accepted_explained_concluded_reopened_and_answered_m19(desks, expect, world):
    case = complaint(world)

    supervisor = desks.staff(world.supervisor)
    form = supervisor.start(case, "受理")
    form.get_by_label("受理意见").fill("属于受理范围。")
    supervisor.confirm("受理")
    expect(supervisor.stage()).to_contain_text("调查核实中")

    form = supervisor.start(case, "要求被投诉处室说明")
    expect(form.get_by_label("说明期限（工作日）")).not_to_have_value("")
    form.get_by_label("要求说明的事项（被投诉处室可见）").fill("请说明该申请未按期答复的原因。")
    supervisor.confirm("要求被投诉处室说明")
    expect(supervisor.stage()).to_contain_text("待被投诉处室说明")

    # The office concerned sees the question, never the report itself (M.19).
    office = desks.staff(world.drafter_a)
    form = office.start(case, "作出说明")
    expect(office.page.get_by_role("main")).not_to_contain_text(DETAILS)
    form.get_by_label("说明内容").fill("承办人员调整导致延误，已于近日答复。")
    office.confirm("作出说明")
    expect(office.stage()).to_contain_text("调查核实中")

    form = supervisor.start(case, "查结")
    form.get_by_role("radio", name="举报部分属实", exact=True).check()
    form.get_by_label("调查结论（内部）").fill("经调阅办理记录，答复超期三个工作日。")
    supervisor.confirm("查结")
    expect(supervisor.stage()).to_contain_text("已查结，待答复")

    form = supervisor.start(case, "重新调查")
    form.get_by_label("重新调查的理由").fill("举报人补充了新的材料。")
    supervisor.confirm("重新调查")
    expect(supervisor.stage()).to_contain_text("调查核实中")

    form = supervisor.start(case, "查结")
    form.get_by_role("radio", name="举报属实", exact=True).check()
    form.get_by_label("调查结论（内部）").fill("补充材料表明答复超期十个工作日，举报属实。")
    supervisor.confirm("查结")

    form = supervisor.start(case, "答复举报人")
    reply = form.get_by_label("答复举报人（将显示在举报人的查询页面）")
    expect(reply).to_have_value("经调查核实，您反映的问题属实。")  # drafted from the result
    reply.fill("经调查核实，您反映的问题属实，已责令该处室整改。")
    supervisor.confirm("答复举报人")
    expect(supervisor.stage()).to_contain_text("已办结")
    case.refresh_from_db()
    assert (case.status, case.result) == (ComplaintStatus.CLOSED, "substantiated")


@covers("complaints.complaint:decline", "complaints.complaint:withdraw_explanation")
def test_a_complaint_is_declined_and_an_explanation_request_withdrawn_m19(desks, expect, world):
    declined = complaint(world, failure_type="other", details="对工作人员的服务态度不满意。")
    asked = services.complaint_request_explanation(complaint=investigating(world), actor=world.supervisor,
                                                   question="请说明答复超期的原因。")

    supervisor = desks.staff(world.supervisor)
    form = supervisor.start(declined, "不予受理")
    form.get_by_label("不予受理的理由（将显示在举报人的查询页面）").fill("所反映事项不属于政府信息公开举报投诉的受理范围。")
    supervisor.confirm("不予受理")
    expect(supervisor.stage()).to_contain_text("已办结")

    form = supervisor.start(asked, "撤回说明要求")
    form.get_by_label("撤回理由（被投诉处室可见）").fill("已从办理记录中查明原因，无需再说明。")
    supervisor.confirm("撤回说明要求")
    expect(supervisor.stage()).to_contain_text("调查核实中")


@covers("complaints.consultation:route", "complaints.consultation:return", "complaints.consultation:answer",
        "complaints.consultation:publish", "complaints.consultation:unpublish")
def test_a_consultation_is_routed_returned_answered_published_and_withdrawn_from_the_faq_m10(desks, expect, world):
    question = consultation(world)

    office = desks.staff(world.disclosure)
    form = office.start(question, "分办")
    form.get_by_label("答复处室").select_option(label=world.office_b.name)
    office.confirm("分办")
    expect(office.stage()).to_contain_text("办理中")

    head_b = desks.staff(world.head_b)
    form = head_b.start(question, "退回重新分办")
    form.get_by_label("退回理由").fill("收费问题由政策法规处答复。")
    head_b.confirm("退回重新分办")
    # Out of the office's hands: back to its work list with the message, not a "not found" page.
    expect(head_b.page).to_have_url(re.compile(r"/admin/$"))
    question.refresh_from_db()
    assert (question.status, question.office) == (ConsultationStatus.SUBMITTED, None)

    form = office.start(question, "分办")
    form.get_by_label("答复处室").select_option(label=world.office_a.name)
    office.confirm("分办")

    head_a = desks.staff(world.head_a)
    form = head_a.start(question, "答复")
    form.get_by_label("答复内容（将显示在咨询人的查询页面）").fill("依申请提供政府信息，不收取费用。")
    head_a.confirm("答复")
    expect(head_a.stage()).to_contain_text("已答复")

    # Published without the asker's own words: the subject rewritten, the rest as answered.
    form = office.start(question, "公开到咨询问答")
    expect(form.get_by_label("公开的问题")).to_have_value("我想申请一份文件，是否需要交费？")
    expect(form.get_by_label("公开的答复")).to_have_value("依申请提供政府信息，不收取费用。")
    form.get_by_label("公开的主题").fill("申请政府信息公开是否收费")
    office.confirm("公开到咨询问答")
    faq = desks.visitor().go(reverse("complaints:faq"), "咨询问答")
    expect(faq.locator(".faq-item").first).to_contain_text("申请政府信息公开是否收费")

    form = office.start(question, "从咨询问答撤下")
    form.get_by_label("撤下的理由").fill("收费政策已调整。")
    office.confirm("从咨询问答撤下")
    question.refresh_from_db()
    assert question.status == ConsultationStatus.CLOSED and not question.is_published


@covers("form:admin:complaints_complaint_add", "form:admin:complaints_consultation_add",
        "form:admin:complaints_complaint_reporter_search")
def test_complaints_and_consultations_taken_at_the_window_are_entered_with_todays_date_m10(desks, expect, world):
    today = timezone.localdate()
    supervisor = desks.staff(world.supervisor)
    page = supervisor.go(reverse("admin:complaints_complaint_add"), "登记举报投诉")
    expect(page.get_by_label("收到日期")).to_have_value(today.isoformat())
    page.get_by_label("来源渠道").select_option(label="电话")
    page.get_by_label("被投诉处室").select_option(label=world.office_a.name)
    page.get_by_label("投诉事项类型").select_option(label="政府信息公开申请未按期答复")
    page.get_by_label("具体情况").fill("来电反映：申请超过二十个工作日未获答复。")
    page.get_by_label("举报人姓名或名称").fill("张三")
    page.get_by_label("联系电话").fill("13900002222")
    supervisor.save()
    entered = Complaint.objects.get(channel="phone")
    assert (entered.received_on, entered.anonymous) == (today, False)

    # Found again by the reporter's name, through the posted search (M.19: never in a URL).
    page = supervisor.go(reverse("admin:complaints_complaint_reporter_search"), "按举报人查找")
    page.get_by_label("举报人姓名或名称").fill("张三")
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_role("heading", name="找到 1 件")).to_be_visible()
    supervisor.shot("查找结果")
    expect(page.get_by_role("link", name=entered.tracking_code)).to_be_visible()

    office = desks.staff(world.disclosure)
    page = office.go(reverse("admin:complaints_consultation_add"), "登记咨询")
    expect(page.get_by_label("受理日期")).to_have_value(today.isoformat())
    page.get_by_label("来源渠道").select_option(label="政务大厅工作窗口")
    page.get_by_label("姓名或名称").fill("赵六")
    page.get_by_label("咨询主题").fill("如何查询年度报告")
    page.get_by_label("咨询内容").fill("去年的政府信息公开年度报告在哪里可以看到？")
    office.save()
    assert Consultation.objects.get(name="赵六").received_on == today


@covers("form:admin:complaints_accountabilityfinding_add", "form:admin:complaints_assessment_changelist")
def test_a_finding_is_recorded_today_and_the_dashboard_counts_a_custom_period_m18_m20(desks, expect, world):
    today = timezone.localdate()
    supervisor = desks.staff(world.supervisor)

    page = supervisor.go(reverse("admin:complaints_assessment_changelist"), "监督考核")
    # The year field shows the year the dashboard displays.
    expect(page.get_by_label("年份")).to_have_value(str(today.year))
    expect(page.locator(".dashboard-period")).to_contain_text(f"{today.year}-01-01 至 {today.year}-12-31")
    page.get_by_role("combobox", name="统计期间").select_option(label="自定义")
    start = today - dt.timedelta(days=30)
    page.get_by_label(exactly("起")).fill(start.isoformat())
    page.get_by_label(exactly("止")).fill(today.isoformat())
    page.get_by_role("button", name="统计").click()
    expect(page.locator(".dashboard-period")).to_contain_text(f"{start:%Y-%m-%d} 至 {today:%Y-%m-%d}")
    supervisor.shot("自定义期间")
    # The dates typed stay in their fields (ISO, as a date input needs them).
    expect(page.get_by_label(exactly("起"))).to_have_value(start.isoformat())

    page.get_by_role("link", name="记录责任追究").click()
    expect(page.get_by_label("认定日期")).to_have_value(today.isoformat())
    page.get_by_label("责任处室").select_option(label=world.office_a.name)
    page.get_by_label("事由").fill("申请答复超期")
    page.get_by_label("认定的事实").fill("2026年9月的一件申请超过法定期限十个工作日答复。")
    page.get_by_label(exactly("处理措施")).select_option(label="责令整改")
    supervisor.save()
    finding = AccountabilityFinding.objects.get()
    assert (finding.office, finding.decided_on, finding.measure) == (world.office_a, today, "rectification")

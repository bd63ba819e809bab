"""互动交流 end to end in a real browser (issue #6): a citizen reports an office anonymously, tracks
the report to its reply and rates it — the supervision office accepting, asking, concluding and
replying in the back office — and the supervision office's dashboard shows that office's figures
while the office itself never sees who reported; a consultation is answered in the back
office and published in the FAQ. The pages pass axe and raise no CSP violation."""

from __future__ import annotations

import re

import pytest

from complaints import services
from complaints.models import Complaint, Consultation
from tests.browser.desk import covers

pytestmark = pytest.mark.browser

DETAILS = "2026年9月向政策法规处申请公开技术改造项目清单，超过二十个工作日仍未答复。"
QUESTION = "申请政府信息公开需要交费吗？"
ANSWER = "依申请提供政府信息，不收取费用。"


def login(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def watch_csp(page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda message: found.append(message.text)
            if "Content Security Policy" in message.text else None)
    return found


@covers("form:complaints:complain", "form:complaints:track", "form:complaints:case_rate", "form:admin:login")
def test_anonymous_report_to_reply_rating_and_dashboard(page, expect, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    csp = watch_csp(page)

    # --- The citizen reports, anonymously ------------------------------------------------------
    page.goto("/interact/")
    page.get_by_role("link", name=re.compile("^投诉举报")).first.click()
    form = page.get_by_role("form", name="投诉举报表")
    form.get_by_label("被投诉的处室").select_option(label="政策法规处")
    form.get_by_role("radio", name="政府信息公开申请未按期答复").check()
    form.get_by_label("具体情况").fill(DETAILS)
    form.get_by_role("radio", name=re.compile("^匿名举报")).check()
    form.get_by_role("button", name="提交投诉举报").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("投诉举报已提交")
    code = page.locator("#receipt-code").inner_text().strip()
    secret = page.locator("#receipt-secret").inner_text().strip()
    assert re.fullmatch(r"JB\d{4}-\d{6}", code) and re.fullmatch(r"[A-Z2-9]{8}", secret)
    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.anonymous and complaint.details == DETAILS

    # --- The supervision office accepts it and asks the office, in the back office -------------
    login(page, "supervisor")
    page.goto(f"/admin/complaints/complaint/{complaint.pk}/change/")
    page.get_by_role("link", name="受理", exact=True).click()
    page.get_by_label("受理意见").fill("属于受理范围。")
    page.get_by_role("button", name="确认受理").click()
    expect(page.locator(".messagelist")).to_contain_text("已完成“受理”")
    expect(page.locator("#stage-title")).to_contain_text("调查核实中")
    page.get_by_role("link", name="要求被投诉处室说明").click()
    page.get_by_label("要求说明的事项（被投诉处室可见）").fill("请说明该申请未按期答复的原因。")
    page.get_by_role("button", name="确认要求被投诉处室说明").click()
    expect(page.locator(".messagelist")).to_contain_text("已完成")
    complaint.refresh_from_db()
    assert complaint.status == "explanation_requested"

    # --- The office explains in the back office, seeing the question only ----------------------
    login(page, "drafter_a")
    page.goto(f"/admin/complaints/complaint/{complaint.pk}/change/")
    expect(page.locator("#content-main")).to_contain_text("请说明该申请未按期答复的原因。")
    assert DETAILS not in page.content()
    page.get_by_role("link", name="作出说明").click()
    page.get_by_label("说明内容").fill("承办人员调整导致延误，已于近日答复。")
    page.get_by_role("button", name="确认作出说明").click()
    expect(page.locator(".messagelist")).to_contain_text("已完成")

    # --- The supervision office concludes and replies, in the back office -----------------------
    login(page, "supervisor")
    page.goto(f"/admin/complaints/complaint/{complaint.pk}/change/")
    expect(page.locator("#content-main")).to_contain_text("承办人员调整导致延误")
    page.get_by_role("link", name="查结", exact=True).click()
    page.get_by_role("radio", name="举报属实", exact=True).check()
    page.get_by_label("调查结论（内部）").fill("经调阅办理记录，属实。")
    page.get_by_role("button", name="确认查结").click()
    expect(page.locator(".messagelist")).to_contain_text("已完成“查结”")
    page.get_by_role("link", name="答复举报人").click()
    reply = page.get_by_label("答复举报人（将显示在举报人的查询页面）")
    expect(reply).to_have_value("经调查核实，您反映的问题属实。")
    reply.fill("经调查核实，您反映的问题属实，已责令该处室整改。")
    page.get_by_role("button", name="确认答复举报人").click()
    expect(page.locator(".messagelist")).to_contain_text("已完成“答复举报人”")
    expect(page.locator("#stage-title")).to_contain_text("已办结")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.result) == ("closed", "substantiated")
    assert [e.actor.username for e in complaint.events.filter(kind__in=["accepted", "replied"])] == [
        "supervisor", "supervisor"]

    # --- The citizen tracks it to the reply and rates it ----------------------------------------
    page.context.clear_cookies()
    page.goto("/interact/track/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("查询密码").fill(secret.lower())
    page.get_by_role("button", name="查询", exact=True).click()
    page.wait_for_url(re.compile(r"/interact/track/[^/]+/$"))
    expect(page.locator(".case-status")).to_have_text("已办结")
    expect(page.get_by_role("region", name="答复")).to_contain_text("已责令该处室整改")
    rating = page.get_by_role("region", name="评价本次办理")
    rating.get_by_role("radio", name="4分 满意").check()
    rating.get_by_role("button", name="提交评价").click()
    expect(page.get_by_role("status")).to_contain_text("感谢您的评价")
    complaint.refresh_from_db()
    assert complaint.rating == 4

    # --- The supervision office's dashboard shows the office's figures -------------------------
    login(page, "supervisor")
    page.goto("/admin/complaints/assessment/")
    office_row = page.locator(".dashboard-table tbody tr", has=page.locator('th:text-is("政策法规处")'))
    cells = office_row.locator("td").all_inner_texts()
    assert cells[8:10] == ["1", "1"]  # complaints received, substantiated
    assert cells[13] == "0"  # the reporter rated the supervision office's handling, not this office
    supervision_row = page.locator(".dashboard-table tbody tr", has=page.locator('th:text-is("厅监察室")'))
    assert supervision_row.locator("td").all_inner_texts()[13:15] == ["1", "4.0"]  # one rating, average 4
    expect(page.locator(".rating-note")).to_contain_text("计入厅监察室")
    expect(page.locator("svg.chart-svg").first).to_be_visible()
    assert csp == []


@covers("form:complaints:consult")
def test_consultation_answered_in_the_back_office_and_published(page, expect, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    csp = watch_csp(page)
    page.goto("/interact/consult/")
    form = page.get_by_role("form", name="咨询表")
    form.get_by_label("咨询主题").fill(QUESTION)
    form.get_by_role("textbox", name="咨询内容").fill("我想申请一份文件，是否需要交费？")
    form.get_by_label("姓名或名称").fill("王小明")
    form.get_by_role("checkbox").check()
    form.get_by_role("button", name="提交咨询").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("咨询已提交")
    consultation = Consultation.objects.get()
    consultation = services.consultation_route(consultation=consultation, actor=world.disclosure,
                                               office=world.office_a)

    login(page, "head_a")
    page.goto(f"/admin/complaints/consultation/{consultation.pk}/change/")
    page.get_by_role("link", name="答复", exact=True).click()
    page.get_by_label(re.compile("^答复内容")).fill(ANSWER)
    page.get_by_role("button", name="确认答复").click()
    expect(page.locator(".messagelist")).to_contain_text("已完成")

    login(page, "gkb")
    page.goto(f"/admin/complaints/consultation/{consultation.pk}/change/")
    page.get_by_role("link", name="公开到咨询问答").click()
    expect(page.get_by_label("公开的答复")).to_have_value(ANSWER)
    page.get_by_role("button", name="确认公开到咨询问答").click()
    expect(page.locator(".messagelist")).to_contain_text("已完成")

    page.context.clear_cookies()
    page.goto("/interact/faq/")
    item = page.locator(".faq-item").first
    expect(item).to_contain_text(QUESTION)
    expect(item).to_contain_text(ANSWER)
    expect(item).to_contain_text("政策法规处")
    assert "王小明" not in page.content()
    assert csp == []


def test_the_pages_of_interact_pass_axe(page, axe, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    complaint, _secret, _created = services.complaint_submit(
        data={"office": world.office_a, "failure_type": "other", "details": "情况"}, reporter=None, anonymous=True)
    services.complaint_decline(complaint=complaint, actor=world.supervisor, reason="不属于受理范围")
    from complaints.views import case_token

    problems = {}
    for path in ["/interact/", "/interact/complain/", "/interact/consult/", "/interact/faq/", "/interact/survey/",
                 "/interact/track/", f"/interact/track/{case_token(complaint)}/"]:
        page.goto(path)
        violations = [v for v in axe.run(page).response["violations"] if v["impact"] in {"serious", "critical"}]
        if violations:
            problems[path] = [v["id"] for v in violations]
    page.goto("/interact/complain/")
    page.get_by_role("button", name="提交投诉举报").click()
    page.get_by_role("alert").filter(has_text="提交未成功").wait_for()
    violations = [v for v in axe.run(page).response["violations"] if v["impact"] in {"serious", "critical"}]
    if violations:
        problems["complain, with errors"] = [v["id"] for v in violations]
    assert not problems, problems

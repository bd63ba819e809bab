"""A reporter who cannot tell which office failed may leave it to the supervision office (issue
#15, 6; M.19): the complaint form offers “不确定，由厅监察室分办”, as the consultation form does, and
the supervision office names the office when it accepts the case."""

from __future__ import annotations

import re

import pytest

from complaints.models import Complaint
from tests.browser.desk import sign_in

pytestmark = pytest.mark.browser

DETAILS = "今年9月申请公开技术改造项目清单，至今未获答复，不清楚由哪个处室负责。"


@pytest.mark.parametrize("width", [390, 1280])
def test_a_report_without_an_office_is_accepted_and_assigned_by_the_supervision_office(
        browser, portal_server, world, width, expect, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    context = browser.new_context(base_url=portal_server.url, locale="zh-CN", viewport={"width": width, "height": 844})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/interact/complain/")
        form = page.get_by_role("form", name="投诉举报表")
        office = form.get_by_label("被投诉的处室")
        options = office.locator("option").all_inner_texts()
        assert options[0] == "不确定，由厅监察室分办" and "厅监察室" not in options[1:]
        office.select_option(label="不确定，由厅监察室分办")
        form.get_by_role("radio", name="政府信息公开申请未按期答复").check()
        form.get_by_label("具体情况").fill(DETAILS)
        form.get_by_role("radio", name=re.compile("^匿名举报")).check()
        form.get_by_role("button", name="提交投诉举报").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("投诉举报已提交")
        expect(page.get_by_role("main")).to_contain_text("由厅监察室分办")
        complaint = Complaint.objects.get(tracking_code=page.locator("#receipt-code").inner_text().strip())
        assert complaint.office is None

        # The supervision office accepts it and names the office (分办) on the same form.
        sign_in(context, portal_server, world.supervisor)
        page.goto(f"/admin/complaints/complaint/{complaint.pk}/change/")
        page.get_by_role("link", name="受理", exact=True).click()
        choice = page.get_by_label("被投诉的处室")
        expect(choice).to_have_value("")
        choice.select_option(label=world.office_a.name)
        page.get_by_role("button", name="确认受理").click()
        expect(page.locator(".messagelist")).to_contain_text("已完成“受理”")
        complaint.refresh_from_db()
        assert complaint.office == world.office_a
        page.get_by_role("link", name="要求被投诉处室说明").click()
        expect(page.get_by_label("被投诉的处室")).to_have_value(str(world.office_a.pk))
    finally:
        context.close()

"""Every form of the publish workflow (M.12, M.14), filled in Chromium in 简体中文 as staff fill it:
each person opens the record's page, presses its workflow button, reads what the form shows
prefilled, types or picks only what a person would (by label), presses the visible button and
sees the record in its next step. Records are made through the services (tests/conftest.py)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosure.models import Record, RecordState, Validity
from tests.browser.desk import covers
from tests.conftest import S, drive, new_draft

pytestmark = pytest.mark.browser

TITLE = "关于开展2026年度工业互联网平台评定工作的通知"
BODY = "各市（州）工业和信息化主管部门：现将2026年度工业互联网平台评定工作有关事项通知如下。"


def record_titled(title: str) -> Record:
    return Record.objects.get(title=title)


@covers("form:admin:disclosure_record_add", "disclosure.record:submit", "disclosure.record:approve_division",
        "disclosure.record:approve_confidentiality", "disclosure.record:sign_off", "disclosure.record:publish",
        "disclosure.record:register")
def test_a_record_drafted_in_the_form_is_approved_signed_published_and_registered_m12(desks, expect, world):
    today = timezone.localdate()

    # --- The info officer drafts an important record (M.12: 拟稿) -------------------------------
    drafter = desks.staff(world.drafter_a)
    page = drafter.go(reverse("admin:disclosure_record_add"), "新增政府信息")
    # Only the drafter's own office can be chosen, and it is chosen already; 主动公开 by default.
    expect(page.get_by_label("发布机构")).to_have_value(str(world.office_a.pk))
    expect(page.get_by_label("公开属性")).to_have_value("proactive")
    page.get_by_label(re.compile("^标题")).fill(TITLE)
    page.get_by_label("主题分类").select_option(label=world.category.name)
    page.get_by_label("成文日期").fill(today.isoformat())
    page.get_by_label(re.compile("^重要信息")).check()
    page.locator(".field-body [contenteditable=true]").click()
    page.keyboard.type(BODY)
    drafter.save("保存并继续编辑")
    expect(drafter.stage()).to_contain_text("草稿")
    record = record_titled(TITLE)
    assert (record.date_formed, record.is_important, record.office) == (today, True, world.office_a)
    assert BODY in record.body

    drafter.start(record, "提交处室负责人审核")
    drafter.confirm("提交处室负责人审核")
    expect(drafter.stage()).to_contain_text("处室负责人审核")

    # --- The division head approves, after the confidentiality self-check (M.12(1)) ------------
    head = desks.staff(world.head_a)
    form = head.start(record, "审核通过（含保密自查）")
    for label in ("不涉及国家秘密", "不涉及商业秘密", "不涉及个人隐私"):
        expect(form.get_by_label(label)).not_to_be_checked()  # each reviewer confirms for themselves
        form.get_by_label(label).check()
    head.confirm("审核通过（含保密自查）")
    expect(head.stage()).to_contain_text("保密审查")

    # --- The disclosure office's unified review keeps it important (M.12(2)) ------------------
    office = desks.staff(world.disclosure)
    form = office.start(record, "保密审查通过")
    expect(form.get_by_role("radio", name="重要信息：须经主管厅领导签字后公开")).to_be_checked()
    for label in ("不涉及国家秘密", "不涉及商业秘密", "不涉及个人隐私"):
        form.get_by_label(label).check()
    office.confirm("保密审查通过")
    expect(office.stage()).to_contain_text("厅领导签发")

    # --- The supervising leader signs it off ----------------------------------------------------
    leader = desks.staff(world.leader_a)
    leader.start(record, "签发")
    leader.confirm("签发")
    expect(leader.stage()).to_contain_text("待发布")

    # --- The info center publishes it on the column and the website (M.9, M.12(3)) -----------
    publisher = desks.staff(world.publisher)
    form = publisher.start(record, "发布")
    expect(form.get_by_role("checkbox", name="政府信息公开专栏")).to_be_checked()
    expect(form.get_by_role("checkbox", name="厅网站")).to_be_checked()
    expect(form.get_by_label("定时发布")).to_have_value("")  # empty: now
    publisher.confirm("发布")
    expect(publisher.stage()).to_contain_text("已发布")

    # --- The general office registers the release (M.12(4)) -----------------------------------
    registrar = desks.staff(world.registrar)
    registrar.start(record, "登记")
    registrar.confirm("登记")
    expect(registrar.stage()).to_contain_text("已登记")
    record.refresh_from_db()
    assert record.state == RecordState.REGISTERED and set(record.channels) == {"column", "website"}

    # --- The public reads it --------------------------------------------------------------------
    visitor = desks.visitor()
    public = visitor.go(record.get_absolute_url(), "公开页面")
    expect(public.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(public.get_by_role("main")).to_contain_text(BODY)


@covers("disclosure.record:return_to_draft", "disclosure.record:withhold")
def test_a_reviewer_returns_a_draft_with_a_comment_and_withholds_another_m6_m12(desks, expect, world):
    returned = drive(world, new_draft(world, title="关于征求技术改造资金管理办法意见的函"), S.DIVISION_REVIEW)
    withheld = drive(world, new_draft(world, title="关于某企业技术秘密的调查报告"), S.CONFIDENTIALITY_REVIEW)

    head = desks.staff(world.head_a)
    form = head.start(returned, "退回修改")
    form.get_by_label("退回意见（必填）").fill("请补充申报时间和联系方式。")
    head.confirm("退回修改")
    expect(head.stage()).to_contain_text("草稿")
    returned.refresh_from_db()
    assert returned.state == RecordState.DRAFT
    assert returned.events.filter(action="return_to_draft", comment="请补充申报时间和联系方式。").exists()

    office = desks.staff(world.disclosure)
    form = office.start(withheld, "不予公开")
    form.get_by_label("不予公开依据").select_option(label="涉及商业秘密")
    office.confirm("不予公开")
    expect(office.stage()).to_contain_text("不予公开")
    expect(office.page.locator(".workflow-panel .notice")).to_contain_text("涉及商业秘密")
    withheld.refresh_from_db()
    assert (withheld.state, withheld.withholding_ground) == (RecordState.WITHHELD, "commercial_secret")


@covers("disclosure.record:amend", "disclosure.record:revoke", "disclosure.record:repeal", "disclosure.record:expire")
def test_a_published_record_is_amended_revoked_repealed_or_marked_expired_m14(desks, expect, world):
    amended = drive(world, new_draft(world, title="技术改造专项资金管理办法"), S.REGISTERED)
    revoked = drive(world, new_draft(world, title="关于重复发布的通知"), S.REGISTERED)
    repealed = drive(world, new_draft(world, title="工业企业技术改造管理暂行办法"), S.REGISTERED)
    expired = drive(world, new_draft(world, title="2025年度项目申报通知"), S.REGISTERED)

    drafter = desks.staff(world.drafter_a)
    form = drafter.start(amended, "变更（新版本）")
    form.get_by_label("变更原因").fill("根据新修订的资金管理规定调整支持范围。")
    drafter.confirm("变更（新版本）")
    # The new version opens, as a draft; the published one stays public until it replaces it.
    expect(drafter.stage()).to_contain_text("草稿")
    expect(drafter.stage()).to_contain_text("第 2 版")
    assert amended.next_versions.get().state == RecordState.DRAFT

    office = desks.staff(world.disclosure)
    for record, label, shown in ((revoked, "撤销", "已撤销"), (repealed, "废止", "废止"), (expired, "标记失效", "失效")):
        form = office.start(record, label)
        form.get_by_label("原因（必填）").fill(f"{label}：经审查，{record.title}需要{label}。")
        office.confirm(label)
        expect(office.stage() if label == "撤销" else office.page.locator(".workflow-panel .notice")).to_contain_text(shown)
    for record in (revoked, repealed, expired):
        record.refresh_from_db()
    assert revoked.state == RecordState.REVOKED
    assert (repealed.validity, expired.validity) == (Validity.REPEALED, Validity.EXPIRED)

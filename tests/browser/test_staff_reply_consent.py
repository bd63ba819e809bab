"""A reply that discloses a commercial secret all the same (M.6 para. 2, R.15), filled in Chromium in
简体中文: with the right holder's consent, recorded on the send form at 1280 px and finished on a
390 px phone; and in the public interest, asked for by the disclosure office, signed by the
supervising leader on a phone, then sent. Issue 14, items 9 and 11."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from applications import services
from applications.models import FileRole, Status
from applications.outcomes import Outcome
from tests.applications.conftest import complete_letter
from tests.browser.desk import covers
from tests.browser.test_staff_application_procedures import PHONE, events_log, no_sideways_scroll, refused
from tests.browser.test_staff_applications import assigned

pytestmark = pytest.mark.browser

REASON = "项目使用财政资金，公众有权监督资金使用，不公开将对公共利益造成重大影响。"


def drafted(world):
    application = assigned(world, information_title="某企业技术改造项目的补贴金额")
    return services.application_draft_reply(application=application, actor=world.drafter_a, outcome=Outcome.DISCLOSED,
                                            letter_html=complete_letter(application, Outcome.DISCLOSED))


@covers("applications.disclosureapplication:send_reply")
def test_the_office_sends_a_disclosure_with_the_companys_consent_on_a_desk_and_a_phone_m6_r15(
        desks, expect, world, tmp_path):
    """The company agreed in writing three days ago. At 1280 px the office says the reply does
    involve a commercial secret and chooses 权利人同意公开; without the consent letter it is told
    what is missing; on a 390 px phone it attaches the letter and sends. The case page shows how,
    when and which letter; the letter is kept with the case, not given to the applicant."""
    today = timezone.localdate()
    agreed = today - dt.timedelta(days=3)
    letter = tmp_path / "同意公开函.pdf"
    letter.write_bytes(b"%PDF-1.4 consent letter")
    application = drafted(world)

    office = desks.staff(world.disclosure)
    form = office.start(application, "审核并发出答复")
    expect(form).to_contain_text("涉及商业秘密、个人隐私但予以公开")
    form.get_by_label("不涉及国家秘密").check()
    form.get_by_label("不涉及个人隐私").check()
    form.get_by_label("权利人同意公开").check()
    form.get_by_label("权利人同意的方式").fill("书面同意函（加盖公章）")
    form.get_by_label("同意的日期").fill(agreed.isoformat())
    office.shot("选择权利人同意公开（1280）", full_page=True)
    refused(office, "审核并发出答复", "须记录同意书")

    office.page.set_viewport_size(PHONE)
    form = office.page.locator("form.transition-form")
    # What was typed is still there; the letter is attached on the phone.
    expect(form.get_by_label("权利人同意的方式")).to_have_value("书面同意函（加盖公章）")
    expect(form.get_by_label("权利人同意公开")).to_be_checked()
    form.get_by_label("同意书").set_input_files(str(letter))
    assert no_sideways_scroll(office.page)
    office.shot("附上同意书（390）", full_page=True)
    office.confirm("审核并发出答复")
    expect(office.stage()).to_contain_text("已办结")
    expect(events_log(office)).to_contain_text(
        f"经权利人同意公开（书面同意函（加盖公章），{agreed:%Y-%m-%d} 同意，同意书：同意公开函.pdf）")
    assert no_sideways_scroll(office.page)
    office.shot("办理记录（390）", full_page=True)
    application.refresh_from_db()
    assert (application.status, application.replied_on) == (Status.CLOSED, today)
    kept = application.files.get(role=FileRole.CONSENT)
    assert (kept.original_name, kept.visible_to_applicant) == ("同意公开函.pdf", False)


@covers("applications.disclosureapplication:request_public_interest",
        "applications.disclosureapplication:sign_off_public_interest")
def test_a_public_interest_disclosure_is_signed_by_the_supervising_leader_before_it_is_sent_m6_r15(
        desks, expect, world):
    """Sending in the public interest before the signature is refused; the office asks with its
    reason; the supervising leader of office A finds it on the work list on a phone and signs; the
    send form then shows the signed reason and the reply goes out."""
    today = timezone.localdate()
    application = drafted(world)

    office = desks.staff(world.disclosure)
    form = office.start(application, "审核并发出答复")
    form.get_by_label("不涉及国家秘密").check()
    form.get_by_label("不涉及个人隐私").check()
    form.get_by_label("不公开可能对公共利益造成重大影响").check()
    refused(office, "审核并发出答复", "须先提请主管厅领导签发")

    form = office.start(application, "提请厅领导签发（因公共利益决定公开）")
    refused(office, "提请厅领导签发（因公共利益决定公开）", "请写明理由")
    form.get_by_label("不公开可能对公共利益造成重大影响的理由").fill(REASON)
    office.confirm("提请厅领导签发（因公共利益决定公开）")
    expect(office.page.locator(".workflow-actions").get_by_role(
        "link", name="签发：因公共利益决定公开")).to_have_count(0)

    leader = desks.staff(world.leader_a)
    leader.page.set_viewport_size(PHONE)
    page = leader.go("/admin/", "待办（手机）")
    page.get_by_role("row").filter(has_text="因公共利益决定公开待签发").get_by_role(
        "link", name=application.tracking_code, exact=False).click()
    page.wait_for_load_state("load")
    form = leader.start(application, "签发：因公共利益决定公开")
    expect(form).to_contain_text(f"gkb于 {today:%Y-%m-%d} 提请签发，理由：{REASON}")
    form.get_by_label("意见").fill("同意公开。")
    assert no_sideways_scroll(leader.page)
    leader.shot("签发（手机）", full_page=True)
    leader.confirm("签发：因公共利益决定公开")
    expect(events_log(leader)).to_contain_text(f"leader_a于 {today:%Y-%m-%d} 签发")

    form = office.start(application, "审核并发出答复")
    expect(form).to_contain_text(f"主管厅领导已签发：{REASON}")
    form.get_by_label("不涉及国家秘密").check()
    form.get_by_label("不涉及个人隐私").check()
    form.get_by_label("不公开可能对公共利益造成重大影响").check()
    office.confirm("审核并发出答复")
    expect(office.stage()).to_contain_text("已办结")
    expect(events_log(office)).to_contain_text(f"予以公开（leader_a于 {today:%Y-%m-%d} 签发）")

"""The procedures of R.32–R.35 and the checks before a reply goes out (issue #14): the consent to
an extension (R.33(2)), consulting other agencies (R.33(3), R.34), the delayed reply (R.35), the
written notice to a third party disclosed over its objection (R.32), the confidentiality check of
a reply that releases information (M.3(4), R.17), the review body in every letter that can be
challenged. Each worked on dates, through the services, the back office and the tracking page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from applications import services, workflow
from applications.clock import compute
from applications.letters import letter_text
from applications.models import NoticeKind
from applications.outcomes import Outcome
from applications.views import case_token
from portal.errors import ActionRefused, InvalidInput, StateConflict
from portal.models import Membership, Role, SiteProfile
from tests.applications.conftest import ALL_CLEAR, PARTIAL_CHECK, REMEDIES_TEXT, complete_letter, offline, send_reply
from tests.conftest import make_user
from tests.timing import at

D = dt.date
LETTER = f"<p>经审查，现将有关信息提供给您。</p><p>{REMEDIES_TEXT}</p>"


def assigned(world):
    """Received Monday 2 November 2026 (due 30 November), assigned to office A the same day."""
    with at(D(2026, 11, 2)):
        application = offline(world, received_on=D(2026, 11, 2))
        return services.application_assign(application=application, actor=world.disclosure, office=world.office_a)


def lines(application) -> list[str]:
    return [line.text for line in compute(application.events.order_by("on", "at", "pk")).lines]


def admin_page(client, user, application) -> str:
    client.force_login(user)
    page = client.get(reverse("admin:applications_disclosureapplication_change", args=[application.pk]))
    assert page.status_code == 200
    return page.text


def act(client, user, application, name: str, **data):
    """`user` opens the back office's action `name` and confirms it."""
    client.force_login(user)
    url = reverse("admin:applications_disclosureapplication_transition", args=[application.pk, name])
    page = client.get(url)
    assert page.status_code == 200, page.text[:2000]
    application.refresh_from_db()
    return page, client.post(url, {"expected_status": application.status, **data})


# --- The head of the disclosure work body consents to an extension (R.33(2)) --------------------------


def test_an_extension_takes_effect_only_with_the_consent_of_another_person_r33_2(world):
    """Asked for by office A's info officer on 2026-11-19: nothing changes yet (due 11-30); the
    asker, the disclosure office and another division's head cannot consent; a leader consents on
    11-20 → due 12-14, and both are recorded."""
    application = assigned(world)
    with at(D(2026, 11, 19)):
        application = services.application_request_extension(application=application, actor=world.drafter_a,
                                                              days=10, reason="需要调取档案")
    assert (application.extension_pending, application.extended, application.due_date) == (True, False, D(2026, 11, 30))
    assert not application.notices.exists()
    with at(D(2026, 11, 20)):
        for user in (world.drafter_a, world.disclosure, world.head_b, world.head_a):
            assert workflow.TRANSITIONS["approve_extension"] not in workflow.available(user, application)
            with pytest.raises(ActionRefused):
                services.application_approve_extension(application=application, actor=user)
        application = services.application_approve_extension(application=application, actor=world.leader_a,
                                                              comment="同意")
    assert (application.extension_pending, application.extended, application.due_date) == (False, True, D(2026, 12, 14))
    event = application.events.get(kind="extended")
    assert (event.actor, event.data["requested_by"], event.data["approved_on"]) == (
        world.leader_a, world.drafter_a.pk, "2026-11-20")
    assert any("2026-11-20 同意" in text and "第三十三条第二款" in text for text in lines(application))


def test_who_asked_for_an_extension_may_not_consent_to_it_even_holding_the_approving_role_r33_2(world):
    """The head of the general office is also in the disclosure office: asking as the one, they
    cannot consent as the other; a leader does."""
    head = make_user("bgs_head", Role.DIVISION_HEAD, world.general_office)
    Membership.objects.create(user=head, role=Role.DISCLOSURE_OFFICE, office=world.general_office)
    head = type(head).objects.get(pk=head.pk)
    application = assigned(world)
    with at(D(2026, 11, 19)):
        application = services.application_request_extension(application=application, actor=head, days=5,
                                                              reason="需要汇总")
        assert workflow.TRANSITIONS["approve_extension"] not in workflow.available(head, application)
        with pytest.raises(ActionRefused, match="申请与批准分离"):
            services.application_approve_extension(application=application, actor=head)
        application = services.application_approve_extension(application=application, actor=world.leader_b)
    assert application.extended


def test_the_head_of_the_general_office_consents_by_default_and_the_setting_names_others_r33_2(world, settings):
    from django.contrib.auth import get_user_model

    from portal.services import role_groups_sync

    head = make_user("bgs_head", Role.DIVISION_HEAD, world.general_office)
    application = assigned(world)
    with at(D(2026, 11, 19)):
        application = services.application_request_extension(application=application, actor=world.disclosure,
                                                              days=5, reason="需要汇总")
        assert workflow.TRANSITIONS["approve_extension"] in workflow.available(head, application)
        settings.APPLICATION_EXTENSION_APPROVERS = ["disclosure_office"]
        role_groups_sync()
        User = get_user_model()
        head, colleague = User.objects.get(pk=head.pk), make_user("gkb2", Role.DISCLOSURE_OFFICE, world.general_office)
        assert workflow.TRANSITIONS["approve_extension"] not in workflow.available(head, application)
        assert workflow.TRANSITIONS["approve_extension"] in workflow.available(colleague, application)
        application = services.application_approve_extension(application=application, actor=colleague)
    assert application.extended


def test_consent_after_the_limit_ran_out_is_refused_r33_2(world):
    """Asked for on 2026-11-27, within the limit (due 11-30); consent on 12-01 comes too late."""
    application = assigned(world)
    with at(D(2026, 11, 27)):
        application = services.application_request_extension(application=application, actor=world.drafter_a,
                                                              days=10, reason="需要调取档案")
    with at(D(2026, 12, 1)), pytest.raises(StateConflict, match=r"2026-11-30 届满.*第三十三条第二款"):
        services.application_approve_extension(application=application, actor=world.leader_a)
    with at(D(2026, 12, 1)):
        application = services.application_refuse_extension(application=application, actor=world.leader_a,
                                                             comment="期限已过")
    assert (application.extension_pending, application.extended, application.due_date) == (False, False,
                                                                                             D(2026, 11, 30))


def test_a_leader_finds_the_request_on_their_work_list_and_consents_in_the_back_office_r33_2(client, world):
    application = assigned(world)
    with at(D(2026, 11, 19)):
        application = services.application_request_extension(application=application, actor=world.drafter_a,
                                                              days=10, reason="需要调取档案")
        client.force_login(world.leader_a)
        assert application.tracking_code in client.get(reverse("admin:index")).text
        page = admin_page(client, world.leader_a, application)
        assert "延期待批准" in page and "需要调取档案" in page
        form, response = act(client, world.leader_a, application, "approve_extension", comment="同意")
        assert "申请延长 10 个工作日" in form.text
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.due_date == D(2026, 12, 14)
    # An application that waits for nobody's consent stays out of a leader's sight.
    other = assigned(world)
    client.force_login(world.leader_a)
    assert client.get(reverse("admin:applications_disclosureapplication_change", args=[other.pk])).status_code in (
        302, 404)


# --- Consulting other agencies (R.33(3), R.34) --------------------------------------------------------


def test_time_consulting_another_agency_is_not_counted_r33_3_r34(client, world):
    """Due 2026-11-30; the letter to the other agency is e-mailed on 11-09 (received that day: it
    answers by 11-30, silence counting as consent); it answers on 11-20: 9 working days are not
    counted → due 12-11. The letter goes to the agency, not to the applicant; both the tracking page
    and the back office explain it with its articles."""
    application = assigned(world)
    with at(D(2026, 11, 9)):
        application = services.application_start_agency_consultation(
            application=application, actor=world.drafter_a, agency="某市工业和信息化局",
            matter="该名单由双方共同制作，是否同意公开？", sent_via="email")
    assert application.agency_consultation_open and application.clock_paused
    notice = application.notices.get(kind=NoticeKind.AGENCY_CONSULTATION)
    text = letter_text(notice.html)
    for phrase in ("某市工业和信息化局：", "第三十四条", "自收到本函之日起15个工作日内", "视为同意公开", "共同制作"):
        assert phrase in text, phrase
    assert not notice.to_applicant and "张三" not in text
    with at(D(2026, 11, 10)):
        assert workflow.TRANSITIONS["draft_reply"] not in workflow.available(world.drafter_a, application)
    with at(D(2026, 11, 20)):
        application = services.application_end_agency_consultation(application=application, actor=world.drafter_a,
                                                                   result="同意公开")
    assert (application.agency_consultation_open, application.clock_paused, application.due_date) == (
        False, False, D(2026, 12, 11))
    with at(D(2026, 11, 20)):
        public = client.get(reverse("applications:case", args=[case_token(application)])).text
        back = admin_page(client, world.disclosure, application)
    for page in (public, back):
        assert "征求其他机关意见" in page and "第三十四条" in page and "2026-12-11" in page
    assert "某市工业和信息化局" not in public


def test_another_agency_cannot_be_consulted_once_the_limit_ran_out_r33_3(world):
    application = assigned(world)  # due 2026-11-30
    with at(D(2026, 12, 1)), pytest.raises(StateConflict, match=r"2026-11-30 届满.*第三十四条"):
        services.application_start_agency_consultation(application=application, actor=world.drafter_a,
                                                       agency="某市工业和信息化局", matter="是否同意公开")


# --- The delayed reply (R.35) -------------------------------------------------------------------------


def test_a_delayed_reply_sets_a_reasonable_later_date_with_reasons_told_to_the_applicant_r35(client, world):
    """Due 2026-11-30; on 11-20 the disclosure office sets 12-31 (the applicant's requests clearly
    exceed reasonable bounds, their reason is reasonable): due 12-31, the notice gives the reasons,
    the tracking page explains it (R.35). A second one is refused."""
    application = assigned(world)
    with at(D(2026, 11, 20)):
        with pytest.raises(InvalidInput, match="晚于现在的答复期限"):
            services.application_delay_reply(application=application, actor=world.disclosure, until=D(2026, 11, 27),
                                             reasons="申请涉及近十年的档案")
        application = services.application_delay_reply(
            application=application, actor=world.disclosure, until=D(2026, 12, 31), reasons="申请涉及近十年的档案，需逐卷查阅",
            applicant_reason="课题研究需要")
        assert workflow.TRANSITIONS["delay_reply"] not in workflow.available(world.disclosure, application)
        public = client.get(reverse("applications:case", args=[case_token(application)])).text
    assert application.due_date == D(2026, 12, 31)
    text = letter_text(application.notices.get(kind=NoticeKind.DELAYED_REPLY).html)
    for phrase in ("延迟答复告知书", "数量、频次明显超过合理范围", "课题研究需要", "申请涉及近十年的档案，需逐卷查阅", "第三十五条",
                   "2026年12月31日前"):
        assert phrase in text, phrase
    assert "确定延迟答复期限" in public and "第三十五条" in public and "2026-12-31" in public
    assert "申请涉及近十年的档案" in public


def test_a_delayed_reply_once_the_limit_ran_out_is_refused_r35(world):
    application = assigned(world)
    with at(D(2026, 12, 1)), pytest.raises(StateConflict, match=r"2026-11-30 届满.*第三十五条"):
        services.application_delay_reply(application=application, actor=world.disclosure, until=D(2026, 12, 31),
                                         reasons="数量大")


# --- Disclosure over a third party's objection: the written notice (R.32) ------------------------------


def objected(world):
    application = assigned(world)
    with at(D(2026, 11, 9)):
        application = services.application_start_consultation(application=application, actor=world.drafter_a,
                                                              third_party="吉林某某机械有限公司", sent_via="email")
    with at(D(2026, 11, 16)):
        application = services.application_end_consultation(application=application, actor=world.drafter_a,
                                                            result="不同意公开：涉及商业秘密", objected=True)
        return services.application_draft_reply(application=application, actor=world.drafter_a,
                                                outcome=Outcome.DISCLOSED, letter_html=LETTER)


def test_disclosing_over_the_third_partys_objection_needs_the_written_notice_first_r32(world):
    """The third party objected on 2026-11-16; the office finds the public interest weighs more:
    the reply cannot go out until the third party is told in writing (content, reasons, date sent)."""
    application = objected(world)
    with at(D(2026, 11, 17)):
        with pytest.raises(StateConflict, match="第三十二条"):
            send_reply(application, world.disclosure)
        with pytest.raises(InvalidInput, match="公共利益"):
            services.application_notify_third_party(application=application, actor=world.disclosure,
                                                    content="补贴金额", reason=" ")
        application = services.application_notify_third_party(
            application=application, actor=world.disclosure, content="该企业获得的补贴金额",
            reason="涉及财政资金使用，不公开将对公共利益造成重大影响", sent_via="post")
        assert workflow.TRANSITIONS["notify_third_party"] not in workflow.available(world.disclosure, application)
        application = send_reply(application, world.disclosure)
    assert application.status == "closed"
    event = application.events.get(kind="third_party_notified")
    assert (event.on, event.data["sent_on"], event.data["third_party"]) == (
        D(2026, 11, 17), "2026-11-17", "吉林某某机械有限公司")
    notice = event.notice
    assert (notice.to_applicant, notice.addressee, notice.issued_on) == (False, "吉林某某机械有限公司", D(2026, 11, 17))
    text = letter_text(notice.html)
    for phrase in ("决定公开告知书", "2026年11月16日提出不同意公开的意见", "该企业获得的补贴金额",
                   "涉及财政资金使用", "第三十二条", "六十日", "六个月"):
        assert phrase in text, phrase
    assert "张三" not in text


def test_a_partial_disclosure_that_withholds_the_third_partys_part_needs_no_notice_r32_r37(world):
    with at(D(2026, 11, 9)):
        application = assigned(world)
        application = services.application_start_consultation(application=application, actor=world.drafter_a,
                                                              third_party="某公司", sent_via="email")
    with at(D(2026, 11, 16)):
        application = services.application_end_consultation(application=application, actor=world.drafter_a,
                                                            result="不同意公开", objected=True)
        application = services.application_draft_reply(application=application, actor=world.drafter_a,
                                                       outcome=Outcome.PARTIAL,
                                                       letter_html=complete_letter(application, Outcome.PARTIAL),
                                                       note="删去第三方商业秘密")
        application = send_reply(application, world.disclosure)
    assert application.status == "closed"


# --- The confidentiality check before a reply releases information (M.3(4), R.17) ----------------------


def test_a_reply_that_releases_information_passes_the_confidentiality_check_first_m3_r17(world):
    """The same check as a record (disclosure.services.confidentiality_checklist): all three
    confirmed, or the parts withheld and their ground — else refused."""
    application = assigned(world)
    with at(D(2026, 11, 10)):
        application = services.application_draft_reply(application=application, actor=world.drafter_a,
                                                       outcome=Outcome.DISCLOSED, letter_html=LETTER)
        with pytest.raises(InvalidInput, match="保密审查"):
            services.application_send_reply(application=application, actor=world.disclosure)
        with pytest.raises(InvalidInput, match="保密审查未全部确认"):
            services.application_send_reply(application=application, actor=world.disclosure,
                                            **{**ALL_CLEAR, "no_personal_privacy": False})
        with pytest.raises(InvalidInput, match="部分公开"):
            services.application_send_reply(application=application, actor=world.disclosure, **PARTIAL_CHECK)
        application.refresh_from_db()
        assert application.status == "reply_drafted"
        application = services.application_send_reply(application=application, actor=world.disclosure, **ALL_CLEAR)
    assert application.events.get(kind="replied").data["checklist"] == {
        "no_state_secret": True, "no_commercial_secret": True, "no_personal_privacy": True, "redacted_parts": "",
        "redaction_grounds": []}


def test_a_partial_disclosure_names_the_withheld_part_and_its_ground_r37(world):
    application = assigned(world)
    with at(D(2026, 11, 10)):
        application = services.application_draft_reply(
            application=application, actor=world.drafter_a, outcome=Outcome.PARTIAL,
            letter_html=complete_letter(application, Outcome.PARTIAL), note="删去个人信息")
        with pytest.raises(InvalidInput, match="不予公开的部分"):
            services.application_send_reply(application=application, actor=world.disclosure, **ALL_CLEAR)
        application = services.application_send_reply(application=application, actor=world.disclosure,
                                                       **PARTIAL_CHECK)
    assert application.events.get(kind="replied").data["checklist"]["redaction_grounds"] == ["personal_privacy"]


def test_a_refusal_needs_no_confidentiality_check(world):
    application = assigned(world)
    with at(D(2026, 11, 10)):
        application = services.application_draft_reply(
            application=application, actor=world.drafter_a, outcome=Outcome.WITHHELD_STATE_SECRET,
            letter_html=complete_letter(application, Outcome.WITHHELD_STATE_SECRET), note="属于国家秘密")
        application = services.application_send_reply(application=application, actor=world.disclosure)
    assert application.status == "closed"


def test_the_send_form_in_the_back_office_holds_the_records_checklist_m3(client, world):
    application = assigned(world)
    with at(D(2026, 11, 10)):
        application = services.application_draft_reply(application=application, actor=world.drafter_a,
                                                       outcome=Outcome.DISCLOSED, letter_html=LETTER)
        form, refused = act(client, world.disclosure, application, "send_reply")
        for label in ("不涉及国家秘密", "不涉及商业秘密", "不涉及个人隐私", "删去（不予公开）的部分"):
            assert label in form.text, label
        assert refused.status_code == 200 and "保密审查" in refused.text
        _form, sent = act(client, world.disclosure, application, "send_reply", no_state_secret="on",
                          no_commercial_secret="on", no_personal_privacy="on")
    assert sent.status_code == 302
    application.refresh_from_db()
    assert application.status == "closed"


# --- The review body in every letter that can be challenged (2024 行政复议法) ----------------------------


@pytest.fixture
def review_body(world):
    profile = SiteProfile.objects.get(pk=1)
    profile.review_body = "吉林省人民政府"
    profile.save()
    return profile.review_body


def test_a_reply_whose_remedies_do_not_name_the_review_body_cannot_be_sent(world, review_body):
    """The profile names 吉林省人民政府: a disclosure letter with only the general words is
    returned (every outcome can be challenged, not only refusals)."""
    application = assigned(world)
    with at(D(2026, 11, 10)):
        application = services.application_draft_reply(application=application, actor=world.drafter_a,
                                                       outcome=Outcome.DISCLOSED, letter_html=LETTER)
        with pytest.raises(InvalidInput, match="行政复议机关（吉林省人民政府）"):
            send_reply(application, world.disclosure)
        services.application_return_reply(application=application, actor=world.disclosure, comment="补充复议机关")
        application = services.application_draft_reply(
            application=application, actor=world.drafter_a, outcome=Outcome.DISCLOSED,
            letter_html=complete_letter(application, Outcome.DISCLOSED))
        application = send_reply(application, world.disclosure)
    assert "向吉林省人民政府申请行政复议" in letter_text(application.reply_letter)


@pytest.mark.parametrize("kind", ["fee", "deemed_withdrawn", "third_party"])
def test_every_notice_deciding_something_names_the_review_body_and_limits(world, review_body, kind):
    """The fee notice, the closing letter after no supplement, the decision to disclose over an
    objection: 60 days to 吉林省人民政府, 6 months to court."""
    if kind == "fee":
        application = assigned(world)
        with at(D(2026, 11, 9)):
            services.application_fee_notice(application=application, actor=world.disclosure, method="by_count",
                                            basis=12)
        notice = application.notices.get(kind=NoticeKind.FEE)
    elif kind == "deemed_withdrawn":
        with at(D(2026, 11, 2)):
            application = offline(world, received_on=D(2026, 11, 2))
        with at(D(2026, 11, 3)):
            application = services.application_request_supplement(application=application, actor=world.disclosure,
                                                                  items="请说明年份", deadline=D(2026, 11, 10))
        with at(D(2026, 11, 11)):
            services.application_deem_withdrawn(application=application, actor=world.disclosure)
        notice = application.notices.get(kind=NoticeKind.NO_SUPPLEMENT)
    else:
        application = objected(world)
        with at(D(2026, 11, 17)):
            services.application_notify_third_party(application=application, actor=world.disclosure,
                                                    content="补贴金额", reason="涉及公共利益")
        notice = application.notices.get(kind=NoticeKind.THIRD_PARTY_DISCLOSURE)
    text = letter_text(notice.html)
    assert "六十日内向吉林省人民政府申请行政复议" in text and "六个月内依法向人民法院提起行政诉讼" in text


def test_the_agency_profile_holds_the_review_body(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("admin:portal_siteprofile_change", args=[1]))
    assert page.status_code == 200 and "行政复议机关" in page.text and 'name="review_body"' in page.text


# --- The tracking page and the late supplement (R.30) ---------------------------------------------------


def test_the_applicant_sees_a_late_supplement_held_and_then_the_decision_r30(client, world):
    with at(D(2026, 11, 2)):
        application = offline(world, received_on=D(2026, 11, 2))
    with at(D(2026, 11, 3)):
        application = services.application_request_supplement(application=application, actor=world.disclosure,
                                                              items="请说明年份", deadline=D(2026, 11, 10))
    url = reverse("applications:case", args=[case_token(application)])
    with at(D(2026, 11, 12)):
        assert "补正期限已过" in client.get(url).text
        response = client.post(reverse("applications:case_supplement", args=[case_token(application)]),
                               {"text": "2025年；因住院未能按期补正"}, follow=True)
        assert "已超过补正期限" in response.text and "正当理由" in response.text
        page = client.get(url).text
        assert "逾期补正待决定" in page and "提交补正" not in page
    with at(D(2026, 11, 13)):
        _form, done = act(client, world.disclosure, application, "accept_late_supplement", reason="申请人住院，有住院证明")
        assert done.status_code == 302
        client.logout()
        page = client.get(reverse("applications:case", args=[case_token(application)])).text
    assert "逾期补正有正当理由，予以接受" in page and "申请人住院，有住院证明" in page
    assert "2026-12-10" in page  # 20 working days from the supplement of 11-12


# --- Each new action is on the back office's pages, with ISO date inputs --------------------------------


@pytest.mark.parametrize("name, user, setup, date_field", [
    ("request_extension", "drafter_a", None, None),
    ("start_agency_consultation", "drafter_a", None, "sent_on"),
    ("delay_reply", "disclosure", None, "until"),
    ("record_receipt", "disclosure", "consultation", "received_on"),
    ("notify_third_party", "disclosure", "objected", "sent_on"),
])
def test_each_new_action_has_its_back_office_page_with_iso_dates(client, world, name, user, setup, date_field):
    import re

    application = objected(world) if setup == "objected" else assigned(world)
    with at(D(2026, 11, 18)):
        if setup == "consultation":
            application = services.application_start_consultation(application=application, actor=world.drafter_a,
                                                                  third_party="某公司")
        actor = world.users_by_role()[user]
        page = admin_page(client, actor, application)
        url = reverse("admin:applications_disclosureapplication_transition", args=[application.pk, name])
        assert url in page
        form = client.get(url)
    assert form.status_code == 200
    if date_field:
        tag = re.search(rf'<input[^>]*name="{date_field}"[^>]*>', form.text).group(0)
        assert 'type="date"' in tag
        if date_field != "until":
            assert 'value="2026-11-18"' in tag


@pytest.mark.parametrize(("language", "words"), [
    ("zh-hans", ["确定延迟答复的合理期限", "条例第三十五条", "征求其他机关意见", "第三十四条"]),
    ("en", ["sets a reasonable later date", "Article 35 of the Regulations", "Another agency consulted in writing",
            "Articles 33(3) and 34 of the Regulations"]),
])
def test_the_due_date_explanation_names_each_new_step_and_its_article(client, world, language, words):
    """On the tracking page and in the back office, in both languages."""
    application = assigned(world)
    with at(D(2026, 11, 9)):
        application = services.application_start_agency_consultation(
            application=application, actor=world.drafter_a, agency="某市工信局", matter="是否同意公开", sent_via="email")
    with at(D(2026, 11, 12)):
        application = services.application_end_agency_consultation(application=application, actor=world.drafter_a,
                                                                   result="同意")
        application = services.application_delay_reply(application=application, actor=world.disclosure,
                                                       until=D(2026, 12, 31), reasons="申请数量大")
        client.cookies["django_language"] = language
        public = client.get(reverse("applications:case", args=[case_token(application)])).text
        back = admin_page(client, world.disclosure, application)
    explanation = back.split('class="clock-explain"')[1].split("</details>")[0]
    for word in words:
        assert word in public, word
        assert word in explanation, word


@pytest.mark.parametrize(("name", "value"), [
    ("APPLICATION_EXTENSION_APPROVERS", ["chief"]),
    ("APPLICATION_EXTENSION_APPROVERS", ["division_head:ministry"]),
    ("APPLICATION_EXTENSION_APPROVERS", []),
    ("NOTICE_RECEIPT_PRESUMED_DAYS", {"post": -1}),
])
def test_settings_nobody_could_hold_or_a_negative_presumption_are_refused_at_start_up(settings, name, value):
    from applications.checks import check_application_settings

    assert check_application_settings() == []
    setattr(settings, name, value)
    assert [error.id[:14] for error in check_application_settings()] == ["applications.E"]


def test_presumed_receipt_days_are_read_from_the_environment(monkeypatch):
    from portal.config import ConfigError, env_int_map

    monkeypatch.setenv("PORTAL_NOTICE_RECEIPT_PRESUMED_DAYS", "post:5, email:1")
    assert env_int_map("PORTAL_NOTICE_RECEIPT_PRESUMED_DAYS", {"post": 7, "fax": 0}) == {"post": 5, "email": 1, "fax": 0}
    monkeypatch.setenv("PORTAL_NOTICE_RECEIPT_PRESUMED_DAYS", "post=5")
    with pytest.raises(ConfigError, match="键:整数"):
        env_int_map("PORTAL_NOTICE_RECEIPT_PRESUMED_DAYS", {})

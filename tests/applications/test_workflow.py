"""Handling applications: each outcome end to end, the permission matrix, privacy."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applications import selectors, services, workflow
from applications.models import ApplicationEvent, IdentityAccess, Status
from applications.outcomes import Outcome
from portal.errors import ActionRefused, InvalidInput, StateConflict
from portal.models import Role
from tests.applications.conftest import PERSON, REMEDIES_TEXT, complete_letter, offline, send_reply
from tests.conftest import make_user
from tests.factories import ApplicationFactory
from tests.timing import at

S = Status
LETTER = f"<p>告知书正文</p><p>{REMEDIES_TEXT}</p>"


def assigned(world, office=None):
    application = offline(world, received_on=timezone.localdate())
    return services.application_assign(application=application, actor=world.disclosure, office=office or world.office_a)


@pytest.mark.parametrize("outcome", [o for o in Outcome.values if o not in ("other_no_supplement", "other_fee_unpaid")])
def test_each_outcome_from_receipt_to_closing(world, outcome):
    application = assigned(world)
    application = services.application_draft_reply(application=application, actor=world.drafter_a, outcome=outcome,
                                                   letter_html=complete_letter(application, outcome),
                                                   note="依据条例第十四条")
    assert application.status == S.REPLY_DRAFTED
    application = send_reply(application, world.disclosure)
    assert (application.status, application.outcome, application.replied_on) == (S.CLOSED, outcome, timezone.localdate())
    assert selectors.outcome_counts(timezone.localdate().year)[outcome] == {"natural_person": 1}


def test_refusals_need_their_reasons(world):
    application = assigned(world)
    with pytest.raises(InvalidInput, match="理由和依据"):
        services.application_draft_reply(application=application, actor=world.drafter_a,
                                         outcome=Outcome.WITHHELD_STATE_SECRET, letter_html=LETTER, note="")


def test_online_application_starts_the_clock_only_when_confirmed_r31(world):
    application, secret, created = services.application_submit(data=dict(PERSON))
    assert created and application.status == S.SUBMITTED and application.due_date is None
    assert services.secret_matches(application, secret)
    assert not services.secret_matches(application, "WRONG123")
    assert not services.secret_matches(None, secret)
    application = services.application_confirm(application=application, actor=world.disclosure,
                                               received_on=timezone.localdate())
    assert application.status == S.RECEIVED and application.due_date


def test_double_submit_stores_one_application_with_the_same_secret(world):
    import uuid

    key = uuid.uuid4()
    first, secret_1, created_1 = services.application_submit(data=dict(PERSON), idempotency_key=key)
    second, secret_2, created_2 = services.application_submit(data=dict(PERSON), idempotency_key=key)
    assert (first.pk, secret_1, created_1, created_2) == (second.pk, secret_2, True, False)


def test_returned_reply_goes_back_to_the_office(world):
    application = assigned(world)
    application = services.application_draft_reply(application=application, actor=world.drafter_a,
                                                   outcome=Outcome.DISCLOSED, letter_html=LETTER)
    with pytest.raises(InvalidInput):
        services.application_return_reply(application=application, actor=world.disclosure, comment="")
    application = services.application_return_reply(application=application, actor=world.disclosure, comment="请附文件")
    assert application.status == S.ASSIGNED


def test_letter_html_is_sanitised(world):
    application = assigned(world)
    application = services.application_draft_reply(application=application, actor=world.drafter_a,
                                                   outcome=Outcome.DISCLOSED,
                                                   letter_html='<p onclick="x()">答复<script>alert(1)</script></p>')
    assert "script" not in application.reply_letter and "onclick" not in application.reply_letter


# --- Permission matrix: another office cannot see or act ------------------------------------

ACTIONS = {
    "assign": lambda a, u, w: services.application_assign(application=a, actor=u, office=w.office_b),
    "draft_reply": lambda a, u, w: services.application_draft_reply(application=a, actor=u, outcome="disclosed",
                                                                    letter_html=LETTER),
    "request_extension": lambda a, u, w: services.application_request_extension(application=a, actor=u, days=5,
                                                                                reason="原因"),
    "approve_extension": lambda a, u, w: services.application_approve_extension(application=a, actor=u),
    "refuse_extension": lambda a, u, w: services.application_refuse_extension(application=a, actor=u, comment="不必"),
    "delay_reply": lambda a, u, w: services.application_delay_reply(
        application=a, actor=u, until=timezone.localdate() + dt.timedelta(days=90), reasons="申请数量大"),
    "start_consultation": lambda a, u, w: services.application_start_consultation(application=a, actor=u,
                                                                                  third_party="某公司"),
    "start_agency_consultation": lambda a, u, w: services.application_start_agency_consultation(
        application=a, actor=u, agency="某市工业和信息化局", matter="该信息由双方共同制作，是否同意公开"),
    "record_receipt": lambda a, u, w: services.application_record_receipt(
        application=a, actor=u, notice="consultation", received_on=timezone.localdate()),
    "notify_third_party": lambda a, u, w: services.application_notify_third_party(
        application=a, actor=u, content="补贴金额", reason="涉及公共资金使用，不公开将对公共利益造成重大影响"),
    "fee_notice": lambda a, u, w: services.application_fee_notice(application=a, actor=u, method="by_count", basis=15),
}
# What the application needs before the action makes sense (done by the people entitled to it).
SETUP = {
    "approve_extension": lambda a, w: services.application_request_extension(application=a, actor=w.disclosure,
                                                                             days=5, reason="原因"),
    "refuse_extension": lambda a, w: services.application_request_extension(application=a, actor=w.disclosure,
                                                                            days=5, reason="原因"),
    "record_receipt": lambda a, w: services.application_start_consultation(application=a, actor=w.disclosure,
                                                                           third_party="某公司"),
    "notify_third_party": lambda a, w: services.application_end_consultation(
        application=services.application_start_consultation(application=a, actor=w.disclosure, third_party="某公司"),
        actor=w.disclosure, result="不同意公开", objected=True),
}
ALLOWED = {
    "assign": {"disclosure"},
    "draft_reply": {"disclosure", "drafter_a", "head_a"},
    # R.33(2): the handler asks, a leader (or the head of the general office) consents — never
    # the one who asked (here: the disclosure office).
    "request_extension": {"disclosure", "drafter_a", "head_a"},
    "approve_extension": {"leader_a"},
    "refuse_extension": {"leader_a"},
    "delay_reply": {"disclosure"},
    "start_consultation": {"disclosure", "drafter_a", "head_a"},
    "start_agency_consultation": {"disclosure", "drafter_a", "head_a"},
    "record_receipt": {"disclosure", "drafter_a", "head_a"},
    "notify_third_party": {"disclosure"},
    "fee_notice": {"disclosure"},
}
USERS = ["drafter_a", "head_a", "drafter_b", "head_b", "disclosure", "leader_a", "publisher", "registrar",
         "supervisor", "admin", "nobody"]


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_permission_matrix(world, action, username):
    application = assigned(world)
    if action in SETUP:
        application = SETUP[action](application, world)
    user = world.users_by_role()[username]
    offered = workflow.TRANSITIONS[action] in workflow.available(user, application)
    assert offered == (username in ALLOWED[action])
    before = ApplicationEvent.objects.filter(application=application).count()
    if username in ALLOWED[action]:
        ACTIONS[action](application, user, world)
        assert ApplicationEvent.objects.filter(application=application).count() == before + 1
    else:
        with pytest.raises(ActionRefused):
            ACTIONS[action](application, user, world)
        application.refresh_from_db()
        assert application.status == S.ASSIGNED
        assert ApplicationEvent.objects.filter(application=application).count() == before


@pytest.mark.parametrize("username", USERS)
def test_who_sees_the_application_and_the_full_identity(client, world, username):
    application = assigned(world)
    user = world.users_by_role()[username]
    sees = username in {"disclosure", "drafter_a", "head_a", "supervisor", "admin"}
    full = username in {"disclosure", "drafter_a", "head_a"}
    assert selectors.applications_for_staff(user).filter(pk=application.pk).exists() == sees
    assert selectors.may_see_identity(user, application) == full
    client.force_login(user)
    page = client.get(reverse("admin:applications_disclosureapplication_change", args=[application.pk]))
    if not sees:
        assert page.status_code in (403, 404, 302)
        return
    assert page.status_code == 200
    assert (PERSON["identity_number"] in page.text) == full
    assert (PERSON["phone"] in page.text) == full
    assert "110*************2X" in page.text or full
    assert IdentityAccess.objects.filter(application=application, user=user).exists() == full


def test_lists_show_identities_masked(client, world):
    assigned(world)
    client.force_login(world.disclosure)
    page = client.get(reverse("admin:applications_disclosureapplication_changelist"))
    assert page.status_code == 200
    assert PERSON["identity_number"] not in page.text
    assert "110*************2X" in page.text


def test_the_lists_office_filter_offers_the_offices_holding_the_persons_applications(client, world):
    """承办处室: the offices of the applications the person may see, and no other."""
    assigned(world, office=world.office_a)
    assigned(world, office=world.office_b)
    changelist = reverse("admin:applications_disclosureapplication_changelist")
    client.force_login(world.disclosure)
    offered = client.get(changelist).context["cl"].filter_specs
    choices = next(spec for spec in offered if getattr(spec, "parameter_name", "") == "office").lookup_choices
    assert sorted(name for _pk, name in choices) == sorted([world.office_a.name, world.office_b.name])
    client.force_login(world.drafter_a)  # a division sees its own office's applications only
    offered = client.get(changelist).context["cl"].filter_specs
    choices = next(spec for spec in offered if getattr(spec, "parameter_name", "") == "office").lookup_choices
    assert [name for _pk, name in choices] == [world.office_a.name]


def test_offline_entry_in_the_back_office(client, world):
    client.force_login(world.disclosure)
    response = client.post(reverse("admin:applications_disclosureapplication_add"), {
        **PERSON, "channel": "post", "received_on": "2026-11-02",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    application = selectors.applications_for_staff(world.disclosure).get()
    assert (application.channel, application.received_on, application.status) == ("post", dt.date(2026, 11, 2),
                                                                                  S.RECEIVED)
    client.force_login(world.drafter_a)
    assert client.get(reverse("admin:applications_disclosureapplication_add")).status_code == 403


def test_offline_entry_refuses_a_bad_identity_number(client, world):
    client.force_login(world.disclosure)
    response = client.post(reverse("admin:applications_disclosureapplication_add"), {
        **PERSON, "identity_number": "110105194912310021", "channel": "post", "received_on": "2026-11-02"})
    assert response.status_code == 200
    assert "居民身份证号码无效" in response.content.decode()


def test_transition_page_for_the_wrong_person_is_refused(client, world):
    application = assigned(world)
    client.force_login(world.drafter_a)
    url = reverse("admin:applications_disclosureapplication_transition", args=[application.pk, "delay_reply"])
    assert client.get(url).status_code == 403
    client.force_login(world.drafter_b)
    assert client.get(url).status_code == 404


def test_draft_reply_page_offers_the_generated_letter(client, world):
    application = assigned(world)
    client.force_login(world.drafter_a)
    url = reverse("admin:applications_disclosureapplication_transition", args=[application.pk, "draft_reply"])
    page = client.get(url)
    assert page.status_code == 200
    assert "六十日" in page.content.decode() or "60" in page.content.decode()
    response = client.post(url, {"expected_status": "assigned", "outcome": "disclosed", "letter_salutation": "张三",
                                 "letter_body": LETTER, "letter_signature": "某厅", "letter_date": timezone.localdate().isoformat(),
                                 "note": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.REPLY_DRAFTED


def test_stale_second_click_changes_nothing(world):
    application = assigned(world)
    application = services.application_draft_reply(application=application, actor=world.drafter_a,
                                                   outcome="disclosed", letter_html=LETTER)
    send_reply(application, world.disclosure)
    with pytest.raises(StateConflict):
        send_reply(application, world.disclosure, expected_status="reply_drafted")
    assert ApplicationEvent.objects.filter(application=application, kind="replied").count() == 1


def test_reminders_are_sent_once(world, django_capture_on_commit_callbacks):
    import time_machine

    application = offline(world, received_on=dt.date(2026, 11, 2))  # due 2026-11-30
    services.application_assign(application=application, actor=world.disclosure, office=world.office_a)
    four_days_left = time_machine.travel(dt.datetime(2026, 11, 24, 9, 0).astimezone(), tick=False)
    with four_days_left, django_capture_on_commit_callbacks(execute=True):
        call_command("send_deadline_reminders", stdout=StringIO())
        call_command("send_deadline_reminders", stdout=StringIO())
    assert [m.to for m in mail.outbox if "5个工作日" in m.subject] == [["drafter_a@example.invalid", "head_a@example.invalid"]]
    mail.outbox.clear()
    overdue = time_machine.travel(dt.datetime(2026, 12, 1, 9, 0).astimezone(), tick=False)
    with overdue, django_capture_on_commit_callbacks(execute=True):
        call_command("send_deadline_reminders", stdout=StringIO())
    assert [m.to for m in mail.outbox] == [["gkb@example.invalid"]]
    assert "逾期" in mail.outbox[0].subject


def test_worklists(client, world):
    submitted, _secret, _created = services.application_submit(data=dict(PERSON, information_title="待确认的申请"))
    mine = assigned(world)
    other = assigned(world, office=world.office_b)
    client.force_login(world.disclosure)
    assert "待确认的申请" in client.get(reverse("admin:index")).content.decode()
    client.force_login(world.drafter_a)
    page = client.get(reverse("admin:index")).content.decode()
    assert mine.tracking_code in page and other.tracking_code not in page and submitted.tracking_code not in page


# --- The reply letter follows the outcome, and a refusal states its basis and remedies (R.36) ------


def textarea(page_text: str, name: str) -> str:
    import html
    import re

    return html.unescape(re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', page_text, re.S).group(1))


def test_choosing_a_refusal_in_the_back_office_redraws_the_letter_from_its_template(client, world):
    application = assigned(world)
    client.force_login(world.drafter_a)
    url = reverse("admin:applications_disclosureapplication_transition", args=[application.pk, "draft_reply"])
    page = client.get(url).text
    assert "本机关决定予以公开" in textarea(page, "letter_body")
    assert "data-regenerate-letter" in page and "js/letter-draft.js" in page
    assert "<script>" not in page  # no inline script (CSP): the page's scripts are files
    disclosed_letter = textarea(page, "letter_body")
    form = {"expected_status": "assigned", "outcome": "withheld_state_secret", "letter_body": disclosed_letter,
            "letter_salutation": "张三", "letter_signature": "某厅", "letter_date": timezone.localdate().isoformat(),
            "letter_outcome": "disclosed", "note": "属于国家秘密"}

    # Saving the 予以公开 letter under a refusal is refused and changes nothing.
    kept = client.post(url, form)
    assert kept.status_code == 200 and "不一致" in kept.text
    application.refresh_from_db()
    assert application.status == S.ASSIGNED and not application.reply_letter

    # The regenerate button redraws the letter from the refusal's template (no JavaScript needed).
    redrawn = client.post(url, {**form, "regenerate": "1"})
    assert redrawn.status_code == 200 and "已按所选办理结果重新生成告知书" in redrawn.text
    letter = textarea(redrawn.text, "letter_body")
    assert "属于国家秘密" in letter and "本机关决定不予公开" in letter and "第十四条" in letter
    assert "本机关决定予以公开" not in letter
    application.refresh_from_db()
    assert application.status == S.ASSIGNED

    saved = client.post(url, {**form, "letter_body": letter, "letter_outcome": "withheld_state_secret"})
    assert saved.status_code == 302
    application.refresh_from_db()
    assert application.outcome == "withheld_state_secret" and "属于国家秘密" in application.reply_letter


def paragraphs_without(letter: str, word: str) -> str:
    import re

    return "".join(p for p in re.findall(r"<(?:h2|p)[^>]*>.*?</(?:h2|p)>", letter, re.S) if word not in p)


@pytest.mark.parametrize("word, missing", [("根据", "法律依据"), ("六十日", "救济途径")],
                         ids=["without-legal-basis", "without-remedies"])
def test_a_refusal_letter_missing_its_basis_or_remedies_cannot_be_sent(world, word, missing):
    application = assigned(world)
    letter = paragraphs_without(complete_letter(application, Outcome.WITHHELD_STATE_SECRET), word)
    application = services.application_draft_reply(application=application, actor=world.drafter_a,
                                                   outcome=Outcome.WITHHELD_STATE_SECRET, letter_html=letter,
                                                   note="属于国家秘密")
    with pytest.raises(InvalidInput, match=missing):
        send_reply(application, world.disclosure)
    application.refresh_from_db()
    assert application.status == S.REPLY_DRAFTED and application.replied_on is None


def test_a_disclosure_letter_needs_no_refusal_basis(world):
    application = assigned(world)
    application = services.application_draft_reply(application=application, actor=world.drafter_a,
                                                   outcome=Outcome.DISCLOSED, letter_html=LETTER)
    assert send_reply(application, world.disclosure).status == S.CLOSED


# --- Separation of duties --------------------------------------------------------------------------


def test_who_drafted_a_reply_may_not_approve_it(client, world):
    application = offline(world, received_on=timezone.localdate())
    application = services.application_draft_reply(application=application, actor=world.disclosure,
                                                   outcome=Outcome.DISCLOSED, letter_html=LETTER)
    assert workflow.TRANSITIONS["send_reply"] not in workflow.available(world.disclosure, application)
    with pytest.raises(ActionRefused, match="审核与起草分离"):
        send_reply(application, world.disclosure)
    client.force_login(world.disclosure)
    url = reverse("admin:applications_disclosureapplication_transition", args=[application.pk, "send_reply"])
    assert client.post(url, {"expected_status": "reply_drafted"}).status_code == 403
    application.refresh_from_db()
    assert application.status == S.REPLY_DRAFTED

    colleague = make_user("gkb2", Role.DISCLOSURE_OFFICE, world.general_office)
    application = send_reply(application, colleague)
    assert application.status == S.CLOSED


def test_sending_a_reply_needs_the_approve_permission(world):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    application = assigned(world)
    application = services.application_draft_reply(application=application, actor=world.drafter_a,
                                                   outcome=Outcome.DISCLOSED, letter_html=LETTER)
    Group.objects.get(name=Role.DISCLOSURE_OFFICE).permissions.remove(
        Permission.objects.get(codename="approve_application_reply"))
    office = get_user_model().objects.get(pk=world.disclosure.pk)  # no cached permissions
    assert workflow.TRANSITIONS["send_reply"] not in workflow.available(office, application)
    with pytest.raises(ActionRefused):
        send_reply(application, office)
    with pytest.raises(ActionRefused):
        services.application_return_reply(application=application, actor=office, comment="改")


# --- Fees: one method per application (国办函〔2020〕109号) -------------------------------------------


def test_one_fee_method_per_application_also_after_payment_109(world):
    application = assigned(world)
    application = services.application_fee_notice(application=application, actor=world.disclosure,
                                                  method="by_count", basis=15)
    application = services.application_fee_paid(application=application, actor=world.disclosure)
    with pytest.raises(InvalidInput, match="只能选择一种计收方式"):
        services.application_fee_notice(application=application, actor=world.disclosure, method="by_page",
                                        basis=150)
    application.refresh_from_db()
    assert application.fee_notices.count() == 1 and not application.fee_pending


# --- The repeat-application hint (R.36(6)) --------------------------------------------------------------


def test_the_repeat_hint_finds_earlier_similar_requests_of_the_same_applicant(client, world):
    from applications.demo import resident_id

    first = offline(world, information_title="2025年度工业企业技术改造项目清单")
    reworded = offline(world, information_title="《2025年度 工业企业技术改造项目清单》（再次申请）")
    other_topic = offline(world, information_title="厅机关公务接待费明细")
    # Same name and phone, another identity document.
    same_person = offline(world, information_title="2025年度工业企业技术改造项目的清单", identity_document="other",
                          identity_number="护照E12345678")
    stranger = offline(world, information_title="2025年度工业企业技术改造项目清单", applicant_name="李四",
                       phone="13800000000", identity_number=resident_id(5))

    assert selectors.similar_earlier_applications(reworded) == [first]
    assert selectors.similar_earlier_applications(first) == []  # earlier applications only
    assert selectors.similar_earlier_applications(other_topic) == []
    assert selectors.similar_earlier_applications(same_person) == [reworded, first]
    assert selectors.similar_earlier_applications(stranger) == []

    client.force_login(world.disclosure)
    page = client.get(reverse("admin:applications_disclosureapplication_change", args=[reworded.pk])).text
    assert "可能为重复申请" in page and first.tracking_code in page


# --- Review and litigation (table 4) ------------------------------------------------------------------


def test_failing_to_reply_can_be_reviewed_while_the_application_is_open(world):
    application = assigned(world)
    assert workflow.TRANSITIONS["record_review"] in workflow.available(world.disclosure, application)
    application = services.application_record_review(application=application, actor=world.disclosure,
                                                     kind="review", filed_on=timezone.localdate(), result="pending")
    assert application.status == S.ASSIGNED and application.review_cases.count() == 1


@pytest.mark.parametrize("result, decided, message", [
    ("maintained", None, "请填写审结日期"),
    ("pending", 0, "尚未审结的"),
    ("corrected", -11, "不能早于立案日期"),
], ids=["decided-without-date", "pending-with-date", "decided-before-filed"])
def test_a_case_has_a_decision_date_exactly_when_decided(world, result, decided, message):
    application = assigned(world)
    today = timezone.localdate()
    with pytest.raises(InvalidInput, match=message):
        services.application_record_review(
            application=application, actor=world.disclosure, kind="review", filed_on=today - dt.timedelta(days=10),
            result=result, decided_on=None if decided is None else today + dt.timedelta(days=decided))
    assert not application.review_cases.exists()


def test_the_back_office_forms_refuse_a_decided_case_without_its_date(client, world):
    application = assigned(world)
    client.force_login(world.disclosure)
    today = timezone.localdate().isoformat()
    url = reverse("admin:applications_disclosureapplication_transition", args=[application.pk, "record_review"])
    page = client.post(url, {"expected_status": "assigned", "kind": "review", "filed_on": today,
                             "result": "maintained", "decided_on": ""})
    assert page.status_code == 200 and "请填写审结日期" in page.text
    assert not application.review_cases.exists()

    services.application_record_review(application=application, actor=world.disclosure, kind="review",
                                       filed_on=timezone.localdate(), result="pending")
    case = application.review_cases.get()
    change = reverse("admin:applications_reviewcase_change", args=[case.pk])
    refused = client.post(change, {"result": "maintained", "decided_on": "", "note": ""})
    assert refused.status_code == 200 and "请填写审结日期" in refused.text
    case.refresh_from_db()
    assert case.result == "pending"
    assert client.post(change, {"result": "maintained", "decided_on": today, "note": ""}).status_code == 302
    case.refresh_from_db()
    assert (case.result, case.decided_on) == ("maintained", timezone.localdate())


# --- Privacy: the applicant's materials and the identity log --------------------------------------------


def test_applicant_materials_download_only_for_who_sees_the_identity_and_each_download_is_logged(
        client, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile


    settings.MEDIA_ROOT = tmp_path
    application = ApplicationFactory(received_on=timezone.localdate(),
                                     uploads=[SimpleUploadedFile("身份证扫描件.pdf", b"%PDF-1.4 id card")])
    application = services.application_assign(application=application, actor=world.disclosure, office=world.office_a)
    item = application.files.get()
    url = reverse("admin:applications_disclosureapplication_file", args=[application.pk, item.pk])
    change = reverse("admin:applications_disclosureapplication_change", args=[application.pk])

    for username in ("supervisor", "admin"):  # they see the application, not the identity
        user = world.users_by_role()[username]
        client.force_login(user)
        page = client.get(change).text
        assert url not in page and "身份证扫描件.pdf" not in page
        assert client.get(url).status_code == 403
        assert not IdentityAccess.objects.filter(user=user).exists()

    client.force_login(world.drafter_a)
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 id card"
    assert IdentityAccess.objects.filter(user=world.drafter_a, application=application,
                                         purpose__startswith="file_view").count() == 1


@pytest.mark.parametrize("username", ["disclosure", "admin", "supervisor", "drafter_a", "head_a"])
def test_the_identity_access_log_is_read_only_for_the_disclosure_office_and_superusers(client, world, username):
    application = assigned(world)
    selectors.log_identity_view(world.drafter_a, application, "change_view")
    access = IdentityAccess.objects.get()
    client.force_login(world.users_by_role()[username])
    listing = client.get(reverse("admin:applications_identityaccess_changelist"))
    if username not in ("disclosure", "admin"):
        assert listing.status_code == 403
        return
    assert listing.status_code == 200
    assert application.tracking_code in listing.text and "drafter_a" in listing.text
    detail = reverse("admin:applications_identityaccess_change", args=[access.pk])
    assert client.get(detail).status_code == 200
    assert client.post(detail, {"purpose": "改"}).status_code == 403
    assert client.get(reverse("admin:applications_identityaccess_add")).status_code == 403
    assert client.post(reverse("admin:applications_identityaccess_delete", args=[access.pk]),
                       {"post": "yes"}).status_code == 403
    assert IdentityAccess.objects.get().purpose == "change_view"


# --- Smaller rules -------------------------------------------------------------------------------------


def test_a_drafted_reply_reminds_the_disclosure_office_not_the_drafter(world, django_capture_on_commit_callbacks):
    with at(dt.date(2026, 11, 2), 9):
        application = offline(world, received_on=dt.date(2026, 11, 2))  # due 2026-11-30
        application = services.application_assign(application=application, actor=world.disclosure,
                                                  office=world.office_a)
    with at(dt.date(2026, 11, 20), 9):
        services.application_draft_reply(application=application, actor=world.drafter_a, outcome="disclosed",
                                         letter_html=LETTER)
    with at(dt.date(2026, 11, 24), 9), django_capture_on_commit_callbacks(execute=True):
        call_command("send_deadline_reminders", stdout=StringIO())
    assert [m.to for m in mail.outbox if "5个工作日" in m.subject] == [["gkb@example.invalid"]]


def test_a_late_supplement_is_flagged_to_staff_r30(client, world, django_capture_on_commit_callbacks):
    with at(dt.date(2026, 11, 2), 9):
        application = offline(world, received_on=dt.date(2026, 11, 2))
    with at(dt.date(2026, 11, 3), 9):
        application = services.application_request_supplement(application=application, actor=world.disclosure,
                                                              items="请说明年份", deadline=dt.date(2026, 11, 10))
    with at(dt.date(2026, 11, 12), 9), django_capture_on_commit_callbacks(execute=True):
        application = services.application_supplement_by_applicant(application=application, text="2025年")
    assert application.events.get(kind="supplement_received").data == {"late": True, "held": True,
                                                                      "deadline": "2026-11-10"}
    assert any("逾期提交补正" in m.subject and m.to == ["gkb@example.invalid"] for m in mail.outbox)
    client.force_login(world.disclosure)
    with at(dt.date(2026, 11, 12), 9):
        page = client.get(reverse("admin:applications_disclosureapplication_change", args=[application.pk])).text
    assert "逾期补正" in page and "2026-11-10" in page


def test_a_supplement_in_time_is_not_flagged(world):
    application = offline(world, received_on=timezone.localdate())
    application = services.application_request_supplement(application=application, actor=world.disclosure,
                                                          items="请说明年份",
                                                          deadline=timezone.localdate() + dt.timedelta(days=7))
    application = services.application_supplement_by_applicant(application=application, text="2025年")
    assert application.events.get(kind="supplement_received").data == {}


def test_the_offline_form_explains_the_ordinary_mail_rule_r31(client, world):
    client.force_login(world.disclosure)
    page = client.get(reverse("admin:applications_disclosureapplication_add")).text
    assert "平常信函" in page and "确认之日" in page


@pytest.mark.parametrize("who", ["applicant", "office"])
def test_files_of_a_refused_submission_do_not_stay_on_disk(world, settings, tmp_path, who):
    """The first file is stored, the second is refused: nothing is kept, neither row nor file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.models import ApplicationFile

    settings.MEDIA_ROOT = tmp_path
    uploads = [SimpleUploadedFile("名单.pdf", b"%PDF-1.4 list"), SimpleUploadedFile("程序.pdf", b"MZ\x90\x00")]
    with pytest.raises(InvalidInput, match="内容与扩展名不符"):
        if who == "applicant":
            services.application_submit(data=dict(PERSON), uploads=uploads)
        else:
            services.application_draft_reply(application=assigned(world), actor=world.drafter_a,
                                             outcome=Outcome.DISCLOSED, letter_html=LETTER, uploads=uploads)
    assert not ApplicationFile.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize(("language", "line"), [
    ("zh-hans", "2026-09-21：收到申请；收到之日不计入"),
    ("en", "2026-09-21: Application received; the day of receipt is not counted"),
])
def test_the_case_page_explains_how_the_due_date_was_computed(client, world, language, line):
    application = offline(world)
    client.force_login(world.disclosure)
    client.cookies["django_language"] = language
    page = client.get(reverse("admin:applications_disclosureapplication_change", args=[application.pk])).text
    explanation = page.split('class="clock-explain"')[1].split("</details>")[0]
    assert line in explanation and f"<strong>{application.due_date:%Y-%m-%d}</strong>" in explanation

"""Complaints (M.19) and consultations (M.10) through their workflows: each transition by the
right person only, the clocks on the official calendar, counter/phone/letter intake on the same
path, and nothing applied twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from complaints import clock, services, workflow
from complaints.models import (
    Complaint,
    ComplaintEvent,
    ComplaintResult,
    ComplaintStatus,
    Consultation,
    ConsultationEvent,
    ConsultationStatus,
    Reporter,
)
from portal.errors import ActionRefused, InvalidInput, StateConflict
from portal.models import CalendarDay
from tests.complaints.conftest import REPORTER, at, consult, drive_complaint, report, report_offline
from tests.conftest import make_user

D = dt.date
CS = ComplaintStatus
QS = ConsultationStatus
USERS = ["drafter_a", "head_a", "drafter_b", "head_b", "disclosure", "leader_a", "leader_b", "publisher",
         "registrar", "supervisor", "admin", "nobody"]


# --- The complaint path (M.19) ----------------------------------------------------------------


def test_a_report_goes_from_receipt_to_reply(world):
    complaint, secret = report(world)
    assert complaint.status == CS.SUBMITTED and complaint.tracking_code.startswith("JB")
    assert services.secret_matches(complaint, secret)
    complaint = drive_complaint(world, complaint, "replied")
    assert complaint.status == CS.CLOSED
    assert complaint.result == ComplaintResult.SUBSTANTIATED and complaint.substantiated is True
    assert complaint.replied_on and complaint.closed_at
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds == ["submitted", "accepted", "explanation_requested", "explanation_given", "concluded", "replied"]


def test_declining_closes_with_the_reason_as_the_reply(world):
    complaint, _secret = report(world)
    complaint = drive_complaint(world, complaint, "declined")
    assert (complaint.status, complaint.result, complaint.reply) == (CS.CLOSED, "not_accepted", "不属于受理范围。")
    assert complaint.substantiated is None


def test_reopening_a_conclusion_clears_the_result(world):
    complaint = drive_complaint(world, report(world)[0], "concluded")
    complaint = services.complaint_reopen(complaint=complaint, actor=world.supervisor, reason="有新情况")
    assert (complaint.status, complaint.result) == (CS.INVESTIGATING, "")


def test_an_anonymous_report_stores_no_reporter_even_if_fields_were_typed(world):
    complaint, _secret, _created = services.complaint_submit(
        data={"office": world.office_a, "failure_type": "other", "details": "匿名反映的情况"},
        reporter=dict(REPORTER), anonymous=True)
    assert complaint.anonymous
    assert not Reporter.objects.filter(complaint=complaint).exists()


def test_a_named_report_needs_a_name_and_a_contact(world):
    with pytest.raises(InvalidInput, match="姓名"):
        services.complaint_submit(data={"office": world.office_a, "failure_type": "other", "details": "情况"},
                                  reporter={"name": "", "phone": "13700001111"}, anonymous=False)
    with pytest.raises(InvalidInput, match="联系方式"):
        services.complaint_submit(data={"office": world.office_a, "failure_type": "other", "details": "情况"},
                                  reporter={"name": "某人"}, anonymous=False)
    assert not Complaint.objects.exists()


def test_a_report_cannot_name_the_supervision_office_or_a_closed_office(world):
    world.office_b.is_active = False
    world.office_b.save()
    for office in (world.supervision_office, world.office_b):
        with pytest.raises(InvalidInput):
            report(world, office=office)
    assert not Complaint.objects.exists()


def test_the_same_form_submitted_twice_stores_one_report(world):
    import uuid

    key = uuid.uuid4()
    data = {"office": world.office_a, "failure_type": "other", "details": "情况"}
    first, secret1, created1 = services.complaint_submit(data=data, reporter=None, anonymous=True, idempotency_key=key)
    second, secret2, created2 = services.complaint_submit(data=data, reporter=None, anonymous=True,
                                                          idempotency_key=key)
    assert first.pk == second.pk and secret1 == secret2 and created1 and not created2
    assert Complaint.objects.count() == 1


def test_stale_second_click_changes_nothing(world):
    complaint = drive_complaint(world, report(world)[0], "concluded")
    services.complaint_reply(complaint=complaint, actor=world.supervisor, reply="答复", expected_status=CS.CONCLUDED)
    with pytest.raises(StateConflict):
        services.complaint_reply(complaint=complaint, actor=world.supervisor, reply="再次答复",
                                 expected_status=CS.CONCLUDED)
    assert ComplaintEvent.objects.filter(complaint=complaint, kind="replied").count() == 1


def test_texts_are_required(world):
    complaint = drive_complaint(world, report(world)[0], "investigating")
    with pytest.raises(InvalidInput):
        services.complaint_request_explanation(complaint=complaint, actor=world.supervisor, question="   ")
    with pytest.raises(InvalidInput):
        services.complaint_conclude(complaint=complaint, actor=world.supervisor, result="substantiated",
                                    conclusion="")
    with pytest.raises(InvalidInput):
        services.complaint_conclude(complaint=complaint, actor=world.supervisor, result="not_accepted",
                                    conclusion="结论")
    with pytest.raises(InvalidInput):
        services.complaint_request_explanation(complaint=complaint, actor=world.supervisor, question="x" * 5001)


# --- Permission matrix: every role on an office-A complaint, every transition ------------------

COMPLAINT_CALLS = {
    "accept": lambda c, u: services.complaint_accept(complaint=c, actor=u),
    "decline": lambda c, u: services.complaint_decline(complaint=c, actor=u, reason="理由"),
    "request_explanation": lambda c, u: services.complaint_request_explanation(complaint=c, actor=u, question="请说明"),
    "explain": lambda c, u: services.complaint_explain(complaint=c, actor=u, answer="说明"),
    "withdraw_explanation": lambda c, u: services.complaint_withdraw_explanation(complaint=c, actor=u,
                                                                                reason="已调取记录，无需说明"),
    "conclude": lambda c, u: services.complaint_conclude(complaint=c, actor=u, result="substantiated",
                                                         conclusion="结论"),
    "reopen": lambda c, u: services.complaint_reopen(complaint=c, actor=u, reason="理由"),
    "reply": lambda c, u: services.complaint_reply(complaint=c, actor=u, reply="答复"),
}
COMPLAINT_CASES = [
    ("accept", "submitted", {"supervisor"}),
    ("decline", "submitted", {"supervisor"}),
    ("request_explanation", "investigating", {"supervisor"}),
    ("explain", "explanation_requested", {"drafter_a", "head_a"}),
    ("withdraw_explanation", "explanation_requested", {"supervisor"}),
    ("conclude", "investigating", {"supervisor"}),
    ("reopen", "concluded", {"supervisor"}),
    ("reply", "concluded", {"supervisor"}),
]


def _complaint_at(world, stage: str):
    complaint, _secret = report(world)
    return complaint if stage == "submitted" else drive_complaint(world, complaint, stage)


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize(("name", "stage", "allowed"), COMPLAINT_CASES, ids=[c[0] for c in COMPLAINT_CASES])
def test_complaint_transition_matrix(world, name, stage, allowed, username):
    complaint = _complaint_at(world, stage)
    user = world.users_by_role()[username]
    offered = workflow.COMPLAINT_TRANSITIONS[name] in workflow.complaint_available(user, complaint)
    assert offered == (username in allowed)
    before = ComplaintEvent.objects.filter(complaint=complaint).count()
    status = complaint.status
    if username in allowed:
        COMPLAINT_CALLS[name](complaint, user)
        assert ComplaintEvent.objects.filter(complaint=complaint).count() == before + 1
    else:
        with pytest.raises(ActionRefused) as refused:
            COMPLAINT_CALLS[name](complaint, user)
        assert str(refused.value)
        complaint.refresh_from_db()
        assert complaint.status == status
        assert ComplaintEvent.objects.filter(complaint=complaint).count() == before


@pytest.mark.parametrize("name", sorted(COMPLAINT_CALLS))
def test_no_complaint_transition_applies_from_a_state_it_does_not_start_from(world, name):
    complaint = drive_complaint(world, report(world)[0], "declined")  # closed: nothing starts there
    actor = world.drafter_a if name == "explain" else world.supervisor
    with pytest.raises(StateConflict):
        COMPLAINT_CALLS[name](complaint, actor)


def test_the_office_concerned_of_another_office_cannot_explain(world):
    complaint = drive_complaint(world, report(world, office=world.office_b)[0], "explanation_requested")
    with pytest.raises(ActionRefused):
        services.complaint_explain(complaint=complaint, actor=world.drafter_a, answer="说明")
    services.complaint_explain(complaint=complaint, actor=world.head_b, answer="说明")


# --- The office asked to explain cannot hold the case up (M.19: 及时受理、处理) ------------------


ASKED_ON = D(2026, 11, 2)


def _asked(world, *, on=ASKED_ON, days=3):
    with at(on):
        complaint = drive_complaint(world, report(world)[0], "investigating")
        return services.complaint_request_explanation(complaint=complaint, actor=world.supervisor,
                                                      question="请说明情况", days=days)


def test_without_an_explanation_by_the_deadline_the_supervision_office_concludes(world):
    complaint = _asked(world)  # due 2026-11-05
    assert complaint.explanation_due == D(2026, 11, 5)
    with at(D(2026, 11, 5)), pytest.raises(StateConflict, match="尚未届满"):  # the office may still explain today
        services.complaint_conclude(complaint=complaint, actor=world.supervisor, result="substantiated",
                                    conclusion="结论")
    with at(D(2026, 11, 6)):
        assert workflow.COMPLAINT_TRANSITIONS["conclude"] in workflow.complaint_available(world.supervisor, complaint)
        assert workflow.COMPLAINT_TRANSITIONS["conclude"] not in workflow.complaint_available(world.drafter_a,
                                                                                              complaint)
        complaint = services.complaint_conclude(complaint=complaint, actor=world.supervisor,
                                                result="substantiated", conclusion="处室逾期未说明，经调阅记录认定属实")
    assert (complaint.status, complaint.result, complaint.explanation_due) == (CS.CONCLUDED, "substantiated", None)
    event = complaint.events.get(kind="concluded")
    assert event.data["without_explanation"] is True and "未在说明期限（2026-11-05）内作出说明" in event.comment
    lines = [line.text for line in clock.compute_complaint(complaint.events.order_by("on", "at", "pk")).lines]
    assert any("未在说明期限内作出说明" in line for line in lines)
    with pytest.raises(StateConflict):  # too late to explain now
        services.complaint_explain(complaint=complaint, actor=world.drafter_a, answer="迟到的说明")


def test_the_supervision_office_may_withdraw_its_request(world, django_capture_on_commit_callbacks):
    complaint = _asked(world)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = services.complaint_withdraw_explanation(complaint=complaint, actor=world.supervisor,
                                                            reason="已调取办理记录，无需说明")
    assert (complaint.status, complaint.explanation_due) == (CS.INVESTIGATING, None)
    assert any("撤回说明要求" in m.subject and world.drafter_a.email in m.to for m in mail.outbox)
    with pytest.raises(StateConflict):
        services.complaint_explain(complaint=complaint, actor=world.drafter_a, answer="说明")
    complaint = services.complaint_conclude(complaint=complaint, actor=world.supervisor, result="not_substantiated",
                                            conclusion="结论")
    assert complaint.status == CS.CONCLUDED and not complaint.events.get(kind="concluded").data.get(
        "without_explanation")


def test_the_withdrawal_reason_is_read_by_the_office_so_it_carries_no_identity(world):
    complaint = _asked(world)
    with pytest.raises(InvalidInput, match="举报人"):
        services.complaint_withdraw_explanation(complaint=complaint, actor=world.supervisor,
                                                reason=f"{REPORTER['name']}已撤回举报")
    complaint.refresh_from_db()
    assert complaint.status == CS.EXPLANATION_REQUESTED


def test_the_supervision_offices_worklist_shows_the_overdue_explanation(client, world):
    complaint = _asked(world)
    client.force_login(world.supervisor)
    with at(D(2026, 11, 4), 12):
        client.force_login(world.supervisor)
        page = client.get(reverse("admin:index")).text
    assert complaint.tracking_code in page and "2026-11-05" in page and "说明期限已过" not in page
    with at(D(2026, 11, 9), 12):
        client.force_login(world.supervisor)
        page = client.get(reverse("admin:index")).text
    assert complaint.tracking_code in page and "说明期限已过" in page


# --- Intake at the window, by phone or by letter (M.10) -----------------------------------------


@pytest.mark.parametrize("channel", ["counter", "phone", "letter"])
def test_offline_complaints_follow_the_same_path_and_clock(world, channel):
    with at(D(2026, 9, 21)):
        complaint, secret = report_offline(world, received_on=D(2026, 9, 21), channel=channel)
    assert (complaint.channel, complaint.received_on, complaint.status) == (channel, D(2026, 9, 21), CS.SUBMITTED)
    assert complaint.created_by == world.supervisor and services.secret_matches(complaint, secret)
    assert complaint.due_date == D(2026, 10, 19)  # 15 working days across the National Day holiday
    drive_complaint(world, complaint, "replied")


def test_only_the_supervision_office_enters_complaints(world):
    for user in (world.disclosure, world.drafter_a, world.admin):
        with pytest.raises(ActionRefused):
            services.complaint_register_offline(actor=user, data={"office": world.office_a, "failure_type": "other",
                                                                  "details": "情况"},
                                                reporter=None, anonymous=True, channel="phone",
                                                received_on=D(2026, 11, 2))
    with pytest.raises(InvalidInput):
        report_offline(world, received_on=D(2099, 1, 1))
    with pytest.raises(InvalidInput):
        services.complaint_register_offline(actor=world.supervisor, data={"office": world.office_a,
                                                                          "failure_type": "other", "details": "x"},
                                            reporter=None, anonymous=True, channel="online",
                                            received_on=D(2026, 11, 2))


@pytest.mark.parametrize("channel", ["counter", "phone", "letter"])
def test_offline_consultations_follow_the_same_path_and_clock(world, channel):
    with at(D(2026, 9, 21)):
        consultation, _secret = services.consultation_register_offline(
            actor=world.disclosure, data={"name": "来电人", "phone": "13800001111", "subject": "来电咨询",
                                          "question": "某文件在哪里公开？", "office": None},
            channel=channel, received_on=D(2026, 9, 21))
    assert (consultation.channel, consultation.status, consultation.due_date) == (channel, QS.SUBMITTED,
                                                                                  D(2026, 10, 19))
    consultation = services.consultation_route(consultation=consultation, actor=world.disclosure,
                                               office=world.office_a)
    consultation = services.consultation_answer(consultation=consultation, actor=world.drafter_a, answer="在专栏公开")
    assert consultation.status == QS.CLOSED
    with pytest.raises(ActionRefused):
        services.consultation_register_offline(actor=world.drafter_a, data={"name": "x", "subject": "x",
                                                                           "question": "x"},
                                               channel=channel, received_on=D(2026, 9, 21))


# --- The clocks --------------------------------------------------------------------------------


def test_complaint_clock_counts_15_working_days_after_receipt(world):
    with at(D(2026, 11, 2)):  # a Monday
        complaint, _secret = report(world)
    assert complaint.received_on == D(2026, 11, 2)
    assert complaint.due_date == D(2026, 11, 23)
    explained = clock.compute_complaint(complaint.events.all())
    assert explained.due == D(2026, 11, 23) and "第 15 个工作日" in explained.lines[0].text


def test_the_number_of_days_is_a_setting_fixed_when_the_case_arrives(world, settings):
    settings.COMPLAINT_REPLY_WORKING_DAYS = 10
    settings.CONSULTATION_REPLY_WORKING_DAYS = 5
    with at(D(2026, 11, 2)):
        complaint, _secret = report(world)
        consultation, _secret = consult(world)
    assert complaint.due_date == D(2026, 11, 16)
    assert consultation.due_date == D(2026, 11, 9)
    settings.COMPLAINT_REPLY_WORKING_DAYS = 30
    services.refresh_complaint_clock(complaint)
    assert complaint.due_date == D(2026, 11, 16)  # the days in force on receipt are kept


def test_explanation_has_its_own_deadline_within_the_case(world, settings):
    with at(D(2026, 11, 2)):
        complaint = drive_complaint(world, report(world)[0], "investigating")
        complaint = services.complaint_request_explanation(complaint=complaint, actor=world.supervisor,
                                                           question="请说明", days=3)
    assert complaint.explanation_due == D(2026, 11, 5)
    assert complaint.due_date == D(2026, 11, 23)
    with at(D(2026, 11, 4)):
        complaint = services.complaint_explain(complaint=complaint, actor=world.drafter_a, answer="说明")
    assert complaint.explanation_due is None


def test_a_calendar_change_moves_the_stored_due_dates(world):
    with at(D(2026, 11, 2)):
        complaint, _secret = report(world)
        consultation, _secret = consult(world)
    CalendarDay.objects.create(date=D(2026, 11, 10), is_workday=False, note="临时放假")
    complaint.refresh_from_db()
    consultation.refresh_from_db()
    assert complaint.due_date == D(2026, 11, 24)
    assert consultation.due_date == D(2026, 11, 24)


def test_the_back_office_shows_the_clock(client, world):
    with at(D(2026, 11, 2)):
        complaint, _secret = report(world)
    client.force_login(world.supervisor)
    with at(D(2026, 11, 18)):
        page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).text
        changelist = client.get(reverse("admin:complaints_complaint_changelist")).text
    assert "2026-11-23" in page and "剩 3 个工作日" in page and "期限如何计算" in page
    assert "剩 3 个工作日" in changelist
    with at(D(2026, 11, 25)):
        client.force_login(world.supervisor)  # the staff session has idled out meanwhile
        assert "逾期 2 个工作日" in client.get(reverse("admin:complaints_complaint_changelist")).text


# --- Consultations (M.10) ----------------------------------------------------------------------


def test_a_consultation_is_routed_answered_and_published(world):
    consultation, _secret = consult(world)
    assert consultation.status == QS.SUBMITTED and consultation.tracking_code.startswith("ZX")
    consultation = services.consultation_route(consultation=consultation, actor=world.disclosure,
                                               office=world.office_a)
    consultation = services.consultation_answer(consultation=consultation, actor=world.head_a,
                                                answer="李雷咨询人：依申请提供政府信息不收费。")
    assert consultation.status == QS.CLOSED and consultation.answered_on
    with pytest.raises(InvalidInput, match=r"个人信息|姓名"):
        services.consultation_publish(consultation=consultation, actor=world.disclosure, public_subject="咨询主题",
                                      public_question=consultation.question, public_answer=consultation.answer)
    consultation = services.consultation_publish(consultation=consultation, actor=world.disclosure, public_subject="咨询主题",
                                                 public_question="申请政府信息公开需要交费吗？",
                                                 public_answer="依申请提供政府信息不收费。")
    assert consultation.is_published
    consultation = services.consultation_unpublish(consultation=consultation, actor=world.disclosure, reason="过时")
    assert not consultation.is_published


def test_the_asker_may_choose_the_office(world):
    consultation, _secret = consult(world, office=world.office_b)
    assert (consultation.status, consultation.office) == (QS.ASSIGNED, world.office_b)
    assert list(consultation.events.values_list("kind", flat=True)) == ["submitted", "routed"]


def test_the_office_may_return_a_consultation_for_routing(world):
    consultation, _secret = consult(world, office=world.office_a)
    consultation = services.consultation_return(consultation=consultation, actor=world.drafter_a,
                                                reason="不属于本处室职责")
    assert (consultation.status, consultation.office) == (QS.SUBMITTED, None)


def test_without_consent_nothing_is_published(world):
    consultation, _secret = consult(world, office=world.office_a, consent=False)
    consultation = services.consultation_answer(consultation=consultation, actor=world.drafter_a, answer="答复")
    with pytest.raises(StateConflict):
        services.consultation_publish(consultation=consultation, actor=world.disclosure, public_subject="咨询主题", public_question="问",
                                      public_answer="答")


CONSULTATION_CALLS = {
    "route": lambda c, u, w: services.consultation_route(consultation=c, actor=u, office=w.office_a),
    "return": lambda c, u, w: services.consultation_return(consultation=c, actor=u, reason="理由"),
    "answer": lambda c, u, w: services.consultation_answer(consultation=c, actor=u, answer="答复"),
    "publish": lambda c, u, w: services.consultation_publish(consultation=c, actor=u, public_subject="咨询主题", public_question="问题",
                                                             public_answer="答复内容"),
    "unpublish": lambda c, u, w: services.consultation_unpublish(consultation=c, actor=u, reason="理由"),
}
CONSULTATION_CASES = [
    ("route", "submitted", {"disclosure"}),
    ("return", "assigned", {"drafter_a", "head_a"}),
    ("answer", "assigned", {"drafter_a", "head_a", "disclosure"}),
    ("publish", "answered", {"disclosure"}),
    ("unpublish", "published", {"disclosure"}),
]


def _consultation_at(world, stage: str):
    consultation, _secret = consult(world, office=None if stage == "submitted" else world.office_a)
    if stage in ("answered", "published"):
        consultation = services.consultation_answer(consultation=consultation, actor=world.drafter_a, answer="答复")
    if stage == "published":
        consultation = services.consultation_publish(consultation=consultation, actor=world.disclosure, public_subject="咨询主题",
                                                     public_question="问题", public_answer="答复内容")
    return consultation


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize(("name", "stage", "allowed"), CONSULTATION_CASES, ids=[c[0] for c in CONSULTATION_CASES])
def test_consultation_transition_matrix(world, name, stage, allowed, username):
    consultation = _consultation_at(world, stage)
    user = world.users_by_role()[username]
    offered = workflow.CONSULTATION_TRANSITIONS[name] in workflow.consultation_available(user, consultation)
    assert offered == (username in allowed)
    before = ConsultationEvent.objects.filter(consultation=consultation).count()
    if username in allowed:
        CONSULTATION_CALLS[name](consultation, user, world)
        assert ConsultationEvent.objects.filter(consultation=consultation).count() == before + 1
    else:
        with pytest.raises(ActionRefused):
            CONSULTATION_CALLS[name](consultation, user, world)
        assert ConsultationEvent.objects.filter(consultation=consultation).count() == before


def test_an_office_answers_only_its_own_consultations(world):
    consultation, _secret = consult(world, office=world.office_b)
    for user in (world.drafter_a, world.head_a):
        with pytest.raises(ActionRefused):
            services.consultation_answer(consultation=consultation, actor=user, answer="答复")
    services.consultation_answer(consultation=consultation, actor=world.drafter_b, answer="答复")


# --- Back-office buttons and forms ---------------------------------------------------------------


def test_transition_pages_refuse_the_wrong_person(client, world):
    complaint = drive_complaint(world, report(world)[0], "explained")  # the office has seen it
    url = reverse("admin:complaints_complaint_transition", args=[complaint.pk, "conclude"])
    client.force_login(world.drafter_a)
    assert client.get(url).status_code == 403  # sees the case, may not conclude it
    client.force_login(world.drafter_b)
    assert client.get(url).status_code == 404  # another office: not even there
    client.force_login(world.disclosure)
    assert client.get(url).status_code == 404


def test_the_office_explains_through_the_back_office(client, world, django_capture_on_commit_callbacks):
    complaint = drive_complaint(world, report(world)[0], "explanation_requested")
    client.force_login(world.head_a)
    url = reverse("admin:complaints_complaint_transition", args=[complaint.pk, "explain"])
    assert "作出说明" in client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"expected_status": "explanation_requested", "answer": "该申请已于昨日答复。"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == CS.INVESTIGATING and complaint.explanation_answer == "该申请已于昨日答复。"
    assert [m.to for m in mail.outbox] == [["supervisor@example.invalid"]]


def test_supervision_enters_a_phone_report_in_the_back_office(client, world):
    client.force_login(world.supervisor)
    url = reverse("admin:complaints_complaint_add")
    assert client.get(url).status_code == 200
    response = client.post(url, {"channel": "phone", "received_on": "2026-11-02", "office": world.office_a.pk,
                                 "failure_type": "late_reply", "related_reference": "", "details": "来电反映",
                                 **REPORTER})
    assert response.status_code == 302, response.text[:2000]
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.received_on) == ("phone", D(2026, 11, 2))
    assert complaint.reporter.name == REPORTER["name"]
    for user in (world.disclosure, world.drafter_a, world.admin):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_the_disclosure_office_enters_a_counter_consultation(client, world):
    client.force_login(world.disclosure)
    response = client.post(reverse("admin:complaints_consultation_add"), {
        "channel": "counter", "received_on": "2026-11-02", "name": "窗口来人", "phone": "", "email": "",
        "subject": "窗口咨询", "question": "如何申请？", "office": world.office_a.pk})
    assert response.status_code == 302, response.text[:2000]
    consultation = Consultation.objects.get()
    assert (consultation.channel, consultation.status, consultation.office) == ("counter", QS.ASSIGNED,
                                                                                world.office_a)


def test_worklists(client, world):
    complaint = drive_complaint(world, report(world)[0], "explanation_requested")
    submitted, _secret = report(world, office=world.office_b)
    unrouted, _secret = consult(world)
    mine, _secret = consult(world, office=world.office_a, subject="处室A的咨询")
    client.force_login(world.supervisor)
    page = client.get(reverse("admin:index")).text
    assert submitted.tracking_code in page
    assert complaint.tracking_code in page and "等待被投诉处室说明" in page  # waiting for the office, in sight
    client.force_login(world.drafter_a)
    page = client.get(reverse("admin:index")).text
    assert complaint.tracking_code in page and "待作出说明" in page and submitted.tracking_code not in page
    assert mine.tracking_code in page and unrouted.tracking_code not in page
    client.force_login(world.drafter_b)
    page = client.get(reverse("admin:index")).text
    assert complaint.tracking_code not in page and mine.tracking_code not in page
    client.force_login(world.disclosure)
    page = client.get(reverse("admin:index")).text
    assert unrouted.tracking_code in page and complaint.tracking_code not in page


# --- The day counts are settings, checked at start-up ---------------------------------------------


@pytest.mark.parametrize(("name", "value"), [
    ("COMPLAINT_REPLY_WORKING_DAYS", 0), ("COMPLAINT_REPLY_WORKING_DAYS", -3),
    ("CONSULTATION_REPLY_WORKING_DAYS", 0), ("CONSULTATION_REPLY_WORKING_DAYS", "15"),
    ("COMPLAINT_EXPLANATION_WORKING_DAYS", 0), ("COMPLAINT_EXPLANATION_WORKING_DAYS", 31),
])
def test_a_day_count_that_is_not_a_positive_number_stops_the_system_check(settings, name, value):
    from django.core import checks

    setattr(settings, name, value)
    errors = [e for e in checks.run_checks() if e.id.startswith("complaints.")]
    assert len(errors) == 1 and errors[0].level == checks.ERROR
    assert name in errors[0].msg and "工作日" in errors[0].msg and repr(value) in errors[0].msg


def test_the_default_and_valid_day_counts_pass_the_check(settings):
    from django.core import checks

    settings.COMPLAINT_REPLY_WORKING_DAYS, settings.CONSULTATION_REPLY_WORKING_DAYS = 20, 10
    settings.COMPLAINT_EXPLANATION_WORKING_DAYS = 30
    assert not [e for e in checks.run_checks() if e.id.startswith("complaints.")]
    for name in ("COMPLAINT_REPLY_WORKING_DAYS", "CONSULTATION_REPLY_WORKING_DAYS", "COMPLAINT_EXPLANATION_WORKING_DAYS"):
        delattr(settings, name)
    assert not [e for e in checks.run_checks() if e.id.startswith("complaints.")]
    assert (clock.complaint_reply_days(), clock.consultation_reply_days(), clock.explanation_days()) == (15, 15, 5)


def test_the_explanation_days_setting_is_the_forms_default(world, settings):
    from complaints.admin_forms import RequestExplanationForm

    settings.COMPLAINT_EXPLANATION_WORKING_DAYS = 8
    complaint = drive_complaint(world, report(world)[0], "investigating")
    assert RequestExplanationForm(obj=complaint)["days"].value() == 8
    with at(D(2026, 11, 2)):
        complaint = drive_complaint(world, report(world)[0], "investigating")
        complaint = services.complaint_request_explanation(complaint=complaint, actor=world.supervisor,
                                                           question="请说明情况")
    assert complaint.explanation_due == D(2026, 11, 12)  # 8 working days after 11-02


# --- Separation of duties (M.12(1); issue #14 item 12) -------------------------------------------------


def test_who_explained_for_the_office_complained_about_may_not_conclude_on_it_m12(world):
    """One person is both in the supervision office and the info officer of office A: they explain
    for office A, so a colleague in the supervision office concludes."""
    from portal.models import Membership, Role

    Membership.objects.create(user=world.supervisor, role=Role.DRAFTER, office=world.office_a)
    complaint, _secret = report(world)
    complaint = drive_complaint(world, complaint, "explanation_requested")
    complaint = services.complaint_explain(complaint=complaint, actor=world.supervisor, answer="已于近日答复。")
    assert workflow.COMPLAINT_TRANSITIONS["conclude"] not in workflow.complaint_available(world.supervisor, complaint)
    with pytest.raises(ActionRefused, match="查结与说明分离"):
        services.complaint_conclude(complaint=complaint, actor=world.supervisor, result=ComplaintResult.SUBSTANTIATED,
                                    conclusion="经查属实。")
    complaint.refresh_from_db()
    assert complaint.status == CS.INVESTIGATING
    colleague = make_user("jcs2", Role.SUPERVISION, world.supervision_office)
    complaint = services.complaint_conclude(complaint=complaint, actor=colleague,
                                            result=ComplaintResult.SUBSTANTIATED, conclusion="经查属实。")
    assert complaint.status == CS.CONCLUDED


def test_who_answered_a_consultation_may_not_publish_the_answer_m12(world):
    """The disclosure office may answer a consultation itself; then another of its members reviews
    the public version and publishes it."""
    from portal.models import Role

    consultation, _secret = consult(world)
    consultation = services.consultation_route(consultation=consultation, actor=world.disclosure,
                                               office=world.office_a)
    consultation = services.consultation_answer(consultation=consultation, actor=world.disclosure, answer="不收费。")
    public = {"public_subject": "咨询主题", "public_question": "申请需要交费吗？", "public_answer": "不收费。"}
    assert workflow.CONSULTATION_TRANSITIONS["publish"] not in workflow.consultation_available(world.disclosure,
                                                                                                consultation)
    with pytest.raises(ActionRefused, match="答复与公开分离"):
        services.consultation_publish(consultation=consultation, actor=world.disclosure, **public)
    assert not consultation.events.filter(kind="published").exists()
    colleague = make_user("gkb2", Role.DISCLOSURE_OFFICE, world.general_office)
    consultation = services.consultation_publish(consultation=consultation, actor=colleague, **public)
    assert consultation.is_published
# --- 不确定，由厅监察室分办 (issue #15, 6) ---------------------------------------------------------


def test_a_report_may_leave_the_office_to_the_supervision_office_m19(world):
    complaint, _secret, _created = services.complaint_submit(
        data={"office": None, "failure_type": "late_reply", "details": "不清楚是哪个处室。", "related_reference": ""},
        reporter=None, anonymous=True)
    assert complaint.office is None and str(complaint).endswith("（—）")
    complaint = services.complaint_accept(complaint=complaint, actor=world.supervisor)
    assert complaint.office is None  # accepted; the office can be named later
    with pytest.raises(InvalidInput, match="请选择被投诉的处室"):
        services.complaint_request_explanation(complaint=complaint, actor=world.supervisor, question="请说明。")
    with pytest.raises(InvalidInput, match="举报属实或部分属实的，请选择被投诉的处室"):
        services.complaint_conclude(complaint=complaint, actor=world.supervisor, result="substantiated",
                                    conclusion="属实。")
    complaint = services.complaint_request_explanation(complaint=complaint, actor=world.supervisor,
                                                       question="请说明。", office=world.office_b)
    assert complaint.office == world.office_b
    event = complaint.events.get(kind="explanation_requested")
    assert event.data["office"] == world.office_b.pk and event.data["office_name"] == world.office_b.name
    # The office it was assigned to sees the question; the other does not.
    from complaints import selectors

    assert selectors.complaints_for_staff(world.drafter_b).filter(pk=complaint.pk).exists()
    assert not selectors.complaints_for_staff(world.drafter_a).filter(pk=complaint.pk).exists()


def test_a_report_left_open_is_not_substantiated_without_an_office_but_may_be_found_unfounded(world):
    complaint, _secret, _created = services.complaint_submit(
        data={"office": None, "failure_type": "late_reply", "details": "不清楚。", "related_reference": ""},
        reporter=None, anonymous=True)
    complaint = services.complaint_accept(complaint=complaint, actor=world.supervisor)
    complaint = services.complaint_conclude(complaint=complaint, actor=world.supervisor,
                                            result="not_substantiated", conclusion="查无此事。")
    assert complaint.status == "concluded" and complaint.office is None

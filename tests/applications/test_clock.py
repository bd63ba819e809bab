"""The application clock (R.30–R.33) on worked examples across holidays."""

import datetime as dt

import pytest

from applications import services, workflow
from portal.errors import InvalidInput, StateConflict
from tests.applications.conftest import extend, offline
from tests.timing import at

D = dt.date


def test_received_on_2026_09_21_is_due_2026_10_26_across_national_day(world):
    """The day of receipt does not count; the Mid-Autumn Festival and National Day are skipped."""
    with at(D(2026, 9, 21)):
        application = offline(world, received_on=D(2026, 9, 21))
    assert application.due_date == D(2026, 10, 26)


def test_one_extension_of_20_working_days_r33(world):
    with at(D(2026, 9, 21)):
        application = offline(world, received_on=D(2026, 9, 21))
    with at(D(2026, 10, 20)):
        application = extend(world, application, days=20, reason="需要调取档案")
        assert application.due_date == D(2026, 11, 23)
        with pytest.raises(Exception, match="只能延长一次"):
            services.application_request_extension(application=application, actor=world.disclosure, days=5,
                                                   reason="再延")


@pytest.mark.parametrize("days", [21, 0, "二十", None])
def test_extension_longer_than_20_working_days_or_not_a_number_is_refused_r33(world, days):
    with at(D(2026, 9, 21)):
        application = offline(world, received_on=D(2026, 9, 21))
        with pytest.raises(InvalidInput, match="1至20"):
            services.application_request_extension(application=application, actor=world.disclosure, days=days,
                                                   reason="太久")


def test_spring_festival_2026(world):
    """Received Friday 2026-02-13: the Festival week (15–23 Feb) is off, 14 and 28 Feb are worked."""
    with at(D(2026, 2, 13)):
        application = offline(world, received_on=D(2026, 2, 13))
    # Working days after 13 Feb: 14 (Sat, make-up), 24–27, 28 (Sat, make-up), 2–6 Mar, 9–13, 16–19.
    assert application.due_date == D(2026, 3, 19)


def test_supplement_stops_the_clock_and_it_restarts_in_full_from_the_supplement_r30(world):
    with at(D(2026, 11, 2)):
        application = offline(world, received_on=D(2026, 11, 2))
        assert application.due_date == D(2026, 11, 30)
    with at(D(2026, 11, 5)):
        application = services.application_request_supplement(
            application=application, actor=world.disclosure, items="请说明所需信息的年份和文号", deadline=D(2026, 11, 20))
        assert application.clock_paused
    with at(D(2026, 11, 16)):
        application = services.application_supplement_by_applicant(application=application, text="2025年，吉工信规〔2025〕3号")
    assert not application.clock_paused
    assert application.due_date == D(2026, 12, 14)  # 20 working days after 16 Nov


def test_supplement_may_only_be_requested_within_7_working_days_r30(world):
    with at(D(2026, 11, 2)):
        application = offline(world, received_on=D(2026, 11, 2))
    with at(D(2026, 11, 12)), pytest.raises(Exception, match="7个工作日"):  # 8 working days later
        services.application_request_supplement(application=application, actor=world.disclosure,
                                                items="补正", deadline=D(2026, 11, 30))


def test_no_supplement_by_the_deadline_is_deemed_abandoned(world):
    with at(D(2026, 11, 2)):
        application = offline(world, received_on=D(2026, 11, 2))
        application = services.application_request_supplement(application=application, actor=world.disclosure,
                                                              items="补正", deadline=D(2026, 11, 16))
    with at(D(2026, 11, 16)), pytest.raises(Exception, match="尚未届满"):
        services.application_deem_withdrawn(application=application, actor=world.disclosure)
    with at(D(2026, 11, 17)):
        application = services.application_deem_withdrawn(application=application, actor=world.disclosure)
    assert (application.status, application.outcome) == ("closed", "other_no_supplement")


def test_third_party_consultation_does_not_count_r32_r33(world):
    with at(D(2026, 11, 2)):
        application = offline(world, received_on=D(2026, 11, 2))
        application = services.application_assign(application=application, actor=world.disclosure,
                                                  office=world.office_a)
    with at(D(2026, 11, 9)):
        application = services.application_start_consultation(application=application, actor=world.drafter_a,
                                                              third_party="吉林某某机械有限公司")
        assert application.clock_paused
    with at(D(2026, 11, 23)):
        application = services.application_end_consultation(application=application, actor=world.drafter_a,
                                                            result="第三方不同意公开")
    # 10 working days (10–13, 16–20, 23 Nov) were spent consulting: 30 Nov + 10 → 14 Dec.
    assert application.due_date == D(2026, 12, 14)


def test_a_due_date_in_2027_is_provisional_until_the_year_is_entered(world):
    from portal.models import CalendarYear

    with at(D(2026, 12, 15)):
        application = offline(world, received_on=D(2026, 12, 15))
    # 元旦 (2027-01-01) is off by law even before 2027's arrangement is entered (portal/workdays.py).
    assert (application.due_date, application.due_date_provisional) == (D(2027, 1, 13), True)
    CalendarYear.objects.create(year=2027, is_complete=True)
    application.refresh_from_db()
    assert not application.due_date_provisional


def test_fee_notice_suspends_the_clock_until_payment_109(world):
    """国办函〔2020〕109号: the time limit is suspended from the fee notice and continues once the
    fee is paid — it does not start again in full; the applicant has 20 working days to pay."""
    with at(D(2026, 11, 2)):
        application = offline(world, received_on=D(2026, 11, 2))  # due 30 Nov
        application = services.application_assign(application=application, actor=world.disclosure,
                                                  office=world.office_a)
    with at(D(2026, 11, 9)):
        application = services.application_fee_notice(application=application, actor=world.disclosure,
                                                      method="by_count", basis=12)
        assert application.clock_paused and application.fee_pending
        notice = application.fee_notices.get()
    assert (notice.amount, notice.issued_on, notice.pay_by) == (100, D(2026, 11, 9), D(2026, 12, 7))
    with at(D(2026, 11, 16)):
        application = services.application_fee_paid(application=application, actor=world.disclosure)
    # Suspended for 10–13 and 16 Nov (5 working days): 30 Nov + 5 → 7 Dec, not 16 Nov + 20 → 14 Dec.
    assert not application.clock_paused
    assert application.due_date == D(2026, 12, 7)
    from applications.clock import compute

    assert "109号" in compute(application.events.order_by("on", "at")).lines[-1].text


def test_payment_dated_before_the_notice_or_in_the_future_is_refused(world):
    with at(D(2026, 11, 2)):
        application = offline(world, received_on=D(2026, 11, 2))
        application = services.application_assign(application=application, actor=world.disclosure,
                                                  office=world.office_a)
    with at(D(2026, 11, 9)):
        application = services.application_fee_notice(application=application, actor=world.disclosure,
                                                      method="by_count", basis=12)
        for day in (D(2026, 11, 6), D(2026, 11, 10)):
            with pytest.raises(InvalidInput, match="缴费日期"):
                services.application_fee_paid(application=application, actor=world.disclosure, paid_on=day)
    application.refresh_from_db()
    assert application.fee_pending


# --- Extension (R.33(2)) --------------------------------------------------------------------------


def test_an_extension_is_refused_once_the_limit_has_run_out_r33(world):
    with at(D(2026, 9, 21)):
        application = offline(world, received_on=D(2026, 9, 21))  # due 26 Oct
    with at(D(2026, 10, 27)):
        assert workflow.TRANSITIONS["request_extension"] not in workflow.available(world.disclosure, application)
        with pytest.raises(StateConflict, match="2026-10-26 届满"):
            services.application_request_extension(application=application, actor=world.disclosure, days=10,
                                                   reason="调档")
    application.refresh_from_db()
    assert (application.extended, application.due_date) == (False, D(2026, 10, 26))
    with at(D(2026, 10, 26)):  # the last day is still in time
        application = extend(world, application, days=10, reason="调档")
    assert application.due_date == D(2026, 11, 9)


def test_during_a_consultation_the_limit_counts_as_ending_when_it_would_resume(world):
    """The stored due date is passed, but the consultation's days are not counted (R.33(3))."""
    with at(D(2026, 11, 2)):
        application = offline(world, received_on=D(2026, 11, 2))  # due 30 Nov
        application = services.application_assign(application=application, actor=world.disclosure,
                                                  office=world.office_a)
    with at(D(2026, 11, 20)):
        application = services.application_start_consultation(application=application, actor=world.drafter_a,
                                                              third_party="某公司")
    with at(D(2026, 12, 2)):  # 8 working days into the consultation: due as of today 10 Dec
        application = extend(world, application, days=5, reason="征求意见")
    assert application.extended


# --- Third-party consultation (R.32) ---------------------------------------------------------------


def consulting(world):
    """Received Monday 2 November 2026 (due 30 Nov), assigned the same day."""
    with at(D(2026, 11, 2)):
        application = offline(world, received_on=D(2026, 11, 2))
        return services.application_assign(application=application, actor=world.disclosure, office=world.office_a)


@pytest.mark.parametrize("sent_on", [D(2026, 11, 1), D(2026, 11, 10)], ids=["before-receipt", "tomorrow"])
def test_a_consultation_cannot_be_backdated_before_receipt_or_dated_ahead(world, sent_on):
    application = consulting(world)
    with at(D(2026, 11, 9)), pytest.raises(InvalidInput, match="收到申请之日和今天之间"):
        services.application_start_consultation(application=application, actor=world.drafter_a, third_party="某公司",
                                                sent_on=sent_on)
    application.refresh_from_db()
    assert not application.consultation_open and not application.clock_paused


@pytest.mark.parametrize("ended_on", [D(2026, 11, 6), D(2026, 11, 17)], ids=["before-start", "tomorrow"])
def test_a_consultation_cannot_end_before_it_started_or_ahead_of_today(world, ended_on):
    application = consulting(world)
    with at(D(2026, 11, 9)):
        application = services.application_start_consultation(application=application, actor=world.drafter_a,
                                                              third_party="某公司", sent_on=D(2026, 11, 9))
    with at(D(2026, 11, 16)), pytest.raises(InvalidInput, match="发出征求意见书之日和今天之间"):
        services.application_end_consultation(application=application, actor=world.drafter_a, result="同意",
                                              ended_on=ended_on)
    application.refresh_from_db()
    assert application.consultation_open


def test_the_time_not_counted_is_capped_at_the_third_partys_15_working_days_r32(world):
    """Sent by e-mail on 2026-11-09, received that day (presumed: NOTICE_RECEIPT_PRESUMED_DAYS)."""
    application = consulting(world)  # due 30 Nov
    with at(D(2026, 11, 9)):
        application = services.application_start_consultation(application=application, actor=world.drafter_a,
                                                              third_party="某公司", sent_via="email")
    assert application.events.get(kind="consultation_started").data["answer_by"] == "2026-11-30"
    with at(D(2026, 12, 14)):  # 25 working days later
        application = services.application_end_consultation(application=application, actor=world.drafter_a,
                                                            result="逾期未答复")
    # Only the 15 working days the third party had are not counted: 30 Nov + 15 → 21 Dec.
    assert application.due_date == D(2026, 12, 21)


# --- Interactions of the clock events (R.30, R.32, 109号) --------------------------------------------


def test_no_supplement_request_while_a_consultation_or_a_fee_is_open(world):
    application = consulting(world)
    with at(D(2026, 11, 3)):
        application = services.application_start_consultation(application=application, actor=world.drafter_a,
                                                              third_party="某公司")
        with pytest.raises(StateConflict, match="不能告知补正"):
            services.application_request_supplement(application=application, actor=world.disclosure, items="补正",
                                                    deadline=D(2026, 11, 20))
        application = services.application_end_consultation(application=application, actor=world.drafter_a,
                                                            result="同意公开")
        application = services.application_fee_notice(application=application, actor=world.disclosure,
                                                      method="by_count", basis=12)
        assert workflow.TRANSITIONS["request_supplement"] not in workflow.available(world.disclosure, application)
        with pytest.raises(StateConflict, match="不能告知补正"):
            services.application_request_supplement(application=application, actor=world.disclosure, items="补正",
                                                    deadline=D(2026, 11, 20))
    assert not application.events.filter(kind="supplement_requested").exists()


def test_one_extension_per_application_also_after_a_supplement_restarts_the_limit_r33_2(world):
    """Received 2026-11-02 (due 11-30), extended by 10 on 11-03 (→ 12-14); a supplement requested
    11-04 arrives 11-16: the limit counts afresh (→ 12-14) and the old extension lapses with the
    old limit — but a second extension on 12-10 (which would give 40 working days in all) is refused."""
    with at(D(2026, 11, 2)):
        application = offline(world, received_on=D(2026, 11, 2))  # due 30 Nov
    with at(D(2026, 11, 3)):
        application = extend(world, application, days=10, reason="需要调取档案")
        assert (application.extended, application.due_date) == (True, D(2026, 12, 14))
    with at(D(2026, 11, 4)):
        application = services.application_request_supplement(application=application, actor=world.disclosure,
                                                              items="请说明年份", deadline=D(2026, 11, 20))
    with at(D(2026, 11, 16)):
        application = services.application_supplement_by_applicant(application=application, text="2025年")
    assert application.due_date == D(2026, 12, 14)  # 20 working days from the supplement
    with at(D(2026, 12, 10)):
        assert workflow.TRANSITIONS["request_extension"] not in workflow.available(world.disclosure, application)
        with pytest.raises(StateConflict, match="只能延长一次"):
            services.application_request_extension(application=application, actor=world.disclosure, days=5,
                                                   reason="需要汇总")
    application.refresh_from_db()
    assert (application.extended, application.due_date) == (True, D(2026, 12, 14))


def test_explanation_lists_every_step(world):
    from applications.clock import compute

    with at(D(2026, 9, 21)):
        application = offline(world, received_on=D(2026, 9, 21))
    with at(D(2026, 10, 20)):
        extend(world, application, days=20, reason="档案")
    lines = compute(application.events.order_by("on", "at"))
    texts = [line.text for line in lines.lines]
    assert any("第三十三条" in t for t in texts)
    assert [line.due for line in lines.lines if line.due] == [D(2026, 10, 26), D(2026, 11, 23)]


# --- No pause once the time limit has run out (issue #14 item 1) ----------------------------------


def late_case(world):
    """Received Monday 12 October 2026: due Monday 9 November (the National Day week is off)."""
    with at(D(2026, 10, 12)):
        application = offline(world, received_on=D(2026, 10, 12))
        application = services.application_assign(application=application, actor=world.disclosure,
                                                  office=world.office_a)
    assert application.due_date == D(2026, 11, 9)
    return application


def test_a_fee_notice_after_the_limit_ran_out_is_refused_r42_109_art6(world):
    """Received 2026-10-12 → due 2026-11-09; a fee notice on 11-16 would suspend a limit that has
    already run out (R.42, 国办函〔2020〕109号第六条): refused, nothing recorded."""
    application = late_case(world)
    with at(D(2026, 11, 16)):
        assert workflow.TRANSITIONS["fee_notice"] not in workflow.available(world.disclosure, application)
        with pytest.raises(StateConflict, match=r"2026-11-09 届满.*第四十二条.*109号.*第六条"):
            services.application_fee_notice(application=application, actor=world.disclosure, method="by_count",
                                            basis=12)
    application.refresh_from_db()
    assert not application.fee_pending and not application.fee_notices.exists()
    assert (application.due_date, application.clock_paused) == (D(2026, 11, 9), False)


def test_a_third_party_consultation_after_the_limit_ran_out_is_refused_r32_r33(world):
    """Received 2026-10-12 → due 2026-11-09; a consultation started 11-16 and ended 11-30 used to
    move the due date to 11-23. It is refused (R.32, R.33(3))."""
    application = late_case(world)
    with at(D(2026, 11, 16)):
        assert workflow.TRANSITIONS["start_consultation"] not in workflow.available(world.drafter_a, application)
        with pytest.raises(StateConflict, match=r"2026-11-09 届满.*第三十二条"):
            services.application_start_consultation(application=application, actor=world.drafter_a,
                                                    third_party="某公司")
    application.refresh_from_db()
    assert not application.consultation_open and application.due_date == D(2026, 11, 9)


def test_on_the_last_day_of_the_limit_a_pause_may_still_start_r33(world):
    """Due 2026-11-09: a fee notice on that very day still suspends the limit (109号)."""
    application = late_case(world)
    with at(D(2026, 11, 9)):
        application = services.application_fee_notice(application=application, actor=world.disclosure,
                                                      method="by_count", basis=12)
    assert application.fee_pending and application.clock_paused


@pytest.mark.parametrize("started, ended", [("consultation_started", "consultation_ended"),
                                            ("fee_notice", "fee_paid")], ids=["consultation", "fee"])
def test_a_pause_recorded_late_in_old_data_does_not_revive_the_limit_r32_r42(world, started, ended):
    """Data from before the fix: received 2026-10-12 (due 11-09), a pause from 11-16 to 11-30 on
    file. Replaying the events keeps the history but not its effect: still due 11-09, flagged."""
    from applications.clock import compute
    from applications.models import ApplicationEvent

    application = late_case(world)
    data = {"third_party": "某公司", "answer_by": "2026-12-07"} if started == "consultation_started" else {
        "pay_by": "2026-12-14", "amount": "100.00", "method": "by_count", "basis": 12}
    ApplicationEvent.objects.create(application=application, kind=started, on=D(2026, 11, 16), data=data,
                                    actor=world.disclosure)
    ApplicationEvent.objects.create(application=application, kind=ended, on=D(2026, 11, 30), actor=world.disclosure)
    # What the code before the fix stored: 11-09 + the 10 working days from 11-16 to 11-30.
    type(application).objects.filter(pk=application.pk).update(due_date=D(2026, 11, 23))
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("recompute_clocks", stdout=out)
    assert "已更新 1 件" in out.getvalue()
    application.refresh_from_db()
    assert (application.due_date, application.clock_paused) == (D(2026, 11, 9), False)
    lines = compute(application.events.order_by("on", "at", "pk")).lines
    flagged = [line for line in lines if line.on == D(2026, 11, 16)]
    assert flagged and "已于 2026-11-09 届满" in flagged[0].text and "不计" in flagged[0].text
    assert all(line.due in (None, D(2026, 11, 9)) for line in lines)


# --- A late supplement is held for a decision (issue #14 item 2) ------------------------------------


def late_supplement(world):
    """Received 2026-11-02; supplement requested 11-03 with a deadline of 11-10; the applicant
    supplements from the tracking page on 11-12, two days late."""
    with at(D(2026, 11, 2)):
        application = offline(world, received_on=D(2026, 11, 2))
    with at(D(2026, 11, 3)):
        application = services.application_request_supplement(application=application, actor=world.disclosure,
                                                              items="请说明年份", deadline=D(2026, 11, 10))
    with at(D(2026, 11, 12)):
        return services.application_supplement_by_applicant(application=application, text="2025年，因出差未能按期补正")


def test_a_late_supplement_does_not_restart_the_clock_r30(world):
    """Deadline 2026-11-10, supplement on 11-12: not back to 已受理 with a new limit of 12-10;
    the clock stays stopped and the case waits for the disclosure office's decision (R.30)."""
    application = late_supplement(world)
    assert application.status == "supplement_late"
    assert application.clock_paused and application.due_date != D(2026, 12, 10)
    with at(D(2026, 11, 13)):
        offered = {t.name for t in workflow.available(world.disclosure, application)}
    assert {"accept_late_supplement", "deem_withdrawn"} <= offered


def test_a_late_supplement_accepted_for_good_reason_restarts_from_its_arrival_r30(world):
    """Accepted on 2026-11-13 for good reason: the limit counts from the supplement (11-12) → 12-10."""
    application = late_supplement(world)
    with at(D(2026, 11, 13)):
        with pytest.raises(InvalidInput, match="正当理由"):
            services.application_accept_late_supplement(application=application, actor=world.disclosure, reason=" ")
        application = services.application_accept_late_supplement(application=application, actor=world.disclosure,
                                                                  reason="申请人出差，提供了行程证明")
    assert (application.status, application.clock_paused, application.due_date) == ("received", False, D(2026, 12, 10))
    event = application.events.get(kind="supplement_accepted")
    assert (event.actor, event.comment, event.on) == (world.disclosure, "申请人出差，提供了行程证明", D(2026, 11, 13))


def test_a_late_supplement_without_good_reason_is_deemed_withdrawn_r30(world):
    application = late_supplement(world)
    with at(D(2026, 11, 13)):
        with pytest.raises(InvalidInput, match="理由"):
            services.application_deem_withdrawn(application=application, actor=world.disclosure, comment="")
        application = services.application_deem_withdrawn(application=application, actor=world.disclosure,
                                                          comment="逾期补正，未说明正当理由")
    assert (application.status, application.outcome) == ("closed", "other_no_supplement")


# --- Periods counted from receipt (issue #14 item 5: R.32, 国办函〔2020〕109号) ------------------------


def test_the_third_partys_15_working_days_run_from_its_receipt_of_the_letter_r32(world):
    """Received 2026-11-02 (due 11-30); the letter is posted 11-09. Presumed received 11-16 (post:
    7 days), so the third party answers by 12-07 — not 11-30, 15 working days after posting. The
    postal receipt shows 11-12: answer by 12-03. Silence until 12-14: 18 working days (11-10 to
    12-03) are not counted → due 12-24 (counting from posting it would be 15 → 12-21)."""
    application = consulting(world)
    with at(D(2026, 11, 9)):
        application = services.application_start_consultation(application=application, actor=world.drafter_a,
                                                              third_party="某公司", sent_via="post")
    started = application.events.get(kind="consultation_started")
    assert (started.data["presumed_receipt"], started.data["answer_by"]) == ("2026-11-16", "2026-12-07")
    with at(D(2026, 11, 13)):
        with pytest.raises(InvalidInput, match="发出之日和今天之间"):
            services.application_record_receipt(application=application, actor=world.drafter_a,
                                                notice="consultation", received_on=D(2026, 11, 8))
        application = services.application_record_receipt(application=application, actor=world.drafter_a,
                                                           notice="consultation", received_on=D(2026, 11, 12))
    with at(D(2026, 12, 14)):
        application = services.application_end_consultation(application=application, actor=world.drafter_a,
                                                            result="逾期未答复")
    assert application.due_date == D(2026, 12, 24)
    from applications.clock import compute

    texts = [line.text for line in compute(application.events.order_by("on", "at", "pk")).lines]
    assert any("2026-11-12 收到征求意见书" in t and "2026-12-03" in t for t in texts)


def test_the_applicant_pays_within_20_working_days_of_receiving_the_fee_notice_109(world):
    """Fee notice posted 2026-11-09: presumed received 11-16 → pay by 12-14 (not 12-07, 20 working
    days after posting); the receipt shows 11-11 → pay by 12-09; not paid: closed from 12-10 only."""
    application = consulting(world)
    with at(D(2026, 11, 9)):
        application = services.application_fee_notice(application=application, actor=world.disclosure,
                                                      method="by_count", basis=12, sent_via="post")
    assert application.fee_notices.get().pay_by == D(2026, 12, 14)
    with at(D(2026, 11, 12)):
        with pytest.raises(Exception, match="政府信息公开工作机构登记"):
            services.application_record_receipt(application=application, actor=world.drafter_a, notice="fee",
                                                received_on=D(2026, 11, 11))
        application = services.application_record_receipt(application=application, actor=world.disclosure,
                                                          notice="fee", received_on=D(2026, 11, 11))
    notice = application.fee_notices.get()
    assert (notice.received_on, notice.pay_by) == (D(2026, 11, 11), D(2026, 12, 9))
    with at(D(2026, 12, 9)), pytest.raises(StateConflict, match="尚未届满"):
        services.application_fee_unpaid(application=application, actor=world.disclosure)
    with at(D(2026, 12, 10)):
        application = services.application_fee_unpaid(application=application, actor=world.disclosure)
    assert application.outcome == "other_fee_unpaid"


@pytest.mark.parametrize("kind", ["consultation", "fee"])
def test_a_notice_with_a_period_from_receipt_states_no_date_that_contradicts_it_r32_109(world, kind):
    """Posted on 2026-11-09: the letter says "自收到本函（通知）之日起" and no date counted from posting
    (2026-11-30 for the third party, 2026-12-07 for the fee)."""
    from applications.letters import letter_text

    application = consulting(world)
    with at(D(2026, 11, 9)):
        if kind == "consultation":
            services.application_start_consultation(application=application, actor=world.drafter_a,
                                                    third_party="某公司", sent_via="post")
        else:
            services.application_fee_notice(application=application, actor=world.disclosure, method="by_count",
                                            basis=12, sent_via="post")
    text = letter_text(application.notices.get().html)
    assert "自收到本" in text
    for wrong in ("2026年11月30日", "2026年12月7日", "2026年12月14日"):
        assert wrong not in text

"""The application clock (R.30–R.33) on worked examples across holidays."""

import datetime as dt

import pytest
import time_machine

from applications import services, workflow
from portal.errors import InvalidInput, StateConflict
from tests.applications.conftest import offline

D = dt.date


def at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(10, 0)).astimezone(), tick=False)


def test_received_on_2026_09_21_is_due_2026_10_26_across_national_day(world):
    """The day of receipt does not count; the Mid-Autumn Festival and National Day are skipped."""
    with at(D(2026, 9, 21)):
        application = offline(world, received_on=D(2026, 9, 21))
    assert application.due_date == D(2026, 10, 26)


def test_one_extension_of_20_working_days_r33(world):
    with at(D(2026, 9, 21)):
        application = offline(world, received_on=D(2026, 9, 21))
    with at(D(2026, 10, 20)):
        application = services.application_extend(application=application, actor=world.disclosure, days=20,
                                                  reason="需要调取档案")
        assert application.due_date == D(2026, 11, 23)
        with pytest.raises(Exception, match="只能延长一次"):
            services.application_extend(application=application, actor=world.disclosure, days=5, reason="再延")


def test_extension_longer_than_20_working_days_is_refused(world):
    with at(D(2026, 9, 21)):
        application = offline(world, received_on=D(2026, 9, 21))
        with pytest.raises(Exception, match="1至20"):
            services.application_extend(application=application, actor=world.disclosure, days=21, reason="太久")


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
        assert workflow.TRANSITIONS["extend"] not in workflow.available(world.disclosure, application)
        with pytest.raises(StateConflict, match="2026-10-26 届满"):
            services.application_extend(application=application, actor=world.disclosure, days=10, reason="调档")
    application.refresh_from_db()
    assert (application.extended, application.due_date) == (False, D(2026, 10, 26))
    with at(D(2026, 10, 26)):  # the last day is still in time
        application = services.application_extend(application=application, actor=world.disclosure, days=10,
                                                  reason="调档")
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
        application = services.application_extend(application=application, actor=world.disclosure, days=5,
                                                  reason="征求意见")
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
    application = consulting(world)  # due 30 Nov
    with at(D(2026, 11, 9)):
        application = services.application_start_consultation(application=application, actor=world.drafter_a,
                                                              third_party="某公司")
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


def test_a_supplement_restarts_the_limit_so_an_earlier_extension_lapses_and_a_new_one_is_possible_r30(world):
    with at(D(2026, 11, 2)):
        application = offline(world, received_on=D(2026, 11, 2))  # due 30 Nov
    with at(D(2026, 11, 3)):
        application = services.application_extend(application=application, actor=world.disclosure, days=10,
                                                  reason="需要调取档案")
        assert (application.extended, application.due_date) == (True, D(2026, 12, 14))
    with at(D(2026, 11, 4)):
        application = services.application_request_supplement(application=application, actor=world.disclosure,
                                                              items="请说明年份", deadline=D(2026, 11, 20))
    with at(D(2026, 11, 16)):
        application = services.application_supplement_by_applicant(application=application, text="2025年")
    # 20 working days from the supplement, without the old extension; the extension is gone.
    assert (application.extended, application.due_date) == (False, D(2026, 12, 14))
    with at(D(2026, 12, 10)):
        assert workflow.TRANSITIONS["extend"] in workflow.available(world.disclosure, application)
        application = services.application_extend(application=application, actor=world.disclosure, days=5,
                                                  reason="需要汇总")
        assert (application.extended, application.due_date) == (True, D(2026, 12, 21))
        with pytest.raises(StateConflict, match="只能延长一次"):
            services.application_extend(application=application, actor=world.disclosure, days=1, reason="再延")


def test_explanation_lists_every_step(world):
    from applications.clock import compute

    with at(D(2026, 9, 21)):
        application = offline(world, received_on=D(2026, 9, 21))
    with at(D(2026, 10, 20)):
        services.application_extend(application=application, actor=world.disclosure, days=20, reason="档案")
    lines = compute(application.events.order_by("on", "at"))
    texts = [line.text for line in lines.lines]
    assert any("第三十三条" in t for t in texts)
    assert [line.due for line in lines.lines if line.due] == [D(2026, 10, 26), D(2026, 11, 23)]

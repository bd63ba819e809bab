"""The application clock (R.30–R.33) on worked examples across holidays."""

import datetime as dt

import pytest
import time_machine

from applications import services
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
    assert (application.due_date, application.due_date_provisional) == (D(2027, 1, 12), True)
    CalendarYear.objects.create(year=2027, is_complete=True)
    application.refresh_from_db()
    assert not application.due_date_provisional


def test_fee_notice_stops_the_clock_and_payment_restarts_it(world):
    with at(D(2026, 11, 2)):
        application = offline(world, received_on=D(2026, 11, 2))
        application = services.application_assign(application=application, actor=world.disclosure,
                                                  office=world.office_a)
        application = services.application_fee_notice(application=application, actor=world.disclosure,
                                                      method="by_count", basis=12)
        assert application.clock_paused and application.fee_pending
        assert application.fee_notices.get().amount == 100
    with at(D(2026, 11, 10)):
        application = services.application_fee_paid(application=application, actor=world.disclosure)
    assert application.due_date == D(2026, 12, 8)


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

"""The publication clock of M.11 / R.26 cannot be bent (issue 14, item 6): no date formed in the
future, no schedule past the due date without a recorded reason (and then it counts as late),
and a record whose law sets another period carries that period and its basis."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from complaints import assessment
from complaints.admin_forms import overdue_records
from complaints.assessment import Period
from disclosure import services
from disclosure.models import Channel, Record, RecordState
from portal.errors import InvalidInput
from tests.conftest import as_user, drive, new_draft
from tests.timing import at

S = RecordState
D = dt.date
BEIJING = ZoneInfo("Asia/Shanghai")


def moment(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BEIJING)


def test_a_date_formed_in_the_future_is_refused_m11(world):
    """On 2026-11-10 a draft dated 2026-11-11 would start the clock a day late (and, dated months
    ahead, put the due date out of reach): refused, by the service and on the drafter's form."""
    with at(D(2026, 11, 10)):
        with pytest.raises(InvalidInput, match="成文日期 2026-11-11 晚于今天"):
            new_draft(world, title="未来的文件", date_formed=D(2026, 11, 11))
        assert not Record.objects.filter(title="未来的文件").exists()
        record = new_draft(world, title="今天的文件", date_formed=D(2026, 11, 10))  # today is fine
        assert record.due_date == D(2026, 12, 8)


def test_the_drafters_form_refuses_a_future_date_formed_at_the_field_m11(client, world):
    with at(D(2026, 11, 10)):
        as_user(client, "drafter_a")
        response = client.post(reverse("admin:disclosure_record_add"), {
            "title": "未来的文件", "office": world.office_a.pk, "category": world.category.pk,
            "document_type": "other", "date_formed": "2027-03-01", "attribute": "proactive", "body": "<p>正文</p>",
            "attachments-TOTAL_FORMS": 0, "attachments-INITIAL_FORMS": 0,
        })
    assert response.status_code == 200
    assert "成文日期不能晚于今天" in response.text
    assert not Record.objects.filter(title="未来的文件").exists()


def test_a_schedule_past_the_due_date_needs_a_recorded_reason_m11_r26(world):
    """Formed 2026-11-02, due 2026-11-30. On 2026-11-20 the info center schedules it for
    2027-03-01: refused without a reason; with one, the reason and the due date are in the
    publication's event. A schedule within the time limit needs none."""
    with at(D(2026, 11, 20)):
        record = drive(world, new_draft(world, date_formed=D(2026, 11, 2)), S.READY)
        assert record.due_date == D(2026, 11, 30)
        with pytest.raises(InvalidInput, match=r"定时发布日期 2027-03-01 晚于公开期限 2026-11-30.*推迟发布的原因"):
            services.record_publish(record=record, actor=world.publisher, channels=[Channel.COLUMN],
                                    at=moment(D(2027, 3, 1)))
        assert Record.objects.get(pk=record.pk).state == S.READY
        services.record_publish(record=record, actor=world.publisher, channels=[Channel.COLUMN],
                                at=moment(D(2027, 3, 1)), late_reason="待配套实施细则印发后同步公布")
    event = record.events.get(action="publish")
    assert event.checklist["late_reason"] == "待配套实施细则印发后同步公布"
    assert event.checklist["due_date"] == "2026-11-30"

    with at(D(2026, 11, 20)):
        on_time = drive(world, new_draft(world, title="按期定时", date_formed=D(2026, 11, 2)), S.READY)
        services.record_publish(record=on_time, actor=world.publisher, channels=[Channel.COLUMN],
                                at=moment(D(2026, 11, 30), 17))
    assert "late_reason" not in on_time.events.get(action="publish").checklist


def test_the_publish_form_asks_for_the_reason_m11(client, world):
    with at(D(2026, 11, 20)):
        record = drive(world, new_draft(world, date_formed=D(2026, 11, 2)), S.READY)
        as_user(client, "publisher")
        url = reverse("admin:disclosure_record_transition", args=[record.pk, "publish"])
        page = client.get(url)
        assert "推迟发布的原因" in page.text and "公开期限：2026-11-30" in page.text
        refused = client.post(url, {"expected_state": S.READY, "channels": ["column"],
                                    "publish_at": "2027-03-01T09:00"})
        assert refused.status_code == 200 and "请填写推迟发布的原因" in refused.text
        done = client.post(url, {"expected_state": S.READY, "channels": ["column"], "publish_at": "2027-03-01T09:00",
                                 "late_reason": "待配套文件印发"})
        assert done.status_code == 302
        page = client.get(reverse("admin:disclosure_record_change", args=[record.pk]))
    assert "推迟发布的原因：待配套文件印发" in page.text
    # The scheduled publication has not stopped the clock, and it will be out late.
    assert "剩 6 个工作日" in page.text and "逾期发布" in page.text


def test_a_record_scheduled_past_its_due_date_counts_as_late_on_the_dashboard_m11(world):
    """Due 2026-11-30, scheduled on 11-20 for 2027-03-01. On 2026-12-05 it is not out: the
    fourth quarter of 2026 shows it overdue and unpublished (before: nothing, because its state
    was already 已发布), as does the list behind accountability findings. On 2027-03-02 it is
    out: the first quarter of 2027 counts it published late."""
    with at(D(2026, 11, 20)):
        record = drive(world, new_draft(world, date_formed=D(2026, 11, 2)), S.READY)
        services.record_publish(record=record, actor=world.publisher, channels=[Channel.COLUMN],
                                at=moment(D(2027, 3, 1)), late_reason="待配套文件印发")
    q4 = Period.quarter(2026, 4)
    with at(D(2026, 12, 5)):
        row = assessment.dashboard(period=q4, office=world.office_a).rows[0]
        assert (row.records_published, row.records_late, row.records_open_overdue) == (0, 0, 1)
        assert record.pk in set(overdue_records().values_list("pk", flat=True))
    with at(D(2027, 3, 2)):
        row = assessment.dashboard(period=Period.quarter(2027, 1), office=world.office_a).rows[0]
        assert (row.records_published, row.records_late, row.records_on_time) == (1, 1, 0)
        row = assessment.dashboard(period=q4, office=world.office_a).rows[0]
        assert row.records_open_overdue == 0


def test_a_law_that_sets_another_period_gives_the_record_its_own_due_date_m11_second_sentence(world):
    """M.11: 法律、法规对政府信息公开期限另有规定的，从其规定. Formed 2026-11-02 under a rule
    of 10 working days: due 2026-11-16, not 2026-11-30. The period needs its basis; an
    amendment keeps both (the law still governs the changed information)."""
    with at(D(2026, 11, 3)):
        with pytest.raises(InvalidInput, match="须写明规定该期限的法律、法规"):
            new_draft(world, title="缺依据", date_formed=D(2026, 11, 2), due_period_days=10)
        with pytest.raises(InvalidInput, match="请填写该依据规定的工作日数"):
            new_draft(world, title="缺期限", date_formed=D(2026, 11, 2), due_period_basis="《示例条例》第十条")
        record = new_draft(world, date_formed=D(2026, 11, 2), due_period_days=10,
                           due_period_basis="《示例条例》第十条")
        assert (record.due_date, record.due_period_days, record.due_period_basis) == (
            D(2026, 11, 16), 10, "《示例条例》第十条")
        record = drive(world, record, S.REGISTERED)
    with at(D(2026, 12, 1)):
        draft = services.record_amend(record=record, actor=world.drafter_a)
    assert (draft.date_formed, draft.due_period_days, draft.due_date) == (D(2026, 12, 1), 10, D(2026, 12, 15))


def test_the_drafter_enters_the_period_and_its_basis_and_the_page_explains_it_m11(client, world):
    with at(D(2026, 11, 3)):
        as_user(client, "drafter_a")
        response = client.post(reverse("admin:disclosure_record_add"), {
            "title": "另有期限的信息", "office": world.office_a.pk, "category": world.category.pk,
            "document_type": "other", "date_formed": "2026-11-02", "due_period_days": "10",
            "due_period_basis": "《示例条例》第十条", "attribute": "proactive", "body": "<p>正文</p>",
            "attachments-TOTAL_FORMS": 0, "attachments-INITIAL_FORMS": 0,
        })
        assert response.status_code == 302, response.text[:2000]
        record = Record.objects.get(title="另有期限的信息")
        page = client.get(reverse("admin:disclosure_record_change", args=[record.pk])).text
    assert record.due_date == D(2026, 11, 16)
    assert "公开期限（成文或变更后 10 个工作日，依据《示例条例》第十条；实施办法第十一条）" in page

"""The publish chain tells the next person (M.12, M.17: a smooth channel between offices): every
transition mails whoever acts next, on commit, and the office hears when its information is
public. Whoever chose the daily digest gets the work there instead (tests/portal/test_staff_digest.py)."""

import pytest
from django.core import mail

from disclosure import services
from disclosure.models import Channel, RecordState
from portal.models import MailMode, Membership, Role, StaffPreference
from tests.conftest import ALL_CLEAR, make_user, new_draft

S = RecordState


def recipients() -> list[list[str]]:
    return [sorted(message.to) for message in mail.outbox]


def step(capture, action):
    mail.outbox.clear()
    with capture(execute=True):
        return action()


def test_every_transition_of_the_publish_chain_mails_the_next_person_m12(world, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    record = new_draft(world, is_important=True)
    record = step(capture, lambda: services.record_submit(record=record, actor=world.drafter_a))
    assert recipients() == [["head_a@example.invalid"]] and "待处室负责人审核" in mail.outbox[0].subject
    record = step(capture, lambda: services.record_approve_division(record=record, actor=world.head_a, **ALL_CLEAR))
    assert recipients() == [["gkb@example.invalid"]] and "待保密审查" in mail.outbox[0].subject
    record = step(capture, lambda: services.record_approve_confidentiality(
        record=record, actor=world.disclosure, **ALL_CLEAR))
    assert recipients() == [["leader_a@example.invalid"]] and "待厅领导签发" in mail.outbox[0].subject
    record = step(capture, lambda: services.record_sign_off(record=record, actor=world.leader_a))
    assert recipients() == [["publisher@example.invalid"]] and "待发布" in mail.outbox[0].subject
    record = step(capture, lambda: services.record_publish(record=record, actor=world.publisher,
                                                           channels=[Channel.COLUMN]))
    by_subject = {message.subject.split("：")[0]: sorted(message.to) for message in mail.outbox}
    assert by_subject["[测试省工业和信息化厅] 待登记"] == [
        "publisher@example.invalid", "registrar@example.invalid"]
    # The office that drafted it hears that it is public.
    assert by_subject["[测试省工业和信息化厅] 已发布"] == ["drafter_a@example.invalid", "head_a@example.invalid"]
    assert all(record.title in message.subject for message in mail.outbox)
    assert all(f"/admin/disclosure/record/{record.pk}/change/" in message.body for message in mail.outbox)


def test_a_return_tells_the_drafter_what_to_change(world, draft, django_capture_on_commit_callbacks):
    record = step(django_capture_on_commit_callbacks,
                  lambda: services.record_submit(record=draft, actor=world.drafter_a))
    step(django_capture_on_commit_callbacks,
         lambda: services.record_return(record=record, actor=world.head_a, comment="请补充文号"))
    assert recipients() == [["drafter_a@example.invalid"]] and "已退回修改" in mail.outbox[0].subject


def test_nothing_is_mailed_when_the_transition_is_rolled_back(world, draft, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        from django.db import transaction

        with transaction.atomic():
            services.record_submit(record=draft, actor=world.drafter_a)
            raise RuntimeError("something later failed")
    assert mail.outbox == []


def test_the_next_person_is_the_one_who_holds_the_role_in_this_office(world, draft, django_capture_on_commit_callbacks):
    """Head of office B who is also an info officer of office A is not told of A's division review."""
    Membership.objects.create(user=world.head_b, role=Role.DRAFTER, office=world.office_a)
    step(django_capture_on_commit_callbacks, lambda: services.record_submit(record=draft, actor=world.drafter_a))
    assert recipients() == [["head_a@example.invalid"]]


def test_whoever_chose_the_daily_digest_gets_no_immediate_mail_of_waiting_work(world, draft,
                                                                             django_capture_on_commit_callbacks):
    StaffPreference.objects.create(user=world.head_a, mail_mode=MailMode.DIGEST)
    second_head = make_user("head_a2", Role.DIVISION_HEAD, world.office_a)
    step(django_capture_on_commit_callbacks, lambda: services.record_submit(record=draft, actor=world.drafter_a))
    assert recipients() == [[second_head.email]]


def test_results_that_are_not_work_are_mailed_at_once_even_to_digest_readers(world, draft,
                                                                           django_capture_on_commit_callbacks):
    StaffPreference.objects.create(user=world.drafter_a, mail_mode=MailMode.DIGEST)
    from tests.conftest import drive

    record = drive(world, draft, S.CONFIDENTIALITY_REVIEW)
    step(django_capture_on_commit_callbacks, lambda: services.record_withhold(
        record=record, actor=world.disclosure, ground="process_information"))
    assert ["drafter_a@example.invalid"] in recipients()

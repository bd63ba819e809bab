"""Separation of duties in the publish chain of M.12 (issue 14, item 12): whoever did the step
before a review does not also approve it, whatever roles they hold."""

from __future__ import annotations

import pytest
from django.urls import reverse

from disclosure import services, workflow
from disclosure.models import RecordState
from portal.errors import ActionRefused
from portal.models import Membership, Role
from tests.conftest import ALL_CLEAR, as_user, drive, new_draft

S = RecordState


def give(user, role: str, office=None):
    Membership.objects.create(user=user, role=role, office=office)
    user.refresh_from_db()
    return type(user).objects.get(pk=user.pk)  # fresh: no remembered roles or permissions


def test_a_drafter_who_is_also_division_head_cannot_approve_their_own_draft_m12_1(world):
    """One person holds both roles for 政策法规处: submits the draft, then is refused as its
    reviewer (before: approved it). Another division head of the office approves it."""
    both = give(world.drafter_a, Role.DIVISION_HEAD, world.office_a)
    record = new_draft(world)
    record = services.record_submit(record=record, actor=both)
    assert "approve_division" not in [t.name for t in workflow.available(both, record)]
    with pytest.raises(ActionRefused, match="上一环节（提交审核）由您本人办理，“审核通过（含保密自查）”须由另一人办理"):
        services.record_approve_division(record=record, actor=both, **ALL_CLEAR)
    record.refresh_from_db()
    assert record.state == S.DIVISION_REVIEW
    record = services.record_approve_division(record=record, actor=world.head_a, **ALL_CLEAR)
    assert record.state == S.CONFIDENTIALITY_REVIEW


def test_the_same_person_cannot_do_two_consecutive_review_steps_m12(world):
    """A division head who also sits in the disclosure office approves the division review,
    then may not do the unified confidentiality review of the same record (M.12(1)-(2))."""
    both = give(world.head_a, Role.DISCLOSURE_OFFICE, world.general_office)
    record = drive(world, new_draft(world), S.CONFIDENTIALITY_REVIEW)
    assert record.events.get(action="approve_division").actor == both
    with pytest.raises(ActionRefused, match="上一环节（处室负责人审核通过）由您本人办理"):
        services.record_approve_confidentiality(record=record, actor=both, **ALL_CLEAR)
    record = services.record_approve_confidentiality(record=record, actor=world.disclosure, **ALL_CLEAR)
    assert record.state == S.READY


def test_the_leader_does_not_sign_off_what_they_approved_in_the_review_m12_2(world):
    both = give(world.leader_a, Role.DISCLOSURE_OFFICE, world.general_office)
    record = drive(world, new_draft(world, is_important=True), S.CONFIDENTIALITY_REVIEW)
    record = services.record_approve_confidentiality(record=record, actor=both, **ALL_CLEAR)
    assert record.state == S.LEADER_SIGNOFF
    with pytest.raises(ActionRefused, match="上一环节（保密审查通过）由您本人办理，“签发”须由另一人办理"):
        services.record_sign_off(record=record, actor=both)


def test_after_a_return_the_resubmitting_drafter_still_cannot_approve_m12_1(world):
    both = give(world.drafter_a, Role.DIVISION_HEAD, world.office_a)
    record = services.record_submit(record=new_draft(world), actor=world.drafter_a)
    record = services.record_return(record=record, actor=world.head_a, comment="请补充附件")
    record = services.record_submit(record=record, actor=both)
    with pytest.raises(ActionRefused):
        services.record_approve_division(record=record, actor=both, **ALL_CLEAR)


def test_the_back_office_shows_no_button_and_refuses_with_the_reason_m12(client, world):
    give(world.drafter_a, Role.DIVISION_HEAD, world.office_a)
    record = services.record_submit(record=new_draft(world), actor=world.drafter_a)
    as_user(client, "drafter_a")
    page = client.get(reverse("admin:disclosure_record_change", args=[record.pk])).text
    url = reverse("admin:disclosure_record_transition", args=[record.pk, "approve_division"])
    assert url not in page
    refused = client.get(url)
    assert refused.status_code == 403
    assert "须由另一人办理（实施办法第十二条：起草、审核、签发分离）" in refused.text
    response = client.post(url, {"expected_state": S.DIVISION_REVIEW, "no_state_secret": "on",
                                 "no_commercial_secret": "on", "no_personal_privacy": "on"})
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.state == S.DIVISION_REVIEW

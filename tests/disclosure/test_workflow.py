"""The publish workflow of M.12 and the after-publication changes of M.14."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from disclosure import selectors, services
from disclosure.models import (
    CatalogueEntry,
    Channel,
    DisclosureAttribute,
    Record,
    RecordState,
    RegisterKind,
    ReleaseRegisterLine,
    Validity,
    WorkflowEvent,
)
from portal.errors import ActionRefused, InvalidInput, StateConflict
from portal.models import CalendarDay
from tests.conftest import ALL_CLEAR, drive, new_draft

S = RecordState


def test_m12_chain_for_ordinary_information(world, draft):
    record = drive(world, draft, S.REGISTERED)
    events = list(record.events.values_list("action", "actor__username", "from_state", "to_state"))
    assert events == [
        ("submit", "drafter_a", S.DRAFT, S.DIVISION_REVIEW),
        ("approve_division", "head_a", S.DIVISION_REVIEW, S.CONFIDENTIALITY_REVIEW),
        ("approve_confidentiality", "gkb", S.CONFIDENTIALITY_REVIEW, S.READY),
        ("publish", "publisher", S.READY, S.PUBLISHED),
        ("register", "registrar", S.PUBLISHED, S.REGISTERED),
    ]
    year = timezone.localdate().year
    assert record.index_number == f"11220000013544357T/{year}-00001"
    entry = CatalogueEntry.objects.get(record=record)
    assert (entry.index_number, entry.title, entry.is_listed) == (record.index_number, record.title, True)
    line = ReleaseRegisterLine.objects.get(record=record)
    assert (line.number, line.kind, line.index_number) == (1, RegisterKind.RELEASE, record.index_number)


def test_important_information_needs_the_supervising_leaders_signature_m12_2(world):
    record = drive(world, new_draft(world, is_important=True), S.CONFIDENTIALITY_REVIEW)
    record = services.record_approve_confidentiality(record=record, actor=world.disclosure, checklist=ALL_CLEAR)
    assert record.state == S.LEADER_SIGNOFF
    with pytest.raises(ActionRefused):
        services.record_sign_off(record=record, actor=world.leader_b)  # supervises another office
    with pytest.raises(StateConflict):
        services.record_publish(record=record, actor=world.publisher, channels=[Channel.COLUMN])  # cannot skip
    record = services.record_sign_off(record=record, actor=world.leader_a, comment="同意")
    assert record.state == S.READY


def test_important_information_without_a_supervising_leader_is_not_sent_to_nobody(world):
    world.office_a.supervising_leaders.clear()
    record = drive(world, new_draft(world, is_important=True), S.CONFIDENTIALITY_REVIEW)
    with pytest.raises(InvalidInput, match="主管厅领导"):
        services.record_approve_confidentiality(record=record, actor=world.disclosure, checklist=ALL_CLEAR)
    record.refresh_from_db()
    assert record.state == S.CONFIDENTIALITY_REVIEW


def test_ordinary_information_skips_the_leader(world, draft):
    record = drive(world, draft, S.READY)
    assert not record.events.filter(to_state=S.LEADER_SIGNOFF).exists()


@pytest.mark.parametrize("state", [S.DIVISION_REVIEW, S.CONFIDENTIALITY_REVIEW, S.READY])
def test_return_needs_a_comment_and_goes_back_to_the_drafter(world, draft, state, django_capture_on_commit_callbacks):
    record = drive(world, draft, state)
    reviewer = {S.DIVISION_REVIEW: world.head_a, S.CONFIDENTIALITY_REVIEW: world.disclosure,
                S.READY: world.publisher}[state]
    with pytest.raises(InvalidInput, match="修改意见"):
        services.record_return(record=record, actor=reviewer, comment="  ")
    record.refresh_from_db()
    assert record.state == state
    with django_capture_on_commit_callbacks(execute=True):
        record = services.record_return(record=record, actor=reviewer, comment="请补充文号")
    assert record.state == S.DRAFT
    assert record.events.last().comment == "请补充文号"
    assert any("drafter_a@example.invalid" in m.to for m in mail.outbox)


def test_each_step_notifies_the_next_person_after_commit(world, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.record_submit(record=draft, actor=world.drafter_a)
    assert [m.to for m in mail.outbox] == [["head_a@example.invalid"]]
    assert draft.title in mail.outbox[0].subject


def test_withhold_needs_a_legal_ground_m6(world, draft):
    record = drive(world, draft, S.CONFIDENTIALITY_REVIEW)
    with pytest.raises(InvalidInput, match="依据"):
        services.record_withhold(record=record, actor=world.disclosure, ground="")
    record = services.record_withhold(record=record, actor=world.disclosure, ground="state_secret", comment="涉密")
    assert (record.state, record.attribute, record.withholding_ground) == (
        S.WITHHELD, DisclosureAttribute.NOT_DISCLOSED, "state_secret")
    with pytest.raises(StateConflict):
        services.record_publish(record=record, actor=world.publisher, channels=[Channel.COLUMN])


def test_confidentiality_check_must_be_confirmed_or_the_withheld_parts_named_m6(world, draft):
    record = drive(world, draft, S.DIVISION_REVIEW)
    with pytest.raises(InvalidInput):
        services.confidentiality_checklist(no_state_secret=True, no_commercial_secret=False, no_personal_privacy=True)
    partial = services.confidentiality_checklist(
        no_state_secret=True, no_commercial_secret=False, no_personal_privacy=True,
        redacted_parts="附件2中企业报价已删去", redaction_grounds=["commercial_secret"],
    )
    record = services.record_approve_division(record=record, actor=world.head_a, checklist=partial)
    assert record.redacted_parts == "附件2中企业报价已删去"
    assert record.redaction_grounds == ["commercial_secret"]
    assert record.events.last().checklist["no_commercial_secret"] is False


def test_index_numbers_are_sequential_and_never_reused(world):
    first = drive(world, new_draft(world, title="甲"), S.PUBLISHED)
    services.record_revoke(record=first, actor=world.disclosure, reason="发布有误")
    second = drive(world, new_draft(world, title="乙"), S.PUBLISHED)
    assert first.index_number.endswith("-00001")
    assert second.index_number.endswith("-00002")


def test_index_number_format_is_configurable(world, draft):
    from portal.models import SiteProfile

    profile = SiteProfile.objects.get()
    profile.index_number_format = "JLGXT-{year}-{seq:04d}"
    profile.save()
    record = drive(world, draft, S.PUBLISHED)
    assert record.index_number == f"JLGXT-{timezone.localdate().year}-0001"


def test_amendment_runs_the_whole_chain_and_the_old_version_stays_public_until_replaced_m14(world, draft):
    v1 = drive(world, draft, S.REGISTERED)
    v2 = services.record_amend(record=v1, actor=world.drafter_a, comment="更正附件")
    assert (v2.state, v2.version_number, v2.previous_version_id, v2.index_number) == (S.DRAFT, 2, v1.pk, None)
    with pytest.raises(StateConflict, match="新版本"):
        services.record_amend(record=v1, actor=world.drafter_a)
    v2 = drive(world, v2, S.READY)
    assert selectors.records_published().filter(pk=v1.pk).exists()
    assert selectors.catalogue_listed().filter(record=v1).exists()

    v2 = drive(world, v2, S.REGISTERED)
    v1.refresh_from_db()
    assert v1.superseded_by_id == v2.pk
    assert v2.index_number != v1.index_number
    assert list(selectors.catalogue_listed().values_list("record_id", flat=True)) == [v2.pk]
    assert ReleaseRegisterLine.objects.get(record=v2).kind == RegisterKind.AMENDMENT
    assert selectors.current_version(v1) == v2
    assert [r.pk for r in selectors.record_versions(v2)] == [v1.pk, v2.pk]
    with pytest.raises(StateConflict, match="已被新版本替代"):
        services.record_amend(record=v1, actor=world.drafter_a)


def test_a_scheduled_new_version_replaces_the_old_one_only_when_it_takes_effect(world, draft):
    v1 = drive(world, draft, S.REGISTERED)
    v2 = drive(world, services.record_amend(record=v1, actor=world.drafter_a), S.READY)
    later = timezone.now() + dt.timedelta(days=1)
    services.record_publish(record=v2, actor=world.publisher, channels=[Channel.COLUMN], at=later)
    assert list(selectors.catalogue_listed().values_list("record_id", flat=True)) == [v1.pk]
    assert selectors.current_version(v1) == v1
    with time_machine.travel(later + dt.timedelta(seconds=1)):
        assert list(selectors.catalogue_listed().values_list("record_id", flat=True)) == [v2.pk]
        v1.refresh_from_db()
        assert selectors.current_version(v1).pk == v2.pk


def test_catalogue_entries_agree_with_record_states(world):
    """The invariant that lets the catalogue read entries without joining records."""
    for state in (S.DRAFT, S.READY, S.WITHHELD, S.PUBLISHED, S.REGISTERED, S.REVOKED):
        drive(world, new_draft(world, title=state), state)
    v1 = drive(world, new_draft(world, title="v1"), S.REGISTERED)
    drive(world, services.record_amend(record=v1, actor=world.drafter_a), S.PUBLISHED)
    listed = set(selectors.catalogue_listed().values_list("record_id", flat=True))
    public_current = set(selectors.records_published().filter(superseded_by__isnull=True).values_list("pk", flat=True))
    assert listed == public_current


def test_withheld_amendment_allows_a_new_one(world, draft):
    v1 = drive(world, draft, S.REGISTERED)
    v2 = services.record_amend(record=v1, actor=world.drafter_a)
    drive(world, v2, S.WITHHELD)
    v3 = services.record_amend(record=v1, actor=world.drafter_a)
    assert v3.version_number == 2


def test_revoke_takes_it_out_of_the_catalogue_keeps_the_page_and_registers_it_m14(world, draft):
    record = drive(world, draft, S.REGISTERED)
    with pytest.raises(InvalidInput):
        services.record_revoke(record=record, actor=world.disclosure, reason="")
    with pytest.raises(ActionRefused):
        services.record_revoke(record=record, actor=world.drafter_a, reason="想撤")
    record = services.record_revoke(record=record, actor=world.disclosure, reason="内容有误")
    assert record.state == S.REVOKED
    assert not selectors.catalogue_listed().filter(record=record).exists()
    assert selectors.records_public_pages().filter(pk=record.pk).exists()
    assert list(record.register_lines.order_by("number").values_list("kind", flat=True)) == [RegisterKind.RELEASE, RegisterKind.REVOCATION]


def test_repeal_and_expiry_change_validity_and_are_registered(world):
    repealed = services.record_repeal(record=drive(world, new_draft(world, title="甲"), S.REGISTERED),
                                      actor=world.disclosure, reason="被新文件替代")
    expired = services.record_expire(record=drive(world, new_draft(world, title="乙"), S.PUBLISHED),
                                     actor=world.disclosure, reason="有效期届满")
    assert (repealed.validity, expired.validity) == (Validity.REPEALED, Validity.EXPIRED)
    assert CatalogueEntry.objects.get(record=repealed).validity == Validity.REPEALED
    assert selectors.catalogue_listed().count() == 2  # still public, marked
    with pytest.raises(StateConflict):
        services.record_expire(record=repealed, actor=world.disclosure, reason="再次")
    kinds = set(ReleaseRegisterLine.objects.values_list("kind", flat=True))
    assert {RegisterKind.REPEAL, RegisterKind.EXPIRY} <= kinds


def test_register_numbers_run_without_gaps(world):
    for title in ("甲", "乙", "丙"):
        drive(world, new_draft(world, title=title), S.REGISTERED)
    assert sorted(ReleaseRegisterLine.objects.values_list("number", flat=True)) == [1, 2, 3]


def test_scheduled_publication_is_invisible_until_its_time(world, draft):
    record = drive(world, draft, S.READY)
    later = timezone.now() + dt.timedelta(days=2)
    record = services.record_publish(record=record, actor=world.publisher, channels=[Channel.WEBSITE], at=later)
    assert record.index_number
    assert not selectors.records_published().filter(pk=record.pk).exists()
    with pytest.raises(StateConflict, match="定时发布"):
        services.record_register(record=record, actor=world.registrar)
    with time_machine.travel(later + dt.timedelta(minutes=1)):
        assert selectors.records_published().filter(pk=record.pk).exists()


def test_publish_needs_a_channel_m9(world, draft):
    record = drive(world, draft, S.READY)
    with pytest.raises(InvalidInput, match="渠道"):
        services.record_publish(record=record, actor=world.publisher, channels=[])


def test_due_date_is_20_working_days_after_formation_m11(world):
    record = new_draft(world, date_formed=dt.date(2026, 9, 21))
    assert record.due_date == dt.date(2026, 10, 26)
    assert not record.due_date_provisional


def test_due_dates_are_recomputed_when_the_calendar_changes(world):
    record = new_draft(world, date_formed=dt.date(2026, 12, 15))
    assert (record.due_date, record.due_date_provisional) == (dt.date(2027, 1, 12), True)
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    record.refresh_from_db()
    assert record.due_date == dt.date(2027, 1, 13)


def test_only_drafts_can_be_edited(world, draft):
    record = drive(world, draft, S.DIVISION_REVIEW)
    record.title = "偷偷修改"
    with pytest.raises(StateConflict):
        services.record_save_draft(record=record, actor=world.drafter_a)
    record.refresh_from_db()
    assert record.title != "偷偷修改"


def test_a_drafter_cannot_draft_for_another_office(world):
    with pytest.raises(ActionRefused):
        services.record_save_draft(
            record=Record(title="x", body="<p>x</p>", office=world.office_b, category=world.category,
                          date_formed=dt.date(2026, 11, 2)),
            actor=world.drafter_a,
        )
    assert not Record.objects.exists()


def test_the_drafter_cannot_set_workflow_fields(world, draft):
    draft.state = S.PUBLISHED
    draft.index_number = "forged"
    record = services.record_save_draft(record=draft, actor=world.drafter_a)
    record.refresh_from_db()
    assert (record.state, record.index_number) == (S.DRAFT, None)


def test_body_is_sanitised(world):
    record = new_draft(world, body='<p onclick="x()">正文<script>alert(1)</script><a href="javascript:x()">链</a></p>')
    assert "script" not in record.body and "onclick" not in record.body and "javascript" not in record.body
    assert "正文" in record.body


def test_empty_draft_cannot_be_submitted(world):
    record = new_draft(world, body="")
    with pytest.raises(InvalidInput, match="正文和附件"):
        services.record_submit(record=record, actor=world.drafter_a)


def test_a_stale_form_is_refused_when_someone_else_acted_first(world, draft):
    record = drive(world, draft, S.DIVISION_REVIEW)
    services.record_approve_division(record=record, actor=world.head_a, checklist=ALL_CLEAR)
    with pytest.raises(StateConflict, match="他人"):
        services.record_return(record=record, actor=world.head_a, comment="退回", expected_state=S.DIVISION_REVIEW)
    assert WorkflowEvent.objects.filter(action="return_to_draft").count() == 0


def test_workflow_events_are_append_only(world, draft):
    event = drive(world, draft, S.DIVISION_REVIEW).events.get()
    event.comment = "改写历史"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        WorkflowEvent.objects.all().delete()
    with pytest.raises(TypeError):
        WorkflowEvent.objects.update(comment="x")
    with pytest.raises(TypeError):
        ReleaseRegisterLine.objects.all().delete()


def test_the_index_number_needs_the_agency_code(world, draft):
    from portal.models import SiteProfile

    SiteProfile.objects.all().delete()
    from django.core.cache import cache

    cache.clear()
    record = drive(world, draft, S.READY)
    with pytest.raises(InvalidInput, match="统一社会信用代码"):
        services.record_publish(record=record, actor=world.publisher, channels=[Channel.COLUMN])
    record.refresh_from_db()
    assert (record.state, record.index_number) == (S.READY, None)

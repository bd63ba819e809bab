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
    record = services.record_approve_confidentiality(record=record, actor=world.disclosure, **ALL_CLEAR)
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
        services.record_approve_confidentiality(record=record, actor=world.disclosure, **ALL_CLEAR)
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
    partial = dict(
        no_state_secret=True, no_commercial_secret=False, no_personal_privacy=True,
        redacted_parts="附件2中企业报价已删去", redaction_grounds=["commercial_secret"],
    )
    record = services.record_approve_division(record=record, actor=world.head_a, **partial)
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


def test_scheduled_publication_is_invisible_until_its_time(world):
    # Formed today: the scheduled day is within the 20 working days of M.11 (no reason needed).
    record = drive(world, new_draft(world, date_formed=timezone.localdate()), S.READY)
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


@time_machine.travel(dt.datetime(2026, 12, 16, 10, 0, tzinfo=dt.UTC), tick=False)
def test_due_dates_are_recomputed_when_the_calendar_changes(world):
    """Formed 2026-12-15: due 2027-01-13 (元旦 off by law, provisional); 2027-01-04 declared a
    day off as well moves it to 2027-01-14."""
    record = new_draft(world, date_formed=dt.date(2026, 12, 15))
    assert (record.due_date, record.due_date_provisional) == (dt.date(2027, 1, 13), True)
    CalendarDay.objects.create(date=dt.date(2027, 1, 4), is_workday=False, note="调休")
    record.refresh_from_db()
    assert record.due_date == dt.date(2027, 1, 14)


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
    services.record_approve_division(record=record, actor=world.head_a, **ALL_CLEAR)
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


# --- A revocation covers the whole information (M.14) ---------------------------------------


def _amended(world, v1, **changes):
    v2 = services.record_amend(record=v1, actor=world.drafter_a, comment="更正")
    for field, value in changes.items():
        setattr(v2, field, value)
    if changes:
        services.record_save_draft(record=v2, actor=world.drafter_a)
    return v2


def test_revoking_the_current_version_revokes_the_versions_it_replaced_m14(world, draft):
    from disclosure.models import SearchDocument

    v1 = drive(world, draft, S.REGISTERED)
    v2 = drive(world, _amended(world, v1, title="修订后的通知"), S.REGISTERED)
    v1_entry = CatalogueEntry.objects.get(record=v1)
    services.record_revoke(record=v2, actor=world.disclosure, reason="政策调整，整体撤销")
    v1.refresh_from_db()
    assert (v1.state, v1.status_note) == (S.REVOKED, "政策调整，整体撤销")
    assert not selectors.records_published().filter(pk__in=[v1.pk, v2.pk]).exists()
    assert selectors.records_public_pages().filter(pk=v1.pk).exists()  # its page says so
    assert not v1.shows_body
    v1_entry.refresh_from_db()
    assert not v1_entry.is_listed
    assert not SearchDocument.objects.filter(entry=v1_entry).exists()
    assert v1.events.last().action == "revoke" and "第 2 版" in v1.events.last().comment
    # One revocation, one register line.
    assert ReleaseRegisterLine.objects.filter(kind=RegisterKind.REVOCATION).count() == 1


def test_no_revoked_record_leaves_an_earlier_version_published(world):
    """The invariant `records_published()` relies on (it filters by state alone)."""
    v1 = drive(world, new_draft(world, title="v1"), S.REGISTERED)
    v2 = drive(world, _amended(world, v1), S.REGISTERED)
    v3 = drive(world, services.record_amend(record=v2, actor=world.drafter_a), S.PUBLISHED)
    services.record_revoke(record=v3, actor=world.disclosure, reason="撤销")
    assert set(Record.objects.filter(state=S.REVOKED).values_list("pk", flat=True)) == {v1.pk, v2.pk, v3.pk}
    for revoked in Record.objects.filter(state=S.REVOKED):
        older = [r for r in selectors.record_versions(revoked) if r.superseded_by_id and r.pk < revoked.pk]
        assert all(r.state == S.REVOKED for r in older)


@pytest.mark.parametrize(("action", "validity"), [("repeal", Validity.REPEALED), ("expire", Validity.EXPIRED)])
def test_repeal_and_expiry_cover_the_versions_it_replaced(world, draft, action, validity):
    v1 = drive(world, draft, S.REGISTERED)
    v2 = drive(world, _amended(world, v1), S.REGISTERED)
    getattr(services, f"record_{action}")(record=v2, actor=world.disclosure, reason="文件到期")
    v1.refresh_from_db()
    assert (v1.state, v1.validity, v1.status_note) == (S.REGISTERED, validity, "文件到期")
    assert CatalogueEntry.objects.get(record=v1).validity == validity
    assert selectors.records_published().filter(pk=v1.pk).exists()  # still public, marked


def test_an_amendment_begun_before_the_revocation_cannot_be_published_m14(world, draft):
    from disclosure import workflow

    v1 = drive(world, draft, S.REGISTERED)
    v2 = services.record_amend(record=v1, actor=world.drafter_a)
    services.record_revoke(record=v1, actor=world.disclosure, reason="内容有误")
    v2 = drive(world, v2, S.READY)
    assert workflow.TRANSITIONS["publish"] not in workflow.available(world.publisher, v2)
    with pytest.raises(StateConflict, match="上一版本已撤销"):
        services.record_publish(record=v2, actor=world.publisher, channels=[Channel.COLUMN])
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v2.state, v2.index_number, v1.superseded_by_id) == (S.READY, None, None)
    assert not selectors.records_published().filter(pk__in=[v1.pk, v2.pk]).exists()


def test_the_migration_revokes_versions_left_published_by_an_earlier_revocation(world, draft):
    import importlib

    from django.apps import apps

    v1 = drive(world, draft, S.REGISTERED)
    v2 = drive(world, _amended(world, v1), S.REGISTERED)
    services.record_revoke(record=v2, actor=world.disclosure, reason="撤销")
    # What revocations did before: only the version acted on.
    Record.objects.filter(pk=v1.pk).update(state=S.REGISTERED, status_note="")
    CatalogueEntry.objects.filter(record=v1).update(is_listed=True)
    migration = importlib.import_module("disclosure.migrations.0005_revoke_replaced_versions")
    migration.revoke_replaced_versions(apps, None)
    v1.refresh_from_db()
    assert (v1.state, v1.status_note) == (S.REVOKED, "撤销")
    assert not CatalogueEntry.objects.get(record=v1).is_listed
    assert not selectors.records_published().filter(pk=v1.pk).exists()


# --- Importance is decided by the confidentiality review (M.12(2)) ---------------------------


def test_the_disclosure_office_decides_importance_at_its_review_m12_2(world):
    ordinary = drive(world, new_draft(world, title="甲"), S.CONFIDENTIALITY_REVIEW)
    ordinary = services.record_approve_confidentiality(record=ordinary, actor=world.disclosure, **ALL_CLEAR,
                                                       is_important=True)
    assert (ordinary.state, ordinary.is_important) == (S.LEADER_SIGNOFF, True)
    event = ordinary.events.last()
    assert (event.checklist["is_important"], event.checklist["importance_proposed"]) == (True, False)

    proposed = drive(world, new_draft(world, title="乙", is_important=True), S.CONFIDENTIALITY_REVIEW)
    proposed = services.record_approve_confidentiality(record=proposed, actor=world.disclosure, **ALL_CLEAR,
                                                       is_important=False)
    assert (proposed.state, proposed.is_important) == (S.READY, False)

    confirmed = drive(world, new_draft(world, title="丙", is_important=True), S.CONFIDENTIALITY_REVIEW)
    confirmed = services.record_approve_confidentiality(record=confirmed, actor=world.disclosure, **ALL_CLEAR)
    assert confirmed.state == S.LEADER_SIGNOFF
    assert confirmed.events.last().checklist["is_important"] is True


def test_the_drafter_cannot_lower_importance_the_review_decided_m12_2(world, draft):
    record = drive(world, draft, S.CONFIDENTIALITY_REVIEW)
    record = services.record_approve_confidentiality(record=record, actor=world.disclosure, **ALL_CLEAR,
                                                     is_important=True)
    record = services.record_return(record=record, actor=world.leader_a, comment="请补充依据")
    record.is_important = False
    record.title = "改了标题"
    with pytest.raises(InvalidInput, match="重要信息"):
        services.record_save_draft(record=record, actor=world.drafter_a)
    record.refresh_from_db()
    assert (record.is_important, record.title) == (True, draft.title)
    # Through the chain again, the leader still signs.
    record = drive(world, record, S.CONFIDENTIALITY_REVIEW)
    record = services.record_approve_confidentiality(record=record, actor=world.disclosure, **ALL_CLEAR)
    assert record.state == S.LEADER_SIGNOFF


def test_before_the_review_the_drafter_may_change_their_proposal(world):
    record = new_draft(world, is_important=True)
    record.is_important = False
    assert services.record_save_draft(record=record, actor=world.drafter_a).is_important is False


# --- The confidentiality self-check is the service's (M.6, M.12(1)) -------------------------


NONE_CONFIRMED = {"no_state_secret": False, "no_commercial_secret": False, "no_personal_privacy": False}


@pytest.mark.parametrize("step", ["approve_division", "approve_confidentiality"])
@pytest.mark.parametrize("answers", [
    NONE_CONFIRMED,
    {**ALL_CLEAR, "no_commercial_secret": False},
    {**ALL_CLEAR, "no_state_secret": "on"},
    {**ALL_CLEAR, "no_personal_privacy": None},
    {**NONE_CONFIRMED, "redacted_parts": "第三段", "redaction_grounds": []},
    {**ALL_CLEAR, "redaction_grounds": ["no_such_ground"], "redacted_parts": "第三段"},
], ids=["none", "one-missing", "not-a-bool", "none-value", "ground-missing", "unknown-ground"])
def test_an_unconfirmed_check_is_refused_and_changes_nothing(world, draft, step, answers):
    state = S.DIVISION_REVIEW if step == "approve_division" else S.CONFIDENTIALITY_REVIEW
    record = drive(world, draft, state)
    actor = world.head_a if step == "approve_division" else world.disclosure
    events = WorkflowEvent.objects.count()
    with pytest.raises(InvalidInput) as refused:
        getattr(services, f"record_{step}")(record=record, actor=actor, **answers)
    assert str(refused.value)
    record.refresh_from_db()
    assert (record.state, record.redacted_parts) == (state, "")
    assert WorkflowEvent.objects.count() == events


def test_a_bare_checklist_dict_is_no_longer_accepted(world, draft):
    record = drive(world, draft, S.DIVISION_REVIEW)
    with pytest.raises(TypeError):
        services.record_approve_division(record=record, actor=world.head_a, checklist={})
    record.refresh_from_db()
    assert record.state == S.DIVISION_REVIEW


# --- Index numbers (M.12(3)) -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", [
    "{uscc}-{seq:05d}",  # no year: the sequence restarts yearly, numbers would repeat
    "{uscc}/{year}",  # no sequence
    "{{seq}}/{year}",  # a literal, not the placeholder
    "{uscc}/{yaer}-{seq}",  # KeyError
    "{uscc.nothing}/{year}-{seq}",  # AttributeError
    "{uscc}/{year}-{seq:%Y}",  # ValueError
    "{uscc}/{year}-{seq[0]}",  # TypeError
    "{uscc}/{year}-{seq}-{}",  # IndexError
    "{uscc}/{year}-{seq",  # ValueError: unbalanced
])
def test_an_index_number_format_without_year_and_sequence_or_with_bad_placeholders_is_refused(world, fmt):
    from django.core.exceptions import ValidationError

    from portal.models import SiteProfile

    profile = SiteProfile.objects.get()
    profile.index_number_format = fmt
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert "index_number_format" in refused.value.message_dict


@pytest.mark.parametrize("fmt", ["{uscc}/{year}-{seq:05d}", "JLGXT-{year}-{seq:04d}", "{year}{seq:06d}"])
def test_good_index_number_formats_pass(world, fmt):
    from portal.models import SiteProfile

    profile = SiteProfile.objects.get()
    profile.index_number_format = fmt
    profile.full_clean()


def test_the_index_number_format_is_read_fresh_at_publication(world, draft):
    from django.core.cache import cache

    from portal.models import SiteProfile

    stale = SiteProfile.objects.get()
    cache.set(SiteProfile.CACHE_KEY, stale, 300)
    SiteProfile.objects.filter(pk=1).update(index_number_format="NEW-{year}-{seq:03d}")  # cache not cleared
    record = drive(world, draft, S.PUBLISHED)
    assert record.index_number == f"NEW-{timezone.localdate().year}-001"


def test_an_index_number_already_taken_is_a_message_not_a_500(world):
    from portal.models import Sequence

    drive(world, new_draft(world, title="甲"), S.PUBLISHED)
    # The running number was reset (a restored database, a hand edit): the next one is taken.
    Sequence.objects.filter(name="index_number").update(last_value=0)
    record = drive(world, new_draft(world, title="乙"), S.READY)
    with pytest.raises(InvalidInput, match="已被使用"):
        services.record_publish(record=record, actor=world.publisher, channels=[Channel.COLUMN])
    record.refresh_from_db()
    assert (record.state, record.index_number) == (S.READY, None)
    assert not CatalogueEntry.objects.filter(record=record).exists()


def test_a_unique_violation_at_publication_becomes_a_message(world, draft, monkeypatch):
    """Even when the duplicate slips past the check (a concurrent writer), no 500."""
    other = drive(world, new_draft(world, title="甲"), S.PUBLISHED)
    record = drive(world, draft, S.READY)
    monkeypatch.setattr(services, "next_index_number", lambda *, at: other.index_number)
    monkeypatch.setattr(services, "_index_number_in_use", lambda number: False)  # the check misses it
    with pytest.raises(InvalidInput, match="已被使用"):
        services.record_publish(record=record, actor=world.publisher, channels=[Channel.COLUMN])
    monkeypatch.undo()
    record.refresh_from_db()
    assert (record.state, record.index_number) == (S.READY, None)


# --- Drafting ---------------------------------------------------------------------------------


def test_removed_script_is_reported_to_the_drafter(world, draft):
    draft.body = '<p onclick="x()">正文<script>alert(1)</script><a href="javascript:x()">链</a></p>'
    record = services.record_save_draft(record=draft, actor=world.drafter_a)
    assert "script" not in record.body
    [warning] = record.draft_warnings
    assert "<script>" in warning and "onclick" in warning and "不安全的链接" in warning


@pytest.mark.parametrize("body", [
    "<p>普通正文</p>", '<p><a href="https://www.jl.gov.cn">链接</a></p>', "<p></p>", "",
    '<table><tbody><tr><th scope="col">项目</th></tr></tbody></table>', "<p>甲<br>乙</p>",
])
def test_clean_bodies_raise_no_warning(world, draft, body):
    draft.body = body
    assert services.record_save_draft(record=draft, actor=world.drafter_a).draft_warnings == []


def test_a_new_record_starts_clean_whatever_the_caller_set(world, draft):
    published = drive(world, draft, S.PUBLISHED)
    forged = Record(
        title="伪造", body="<p>x</p>", office=world.office_a, category=world.category, date_formed=dt.date(2026, 11, 2),
        index_number="forged/2026-99999", published_at=timezone.now(), previous_version=published,
        superseded_by=published, version_number=7, state=S.PUBLISHED, validity=Validity.REPEALED,
        redacted_parts="伪造的说明", redaction_grounds=["state_secret"], withholding_ground="state_secret",
    )
    record = services.record_save_draft(record=forged, actor=world.drafter_a)
    record.refresh_from_db()
    assert (record.index_number, record.published_at, record.previous_version_id, record.superseded_by_id,
            record.version_number, record.state, record.validity) == (None, None, None, None, 1, S.DRAFT, Validity.VALID)
    assert (record.redacted_parts, record.redaction_grounds, record.withholding_ground) == ("", [], "")
    assert not selectors.records_published().filter(pk=record.pk).exists()


def test_an_amendment_keeps_the_account_of_withheld_parts_m6(world, draft):
    record = drive(world, draft, S.DIVISION_REVIEW)
    services.record_approve_division(record=record, actor=world.head_a, no_state_secret=True,
                                     no_commercial_secret=False, no_personal_privacy=True,
                                     redacted_parts="附件2中企业报价已删去", redaction_grounds=["commercial_secret"])
    v1 = drive(world, Record.objects.get(pk=record.pk), S.REGISTERED)
    v2 = services.record_amend(record=v1, actor=world.drafter_a)
    v2.refresh_from_db()
    assert (v2.redacted_parts, v2.redaction_grounds) == ("附件2中企业报价已删去", ["commercial_secret"])
    v2.title = "修订"
    v2 = services.record_save_draft(record=v2, actor=world.drafter_a)  # the drafter's save keeps them
    v2.refresh_from_db()
    assert v2.redacted_parts == "附件2中企业报价已删去"


# --- Notifications (M.14, M.17) --------------------------------------------------------------


@pytest.mark.parametrize("action", ["revoke", "repeal", "expire"])
def test_the_office_hears_of_a_revocation_repeal_or_expiry(world, draft, action, django_capture_on_commit_callbacks):
    record = drive(world, draft, S.REGISTERED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        getattr(services, f"record_{action}")(record=record, actor=world.disclosure, reason="有效期届满")
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {"drafter_a@example.invalid", "head_a@example.invalid"}
    assert record.title in mail.outbox[0].subject and "有效期届满" in mail.outbox[0].body


def test_a_revocation_tells_the_office_its_open_amendment_cannot_be_published(
        world, draft, django_capture_on_commit_callbacks):
    v1 = drive(world, draft, S.REGISTERED)
    services.record_amend(record=v1, actor=world.drafter_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_revoke(record=v1, actor=world.disclosure, reason="内容有误")
    assert "新版本不能再发布" in mail.outbox[0].body


def test_the_office_hears_of_an_amendment(world, draft, django_capture_on_commit_callbacks):
    record = drive(world, draft, S.REGISTERED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_amend(record=record, actor=world.drafter_a, comment="更正附件")
    assert [m.to for m in mail.outbox] == [["head_a@example.invalid"]]  # not the drafter who did it
    assert "变更" in mail.outbox[0].subject and "更正附件" in mail.outbox[0].body


def test_a_scheduled_publication_says_when_it_can_be_registered(world, django_capture_on_commit_callbacks):
    record = drive(world, new_draft(world, date_formed=timezone.localdate()), S.READY)
    later = timezone.now() + dt.timedelta(days=2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_publish(record=record, actor=world.publisher, channels=[Channel.COLUMN], at=later)
    when = f"{timezone.localtime(later):%Y-%m-%d %H:%M}"
    assert mail.outbox and all(when in m.subject and when in m.body for m in mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        drive(world, new_draft(world, title="立即发布"), S.PUBLISHED)
    assert not any("定时" in m.subject for m in mail.outbox)

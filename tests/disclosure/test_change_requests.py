"""The reporting path of M.14 (issue 14, item 15): an office asks the disclosure office to change,
revoke or terminate its published information; the disclosure office grants it (carried out by
the ordinary services) or declines it with a reason; all of it in the record's events."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from disclosure import services, workflow
from disclosure.models import (
    ChangeRequest,
    ChangeRequestStatus,
    RecordState,
    RegisterKind,
    ReleaseRegisterLine,
    Validity,
)
from portal.admin_site import worklist_for
from portal.errors import ActionRefused, InvalidInput, StateConflict
from tests.conftest import as_user, drive, new_draft

S = RecordState


@pytest.fixture
def published(world):
    return drive(world, new_draft(world, title="关于公布2026年度试点企业名单的通知"), S.REGISTERED)


def actions(record) -> list[str]:
    return list(record.events.order_by("at", "pk").values_list("action", flat=True))


def test_an_office_asks_the_disclosure_office_to_revoke_its_published_record_m14(
        world, published, django_capture_on_commit_callbacks):
    """Before: only the disclosure office could act, on its own. Now 政策法规处's info officer
    reports the revocation with a reason; it waits on the disclosure office's work list, which
    grants it: revoked, registered, and every step in the record's events."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        change = services.record_request_change(record=published, actor=world.drafter_a, kind="revoke",
                                                reason="名单中一家企业已注销，需撤销后重新公布")
    assert change.status == ChangeRequestStatus.PENDING
    assert any("gkb@example.invalid" in m.to for m in mail.outbox)
    [item] = [i for i in worklist_for(world.disclosure) if "处室报请" in i.kind]
    assert item.title == published.title and "名单中一家企业已注销" in item.note
    assert item.url == reverse("admin:disclosure_record_transition", args=[published.pk, "handle_change_request"])
    assert not [i for i in worklist_for(world.drafter_a) if "处室报请" in i.kind]

    record = services.change_request_decide(record=published, actor=world.disclosure, accept=True, note="同意撤销")
    assert record.state == S.REVOKED
    change.refresh_from_db()
    assert (change.status, change.decided_by, change.decision_note) == (ChangeRequestStatus.ACCEPTED,
                                                                         world.disclosure, "同意撤销")
    assert actions(record)[-3:] == ["request_change", "accept_change_request", "revoke"]
    assert "名单中一家企业已注销" in record.status_note
    assert ReleaseRegisterLine.objects.filter(record=record, kind=RegisterKind.REVOCATION).exists()
    assert not [i for i in worklist_for(world.disclosure) if "处室报请" in i.kind]


def test_a_granted_change_starts_a_new_version_drafted_by_the_office_m14(world, published):
    services.record_request_change(record=published, actor=world.drafter_a, kind="amend", reason="附件名单有误")
    draft = services.change_request_decide(record=published, actor=world.disclosure, accept=True)
    assert (draft.state, draft.previous_version, draft.created_by, draft.version_number) == (
        S.DRAFT, published, world.drafter_a, 2)
    assert ChangeRequest.objects.get(record=published).new_version == draft
    assert actions(published)[-3:] == ["request_change", "accept_change_request", "amend"]
    assert draft.events.get(action="create_version").checklist["kind"] == "amend"


def test_terminating_marks_the_record_repealed_m14(world, published):
    services.record_request_change(record=published, actor=world.head_a, kind="repeal", reason="上位文件已废止")
    record = services.change_request_decide(record=published, actor=world.disclosure, accept=True)
    assert (record.state, record.validity) == (S.REGISTERED, Validity.REPEALED)


def test_declining_needs_a_reason_and_is_told_to_the_office_m14(world, published, django_capture_on_commit_callbacks):
    services.record_request_change(record=published, actor=world.drafter_a, kind="expire", reason="政策期限已满")
    with pytest.raises(InvalidInput, match="须写明理由"):
        services.change_request_decide(record=published, actor=world.disclosure, accept=False, note="  ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        record = services.change_request_decide(record=published, actor=world.disclosure, accept=False,
                                                note="该政策延续执行至2027年底")
    assert (record.state, record.validity) == (S.REGISTERED, Validity.VALID)
    change = ChangeRequest.objects.get(record=published)
    assert (change.status, change.decision_note) == (ChangeRequestStatus.DECLINED, "该政策延续执行至2027年底")
    assert actions(record)[-2:] == ["request_change", "decline_change_request"]
    assert any("drafter_a@example.invalid" in m.to and "该政策延续执行至2027年底" in m.body for m in mail.outbox)
    # The office may report again.
    services.record_request_change(record=published, actor=world.drafter_a, kind="expire", reason="补充说明")


def test_who_may_request_and_who_may_decide_m14(world, published):
    with pytest.raises(InvalidInput, match="报请的理由"):
        services.record_request_change(record=published, actor=world.drafter_a, kind="revoke", reason=" ")
    for outsider in (world.drafter_b, world.head_b, world.disclosure, world.publisher):
        with pytest.raises(ActionRefused):
            services.record_request_change(record=published, actor=outsider, kind="revoke", reason="x")
    services.record_request_change(record=published, actor=world.drafter_a, kind="revoke", reason="有误")
    with pytest.raises(StateConflict, match="已有待处理的报请"):
        services.record_request_change(record=published, actor=world.head_a, kind="repeal", reason="另一理由")
    for outsider in (world.drafter_a, world.head_a, world.publisher, world.leader_a):
        with pytest.raises(ActionRefused):
            services.change_request_decide(record=published, actor=outsider, accept=True)
    draft = drive(world, new_draft(world, title="草稿"), S.DRAFT)
    with pytest.raises(StateConflict):
        services.record_request_change(record=draft, actor=world.drafter_a, kind="revoke", reason="x")
    with pytest.raises(StateConflict, match="不能执行“处理处室报请”"):
        services.change_request_decide(record=draft, actor=world.disclosure, accept=True)
    other = drive(world, new_draft(world, title="无报请"), S.PUBLISHED)
    with pytest.raises(StateConflict, match="没有待处理的处室报请"):
        services.change_request_decide(record=other, actor=world.disclosure, accept=True)


def test_the_whole_path_in_the_back_office_m14(client, world, published):
    as_user(client, "drafter_a")
    page = client.get(reverse("admin:disclosure_record_change", args=[published.pk])).text
    request_url = reverse("admin:disclosure_record_transition", args=[published.pk, "request_change"])
    assert request_url in page
    assert client.post(request_url, {"expected_state": published.state, "kind": "revoke"}).status_code == 200
    response = client.post(request_url, {"expected_state": published.state, "kind": "revoke",
                                         "comment": "名单有误，需撤销"})
    assert response.status_code == 302
    assert as_user(client, "drafter_b").get(request_url).status_code == 404  # another office's record

    as_user(client, "gkb")
    index = client.get(reverse("admin:index")).text
    handle_url = reverse("admin:disclosure_record_transition", args=[published.pk, "handle_change_request"])
    assert handle_url in index and "报请撤销" in index
    form = client.get(handle_url).text
    assert "处室报请：撤销。理由：名单有误，需撤销" in form
    response = client.post(handle_url, {"expected_state": published.state, "decision": "accept"})
    assert response.status_code == 302
    page = client.get(reverse("admin:disclosure_record_change", args=[published.pk])).text
    assert "处室报请（实施办法第十四条）" in page and "已同意并办理" in page
    published.refresh_from_db()
    assert published.state == S.REVOKED
    assert client.get(reverse("admin:disclosure_changerequest_changelist")).status_code == 200
    assert "handle_change_request" not in [t.name for t in workflow.available(world.disclosure, published)]

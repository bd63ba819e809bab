"""Every role, on its own office's and on another office's records, tries every transition.
Only what M.12 and M.14 allow succeeds; everything else is refused and changes nothing."""

import pytest

from disclosure import services, workflow
from disclosure.models import Record, ReleaseRegisterLine, WorkflowEvent
from portal.errors import ActionRefused, StateConflict
from tests.conftest import ALL_CLEAR, S, drive, load_world, new_draft, rows_for_the_module

CALLS = {
    "submit": lambda r, u: services.record_submit(record=r, actor=u),
    "approve_division": lambda r, u: services.record_approve_division(record=r, actor=u, **ALL_CLEAR),
    "approve_confidentiality": lambda r, u: services.record_approve_confidentiality(
        record=r, actor=u, **ALL_CLEAR),
    "sign_off": lambda r, u: services.record_sign_off(record=r, actor=u),
    "publish": lambda r, u: services.record_publish(record=r, actor=u, channels=["column"]),
    "register": lambda r, u: services.record_register(record=r, actor=u),
    "return_to_draft": lambda r, u: services.record_return(record=r, actor=u, comment="请修改"),
    "withhold": lambda r, u: services.record_withhold(record=r, actor=u, ground="process_information"),
    "amend": lambda r, u: services.record_amend(record=r, actor=u),
    "revoke": lambda r, u: services.record_revoke(record=r, actor=u, reason="原因"),
    "repeal": lambda r, u: services.record_repeal(record=r, actor=u, reason="原因"),
    "expire": lambda r, u: services.record_expire(record=r, actor=u, reason="原因"),
}

# (transition, state of an office-A record, important?, who may do it)
CASES = [
    ("submit", S.DRAFT, False, {"drafter_a"}),
    ("approve_division", S.DIVISION_REVIEW, False, {"head_a"}),
    ("approve_confidentiality", S.CONFIDENTIALITY_REVIEW, False, {"disclosure"}),
    ("sign_off", S.LEADER_SIGNOFF, True, {"leader_a"}),
    ("publish", S.READY, False, {"publisher"}),
    ("register", S.PUBLISHED, False, {"registrar", "publisher"}),
    ("return_to_draft", S.DIVISION_REVIEW, False, {"head_a"}),
    ("return_to_draft", S.CONFIDENTIALITY_REVIEW, False, {"disclosure"}),
    ("return_to_draft", S.LEADER_SIGNOFF, True, {"leader_a"}),
    ("return_to_draft", S.READY, False, {"publisher"}),
    ("withhold", S.DIVISION_REVIEW, False, {"head_a"}),
    ("withhold", S.CONFIDENTIALITY_REVIEW, False, {"disclosure"}),
    ("withhold", S.LEADER_SIGNOFF, True, {"leader_a"}),
    ("amend", S.REGISTERED, False, {"drafter_a"}),
    ("revoke", S.REGISTERED, False, {"disclosure"}),
    ("repeal", S.REGISTERED, False, {"disclosure"}),
    ("expire", S.REGISTERED, False, {"disclosure"}),
]
USERS = ["drafter_a", "head_a", "drafter_b", "head_b", "disclosure", "leader_a", "leader_b", "publisher",
         "registrar", "supervisor", "admin", "nobody"]
STAGES = sorted({(state, important) for _name, state, important, _allowed in CASES})


@pytest.fixture(scope="module")
def staged_module_rows(django_db_setup, django_db_blocker):
    """One record of each office in each state the matrices start from, driven through the real
    workflow once for the module instead of once per case (issue #17: 400 cases)."""
    with rows_for_the_module(django_db_blocker) as unblocked:
        with unblocked():
            world = load_world()
            pks = {(office, state, important): drive(world, new_draft(world, office=getattr(world, f"office_{office}"),
                                                                      is_important=important), state).pk
                   for office in ("a", "b") for state, important in STAGES}
        yield pks


@pytest.fixture
def staged(staged_module_rows):
    """`staged(office, state, important)`: that record, read afresh; what the test does to it is
    rolled back with the test's transaction."""
    def record(office: str, state: str, important: bool) -> Record:
        found = Record.objects.get(pk=staged_module_rows[(office, state, important)])
        assert (found.state, found.is_important) == (state, important)
        return found
    return record


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize(("name", "state", "important", "allowed"), CASES,
                         ids=[f"{c[0]}@{c[1]}" for c in CASES])
def test_transition_matrix(world, staged, name, state, important, allowed, username):
    record = staged("a", state, important)
    user = world.users_by_role()[username]
    events_before = WorkflowEvent.objects.count()
    register_before = ReleaseRegisterLine.objects.count()

    # The buttons the back office draws agree with what the service allows.
    offered = workflow.TRANSITIONS[name] in workflow.available(user, record)
    assert offered == (username in allowed)

    if username in allowed:
        CALLS[name](record, user)
        assert WorkflowEvent.objects.count() > events_before
    else:
        with pytest.raises(ActionRefused) as refused:
            CALLS[name](record, user)
        assert str(refused.value)  # a message a person can read
        record.refresh_from_db()
        assert record.state == state
        assert WorkflowEvent.objects.count() == events_before
        assert ReleaseRegisterLine.objects.count() == register_before


@pytest.mark.parametrize("name", [n for n in CALLS if n not in ("return_to_draft", "withhold")])
def test_no_transition_applies_from_a_state_it_does_not_start_from(world, name):
    record = drive(world, new_draft(world), S.DRAFT if name != "submit" else S.DIVISION_REVIEW)
    actors = {"submit": world.drafter_a, "amend": world.drafter_a}
    with pytest.raises(StateConflict):
        CALLS[name](record, actors.get(name, world.disclosure))
    record.refresh_from_db()
    assert record.state in (S.DRAFT, S.DIVISION_REVIEW)


# --- The same matrix through the back office's URLs -----------------------------------------

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.urls import reverse  # noqa: E402

from disclosure.models import Attachment  # noqa: E402

CHECKS = {"no_state_secret": "on", "no_commercial_secret": "on", "no_personal_privacy": "on"}
POSTS = {
    "submit": {},
    "approve_division": CHECKS,
    "approve_confidentiality": {**CHECKS, "is_important": "no"},
    "sign_off": {},
    "publish": {"channels": ["column"]},
    "register": {},
    "return_to_draft": {"comment": "请修改"},
    "withhold": {"ground": "process_information"},
    "amend": {"comment": "更正"},
    "revoke": {"comment": "原因"},
    "repeal": {"comment": "原因"},
    "expire": {"comment": "原因"},
}
# Who sees an office's records in the back office (lists, pages, URLs): its own drafter and
# division head, the leader supervising it, and every agency-wide role (plus IT, read only).
SEES = {"a": {"drafter_a", "head_a", "leader_a"}, "b": {"drafter_b", "head_b", "leader_b"}}
AGENCY_WIDE = {"disclosure", "publisher", "registrar", "supervisor", "admin"}
TO_B = {"drafter_a": "drafter_b", "head_a": "head_b", "leader_a": "leader_b"}


def _snapshot():
    return (WorkflowEvent.objects.count(), ReleaseRegisterLine.objects.count(), Record.objects.count(),
            list(Record.objects.order_by("pk").values_list("state", "validity", "is_important")))


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize(("name", "state", "important", "allowed"), CASES,
                         ids=[f"{c[0]}@{c[1]}" for c in CASES])
def test_transition_urls_matrix(client, world, staged, name, state, important, allowed, username):
    """GET then POST each transition URL, on an office-A and an office-B record: allowed → the
    form, then the change; visible but not allowed → 403 with the reason; out of scope → 404;
    refused → nothing changes."""
    client.force_login(world.users_by_role()[username])
    for office in ("a", "b"):
        record = staged(office, state, important)
        may = allowed if office == "a" else {TO_B.get(u, u) for u in allowed}
        url = reverse("admin:disclosure_record_transition", args=[record.pk, name])
        before = _snapshot()
        page = client.get(url)
        if username in may:
            assert page.status_code == 200, office
            assert _snapshot() == before  # opening the form changes nothing
            response = client.post(url, {"expected_state": state, **POSTS[name]})
            assert response.status_code == 302, response.content.decode()[:2000]
            assert WorkflowEvent.objects.count() > before[0]
            record.refresh_from_db()
            if name == "amend":
                assert Record.objects.filter(previous_version=record, state=S.DRAFT).exists()
            else:
                assert (record.state, record.validity) != (state, "valid")
            continue
        expected = 403 if username in SEES[office] | AGENCY_WIDE else 404
        assert page.status_code == expected, office
        if expected == 403:
            assert "无权" in page.content.decode()  # the reason, in words
        response = client.post(url, {"expected_state": state, **POSTS[name]})
        assert response.status_code == expected, office
        assert _snapshot() == before


@pytest.mark.parametrize("username", USERS)
def test_draft_change_and_attachment_urls_matrix(client, world, username, tmp_path, settings):
    """Editing a draft: only the office's own info officer. Its attachment: whoever may see it."""
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.users_by_role()[username])
    for office in ("a", "b"):
        _draft_urls(client, world, username, office)


def _draft_urls(client, world, username, office):
    own = world.office_a if office == "a" else world.office_b
    drafter = world.drafter_a if office == "a" else world.drafter_b
    record = new_draft(world, office=own, title="原标题")
    attachment = services.attachment_add(record=record, actor=drafter,
                                         upload=SimpleUploadedFile("草稿附件.pdf", b"%PDF-1.4 draft"))
    sees = username in SEES[office] | AGENCY_WIDE
    change = reverse("admin:disclosure_record_change", args=[record.pk])
    download = reverse("admin:disclosure_record_attachment", args=[record.pk, attachment.pk])
    data = {"title": "改后的标题", "office": own.pk, "category": world.category.pk, "document_type": "other",
            "date_formed": "2026-11-02", "attribute": "proactive", "body": "<p>x</p>",
            "attachments-TOTAL_FORMS": "1", "attachments-INITIAL_FORMS": "1",
            "attachments-0-id": attachment.pk, "attachments-0-record": record.pk,
            "attachments-0-sort_order": "0", "attachments-0-DELETE": "on"}

    got = client.get(download)
    assert got.status_code == (200 if sees else 404), office
    if sees:
        assert b"".join(got.streaming_content) == b"%PDF-1.4 draft"
    page = client.get(change)
    if username == drafter.username:
        assert page.status_code == 200
        assert client.post(change, data).status_code == 302
        record.refresh_from_db()
        assert record.title == "改后的标题"
        assert not Attachment.objects.filter(pk=attachment.pk).exists()
        return
    assert page.status_code == (200 if sees else 404)
    if sees:
        assert 'name="title"' not in page.content.decode()  # read only: no form field to edit
    assert client.post(change, data).status_code == (403 if sees else 404)
    record.refresh_from_db()
    assert record.title == "原标题"
    assert Attachment.objects.filter(pk=attachment.pk).exists()

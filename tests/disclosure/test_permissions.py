"""Every role, on its own office's and on another office's records, tries every transition.
Only what M.12 and M.14 allow succeeds; everything else is refused and changes nothing."""

import pytest

from disclosure import services, workflow
from disclosure.models import ReleaseRegisterLine, WorkflowEvent
from portal.errors import ActionRefused, StateConflict
from tests.conftest import ALL_CLEAR, S, drive, new_draft

CALLS = {
    "submit": lambda r, u: services.record_submit(record=r, actor=u),
    "approve_division": lambda r, u: services.record_approve_division(record=r, actor=u, checklist=ALL_CLEAR),
    "approve_confidentiality": lambda r, u: services.record_approve_confidentiality(
        record=r, actor=u, checklist=ALL_CLEAR),
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


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize(("name", "state", "important", "allowed"), CASES,
                         ids=[f"{c[0]}@{c[1]}" for c in CASES])
def test_transition_matrix(world, name, state, important, allowed, username):
    record = drive(world, new_draft(world, is_important=important), state)
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

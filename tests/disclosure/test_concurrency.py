"""Two people acting at once: one wins, the other gets a clear message, nothing happens twice.
Runs on PostgreSQL, where rows are really locked (SQLite serialises whole transactions)."""

import threading
import time

import pytest
from django.db import connection

from disclosure import services
from disclosure.models import Channel, WorkflowEvent
from portal.errors import StateConflict
from tests.conftest import ALL_CLEAR, S, drive, new_draft

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    """Start the calls in threads at the same moment; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # collected for the assertions
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.fixture
def slow_events(monkeypatch):
    """Hold the row lock a little longer, so the second reviewer really waits on it."""
    original = services._event

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_event", slow)


def test_two_reviewers_approving_at_once_make_exactly_one_transition(world, slow_events):
    record = drive(world, new_draft(world), S.CONFIDENTIALITY_REVIEW)
    from portal.models import Membership, Role

    second = type(world.disclosure).objects.create_user("gkb2", "gkb2@example.invalid", "pw-for-tests-only")
    Membership.objects.create(user=second, role=Role.DISCLOSURE_OFFICE, office=world.general_office)
    second = type(second).objects.get(pk=second.pk)

    results = run_together(
        lambda: services.record_approve_confidentiality(record=record, actor=world.disclosure, **ALL_CLEAR),
        lambda: services.record_approve_confidentiality(record=record, actor=second, **ALL_CLEAR),
    )
    conflicts = [r for r in results if isinstance(r, StateConflict)]
    assert len(conflicts) == 1, results
    assert "当前处于" in str(conflicts[0])
    assert WorkflowEvent.objects.filter(record=record, action="approve_confidentiality").count() == 1
    record.refresh_from_db()
    assert record.state == S.READY


def test_two_publications_at_the_same_moment_get_different_index_numbers(world, slow_events):
    first = drive(world, new_draft(world, title="甲"), S.READY)
    second = drive(world, new_draft(world, title="乙"), S.READY)
    results = run_together(
        lambda: services.record_publish(record=first, actor=world.publisher, channels=[Channel.COLUMN]),
        lambda: services.record_publish(record=second, actor=world.publisher, channels=[Channel.COLUMN]),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.index_number != second.index_number
    assert {first.index_number[-5:], second.index_number[-5:]} == {"00001", "00002"}

"""Existing data under the corrected clock (issue #14): an application paused after its limit had
run out keeps its history, and the migration recomputes its due date so that the late reply is
counted as late everywhere (tracking page, work lists, dashboard, annual report)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def _around_the_recompute(executor) -> tuple[tuple[str, str], tuple[str, str]]:
    """(the migration before the schema change of issue #14, the recompute migration), found by
    name so that renumbering at merge time does not break the test."""
    nodes = [key for key in executor.loader.graph.nodes if key[0] == "applications"]
    recompute = next(key for key in nodes if key[1].endswith("recompute_clocks_late_pauses"))
    schema = next(key for key in nodes if key[1].endswith("statutory_procedures"))
    before = next(parent for parent in executor.loader.graph.node_map[schema].parents if parent.key[0] == "applications")
    return before.key, recompute


@pytest.mark.django_db(transaction=True)
def test_the_migration_recomputes_a_due_date_moved_by_a_late_fee_notice_r42_109_art6():
    """Received 2026-10-12 (due 11-09). Stored before the fix: a fee notice of 11-16, paid 11-30,
    had moved the due date to 11-23 and the reply of 11-20 counted as on time. After the
    migration: due 11-09 again (the reply is late), the events unchanged."""
    executor = MigrationExecutor(connection)
    before, recompute = _around_the_recompute(executor)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps
    Application = old.get_model("applications", "DisclosureApplication")
    Event = old.get_model("applications", "ApplicationEvent")
    application = Application.objects.create(
        tracking_code="SQ2026-000901", secret_digest="x", channel="in_person", status="closed",
        applicant_type="natural_person", applicant_name="张三", identity_document="resident_id",
        identity_number="11010519491231002X", phone="13912345678", information_title="名单", description="名单",
        received_on=dt.date(2026, 10, 12), due_date=dt.date(2026, 11, 23), replied_on=dt.date(2026, 11, 20),
        outcome="disclosed")
    for kind, on in (("received", dt.date(2026, 10, 12)), ("fee_notice", dt.date(2026, 11, 16)),
                     ("fee_paid", dt.date(2026, 11, 30)), ("replied", dt.date(2026, 12, 1))):
        Event.objects.create(application=application, kind=kind, on=on, data={"pay_by": "2026-12-14"})

    executor = MigrationExecutor(connection)
    executor.migrate([recompute])
    new = executor.loader.project_state([recompute]).apps
    migrated = new.get_model("applications", "DisclosureApplication").objects.get(pk=application.pk)
    assert (migrated.due_date, migrated.clock_paused) == (dt.date(2026, 11, 9), False)
    assert migrated.replied_on > migrated.due_date
    assert new.get_model("applications", "ApplicationEvent").objects.filter(application_id=application.pk).count() == 4
    # Back to the latest state for the tests that follow.
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

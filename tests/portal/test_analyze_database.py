"""The daily `analyze_database` (deploy/portal-daily.service): the query planner gets statistics
on SQLite, which gathers none by itself, and on PostgreSQL between autovacuum runs (issue #22)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from tests.conftest import new_draft


def _statistics_rows(table: str) -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is None:
                return 0
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        else:
            cursor.execute("SELECT COUNT(*) FROM pg_stats WHERE tablename = %s", [table])
        return cursor.fetchone()[0]


def test_the_daily_run_gives_the_planner_statistics_of_the_records_indexes(world):
    for i in range(3):
        new_draft(world, title=f"统计信息{i}")
    if connection.vendor == "sqlite" and _statistics_rows("disclosure_record"):
        with connection.cursor() as cursor:  # as a new installation: no statistics yet
            cursor.execute("DELETE FROM sqlite_stat1")
    before = _statistics_rows("disclosure_record")

    out = StringIO()
    call_command("analyze_database", stdout=out)

    assert "statistics refreshed" in out.getvalue()
    assert _statistics_rows("disclosure_record") > before


def _pages_marked_all_visible(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relallvisible FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def test_on_postgresql_the_daily_run_marks_the_new_rows_pages_for_index_only_scans(transactional_db, world):
    """ANALYZE alone leaves the visibility map as it is, and an index-only scan over the newest rows
    (the search's windows, the public counts) then reads every row from the table."""
    if connection.vendor != "postgresql":
        pytest.skip("the visibility map is PostgreSQL's")
    for i in range(3):
        new_draft(world, title=f"可见性{i}")

    call_command("analyze_database", stdout=StringIO())

    assert _pages_marked_all_visible("disclosure_record") > 0

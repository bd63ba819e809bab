"""The search index's last migrations go back and forth (issue #22): 0027 (SQLite's head index with
pairs) and 0028 (PostgreSQL's windows through the GIN indexes) restore the layout before them, and
what was published is found again, by title, 文号 and body, once they are applied again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from disclosure import selectors
from tests.conftest import S, drive, new_draft

BEFORE = ("disclosure", "0026_search_rows_go_with_their_entry")


def _layout() -> set[str]:
    """What tells the layouts apart: SQLite's head index columns, PostgreSQL's search indexes."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM pragma_table_info('disclosure_search_head_fts')")
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'disclosure_searchdocument'")
        return {row[0] for row in cursor.fetchall()}


def _found(query: str) -> list[str]:
    return [entry.title for entry in selectors.search_entries(query)[:10]]


@pytest.mark.django_db(transaction=True)
def test_the_search_migrations_go_back_and_forth_and_what_is_published_is_found_again(world):
    drive(world, new_draft(world, title="数字化转型实施方案", document_number="吉工信规〔2026〕7号",
                           body="<p>推进工业互联网平台建设。</p>"), S.PUBLISHED)
    latest = _layout()
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    before = _layout()
    if connection.vendor == "sqlite":
        assert "pairs" in latest and "pairs" not in before
    else:
        assert {"disclosure_search_gin_window", "disclosure_search_hint_gin_newest"} <= latest
        assert "disclosure_search_sort" not in latest
        assert {"disclosure_search_sort", "disclosure_search_gin_newest", "disclosure_search_hint_gin"} <= before
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert _layout() == latest
    for query in ("数字化转型", "吉工信规〔2026〕7号", "工业互联网平台", "实施 建设", "转"):
        assert _found(query) == ["数字化转型实施方案"], query
    assert _found("工业平台互联网") == []

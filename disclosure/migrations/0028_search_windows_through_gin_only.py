"""Issue #22, PostgreSQL only: a window of the newest documents (search._newest_in_windows) is read
through the GIN indexes alone.

- The full-text index holds the sort key as the expression `sort_key + 0`, which no other index
  holds, and the full-text query bounds its window on that expression (search.FULL_TEXT_KEY): given
  a plain `sort_key` bound, the planner took another index's sort key column to find the window's
  documents and tested each one's tsvector.
- The hint index (the heads' pairs, which the head query asks first) holds the sort key too, as
  the full-text and head indexes have since migration 0023: without it the planner read every head
  holding a query's pairs, 713 for “实施方案 无线电”, in each window, then dropped those outside it.
- The b-tree on the sort key goes. For a small window the planner walked it and tested each
  document's tsvector as a filter, a TOASTed value read for every document of the window (400 of
  them: 3.5 ms; 2,000: 18 ms), where the GIN index answers the same window in under 1 ms: the
  planner does not count reading a TOASTed value. The windows' bounds are read off the catalogue
  entries' index in publication order instead (search._window_bounds).

Where btree_gin is missing (migration 0023 then kept the single-column indexes), nothing changes:
the windows of the heads need that b-tree, and those of the full text are a filter (exact, slower)."""

from django.db import migrations

TABLE = "disclosure_searchdocument"


def _has_btree_gin(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'btree_gin'")
        return cursor.fetchone() is not None


def through_gin(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or not _has_btree_gin(schema_editor):
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS disclosure_search_gin_window ON {TABLE} "
                          "USING GIN (vector, (sort_key + 0))")
    schema_editor.execute("DROP INDEX IF EXISTS disclosure_search_gin_newest")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS disclosure_search_hint_gin_newest ON {TABLE} "
                          "USING GIN (hint_vector, sort_key)")
    schema_editor.execute("DROP INDEX IF EXISTS disclosure_search_hint_gin")
    schema_editor.execute("DROP INDEX IF EXISTS disclosure_search_sort")
    schema_editor.execute(f"ANALYZE {TABLE}")


def through_btree(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or not _has_btree_gin(schema_editor):
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS disclosure_search_sort ON {TABLE} (sort_key)")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS disclosure_search_hint_gin ON {TABLE} USING GIN (hint_vector)")
    schema_editor.execute("DROP INDEX IF EXISTS disclosure_search_hint_gin_newest")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS disclosure_search_gin_newest ON {TABLE} USING GIN (vector, sort_key)")
    schema_editor.execute("DROP INDEX IF EXISTS disclosure_search_gin_window")


class Migration(migrations.Migration):

    dependencies = [
        ("disclosure", "0027_search_head_pairs"),
    ]

    operations = [
        migrations.RunPython(through_gin, through_btree),
    ]

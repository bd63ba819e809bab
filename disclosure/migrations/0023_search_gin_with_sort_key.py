"""Issue #22: on PostgreSQL the search's full-text and head indexes also hold the sort key (the
btree_gin extension), so that a window of the newest documents (search._newest_in_windows) is a
condition of the GIN scan itself. With a GIN index on the vector alone, the planner, which guesses a
phrase rare, read every document holding the query's terms from the table, with its tsvector, and
only then dropped those outside the window: 4,429 rows for a phrase whose 161 matches in the window
were wanted.

btree_gin ships with PostgreSQL and is a trusted extension (PostgreSQL 13+): the database's owner may
create it. Where that is refused, the single-column indexes stay and the search is only slower."""

import logging

from django.db import DatabaseError, migrations, transaction

log = logging.getLogger(__name__)

TABLE = "disclosure_searchdocument"
INDEXES = [("disclosure_search_gin", "disclosure_search_gin_newest", "vector"),
           ("disclosure_search_head_gin", "disclosure_search_head_gin_newest", "head_vector")]


def with_sort_key(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    except DatabaseError as error:
        log.warning("btree_gin not available (%s): the search keeps its single-column indexes", error)
        return
    for old, new, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {new} ON {TABLE} USING GIN ({column}, sort_key)")
        schema_editor.execute(f"DROP INDEX IF EXISTS {old}")
    schema_editor.execute(f"ANALYZE {TABLE}")


def without_sort_key(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for old, new, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {old} ON {TABLE} USING GIN ({column})")
        schema_editor.execute(f"DROP INDEX IF EXISTS {new}")


class Migration(migrations.Migration):

    dependencies = [
        ("disclosure", "0022_record_state_published_index"),
    ]

    operations = [
        migrations.RunPython(with_sort_key, without_sort_key),
    ]

"""Hints while applying (issue #18) search titles only: on PostgreSQL each search document gets a
hint vector, the pairs and words of its head (disclosure/search.py, "Loose matching"), with its own
GIN index, and a table of each pair's number of titles kept by a trigger. On SQLite the head's FTS5
table of migration 0010 answers the same queries."""

from django.db import migrations

BATCH = 2000


def add_hint_index(apps, schema_editor):
    from disclosure.search import HINT_POSTGRES_COLUMN, HINT_POSTGRES_INDEX, HINT_POSTGRES_SETUP, pg_hint_vector

    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in HINT_POSTGRES_COLUMN:
        schema_editor.execute(statement)
    SearchDocument = apps.get_model("disclosure", "SearchDocument")
    rows = SearchDocument.objects.order_by("pk").values_list("pk", "head")
    batch = []
    with schema_editor.connection.cursor() as cursor:
        for pk, head in rows.iterator(chunk_size=BATCH):
            batch.append((pg_hint_vector(head), pk))
            if len(batch) == BATCH:
                cursor.executemany("UPDATE disclosure_searchdocument SET hint_vector = %s::tsvector "
                                   "WHERE entry_id = %s", batch)
                batch = []
        if batch:
            cursor.executemany("UPDATE disclosure_searchdocument SET hint_vector = %s::tsvector "
                               "WHERE entry_id = %s", batch)
    # After the rows: one index build and one count instead of a trigger call and an index insertion per row.
    for statement in HINT_POSTGRES_SETUP + HINT_POSTGRES_INDEX:
        schema_editor.execute(statement)


def drop_hint_index(apps, schema_editor):
    from disclosure.search import HINT_POSTGRES_TEARDOWN

    if schema_editor.connection.vendor == "postgresql":
        for statement in HINT_POSTGRES_TEARDOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("disclosure", "0013_search_misses_and_hint_counters"),
    ]

    operations = [
        migrations.RunPython(add_hint_index, drop_hint_index),
    ]

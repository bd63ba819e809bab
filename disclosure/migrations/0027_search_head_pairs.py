"""SQLite's head index gets a column of the head's pairs of neighbouring Chinese characters and the
sort key negated as its rowid (disclosure.search.HEAD_PAIRS_SQLITE_SETUP: issue #22, a two-word
search's head query 3.3 → 1.2 ms at 100,000 records). Each search document keeps its pairs
(`head_pairs`) on SQLite only: PostgreSQL never reads them, and writing them there rewrote every
document, whose GIN indexes then took every new row version (a 文号 search took seconds until a
VACUUM)."""

from django.db import migrations, models

BATCH = 2000


def _entry_triggers() -> list[str]:
    from disclosure.search import FTS_TABLE, HEAD_FTS_TABLE

    return [f"DROP TRIGGER IF EXISTS {table}_entry_bd" for table in (FTS_TABLE, HEAD_FTS_TABLE)]


def drop_entry_triggers(apps, schema_editor):
    """SQLite adds the column by rebuilding the documents' table (a copy renamed), and a rename
    fails while a trigger of another table names the one dropped: the entries' triggers that take
    a deleted entry's rows out of the indexes (migration 0026) go first, and come back after."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in _entry_triggers():
            schema_editor.execute(statement)


def fill_pairs_and_rebuild(apps, schema_editor):
    from disclosure.search import (
        HEAD_PAIRS_SQLITE_FILL,
        HEAD_PAIRS_SQLITE_SETUP,
        HEAD_SQLITE_TEARDOWN,
        SQLITE_ENTRY_DELETE,
        head_pairs,
        setup_statements,
    )

    if schema_editor.connection.vendor != "sqlite":
        return
    # The rebuilt table has no triggers: the head index's old table goes, and writing the pairs
    # re-indexes nothing.
    for statement in HEAD_SQLITE_TEARDOWN:
        schema_editor.execute(statement)
    SearchDocument = apps.get_model("disclosure", "SearchDocument")
    with schema_editor.connection.cursor() as cursor:
        batch = []
        for pk, head in SearchDocument.objects.order_by("pk").values_list("pk", "head").iterator(chunk_size=BATCH):
            if pairs := head_pairs(head):
                batch.append((pairs, pk))
            if len(batch) == BATCH:
                cursor.executemany("UPDATE disclosure_searchdocument SET head_pairs = %s WHERE entry_id = %s", batch)
                batch = []
        if batch:
            cursor.executemany("UPDATE disclosure_searchdocument SET head_pairs = %s WHERE entry_id = %s", batch)
    for statement in [*setup_statements("sqlite"), *SQLITE_ENTRY_DELETE, *HEAD_PAIRS_SQLITE_SETUP,
                      *HEAD_PAIRS_SQLITE_FILL]:
        schema_editor.execute(statement)


def drop_pairs_index(apps, schema_editor):
    from disclosure.search import HEAD_SQLITE_TEARDOWN

    if schema_editor.connection.vendor == "sqlite":
        for statement in [*HEAD_SQLITE_TEARDOWN, *_entry_triggers()]:
            schema_editor.execute(statement)


def restore_first_layout(apps, schema_editor):
    """Backwards, once the column is gone (the table rebuilt again): the text index's triggers and
    the head index as migrations 0006, 0010 and 0026 made them."""
    from disclosure.search import (
        HEAD_SQLITE_ENTRY_DELETE,
        HEAD_SQLITE_FILL,
        HEAD_SQLITE_SETUP,
        SQLITE_ENTRY_DELETE,
        setup_statements,
    )

    if schema_editor.connection.vendor == "sqlite":
        for statement in [*setup_statements("sqlite"), *SQLITE_ENTRY_DELETE, *HEAD_SQLITE_SETUP,
                          *HEAD_SQLITE_ENTRY_DELETE, *HEAD_SQLITE_FILL]:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("disclosure", "0026_search_rows_go_with_their_entry"),
    ]

    operations = [
        migrations.RunPython(drop_entry_triggers, restore_first_layout),
        migrations.AddField(
            model_name="searchdocument",
            name="head_pairs",
            field=models.TextField(default=""),
        ),
        migrations.RunPython(fill_pairs_and_rebuild, drop_pairs_index),
    ]

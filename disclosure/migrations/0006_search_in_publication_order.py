"""The search index in publication order: each document's sort key (publication second * 10^8 +
entry id, see disclosure/search.py) becomes the FTS5 rowid on SQLite and an indexed column on
PostgreSQL, so that the newest published matches are read first on both."""

from django.db import migrations

# The layout of migration 0004 on SQLite (rowid = entry id), to go back to.
OLD_FTS = "disclosure_search_fts"
OLD_SQLITE = [
    f"CREATE VIRTUAL TABLE {OLD_FTS} USING fts5(uni, bi, content='disclosure_searchdocument', "
    "content_rowid='entry_id', tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER {OLD_FTS}_ai AFTER INSERT ON disclosure_searchdocument BEGIN "
    f"INSERT INTO {OLD_FTS}(rowid, uni, bi) VALUES (new.entry_id, new.uni, new.bi); END",
    f"CREATE TRIGGER {OLD_FTS}_ad AFTER DELETE ON disclosure_searchdocument BEGIN "
    f"INSERT INTO {OLD_FTS}({OLD_FTS}, rowid, uni, bi) VALUES ('delete', old.entry_id, old.uni, old.bi); END",
    f"CREATE TRIGGER {OLD_FTS}_au AFTER UPDATE ON disclosure_searchdocument BEGIN "
    f"INSERT INTO {OLD_FTS}({OLD_FTS}, rowid, uni, bi) VALUES ('delete', old.entry_id, old.uni, old.bi); "
    f"INSERT INTO {OLD_FTS}(rowid, uni, bi) VALUES (new.entry_id, new.uni, new.bi); END",
    f"INSERT INTO {OLD_FTS}({OLD_FTS}) VALUES ('rebuild')",
]


def forwards(apps, schema_editor):
    from disclosure.search import fill_statements, setup_statements, teardown_statements

    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":  # a new table: the rowids change
        for statement in teardown_statements(vendor):
            schema_editor.execute(statement)
    for statement in [*setup_statements(vendor), *fill_statements(vendor)]:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        from disclosure.search import teardown_statements

        for statement in [*teardown_statements(vendor), *OLD_SQLITE]:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS disclosure_search_sort")
        schema_editor.execute("ALTER TABLE disclosure_searchdocument DROP COLUMN IF EXISTS sort_key")


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0005_revoke_replaced_versions")]

    operations = [migrations.RunPython(forwards, backwards)]

"""SQLite: a search document's rows in the two FTS5 tables go with its catalogue entry when the entry
is deleted first (see disclosure.search.SQLITE_ENTRY_DELETE): `manage.py flush` left them behind."""

from django.db import migrations


def create(apps, schema_editor):
    from disclosure.search import HEAD_SQLITE_ENTRY_DELETE, SQLITE_ENTRY_DELETE

    if schema_editor.connection.vendor == "sqlite":
        for statement in [*SQLITE_ENTRY_DELETE, *HEAD_SQLITE_ENTRY_DELETE]:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    from disclosure.search import FTS_TABLE, HEAD_FTS_TABLE

    if schema_editor.connection.vendor == "sqlite":
        for table in (FTS_TABLE, HEAD_FTS_TABLE):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_entry_bd")


class Migration(migrations.Migration):

    dependencies = [
        ("disclosure", "0025_search_statistics"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]

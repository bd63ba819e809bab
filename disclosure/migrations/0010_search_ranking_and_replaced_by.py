"""Search by relevance (disclosure/search.py, "Ranking"): each search document keeps its head
(title, 文号, 索引号 as tokens), indexed for phrases in its own FTS5 table on SQLite and in a
second tsvector on PostgreSQL. A repealed record names the record that replaced it (M.14)."""

import django.db.models.deletion
from django.db import migrations, models


def fill_heads(apps, schema_editor):
    from disclosure.search import (
        FTS_TABLE,
        head_fill_statements,
        head_setup_statements,
        head_text,
        setup_statements,
    )

    vendor = schema_editor.connection.vendor
    SearchDocument = apps.get_model("disclosure", "SearchDocument")
    if vendor == "sqlite":
        # Writing the heads must not re-index every document's text (its update trigger would).
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_au")
    rows = (SearchDocument.objects.order_by("pk")
            .values_list("pk", "entry__title", "entry__record__document_number", "entry__index_number"))
    batch = []
    with schema_editor.connection.cursor() as cursor:
        for pk, title, document_number, index_number in rows.iterator(chunk_size=2000):
            batch.append((head_text(title=title, document_number=document_number or "",
                                    index_number=index_number or ""), pk))
            if len(batch) == 2000:
                cursor.executemany("UPDATE disclosure_searchdocument SET head = %s WHERE entry_id = %s", batch)
                batch = []
        if batch:
            cursor.executemany("UPDATE disclosure_searchdocument SET head = %s WHERE entry_id = %s", batch)
    statements = head_setup_statements(vendor) + head_fill_statements(vendor)
    if vendor == "sqlite":
        statements = setup_statements(vendor) + statements  # the dropped trigger again
    for statement in statements:
        schema_editor.execute(statement)


def drop_head_index(apps, schema_editor):
    from disclosure.search import head_teardown_statements

    for statement in head_teardown_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure', '0009_redaction_and_personal_data_check'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalrecord',
            name='replaced_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='disclosure.record', verbose_name='替代文件'),
        ),
        migrations.AddField(
            model_name='record',
            name='replaced_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='replaces', to='disclosure.record', verbose_name='替代文件'),
        ),
        migrations.AddField(
            model_name='searchdocument',
            name='head',
            field=models.TextField(default=''),
        ),
        migrations.RunPython(fill_heads, drop_head_index),
    ]

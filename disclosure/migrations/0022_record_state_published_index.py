# Issue #22: the totals of what is public (selectors.records_published(): the state and the
# publication time reached) counted from an index holding both columns, without reading a row.

from django.db import migrations, models


def analyze_on_sqlite(apps, schema_editor):
    """SQLite plans from the statistics ANALYZE gathered (see 0017)."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE disclosure_record")


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure', '0021_record_created_order_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='record',
            index=models.Index(fields=['state', 'published_at'], name='record_state_published'),
        ),
        migrations.RunPython(analyze_on_sqlite, migrations.RunPython.noop),
    ]

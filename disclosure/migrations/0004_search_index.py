from django.db import migrations


def create_index(apps, schema_editor):
    from disclosure.search import setup_statements

    for statement in setup_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    from disclosure.search import teardown_statements

    for statement in teardown_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0003_search_and_listing")]

    operations = [migrations.RunPython(create_index, drop_index)]

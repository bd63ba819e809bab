from django.db import migrations


def forwards(apps, schema_editor):
    from disclosure.catalogue_seed import seed_categories

    seed_categories(apps.get_model("disclosure", "CatalogueCategory"))


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

from django.db import migrations


def forwards(apps, schema_editor):
    """R.20 for agencies already running: its categories (under M.5(8)) and its fifteen items,
    mapped to the catalogue. Existing categories and records are left as they are."""
    from disclosure.catalogue_seed import seed_categories, seed_statutory_items

    CatalogueCategory = apps.get_model("disclosure", "CatalogueCategory")
    seed_categories(CatalogueCategory)
    seed_statutory_items(CatalogueCategory, apps.get_model("disclosure", "StatutoryItem"))


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0007_record_periods_review_papers_change_requests_statutory_items")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

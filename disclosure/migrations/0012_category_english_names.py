"""English names of the catalogue's categories (shown on the English pages; the Chinese when
empty): the seeded ones get theirs where the agency has not renamed them."""

from django.db import migrations, models


def english_names(apps, schema_editor):
    from disclosure.catalogue_seed import seed_english_names

    seed_english_names(apps.get_model("disclosure", "CatalogueCategory"))


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure', '0011_attachment_title'),
    ]

    operations = [
        migrations.AddField(
            model_name='cataloguecategory',
            name='description_en',
            field=models.TextField(blank=True, help_text='英文版页面显示；留空则显示中文。', verbose_name='英文说明'),
        ),
        migrations.AddField(
            model_name='cataloguecategory',
            name='name_en',
            field=models.CharField(blank=True, help_text='英文版页面显示；留空则显示中文。', max_length=200, verbose_name='英文名称'),
        ),
        migrations.AddField(
            model_name='historicalcataloguecategory',
            name='description_en',
            field=models.TextField(blank=True, help_text='英文版页面显示；留空则显示中文。', verbose_name='英文说明'),
        ),
        migrations.AddField(
            model_name='historicalcataloguecategory',
            name='name_en',
            field=models.CharField(blank=True, help_text='英文版页面显示；留空则显示中文。', max_length=200, verbose_name='英文名称'),
        ),
        migrations.RunPython(english_names, migrations.RunPython.noop),
    ]

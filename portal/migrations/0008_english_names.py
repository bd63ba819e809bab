"""English names of the agency and its offices, and its office hours in English, for the
English pages (the Chinese is shown where they are empty)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0007_site_identity'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicaloffice',
            name='name_en',
            field=models.CharField(blank=True, help_text='英文版页面显示；留空则显示中文。', max_length=150, verbose_name='英文名称'),
        ),
        migrations.AddField(
            model_name='historicalsiteprofile',
            name='name_en',
            field=models.CharField(blank=True, help_text='英文版页面显示；留空则显示中文。', max_length=200, verbose_name='英文名称'),
        ),
        migrations.AddField(
            model_name='historicalsiteprofile',
            name='office_hours_en',
            field=models.CharField(blank=True, help_text='英文版页面显示；留空则显示中文。', max_length=200, verbose_name='办公时间（英文）'),
        ),
        migrations.AddField(
            model_name='office',
            name='name_en',
            field=models.CharField(blank=True, help_text='英文版页面显示；留空则显示中文。', max_length=150, verbose_name='英文名称'),
        ),
        migrations.AddField(
            model_name='siteprofile',
            name='name_en',
            field=models.CharField(blank=True, help_text='英文版页面显示；留空则显示中文。', max_length=200, verbose_name='英文名称'),
        ),
        migrations.AddField(
            model_name='siteprofile',
            name='office_hours_en',
            field=models.CharField(blank=True, help_text='英文版页面显示；留空则显示中文。', max_length=200, verbose_name='办公时间（英文）'),
        ),
    ]

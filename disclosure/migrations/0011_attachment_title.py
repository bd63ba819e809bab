"""Attachments have a title (附件1：标题 on the public page); existing ones take their file name
without its extension, as new uploads do when no title is given."""

from pathlib import PurePosixPath

from django.db import migrations, models


def titles_from_file_names(apps, schema_editor):
    Attachment = apps.get_model("disclosure", "Attachment")
    for attachment in Attachment.objects.filter(title="").only("pk", "original_name").iterator():
        title = PurePosixPath(attachment.original_name).stem or attachment.original_name
        Attachment.objects.filter(pk=attachment.pk).update(title=title[:200])


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure', '0010_search_ranking_and_replaced_by'),
    ]

    operations = [
        migrations.AddField(
            model_name='attachment',
            name='title',
            field=models.CharField(blank=True, help_text='公开页面显示为“附件1：标题”；留空则取文件名（不含扩展名）。', max_length=200, verbose_name='附件标题'),
        ),
        migrations.AddField(
            model_name='historicalattachment',
            name='title',
            field=models.CharField(blank=True, help_text='公开页面显示为“附件1：标题”；留空则取文件名（不含扩展名）。', max_length=200, verbose_name='附件标题'),
        ),
        migrations.RunPython(titles_from_file_names, migrations.RunPython.noop),
    ]

"""The FAQ shows `public_subject` alone. Consultations published before it existed get one from
their public question (edited by the disclosure office when publishing), never from the asker's
own subject, which may name them."""

from django.db import migrations

SUBJECT_MAX = 100


def subject_from_public_question(apps, schema_editor):
    Consultation = apps.get_model("complaints", "Consultation")
    for item in Consultation.objects.filter(published_at__isnull=False, public_subject=""):
        first_line = next((line.strip() for line in item.public_question.splitlines() if line.strip()), "")
        subject = first_line if len(first_line) <= SUBJECT_MAX else first_line[: SUBJECT_MAX - 1] + "…"
        Consultation.objects.filter(pk=item.pk).update(public_subject=subject)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_audit_fixes")]

    operations = [migrations.RunPython(subject_from_public_question, migrations.RunPython.noop)]

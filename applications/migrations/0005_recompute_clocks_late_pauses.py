"""Issue #14: replay every application's clock under the corrected rules.

- A fee notice, a consultation or an extension recorded after the time limit had run out no
  longer moves the due date (R.32, R.33, R.42 with 国办函〔2020〕109号第六条); its events stay on
  file and its clock line says it was not counted.
- A second extension (allowed before after a 补正 restart) no longer counts (R.33(2)).
- Late supplements already let through keep their effect (their line says so).

The stored due date, pause flag and extension flag change where the replay differs, so the
tracking page, the work lists, the reminders and the assessment dashboard count those replies as
late at once; an annual report counts them when its figures are next generated (a published
report stays as it was published).
"""

from django.db import migrations

FIELDS = ("due_date", "due_date_provisional", "clock_paused", "extended")


def recompute(apps, schema_editor):
    from applications import clock

    Application = apps.get_model("applications", "DisclosureApplication")
    Event = apps.get_model("applications", "ApplicationEvent")
    for application in Application.objects.all().iterator():
        result = clock.compute(Event.objects.filter(application_id=application.pk).order_by("on", "at", "pk"))
        after = (result.due, result.provisional, result.paused, result.extended)
        if after != tuple(getattr(application, name) for name in FIELDS):
            Application.objects.filter(pk=application.pk).update(**dict(zip(FIELDS, after, strict=True)))


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0004_statutory_procedures"),
    ]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]

import datetime

from django.db import migrations

BASIS = "条例第四十九条：每年1月31日前公布上一年度年度报告"


def forwards(apps, schema_editor):
    """The record of an annual report already generated is due 31 January of the year after the
    report year (R.49), not 20 working days after it was generated: the work lists and the
    dashboard recompute from the stored due date."""
    AnnualReport = apps.get_model("applications", "AnnualReport")
    Record = apps.get_model("disclosure", "Record")
    for year, record_id in AnnualReport.objects.filter(record__isnull=False).values_list("year", "record_id"):
        due = datetime.date(year + 1, 1, 31)
        Record.objects.filter(pk=record_id).update(due_date_by_law=due, due_date=due, due_date_provisional=False,
                                                   due_period_days=None, due_period_basis=BASIS)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0005_recompute_clocks_late_pauses"),
        ("disclosure", "0007_record_periods_review_papers_change_requests_statutory_items"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

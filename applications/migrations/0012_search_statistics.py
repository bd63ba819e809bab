"""Issue #22: statistics on what the back office's applications list searches (see
portal.admin_lists.search_statistics): a common word was 130 ms at 120,000 applications."""

from django.db import migrations

from portal.admin_lists import search_statistics


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0011_list_filter_indexes"),
    ]

    operations = [
        search_statistics("applications_disclosureapplication", ["tracking_code", "information_title", "applicant_name"]),
    ]

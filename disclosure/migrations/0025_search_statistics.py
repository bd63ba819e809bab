"""Issue #22: statistics on what the back office's record and catalogue lists search (see
portal.admin_lists.search_statistics): a common word in the titles was 200–260 ms at 100,000 records."""

from django.db import migrations

from portal.admin_lists import search_statistics


class Migration(migrations.Migration):

    dependencies = [
        ("disclosure", "0024_record_published_order_state"),
    ]

    operations = [
        search_statistics("disclosure_record", ["title", "document_number", "index_number"]),
        search_statistics("disclosure_catalogueentry", ["index_number", "title"]),
    ]

from django.core.management.base import BaseCommand
from django.db import transaction

from disclosure import search, selectors
from disclosure.models import Record, SearchDocument


class Command(BaseCommand):
    help = "重建全文检索索引 / Rebuild the full-text search index from what is published."

    def handle(self, *args, **options):
        with transaction.atomic():
            SearchDocument.objects.all().delete()
            count = 0
            # Scheduled publications are indexed too: the search itself hides them until their time.
            current = Record.objects.filter(state__in=selectors.PUBLIC_STATES, superseded_by__isnull=True)
            for record in current.iterator(chunk_size=500):
                search.index_record(record)
                count += 1
        self.stdout.write(f"已索引 {count} 条 / {count} records indexed")

from django.core.management.base import BaseCommand
from django.db import transaction

from disclosure import search
from disclosure.models import CatalogueEntry, SearchDocument


class Command(BaseCommand):
    help = "重建全文检索索引 / Rebuild the full-text search index from what is published."

    def handle(self, *args, **options):
        with transaction.atomic():
            SearchDocument.objects.all().delete()
            # Every listed entry, scheduled ones and replaced ones included: the search applies the
            # catalogue's own visibility rules at query time.
            entries = CatalogueEntry.objects.filter(is_listed=True).select_related("record")
            count, batch = 0, []
            for entry in entries.iterator(chunk_size=500):
                batch.append(search.document_for(entry))
                if len(batch) == 500:
                    count += self._write(batch)
                    batch = []
            count += self._write(batch)
        self.stdout.write(f"已索引 {count} 条 / {count} records indexed")

    @staticmethod
    def _write(documents) -> int:
        SearchDocument.objects.bulk_create(documents)
        search.write_vectors(documents)
        return len(documents)

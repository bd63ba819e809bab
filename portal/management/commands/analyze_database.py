"""Daily: refresh the statistics the database's query planner chooses its plans from.

PostgreSQL's autovacuum gathers them by itself, some minutes after a change; SQLite never does.
Without statistics SQLite guesses every index equally selective, and at 100,000 records some lists
then walk the wrong index (issue #22). `ANALYZE` with `analysis_limit` samples each index instead
of reading it whole, so the daily run stays short however large the tables grow.

On PostgreSQL the run is `VACUUM (ANALYZE)`: it also marks the pages whose rows every transaction
sees, and only then can an index-only scan (the public counts, the search's windows of the newest
documents) skip the table. Autovacuum marks them only after a fifth of a table is new, so the newest
rows, which those scans read first, were the ones left unmarked: at 100,000 documents the search's
window bound took 84 ms reading 32,000 rows instead of their index entries."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import connection

# Rows sampled per index on SQLite: the documented setting for large databases (a few hundred
# to a few thousand); statistics close enough for the plan at a fraction of a full scan.
SQLITE_ANALYSIS_LIMIT = 1000


class Command(BaseCommand):
    help = "更新数据库查询规划统计信息 / Refresh the query planner's statistics (ANALYZE)."

    def handle(self, *args, **options):
        started = time.monotonic()
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
                cursor.execute("ANALYZE")
                cursor.execute("PRAGMA optimize")
            elif connection.in_atomic_block:  # VACUUM cannot run in a transaction (a test's)
                cursor.execute("ANALYZE")
            else:
                cursor.execute("VACUUM (ANALYZE)")
        self.stdout.write(f"统计信息已更新 / statistics refreshed ({connection.vendor}, "
                          f"{time.monotonic() - started:.1f} s)")

#!/usr/bin/env python
"""Back-office pages at scale (issue #22). Not a test: it prints figures.

    .venv/bin/python bench/back_office.py --database sqlite   --records 100000
    .venv/bin/python bench/back_office.py --database postgres --records 100000

Uses the database bench/public_pages.py builds (the demo agency and N generated records; built
here if missing), then renders each staff page in this process with Django's test client, as
the disclosure office's superuser: the work list, every registered model's list (plain, searched,
filtered, deep), its add page and its first object's page, and the record pages. For each page it
prints the median and worst of --repeat renders in milliseconds and the number of queries. No
cache is involved: back-office pages are never stored.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="only pages whose URL contains this text")
    args = parser.parse_args()

    out = ROOT / "bench" / "out"
    url = (f"sqlite:///{out / 'bench.sqlite3'}" if args.database == "sqlite"
           else "postgres://postgres@127.0.0.1:5432/portal_bench")
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings", "DJANGO_DEMO": "1",
                       "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost", "DJANGO_LOG_LEVEL": "WARNING"})
    if (args.database == "sqlite" and not (out / "bench.sqlite3").exists()) or args.database == "postgres":
        # bench/public_pages.py's preparation: migrate, load_demo, generate the missing records.
        sys.path.insert(0, str(ROOT / "bench"))
        from public_pages import prepare

        if args.database == "postgres":
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c",
                            "CREATE DATABASE portal_bench"], capture_output=True)
        out.mkdir(parents=True, exist_ok=True)
        prepare({**os.environ, "PYTHONPATH": str(ROOT)}, args.records)
    else:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True)

    import django

    django.setup()
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from disclosure.models import Record, RecordState

    user = get_user_model().objects.filter(is_superuser=True, is_active=True).first()
    if user is None:
        user = get_user_model().objects.create_superuser("bench_admin", "bench@example.invalid", "bench-only-pw")
    client = Client()
    client.force_login(user)

    def url(name: str, *url_args) -> list[str]:
        try:
            return [reverse(name, args=url_args)]
        except NoReverseMatch:
            return []

    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for changelist in url(f"{prefix}_changelist"):
            pages += [changelist, f"{changelist}?q=通知", f"{changelist}?p=500"]
        pages += url(f"{prefix}_add")
        if (obj := model._default_manager.order_by("-pk").first()) is not None:
            pages += url(f"{prefix}_change", obj.pk)
    records = reverse("admin:disclosure_record_changelist")
    pages += [f"{records}?state=draft", f"{records}?created_at__year=2026", f"{records}?o=4"]
    if (chained := Record.objects.filter(previous_version__isnull=False).first()) is not None:
        pages += [reverse("admin:disclosure_record_change", args=[chained.pk])]
    if (running := Record.objects.filter(state=RecordState.DRAFT).first()) is not None:
        pages += [reverse("admin:disclosure_record_change", args=[running.pk])]
    pages = [p for p in dict.fromkeys(pages) if args.only in p]

    print(f"{args.database}, {Record.objects.count()} records, {args.repeat} renders per page, "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    print(f"{'page':70} {'status':>6} {'median ms':>10} {'max ms':>9} {'queries':>8}")
    rows = []
    for page in pages:
        client.get(page)  # warm per-process caches (the agency, the calendar's years)
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                status = client.get(page).status_code
                times.append((time.perf_counter() - start) * 1000)
        rows.append((page, status, statistics.median(times), max(times), len(queries)))
        print(f"{page[:70]:70} {status:6d} {statistics.median(times):10.1f} {max(times):9.1f} {len(queries):8d}",
              flush=True)
    slowest = sorted(rows, key=lambda r: -r[2])[:5]
    print(f"\nslowest (median): {', '.join(f'{p} {m:.0f} ms' for p, _s, m, _x, _q in slowest)}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end (the machine's other work is in the figures)")


if __name__ == "__main__":
    main()

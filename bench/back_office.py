#!/usr/bin/env python
"""Back-office pages at scale (issue #22). Not a test: it prints figures.

    .venv/bin/python bench/back_office.py --database sqlite   --records 100000 --applications 120000
    .venv/bin/python bench/back_office.py --database postgres --records 100000 --applications 120000

Builds (or reuses) its own database: the demo agency, N generated records (generate_records),
M applications with their review cases and fee notices (bench/annual_report.py's generator: 5/6 of
them received in 2025, the rest in 2024) and some complaints. The PostgreSQL database is --db-name
(default portal_bench_office) on 127.0.0.1; the SQLite file is bench/out/<db-name>.sqlite3.
`--prepare-only` builds and stops (to run it in the background before measuring).

Then it renders each staff page in this process with Django's test client, as the disclosure
office's superuser: the work list, every registered model's list (plain, searched, filtered, deep,
date drill-down), its add page and its first object's page, the record pages, the supervision
dashboard and the annual report. For each page it prints the median and worst of --repeat renders
in milliseconds, the median CPU time of this process (the machine may be shared: wall time minus
CPU time is mostly waiting for the database or for the other processes) and the number of queries.
No cache is involved: back-office pages are never stored.
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
TARGET_MS = 150  # issue #22: every staff page, in process, on SQLite and PostgreSQL
sys.path.insert(0, str(ROOT))


def generate_complaints(n: int, seed: int = 11) -> None:
    """N complaints over the last two years, most closed, some open, in bulk (no events: the lists
    and the dashboard read the rows)."""
    import datetime as dt
    import random

    from django.utils import timezone

    from complaints.models import Complaint, ComplaintResult, ComplaintStatus, FailureType
    from portal.models import Office, OfficeKind

    have = Complaint.objects.count()
    if have >= n:
        print(f"reusing {have} complaints")
        return
    rng = random.Random(seed + have)
    zone = timezone.get_default_timezone()
    offices = list(Office.objects.filter(kind=OfficeKind.DIVISION).values_list("pk", flat=True))
    today = timezone.localdate()
    batch = []
    for i in range(have, n):
        received = today - dt.timedelta(days=rng.randrange(730))
        closed = rng.random() < 0.85
        replied = received + dt.timedelta(days=rng.randint(3, 40))
        batch.append(Complaint(
            tracking_code=f"BC{i:08d}", secret_digest="bench$0", failure_type=rng.choice(FailureType.values),
            details="基准测试举报", received_on=received, due_date=received + dt.timedelta(days=28),
            submitted_at=dt.datetime.combine(received, dt.time(10, rng.randrange(60)), tzinfo=zone),
            office_id=rng.choice(offices) if offices else None,
            status=ComplaintStatus.CLOSED if closed else rng.choice(
                [ComplaintStatus.SUBMITTED, ComplaintStatus.INVESTIGATING, ComplaintStatus.CONCLUDED]),
            result=rng.choice(ComplaintResult.values) if closed else "",
            replied_on=replied if closed and replied <= today else None,
            closed_at=dt.datetime.combine(min(replied, today), dt.time(16), tzinfo=zone) if closed else None))
    Complaint.objects.bulk_create(batch, batch_size=2000)
    print(f"generated {len(batch)} complaints")


def prepare(database: str, records: int, applications: int, complaints: int) -> None:
    """Migrate, load the demo agency, generate the applications (and the records, review cases and
    fee notices around them), the missing records up to N, and the complaints; then ANALYZE."""
    sys.path.insert(0, str(ROOT / "bench"))
    import annual_report
    from public_pages import prepare as prepare_public

    prepare_public({**os.environ, "PYTHONPATH": str(ROOT)}, 0)  # migrate and load_demo only
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from applications.models import DisclosureApplication
    from disclosure.models import Record

    # annual_report.generate(n) writes n applications in its year and n/5 in the year before.
    annual_report.generate(applications * 5 // 6)
    missing = records - Record.objects.count()
    if missing > 0:
        # Without the search index: the back office never reads it, and indexing is most of the time.
        call_command("generate_records", "--records", str(missing), "--without-search", "--batch", "2000")
    generate_complaints(complaints)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{Record.objects.count()} records, {DisclosureApplication.objects.count()} applications")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--db-name", default="portal_bench_office",
                        help="PostgreSQL database name; for SQLite the file bench/out/<name>.sqlite3")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--applications", type=int, default=120_000)
    parser.add_argument("--complaints", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="only pages whose URL contains one of these texts (comma-separated)")
    parser.add_argument("--prepare-only", action="store_true", help="build or complete the database, then stop")
    parser.add_argument("--skip-prepare", action="store_true", help="use the database as it is (only migrate)")
    args = parser.parse_args()

    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    url = (f"sqlite:///{out / (args.db_name + '.sqlite3')}" if args.database == "sqlite"
           else f"postgres://postgres@127.0.0.1:5432/{args.db_name}")
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings", "DJANGO_DEMO": "1",
                       "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost", "DJANGO_LOG_LEVEL": "WARNING"})
    if args.database == "postgres":
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c",
                        f'CREATE DATABASE "{args.db_name}"'], capture_output=True)
    if args.skip_prepare:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True)
    else:
        prepare(args.database, args.records, args.applications, args.complaints)
    if args.prepare_only:
        return

    import django

    django.setup()
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from applications.annual_report.services import annual_report_generate, may_compile
    from applications.models import AnnualReport, DisclosureApplication
    from complaints.models import Complaint
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
    # The date drill-downs (date_hierarchy) of the case lists, at each level, and their filters.
    for name, field, year in [("applications_disclosureapplication", "submitted_at", 2025),
                              ("complaints_complaint", "received_on", timezone.localdate().year)]:
        for changelist in url(f"admin:{name}_changelist"):
            pages += [f"{changelist}?{field}__year={year}", f"{changelist}?{field}__year={year}&{field}__month=3",
                      f"{changelist}?{field}__year={year}&{field}__month=3&{field}__day=2",
                      f"{changelist}?status__exact=closed", f"{changelist}?o=-1"]
    # The annual report of the year the applications were received in, generated as the disclosure
    # office does it, with last year's report in the system but not published (its carry-over).
    compiler = next(u for u in get_user_model().objects.filter(is_active=True).order_by("pk") if may_compile(u))
    for year in (2024, 2025):
        if not getattr(AnnualReport.objects.filter(year=year).first(), "snapshot", None):
            annual_report_generate(year=year, actor=compiler)
    pages += url("admin:applications_annualreport_change", AnnualReport.objects.get(year=2025).pk)
    pages += url("admin:applications_annualreport_changelist")
    pages = [p for p in dict.fromkeys(pages) if any(text in p for text in args.only.split(","))]

    print(f"{args.database} ({args.db_name}), {Record.objects.count()} records, "
          f"{DisclosureApplication.objects.count()} applications, {Complaint.objects.count()} complaints, "
          f"{args.repeat} renders per page; /proc/loadavg at the start: {_loadavg()}")
    print(f"{'page':80} {'status':>6} {'median ms':>10} {'max ms':>9} {'cpu ms':>7} {'queries':>8}")
    rows = []
    for page in pages:
        client.get(page)  # warm per-process caches (the agency, the calendar's years)
        times, cpu = [], []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                start, start_cpu = time.perf_counter(), time.process_time()
                status = client.get(page).status_code
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
        row = (page, status, statistics.median(times), max(times), statistics.median(cpu), len(queries))
        rows.append(row)
        print(f"{page[:80]:80} {status:6d} {row[2]:10.1f} {row[3]:9.1f} {row[4]:7.1f} {row[5]:8d}", flush=True)
    over = [r for r in rows if r[2] > TARGET_MS]
    slowest = sorted(rows, key=lambda r: -r[2])[:8]
    print(f"\nslowest (median): {', '.join(f'{r[0]} {r[2]:.0f} ms' for r in slowest)}")
    print(f"{len(over)} of {len(rows)} pages over {TARGET_MS} ms (median): "
          f"{', '.join(f'{r[0]} {r[2]:.0f} ms (cpu {r[4]:.0f})' for r in over) or 'none'}")
    print(f"/proc/loadavg at the end: {_loadavg()} (the machine's other work is in the figures)")


def _loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()

if __name__ == "__main__":
    main()

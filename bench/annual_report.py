#!/usr/bin/env python
"""Benchmark of the annual report (issue #7). Not a test: it prints figures.

    .venv/bin/python bench/annual_report.py --database sqlite   --applications 100000
    .venv/bin/python bench/annual_report.py --database postgres --applications 100000

It builds (or reuses) a database with N applications received in 2025 and N/5 more in 2024 (for
last year's table and the carry-over), in bulk — a realistic mix: six applicant types, every
outcome, replies a few days to a few weeks after receipt (some across the new year), a few still
open, a few never confirmed — plus records of every document type, review cases and fee notices. Then it times the whole report for 2025 as
the back office computes it: tables 2, 3 and 4, the facts, last year's table 3 (for the
carry-over check) and every check. Target: under 2 seconds. The SQLite file is
bench/out/report-year.sqlite3; the PostgreSQL database is portal_bench_report_year on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
YEAR = 2025
TARGET_SECONDS = 2.0

# Shares in the mix (weights): who applies and how it ends.
APPLICANTS = {"natural_person": 62, "commercial": 20, "research": 5, "public_welfare": 4, "legal_service": 5,
              "other_organisation": 4}
OUTCOMES = {
    "disclosed": 40, "partial": 10, "withheld_state_secret": 1, "withheld_prohibited_by_law": 1,
    "withheld_security_stability": 1, "withheld_third_party": 3, "withheld_internal_affairs": 1,
    "withheld_process_information": 2, "withheld_enforcement_file": 1, "withheld_administrative_query": 1,
    "unavailable_not_held": 12, "unavailable_needs_creation": 3, "unavailable_still_unclear": 1,
    "not_processed_complaint": 4, "not_processed_repeat": 4, "not_processed_publication": 1,
    "not_processed_excessive": 1, "not_processed_confirmation": 1, "other_no_supplement": 4, "other_fee_unpaid": 1,
    "other": 3,
}


def setup(database: str) -> None:
    url = (f"sqlite:///{OUT / 'report-year.sqlite3'}" if database == "sqlite"
           else "postgres://postgres@127.0.0.1:5432/portal_bench_report_year")
    if database == "postgres":
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c",
                        "CREATE DATABASE portal_bench_report_year"], capture_output=True)
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings",
                       "DJANGO_LOG_LEVEL": "WARNING"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def generate(n: int, seed: int = 7) -> None:
    """N applications received in YEAR and N/5 in the year before (and the records, review cases
    and fee notices around them) in bulk."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from applications.models import DisclosureApplication, FeeNotice, ReviewCase, Status
    from disclosure.models import CatalogueCategory, Record
    from portal.models import Office, OfficeKind

    total = n + n // 5
    have = DisclosureApplication.objects.count()
    if have >= total:
        print(f"reusing {have} applications")
        return
    rng = random.Random(seed + have)
    zone = timezone.get_default_timezone()
    applicant_types, applicant_weights = list(APPLICANTS), list(APPLICANTS.values())
    outcomes, outcome_weights = list(OUTCOMES), list(OUTCOMES.values())
    first_day, days = dt.date(YEAR - 1, 1, 1), 731
    this_year, last_year = (dt.date(YEAR, 1, 1), 365), (dt.date(YEAR - 1, 1, 1), 366)
    office, _ = Office.objects.get_or_create(name="基准测试处", defaults={"kind": OfficeKind.DIVISION})
    user = get_user_model().objects.filter(username="bench").first() or get_user_model().objects.create_user(
        "bench", "bench@example.invalid", None)

    started = time.perf_counter()
    batch: list[DisclosureApplication] = []
    for i in range(have, total):
        start, length = this_year if i < n else last_year
        received = start + dt.timedelta(days=rng.randrange(length))
        kind = rng.choices(applicant_types, applicant_weights)[0]
        submitted = dt.datetime.combine(received, dt.time(9, rng.randrange(60)), tzinfo=zone)
        fields = {}
        roll = rng.random()
        if roll < 0.01:  # submitted online, never confirmed: never received (R.31)
            fields = {"status": Status.SUBMITTED, "received_on": None}
        elif roll < 0.05 or (received > dt.date(YEAR, 12, 10) and roll < 0.5):  # still open
            fields = {"status": rng.choice([Status.RECEIVED, Status.ASSIGNED, Status.REPLY_DRAFTED]),
                      "received_on": received, "office": office}
        else:
            closed = received + dt.timedelta(days=rng.randint(1, 45))
            closed_at = dt.datetime.combine(closed, dt.time(rng.randrange(8, 24), rng.randrange(60)), tzinfo=zone)
            fields = {"status": Status.CLOSED, "received_on": received, "office": office,
                      "outcome": rng.choices(outcomes, outcome_weights)[0], "closed_at": closed_at,
                      "replied_on": closed, "due_date": received + dt.timedelta(days=28)}
        batch.append(DisclosureApplication(
            tracking_code=f"BR{i:08d}", secret_digest="bench$0", applicant_type=kind,
            applicant_name="基准测试申请人", identity_document="other", identity_number=f"B{i:09d}",
            phone="13900000000", information_title=f"基准测试申请{i}", description="基准测试",
            submitted_at=submitted, **fields))
        if len(batch) == 5000:
            DisclosureApplication.objects.bulk_create(batch)
            batch = []
    if batch:
        DisclosureApplication.objects.bulk_create(batch)

    closed = list(DisclosureApplication.objects.filter(status=Status.CLOSED).order_by("pk").values_list("pk", "replied_on"))
    kinds = ["review", "litigation_direct", "litigation_after_review"]
    results = ["maintained", "corrected", "other", "pending"]
    cases, fees = [], []
    for pk, replied in rng.sample(closed, min(len(closed), n // 100)):
        filed = replied + dt.timedelta(days=rng.randint(10, 60))
        result = rng.choice(results)
        cases.append(ReviewCase(application_id=pk, kind=rng.choice(kinds), filed_on=filed, result=result,
                                decided_on=None if result == "pending" else filed + dt.timedelta(days=90)))
    for pk, replied in rng.sample(closed, min(len(closed), n // 200)):
        issued = replied - dt.timedelta(days=10)
        fees.append(FeeNotice(application_id=pk, method="by_count", basis=15, amount=Decimal(100), issued_on=issued,
                              pay_by=issued + dt.timedelta(days=28),
                              paid_on=issued + dt.timedelta(days=5) if rng.random() < 0.8 else None))
    categories = list(CatalogueCategory.objects.values_list("pk", flat=True))
    records = []
    for i in range(n // 20):
        published = dt.datetime.combine(first_day + dt.timedelta(days=rng.randrange(days)), dt.time(10), tzinfo=zone)
        document_type = rng.choices(["regulation", "normative", "other"], [1, 9, 90])[0]
        repealed = document_type != "other" and rng.random() < 0.1
        records.append(Record(
            title=f"基准测试信息{i}", office=office, category_id=rng.choice(categories), created_by=user,
            date_formed=published.date(), document_type=document_type, state="registered", published_at=published,
            index_number=f"BENCH-{i:07d}", validity="repealed" if repealed else "valid",
            validity_changed_on=(published.date() + dt.timedelta(days=200)) if repealed else None))
    with transaction.atomic():
        ReviewCase.objects.bulk_create(cases)
        FeeNotice.objects.bulk_create(fees)
        Record.objects.bulk_create(records, batch_size=2000)
    print(f"generated {total - have} applications, {len(cases)} review cases, {len(fees)} fee notices, "
          f"{len(records)} records in {time.perf_counter() - started:.1f}s")


def measure(runs: int) -> list[float]:
    from django.db import connection

    from applications.annual_report import compute as r
    from applications.models import AnnualReport

    AnnualReport.objects.get_or_create(year=YEAR - 1)  # last year's report is in the system: computed live
    report = AnnualReport(year=YEAR)
    timings = []
    for _ in range(runs):
        connection.close()  # every run opens its own connection, as a request would
        started = time.perf_counter()
        tables = r.compute(YEAR)
        failures = r.check(report, tables)
        timings.append(time.perf_counter() - started)
    print(f"table 3 总计: 新收 {tables.table3['new']['total']}, 上年结转 {tables.table3['carried']['total']}, "
          f"办结 {tables.table3['closed']['total']}, 结转下年度 {tables.table3['open']['total']}; "
          f"表2 {tables.table2}; 表4 复议 {tables.table4['review']}")
    print(f"checks: {len([f for f in failures if f.rule not in ('manual', 'narrative')])} arithmetic failures "
          f"(manual cells and text are empty here)")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    setup(args.database)
    generate(args.applications)
    from applications.models import DisclosureApplication

    total = DisclosureApplication.objects.count()
    timings = measure(args.runs)
    print(f"\n{args.database}, {total} applications: the {YEAR} report (tables 2-4, facts, last year's table 3, "
          f"all checks)")
    print(f"first run {timings[0]:.3f}s, median {statistics.median(timings):.3f}s, best {min(timings):.3f}s "
          f"over {len(timings)} runs")
    print(f"{'PASS' if max(timings) < TARGET_SECONDS else 'FAIL'}  every run < {TARGET_SECONDS:.0f} s")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Benchmark of the hints on the application form (issue #18). Not a test: it prints figures.

    .venv/bin/python bench/hints.py --records 100000                 # SQLite: bench/out/hints.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_hints .venv/bin/python bench/hints.py

It builds (or reuses) a database with the demo agency and N published records written by
`manage.py generate_records` (the same generator as bench/public_pages.py), then times the hint
query — `disclosure.demand_selectors.hint_entries`, what /apply/hints/ runs for each pause in the
typing — over requests worded as citizens word them: about the generated topics, with and without
years, and about things that are not there. Target: p95 under 50 ms at 100,000 records.

Besides the time each request takes, it prints the CPU time it takes in this process and in its
PostgreSQL server process (Linux: /proc/<pid>/schedstat): on a machine shared with other work, the
time is mostly waiting for a core, the CPU time what the request costs.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TARGET_MS = 50.0
OPENINGS = ["请提供", "申请公开", "我想了解", "需要获取", ""]
ENDINGS = ["名单", "的通知全文", "实施方案", "工作进展情况", "申报材料和评审结果", "相关文件"]
ELSEWHERE = ["某县2019年防汛物资采购合同", "长春市地铁票价调整听证记录", "全省中小学食堂食品抽检结果", "无人机飞行审批办法",
             "医保基金年度审计报告"]


def setup(records: int) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        OUT.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{OUT / 'hints.sqlite3'}"
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings", "DJANGO_DEMO": "1",
                       "DJANGO_LOG_LEVEL": "WARNING"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from disclosure.models import Record

    call_command("migrate", "--noinput", verbosity=0)
    if not Record.objects.exists():
        call_command("load_demo", stdout=io.StringIO())
    missing = records - Record.objects.count()
    if missing > 0:
        # Its own process, as bench/public_pages.py runs it (it prints its progress).
        subprocess.run([sys.executable, "manage.py", "generate_records", "--records", str(missing)], cwd=ROOT,
                       env=os.environ, check=True)
    return url


def requests(n: int, seed: int) -> list[str]:
    from disclosure.management.commands.generate_records import TOPICS

    rng = random.Random(seed)
    found = []
    for _ in range(n):
        if rng.random() < 0.15:
            text = rng.choice(OPENINGS) + rng.choice(ELSEWHERE)
        else:
            year = f"{rng.randrange(2016, 2027)}年" if rng.random() < 0.6 else ""
            text = f"{rng.choice(OPENINGS)}{year}{rng.choice(TOPICS)}{rng.choice(ENDINGS)}"
            if rng.random() < 0.3:  # a longer description, as typed into the form
                text += "，包括企业名称、所在地区和支持金额，用于研究分析。"
        found.append(text)
    return found


def _cpu_ns(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/schedstat") as stat:
            return int(stat.read().split()[0])
    except OSError:  # not Linux
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    url = setup(args.records)
    from django.core.cache import cache
    from django.db import connection

    from disclosure.demand_selectors import hint_entries
    from disclosure.models import CatalogueEntry

    texts = requests(args.queries, args.seed)
    for text in texts[:20]:  # the database's own caches warm, as on a running server
        hint_entries(text)
    print(f"database: {connection.vendor} ({url.split('@')[-1]})")
    print(f"catalogue entries: {CatalogueEntry.objects.count()}; requests timed: {len(texts)}")
    pids = [os.getpid()]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids.append(cursor.fetchone()[0])
    # Cold: no term's document count cached (the first request after a publication); warm: the
    # counts of earlier requests cached, as while people type (search._term_counts).
    for label, clear in (("cold", True), ("warm", False)):
        cache.clear()
        timings, cpu, shown = [], [], 0
        for text in texts:
            if clear:
                cache.clear()
            cpu_started = sum(map(_cpu_ns, pids))
            started = time.perf_counter()
            shown += bool(hint_entries(text))
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((sum(map(_cpu_ns, pids)) - cpu_started) / 1e6)
        timings.sort()
        cpu.sort()
        p50 = statistics.median(timings)
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"hint query, {label} counts: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms, "
              f"with hints {shown} (target p95 < {TARGET_MS:.0f} ms: {'met' if p95 < TARGET_MS else 'NOT met'}); "
              f"CPU p50 {statistics.median(cpu):.1f} ms, p95 {cpu[int(len(cpu) * 0.95) - 1]:.1f} ms")
    if hasattr(os, "getloadavg"):
        print("load average: " + " ".join(f"{load:.1f}" for load in os.getloadavg()))


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Where a search with two distinct words spends its SQL time (issue #22), in process.

Not a test: it prints figures. It asks the search page for N pairs of the bench's words, in
`public_pages.py`'s order ("search, distinct terms"), each URL unique so that the page cache never
answers, and times every SQL statement (time.perf_counter around the driver's execute: on
PostgreSQL that is the server's time plus the round trip). It prints the mean per request of the
page's wall time, its CPU time in this process and its SQL time, then the SQL time per request of
each kind of statement (the head-phrase and full-text queries, windowed or not). On SQLite the SQL
runs in this process: its time is part of the CPU time.

    <environment as in render_probe.py> .venv/bin/python bench/search_sql.py [--requests 300]

The first ten requests warm the process up and are not counted. Compare code before and after on
the same machine, in turns: from one run to the next the figures move by 10–20 % here.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from urllib.parse import quote

import django


def kind(sql: str) -> str:
    if "@@" not in sql and "MATCH" not in sql:
        return sql[:48]
    name = ("full text" if "d.vector @@" in sql or "disclosure_search_fts MATCH" in sql
            else "head phrase" if "head_vector @@" in sql or "disclosure_search_head_fts MATCH" in sql else "other")
    return name + (", a window" if " >= " in sql and "sort_key" in sql else "")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    django.setup()
    from django.db import connection
    from django.test import Client

    from bench.public_pages import QUERIES

    terms = [f"{a} {b}" for a in QUERIES for b in QUERIES if a != b]
    random.Random(2).shuffle(terms)
    timed: list[tuple[str, float]] = []

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((sql, time.perf_counter() - start))

    client, walls, cpus, sqls, per_kind = Client(), [], [], [], {}
    warm = 10
    for i, term in enumerate(terms[: args.requests + warm]):
        timed.clear()
        with connection.execute_wrapper(timer):
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(f"/search/?q={quote(term)}&_=sql{i}-{time.time_ns()}", HTTP_HOST="localhost")
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert response.status_code == 200, (term, response.status_code)
        if i < warm:
            continue
        walls.append(wall * 1000)
        cpus.append(cpu * 1000)
        sqls.append(sum(seconds for _sql, seconds in timed) * 1000)
        for sql, seconds in timed:
            per_kind.setdefault(kind(sql), []).append(seconds * 1000)
    n = len(walls)
    print(f"{connection.vendor}, {n} requests: wall {statistics.mean(walls):.2f} ms (p95 "
          f"{sorted(walls)[int(n * 0.95)]:.1f}), CPU here {statistics.mean(cpus):.2f} ms, SQL {statistics.mean(sqls):.2f} ms")
    for name, times in sorted(per_kind.items(), key=lambda item: -sum(item[1]))[:8]:
        print(f"  {sum(times) / n:6.2f} ms a request  {len(times) / n:4.2f} statements  max {max(times):6.1f} ms  {name}")


if __name__ == "__main__":
    main()

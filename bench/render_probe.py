#!/usr/bin/env python
"""CPU time per public page when the page cache misses (issue #22), measured in process.

Not a test: it prints figures. Every request carries a unique `?_=n` (as `public_pages.py
--mode defeat` does over HTTP), so the page cache never answers; the figure is CPU time
(`time.process_time`), which a loaded machine inflates less than wall time.

    DATABASE_URL=sqlite:////tmp/render/db.sqlite3 DJANGO_SETTINGS_MODULE=bench.settings \
    DJANGO_DEMO=0 DJANGO_ALLOWED_HOSTS=localhost CACHE_URL=locmem:// PYTHONPATH=$PWD \
    .venv/bin/python bench/render_probe.py [--requests 200] [--profile record] [--queries]

It prints, for each page, CPU ms per request (the lowest mean of --batches batches) and the
ratio hello/page. The bench's goal (≥ 0.1 × hello for home and catalogue, ≥ 0.2 × for the
record page) is a ratio of requests/s through gunicorn, whose own work per request (HTTP, WSGI)
adds to both: in process the ratio comes out lower than the bench's, so compare pages before
and after a change rather than against the goal. `--profile NAME` prints the cProfile of that
page's requests instead; `--queries` prints each page's SQL queries; `--calls` the Python
function calls per request, a count the machine's load does not change; `--each NAME` the CPU
ms of each URL of a page (`--each extreme`: the bench's URLs with extreme parameters).
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import pstats
import random
import time

import django


def scenarios() -> dict[str, list[str]]:
    from urllib.parse import quote

    from bench.public_pages import QUERIES
    from disclosure.models import CatalogueCategory
    from disclosure.selectors import catalogue_listed

    ids = list(catalogue_listed().order_by("-published_at", "-pk").values_list("record_id", flat=True)[:50_000:97])
    terms = [f"{a} {b}" for a in QUERIES for b in QUERIES if a != b]
    random.Random(2).shuffle(terms)
    codes = list(CatalogueCategory.objects.filter(is_active=True).order_by("sort_order").values_list("code", flat=True))
    return {
        "hello": ["/bench/hello"],
        "home": ["/"],
        "catalogue p1": ["/catalogue/"],
        "catalogue category": [f"/catalogue/?category={code}" for code in codes],
        "catalogue page 30": ["/catalogue/?page=30"],
        "record": [f"/records/{pk}/" for pk in ids],
        # Two words, every request a pair not asked before, in public_pages.py's order ("distinct terms").
        "search": [f"/search/?q={quote(term)}" for term in terms],
        # Long phrases of common characters that no title holds (disclosure.search.LONG_PHRASE).
        "long phrases": [f"/search/?q={quote(phrase)}" for phrase in LONG_PHRASES],
    }


LONG_PHRASES = ["通知" * 19, "关于" * 19, "的" * 38, "的" * 7, "工作通知" * 9 + "工作", "工业和信息化" * 6 + "工业",
                "2026年" * 7]


def uncached_get(client, path: str, counter: itertools.count, tag: str = ""):
    """GET `path` with a query parameter no request had before: the page cache never answers."""
    return client.get(f"{path}{'&' if '?' in path else '?'}_={tag}{next(counter)}", HTTP_HOST="localhost")


def measure(client, paths: list[str], n: int, counter: itertools.count, batches: int = 1) -> float:
    """CPU ms per request over `n` requests cycling through `paths` (after a warm-up): the
    lowest mean of `batches` equal batches, as timeit does, since on a shared machine other
    processes only ever add time (caches, memory bandwidth) to CPU time."""
    def get(path):
        response = uncached_get(client, path, counter)
        assert response.status_code == 200, (path, response.status_code)

    for path in paths[:5]:
        get(path)
    cycle = itertools.cycle(paths)
    size = max(1, n // batches)
    means = []
    for _ in range(batches):
        start = time.process_time()
        for _ in range(size):
            get(next(cycle))
        means.append((time.process_time() - start) * 1000 / size)
    return min(means)


def each(client, paths: list[str], counter: itertools.count, repeat: int = 3) -> list[tuple[float, int, str]]:
    """(CPU ms, status, path) of each path, the lowest of `repeat` requests; slowest first."""
    rows = []
    for path in paths:
        times = []
        for _ in range(repeat):
            start = time.process_time()
            status = uncached_get(client, path, counter).status_code
            times.append((time.process_time() - start) * 1000)
        rows.append((min(times), status, path))
    return sorted(rows, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    parser.add_argument("--batches", type=int, default=10, help="the figure is the lowest batch mean")
    parser.add_argument("--profile", help="print the cProfile of this page (a name from the table)")
    parser.add_argument("--queries", action="store_true", help="print the SQL query count of each page")
    parser.add_argument("--sort", default="tottime", help="pstats sort key for --profile")
    parser.add_argument("--callers", help="with --profile: print the callers of functions matching this")
    parser.add_argument("--calls", action="store_true",
                        help="print Python function calls per request instead of CPU time (no machine load in it)")
    parser.add_argument("--each", help="print CPU ms of each path of this page (a name from the table, or "
                                       "'extreme': public_pages.py's URLs with extreme parameters), slowest first")
    args = parser.parse_args()
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, counter = Client(), itertools.count()
    pages = scenarios()
    if args.each:
        from urllib.parse import unquote

        from bench.public_pages import EXTREME_PATHS

        for ms, status, path in each(client, EXTREME_PATHS if args.each == "extreme" else pages[args.each], counter):
            print(f"{ms:7.1f} ms CPU  {status}  {unquote(path)[:90]}")
        return
    if args.queries:
        for name, paths in pages.items():
            client.get(paths[0], HTTP_HOST="localhost")
            with CaptureQueriesContext(connection) as queries:
                uncached_get(client, paths[-1], counter, tag="q")
            print(f"{name:20} {len(queries):3} queries")
            for query in queries:
                print("      ", query["sql"][:160])
        return
    if args.profile:
        measure(client, pages[args.profile], 20, counter)
        profiler = cProfile.Profile()
        profiler.enable()
        measure(client, pages[args.profile], args.requests, counter)
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats(args.sort)
        if args.callers:
            stats.print_callers(args.callers)
        else:
            stats.print_stats(40)
        return
    if args.calls:
        for name, paths in pages.items():
            measure(client, paths, 10, counter)
            profiler = cProfile.Profile()
            profiler.enable()
            measure(client, paths, 50, counter)
            profiler.disable()
            print(f"{name:20} {pstats.Stats(profiler).total_calls / 50:9.0f} function calls/request")
        return
    hello = None
    for name, paths in pages.items():
        ms = measure(client, paths, args.requests, counter, args.batches)
        hello = hello or ms
        print(f"{name:20} {ms:7.2f} ms CPU/request   {hello / ms:5.2f} x hello")


if __name__ == "__main__":
    main()

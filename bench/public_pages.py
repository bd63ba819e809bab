#!/usr/bin/env python
"""Benchmark of the public column at scale (issue #4). Not a test: it prints figures.

    .venv/bin/python bench/public_pages.py --database sqlite   --records 100000
    .venv/bin/python bench/public_pages.py --database postgres --records 100000

It builds (or reuses) a database with the demo agency and N generated records, serves the portal
with gunicorn (2 workers, the production settings plus a bare hello-world view), and loads it
from a second process with wrk on loopback. Pages are measured as visitors get them (the page
cache on); search is also measured with every request unique, i.e. always a cache miss.

`--mode publish` (issue #22) measures in process how many stored pages survive a publication:
it stores N record pages and the lists, publishes one record the way `record_publish` renews
pages, requests them all again and prints hits and misses.

`--mode defeat` (issue #22) measures the portal without the page cache's help: every request
carries a unique query parameter, record pages rotate over 2,000 ids, searches over distinct
terms, the API over deep pages (by cursor where the API has one, else by page number). Each line
gives requests/s, p50/p95/p99, the ratio to the hello-world view, and the machine's load average
while it ran (the machine may be shared: read the figures with it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable
QUERIES = ["税", "许可", "通知", "数字化转型", "绿色工厂", "中小企业", "专精特新", "工业互联网", "节能", "安全生产",
           "民用爆炸物品", "汽车", "吉工信", "2021", "技术改造 申报", "新材料", "名单", "实施方案", "首台", "无线电",
           "化工园区", "消费品", "电子信息", "工业设计中心", "企业技术中心", "稳增长", "梯度培育", "征求意见",
           "公告", "季度"]


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)


def prepare(env, records: int) -> None:
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PY, "manage.py", "load_demo"], env, stdout=subprocess.DEVNULL)
    count = subprocess.run([PY, "manage.py", "shell", "-c",
                            "from disclosure.models import Record; print(Record.objects.count())"],
                           env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()[-1]
    missing = records - int(count)
    if missing > 0:
        run([PY, "manage.py", "generate_records", "--records", str(missing)], env)


def ids(env, n: int) -> list[int]:
    out = subprocess.run([PY, "manage.py", "shell", "-c",
                          "from disclosure.selectors import catalogue_listed; "
                          f"print(' '.join(str(i) for i in catalogue_listed().order_by('?').values_list('record_id', flat=True)[:{n}]))"],
                         env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return [int(i) for i in out if i.isdigit()]


def api_deep_paths(env, base: str, n: int) -> list[str]:
    """Deep pages of /api/records/: cursors at random depths where the API pages by cursor,
    else page numbers as deep (the API's first version)."""
    probe = urllib.request.Request(base + "/api/records/?page=60")
    try:
        urllib.request.urlopen(probe, timeout=30)
        cursor = False
    except urllib.error.HTTPError:
        cursor = True
    code = ("import random; from disclosure.selectors import records_published; "
            "total = records_published().count(); rng = random.Random(3); "
            f"depths = sorted(rng.randrange(total // 2, total - 40) for _ in range({n})); ")
    if cursor:
        code += ("from disclosure.api import KeysetPagination; from disclosure.models import Record; "
                 "p = KeysetPagination(); keys = list(records_published().order_by('-published_at', '-pk')"
                 ".values_list('published_at', 'pk')); "
                 "print(' '.join('/api/records/?cursor=' + p._encode(Record(published_at=keys[d][0], pk=keys[d][1]), "
                 "backwards=False) for d in depths))")
    else:
        code += "print(' '.join(f'/api/records/?page={d // 20}' for d in depths))"
    out = subprocess.run([PY, "manage.py", "shell", "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.split()
    return [line for line in out if line.startswith("/api/")]


def catalogue_deep_paths(env, n: int) -> list[str]:
    """Deep pages of the catalogue as visitors reach them past the numbered pages: by the
    position (`?after=`) of an entry at random depths (portal.pagination.KeysetPaginator)."""
    code = ("import random; from disclosure.selectors import catalogue_listed; "
            "from portal.pagination import KeysetPaginator; "
            "keys = list(catalogue_listed().order_by('-published_at', '-pk').values_list('published_at', 'pk')); "
            "rng = random.Random(4); p = KeysetPaginator(None, 20, count_key=''); "
            "from types import SimpleNamespace as R; "
            f"print(' '.join('/catalogue/?after=' + p._token(R(published_at=keys[d][0], pk=keys[d][1]), d // 20 + 2) "
            f"for d in sorted(rng.randrange(1000, len(keys) - 40) for _ in range({n}))))")
    out = subprocess.run([PY, "manage.py", "shell", "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.split()
    return [line for line in out if line.startswith("/catalogue/")]


def worker_rss_mb(master: int) -> list[float]:
    """The resident memory of each gunicorn worker (the master's children), in MB."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def publish_probe(records: int) -> None:
    """In process (the middleware and cache of one worker): store `records` record pages and the
    lists, publish one new record the way `record_publish` renews pages, then request every page
    again and count which were still stored (issue #22: a publication renews only what it changes)."""
    import django

    django.setup()
    from io import StringIO

    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from disclosure.models import Record
    from disclosure.selectors import catalogue_listed, record_pages_showing
    from portal.pagecache import public_content_changed

    listed = list(catalogue_listed().order_by("?").values_list("record_id", flat=True)[:records])
    pages = {"record": [f"/records/{pk}/" for pk in listed],
             "lists": ["/", "/catalogue/", "/catalogue/?category=m5-2", "/statutory/", "/feeds/latest.rss",
                       "/search/?q=%E9%80%9A%E7%9F%A5"]}
    client = Client(HTTP_HOST="localhost")
    counts = {"hits": 0}
    plain_get = cache.get

    def counting_get(key, *args, **kwargs):
        value = plain_get(key, *args, **kwargs)
        if key.startswith("page:") and value is not None:
            counts["hits"] += 1
        return value

    cache.get = counting_get
    for urls in pages.values():
        for url in urls:
            client.get(url)
    call_command("generate_records", records=1, stdout=StringIO(), stderr=StringIO())
    newest = Record.objects.order_by("-pk").first()
    with transaction.atomic():  # what record_publish does last, in its transaction
        public_content_changed(pages=record_pages_showing([newest.pk]))
    print(f"publication of record {newest.pk}; {len(pages['record'])} record pages and {len(pages['lists'])} lists "
          "stored before it, then requested again:")
    for kind, urls in pages.items():
        counts["hits"] = 0
        for url in urls:
            client.get(url)
        print(f"  {kind:7} hits {counts['hits']:5}  misses {len(urls) - counts['hits']:5}  "
              f"hit rate {counts['hits'] / len(urls):.1%}")
    print(f"  stored bytes in this process: {getattr(cache, 'stored_bytes', 'n/a')}")


# Issue #22's query classes, each a list of distinct queries (every request also unique).
COMMON_CHARACTERS = ["工", "业", "年", "关", "于", "通", "知", "的", "省", "作"]
NO_HIT = ["量子纠缠", "龘靐齉爩", "zzqx", "火星基地", "恐龙化石", "qwertyuiop", "潜水艇", "歼星舰"]
# Parameters no visitor should be able to make expensive: huge or malformed pages, cursors,
# filters and queries on every public list (issue #22: no URL over 200 ms of server time).
EXTREME_PATHS = [
    "/catalogue/?page=999999999", "/catalogue/?page=-1", "/catalogue/?page=last", "/catalogue/?after=junk",
    "/catalogue/?before=1-2-99999999999999999999", "/catalogue/?category=no-such&year=99999&office=99999999999999",
    "/catalogue/?category=m5-2&year=2019&page=50", "/rules/?page=999999", "/annual-reports/?page=999999",
    "/search/?q=" + urllib.parse.quote("通知" * 50), "/search/?q=" + urllib.parse.quote("通知") + "&page=99999",
    "/search/?q=" + urllib.parse.quote("工 业 年 关 于 通 知 的 省 作") + "&sort=date", "/search/?q=%25%00",
    "/api/records/?page=999999", "/api/records/?page_size=100000", "/api/records/?cursor=junk",
    "/api/records/?published_after=1900-01-01&published_before=2999-12-31&page_size=100",
    "/api/records/?fields=body&page_size=100", "/api/catalogue/?page=999999&year=2019&category=m5-3",
    "/api/categories/", "/records/999999999/", "/feeds/latest.rss?page=999", "/sitemap.xml",
]


def search_classes(env) -> dict[str, list[str]]:
    """Distinct search paths per query class: one character, a common character, a document
    number (real ones), four or more characters, no hit."""
    code = ("import json; from disclosure.models import Record; "
            "from disclosure.management.commands.generate_records import TOPICS; "
            "print(json.dumps([TOPICS, list(Record.objects.exclude(document_number='').order_by('?')"
            ".values_list('document_number', flat=True)[:200])]))")
    out = subprocess.run([PY, "manage.py", "shell", "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    topics, numbers = json.loads(out.strip().splitlines()[-1])
    characters = sorted({c for topic in topics for c in topic if "\u4e00" <= c <= "\u9fff"} - set(COMMON_CHARACTERS))
    long_words = sorted({topic[i:i + n] for topic in topics for n in (4, 5) for i in range(len(topic) - n + 1)
                         if all("\u4e00" <= c <= "\u9fff" for c in topic[i:i + n])})
    quote = urllib.parse.quote
    return {
        "1 character": [f"/search/?q={quote(c)}" for c in characters],
        "common character": [f"/search/?q={quote(c)}" for c in COMMON_CHARACTERS],
        "document number": [f"/search/?q={quote(n)}" for n in numbers],
        "4+ characters": [f"/search/?q={quote(w)}" for w in long_words],
        "no hit": [f"/search/?q={quote(w)}" for w in NO_HIT],
    }


def defeat_scenarios(env, base: str, record_ids: list[int], connections: int) -> list:
    rng = random.Random(2)
    terms = [f"{a} {b}" for a in QUERIES for b in QUERIES if a != b]
    rng.shuffle(terms)
    filters = [f"/catalogue/?category=m5-{rng.randint(1, 8)}&year={rng.randint(2017, 2026)}" for _ in range(100)]
    return [
        ("hello world (ceiling)", ["/bench/hello"], True, connections),
        ("home, unique query", ["/"], True, connections),
        ("statutory, unique query", ["/statutory/"], True, connections),
        ("catalogue p1, unique query", ["/catalogue/"], True, connections),
        ("catalogue filtered, unique", filters, True, connections),
        ("catalogue numbered pages, unique", [f"/catalogue/?page={rng.randint(2, 50)}" for _ in range(100)], True,
         connections),
        ("catalogue deep pages, unique", catalogue_deep_paths(env, 100), True, connections),
        ("record pages, rotating ids", [f"/records/{i}/" for i in record_ids], True, connections),
        ("search, distinct terms", [f"/search/?q={urllib.parse.quote(t)}" for t in terms[:600]], True, connections),
        ("API records p1, unique", ["/api/records/"], True, connections),
        ("API records deep, unique", api_deep_paths(env, base, 100), True, connections),
        ("API catalogue p1, unique", ["/api/catalogue/"], True, connections),
        # Single client: latency without queueing (the p95 goals and the 200 ms bound).
        *[(f"search 1 client: {name}", paths, True, 1) for name, paths in search_classes(env).items()],
        ("API 1 client: records p1", ["/api/records/"], True, 1),
        ("API 1 client: records deep", api_deep_paths(env, base, 100), True, 1),
        ("API 1 client: catalogue p1", ["/api/catalogue/"], True, 1),
        ("API 1 client: catalogue filtered", [f"/api/catalogue/?category=m5-{rng.randint(1, 8)}&year="
                                              f"{rng.randint(2017, 2026)}" for _ in range(50)], True, 1),
        ("API 1 client: categories", ["/api/categories/"], True, 1),
        ("extreme parameters, 1 client", EXTREME_PATHS, True, 1),
    ]


def defeat_checks(results: dict, ceiling: float) -> list[tuple[str, bool]]:
    """Issue #22's goals, each against this run's figures."""
    def ratio(name: str) -> float:
        return results[name]["rps"] / ceiling

    lists = ["home, unique query", "catalogue p1, unique query", "catalogue filtered, unique",
             "catalogue numbered pages, unique", "catalogue deep pages, unique"]
    searches = [name for name in results if name.startswith("search 1 client")]
    apis = [name for name in results if name.startswith("API 1 client")]
    return [
        ("record page >= 0.2 x hello", ratio("record pages, rotating ids") >= 0.2),
        *[(f"{name} >= 0.1 x hello", ratio(name) >= 0.1) for name in lists],
        ("search, distinct terms >= 0.08 x hello", ratio("search, distinct terms") >= 0.08),
        *[(f"{name}: p95 <= 50 ms", results[name]["p95"] <= 50) for name in searches + apis],
        ("extreme parameters: slowest <= 200 ms", results["extreme parameters, 1 client"]["max"] <= 200),
    ]


def wrk(base: str, paths: list[str], seconds: int, connections: int, unique: bool) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths))
    cmd = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(ROOT / "bench" / "report.lua"),
           base, "--", handle.name, "unique" if unique else "cached"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    os.unlink(handle.name)
    line = next(line for line in out.splitlines() if line.startswith("JSON "))
    return json.loads(line[5:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=15, help="seconds of warm-up before cached scenarios")
    parser.add_argument("--port", type=int, default=8877)
    parser.add_argument("--mode", choices=["cached", "defeat", "publish"], default="cached",
                        help="cached: pages as visitors get them; defeat: every request misses the page cache; "
                             "publish: the page cache's hit rate after a publication (in process)")
    parser.add_argument("--probe-records", type=int, default=2000, help="record pages stored before --mode publish")
    parser.add_argument("--publish-probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cache", default="locmem://",
                        help="CACHE_URL of the app servers: locmem:// (per worker, the default) or redis://...")
    args = parser.parse_args()
    if args.publish_probe:
        publish_probe(args.probe_records)
        return
    if not shutil.which("wrk"):
        sys.exit("需要 wrk / wrk is required: apt-get install wrk")

    OUT.mkdir(parents=True, exist_ok=True)
    url = (f"sqlite:///{OUT / 'bench.sqlite3'}" if args.database == "sqlite"
           else "postgres://postgres@127.0.0.1:5432/portal_bench")
    if args.database == "postgres":
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c", "CREATE DATABASE portal_bench"],
                       capture_output=True)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings", "DJANGO_DEMO": "1",
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "PYTHONPATH": str(ROOT), "DJANGO_LOG_LEVEL": "WARNING"}
    prepare(env, args.records)
    if args.mode == "publish":
        run([PY, __file__, "--publish-probe", "--probe-records", str(args.probe_records)],
            {**env, "DJANGO_DEMO": "0", "CACHE_URL": args.cache})
        return
    record_ids = ids(env, 2000)

    server_env = {**env, "DJANGO_DEMO": "0", "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "1", "CACHE_URL": args.cache,
                  "GUNICORN_BIND": f"127.0.0.1:{args.port}"}
    gunicorn = subprocess.Popen([str(Path(PY).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "bench.wsgi",
                                 "--access-logfile", "/dev/null"], env=server_env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/bench/hello", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        if args.mode == "defeat":
            scenarios = defeat_scenarios(env, base, record_ids, args.connections)
        else:
            rng = random.Random(1)
            # Visits to records follow a Zipf law, as on any public site: a few are read very often.
            weights = [1 / (rank + 1) ** 1.1 for rank in range(len(record_ids))]
            popular = [f"/records/{i}/" for i in rng.choices(record_ids, weights=weights, k=5000)]
            pages = ["/catalogue/"] + [f"/catalogue/?page={rng.randint(2, 50)}" for _ in range(50)]
            searches = [f"/search/?q={urllib.parse.quote(q)}" for q in QUERIES]
            # (name, paths, every request unique?, connections): latency targets are measured at the
            # concurrency the two workers can serve without queueing; throughput at full load.
            scenarios = [
                ("hello world (ceiling)", ["/bench/hello"], False, args.connections),
                ("catalogue list", pages, False, args.connections),
                ("record page (Zipf popularity)", popular, False, args.connections),
                ("record page (every request a miss)", [f"/records/{i}/" for i in record_ids], True, args.connections),
                ("search (cached)", searches, False, args.connections),
                ("search misses, full load", searches, True, args.connections),
                ("search misses, 2 at a time", searches, True, 2),
                ("catalogue (every request a miss)", ["/catalogue/"], True, args.connections),
            ]
        results = {}
        for name, paths, unique, connections in scenarios:
            # Warm up until every cacheable page has been rendered once by each worker, so the
            # figures are the steady state (misses are measured by their own scenarios).
            wrk(base, paths, 3 if unique else args.warmup, connections, unique)
            results[name] = wrk(base, paths, args.seconds, connections, unique)
            results[name]["load"] = os.getloadavg()[0]
        rss = worker_rss_mb(gunicorn.pid)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(30)
        except subprocess.TimeoutExpired:  # a loaded machine: do not lose the figures for it
            gunicorn.kill()
            gunicorn.wait()

    ceiling = results["hello world (ceiling)"]["rps"]
    print(f"\n{args.database}, {args.records} records, cache {args.cache}, gunicorn 2 workers, "
          f"wrk 2 threads x {args.connections} connections, {args.seconds}s each")
    print(f"{'scenario':40} {'req/s':>9} {'ratio':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'errors':>6} {'load':>5}")
    for name, r in results.items():
        print(f"{name:40} {r['rps']:9.1f} {r['rps'] / ceiling:6.2f} {r['p50']:8.2f} {r['p95']:8.2f} {r['p99']:8.2f} "
              f"{r['max']:8.2f} {r['errors']:6d} {r['load']:5.1f}")
    print("gunicorn workers' resident memory after the run: " + ", ".join(f"{mb:.0f} MB" for mb in rss)
          + f" (goal <= 150 MB each); load {os.getloadavg()[0]:.1f}")
    if args.mode == "defeat":
        for label, ok in defeat_checks(results, ceiling):
            print(f"{'PASS' if ok else 'FAIL'}  {label}")
        return
    checks = [
        ("list page >= 0.5 x hello world", results["catalogue list"]["rps"] >= 0.5 * ceiling),
        ("record page >= 0.6 x hello world", results["record page (Zipf popularity)"]["rps"] >= 0.6 * ceiling),
        ("search p95 <= 100 ms (misses, 2 at a time)", results["search misses, 2 at a time"]["p95"] <= 100),
    ]
    for label, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")


if __name__ == "__main__":
    main()

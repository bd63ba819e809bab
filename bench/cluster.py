#!/usr/bin/env python
"""Two app servers, one PostgreSQL, one Redis, nginx in front — under load (issue #8). Not a test.

    .venv/bin/python bench/cluster.py                       # 50 users for 60 s
    .venv/bin/python bench/cluster.py --users 100 --seconds 120 --records 20000

What it does, all on loopback:
1. creates a fresh PostgreSQL database (`--database`, default `portal_cluster_bench`), migrates,
   loads the demo agency and `--records` generated records; empties a Redis database;
2. starts two gunicorn app servers (deploy/gunicorn.conf.py, production settings) that share the
   database, the Redis cache and one media directory, and nginx in front of them with the
   production proxy rules (deploy/nginx/portal-proxy.conf);
3. runs locust headless (bench/locustfile.py; installed on first use into bench/out/locust-venv
   from bench/requirements.txt): visitors browse, read, search and submit applications, a quarter
   of them pressing submit twice (with `--fault`, app server 1 is killed halfway through);
4. stops everything and checks the database: every acknowledged submission (a receipt was shown)
   is stored exactly once, no submission is stored that was not acknowledged, and each double
   press produced one case.

It prints requests/s, p50/p95/p99 and the error count, per page and overall, and exits non-zero
when there were errors or lost or doubled submissions. All visitors share the loopback address,
so the per-address rate limits are scaled up (PORTAL_RATE_LIMIT_SCALE) for the run.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "cluster"
LOCUST_VENV = ROOT / "bench" / "out" / "locust-venv"
PY = sys.executable

NGINX_CONF = """\
daemon off;
worker_processes 1;
pid {out}/nginx.pid;
error_log {out}/nginx-error.log warn;
user root root;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {out}/nginx-body;
    proxy_temp_path {out}/nginx-proxy;
    fastcgi_temp_path {out}/nginx-fastcgi;
    uwsgi_temp_path {out}/nginx-uwsgi;
    scgi_temp_path {out}/nginx-scgi;
    upstream portal_app {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        include {root}/deploy/nginx/portal-proxy.conf;
    }}
}}
"""


def say(message: str) -> None:
    print(f"== {message}", flush=True)


def base_env(args) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_SECRET_KEY": "cluster-benchmark-secret-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_HTTPS": "0",  # TLS would end at nginx; loopback has none
        "DJANGO_BEHIND_PROXY": "1",
        "TRUSTED_PROXIES": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}",
        "CACHE_URL": args.redis,
        "DJANGO_MEDIA_ROOT": str(OUT / "media"),
        "DJANGO_STATIC_ROOT": str(OUT / "static"),
        "PORTAL_RATE_LIMIT_SCALE": "1000",
        "PORTAL_MAIL_DIR": str(OUT / "mail"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore",
    })
    return env


def manage(env, *args, **kwargs):
    return subprocess.run([PY, "manage.py", *args], env=env, cwd=ROOT, check=True, **kwargs)


def prepare(args, env) -> None:
    say(f"fresh database {args.database}, Redis {args.redis}")
    for sql in (f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)", f"CREATE DATABASE {args.database}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql], check=True)
    manage(env, "shell", "-c", "from django.core.cache import cache; cache.clear()")
    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "media").mkdir(parents=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage({**env, "DJANGO_DEMO": "1"}, "load_demo", stdout=subprocess.DEVNULL)
    if args.records:
        manage(env, "generate_records", "--records", str(args.records), stdout=subprocess.DEVNULL)
    manage(env, "collectstatic", "--noinput", "-v0")
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "--domain", "django",
                    "--directory", "locale", "--use-fuzzy"], cwd=ROOT, check=True, capture_output=True)


def locust_binary() -> Path:
    binary = LOCUST_VENV / "bin" / "locust"
    if not binary.exists():
        say("installing locust into bench/out/locust-venv (first run only)")
        subprocess.run([sys.executable, "-m", "venv", str(LOCUST_VENV)], check=True)
        with open(OUT.parent / "locust-install.log", "w") as log:
            subprocess.run([str(LOCUST_VENV / "bin" / "pip"), "install", "-r", str(ROOT / "bench" / "requirements.txt")],
                           check=True, stdout=log, stderr=subprocess.STDOUT)
    return binary


def wait_until_up(url: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not come up; see {OUT}/*.log")


def start(args, env) -> list[subprocess.Popen]:
    processes = []
    ports = [args.port + 1 + i for i in range(args.servers)]
    for i, port in enumerate(ports):
        log = open(OUT / f"app{i + 1}.log", "w")  # noqa: SIM115 — closed with the process
        processes.append(subprocess.Popen(
            [PY, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "portal.wsgi"],
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(args.workers),
                 "GUNICORN_THREADS": "1"},
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
    for port in ports:
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
    for name in ("nginx-body", "nginx-proxy", "nginx-fastcgi", "nginx-uwsgi", "nginx-scgi"):
        (OUT / name).mkdir(exist_ok=True)
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;" for port in ports)
    (OUT / "nginx.conf").write_text(NGINX_CONF.format(out=OUT, root=ROOT, port=args.port, servers=servers))
    processes.append(subprocess.Popen(["nginx", "-c", str(OUT / "nginx.conf"), "-p", str(OUT)],
                                      stdout=open(OUT / "nginx.log", "w"), stderr=subprocess.STDOUT,  # noqa: SIM115
                                      start_new_session=True))
    wait_until_up(f"http://127.0.0.1:{args.port}/healthz")
    # One task worker beside each app server (issue #21): they share the outbox, mail goes to
    # PORTAL_MAIL_DIR; after the run `verify` counts what is left unsent.
    for i in range(args.servers):
        processes.append(subprocess.Popen(
            [PY, "manage.py", "db_worker", "--queue-name", "default,mail", "--interval", "1", "--no-reload",
             "--worker-id", f"bench-worker-{i + 1}"],
            env=env, cwd=ROOT, stdout=open(OUT / f"worker{i + 1}.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT, start_new_session=True))
    say(f"{args.servers} app servers ({args.workers} workers each) on ports {ports}, nginx on {args.port}, "
        f"{args.servers} task workers")
    return processes


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def load(args, ack_file: Path, processes: list[subprocess.Popen]) -> Path:
    prefix = OUT / "locust"
    say(f"locust: {args.users} users, {args.seconds} s")
    if args.fault:
        # Halfway through, app server 1 dies without warning; nginx must carry on with the other.
        def kill_first():
            time.sleep(args.seconds / 2)
            say("fault: app server 1 killed")
            os.killpg(processes[0].pid, signal.SIGKILL)

        import threading

        threading.Thread(target=kill_first, daemon=True).start()
    subprocess.run([str(locust_binary()), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                    "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.seconds}s",
                    "--host", f"http://127.0.0.1:{args.port}", "--csv", str(prefix), "--only-summary",
                    "--loglevel", "WARNING", "--exit-code-on-error", "0",
                    # Let a visitor whose submit is in flight at the end read the receipt: a cut-off
                    # answer would count as stored-but-unacknowledged although nothing went wrong.
                    "--stop-timeout", "30"],
                   env={**os.environ, "PORTAL_ACK_FILE": str(ack_file)}, cwd=ROOT, check=True,
                   stdout=open(OUT / "locust.log", "w"), stderr=subprocess.STDOUT)  # noqa: SIM115
    return prefix.with_name("locust_stats.csv")


CHECK = """
import sys
from collections import Counter
from applications.models import DisclosureApplication
acknowledged = {}
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        code, key = line.rstrip("\\n").split("\\t")
        acknowledged.setdefault(code, set()).add(key)
stored = Counter(DisclosureApplication.objects.filter(applicant_name__startswith="压测申请人")
                 .values_list("tracking_code", flat=True))
missing = [c for c in acknowledged if stored[c] == 0]
doubled = [c for c, n in stored.items() if n > 1]
unacknowledged = [c for c in stored if c not in acknowledged]
two_keys = [c for c, keys in acknowledged.items() if len(keys) > 1]
from portal.models import Notice, NoticeState
notices = Counter(Notice.objects.values_list("state", flat=True))
print(f"RESULT notices_sent={notices[NoticeState.SENT]} notices_unsent={notices[NoticeState.PENDING]} "
      f"notices_failed={notices[NoticeState.FAILED]} "
      f"acknowledged={len(acknowledged)} stored={sum(stored.values())} missing={len(missing)} "
      f"doubled={len(doubled)} unacknowledged={len(unacknowledged)} one_case_two_submissions={len(two_keys)}")
"""


def verify(env, ack_file: Path) -> dict[str, int]:
    ack_file.touch()
    out = subprocess.run([PY, "manage.py", "shell", "-c", f"import sys; sys.argv = ['', {str(ack_file)!r}]\n{CHECK}"],
                         env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    return {k: int(v) for k, v in (part.split("=") for part in line.split()[1:])}


def report(stats_csv: Path, seconds: int) -> int:
    rows = list(csv.DictReader(stats_csv.open(encoding="utf-8")))
    print(f"\n{'page':<28}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    errors = 0
    for row in rows:
        name = row["Name"] if row["Type"] != "" else "TOTAL"
        print(f"{name[:27]:<28}{row['Request Count']:>10}{row['Failure Count']:>8}{float(row['Requests/s']):>9.1f}"
              f"{row['50%']:>9}{row['95%']:>9}{row['99%']:>9}")
        if row["Name"] == "Aggregated":
            errors = int(row["Failure Count"])
    return errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument("--records", type=int, default=5000, help="generated records besides the demo's")
    parser.add_argument("--database", default="portal_cluster_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--port", type=int, default=8100, help="nginx; app servers take the next ports")
    parser.add_argument("--fault", action="store_true", help="kill app server 1 halfway through the run")
    args = parser.parse_args()
    for tool in ("nginx", "psql"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed (apt-get install nginx postgresql-client)")

    env = base_env(args)
    prepare(args, env)
    processes = start(args, env)
    ack_file = OUT / "acknowledged.tsv"
    try:
        stats = load(args, ack_file, processes)
    finally:
        stop(processes)
    errors = report(stats, args.seconds)
    result = verify(env, ack_file)
    print("\nsubmissions: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in result.items()))
    print(f"errors: {errors}")
    bad = errors or result["missing"] or result["doubled"] or result["unacknowledged"] or result["one_case_two_submissions"]
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

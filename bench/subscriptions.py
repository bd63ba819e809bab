#!/usr/bin/env python
"""Publishing to many subscribers (issue #21). Not a test: it prints figures.

    .venv/bin/python bench/subscriptions.py --database sqlite   --subscribers 10000
    .venv/bin/python bench/subscriptions.py --database postgres --subscribers 10000

On a fresh database (SQLite: bench/out/subscriptions.sqlite3; PostgreSQL: portal_bench_subs,
dropped and created again), with the tests' small agency and the production settings (the
database task backend, the SMTP backend):

1. the publisher's final step — the POST of the 发布 button in the back office, through the test
   client — is timed for --repeat records with no subscriber, then again with N confirmed
   subscribers who all follow the records' category (half immediate, 30 % daily, 20 % weekly).
   The bar: N subscribers add no time to the publishing request (the matching is a task row).
2. The matching task of one of those records is run by django-tasks-db's worker (queue
   "default") and timed: the deliveries and the immediate subscribers' notices it writes.
3. The worker sends those notices (queue "mail") to an SMTP sink (aiosmtpd in its own process,
   which counts what it receives) and is timed: total and per mail.
4. The daily and weekly digests are written (`send_digests`) and sent the same way.

The machine's load average is printed with the figures (read them with it: the machine may be
shared).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

SINK = """
import asyncio, sys
from aiosmtpd.controller import Controller

class Counter:
    received = 0
    async def handle_DATA(self, server, session, envelope):
        Counter.received += 1
        return "250 OK"

controller = Controller(Counter(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
for _line in sys.stdin:  # each line asks for the count so far
    print(Counter.received, flush=True)
controller.stop()
"""


class Sink:
    """An SMTP server in its own process that counts the messages it receives."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen([sys.executable, "-c", SINK, str(self.port)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "ready"

    def received(self) -> int:
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def close(self):
        self.process.stdin.close()
        self.process.wait(10)


def fresh_database(database: str) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    if database == "sqlite":
        path = OUT / "subscriptions.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    for sql in ("DROP DATABASE IF EXISTS portal_bench_subs", "CREATE DATABASE portal_bench_subs"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q", "-c", sql], check=True)
    return "postgres://postgres@127.0.0.1:5432/portal_bench_subs"


def run_worker(queue: str) -> None:
    """django-tasks-db's worker as `manage.py db_worker --batch` runs it: every ready task, then exit."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(queue_names=[queue], interval=0, batch=True, backend_name="default", startup_delay=False,
           max_tasks=None, worker_id=f"bench-{queue}", excluded_queue_names=[]).run()


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="publishing requests timed with and without subscribers")
    parser.add_argument("--profile", action="store_true", help="print where the sending of the digests spends time")
    args = parser.parse_args()

    sink = Sink()
    os.environ.update({
        "DATABASE_URL": fresh_database(args.database), "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEMO": "1", "DJANGO_ALLOWED_HOSTS": "testserver", "DJANGO_LOG_LEVEL": "WARNING",
        "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink.port), "PORTAL_BASE_URL": "https://gxt.example.gov.cn",
    })
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from disclosure.models import Record
    from disclosure.subscription_models import Frequency, Subscription, SubscriptionDelivery
    from disclosure.subscription_services import send_digests
    from portal.models import Notice, NoticeState
    from tests.conftest import S, _build_world, drive, load_world, new_draft

    try:
        call_command("migrate", verbosity=0)
        _build_world()
        world = load_world()
        client = Client()
        client.force_login(world.publisher)
        print(f"{args.database}, {args.subscribers} subscribers, load average {load()} at the start",
              flush=True)

        queries_per_request: list[int] = []

        def publish_request() -> tuple[Record, float]:
            record = drive(world, new_draft(world, title="关于开展中小企业数字化转型试点工作的通知"), S.READY)
            url = reverse("admin:disclosure_record_transition", args=[record.pk, "publish"])
            assert client.get(url).status_code == 200
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.post(url, {"expected_state": S.READY, "channels": ["column"]})
                elapsed = time.perf_counter() - start
            queries_per_request.append(len(queries))
            assert response.status_code == 302, response.content.decode()[:2000]
            record.refresh_from_db()
            assert record.state == S.PUBLISHED
            return record, elapsed * 1000

        publish_request()  # warm the templates and per-process caches
        without = [publish_request()[1] for _ in range(args.repeat)]
        queries_without = queries_per_request[-1]
        DBTaskResult.objects.all().delete()

        now = timezone.now()
        frequencies = [Frequency.IMMEDIATE] * 5 + [Frequency.DAILY] * 3 + [Frequency.WEEKLY] * 2
        subscriptions = Subscription.objects.bulk_create(
            [Subscription(email=f"reader{n}@example.com", token_digest=f"bench-{n:08d}-digest",
                          frequency=frequencies[n % 10], confirmed_at=now) for n in range(args.subscribers)],
            batch_size=2000)
        Subscription.categories.through.objects.bulk_create(
            [Subscription.categories.through(subscription_id=s.pk, cataloguecategory_id=world.category.pk)
             for s in subscriptions], batch_size=2000)
        with_many = []
        for _ in range(args.repeat):
            record, elapsed = publish_request()
            with_many.append(elapsed)
        # One record's matching is measured; the other publications' tasks are dropped.
        DBTaskResult.objects.exclude(args_kwargs__args=[record.pk, "publish"]).delete()
        Notice.objects.all().delete()

        matching = timed(lambda: run_worker("default"))
        deliveries = SubscriptionDelivery.objects.filter(record=record).count()
        immediate = Notice.objects.count()
        sending = timed(lambda: run_worker("mail"))
        sent_immediate = Notice.objects.filter(state=NoticeState.SENT).count()
        received_immediate = sink.received()

        writing = timed(send_digests)
        digests = Notice.objects.count() - immediate
        if args.profile:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            sending_digests = timed(lambda: profile.runcall(run_worker, "mail"))
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        else:
            sending_digests = timed(lambda: run_worker("mail"))
        sent = Notice.objects.filter(state=NoticeState.SENT).count()
        received = sink.received()

        def per(seconds: float, count: int) -> str:
            return f"{seconds * 1000 / count:.2f} ms each" if count else "—"

        print(f"publishing request (POST 发布), median of {args.repeat}: "
              f"{statistics.median(without):.1f} ms with no subscriber, "
              f"{statistics.median(with_many):.1f} ms with {args.subscribers} matching "
              f"(max {max(without):.1f} / {max(with_many):.1f} ms; {queries_without} / {queries_per_request[-1]} queries)")
        print(f"matching task: {matching:.2f} s for {deliveries} deliveries, {immediate} immediate notices "
              f"({per(matching, deliveries)})")
        print(f"sending the immediate notices: {sending:.2f} s for {sent_immediate} sent, "
              f"{received_immediate} received by the sink ({per(sending, sent_immediate)})")
        print(f"writing the digests: {writing:.2f} s for {digests} digests ({per(writing, digests)})")
        print(f"sending the digests: {sending_digests:.2f} s for {sent - sent_immediate} sent, "
              f"{received - received_immediate} received ({per(sending_digests, sent - sent_immediate)})")
        print(f"digests written and sent: {(writing + sending_digests):.2f} s "
              f"({per(writing + sending_digests, digests)})")
        unsent = Notice.objects.exclude(state=NoticeState.SENT).count()
        print(f"notices not sent: {unsent}; load average {load()} at the end")
    finally:
        sink.close()


if __name__ == "__main__":
    main()

"""The one-time-link form, timed for a known and an unknown address (issue #18 part 4; not part
of the tests): the page must not tell who has cases here, by its words or by its time.

    .venv/bin/python bench/own_cases.py [--requests 200]

On a fresh SQLite database (migrated in a temporary directory) with one application, posts the
form alternately with the applicant's e-mail address and an unknown one (rate limits off, mail
through a background thread as in production, locmem backend) and prints the median and p95 of
each and the difference of the medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-own-cases-')) / 'db.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.test_settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

KNOWN, UNKNOWN = "known.applicant@example.invalid", "nobody.here@example.invalid"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    settings.RATE_LIMIT_ENABLED = False
    settings.PORTAL_JOB_RUNNER = "thread"
    settings.ALLOWED_HOSTS = ["*"]
    from applications.models import DisclosureApplication

    DisclosureApplication.objects.create(
        tracking_code="SQ2026-900001", secret_digest="-", applicant_type="natural_person", applicant_name="王某",
        identity_document="resident_id", identity_number="11010519491231002X", phone="13911112222", email=KNOWN,
        information_title="测试", description="测试", received_on=timezone.localdate())
    client = Client()
    times: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
    bodies: dict[str, bytes] = {}
    for n in range(args.requests * 2 + 20):
        address = KNOWN if n % 2 else UNKNOWN
        start = time.perf_counter()
        response = client.post("/my-cases/", {"contact": address})
        elapsed = time.perf_counter() - start
        assert response.status_code == 200
        bodies[address] = response.content
        if n >= 20:  # warm-up
            times[address].append(elapsed * 1000)
    for address, label in ((KNOWN, "known"), (UNKNOWN, "unknown")):
        values = sorted(times[address])
        print(f"{label:8} median {statistics.median(values):6.2f} ms   p95 {values[int(len(values) * .95)]:6.2f} ms")
    print(f"difference of the medians: {statistics.median(times[KNOWN]) - statistics.median(times[UNKNOWN]):+.2f} ms;"
          f" bodies identical: {bodies[KNOWN] == bodies[UNKNOWN]}")


if __name__ == "__main__":
    main()

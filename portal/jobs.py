"""Work that takes longer than a request should (a 300-page redaction): one function to start it.

`run_later("dotted.path.to.function", *args)` runs the function after the current transaction
commits, in a background thread of this process (settings.PORTAL_JOB_RUNNER = "thread", the
default) — or at once, in the caller's thread and transaction ("inline": the tests, whose
transactions never commit). Arguments are plain
values (ids), never model instances, so that a task queue can take this function's place later
(issue #21) without touching its callers. A job records its own progress and outcome in the
database; one that dies with its process is found and reported by the job's own recovery (e.g.
`manage.py run_redactions`)."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def _run(path: str, args: tuple) -> None:
    try:
        import_string(path)(*args)
    except Exception:  # a job reports its own failure in its row; this is the last resort
        logger.exception("background job %s failed", path)


def _in_thread(path: str, args: tuple) -> None:
    def target():
        close_old_connections()
        try:
            _run(path, args)
        finally:
            connections.close_all()

    threading.Thread(target=target, name=f"job:{path}", daemon=True).start()


def run_later(path: str, *args) -> None:
    mode = getattr(settings, "PORTAL_JOB_RUNNER", "thread")
    if mode == "inline":
        import_string(path)(*args)
    else:
        transaction.on_commit(lambda: _in_thread(path, args))

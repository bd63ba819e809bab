"""The portal served to the browser inside the test's own transaction (issue #17: the suite's time).

pytest-django's `live_server` makes every browser test transactional: the server's threads have
their own database connections, so the test's rows must be committed, and the whole database is
flushed after each test — and the shared agency (tests/conftest.py) built again for the next.
Django already hands the test's connection to the server for in-memory SQLite
(LiveServerThread's `connections_override`); here the same is done for every database, so a
browser test is an ordinary test rolled back at its end, like the rest of the suite.

What sharing one connection between threads needs, and gets here:
- one request at a time touches it (`OneAtATime`; static files are served beside it);
- only its own thread may close it — Django closes connections at the end of every request,
  which on PostgreSQL would end the test's transaction (`_owner_only`);
- no request is still running when the test rolls back (`PortalServer.idle`).

Static files are sent with a lifetime, so a person's browser loads the admin's scripts once per
test instead of revalidating them on every page (two thirds of a form test's requests)."""

from __future__ import annotations

import threading

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread

HOST = "localhost"


class OneAtATime:
    """WSGI wrapper: the application runs for one request at a time, until its response has been
    sent (a streamed export reads the database while it is written)."""

    def __init__(self, application):
        self.application = application
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        self.lock.acquire()
        try:
            response = self.application(environ, start_response)
        except BaseException:
            self.lock.release()
            raise
        return _ReleasedOnClose(response, self.lock)


class _ReleasedOnClose:
    def __init__(self, response, lock):
        self.response, self.lock = response, lock

    def __iter__(self):
        return iter(self.response)

    def close(self):
        try:
            if hasattr(self.response, "close"):
                self.response.close()
        finally:
            self.lock.release()


class CachedStaticFiles(StaticFilesHandler):
    """Static files with a lifetime, as a production server sends them (whitenoise, nginx)."""

    def serve(self, request):
        response = super().serve(request)
        response["Cache-Control"] = "max-age=3600"
        return response


def _owner_only(connection, name: str):
    """`connection.<name>` that does nothing in the server's threads."""
    method = getattr(connection, name)
    owner = threading.get_ident()

    def guarded(*args, **kwargs):
        if threading.get_ident() == owner:
            return method(*args, **kwargs)
        return None

    return guarded


class PortalServer:
    """A live server on the test thread's database connections; `url` as pytest-django's."""

    def __init__(self):
        self.shared = {conn.alias: conn for conn in connections.all()}
        self.gate: OneAtATime | None = None

        def handler(application):
            self.gate = OneAtATime(application)
            return CachedStaticFiles(self.gate)

        self.thread = LiveServerThread(HOST, handler, connections_override=self.shared)
        self.thread.daemon = True

    def start(self) -> None:
        for conn in self.shared.values():
            conn.inc_thread_sharing()
            for name in ("close", "close_if_unusable_or_obsolete"):
                setattr(conn, name, _owner_only(conn, name))
        self.thread.start()
        self.thread.is_ready.wait()
        if self.thread.error:
            self.stop()
            raise self.thread.error

    def stop(self) -> None:
        self.thread.terminate()
        for conn in self.shared.values():
            conn.dec_thread_sharing()
            for name in ("close", "close_if_unusable_or_obsolete"):
                vars(conn).pop(name, None)
            # Closed here: out of the event loop the thread sees its other connections again, and
            # dropping the test database would find this one still open.
            conn.close()

    def idle(self, timeout: float = 30) -> None:
        """Wait for a request still being answered (the browser may have left before it ended)."""
        if self.gate and self.gate.lock.acquire(timeout=timeout):
            self.gate.lock.release()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.thread.port}"

    def __str__(self) -> str:
        return self.url

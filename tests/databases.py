"""One `migrate` per test run, copied to every test worker (issue #17: the suite's time).

`migrate` on an empty database is 110 migrations whose model states Django renders again and
again (every model is tied to the user model through its history): 18 s of one core on a fast
machine, 45 s on a slow one. Each pytest-xdist worker used to migrate its own database. Now the
first worker to get here migrates one database, and each worker (the first included) gets a copy:

- SQLite: the migrated in-memory database is written to a file once (sqlite3's backup API), and
  each worker's in-memory test database is read back from it (a few milliseconds);
- PostgreSQL: the migrated database is a template, and each worker's database is made from it
  with CREATE DATABASE … TEMPLATE (Django's own clone, as `manage.py test --parallel` does).

Every test database is still what `migrate` built, and tests/applications/test_migrations.py still
runs migrations back and forth. Outside xdist (or with --reuse-db) the databases are set up the
usual way."""

from __future__ import annotations

import contextlib
import fcntl
import sqlite3
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.test.utils import setup_databases


@contextlib.contextmanager
def _one_worker_at_a_time(lock_path: Path):
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def template_database_name(alias: str) -> str:
    """The PostgreSQL database every worker's copy is made from (settings NAME "test" → "test_test_migrated")."""
    return f"test_{settings.DATABASES[alias]['NAME']}_migrated"


def sqlite_template(shared: Path, alias: str) -> Path:
    return shared / f"migrated-{alias}.sqlite3"


def _point_at(connection, name: str) -> None:
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _copy_sqlite(connection, shared: Path, verbosity: int) -> tuple | None:
    """This worker's in-memory database, read from the migrated file (None: no file yet, and this
    worker migrates; its database is then written to the file)."""
    template = sqlite_template(shared, connection.alias)
    if not template.exists():
        return None
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation._create_test_db(verbosity, autoclobber=True, keepdb=False)
    _point_at(connection, test_name)
    connection.ensure_connection()
    source = sqlite3.connect(template)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    return connection, old_name, True


def write_sqlite_template(connection, shared: Path) -> None:
    template = sqlite_template(shared, connection.alias)
    part = template.with_suffix(".part")
    copy = sqlite3.connect(part)
    try:
        connection.ensure_connection()
        connection.connection.backup(copy)
    finally:
        copy.close()
    part.rename(template)


def _copy_postgresql(connection, shared: Path, worker: str, verbosity: int) -> tuple:
    """This worker's database, made from the migrated template (migrated first if no worker has)."""
    old_name = connection.settings_dict["NAME"]
    template = template_database_name(connection.alias)
    made = shared / f"migrated-{connection.alias}.postgresql"
    if made.exists():
        _point_at(connection, template)
    else:
        test = connection.settings_dict["TEST"]
        worker_name = test.get("NAME")
        test["NAME"] = template
        try:
            connection.creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
        finally:
            test["NAME"] = worker_name
        made.touch()
    # CREATE DATABASE … TEMPLATE needs nobody connected to the template: the clone closes this
    # worker's connection, and the other workers wait for the lock.
    connection.creation.clone_test_db(suffix=worker, verbosity=verbosity, autoclobber=True)
    _point_at(connection, connection.creation.get_test_db_clone_settings(worker)["NAME"])
    return connection, old_name, True


def setup_worker_databases(aliases, shared: Path, worker: str, verbosity: int) -> list:
    """Django's setup_databases for one xdist worker, from one migration shared by all of them.
    Returns the old configuration for django.test.utils.teardown_databases."""
    old_config = []
    for alias in sorted(aliases):
        connection = connections[alias]
        with _one_worker_at_a_time(shared / f"migrated-{alias}.lock"):
            if connection.vendor == "postgresql":
                old_config.append(_copy_postgresql(connection, shared, worker, verbosity))
            elif connection.vendor == "sqlite" and connection.creation.is_in_memory_db(connection.creation._get_test_db_name()):
                copied = _copy_sqlite(connection, shared, verbosity)
                if copied is None:
                    old_config += setup_databases(verbosity=verbosity, interactive=False, aliases={alias})
                    write_sqlite_template(connection, shared)
                else:
                    old_config.append(copied)
            else:
                old_config += setup_databases(verbosity=verbosity, interactive=False, aliases={alias})
    return old_config


def drop_template(alias: str = "default") -> None:
    """At the end of the run (in pytest-xdist's controller): the PostgreSQL template goes."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(template_database_name(alias))}")

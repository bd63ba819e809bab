"""Shared fixtures: a small agency with two business divisions and one person per role.

The agency (`world`) is written once per worker database and read back by each test; rows a
module's tests only read can be kept for the module (`rows_for_the_module`); the clock helper is
tests/timing.py and the factories are tests/factories.py (issue #17: the suite's time)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from disclosure import services
from disclosure.catalogue_seed import seed_categories
from disclosure.models import CatalogueCategory, Channel, Record, RecordState
from portal.models import Membership, Office, OfficeKind, Role, Sequence, SiteProfile

S = RecordState
ALL_CLEAR = {"no_state_secret": True, "no_commercial_secret": True, "no_personal_privacy": True,
             "redacted_parts": "", "redaction_grounds": []}


@dataclass
class World:
    office_a: Office
    office_b: Office
    general_office: Office
    info_center: Office
    supervision_office: Office
    drafter_a: object
    head_a: object
    drafter_b: object
    head_b: object
    disclosure: object
    leader_a: object
    leader_b: object
    publisher: object
    registrar: object
    supervisor: object
    admin: object
    nobody: object
    category: CatalogueCategory

    def users_by_role(self) -> dict[str, object]:
        return {
            "drafter_a": self.drafter_a, "head_a": self.head_a, "drafter_b": self.drafter_b, "head_b": self.head_b,
            "disclosure": self.disclosure, "leader_a": self.leader_a, "leader_b": self.leader_b,
            "publisher": self.publisher, "registrar": self.registrar, "supervisor": self.supervisor,
            "admin": self.admin, "nobody": self.nobody,
        }


def make_user(username: str, role: str | None = None, office: Office | None = None, **extra):
    user = get_user_model().objects.create_user(username, f"{username}@example.invalid", "pw-for-tests-only", **extra)
    if role:
        Membership.objects.create(user=user, role=role, office=office)
        user.refresh_from_db()
    return user


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The local-memory cache outlives a test's database; cached pages must not."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """LocaleMiddleware leaves the language of a test's last request active in the thread: the
    next test would start in English after one that browsed in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.hookimpl(trylast=True)  # after -m and -k have deselected: the order below counts the tests run
def pytest_collection_modifyitems(config, items):
    from django.db import connection

    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL row locks (set DATABASE_URL)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)
    _module_rows_last(items)
    # Browser tests last (their order kept): Playwright leaves an event loop running on the
    # thread, which no other test should meet (tests/browser/conftest.py, `browser`).
    items[:] = sorted(items, key=lambda item: item.get_closest_marker("browser") is not None)
    order_for_xdist_workers(config, items)


def order_for_xdist_workers(config, items) -> None:
    """Under pytest-xdist one worker migrates the database that every worker copies
    (tests/databases.py); the others would wait for it. So the tests that use no database go where
    the second worker starts: xdist's load scheduler first hands each worker a chunk of
    consecutive tests (a quarter of its share), the first worker's chunk starts with a database
    test, and the second runs these while the first migrates.

    The modules marked `one_worker` open the first worker's chunk: their tests read rows a module
    fixture builds at some cost (tests/test_query_bounds.py: 20 s), and a module split between two
    workers builds them on both. Browser tests keep their place at the end. Only the time depends
    on this order (tests/test_suite_order.py)."""
    workers = getattr(config, "workerinput", {}).get("workercount", 0)
    if workers < 2:  # (a worker is not told the --dist mode; with -n it is "load" unless asked)
        return
    browser = [item for item in items if item.get_closest_marker("browser")]
    rest = [item for item in items if not item.get_closest_marker("browser")]
    without = [item for item in rest if not uses_database(item)]
    together = [item for item in rest if item.get_closest_marker("one_worker") and uses_database(item)]
    moved = set(without) | set(together)
    with_database = [item for item in rest if item not in moved]
    if not with_database and not together:
        return
    chunk = max(len(items) // workers // 4 - len(together), 2)
    items[:] = together + with_database[:chunk] + without + with_database[chunk:] + browser


def uses_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or "django_db_setup" in getattr(item, "fixturenames", ())


def _module_rows_last(items) -> None:
    """A module's tests that read rows of a `…_module_rows` fixture run after its other database
    tests: those rows stay until the module's last test, and the others must not see them.
    pytest-django has already put the database tests first (tryfirst); this only permutes the
    places of one module's non-transactional database tests, so that order is kept."""
    def plain_db(item) -> bool:
        marker = item.get_closest_marker("django_db")
        names = getattr(item, "fixturenames", ())
        transactional = ("transactional_db" in names or "live_server" in names
                         or (marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))))
        return (marker is not None or "db" in names) and not transactional

    def reads_module_rows(item) -> bool:
        return any(name.endswith("_module_rows") for name in getattr(item, "fixturenames", ()))

    places: dict[object, list[int]] = {}
    for index, item in enumerate(items):
        if plain_db(item):
            places.setdefault(item.module, []).append(index)
    for indices in places.values():
        module_items = [items[i] for i in indices]
        if any(reads_module_rows(item) for item in module_items):
            for index, item in zip(indices, sorted(module_items, key=reads_module_rows), strict=True):
                items[index] = item


# The agency every test shares: office and user fields of World, by what they are built as.
WORLD_OFFICES = {
    "office_a": ("政策法规处", OfficeKind.DIVISION),
    "office_b": ("装备工业处", OfficeKind.DIVISION),
    "general_office": ("厅办公室", OfficeKind.GENERAL_OFFICE),
    "info_center": ("厅信息中心", OfficeKind.INFO_CENTER),
    "supervision_office": ("厅监察室", OfficeKind.SUPERVISION),
}
WORLD_USERS = {  # field: (username, role, office field)
    "leader_a": ("leader_a", Role.LEADER, None),
    "leader_b": ("leader_b", Role.LEADER, None),
    "drafter_a": ("drafter_a", Role.DRAFTER, "office_a"),
    "head_a": ("head_a", Role.DIVISION_HEAD, "office_a"),
    "drafter_b": ("drafter_b", Role.DRAFTER, "office_b"),
    "head_b": ("head_b", Role.DIVISION_HEAD, "office_b"),
    "disclosure": ("gkb", Role.DISCLOSURE_OFFICE, "general_office"),
    "publisher": ("publisher", Role.INFO_CENTER, "info_center"),
    "registrar": ("registrar", Role.GENERAL_OFFICE, "general_office"),
    "supervisor": ("supervisor", Role.SUPERVISION, "supervision_office"),
    "admin": ("root", None, None),
    "nobody": ("nobody", None, None),
}
# pks of the shared rows in this worker's database (each xdist worker has its own database).
_WORLD_PKS: dict[str, int] = {}


def _build_world() -> None:
    """Write the agency's rows and remember their pks. Idempotent for the seeded categories."""
    seed_categories(CatalogueCategory)
    SiteProfile(name="测试省工业和信息化厅", uscc="11220000013544357T").save()
    offices = {field: Office.objects.create(name=name, kind=kind) for field, (name, kind) in WORLD_OFFICES.items()}
    users = {}
    for field, (username, role, office) in WORLD_USERS.items():
        if field == "admin":
            users[field] = get_user_model().objects.create_superuser(
                username, f"{username}@example.invalid", "pw-for-tests-only")
        else:
            users[field] = make_user(username, role, offices.get(office), **({"is_staff": True} if not role else {}))
    offices["office_a"].supervising_leaders.add(users["leader_a"])
    offices["office_b"].supervising_leaders.add(users["leader_b"])
    _WORLD_PKS.clear()
    _WORLD_PKS.update({f"office:{f}": o.pk for f, o in offices.items()})
    _WORLD_PKS.update({f"user:{f}": u.pk for f, u in users.items()})
    _WORLD_PKS["category"] = CatalogueCategory.objects.get(code="m5-2").pk


# A file of the freshly migrated SQLite database (see `django_db_setup`).
MIGRATED_SQLITE: dict[str, Path] = {}


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings,
                    django_db_use_migrations, django_db_keepdb, tmp_path_factory):
    """The test databases (pytest-django's fixture, replaced): under pytest-xdist one `migrate` for
    all workers, each worker's database a copy of it (tests/databases.py).

    Then the agency is built once per worker database, committed, instead of once per test (it was
    a third of a typical test's time). Each test runs in a transaction rolled back at its end, so
    what a test changes of it is undone; a transactional test flushes it, and `world` builds it
    again.

    On SQLite the freshly migrated database is also a file, for the tests of commands run by hand
    on a migrated database, which otherwise each run `migrate` in a subprocess
    (tests/portal/test_config.py)."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from tests import databases

    verbosity = request.config.option.verbose
    aliases = set(settings.DATABASES)
    # Not xdist's `worker_id` fixture: `-p no:xdist` (a debugger, a profiler) has no such fixture.
    worker_id = getattr(request.config, "workerinput", {}).get("workerid", "master")
    with django_db_blocker.unblock():
        if worker_id == "master" or django_db_keepdb or not django_db_use_migrations:
            if not django_db_use_migrations:
                from pytest_django.fixtures import _disable_migrations

                _disable_migrations()
            old_config = setup_databases(verbosity=verbosity, interactive=False, aliases=aliases,
                                         keepdb=django_db_keepdb)
            shared = tmp_path_factory.getbasetemp()
            if connection.vendor == "sqlite":
                databases.write_sqlite_template(connection, shared)
        else:
            shared = tmp_path_factory.getbasetemp().parent  # the same directory for every worker
            old_config = databases.setup_worker_databases(aliases, shared, worker_id, verbosity)
        if connection.vendor == "sqlite":
            MIGRATED_SQLITE["default"] = databases.sqlite_template(shared, "default")
        _build_world()
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(old_config, verbosity=verbosity)


def pytest_sessionfinish(session):
    """pytest-xdist's controller drops the PostgreSQL database the workers' databases were copied from."""
    if hasattr(session.config, "workerinput") or not getattr(session.config.option, "numprocesses", None):
        return
    from pytest_django.plugin import blocking_manager_key

    from tests import databases

    with session.config.stash[blocking_manager_key].unblock():
        databases.drop_template()


def load_world() -> World:
    """The shared agency, read afresh (a test must not see another test's in-memory changes);
    built again when a transactional test has flushed it."""
    offices = Office.objects.in_bulk([_WORLD_PKS.get(f"office:{f}") for f in WORLD_OFFICES])
    users = get_user_model().objects.in_bulk([_WORLD_PKS.get(f"user:{f}") for f in WORLD_USERS])
    intact = (
        all(getattr(offices.get(_WORLD_PKS.get(f"office:{f}")), "name", None) == name
            for f, (name, _kind) in WORLD_OFFICES.items())
        and all(getattr(users.get(_WORLD_PKS.get(f"user:{f}")), "username", None) == username
                for f, (username, _role, _office) in WORLD_USERS.items())
        and SiteProfile.objects.filter(pk=1).exists()
    )
    if not intact:
        _build_world()
        return load_world()
    return World(
        **{f: offices[_WORLD_PKS[f"office:{f}"]] for f in WORLD_OFFICES},
        **{f: users[_WORLD_PKS[f"user:{f}"]] for f in WORLD_USERS},
        category=CatalogueCategory.objects.get(pk=_WORLD_PKS["category"]),
    )


@pytest.fixture
def world(db) -> World:
    return load_world()


@contextlib.contextmanager
def rows_for_the_module(django_db_blocker):
    """For a module-scoped fixture whose rows its tests only read: what the body writes lives in a
    transaction around the module's tests (each test's own transaction is a savepoint inside it,
    so a test's changes are still undone) and is rolled back after the last of them.

        @pytest.fixture(scope="module")
        def _pks(django_db_setup, django_db_blocker):
            with rows_for_the_module(django_db_blocker) as unblocked:
                with unblocked():
                    pks = ...  # build, with load_world() for the agency
                yield pks

    Not for modules with transactional tests (their flush would run inside the transaction)."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield django_db_blocker.unblock
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def column_in_every_state(build, media: str):
    """The two fixtures of a module whose tests read one record in every state (`build(world)`
    returns {"hidden": {title: record}, "published": record, "on_request": record}): the rows,
    built once for the module (`rows_for_the_module`), and `column`, read afresh for each test.
    In the module: `column_module_rows, column = column_in_every_state(_build_column, "x-media")`."""

    @pytest.fixture(scope="module")
    def column_module_rows(django_db_setup, django_db_blocker, tmp_path_factory):
        from django.test import override_settings

        files = tmp_path_factory.mktemp(media)
        with rows_for_the_module(django_db_blocker) as unblocked:
            with unblocked(), override_settings(MEDIA_ROOT=files):
                column = build(load_world())
                pks = {"hidden": {title: record.pk for title, record in column["hidden"].items()},
                       "published": column["published"].pk, "on_request": column["on_request"].pk}
            yield files, pks

    @pytest.fixture
    def column(world, settings, column_module_rows):
        settings.MEDIA_ROOT, pks = column_module_rows
        records = Record.objects.in_bulk([*pks["hidden"].values(), pks["published"], pks["on_request"]])
        return {"hidden": {title: records[pk] for title, pk in pks["hidden"].items()},
                "published": records[pks["published"]], "on_request": records[pks["on_request"]]}

    return column_module_rows, column


@pytest.fixture
def without_world(db):
    """The database as `migrate` leaves it, for the tests of a fresh installation (load_demo, the
    counts of a first run): the shared agency is deleted inside the test's transaction, and comes
    back with its rollback."""
    delete_world()


def delete_world() -> None:
    """Delete the shared agency (inside a transaction that brings it back: `without_world`)."""
    from django.apps import apps
    from guardian.utils import get_anonymous_user

    Membership.objects.all().delete()
    Office.objects.all().delete()
    SiteProfile.objects.all().delete()
    Sequence.objects.filter(name="public_content").delete()  # bumped by the agency's rows
    get_user_model().objects.exclude(pk=get_anonymous_user().pk).delete()
    # What simple_history wrote of them (and of these deletions).
    for label in ("portal.HistoricalMembership", "portal.HistoricalOffice", "portal.HistoricalSiteProfile",
                  "portal.HistoricalOffice_supervising_leaders"):
        apps.get_model(label).objects.all().delete()


def new_draft(world: World, office: Office | None = None, **fields) -> Record:
    from tests.factories import RecordDraftFactory

    office = office or world.office_a
    drafter = world.drafter_a if office == world.office_a else world.drafter_b
    return RecordDraftFactory(office=office, drafter=drafter, category=fields.pop("category", world.category), **fields)


ORDER = [S.DRAFT, S.DIVISION_REVIEW, S.CONFIDENTIALITY_REVIEW, S.LEADER_SIGNOFF, S.READY, S.PUBLISHED, S.REGISTERED]


def _without_interpretation(record: Record) -> dict:
    """A 行政规范性文件 driven without an interpretation goes on with the disclosure office's
    reason (issue #19); the tests of interpretations attach theirs."""
    from disclosure.selectors import policy_has_interpretation

    if record.document_type == "normative" and not policy_has_interpretation(record):
        return {"interpretation_waiver": "simple"}
    return {}


def drive(world: World, record: Record, to: str) -> Record:
    """Take a record through the real workflow up to state `to`."""
    office_a = record.office_id == world.office_a.pk
    drafter = world.drafter_a if office_a else world.drafter_b
    head = world.head_a if office_a else world.head_b
    leader = world.leader_a if office_a else world.leader_b
    next_step = {
        S.DRAFT: lambda r: services.record_submit(record=r, actor=drafter),
        S.DIVISION_REVIEW: lambda r: services.record_approve_division(record=r, actor=head, **ALL_CLEAR),
        S.CONFIDENTIALITY_REVIEW: lambda r: services.record_approve_confidentiality(
            record=r, actor=world.disclosure, **ALL_CLEAR, **_without_interpretation(r)),
        S.LEADER_SIGNOFF: lambda r: services.record_sign_off(record=r, actor=leader),
        S.READY: lambda r: services.record_publish(record=r, actor=world.publisher, channels=[Channel.COLUMN]),
        S.PUBLISHED: lambda r: services.record_register(record=r, actor=world.registrar),
    }
    if to == S.WITHHELD:
        record = drive(world, record, S.CONFIDENTIALITY_REVIEW)
        return services.record_withhold(record=record, actor=world.disclosure, ground="process_information")
    if to == S.REVOKED:
        record = drive(world, record, S.REGISTERED)
        return services.record_revoke(record=record, actor=world.disclosure, reason="发布有误")
    while record.state != to and ORDER.index(record.state) < ORDER.index(to):
        record = next_step[record.state](record)
    assert record.state == to, f"cannot drive to {to}: stopped at {record.state}"
    record.refresh_from_db()
    return record


@pytest.fixture
def draft(world) -> Record:
    return new_draft(world)


def as_user(client, username: str):
    """The test client logged in as the (demo) user called `username`."""
    client.force_login(get_user_model().objects.get(username=username))
    return client


def act(client, username: str, record: Record, name: str, **data) -> Record:
    """`username` opens the workflow button `name` of the record in the back office and confirms it;
    returns the record the page leads to (an amendment leads to its new version)."""
    from django.urls import reverse

    as_user(client, username)
    url = reverse("admin:disclosure_record_transition", args=[record.pk, name])
    assert client.get(url).status_code == 200, f"{username} should be able to open {name}"
    response = client.post(url, {"expected_state": Record.objects.get(pk=record.pk).state, **data})
    assert response.status_code == 302, response.content.decode()[:3000]
    return Record.objects.get(pk=response.url.rstrip("/").split("/")[-2])

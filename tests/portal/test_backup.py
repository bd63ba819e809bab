"""No data lost (issue #8, item 4): a backup restored into a fresh database holds the same rows,
the same values and the same uploaded files; a restore never overwrites data unasked, never
uses a damaged backup, and every failure is one line.

The backup is taken from the test database in this process (it only reads); every restore runs
in a subprocess against a fresh database of its own (DATABASE_URL), so the test database is
never written by a restore.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import dj_database_url
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.utils import ConnectionHandler

from applications import services as applications
from applications.models import ApplicationFile
from portal import backup as backup_module
from portal.backup import MANIFEST, BackupError, _table_names, backup_restore, write_manifest
from tests.applications.conftest import PERSON
from tests.conftest import S, drive, new_draft

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
# The backup reads committed rows through its own view of the database: the data is committed.
committed = pytest.mark.django_db(transaction=True)

# Printed by `manage.py shell` in the restored database: every model's row count and the values
# the test compares with the source.
PROBE = """
import json
from django.apps import apps
from applications import services
from applications.models import DisclosureApplication
from disclosure import selectors
from disclosure.models import Record
counts = {m._meta.label: m._base_manager.count() for m in apps.get_models(include_auto_created=True)}
record = Record.objects.get(title=TITLE)
application = DisclosureApplication.objects.get(tracking_code=CODE)
print(json.dumps({
    "counts": counts,
    "record": [record.state, record.index_number, record.body, str(record.published_at)],
    "application": [application.applicant_name, application.identity_number, str(application.idempotency_key)],
    "secret_matches": services.secret_matches(application, SECRET),
    "files": {f.file.name: f.sha256 for f in application.files.all()},
    "found_by_search": [e.record_id for e in selectors.search_entries("技术改造", selectors.catalogue_listed())],
}))
"""


def manage(*args: str, database_url: str, media_root: Path, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL"))}
    environment.update({"DJANGO_SETTINGS_MODULE": "portal.test_settings", "DATABASE_URL": database_url,
                        "DJANGO_MEDIA_ROOT": str(media_root), "PYTHONWARNINGS": "ignore", "PORTAL_ENV_FILE": "", **env})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=120)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def all_counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in apps.get_models(include_auto_created=True)}


def back_up(output: Path) -> Path:
    output.mkdir(exist_ok=True)
    call_command("backup_portal", "--output", str(output), stdout=open(os.devnull, "w"))  # noqa: SIM115
    (backup,) = (p for p in output.iterdir() if p.name.startswith("portal-backup-"))
    return backup


@pytest.fixture
def portal_data(world, settings, tmp_path):
    """A registered record, a draft, and an online application with an attachment."""
    settings.MEDIA_ROOT = tmp_path / "media"
    record = drive(world, new_draft(world, title="关于开展2026年技术改造项目申报工作的通知"), S.REGISTERED)
    new_draft(world, title="尚未提交的草稿")
    application, secret, _created = applications.application_submit(
        data=PERSON, uploads=[SimpleUploadedFile("身份证明.pdf", PDF)], idempotency_key=uuid.uuid4())
    return record, application, secret


def restore_and_compare(portal_data, tmp_path: Path, database_url: str) -> None:
    record, application, secret = portal_data
    source_counts = all_counts()
    backup = back_up(tmp_path / "backups")
    manifest = json.loads((backup / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["tables"]["disclosure_record"] == source_counts["disclosure.Record"] == 2
    assert manifest["media"]["files"] == 1

    media = tmp_path / "restored-media"
    restored = manage("restore_portal", "--input", str(backup), database_url=database_url, media_root=media)
    assert restored.returncode == 0, restored.stderr
    assert "row counts match the manifest" in restored.stdout.strip().splitlines()[-1]

    probe = PROBE.replace("TITLE", repr(record.title)).replace("CODE", repr(application.tracking_code)).replace(
        "SECRET", repr(secret))
    shown = manage("shell", "-c", probe, database_url=database_url, media_root=media)
    assert shown.returncode == 0, shown.stderr
    found = json.loads(shown.stdout.strip().splitlines()[-1])
    assert found["counts"] == source_counts
    assert found["record"] == [record.state, record.index_number, record.body, str(record.published_at)]
    assert found["application"] == [application.applicant_name, application.identity_number,
                                    str(application.idempotency_key)]
    assert found["secret_matches"] is True
    assert found["found_by_search"] == [record.pk]  # the search index came along
    (stored,) = ApplicationFile.objects.filter(application=application)
    assert found["files"] == {stored.file.name: stored.sha256}
    assert (media / stored.file.name).read_bytes() == PDF

    # The target now holds data: a second restore is refused unless --yes, and changes nothing.
    again = manage("restore_portal", "--input", str(backup), database_url=database_url, media_root=media)
    assert "--yes" in one_line_error(again)
    replaced = manage("restore_portal", "--input", str(backup), "--yes", database_url=database_url, media_root=media)
    assert replaced.returncode == 0, replaced.stderr


@committed
def test_sqlite_backup_restores_into_a_fresh_database_with_the_same_rows_values_and_files(portal_data, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip needs the suite on SQLite")
    restore_and_compare(portal_data, tmp_path, f"sqlite:///{tmp_path / 'restored.sqlite3'}")


def _psql(sql: str) -> None:
    params = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(params.get("PASSWORD") or "")}
    subprocess.run(["psql", "-h", params["HOST"] or "localhost", "-p", str(params["PORT"] or 5432),
                    "-U", params["USER"], "-d", params["NAME"], "-v", "ON_ERROR_STOP=1", "-qc", sql],
                   env=env, check=True, capture_output=True, timeout=60)


@pytest.mark.postgres
@committed
def test_postgresql_backup_restores_into_a_fresh_database_with_the_same_rows_values_and_files(portal_data, tmp_path):
    params = connection.settings_dict
    name = f"portal_restore_{uuid.uuid4().hex[:12]}"
    _psql(f'CREATE DATABASE "{name}"')
    try:
        credentials = quote(params["USER"]) + (f":{quote(str(params['PASSWORD']))}" if params.get("PASSWORD") else "")
        url = f"postgres://{credentials}@{params['HOST'] or 'localhost'}:{params['PORT'] or 5432}/{name}"
        restore_and_compare(portal_data, tmp_path, url)
    finally:
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@committed
def test_a_damaged_backup_is_refused_before_anything_is_written(portal_data, tmp_path):
    backup = back_up(tmp_path / "backups")
    archive = backup / "media.tar.gz"
    damaged = bytearray(archive.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    archive.write_bytes(bytes(damaged))
    target = tmp_path / "fresh.sqlite3"
    result = manage("restore_portal", "--input", str(backup), database_url=f"sqlite:///{target}",
                    media_root=tmp_path / "restored-media")
    assert "sha256" in one_line_error(result)
    assert not (tmp_path / "restored-media").exists()
    assert not target.exists() or target.stat().st_size == 0


def test_a_wrong_path_is_one_line(tmp_path):
    result = manage("restore_portal", "--input", str(tmp_path / "nowhere"), database_url=f"sqlite:///{tmp_path}/x",
                    media_root=tmp_path / "m")
    assert "not found" in one_line_error(result)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup_portal", "--output", str(tmp_path / "nowhere"))


def test_a_missing_pg_dump_is_one_line_and_leaves_no_partial_backup(tmp_path):
    """Runs on SQLite too: the client tools are looked for before the database is reached."""
    (tmp_path / "out").mkdir()
    result = manage("backup_portal", "--output", str(tmp_path / "out"), database_url="postgres://nobody@127.0.0.1:9/none",
                    media_root=tmp_path / "m", PATH=str(Path(sys.executable).parent))
    assert "pg_dump not found" in one_line_error(result)
    assert list((tmp_path / "out").iterdir()) == []


@committed
def test_keep_removes_all_but_the_newest_backups(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    output = tmp_path / "backups"
    output.mkdir()
    for _ in range(3):
        call_command("backup_portal", "--output", str(output), "--keep", "2", stdout=open(os.devnull, "w"))  # noqa: SIM115
    kept = sorted(p.name for p in output.iterdir())
    assert len(kept) == 2 and all((output / name / MANIFEST).is_file() for name in kept)


# --- A failed restore leaves the target exactly as it was (issue #16, item 5) ---------------------
#
# The attack: a media archive holding `../escaped.txt`, with the manifest's hash recomputed. The
# restore failed with "unsafe entry" after the database had been replaced and with the media
# directory emptied; with --yes on a live portal any extraction failure (a full disk included)
# overwrote the live data while reporting failure. Now the manifest is signed with the backup key,
# everything is verified and staged first, and every failure leaves the target as it was.


@contextmanager
def opened(database_url: str):
    """A connection of this process to another database (the restore's target)."""
    handler = ConnectionHandler({"default": dj_database_url.parse(database_url)})
    target = handler["default"]
    try:
        yield target
    finally:
        target.close()


def fingerprint(database_url: str, media: Path) -> dict:
    """Every row of every table and every file (with the directories) of a target."""
    with opened(database_url) as target, target.cursor() as cursor:
        tables = {}
        for key, quoted in _table_names(cursor, target.vendor):
            cursor.execute(f"SELECT * FROM {quoted}")
            tables[key] = hashlib.sha256("\n".join(sorted(repr(row) for row in cursor.fetchall())).encode()).hexdigest()
    files = {p.relative_to(media).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir")
             for p in media.rglob("*")} if media.exists() else None
    return {"tables": tables, "files": files}


@pytest.fixture
def target_url(tmp_path):
    """An empty database of the suite's vendor for the restores to go into."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.sqlite3'}"
        return
    params = connection.settings_dict
    name = f"portal_live_{uuid.uuid4().hex[:12]}"
    _psql(f'CREATE DATABASE "{name}"')
    credentials = quote(params["USER"]) + (f":{quote(str(params['PASSWORD']))}" if params.get("PASSWORD") else "")
    try:
        yield f"postgres://{credentials}@{params['HOST'] or 'localhost'}:{params['PORT'] or 5432}/{name}"
    finally:
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def live_portal(portal_data, tmp_path, target_url):
    """(backup, database URL, media directory) of a running portal restored from a good backup."""
    backup = back_up(tmp_path / "backups")
    media = tmp_path / "live-media"
    restored = manage("restore_portal", "--input", str(backup), database_url=target_url, media_root=media)
    assert restored.returncode == 0, restored.stderr
    return backup, target_url, media


def copy_of(backup: Path, name: str) -> Path:
    copy = backup.parent / name
    shutil.copytree(backup, copy)
    return copy


def manifest_of(backup: Path) -> dict:
    return json.loads((backup / MANIFEST).read_text(encoding="utf-8"))


def rehash(backup: Path, *, sign: bool) -> None:
    """Recompute the parts' hashes in the manifest, as whoever changed a part would; with `sign`, also
    sign it with the backup key (as only its holder could)."""
    manifest = manifest_of(backup)
    for name in manifest["parts"]:
        manifest["parts"][name] = {"sha256": hashlib.sha256((backup / name).read_bytes()).hexdigest(),
                                   "bytes": (backup / name).stat().st_size}
    if sign:
        write_manifest(backup, manifest)
    else:
        (backup / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def with_escaping_entry(backup: Path) -> None:
    """The archive gets `../escaped.txt` besides its files."""
    archive = backup / "media.tar.gz"
    with tarfile.open(archive, "r:gz") as old:
        members = [(member, old.extractfile(member).read() if member.isfile() else None) for member in old]
    with tarfile.open(archive, "w:gz") as new:
        for member, data in members:
            new.addfile(member, io.BytesIO(data) if data is not None else None)
        escaping = tarfile.TarInfo("../escaped.txt")
        escaping.size = 7
        new.addfile(escaping, io.BytesIO(b"escaped"))


def truncated_database(backup: Path) -> None:
    part = backup / manifest_of(backup)["database"]["part"]
    part.write_bytes(part.read_bytes()[: part.stat().st_size // 2])


@committed
def test_tampered_and_truncated_backups_leave_a_live_portal_untouched(live_portal, tmp_path):
    backup, target, media = live_portal
    before = fingerprint(target, media)
    assert before["files"] and any(before["tables"].values())

    unsigned = copy_of(backup, "unsigned")
    with_escaping_entry(unsigned)
    rehash(unsigned, sign=False)  # what someone with write access to the backups can do
    resigned = copy_of(backup, "resigned")
    with_escaping_entry(resigned)
    rehash(resigned, sign=True)  # even a signed backup is checked entry by entry before anything changes
    truncated = copy_of(backup, "truncated")
    truncated_database(truncated)
    rehash(truncated, sign=True)
    short_archive = copy_of(backup, "short-archive")
    archive = short_archive / "media.tar.gz"
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    rehash(short_archive, sign=True)
    foreign = copy_of(backup, "foreign")

    for attempt, expected, env in [
        (unsigned, "signature", {}),
        (resigned, "unsafe entry", {}),
        (truncated, "cannot be read", {}),
        (short_archive, "cannot be extracted", {}),
        (foreign, "signature", {"PORTAL_BACKUP_KEY": "another-agencys-backup-key-0123456789abcdef"}),
    ]:
        result = manage("restore_portal", "--input", str(attempt), "--yes", database_url=target, media_root=media,
                        **env)
        assert fingerprint(target, media) == before, attempt.name
        assert expected in one_line_error(result), attempt.name
        assert not (tmp_path / "escaped.txt").exists() and not (media.parent / "escaped.txt").exists()


def _fail_after(function, error: BaseException):
    def failing(*args, **kwargs):
        function(*args, **kwargs)
        raise error

    return failing


@committed
def test_a_full_disk_while_the_files_are_extracted_leaves_the_live_portal_untouched(live_portal, settings,
                                                                                     monkeypatch):
    backup, target, media = live_portal
    before = fingerprint(target, media)
    settings.MEDIA_ROOT = media
    monkeypatch.setattr(tarfile.TarFile, "extractall",
                        _fail_after(tarfile.TarFile.extractall, OSError(errno.ENOSPC, "No space left on device")))
    with opened(target) as connection_to_target, pytest.raises(BackupError, match="No space left on device"):
        backup_restore(source=backup, connection=connection_to_target, replace=True)
    assert fingerprint(target, media) == before


@committed
def test_a_database_switch_that_fails_puts_the_files_and_the_database_back(live_portal, settings, monkeypatch):
    """The last step fails after the files were switched and the database was written: the
    database's own transaction (PostgreSQL) or the kept copy (SQLite) and the moved files put the
    target back as it was."""
    backup, target, media = live_portal
    before = fingerprint(target, media)
    settings.MEDIA_ROOT = media
    if connection.vendor == "sqlite":
        monkeypatch.setattr("portal.backup._restore_sqlite",
                            _fail_after(backup_module._restore_sqlite, sqlite3.OperationalError("disk I/O error")))
    else:  # the row-count check inside the restore's transaction fails
        monkeypatch.setattr("portal.backup._count_check_sql",
                            lambda tables: "DO $$ BEGIN RAISE EXCEPTION 'simulated failure'; END $$;\n")
    with opened(target) as connection_to_target, pytest.raises(BackupError):
        backup_restore(source=backup, connection=connection_to_target, replace=True)
    assert fingerprint(target, media) == before


def test_without_a_backup_key_no_backup_is_written(tmp_path):
    (tmp_path / "out").mkdir()
    result = manage("backup_portal", "--output", str(tmp_path / "out"), database_url=f"sqlite:///{tmp_path}/x",
                    media_root=tmp_path / "m", PORTAL_BACKUP_KEY="")
    assert "PORTAL_BACKUP_KEY" in one_line_error(result)
    assert list((tmp_path / "out").iterdir()) == []

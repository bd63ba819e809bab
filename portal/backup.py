"""Backup and restore of one agency's portal: the database and the uploaded files (issue #8, item 4).

A backup is one directory, `portal-backup-YYYYmmdd-HHMMSS/`, holding

- `database.sqlite3` — SQLite: an online-consistent copy made with SQLite's backup API through the
  Django connection (readers and writers carry on meanwhile), or
- `database.dump` — PostgreSQL: `pg_dump --format=custom`, taken in a snapshot that this process
  exports, so that the row counts of the manifest describe exactly what was dumped;
- `media.tar.gz` — every file under MEDIA_ROOT. It is written *after* the database: a file is
  saved before its row commits, so every file the dump refers to is in the archive;
- `manifest.json` — format and software versions, the database vendor, the row count of every
  table, the sha256 of each part.

The directory is written under a hidden name and renamed once complete, so a backup that failed
half-way never looks like one. It holds personal data (applicants' identities): it is readable by
its owner only.

A restore checks the parts against the manifest before touching anything, refuses a target that
already holds data unless told to replace it, restores the database (`pg_restore --clean
--if-exists --no-owner` in one transaction, or the backup API again for SQLite) and the files,
compares every table's row count with the manifest, and clears the cache, whose pages were keyed
by the content of the database as it was before.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PART = "media.tar.gz"
DATABASE_PART = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
PREFIX = "portal-backup-"
NAME_RE = re.compile(rf"^{PREFIX}(?P<stamp>\d{{8}}-\d{{6}})(-(?P<n>\d+))?$")
PG_TOOL_TIMEOUT = 6 * 3600  # seconds: a large dump over a slow link still finishes


class BackupError(Exception):
    """The backup or restore cannot go on; the message is one line a person can act on."""


@dataclass
class RestoreResult:
    name: str
    vendor: str
    created_at: str
    tables: int
    rows: int
    files: int
    pending_migrations: int

    def line(self) -> str:
        text = (f"已恢复 / restored {self.name} ({self.vendor}, {self.created_at}): {self.tables} tables, "
                f"{self.rows} rows, {self.files} files; 行数与清单一致 / row counts match the manifest")
        if self.pending_migrations:
            text += (f"; 代码比备份新，请运行 migrate / the code is newer than the backup: run `manage.py migrate` "
                     f"({self.pending_migrations} migrations)")
        return text


# --- Counting rows ------------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_names(cursor, vendor: str) -> list[tuple[str, str]]:
    """(manifest key, quoted SQL name) of every table, the search index and its shadow tables included."""
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                       "ORDER BY name")
        return [(name, _quote(name)) for (name,) in cursor.fetchall()]
    cursor.execute("SELECT schemaname, tablename FROM pg_tables WHERE schemaname <> 'information_schema' "
                   "AND schemaname NOT LIKE 'pg\\_%' ORDER BY schemaname, tablename")
    return [(name if schema == "public" else f"{schema}.{name}", f"{_quote(schema)}.{_quote(name)}")
            for schema, name in cursor.fetchall()]


def _row_counts(cursor, vendor: str) -> dict[str, int]:
    counts = {}
    for key, quoted in _table_names(cursor, vendor):
        cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # names from the catalogue, quoted
        counts[key] = cursor.fetchone()[0]
    return counts


def _latest_migrations(cursor) -> dict[str, str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return dict(cursor.fetchall())


# --- Helpers --------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _portal_version() -> str:
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DATABASE_PART:
        raise BackupError(f"不支持的数据库 / unsupported database: {connection.vendor} (SQLite or PostgreSQL)")
    return connection.vendor


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"找不到 {name} / {name} not found: install the PostgreSQL client tools of the server's "
                          f"major version (Debian: apt-get install postgresql-client) and put them on PATH")
    return found


def _pg_environment(settings_dict: dict) -> dict[str, str]:
    """libpq's variables for the configured database: nothing secret ever goes on a command line."""
    env = dict(os.environ)
    options = settings_dict.get("OPTIONS") or {}
    for variable, value in [
        ("PGHOST", settings_dict.get("HOST")), ("PGPORT", settings_dict.get("PORT")),
        ("PGUSER", settings_dict.get("USER")), ("PGPASSWORD", settings_dict.get("PASSWORD")),
        ("PGDATABASE", settings_dict.get("NAME")), ("PGSSLMODE", options.get("sslmode")),
        ("PGSSLROOTCERT", options.get("sslrootcert")), ("PGSSLCERT", options.get("sslcert")),
        ("PGSSLKEY", options.get("sslkey")), ("PGCONNECT_TIMEOUT", options.get("connect_timeout")),
        ("PGSERVICE", options.get("service")),
    ]:
        if value not in (None, ""):
            env[variable] = str(value)
    return env


def _run_pg_tool(args: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=PG_TOOL_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise BackupError(f"{Path(args[0]).name} 超时 / timed out") from None
    if result.returncode != 0:
        # "pg_dump: error: …" and "pg_dump: detail: …" lines, as one line.
        lines = [re.sub(r"^[\w.-]+: (error: |detail: |hint: )?", "", line).strip()
                 for line in result.stderr.splitlines() if line.strip()]
        message = "; ".join(lines)[:400] or f"exit code {result.returncode}"
        raise BackupError(f"{Path(args[0]).name} 失败 / failed: {message}")


# --- Backup ---------------------------------------------------------------------------------------


def _backup_sqlite(connection: BaseDatabaseWrapper, target: Path) -> tuple[dict[str, int], dict[str, str], str]:
    if connection.in_atomic_block:  # the copy would wait forever for this connection's own write lock
        raise BackupError("不能在事务中备份 SQLite / cannot back up SQLite from inside a transaction")
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1): a single read transaction, so the copy is one consistent moment;
        # in WAL mode writers are not blocked while it runs.
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        cursor = copy.cursor()
        counts = _row_counts(cursor, "sqlite")
        migrations = _latest_migrations(cursor)
    finally:
        copy.close()
    return counts, migrations, sqlite3.sqlite_version


def _backup_postgresql(connection: BaseDatabaseWrapper, target: Path) -> tuple[dict[str, int], dict[str, str], str]:
    pg_dump = _tool("pg_dump")
    env = _pg_environment(connection.settings_dict)
    connection.ensure_connection()
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # pg_dump reads the snapshot this transaction exports: the counts below are of the dump.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        _run_pg_tool([pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={target}"], env)
        counts = _row_counts(cursor, "postgresql")
        migrations = _latest_migrations(cursor)
    return counts, migrations, server_version


def _archive_media(media_root: Path, target: Path) -> tuple[int, int]:
    files = size = 0
    with tarfile.open(target, "w:gz") as archive:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    archive.add(path, arcname=path.relative_to(media_root).as_posix(), recursive=False)
                    files += 1
                    size += path.stat().st_size
    return files, size


def _new_directory(output: Path) -> tuple[Path, Path]:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    for attempt in range(1, 100):
        name = PREFIX + stamp + ("" if attempt == 1 else f"-{attempt}")
        final, partial = output / name, output / f".{name}.partial"
        if not final.exists() and not partial.exists():
            partial.mkdir(mode=0o700)
            return partial, final
    raise BackupError(f"无法在 {output} 中创建备份目录 / cannot name a new backup directory")


def backup_create(*, output: Path, connection: BaseDatabaseWrapper, keep: int = 0) -> Path:
    """Write a complete backup under `output`; return its directory. With `keep`, remove all but the
    newest `keep` complete backups there afterwards."""
    vendor = _vendor(connection)
    output = Path(output)
    if not output.is_dir():
        raise BackupError(f"输出目录不存在 / output directory does not exist: {output}")
    if not os.access(output, os.W_OK):
        raise BackupError(f"输出目录不可写 / output directory is not writable: {output}")
    partial, final = _new_directory(output)
    try:
        database_part = DATABASE_PART[vendor]
        backup = _backup_sqlite if vendor == "sqlite" else _backup_postgresql
        counts, migrations, server_version = backup(connection, partial / database_part)
        files, size = _archive_media(Path(settings.MEDIA_ROOT), partial / MEDIA_PART)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.localtime().isoformat(timespec="seconds"),
            "portal_version": _portal_version(),
            "django_version": django.get_version(),
            "database": {"vendor": vendor, "server_version": server_version, "part": database_part},
            "migrations": migrations,
            "tables": counts,
            "media": {"part": MEDIA_PART, "files": files, "bytes": size},
            "parts": {name: {"sha256": _sha256(partial / name), "bytes": (partial / name).stat().st_size}
                      for name in (database_part, MEDIA_PART)},
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        for path in partial.iterdir():
            path.chmod(0o600)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if keep > 0:
        _prune(output, keep)
    return final


def _complete_backups(directory: Path) -> list[Path]:
    """The complete backups in a directory, oldest first."""
    found = [(match, p) for p in directory.iterdir() if (match := NAME_RE.match(p.name)) and (p / MANIFEST).is_file()]
    return [p for match, p in sorted(found, key=lambda item: (item[0]["stamp"], int(item[0]["n"] or 1)))]


def _prune(output: Path, keep: int) -> None:
    complete = _complete_backups(output)
    for old in complete[:-keep]:
        shutil.rmtree(old)


# --- Restore --------------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict:
    source = Path(source)
    if not source.is_dir():
        raise BackupError(f"备份目录不存在 / backup directory not found: {source}")
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        inside = _complete_backups(source)
        hint = f" (the newest backup there is {inside[-1]})" if inside else ""
        raise BackupError(f"{source} 中没有 {MANIFEST} / no {MANIFEST} in {source}: not a portal backup{hint}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        assert isinstance(manifest, dict) and isinstance(manifest["tables"], dict)
        assert isinstance(manifest["parts"], dict) and manifest["database"]["vendor"]
    except (ValueError, KeyError, TypeError, AssertionError):
        raise BackupError(f"清单无法读取 / unreadable manifest: {manifest_path}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不支持的备份格式 / unsupported backup format {manifest.get('format')!r} (expected {FORMAT})")
    return manifest


def _verify_parts(source: Path, manifest: dict) -> None:
    expected = {manifest["database"]["part"], manifest["media"]["part"]}
    if set(manifest["parts"]) != expected:
        raise BackupError(f"清单与备份内容不符 / the manifest lists {sorted(manifest['parts'])}, expected {sorted(expected)}")
    for name, part in manifest["parts"].items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"备份缺少文件 / backup part missing: {path}")
        if _sha256(path) != part.get("sha256"):
            raise BackupError(f"备份文件已损坏或被改动 / backup part damaged or altered (sha256 differs): {path}")


def _target_contents(connection: BaseDatabaseWrapper, media_root: Path) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        tables = _table_names(cursor, connection.vendor)
    if tables:
        found.append(f"{len(tables)} tables in the database")
    if media_root.is_dir() and any(p.is_file() for p in media_root.rglob("*")):
        found.append(f"files in {media_root}")
    return found


def _restore_sqlite(connection: BaseDatabaseWrapper, part: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(f"{part.resolve().as_uri()}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)  # replaces every page of the target, under its locks
    finally:
        source.close()


def _restore_postgresql(connection: BaseDatabaseWrapper, part: Path) -> None:
    pg_restore = _tool("pg_restore")
    env = _pg_environment(connection.settings_dict)
    connection.close()  # pg_restore drops and creates tables: hold no lock on them meanwhile
    _run_pg_tool([pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
                  "--no-password", f"--dbname={connection.settings_dict['NAME']}", str(part)], env)


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"媒体归档含不安全的条目 / unsafe entry in the media archive: {member.name!r}")
        members.append(member)
    return members


def _restore_media(part: Path, media_root: Path) -> int:
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(part, "r:gz") as archive:
        members = _safe_members(archive)
        # The "data" filter (Python ≥ 3.11.4) also drops permissions and ownership from the archive.
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        archive.extractall(media_root, members=members, **safe)
    return sum(1 for member in members if member.isfile())


def _pending_migrations(connection: BaseDatabaseWrapper) -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def backup_restore(*, source: Path, connection: BaseDatabaseWrapper, replace: bool = False) -> RestoreResult:
    """Restore the backup in `source` into the configured database and MEDIA_ROOT, then check every
    table's row count against the manifest. Refuses a target holding data unless `replace`."""
    source = Path(source)
    manifest = read_manifest(source)
    _verify_parts(source, manifest)
    vendor = _vendor(connection)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(f"备份来自 {manifest['database']['vendor']}，目标是 {vendor} / the backup is of a "
                          f"{manifest['database']['vendor']} database, the configured one is {vendor}")
    if vendor == "postgresql":
        _tool("pg_restore")
    media_root = Path(settings.MEDIA_ROOT)
    if not replace and (found := _target_contents(connection, media_root)):
        raise BackupError(f"目标不为空 / the target is not empty ({', '.join(found)}): "
                          f"use --yes to replace it with the backup")

    part = source / manifest["database"]["part"]
    (_restore_sqlite if vendor == "sqlite" else _restore_postgresql)(connection, part)
    files = _restore_media(source / manifest["media"]["part"], media_root)

    with connection.cursor() as cursor:
        restored = {key: count for key, count in _row_counts(cursor, vendor).items() if key in manifest["tables"]}
    differences = [f"{table} {manifest['tables'][table]}→{restored.get(table, 'missing')}"
                   for table in manifest["tables"] if restored.get(table) != manifest["tables"][table]]
    if differences:
        raise BackupError(f"恢复后行数与清单不符 / row counts differ from the manifest: {', '.join(differences[:10])}")
    if files != manifest["media"]["files"]:
        raise BackupError(f"恢复的文件数与清单不符 / {files} files restored, the manifest lists {manifest['media']['files']}")
    cache.clear()  # cached pages describe the database as it was before the restore
    return RestoreResult(
        name=source.resolve().name, vendor=vendor, created_at=str(manifest.get("created_at", "?")),
        tables=len(manifest["tables"]), rows=sum(manifest["tables"].values()), files=files,
        pending_migrations=_pending_migrations(connection),
    )


"""Backup and restore of one agency's portal: the database and the uploaded files (issue #8, item 4;
issue #16, item 5).

A backup is one directory, `portal-backup-YYYYmmdd-HHMMSS/`, holding

- `database.sqlite3` — SQLite: an online-consistent copy made with SQLite's backup API through the
  Django connection (readers and writers carry on meanwhile), or
- `database.dump` — PostgreSQL: `pg_dump --format=custom`, taken in a snapshot that this process
  exports, so that the row counts of the manifest describe exactly what was dumped;
- `media.tar.gz` — every file under MEDIA_ROOT. It is written *after* the database: a file is
  saved before its row commits, so every file the dump refers to is in the archive;
- `manifest.json` — format and software versions, the database vendor, the row count of every
  table, the sha256 of each part and of each file in the archive;
- `manifest.sig` — an HMAC-SHA256 of manifest.json with the backup key (PORTAL_BACKUP_KEY, kept
  apart from the secret key and off the backup storage): whoever can change a backup but does not
  hold the key cannot make a changed part pass, even with its hash recomputed.

The directory is written under a hidden name and renamed once complete, so a backup that failed
half-way never looks like one. It holds personal data (applicants' identities): it is readable by
its owner only.

A restore changes nothing until everything has been verified, and on any failure leaves the target
exactly as it was:

1. verify: the manifest's signature, the sha256 of each part, the database part's readability
   (SQLite: integrity check and row counts; PostgreSQL: `pg_restore` reads the whole dump), and
   that the target is empty unless told to replace it;
2. stage: extract the files into a hidden directory inside MEDIA_ROOT (the same file system, so
   the switch is renames only), refusing unsafe entries, and check each file's sha256 and the
   file count against the manifest;
3. switch: move the current files aside and the staged ones in, then replace the database in one
   transaction (PostgreSQL: the restore and a row-count check run in one `psql --single-transaction`
   that rolls back on any error; SQLite: the backup API writes every page in one transaction, after
   a copy of the current database is kept to put back). If the database switch fails, the files
   are moved back and the database is as before;
4. clean up the files moved aside and clear the cache, whose pages describe the database as it
   was before.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
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

FORMAT = 2  # 2: signed manifest, sha256 of every file in the media archive (issue #16)
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MEDIA_PART = "media.tar.gz"
DATABASE_PART = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
PREFIX = "portal-backup-"
NAME_RE = re.compile(rf"^{PREFIX}(?P<stamp>\d{{8}}-\d{{6}})(-(?P<n>\d+))?$")
PG_TOOL_TIMEOUT = 6 * 3600  # seconds: a large dump over a slow link still finishes
STAGING_PREFIX = ".restore-"  # hidden directories a restore keeps inside MEDIA_ROOT while it runs
BACKUP_KEY_MIN_LENGTH = 32


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


# --- The backup key and the manifest's signature ---------------------------------------------------


def _backup_key() -> bytes:
    """PORTAL_BACKUP_KEY: required to write and to restore a backup; never the secret key, so that a
    leaked secret key (in an app server's environment) does not also let someone forge backups."""
    key = getattr(settings, "BACKUP_KEY", "") or ""
    if not key:
        raise BackupError("PORTAL_BACKUP_KEY 未设置 / PORTAL_BACKUP_KEY is not set: backups are signed with it "
                          "(a long random value, the same wherever backups are written and restored; keep a copy "
                          "away from the backups)")
    if len(key) < BACKUP_KEY_MIN_LENGTH:
        raise BackupError(f"PORTAL_BACKUP_KEY 太短 / PORTAL_BACKUP_KEY is too short: at least "
                          f"{BACKUP_KEY_MIN_LENGTH} characters")
    if hmac.compare_digest(key.encode(), str(settings.SECRET_KEY).encode()):
        raise BackupError("PORTAL_BACKUP_KEY 不能与 DJANGO_SECRET_KEY 相同 / PORTAL_BACKUP_KEY must differ from "
                          "DJANGO_SECRET_KEY")
    return key.encode()


def _signature(manifest_bytes: bytes) -> str:
    return "hmac-sha256:" + hmac.new(_backup_key(), manifest_bytes, hashlib.sha256).hexdigest()


def write_manifest(directory: Path, manifest: dict) -> None:
    """manifest.json and its signature, manifest.sig."""
    data = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    (directory / MANIFEST).write_bytes(data)
    (directory / SIGNATURE).write_text(_signature(data) + "\n", encoding="ascii")


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


class _HashingReader:
    """A file read once: tarfile reads it into the archive while its sha256 is computed."""

    def __init__(self, handle):
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size=-1):
        block = self.handle.read(size)
        self.digest.update(block)
        return block


def _archive_media(media_root: Path, target: Path) -> tuple[dict[str, str], int]:
    """Every regular file under `media_root` into `target`; ({relative path: sha256}, bytes)."""
    hashes, size = {}, 0
    with tarfile.open(target, "w:gz") as archive:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                relative = path.relative_to(media_root)
                if relative.parts[0].startswith(STAGING_PREFIX) or not path.is_file() or path.is_symlink():
                    continue  # a restore's staging left behind by a crash is not part of the portal
                name = relative.as_posix()
                with path.open("rb") as handle:
                    info = archive.gettarinfo(fileobj=handle, arcname=name)
                    reader = _HashingReader(handle)
                    archive.addfile(info, reader)
                hashes[name] = reader.digest.hexdigest()
                size += info.size
    return hashes, size


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
    _backup_key()  # a backup that could not be restored is not written at all
    partial, final = _new_directory(output)
    try:
        database_part = DATABASE_PART[vendor]
        backup = _backup_sqlite if vendor == "sqlite" else _backup_postgresql
        counts, migrations, server_version = backup(connection, partial / database_part)
        media_hashes, size = _archive_media(Path(settings.MEDIA_ROOT), partial / MEDIA_PART)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.localtime().isoformat(timespec="seconds"),
            "portal_version": _portal_version(),
            "django_version": django.get_version(),
            "database": {"vendor": vendor, "server_version": server_version, "part": database_part},
            "migrations": migrations,
            "tables": counts,
            "media": {"part": MEDIA_PART, "files": len(media_hashes), "bytes": size, "sha256": media_hashes},
            "parts": {name: {"sha256": _sha256(partial / name), "bytes": (partial / name).stat().st_size}
                      for name in (database_part, MEDIA_PART)},
        }
        write_manifest(partial, manifest)
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


# --- Restore: verify ------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict:
    """The manifest of the backup in `source`, once its signature and format are checked."""
    source = Path(source)
    if not source.is_dir():
        raise BackupError(f"备份目录不存在 / backup directory not found: {source}")
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        inside = _complete_backups(source)
        hint = f" (the newest backup there is {inside[-1]})" if inside else ""
        raise BackupError(f"{source} 中没有 {MANIFEST} / no {MANIFEST} in {source}: not a portal backup{hint}")
    data = manifest_path.read_bytes()
    try:
        signature = (source / SIGNATURE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        signature = ""
    if not hmac.compare_digest(signature.encode(), _signature(data).encode()):
        raise BackupError(f"清单签名无效：备份被改动，或不是用本机的 PORTAL_BACKUP_KEY 写的 / the manifest's signature "
                          f"does not match: the backup was altered, or written with another PORTAL_BACKUP_KEY "
                          f"({source / SIGNATURE})")
    try:
        manifest = json.loads(data.decode("utf-8"))
        assert isinstance(manifest, dict) and isinstance(manifest["tables"], dict)
        assert isinstance(manifest["parts"], dict) and manifest["database"]["vendor"]
        assert isinstance(manifest["media"]["sha256"], dict)
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
        if PurePosixPath(name).name != name or not path.is_file():
            raise BackupError(f"备份缺少文件 / backup part missing: {path}")
        if _sha256(path) != part.get("sha256"):
            raise BackupError(f"备份文件已损坏或被改动 / backup part damaged or altered (sha256 differs): {path}")


def _target_contents(connection: BaseDatabaseWrapper, media_root: Path) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        tables = _table_names(cursor, connection.vendor)
    if tables:
        found.append(f"{len(tables)} tables in the database")
    if any(entry.is_file() or any(p.is_file() for p in entry.rglob("*")) for entry in _live_entries(media_root)):
        found.append(f"files in {media_root}")
    return found


def _count_differences(expected: dict[str, int], found: dict[str, int]) -> list[str]:
    return [f"{table} {expected[table]}→{found.get(table, 'missing')}"
            for table in expected if found.get(table) != expected[table]]


def _verify_sqlite_part(part: Path, manifest: dict) -> None:
    """The copy opens, passes SQLite's integrity check and holds the manifest's row counts."""
    try:
        copy = sqlite3.connect(f"{part.resolve().as_uri()}?mode=ro", uri=True)
        try:
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            counts = _row_counts(copy.cursor(), "sqlite")
        finally:
            copy.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"数据库备份无法读取 / the database part cannot be read: {error}") from None
    if problems != ["ok"]:
        raise BackupError(f"数据库备份已损坏 / the database part is damaged: {'; '.join(problems)[:300]}")
    if differences := _count_differences(manifest["tables"], counts):
        raise BackupError(f"数据库备份的行数与清单不符 / the database part's row counts differ from the manifest: "
                          f"{', '.join(differences[:10])}")


def _verify_postgresql_part(part: Path, env: dict[str, str]) -> None:
    """pg_restore reads the whole dump (table of contents and every table's data) without writing."""
    pg_restore = _tool("pg_restore")
    try:
        _run_pg_tool([pg_restore, "--list", str(part)], env)
        _run_pg_tool([pg_restore, f"--file={os.devnull}", str(part)], env)
    except BackupError as error:
        raise BackupError(f"数据库备份无法读取 / the database part cannot be read: {error}") from None


# --- Restore: stage the files ---------------------------------------------------------------------


def _live_entries(media_root: Path) -> list[Path]:
    """MEDIA_ROOT's own entries, without a restore's hidden staging directories."""
    return [p for p in media_root.iterdir() if not p.name.startswith(STAGING_PREFIX)] if media_root.is_dir() else []


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        path = PurePosixPath(member.name)
        if (path.is_absolute() or ".." in path.parts or not path.parts or path.parts[0].startswith(STAGING_PREFIX)
                or not (member.isfile() or member.isdir())):
            raise BackupError(f"媒体归档含不安全的条目 / unsafe entry in the media archive: {member.name!r}")
        members.append(member)
    return members


def _stage_media(part: Path, staging: Path, manifest: dict) -> int:
    """Extract the archive into `staging` and check every file against the manifest."""
    expected: dict[str, str] = manifest["media"]["sha256"]
    try:
        with tarfile.open(part, "r:gz") as archive:
            members = _safe_members(archive)
            files = [member.name for member in members if member.isfile()]
            if sorted(files) != sorted(expected):
                raise BackupError(f"媒体归档与清单不符 / the media archive holds {len(files)} files, the manifest lists "
                                  f"{len(expected)}")
            # The "data" filter (Python ≥ 3.11.4) also drops permissions and ownership from the archive.
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            archive.extractall(staging, members=members, **safe)
    except (OSError, tarfile.TarError, EOFError) as error:  # disk full, a truncated archive …
        raise BackupError(f"上传文件无法解压 / the uploaded files cannot be extracted: {error}") from None
    for name, digest in expected.items():
        path = staging / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"上传文件与清单不符 / a restored file differs from the manifest: {name}")
    return len(expected)


class _MediaSwitch:
    """Moves the current files aside and the staged ones in, by renames inside MEDIA_ROOT; can put
    everything back while the restore has not finished."""

    def __init__(self, media_root: Path, staging: Path, aside: Path):
        self.media_root, self.staging, self.aside = media_root, staging, aside
        self.moved_aside: list[str] = []
        self.moved_in: list[str] = []

    def run(self) -> None:
        self.aside.mkdir(mode=0o700)
        for entry in _live_entries(self.media_root):
            entry.rename(self.aside / entry.name)
            self.moved_aside.append(entry.name)
        for entry in sorted(self.staging.iterdir()):
            entry.rename(self.media_root / entry.name)
            self.moved_in.append(entry.name)

    def undo(self) -> None:
        for name in reversed(self.moved_in):
            (self.media_root / name).rename(self.staging / name)
        for name in reversed(self.moved_aside):
            (self.aside / name).rename(self.media_root / name)
        self.moved_in, self.moved_aside = [], []


# --- Restore: switch the database ----------------------------------------------------------------


def _restore_sqlite(connection: BaseDatabaseWrapper, part: Path, manifest: dict) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(f"{part.resolve().as_uri()}?mode=ro", uri=True)
    try:
        # One step: every page of the target is replaced in one write transaction, rolled back by
        # SQLite if it cannot finish (a full disk included).
        source.backup(connection.connection)
    finally:
        source.close()
    with connection.cursor() as cursor:
        restored = _row_counts(cursor, "sqlite")
    if differences := _count_differences(manifest["tables"], restored):
        raise BackupError(f"恢复后行数与清单不符 / row counts differ from the manifest: {', '.join(differences[:10])}")


def _keep_sqlite(connection: BaseDatabaseWrapper, copy: Path) -> None:
    """A copy of the current database, to put back if the restore fails after replacing it."""
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def _put_back_sqlite(connection: BaseDatabaseWrapper, copy: Path) -> None:
    source = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _count_check_sql(tables: dict[str, int]) -> str:
    """A statement that fails (and so rolls the restore back) unless every table holds its count."""
    checks = []
    for key, count in sorted(tables.items()):
        schema, _dot, name = key.rpartition(".")
        quoted = f"{_quote(schema or 'public')}.{_quote(name)}"
        label = key.replace("'", "''")
        checks.append(f"  SELECT count(*) INTO n FROM {quoted};\n"
                      f"  IF n <> {int(count)} THEN RAISE EXCEPTION 'row count differs: {label} {int(count)}→%', n;"
                      f" END IF;")
    return "DO $portal_restore_check$\nDECLARE n bigint;\nBEGIN\n" + "\n".join(checks) + \
        "\nEND\n$portal_restore_check$;\n"


def _restore_postgresql(connection: BaseDatabaseWrapper, part: Path, manifest: dict, workdir: Path) -> None:
    """pg_restore's script and the row-count check run in one psql transaction: any error, a short
    count included, rolls all of it back and the database is as it was."""
    pg_restore, psql = _tool("pg_restore"), _tool("psql")
    env = _pg_environment(connection.settings_dict)
    check = workdir / "check-row-counts.sql"
    check.write_text(_count_check_sql(manifest["tables"]), encoding="utf-8")
    connection.close()  # the restore drops and creates tables: hold no lock on them meanwhile
    script = subprocess.Popen([pg_restore, "--clean", "--if-exists", "--no-owner", "--file=-", str(part)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        loaded = subprocess.run([psql, "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1",
                                 "--single-transaction", f"--dbname={connection.settings_dict['NAME']}",
                                 "--file=-", f"--file={check}"],
                                env=env, stdin=script.stdout, capture_output=False, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, timeout=PG_TOOL_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        script.kill()
        raise BackupError("psql 超时 / timed out") from None
    finally:
        script.stdout.close()
        script_error = script.stderr.read().decode(errors="replace")
        script.stderr.close()
        script.wait()
    if script.returncode != 0 or loaded.returncode != 0:
        lines = [re.sub(r"^[\w.-]+: (error: |detail: |hint: )?|^psql:[^:]*:\d+: (ERROR: |错误: )?", "", line).strip()
                 for line in (script_error + "\n" + (loaded.stderr or "")).splitlines() if line.strip()]
        message = "; ".join(lines)[:400] or f"exit codes {script.returncode}/{loaded.returncode}"
        raise BackupError(f"数据库恢复失败，已回滚 / the database restore failed and was rolled back: {message}")


def _pending_migrations(connection: BaseDatabaseWrapper) -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def backup_restore(*, source: Path, connection: BaseDatabaseWrapper, replace: bool = False) -> RestoreResult:
    """Restore the backup in `source` into the configured database and MEDIA_ROOT (see the module's
    doc: verify, stage, switch). Refuses a target holding data unless `replace`. On any failure the
    target is left exactly as it was."""
    source = Path(source)
    manifest = read_manifest(source)
    _verify_parts(source, manifest)
    vendor = _vendor(connection)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(f"备份来自 {manifest['database']['vendor']}，目标是 {vendor} / the backup is of a "
                          f"{manifest['database']['vendor']} database, the configured one is {vendor}")
    part = source / manifest["database"]["part"]
    if vendor == "postgresql":
        _tool("psql")
        _verify_postgresql_part(part, _pg_environment(connection.settings_dict))
    else:
        _verify_sqlite_part(part, manifest)
    media_root = Path(settings.MEDIA_ROOT)
    if not replace and (found := _target_contents(connection, media_root)):
        raise BackupError(f"目标不为空 / the target is not empty ({', '.join(found)}): "
                          f"use --yes to replace it with the backup")

    created_root = not media_root.exists()
    token = secrets.token_hex(6)
    staging = media_root / f"{STAGING_PREFIX}{token}"
    aside = media_root / f"{STAGING_PREFIX}{token}-previous"
    workdir = media_root / f"{STAGING_PREFIX}{token}-work"
    switch = _MediaSwitch(media_root, staging, aside)
    finished = kept_needed = False
    try:
        media_root.mkdir(parents=True, exist_ok=True)
        staging.mkdir(mode=0o700)
        workdir.mkdir(mode=0o700)
        files = _stage_media(source / manifest["media"]["part"], staging, manifest)
        kept = workdir / "database-before-restore.sqlite3"
        if vendor == "sqlite":
            _keep_sqlite(connection, kept)
        # Nothing of the target has changed so far. From here every step can be undone.
        switch.run()
        try:
            if vendor == "sqlite":
                try:
                    _restore_sqlite(connection, part, manifest)
                except BaseException:
                    kept_needed = True
                    _put_back_sqlite(connection, kept)
                    kept_needed = False
                    raise
            else:
                _restore_postgresql(connection, part, manifest, workdir)
        except BaseException:
            switch.undo()
            raise
        finished = True
    except (OSError, sqlite3.Error) as error:
        raise BackupError(f"恢复失败，目标未改变 / the restore failed, the target is unchanged: {error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # the backup's files, never the portal's
        if not kept_needed:
            shutil.rmtree(workdir, ignore_errors=True)
        if finished:
            shutil.rmtree(aside, ignore_errors=True)  # the files the restore replaced
        elif aside.is_dir() and not any(aside.iterdir()):
            aside.rmdir()  # everything moved back; anything still in it is left for a person to see
        if created_root and media_root.is_dir() and not any(media_root.iterdir()):
            media_root.rmdir()
    cache.clear()  # cached pages describe the database as it was before the restore
    return RestoreResult(
        name=source.resolve().name, vendor=vendor, created_at=str(manifest.get("created_at", "?")),
        tables=len(manifest["tables"]), rows=sum(manifest["tables"].values()), files=files,
        pending_migrations=_pending_migrations(connection),
    )

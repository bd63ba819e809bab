"""Nightly: back up the database and the uploaded files into a new timestamped directory.

    python manage.py backup_portal --output /var/backups/portal --keep 14

SQLite is copied online with its backup API; PostgreSQL is dumped with `pg_dump --format=custom`
(the password reaches it through PGPASSWORD, never the command line). The manifest is signed with
PORTAL_BACKUP_KEY, which restore_portal needs too. See portal/backup.py.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from portal.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "备份数据库和上传文件 / Back up the database and the uploaded files."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, metavar="DIR",
                            help="existing directory; the backup goes into DIR/portal-backup-YYYYmmdd-HHMMSS/")
        parser.add_argument("--keep", type=int, default=0, metavar="N",
                            help="afterwards remove all but the newest N backups in DIR (default: keep all)")

    def handle(self, *args, output: Path, keep: int, **options):
        if keep < 0:
            raise CommandError("--keep 不能为负数 / --keep must not be negative")
        try:
            directory = backup_create(output=output, connection=connections[DEFAULT_DB_ALIAS], keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"已备份 / backed up: {directory}")

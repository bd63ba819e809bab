"""Restore a backup made by `backup_portal` into the configured database and MEDIA_ROOT.

    python manage.py restore_portal --input /var/backups/portal/portal-backup-20261130-021500

Stop the app servers first. A target that already holds data is refused unless --yes is given.
The backup is verified first (the manifest's signature with PORTAL_BACKUP_KEY, every part's and every
file's sha256, the database part's readability) and its files staged; only then are the files and
the database switched, the database in one transaction with a check of every table's row count. If
anything fails, the database and the files are left exactly as they were (portal/backup.py).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from portal.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "从备份恢复数据库和上传文件 / Restore the database and the uploaded files from a backup."

    def add_arguments(self, parser):
        parser.add_argument("--input", dest="source", required=True, type=Path, metavar="DIR",
                            help="a backup directory written by backup_portal (it holds manifest.json)")
        parser.add_argument("--yes", action="store_true",
                            help="replace a database or media directory that already holds data")

    def handle(self, *args, source: Path, yes: bool, **options):
        try:
            result = backup_restore(source=source, connection=connections[DEFAULT_DB_ALIAS], replace=yes)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(result.line())

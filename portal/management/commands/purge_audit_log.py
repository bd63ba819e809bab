"""Remove security audit entries older than the retention period (default AUDIT_RETENTION_DAYS,
never less than 180 days: 等保2.0 requires at least six months of audit records)."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.models import AuditEntry

MINIMUM_DAYS = 180


class Command(BaseCommand):
    help = "删除超过保存期限的安全审计记录（至少保存180天） / Purge audit entries older than the retention."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help=f"保存天数，不少于 {MINIMUM_DAYS}")

    def handle(self, *args, days=None, **options):
        days = settings.AUDIT_RETENTION_DAYS if days is None else days
        if days < MINIMUM_DAYS:
            raise CommandError(f"保存期限不能少于 {MINIMUM_DAYS} 天 / retention must be at least {MINIMUM_DAYS} days")
        cutoff = timezone.now() - dt.timedelta(days=days)
        deleted, _detail = AuditEntry.objects.filter(at__lt=cutoff).delete()
        self.stdout.write(f"已删除 {deleted} 条早于 {cutoff:%Y-%m-%d} 的审计记录 / {deleted} entries purged")

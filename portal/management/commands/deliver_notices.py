"""Send the outbox's due notices here and now, after putting back those a dead worker left half-sent
(portal.outbox.outbox_deliver_due). The task worker (manage.py db_worker) does this continuously;
this command is the daily catch-up and the tool for an operator after a mail-server outage."""

from django.core.management.base import BaseCommand

from portal.outbox import outbox_deliver_due


class Command(BaseCommand):
    help = "发送到期的待发通知邮件 / Send the outbox notices that are due."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000)

    def handle(self, *args, limit, **options):
        counts = outbox_deliver_due(limit=limit)
        sent, retry, failed = counts.get("sent", 0), counts.get("retry", 0), counts.get("failed", 0)
        self.stdout.write(f"已发送 {sent} 封，待重试 {retry} 封，失败 {failed} 封 / "
                          f"{sent} sent, {retry} to retry, {failed} failed")

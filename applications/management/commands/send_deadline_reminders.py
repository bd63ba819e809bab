"""Daily: warn whoever handles an application 5 and 2 working days before its due date, and the
disclosure office once it is overdue (R.33). Safe to run any number of times a day
(applications.services.applications_send_deadline_reminders)."""

from django.core.management.base import BaseCommand

from applications.services import applications_send_deadline_reminders


class Command(BaseCommand):
    help = "发送答复期限提醒（可重复运行） / Send application deadline reminders (idempotent)."

    def handle(self, *args, **options):
        sent = applications_send_deadline_reminders()
        self.stdout.write(f"已发送提醒 {sent} 条 / {sent} reminders sent")

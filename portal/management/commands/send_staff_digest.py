"""Daily: mail each staff member who chose the daily digest (工作台 › 通知设置) what waits for them,
with the days left. Safe to run any number of times a day: one digest per person per day
(portal.services.staff_digest_send)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from portal.models import MailMode
from portal.services import staff_digest_send


class Command(BaseCommand):
    help = "发送每日待办汇总邮件（可重复运行） / Mail the daily digest of waiting work (idempotent)."

    def handle(self, *args, **options):
        people = get_user_model().objects.filter(
            is_active=True, is_staff=True, staff_preference__mail_mode=MailMode.DIGEST).order_by("pk")
        sent = 0
        for user in people:
            sent += bool(staff_digest_send(user=user))
        self.stdout.write(f"已发送待办汇总 {sent} 封 / {sent} digests sent")

"""Daily: warn whoever handles an application 5 and 2 working days before its due date, and the
disclosure office once it is overdue (R.33). Safe to run any number of times a day: each
reminder is sent once per application, kind and due date (an extension earns new ones)."""

from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.models import OPEN_STATUSES, DisclosureApplication, ReminderSent, Status
from portal.models import Role, SiteProfile
from portal.notify import absolute_url, notify_on_commit
from portal.selectors import users_acting_as
from portal.workdays import workdays_left_many

REMINDERS = [  # kind, applies when, subject
    ("overdue", lambda left, due, today: due < today, "已逾期未答复"),
    ("two_days", lambda left, due, today: 0 <= left <= 2, "距答复期限不足2个工作日"),
    ("five_days", lambda left, due, today: 0 <= left <= 5, "距答复期限不足5个工作日"),
]


def recipients(application, kind: str):
    # A drafted reply waits for the disclosure office's approval, not for its drafter.
    if kind == "overdue" or not application.office_id or application.status == Status.REPLY_DRAFTED:
        return list(users_acting_as(Role.DISCLOSURE_OFFICE))
    return list(users_acting_as(Role.DRAFTER, application.office)) + list(
        users_acting_as(Role.DIVISION_HEAD, application.office))


class Command(BaseCommand):
    help = "发送答复期限提醒（可重复运行） / Send application deadline reminders (idempotent)."

    def handle(self, *args, **options):
        today = timezone.localdate()
        open_ = list(DisclosureApplication.objects.filter(
            status__in=OPEN_STATUSES, due_date__isnull=False, clock_paused=False).select_related("office"))
        left = workdays_left_many([a.due_date for a in open_], today)
        agency = SiteProfile.current().name
        sent = 0
        for application in open_:
            days = left[application.due_date]
            for kind, applies, subject in REMINDERS:
                if not applies(days, application.due_date, today):
                    continue
                try:
                    with transaction.atomic():
                        ReminderSent.objects.create(application=application, kind=kind, due_date=application.due_date)
                        link = absolute_url(f"/admin/applications/disclosureapplication/{application.pk}/change/")
                        notify_on_commit(
                            users=recipients(application, kind),
                            subject=f"[{agency}] {subject}：{application.tracking_code}",
                            body=f"{application.information_title}\n答复期限：{application.due_date}\n{link}\n",
                        )
                    sent += 1
                except IntegrityError:
                    pass  # already sent for this due date
                break  # the most urgent applicable reminder only
        self.stdout.write(f"已发送提醒 {sent} 条 / {sent} reminders sent")

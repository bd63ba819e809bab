import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from portal.workdays import add_workdays


class Command(BaseCommand):
    help = "打印某日之后第 N 个工作日（起算日不计入） / Print the Nth working day after DATE."

    def add_arguments(self, parser):
        parser.add_argument("date", help="YYYY-MM-DD")
        parser.add_argument("n", type=int, help="number of working days (≥ 0)")

    def handle(self, *args, date, n, **options):
        try:
            start = dt.date.fromisoformat(date)
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD: {date!r}") from None
        if n < 0:
            raise CommandError("N 不能为负数 / N must not be negative")
        self.stdout.write(str(add_workdays(start, n)))

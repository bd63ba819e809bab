import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from portal.workdays import add_workdays

MAX_DAYS = 100_000  # some 400 years: beyond any statutory time limit


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
        if not 0 <= n <= MAX_DAYS:
            raise CommandError(f"N 应在 0 到 {MAX_DAYS} 之间 / N must be between 0 and {MAX_DAYS}")
        try:
            self.stdout.write(str(add_workdays(start, n)))
        except OverflowError:
            raise CommandError("结果超出可表示的日期范围 / the result is beyond the last representable date") from None

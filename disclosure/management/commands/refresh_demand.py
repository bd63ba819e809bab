"""The demand page's figures for the last twelve months up to today (issue #22): daily, so that the
first visit of the day finds the day's period computed (the period moves on each day), and safe to
run at any time (nothing is computed when the data has not changed)."""

from django.core.management.base import BaseCommand

from disclosure.demand_services import demand_summary_refresh


class Command(BaseCommand):
    help = "Compute and store the demand page's figures for the last twelve months, if they changed."

    def handle(self, *args, **options):
        summary = demand_summary_refresh()
        if summary is None:
            self.stdout.write("demand figures already current")
        else:
            self.stdout.write(f"demand figures for {summary.start}–{summary.end} computed: {summary.topic_count} topic(s)")

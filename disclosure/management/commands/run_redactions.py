"""Redaction jobs whose process died (a restart while a file was being redacted): a running job
with no progress for ten minutes is failed with a message for the person who started it, a
queued one that never started is run now. Daily, and safe to run at any time."""

from django.core.management.base import BaseCommand

from disclosure.redaction_services import redactions_recover


class Command(BaseCommand):
    help = "Fail stalled redaction jobs and run queued ones."

    def handle(self, *args, **options):
        failed, run = redactions_recover()
        self.stdout.write(f"{failed} stalled redaction(s) failed, {run} queued redaction(s) run")

"""Daily: the compliance self-check of the disclosure column (M.18; issue #20). Each run is kept
with its score and findings; the page 互动交流 › 合规自查 shows the latest and the history."""

from django.core.management.base import BaseCommand

from complaints.compliance import compliance_run


class Command(BaseCommand):
    help = "Run the compliance self-check and keep its score and findings."

    def handle(self, *args, **options):
        run = compliance_run()
        self.stdout.write(f"score {run.score}/100, {len(run.findings)} findings, {run.duration_ms} ms")
        for finding in run.findings:
            self.stdout.write(f"- [{finding['check']}] {finding['title']}")

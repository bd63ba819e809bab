from django.core.management.base import BaseCommand

from applications.services import applications_recompute_clocks


class Command(BaseCommand):
    help = ("重新计算全部依申请公开申请的答复期限（按办理记录重放） / "
            "Replay every application's clock from its events and store what changed.")

    def handle(self, *args, **options):
        changed = applications_recompute_clocks()
        self.stdout.write(f"已更新 {changed} 件申请的答复期限 / {changed} applications changed")

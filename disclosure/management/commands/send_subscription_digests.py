from django.core.management.base import BaseCommand

from disclosure import subscription_services


class Command(BaseCommand):
    help = ("发送信息订阅的每日/每周汇总邮件，补发定时发布生效后的推送，删除过期未确认的订阅（可重复运行） / "
            "Mail the public's daily and weekly subscription digests (idempotent).")

    def handle(self, *args, **options):
        immediate = subscription_services.catch_up()
        digests = subscription_services.send_digests()
        pruned = subscription_services.subscriptions_prune_unconfirmed()
        self.stdout.write(f"subscriptions: {immediate} immediate mail(s) caught up, {digests} digest(s), "
                          f"{pruned} unconfirmed deleted")

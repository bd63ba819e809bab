from django.apps import apps
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils.module_loading import import_string

from portal.demo import load_agency


class Command(BaseCommand):
    help = "载入演示机关（吉林省工业和信息化厅）及演示数据；可重复运行 / Load the demo agency (idempotent)."

    def handle(self, *args, **options):
        accounts = load_agency()
        # Each app that has demo content declares `demo_loader` in its AppConfig, so this command
        # in the portal layer never imports the apps built on it. Nobody is waiting for the
        # workflow mails of demo history, so they are not sent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for config in apps.get_app_configs():
                loaders = getattr(config, "demo_loader", None) or ()
                for loader in [loaders] if isinstance(loaders, str) else loaders:
                    summary = import_string(loader)()
                    if summary:
                        self.stdout.write(f"{config.verbose_name}: {summary}")
        if accounts.password:
            self.stdout.write("")
            self.stdout.write(f"演示账号 / demo accounts (密码 / password: {accounts.password})")
            for username, role, office in accounts.rows:
                self.stdout.write(f"  {username:<16} {role:<20} {office}")
        else:
            self.stdout.write("演示账号已创建但未设置密码（非演示模式）。 / Accounts have no password outside demo mode.")

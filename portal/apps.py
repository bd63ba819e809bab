from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("机构与系统")
    default_auto_field = "django.db.models.BigAutoField"

    # Model permissions each role receives through its group (see services.role_groups_sync).
    role_permissions = {
        "disclosure_office": {"portal.view_office", "portal.view_siteprofile", "portal.change_siteprofile",
                              # The outbox (issue #21): the office resends or settles failed notices.
                              "portal.view_notice", "portal.change_notice"},
        "supervision": {"portal.view_office"},
    }

    # Notices that could not be delivered (portal/outbox.py).
    worklist = "portal.outbox.worklist"

    def ready(self):
        from portal import signals

        # Not tied to one sender: the groups are synced at the last app's turn, once every app's
        # permissions exist (signals.sync_role_groups).
        post_migrate.connect(signals.sync_role_groups, dispatch_uid="portal_sync_role_groups")
        post_save.connect(signals.membership_changed, sender="portal.Membership")
        post_delete.connect(signals.membership_changed, sender="portal.Membership")
        for signal in (post_save, post_delete):
            signal.connect(signals.calendar_day_changed, sender="portal.CalendarDay")
            signal.connect(signals.calendar_year_changed, sender="portal.CalendarYear")
        for model in ("portal.Office", "portal.SiteProfile"):
            post_save.connect(signals.public_content_saved, sender=model)
            post_delete.connect(signals.public_content_saved, sender=model)
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        user_logged_in.connect(signals.logged_in, dispatch_uid="portal_audit_login")
        user_logged_out.connect(signals.logged_out, dispatch_uid="portal_audit_logout")
        user_login_failed.connect(signals.login_failed, dispatch_uid="portal_audit_login_failed")
        user_locked_out.connect(signals.locked_out, dispatch_uid="portal_audit_locked_out")
        from portal.models import Office

        m2m_changed.connect(signals.supervision_changed, sender=Office.supervising_leaders.through)
        post_delete.connect(signals.totp_device_deleted, sender="otp_totp.TOTPDevice",
                            dispatch_uid="portal_totp_device_deleted")
        self._name_third_party_apps()

    @staticmethod
    def _name_third_party_apps():
        """The back office is in Chinese: name the security apps whose own names are not translatable
        (django-otp marks none of its strings; axes's model names are in locale/zh_Hans)."""
        from django.apps import apps
        from django_otp.plugins.otp_totp.models import TOTPDevice

        apps.get_app_config("otp_totp").verbose_name = _("动态口令")
        apps.get_app_config("axes").verbose_name = _("登录安全")
        TOTPDevice._meta.verbose_name = _("动态口令设备")
        TOTPDevice._meta.verbose_name_plural = _("动态口令设备")

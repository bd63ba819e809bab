from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """The back office: Django's admin shaped into a workbench (see portal/admin_site.py)."""

    default_site = "portal.admin_site.PortalAdminSite"

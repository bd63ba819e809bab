"""The back office: the Django admin whose first page is the person's own work list."""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.contrib import admin
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from portal.models import SiteProfile
from portal.selectors import roles_of


def worklist_for(user) -> list:
    """Collect work items from every app that declares a `worklist` provider in its AppConfig
    (so the portal layer never imports the apps built on it)."""
    items = []
    for config in apps.get_app_configs():
        provider = getattr(config, "worklist", None)
        if provider:
            items.extend(import_string(provider)(user))
    items.sort(key=lambda i: (not i.overdue, i.due_date or date.max))
    return items


class PortalAdminSite(admin.AdminSite):
    index_template = "admin/portal_index.html"
    index_title = _("工作台")

    @property
    def site_header(self):
        return _("%(name)s · 政府信息公开工作台") % {"name": SiteProfile.current().name}

    @property
    def site_title(self):
        return _("政府信息公开工作台")

    def index(self, request, extra_context=None):
        items = worklist_for(request.user)
        extra_context = {
            **(extra_context or {}),
            "worklist": items,
            "overdue_count": sum(1 for i in items if i.overdue),
            "my_roles": sorted(roles_of(request.user)),
        }
        return super().index(request, extra_context)

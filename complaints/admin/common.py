"""What the back-office pages of 互动交流 share: the office filter, the clock column, the
read-only case admin whose changes go through workflow actions."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.admin_history import HistoryAdmin
from portal.admin_workflow import ServiceSavedAdminMixin, WorkflowActionsMixin
from portal.models import Office
from portal.workdays import workdays_left


class OfficeFilter(admin.SimpleListFilter):
    title = _("处室")
    parameter_name = "office"

    def lookups(self, request, model_admin):
        ids = model_admin.get_queryset(request).order_by().values_list("office_id", flat=True).distinct()
        return [(str(o.pk), o.name) for o in Office.objects.filter(pk__in=[i for i in ids if i])]

    def queryset(self, request, queryset):
        return queryset.filter(office_id=self.value()) if self.value() else queryset


def clock_column(due, *, closed: bool, left: int | None = None):
    """The due date, and while the case is open its working days left (`left` when the list
    computed its page's at once: DaysLeftChangeList)."""
    if not due:
        return "—"
    if closed:
        return due.isoformat()
    if left is None:
        left = workdays_left(due)
    css = "overdue" if left < 0 else ("due-soon" if left <= 3 else "")
    if left < 0:
        text = ngettext("逾期 %(n)d 个工作日", "逾期 %(n)d 个工作日", -left) % {"n": -left}
    else:
        text = ngettext("剩 %(n)d 个工作日", "剩 %(n)d 个工作日", left) % {"n": left}
    return format_html('{} <span class="clock {}">{}</span>', due.isoformat(), css, text)


class ReadOnlyWorkflowAdmin(ServiceSavedAdminMixin, WorkflowActionsMixin, HistoryAdmin):
    """Nothing is edited in place: every change is an action with its own form and service."""

    actions = None

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj) or (
            request.user.is_active and request.user.is_superuser)
        if obj is not None:
            return allowed and self.get_queryset(request).filter(pk=obj.pk).exists()
        return allowed

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [f for fs in self.get_fieldsets(request, obj) for f in fs[1]["fields"]]

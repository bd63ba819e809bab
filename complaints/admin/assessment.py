"""The supervision and assessment dashboard (M.18, M.20) and its XLSX export."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from complaints import assessment, exports
from complaints.admin_forms import PeriodForm
from complaints.models import Assessment
from disclosure.subscription_services import subscriber_counts
from portal.admin_workflow import ReadOnlyAdminMixin
from portal.models import Role
from portal.selectors import has_role

# --- The supervision and assessment dashboard (M.18, M.20) ----------------------------------


def may_see_dashboard(user) -> bool:
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return user.has_perm("complaints.view_assessment") and (
        has_role(user, Role.SUPERVISION) or has_role(user, Role.DISCLOSURE_OFFICE))


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Not a list of rows: the dashboard page, and its XLSX export."""

    def has_view_permission(self, request, obj=None):
        return may_see_dashboard(request.user)

    def has_module_permission(self, request):
        return may_see_dashboard(request.user)

    def get_urls(self):
        opts = self.model._meta
        return [
            path("", self.admin_site.admin_view(self.dashboard_view), name=f"{opts.app_label}_{opts.model_name}_changelist"),
            path("export.xlsx", self.admin_site.admin_view(self.export_view),
                 name=f"{opts.app_label}_{opts.model_name}_export"),
        ]

    def _data(self, request):
        if not may_see_dashboard(request.user):
            raise PermissionDenied
        form = PeriodForm(request.GET or None)
        if form.is_bound and form.is_valid():
            period, office = form.cleaned_data["period"], form.cleaned_data["office"]
        else:
            period, office = PeriodForm.default_period(), None
        return form, assessment.dashboard(period=period, office=office)

    def dashboard_view(self, request):
        form, data = self._data(request)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("政府信息公开监督考核"),
            "form": form,
            "data": data,
            "columns": exports.office_columns(),
            "charts": assessment.dashboard_charts(data),
            "export_query": request.GET.urlencode(),
            "may_record": request.user.has_perm("complaints.record_finding") and has_role(
                request.user, Role.SUPERVISION),
            # Subscribers' addresses are personal data kept by the disclosure office (issue #21):
            # it alone sees even their number here.
            "subscribers": subscriber_counts() if has_role(request.user, Role.DISCLOSURE_OFFICE) else None,
        }
        return TemplateResponse(request, "admin/complaints/assessment/dashboard.html", context)

    def export_view(self, request):
        _form, data = self._data(request)
        response = HttpResponse(
            exports.dashboard_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        name = f"监督考核-{data.period.start:%Y%m%d}-{data.period.end:%Y%m%d}.xlsx"
        response["Content-Disposition"] = content_disposition_header(True, name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response

    def changelist_url(self) -> str:
        return reverse("admin:complaints_assessment_changelist")

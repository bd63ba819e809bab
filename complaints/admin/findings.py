"""Accountability findings of the supervision office (M.20)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from complaints import selectors, services
from complaints.admin.common import OfficeFilter
from complaints.admin_forms import FindingForm
from complaints.models import AccountabilityFinding
from portal.admin_history import HistoryAdmin
from portal.errors import DomainError
from portal.models import Role
from portal.selectors import has_role

# --- Accountability findings (M.20) ---------------------------------------------------------


@admin.register(AccountabilityFinding)
class AccountabilityFindingAdmin(HistoryAdmin):
    form = FindingForm
    list_display = ["decided_on", "office", "title", "measure", "linked"]
    list_filter = ["measure", OfficeFilter]
    search_fields = ["title"]
    date_hierarchy = "decided_on"
    list_select_related = ["office"]
    actions = None
    fields = ["office", "title", "facts", "measure", "measure_detail", "decided_on", "complaints", "records",
              "applications"]

    def get_queryset(self, request):
        return selectors.findings_for_staff(request.user).select_related("office")

    def _may_record(self, request) -> bool:
        return request.user.has_perm("complaints.record_finding") and has_role(request.user, Role.SUPERVISION)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj) or (request.user.is_active and request.user.is_superuser)
        if obj is not None:
            return allowed and self.get_queryset(request).filter(pk=obj.pk).exists()
        return allowed

    def has_add_permission(self, request):
        return self._may_record(request)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self.get_queryset(request).filter(pk=obj.pk).exists():
            return False
        return self._may_record(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("关联事项"))
    def linked(self, obj):
        return _("举报投诉 %(c)d，政府信息 %(r)d，申请 %(a)d") % {
            "c": obj.complaints.count(), "r": obj.records.count(), "a": obj.applications.count()}

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        common = {"actor": request.user, "title": data["title"], "facts": data["facts"], "measure": data["measure"],
                  "measure_detail": data["measure_detail"], "decided_on": data["decided_on"],
                  "complaints": data["complaints"], "records": data["records"], "applications": data["applications"]}
        if change:
            finding = services.finding_update(finding=obj, **common)
        else:
            finding = services.finding_record(office=data["office"], **common)
        obj.pk = finding.pk

    def save_related(self, request, form, formsets, change):
        pass  # the service stored the links

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(request.path)

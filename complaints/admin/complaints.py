"""The back office of complaints (supervision office; the office concerned answers the questions
put to it). Every page asks `selectors.complaint_view` how much this person may see, and the
list, search, filters, files and history follow the same answer (M.19)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _

from complaints import clock, selectors, services, workflow
from complaints.admin.common import OfficeFilter, ReadOnlyWorkflowAdmin, clock_column
from complaints.admin_forms import (
    COMPLAINT_FORMS,
    OfflineComplaintForm,
    ReporterSearchForm,
)
from complaints.models import (
    AccessPurpose,
    Complaint,
    ComplaintFileRole,
    ComplaintStatus,
    ReporterAccess,
)
from complaints.selectors import View
from complaints.views import confidential_view
from portal.admin_dates import DaysLeftMixin
from portal.admin_workflow import ReadOnlyAdminMixin
from portal.errors import NotInScope
from portal.files import file_response
from portal.models import Role
from portal.selectors import has_role
from portal.workdays import workdays_left

# --- Complaints -------------------------------------------------------------------------------

# What anyone but the supervision office may filter or search the complaint list by: the
# structured facts, never the reporter or what the reporter wrote (a filter is also a question).
# Not the channel either: a complaint taken at the window or by phone narrows down who came or
# called, so the office complained about never learns it (M.19).
SAFE_COMPLAINT_LOOKUPS = {"status", "office", "office_id", "failure_type", "received_on", "result", "due_date"}


@admin.register(Complaint)
class ComplaintAdmin(DaysLeftMixin, ReadOnlyWorkflowAdmin):
    workflow = workflow.complaint_flow
    transition_forms = COMPLAINT_FORMS
    change_form_template = "admin/complaints/complaint/change_form.html"
    list_filter = ["status", "failure_type", OfficeFilter, "result"]
    list_select_related = ["office"]
    date_hierarchy = "received_on"
    history_list_display = ["status"]
    change_list_template = "admin/complaints/complaint/change_list.html"

    FULL_FIELDSETS = [
        (_("举报人（仅厅监察室可见）"), {"fields": ["anonymous", "reporter_name", "reporter_identity", "reporter_phone",
                                          "reporter_email", "reporter_address"]}),
        (_("举报投诉事项"), {"fields": ["office", "failure_type", "related_reference", "details"]}),
        (_("办理"), {"fields": ["tracking_code", "channel", "status", "received_on", "due_date",
                              "explanation_question", "explanation_due", "explanation_answer", "result", "conclusion",
                              "reply", "replied_on", "rating", "rating_comment"]}),
    ]
    OFFICE_FIELDSETS = [
        (_("厅监察室要求说明的事项"), {"fields": ["tracking_code", "office", "failure_type", "status",
                                           "explanation_question", "explanation_due", "explanation_answer",
                                           "result"]}),
    ]
    MASKED_FIELDSETS = [
        (None, {"fields": ["tracking_code", "office", "failure_type", "status", "received_on", "due_date",
                           "replied_on", "result"]}),
    ]

    def get_queryset(self, request):
        return selectors.complaints_for_staff(request.user).select_related("office")

    def get_list_display(self, request):
        if selectors.is_supervision(request.user):
            return ["tracking_code", "reporter_column", "channel", "office", "failure_type", "status", "received_on",
                    "due_column", "result"]
        return ["tracking_code", "office", "failure_type", "status", "received_on", "due_column", "result"]

    def get_search_fields(self, request):
        # The search box is a GET: what is typed lands in the access logs and the browser's
        # history. Finding a case by its reporter is a posted form (reporter_search_view).
        return ["tracking_code"]

    def get_list_filter(self, request):
        if selectors.is_supervision(request.user):
            return [*self.list_filter, "channel", "anonymous"]
        return self.list_filter

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "reporter_search": selectors.may_audit_reporter_access(request.user)}
        return super().changelist_view(request, extra_context)

    def lookup_allowed(self, lookup, value, request=None):
        if request is not None and not selectors.is_supervision(request.user) and (
                lookup.split("__")[0] not in SAFE_COMPLAINT_LOOKUPS):
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and has_role(request.user, Role.SUPERVISION)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["channel", "received_on", "office", "failure_type", "related_reference",
                                       "details", "files"]}),
                    (_("举报人（仅厅监察室可见）"), {"fields": ["anonymous", *OfflineComplaintForm.REPORTER_FIELDS]})]
        view = selectors.complaint_view(request.user, obj)
        if view == View.FULL:
            return self.FULL_FIELDSETS
        if view == View.OFFICE:
            return self.OFFICE_FIELDSETS
        return self.MASKED_FIELDSETS

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = OfflineComplaintForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    # --- The reporter: shown only where complaint_view is FULL ---

    def _reporter_value(self, obj, field: str) -> str:
        if not getattr(obj, "_reporter_visible", False):
            return str(_("（保密）"))
        if obj.anonymous:
            return str(_("（匿名）"))
        reporter = selectors.reporter_of(obj)
        return (getattr(reporter, field, "") if reporter else "") or "—"

    @admin.display(description=_("举报人"))
    def reporter_name(self, obj):
        return self._reporter_value(obj, "name")

    @admin.display(description=_("证件号码"))
    def reporter_identity(self, obj):
        return self._reporter_value(obj, "identity_number")

    @admin.display(description=_("联系电话"))
    def reporter_phone(self, obj):
        return self._reporter_value(obj, "phone")

    @admin.display(description=_("电子邮箱"))
    def reporter_email(self, obj):
        return self._reporter_value(obj, "email")

    @admin.display(description=_("通信地址"))
    def reporter_address(self, obj):
        return self._reporter_value(obj, "address")

    @admin.display(description=_("举报人"))
    def reporter_column(self, obj):
        # Lists show at most a masked name, even to the supervision office: a list is looked at
        # over shoulders; the full identity is on the case page, and each viewing is recorded.
        if obj.anonymous:
            return _("匿名")
        reporter = selectors.reporter_of(obj)
        return selectors.mask(reporter.name) if reporter else "—"

    @admin.display(description=_("办理期限"), ordering="due_date")
    def due_column(self, obj):
        return clock_column(obj.due_date, closed=obj.status == ComplaintStatus.CLOSED, left=getattr(obj, "days_left", None))

    def clock_runs(self, obj) -> bool:
        return bool(obj.due_date) and obj.status != ComplaintStatus.CLOSED

    # --- Pages ---

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and selectors.may_see_reporter(request.user, obj):
            obj._reporter_visible = True
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        complaint = self.scoped_object(request, object_id)
        view = selectors.complaint_view(request.user, complaint)
        if selectors.may_see_reporter(request.user, complaint) and not complaint.anonymous:
            selectors.log_reporter_view(request.user, complaint, "change_view")
        events = selectors.complaint_events_for(request.user, complaint)
        extra_context = {
            **(extra_context or {}),
            "complaint": complaint,
            "view_level": view.value,
            "actions": workflow.complaint_available(request.user, complaint),
            "clock": clock.compute_complaint(complaint.events.order_by("on", "at", "pk")) if view == View.FULL
            else None,
            "events": events,
            "show_comments": view in (View.FULL, View.OFFICE),
            "files": selectors.complaint_files_for(request.user, complaint),
            "days_left": workdays_left(complaint.due_date) if complaint.due_date else None,
            "explanation_days_left": workdays_left(complaint.explanation_due) if complaint.explanation_due else None,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @method_decorator(confidential_view)
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in ("office", "failure_type", "related_reference", "details")}
        complaint, secret = services.complaint_register_offline(
            actor=request.user, data=data, reporter=form.reporter(), anonymous=form.cleaned_data["anonymous"],
            channel=form.cleaned_data["channel"], received_on=form.cleaned_data["received_on"],
            uploads=form.cleaned_data["files"])
        obj.pk = complaint.pk
        messages.warning(request, _("已登记。请将查询码 %(code)s 和查询密码 %(secret)s 告知举报人（密码只显示这一次）。")
                         % {"code": complaint.tracking_code, "secret": secret})

    def history_view(self, request, object_id, extra_context=None):
        # History shows the case as it stood at each step: the supervision office's alone (M.19).
        if not selectors.is_supervision(request.user):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not selectors.is_supervision(request.user):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_urls(self):
        opts = self.model._meta
        return [
            *self.workflow_urls(),
            path("<int:object_id>/files/<int:file_id>/", self.admin_site.admin_view(self.file_view),
                 name=f"{opts.app_label}_{opts.model_name}_file"),
            path("reporter-search/", self.admin_site.admin_view(self.reporter_search_view),
                 name=f"{opts.app_label}_{opts.model_name}_reporter_search"),
            *super().get_urls(),
        ]

    @method_decorator(confidential_view)
    def transition_view(self, request, object_id, name):
        # The supervision office's forms may hold what it must not pass on (a refused question).
        return super().transition_view(request, object_id, name)

    def file_view(self, request, object_id, file_id):
        complaint = self.scoped_object(request, object_id)
        item = selectors.complaint_files_for(request.user, complaint).filter(pk=file_id).first()
        if item is None:  # a file of this case withheld from this person (the reporter's evidence) is audited
            raise (NotInScope if complaint.files.filter(pk=file_id).exists() else Http404)
        if item.role == ComplaintFileRole.EVIDENCE:  # what the reporter sent: each download recorded (M.19)
            selectors.log_reporter_view(request.user, complaint, AccessPurpose.FILE_DOWNLOAD, file=item)
        return file_response(item)

    @method_decorator(confidential_view)
    def reporter_search_view(self, request):
        """按举报人查找 (supervision office only): a POST, so no name or number is ever in a URL;
        every case found is recorded in the access record, as opening it would be."""
        if not selectors.may_audit_reporter_access(request.user):
            raise PermissionDenied
        form = ReporterSearchForm(request.POST if request.method == "POST" else None)
        results = None
        if request.method == "POST" and form.is_valid():
            results = list(selectors.complaints_by_reporter(request.user, **form.cleaned_data)
                           .select_related("office").order_by("-received_on", "-pk")[:50])
            for complaint in results:
                selectors.log_reporter_view(request.user, complaint, AccessPurpose.REPORTER_SEARCH)
                complaint.reporter_masked = self.reporter_column(complaint)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "results": results, "title": _("按举报人查找举报投诉")}
        response = TemplateResponse(request, "admin/complaints/complaint/reporter_search.html", context)
        response["Cache-Control"] = "no-store"
        return response


@admin.register(ReporterAccess)
class ReporterAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who saw which reporter, when and how (M.19): read by the supervision office, never edited.
    An IT superuser may open the page but sees no rows: they would tell which cases have a named
    reporter, which is the supervision office's to know."""

    list_display = ["at", "user", "complaint", "purpose", "file"]
    list_filter = ["purpose"]
    search_fields = ["complaint__tracking_code", "user__username"]
    date_hierarchy = "at"
    list_select_related = ["complaint__office", "user", "file"]
    fields = ["at", "user", "complaint", "purpose", "file"]
    readonly_fields = fields
    actions = None

    def get_queryset(self, request):
        if not selectors.may_audit_reporter_access(request.user):
            return ReporterAccess.objects.none()
        return super().get_queryset(request)

    def has_module_permission(self, request):
        return selectors.may_audit_reporter_access(request.user)

    def has_view_permission(self, request, obj=None):
        if selectors.may_audit_reporter_access(request.user):
            return True
        return obj is None and request.user.is_active and request.user.is_superuser


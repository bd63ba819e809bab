"""The back office for 互动交流: complaints (supervision office; the office concerned answers the
questions put to it), consultations (disclosure office and the office answering), accountability
findings, survey answers, and the supervision and assessment dashboard.

Thin: rules live in services.py, workflow.py and selectors.py. For complaints, every page asks
`selectors.complaint_view` how much this person may see, and the list, search, filters, files
and history follow the same answer (M.19).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from complaints import assessment, charts, clock, exports, selectors, services, workflow
from complaints.admin_forms import (
    COMPLAINT_FORMS,
    CONSULTATION_FORMS,
    FindingForm,
    OfflineComplaintForm,
    OfflineConsultationForm,
    PeriodForm,
    ReporterSearchForm,
)
from complaints.models import (
    AccessPurpose,
    AccountabilityFinding,
    Assessment,
    Complaint,
    ComplaintFileRole,
    ComplaintStatus,
    Consultation,
    ConsultationStatus,
    ReporterAccess,
    SurveyResponse,
)
from complaints.selectors import View
from complaints.views import confidential_view
from portal.admin_history import HistoryAdmin
from portal.admin_workflow import WorkflowActionsMixin
from portal.errors import DomainError, NotInScope
from portal.files import file_response
from portal.models import Office, Role
from portal.selectors import has_role
from portal.workdays import workdays_left


class OfficeFilter(admin.SimpleListFilter):
    title = _("处室")
    parameter_name = "office"

    def lookups(self, request, model_admin):
        ids = model_admin.get_queryset(request).order_by().values_list("office_id", flat=True).distinct()
        return [(str(o.pk), o.name) for o in Office.objects.filter(pk__in=[i for i in ids if i])]

    def queryset(self, request, queryset):
        return queryset.filter(office_id=self.value()) if self.value() else queryset


def clock_column(due, *, closed: bool):
    if not due:
        return "—"
    if closed:
        return due.isoformat()
    left = workdays_left(due)
    css = "overdue" if left < 0 else ("due-soon" if left <= 3 else "")
    if left < 0:
        text = ngettext("逾期 %(n)d 个工作日", "逾期 %(n)d 个工作日", -left) % {"n": -left}
    else:
        text = ngettext("剩 %(n)d 个工作日", "剩 %(n)d 个工作日", left) % {"n": left}
    return format_html('{} <span class="clock {}">{}</span>', due.isoformat(), css, text)


class ReadOnlyWorkflowAdmin(WorkflowActionsMixin, HistoryAdmin):
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

    def save_related(self, request, form, formsets, change):
        pass  # everything was stored by the service

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:  # refused by the service after the form validated
            messages.error(request, str(error))
            return HttpResponseRedirect(request.path)


# --- Complaints -------------------------------------------------------------------------------

# What anyone but the supervision office may filter or search the complaint list by: the
# structured facts, never the reporter or what the reporter wrote (a filter is also a question).
# Not the channel either: a complaint taken at the window or by phone narrows down who came or
# called, so the office complained about never learns it (M.19).
SAFE_COMPLAINT_LOOKUPS = {"status", "office", "office_id", "failure_type", "received_on", "result", "due_date"}


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyWorkflowAdmin):
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
        return clock_column(obj.due_date, closed=obj.status == ComplaintStatus.CLOSED)

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
class ReporterAccessAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Consultations ----------------------------------------------------------------------------

SAFE_CONSULTATION_LOOKUPS = {"status", "office", "office_id", "channel", "received_on", "answered_on", "published_at",
                             "publish_consent", "due_date"}


class PublishedFilter(admin.SimpleListFilter):
    title = _("咨询问答")
    parameter_name = "faq"

    def lookups(self, request, model_admin):
        return [("published", _("已公开")), ("waiting", _("同意公开，未公开"))]

    def queryset(self, request, queryset):
        if self.value() == "published":
            return queryset.filter(published_at__isnull=False)
        if self.value() == "waiting":
            return queryset.filter(status=ConsultationStatus.CLOSED, publish_consent=True, published_at__isnull=True)
        return queryset


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyWorkflowAdmin):
    workflow = workflow.consultation_flow
    transition_forms = CONSULTATION_FORMS
    change_form_template = "admin/complaints/consultation/change_form.html"
    list_display = ["tracking_code", "subject", "asker_masked", "channel", "status", "office", "received_on",
                    "due_column", "published_column"]
    list_filter = ["status", "channel", OfficeFilter, PublishedFilter]
    search_fields = ["tracking_code", "subject"]
    list_select_related = ["office"]
    date_hierarchy = "received_on"
    history_list_display = ["status"]

    fieldsets = [
        (_("咨询人"), {"fields": ["name_shown", "phone_shown", "email_shown"]}),
        (_("咨询内容"), {"fields": ["subject", "question", "publish_consent"]}),
        (_("办理"), {"fields": ["tracking_code", "channel", "status", "office", "received_on", "due_date", "answer",
                              "answered_on", "rating", "rating_comment"]}),
        (_("咨询问答（公开版本）"), {"fields": ["published_at", "public_subject", "public_question", "public_answer"]}),
    ]

    def get_queryset(self, request):
        return selectors.consultations_for_staff(request.user).select_related("office")

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.split("__")[0] not in SAFE_CONSULTATION_LOOKUPS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and has_role(request.user, Role.DISCLOSURE_OFFICE)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["channel", "received_on", *OfflineConsultationForm.Meta.fields]})]
        return self.fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = OfflineConsultationForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def _shown(self, obj, field: str) -> str:
        value = getattr(obj, field) or ""
        if not value:
            return "—"
        if getattr(obj, "_asker_visible", False):
            return value
        return selectors.mask_phone(value) if field == "phone" else selectors.mask(value)

    @admin.display(description=_("姓名或名称"))
    def name_shown(self, obj):
        return self._shown(obj, "name")

    @admin.display(description=_("联系电话"))
    def phone_shown(self, obj):
        return self._shown(obj, "phone")

    @admin.display(description=_("电子邮箱"))
    def email_shown(self, obj):
        return self._shown(obj, "email")

    @admin.display(description=_("咨询人"))
    def asker_masked(self, obj):
        return selectors.mask(obj.name)

    @admin.display(description=_("答复期限"), ordering="due_date")
    def due_column(self, obj):
        return clock_column(obj.due_date, closed=obj.status == ConsultationStatus.CLOSED)

    @admin.display(description=_("咨询问答"), boolean=True)
    def published_column(self, obj):
        return obj.is_published

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and selectors.may_see_asker(request.user, obj):
            obj._asker_visible = True
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        consultation = self.scoped_object(request, object_id)
        events = consultation.events.select_related("actor").order_by("on", "at", "pk")
        extra_context = {
            **(extra_context or {}),
            "consultation": consultation,
            "actions": workflow.consultation_available(request.user, consultation),
            "clock": clock.compute_consultation(events),
            "events": events,
            "days_left": workdays_left(consultation.due_date) if consultation.due_date else None,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @method_decorator(confidential_view)
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        consultation, secret = services.consultation_register_offline(
            actor=request.user, data=form.service_data(), channel=form.cleaned_data["channel"],
            received_on=form.cleaned_data["received_on"])
        obj.pk = consultation.pk
        messages.warning(request, _("已登记。请将查询码 %(code)s 和查询密码 %(secret)s 告知咨询人（密码只显示这一次）。")
                         % {"code": consultation.tracking_code, "secret": secret})

    def get_urls(self):
        return [*self.workflow_urls(), *super().get_urls()]


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


# --- Survey answers (M.18) ------------------------------------------------------------------


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ["submitted_at", "overall", "findability", "timeliness", "comment_excerpt"]
    list_filter = ["overall"]
    date_hierarchy = "submitted_at"
    fields = ["submitted_at", "overall", "findability", "timeliness", "comment"]
    readonly_fields = fields
    actions = None

    @admin.display(description=_("意见和建议"))
    def comment_excerpt(self, obj):
        return (obj.comment[:60] + "…") if len(obj.comment) > 60 else obj.comment

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- The supervision and assessment dashboard (M.18, M.20) ----------------------------------


def may_see_dashboard(user) -> bool:
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return user.has_perm("complaints.view_assessment") and (
        has_role(user, Role.SUPERVISION) or has_role(user, Role.DISCLOSURE_OFFICE))


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Not a list of rows: the dashboard page, and its XLSX export."""

    def has_view_permission(self, request, obj=None):
        return may_see_dashboard(request.user)

    def has_module_permission(self, request):
        return may_see_dashboard(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
        rows = [r for r in data.rows if r.has_figures]
        record_chart = charts.stacked(
            id="chart-records", title=str(_("政府信息按期公开情况")),
            description=str(_("各处室在统计期间发布的主动公开政府信息中，20个工作日内发布和超过20个工作日发布的条数，以及公开期限已过仍未发布的条数。")),
            rows=[(r.name, [r.records_on_time, r.records_late, r.records_open_overdue]) for r in rows],
            series=[("bar-ok", str(_("20个工作日内"))), ("bar-late", str(_("超过20个工作日"))),
                    ("bar-open", str(_("逾期未公开")))])
        application_chart = charts.stacked(
            id="chart-applications", title=str(_("依申请公开按期答复情况")),
            description=str(_("各处室在统计期间答复的申请中，按期和逾期答复的件数，以及逾期未答复的件数。")),
            rows=[(r.name, [r.applications_on_time, r.applications_late, r.applications_open_overdue]) for r in rows],
            series=[("bar-ok", str(_("按期答复"))), ("bar-late", str(_("逾期答复"))),
                    ("bar-open", str(_("逾期未答复")))])
        complaint_chart = charts.stacked(
            id="chart-complaints", title=str(_("举报投诉情况")),
            description=str(_("各处室在统计期间被举报投诉的件数，其中举报属实（含部分属实）的件数。")),
            rows=[(r.name, [r.complaints_received - r.complaints_substantiated, r.complaints_substantiated])
                  for r in rows],
            series=[("bar-neutral", str(_("未查实或办理中"))), ("bar-late", str(_("属实或部分属实")))])
        consultation_chart = charts.stacked(
            id="chart-consultations", title=str(_("咨询按期答复情况")),
            description=str(_("各处室在统计期间答复的咨询中，按期和逾期答复的件数。")),
            rows=[(r.name, [r.consultations_on_time, r.consultations_late]) for r in rows],
            series=[("bar-ok", str(_("按期答复"))), ("bar-late", str(_("逾期答复")))])
        rating_chart = charts.averages(
            id="chart-ratings", title=str(_("平均评价")),
            description=str(_("各处室在统计期间收到的申请人和咨询人评价的平均分（1–5分）；举报人的评价计入厅监察室。")),
            rows=[(r.name, r.rating_average) for r in rows])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("政府信息公开监督考核"),
            "form": form,
            "data": data,
            "columns": exports.office_columns(),
            "charts": [record_chart, application_chart, complaint_chart, consultation_chart, rating_chart],
            "export_query": request.GET.urlencode(),
            "may_record": request.user.has_perm("complaints.record_finding") and has_role(
                request.user, Role.SUPERVISION),
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


# Issue #20: the compliance self-check page.
from complaints import compliance_admin  # noqa: E402, F401

"""The back office of consultations (disclosure office and the office answering; M.10)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _

from complaints import clock, selectors, services, workflow
from complaints.admin.common import OfficeFilter, ReadOnlyWorkflowAdmin, clock_column
from complaints.admin_forms import (
    CONSULTATION_FORMS,
    OfflineConsultationForm,
)
from complaints.models import (
    Consultation,
    ConsultationStatus,
)
from complaints.views import confidential_view
from portal.admin_confidential import ContactColumnsMixin
from portal.admin_dates import DaysLeftMixin
from portal.models import Role
from portal.selectors import has_role
from portal.workdays import workdays_left

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
class ConsultationAdmin(DaysLeftMixin, ContactColumnsMixin, ReadOnlyWorkflowAdmin):
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

    @admin.display(description=_("咨询人"))
    def asker_masked(self, obj):
        return selectors.mask(obj.name)

    @admin.display(description=_("答复期限"), ordering="due_date")
    def due_column(self, obj):
        return clock_column(obj.due_date, closed=obj.status == ConsultationStatus.CLOSED, left=getattr(obj, "days_left", None))

    def clock_runs(self, obj) -> bool:
        return bool(obj.due_date) and obj.status != ConsultationStatus.CLOSED

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

"""The back office for applications: scoped lists with masked identities, offline entry, the
workflow buttons, the clock explanation, letters and files. Thin: rules live in services.py,
workflow.py and selectors.py."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from applications import clock, selectors, services, workflow
from applications.admin_forms import TRANSITION_FORMS, OfflineApplicationForm
from applications.annual_report.admin import ReportCellFilter  # issue #7: the annual report's admin and drill-down
from applications.models import (
    IDENTITY_FILE_ROLES,
    ApplicationEvent,
    DisclosureApplication,
    EventKind,
    IdentityAccess,
    ReviewCase,
    Status,
)
from portal.admin_confidential import ContactColumnsMixin
from portal.admin_dates import DaysLeftMixin
from portal.admin_history import HistoryAdmin
from portal.admin_workflow import ReadOnlyAdminMixin, ServiceSavedAdminMixin, WorkflowActionsMixin
from portal.errors import ActionRefused, StateConflict
from portal.files import file_response
from portal.models import Office, Role, SiteProfile
from portal.selectors import has_role
from portal.workdays import workdays_left

IDENTITY_FIELDS = ("identity_number", "phone", "email", "address")


class OfficeFilter(admin.SimpleListFilter):
    title = _("承办处室")
    parameter_name = "office"

    def lookups(self, request, model_admin):
        # Each office asked whether it holds one of the person's applications (its index), not
        # the offices of all 120,000 applications gathered on every view of the list (49 ms).
        held = model_admin.get_queryset(request).filter(office_id=OuterRef("pk"))
        return [(str(o.pk), o.name) for o in Office.objects.filter(Exists(held))]

    def queryset(self, request, queryset):
        return queryset.filter(office_id=self.value()) if self.value() else queryset


@admin.register(DisclosureApplication)
class DisclosureApplicationAdmin(DaysLeftMixin, ServiceSavedAdminMixin, ContactColumnsMixin, WorkflowActionsMixin,
                                 HistoryAdmin):
    workflow = workflow
    transition_forms = TRANSITION_FORMS
    change_form_template = "admin/applications/disclosureapplication/change_form.html"
    list_display = ["tracking_code", "information_title", "applicant_name", "identity_masked", "channel", "status",
                    "office", "due_column", "outcome"]
    # ReportCellFilter (issue #7): ?report_cell=<year>:<row>:<column> lists a table-3 cell's applications.
    list_filter = ["status", "channel", "applicant_type", OfficeFilter, "outcome", "extended", "extension_pending",
                   ReportCellFilter, "proactive_suggested"]
    search_fields = ["tracking_code", "information_title", "applicant_name"]
    list_select_related = ["office"]
    date_hierarchy = "submitted_at"
    history_list_display = ["status"]

    fieldsets = [
        (_("申请人"), {"fields": ["applicant_type", "applicant_name", "legal_representative", "contact_person",
                                "identity_document", "identity_shown", "phone_shown", "email_shown", "address_shown",
                                "postcode"]}),
        (_("所需信息"), {"fields": ["information_title", "document_number", "index_number", "description", "purpose",
                                 "medium", "delivery"]}),
        (_("办理"), {"fields": ["tracking_code", "channel", "status", "submitted_at", "received_on", "office",
                              "due_date", "extended", "extension_pending", "outcome", "replied_on", "rating",
                              "rating_comment"]}),
        (_("纳入主动公开（条例第四十四条）"), {"fields": ["proactive_suggested", "proactive_suggested_at",
                                                  "public_record_link"]}),
    ]

    def get_queryset(self, request):
        return selectors.applications_for_staff(request.user).select_related("office")

    def clock_runs(self, obj) -> bool:
        """The list shows working days left while the clock runs (R.33)."""
        return bool(obj.due_date) and obj.status != Status.CLOSED and not obj.clock_paused

    # Nothing is edited in place: every change is an action with its own form and service.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return super().has_add_permission(request) and has_role(request.user, Role.DISCLOSURE_OFFICE)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if obj is not None:
            return allowed and self.get_queryset(request).filter(pk=obj.pk).exists()
        return allowed

    def get_readonly_fields(self, request, obj=None):
        return [f for fs in self.fieldsets for f in fs[1]["fields"]] if obj is not None else []

    # --- Masked identity: in full only for the disclosure office and the assigned office ---

    def _shown(self, obj, field: str) -> str:
        value = getattr(obj, field)
        if getattr(obj, "_identity_visible", False):
            return value
        return selectors.mask_email(value) if field == "email" else selectors.mask(value)

    @admin.display(description=_("证件号码"))
    def identity_masked(self, obj):
        return selectors.mask(obj.identity_number)

    @admin.display(description=_("证件号码"))
    def identity_shown(self, obj):
        return self._shown(obj, "identity_number")

    @admin.display(description=_("通信地址"))
    def address_shown(self, obj):
        return self._shown(obj, "address") if obj.address else "—"

    @admin.display(description=_("纳入主动公开的政府信息"))
    def public_record_link(self, obj):
        record = obj.public_record
        if record is None:
            return "—"
        return format_html('<a href="{}">{}</a>（{}）', reverse("admin:disclosure_record_change", args=[record.pk]),
                           record.title, record.get_state_display())

    def changelist_view(self, request, extra_context=None):
        """The year's R.44 suggestions, counted where the disclosure office looks for its cases."""
        today = timezone.localdate()
        year = selectors.DateRange(start=today.replace(month=1, day=1), end=today)
        extra_context = {**(extra_context or {}),
                         "proactive_suggestions": selectors.proactive_disclosure_suggestions(year),
                         "proactive_year": today.year}
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("答复期限"), ordering="due_date")
    def due_column(self, obj):
        if not obj.due_date:
            return "—"
        if obj.status == Status.CLOSED:
            return obj.due_date.isoformat()
        if obj.clock_paused:
            return format_html('{} <span class="clock">{}</span>', obj.due_date.isoformat(), _("暂停"))
        left = getattr(obj, "days_left", None)
        if left is None:  # outside the list (DaysLeftChangeList computes a page's at once)
            left = workdays_left(obj.due_date)
        css = "overdue" if left < 0 else ("due-soon" if left <= 3 else "")
        if left < 0:
            text = ngettext("逾期 %(n)d 个工作日", "逾期 %(n)d 个工作日", -left) % {"n": -left}
        else:
            text = ngettext("剩 %(n)d 个工作日", "剩 %(n)d 个工作日", left) % {"n": left}
        return format_html('{} <span class="clock {}">{}</span>', obj.due_date.isoformat(), css, text)

    def approval_summary(self, obj):
        """The application and, once drafted, the reply under approval (R.36, R.37): the outcome,
        its reasons and the letter itself, one click away as the applicant will receive it."""
        opts = self.model._meta
        rows = [
            (_("申请"), format_html('<a href="{}">{}</a> {}', self.change_url(obj), obj.tracking_code,
                                   obj.information_title)),
            (_("申请人"), obj.applicant_name),
            (_("承办处室"), obj.office.name if obj.office_id else "—"),
            (_("当前环节"), obj.get_status_display()),
            (_("收到申请日期"), obj.received_on.isoformat() if obj.received_on else _("待确认")),
            (_("答复期限"), obj.due_date.isoformat() if obj.due_date else "—"),
        ]
        if obj.outcome:
            rows.append((_("拟答复结果"), obj.get_outcome_display()))
        if obj.reply_note:
            rows.append((_("理由和依据"), obj.reply_note))
        if obj.reply_letter:
            rows.append((_("告知书"), format_html(
                '<a href="{}">{}</a> · <a href="{}">{}</a>',
                reverse(f"admin:{opts.app_label}_{opts.model_name}_letter", args=[obj.pk]), _("查看告知书（网页）"),
                reverse(f"admin:{opts.app_label}_{opts.model_name}_letter_pdf", args=[obj.pk]), _("下载告知书（PDF）"))))
        return rows

    # --- Pages ---

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and selectors.may_see_identity(request.user, obj):
            obj._identity_visible = True
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.scoped_object(request, object_id)
        identity_visible = selectors.may_see_identity(request.user, application)
        if identity_visible:
            selectors.log_identity_view(request.user, application, "change_view")
        events = list(application.events.select_related("actor").order_by("on", "at", "pk"))
        for event in events:
            event.summary = selectors.event_summary(event)
        last_supplement = application.events.filter(kind=EventKind.SUPPLEMENT_RECEIVED).order_by("-at", "-pk").first()
        extension_request = (application.events.filter(kind=EventKind.EXTENSION_REQUESTED).select_related("actor")
                             .order_by("-at", "-pk").first() if application.extension_pending else None)
        extra_context = {
            **(extra_context or {}),
            "application": application,
            "actions": workflow.available(request.user, application),
            "clock": clock.compute(events),
            "events": events,
            "files": application.files.all(),
            "identity_visible": identity_visible,
            "identity_file_roles": IDENTITY_FILE_ROLES,
            "notices": application.notices.order_by("issued_on", "pk"),
            "late_supplement": last_supplement if application.status == Status.SUPPLEMENT_LATE else None,
            "extension_request": extension_request,
            "extension_requester": services.person_name(extension_request.actor) if extension_request else "",
            "review_body_missing": not (SiteProfile.current().review_body or "").strip(),
            "fee_notices": application.fee_notices.all(),
            "review_cases": application.review_cases.all(),
            "similar": selectors.similar_earlier_applications(application)[:5],
            "days_left": workdays_left(application.due_date) if application.due_date else None,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = OfflineApplicationForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["channel", "received_on", *OfflineApplicationForm.Meta.fields, "files"]})]
        return self.fieldsets

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in OfflineApplicationForm.Meta.fields}
        application, secret = services.application_register_offline(
            actor=request.user, data=data, channel=form.cleaned_data["channel"],
            received_on=form.cleaned_data["received_on"], uploads=form.cleaned_data["files"])
        obj.pk = application.pk
        messages.warning(request, _("已登记。请将查询码 %(code)s 和查询密码 %(secret)s 告知申请人（密码只显示这一次）。")
                         % {"code": application.tracking_code, "secret": secret})

    def get_urls(self):
        opts = self.model._meta
        return [
            *self.workflow_urls(),
            path("<int:object_id>/files/<int:file_id>/", self.admin_site.admin_view(self.file_view),
                 name=f"{opts.app_label}_{opts.model_name}_file"),
            path("<int:object_id>/letter/", self.admin_site.admin_view(self.letter_view),
                 name=f"{opts.app_label}_{opts.model_name}_letter"),
            path("<int:object_id>/letter.pdf", self.admin_site.admin_view(self.letter_pdf_view),
                 name=f"{opts.app_label}_{opts.model_name}_letter_pdf"),
            path("<int:object_id>/letter/preview/", self.admin_site.admin_view(self.letter_preview_view),
                 name=f"{opts.app_label}_{opts.model_name}_letter_preview"),
            path("<int:object_id>/letter/preview.pdf", self.admin_site.admin_view(self.letter_preview_pdf_view),
                 name=f"{opts.app_label}_{opts.model_name}_letter_preview_pdf"),
            path("<int:object_id>/notices/<int:notice_id>/", self.admin_site.admin_view(self.notice_view),
                 name=f"{opts.app_label}_{opts.model_name}_notice"),
            path("<int:object_id>/notices/<int:notice_id>.pdf", self.admin_site.admin_view(self.notice_pdf_view),
                 name=f"{opts.app_label}_{opts.model_name}_notice_pdf"),
            *super().get_urls(),
        ]

    def file_view(self, request, object_id, file_id):
        """A file of the application. The applicant's own materials (often an ID scan) only for
        those who may see the identity in full, and each download is logged like a full view."""
        application = self.scoped_object(request, object_id)
        item = application.files.filter(pk=file_id).first()
        if item is None:
            raise Http404
        if item.role in IDENTITY_FILE_ROLES:
            if not selectors.may_see_identity(request.user, application):
                raise PermissionDenied(_("申请人提交的材料可能含有身份证明，只有政府信息公开工作机构和承办处室可以查看。"))
            selectors.log_identity_view(request.user, application, f"file_view:{item.pk}:{item.role}")
        return file_response(item)

    def _notice(self, request, object_id, notice_id):
        application = self.scoped_object(request, object_id)
        notice = application.notices.filter(pk=notice_id).first()
        if notice is None:
            raise Http404
        return application, notice

    def notice_view(self, request, object_id, notice_id):
        """A notice to print, for applicants (or third parties) who get it on paper."""
        application, notice = self._notice(request, object_id, notice_id)
        return render(request, "applications/letter_print.html",
                      {"application": application, "letter_html": mark_safe(notice.html),
                       "document_title": notice.get_kind_display()})

    def notice_pdf_view(self, request, object_id, notice_id):
        from applications.letter_pdf import letter_pdf

        application, notice = self._notice(request, object_id, notice_id)
        response = HttpResponse(letter_pdf(notice.html, title=f"{notice.get_kind_display()} {application.tracking_code}"),
                                content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            True, f"{notice.get_kind_display()}-{application.tracking_code}-{notice.pk}.pdf")
        return response

    def _previewed_letter(self, request, object_id):
        """The letter composed from the draft-reply form as posted (nothing is saved), for whoever
        may draft this reply now."""
        if request.method != "POST":
            raise Http404
        application = self.scoped_object(request, object_id)
        try:
            workflow.check(workflow.TRANSITIONS[workflow.A.DRAFT_REPLY], request.user, application)
        except (ActionRefused, StateConflict) as error:
            raise PermissionDenied(str(error)) from None
        form = TRANSITION_FORMS[workflow.A.DRAFT_REPLY](request.POST, obj=application)
        return application, form.preview_letter()

    def letter_preview_view(self, request, object_id):
        """The letter page exactly as the applicant will open it (applications:case_letter)."""
        application, letter_html = self._previewed_letter(request, object_id)
        return render(request, "applications/letter_print.html",
                      {"application": application, "letter_html": letter_html, "preview": True})

    def letter_preview_pdf_view(self, request, object_id):
        """The PDF exactly as the applicant will download it (applications:case_letter_pdf), shown
        in the browser rather than saved."""
        from applications.letter_pdf import letter_pdf
        from applications.letters import LETTER_TITLE

        application, letter_html = self._previewed_letter(request, object_id)
        title = f"{LETTER_TITLE} {application.tracking_code}"
        response = HttpResponse(letter_pdf(letter_html, title=title), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            False, f"{LETTER_TITLE}-{application.tracking_code}.pdf")
        return response

    def letter_view(self, request, object_id):
        application = self.scoped_object(request, object_id)
        if not application.reply_letter:
            raise Http404
        return render(request, "applications/letter_print.html",
                      {"application": application, "letter_html": mark_safe(application.reply_letter)})

    def letter_pdf_view(self, request, object_id):
        from applications.letter_pdf import letter_pdf

        application = self.scoped_object(request, object_id)
        if not application.reply_letter:
            raise Http404
        response = HttpResponse(letter_pdf(application.reply_letter, title=str(application)),
                                content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{application.tracking_code}.pdf"'
        return response


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "application", "kind", "on", "actor", "acted_as", "from_status", "to_status"]
    list_filter = ["kind"]
    search_fields = ["application__tracking_code"]
    list_select_related = ["application", "actor"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(
            application__in=selectors.applications_for_staff(request.user))


@admin.register(ReviewCase)
class ReviewCaseAdmin(HistoryAdmin):
    """Table 4: reviews and lawsuits; a pending one is decided here."""

    list_display = ["application", "kind", "filed_on", "result", "decided_on"]
    list_filter = ["kind", "result"]
    fields = ["application", "kind", "filed_on", "result", "decided_on", "note"]
    readonly_fields = ["application", "kind", "filed_on"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(
            application__in=selectors.applications_for_staff(request.user))

    def has_add_permission(self, request):
        return False  # recorded from the application page (the record_review action)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.review_case_update(case=obj, actor=request.user, result=form.cleaned_data["result"],
                                    decided_on=form.cleaned_data["decided_on"], note=form.cleaned_data["note"])


@admin.register(IdentityAccess)
class IdentityAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who saw whose identity in full, and when (read only): for the disclosure office, which
    answers for applicants' privacy, and for superusers."""

    list_display = ["at", "user", "application", "purpose"]
    date_hierarchy = "at"
    search_fields = ["application__tracking_code", "user__username", "user__last_name"]
    list_select_related = ["application", "user"]
    fields = ["at", "user", "application", "purpose"]
    readonly_fields = fields

    @staticmethod
    def _may_read(request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or has_role(user, Role.DISCLOSURE_OFFICE))

    def has_module_permission(self, request):
        return self._may_read(request)

    def has_view_permission(self, request, obj=None):
        return self._may_read(request)


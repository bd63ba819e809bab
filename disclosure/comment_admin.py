"""The back office for calls for public comments (意见征集): the list, the opening form, and one
page per period with its terms, the draft's and the report's place in the M.12 chain, and the
comments grouped by how they were handled, each with its form. Thin: the rules are in
comment_services.py and comment_workflow.py; the contacts are masked (PublicComment)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from disclosure import comment_selectors, comment_services, selectors
from disclosure import comment_workflow as flow
from disclosure.admin import ScopedObjectMixin
from disclosure.comment_forms import CommentCloseForm, CommentDecisionForm, CommentPeriodOpenForm, FinalRecordForm
from disclosure.comment_models import CommentPeriod, CommentPhase, CommentRules, PublicComment
from portal.admin_history import HistoryAdmin
from portal.admin_workflow import ReadOnlyAdminMixin
from portal.errors import DomainError
from portal.files import file_response
from portal.models import Role
from portal.selectors import has_role, offices_for


@admin.register(CommentPeriod)
class CommentPeriodAdmin(ScopedObjectMixin, HistoryAdmin):
    list_display = ["title_column", "office_column", "decision_kind", "start_date", "end_date", "phase_column",
                    "comment_count", "report_column"]
    list_filter = ["decision_kind"]
    search_fields = ["record__title"]
    date_hierarchy = "start_date"

    def get_queryset(self, request):
        return comment_selectors.comment_periods_for_staff(request.user)

    def has_add_permission(self, request):
        return request.user.has_perm("disclosure.open_commentperiod") and offices_for(
            request.user, Role.DRAFTER).exists()

    def has_change_permission(self, request, obj=None):
        return False  # every change is a service behind a button of the period's page

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("标题"))
    def title_column(self, obj):
        return obj.record.title

    @admin.display(description=_("发布机构"))
    def office_column(self, obj):
        return obj.record.office.name

    @admin.display(description=_("状态"))
    def phase_column(self, obj):
        return CommentPhase(obj.phase()).label

    @admin.display(description=_("意见数"))
    def comment_count(self, obj):
        return obj.comments.count()

    @admin.display(description=_("意见采纳情况"))
    def report_column(self, obj):
        return obj.adoption_report.get_state_display() if obj.adoption_report_id else "—"

    # --- Opening ---

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        offices = offices_for(request.user, Role.DRAFTER)
        form = CommentPeriodOpenForm(request.POST or None, offices=offices)
        if request.method == "POST" and form.is_valid():
            try:
                period = comment_services.comment_period_open(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("已创建意见征集。请在征求意见稿页面上传草案文件，并提交审核。"))
                return HttpResponseRedirect(reverse("admin:disclosure_commentperiod_change", args=[period.pk]))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "title": _("发起意见征集"), "rules": comment_services.comment_rules()}
        return TemplateResponse(request, "admin/disclosure/commentperiod/open.html", context)

    # --- The period's page ---

    def change_view(self, request, object_id, form_url="", extra_context=None):
        period = self._scoped(request, object_id)
        actions = {t.name for t in flow.available(request.user, period)}
        groups = []
        for decision, label, comments in comment_selectors.comments_grouped(period):
            for comment in comments:
                comment.name_masked = comment_selectors.mask_name(comment.name)
                comment.contact_masked = comment_selectors.mask_contact(comment.contact)
                comment.form = CommentDecisionForm(
                    prefix=f"c{comment.pk}",
                    initial={"decision": comment.decision if decision != "pending" else "adopted",
                             "reason": comment.decision_reason})
                # Each row's controls are named after its comment (several rows share the page).
                code = {"code": comment.receipt_code}
                comment.form.fields["decision"].widget.attrs["aria-label"] = _("意见 %(code)s 的采纳情况") % code
                comment.form.fields["reason"].widget.attrs["aria-label"] = _("意见 %(code)s 的理由") % code
            groups.append({"decision": decision, "label": label, "comments": comments})
        office_records = selectors.records_published().filter(office_id=period.record.office_id).exclude(
            pk__in=[pk for pk in (period.record_id, period.adoption_report_id) if pk]).order_by("-published_at")[:200]
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "period": period,
            "title": period.record.title, "phase": CommentPhase(period.phase()).label, "groups": groups,
            "actions": actions,
            "earliest_end": comment_services.earliest_end_date(decision_kind=period.decision_kind,
                                                               start_date=period.start_date),
            "close_form": CommentCloseForm(), "final_form": FinalRecordForm(
                records=office_records, initial={"final_record": period.final_record_id}),
            "has_view_permission": True, "original": period, "now": timezone.now(),
        }
        return TemplateResponse(request, "admin/disclosure/commentperiod/period.html", context)

    def _scoped(self, request, object_id) -> CommentPeriod:
        try:
            pk = int(object_id)
        except (TypeError, ValueError):
            raise Http404 from None
        period = self.get_queryset(request).filter(pk=pk).first()
        if period is None:
            return self.get_object(request, object_id)  # 404, or NotInScope when it exists
        return period

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/decide/<int:comment_id>/", view(self.decide_view),
                 name="disclosure_commentperiod_decide"),
            path("<int:object_id>/close/", view(self.close_view), name="disclosure_commentperiod_close"),
            path("<int:object_id>/report/", view(self.report_view), name="disclosure_commentperiod_report"),
            path("<int:object_id>/final/", view(self.final_view), name="disclosure_commentperiod_final"),
            path("<int:object_id>/files/<int:comment_id>/", view(self.file_view),
                 name="disclosure_commentperiod_file"),
            *super().get_urls(),
        ]

    def _back(self, period):
        return HttpResponseRedirect(reverse("admin:disclosure_commentperiod_change", args=[period.pk]))

    def _post(self, request, object_id, write):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        period = self._scoped(request, object_id)
        try:
            message = write(period)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            if message:
                messages.success(request, message)
        return self._back(period)

    def decide_view(self, request, object_id, comment_id):
        def write(period):
            comment = period.comments.filter(pk=comment_id).first()
            if comment is None:
                raise Http404
            form = CommentDecisionForm(request.POST, prefix=f"c{comment.pk}")
            if not form.is_valid():
                raise comment_services.InvalidInput(_("请选择采纳情况。"))
            comment_services.public_comment_decide(comment=comment, actor=request.user, **form.cleaned_data)
            return _("已记录意见 %(code)s 的采纳情况。") % {"code": comment.receipt_code}
        return self._post(request, object_id, write)

    def close_view(self, request, object_id):
        def write(period):
            form = CommentCloseForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            comment_services.comment_period_close(period=period, actor=request.user, reason=reason)
            return _("已提前结束意见征集。")
        return self._post(request, object_id, write)

    def report_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        period = self._scoped(request, object_id)
        try:
            report = comment_services.comment_period_draft_report(period=period, actor=request.user)
        except DomainError as error:
            messages.error(request, str(error))
            return self._back(period)
        messages.success(request, _("已起草意见采纳情况。请核对修改后提交审核，按政府信息发布流程发布。"))
        return HttpResponseRedirect(reverse("admin:disclosure_record_change", args=[report.pk]))

    def final_view(self, request, object_id):
        def write(period):
            records = selectors.records_published().filter(office_id=period.record.office_id)
            form = FinalRecordForm(request.POST, records=records)
            if not form.is_valid():
                raise comment_services.InvalidInput(_("请选择本处室已发布的政府信息。"))
            comment_services.comment_period_link_final(period=period, actor=request.user,
                                                       final_record=form.cleaned_data["final_record"])
            return _("已保存正式发布的文件。")
        return self._post(request, object_id, write)

    def file_view(self, request, object_id, comment_id):
        period = self._scoped(request, object_id)
        if not request.user.has_perm("disclosure.view_publiccomment"):
            raise PermissionDenied
        comment = period.comments.filter(pk=comment_id).select_related("file").first()
        if comment is None or not hasattr(comment, "file"):
            raise Http404
        return file_response(comment.file)


@admin.register(PublicComment)
class PublicCommentAdmin(ScopedObjectMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """All comments of the person's offices, for searching by receipt code; names and contacts
    masked, never a filter, search or sort (CONFIDENTIAL_FIELDS, portal/admin_confidential.py)."""

    list_display = ["receipt_code", "period_column", "name_masked", "contact_masked", "submitted_at", "decision"]
    list_filter = ["decision"]
    search_fields = ["receipt_code"]
    fields = ["receipt_code", "period", "name_masked", "contact_masked", "text", "submitted_at", "decision",
              "decision_reason", "decided_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return comment_selectors.comments_for_staff(request.user)

    @admin.display(description=_("意见征集"))
    def period_column(self, obj):
        url = reverse("admin:disclosure_commentperiod_change", args=[obj.period_id])
        return format_html('<a href="{}">{}</a>', url, obj.period.record.title)

    @admin.display(description=_("姓名或名称"))
    def name_masked(self, obj):
        return comment_selectors.mask_name(obj.name)

    @admin.display(description=_("联系方式"))
    def contact_masked(self, obj):
        return comment_selectors.mask_contact(obj.contact)


@admin.register(CommentRules)
class CommentRulesAdmin(HistoryAdmin):
    """The minimum periods and whether a name is required: the disclosure office edits one row."""

    fields = ["major_min_days", "normative_min_workdays", "other_min_days", "require_name"]

    def _may(self, request) -> bool:
        return request.user.is_superuser or has_role(request.user, Role.DISCLOSURE_OFFICE)

    def has_module_permission(self, request):
        return self._may(request) and super().has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        rules = comment_services.comment_rules()
        return HttpResponseRedirect(reverse("admin:disclosure_commentrules_change", args=[rules.pk]))

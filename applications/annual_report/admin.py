"""The annual report in the back office: one page per year with its checks, its tables (each
number of table 3 opens the applications behind it), the narrative editor with the facts to
quote, the manual cells, XLSX, print view and "create the draft record". Thin: the rules are in
compute.py and services.py. Only the disclosure office compiles; supervision may read."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from applications.annual_report import compute as r
from applications.annual_report import formats, services
from applications.models import AnnualReport, ApplicantType
from disclosure.selectors import records_for_staff
from portal.admin_history import HistoryAdmin
from portal.errors import InvalidInput, StateConflict
from portal.validators import is_ascii_number


class ReportCellFilter(admin.SimpleListFilter):
    """?report_cell=2025:withheld_state_secret:natural_person lists exactly the applications
    counted in that cell of table 3 (the condition is the one the report counts with)."""

    title = _("年度报告表3单元格")
    parameter_name = "report_cell"

    def lookups(self, request, model_admin):
        value = self.value()
        if not value:
            return []
        try:
            year, row, column = r.parse_cell_parameter(value)
        except ValueError:
            return [(value, _("无效的单元格"))]
        return [(value, f"{year}年 {r.cell_label(row, column)}")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            year, row, column = r.parse_cell_parameter(self.value())
        except ValueError:
            raise IncorrectLookupParameters(self.value()) from None
        return queryset.filter(r.cell_condition(year, row, column))


class GenerateForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=services.FIRST_YEAR)


def _carry_field(column: str) -> forms.IntegerField:
    return forms.IntegerField(label=format_lazy("{}{}", _("上年结转："), ApplicantType(column).label), min_value=0,
                              required=False)


class AnnualReportForm(forms.ModelForm):
    """Narrative and manual cells; last year's carry-over as one number per applicant column."""

    class Meta:
        model = AnnualReport
        fields = [f for f in services.EDITABLE_FIELDS if f != "previous_carry_over"]
        widgets = {name: forms.TextInput(attrs={"size": 60}) for name in services.EDITABLE_FIELDS
                   if name.endswith("_source")}

    carry_natural_person = _carry_field(ApplicantType.NATURAL_PERSON)
    carry_commercial = _carry_field(ApplicantType.COMMERCIAL)
    carry_research = _carry_field(ApplicantType.RESEARCH)
    carry_public_welfare = _carry_field(ApplicantType.PUBLIC_WELFARE)
    carry_legal_service = _carry_field(ApplicantType.LEGAL_SERVICE)
    carry_other_organisation = _carry_field(ApplicantType.OTHER_ORGANISATION)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.fee_income is not None:
            self.initial["fee_income"] = formats.money(self.instance.fee_income)
        stored = (self.instance.previous_carry_over or {}) if self.instance.pk else {}
        for column in ApplicantType.values:
            if f"carry_{column}" in self.fields:
                self.fields[f"carry_{column}"].initial = stored.get(column)

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in services.EDITABLE_FIELDS if name in self.cleaned_data}
        carry = {column: self.cleaned_data.get(f"carry_{column}") for column in ApplicantType.values}
        data["previous_carry_over"] = carry if any(v is not None for v in carry.values()) else {}
        return data


CARRY_FIELDS = [f"carry_{column}" for column in ApplicantType.values]


class AnnualReportAdmin(HistoryAdmin):
    form = AnnualReportForm
    change_form_template = "admin/applications/annualreport/change_form.html"
    list_display = ["__str__", "stage_column", "generated_at", "record_column"]
    list_select_related = ["record"]
    history_list_display = ["revision"]

    fieldsets = [
        (_("一、五、六 报告正文"), {"fields": ["overview", "problems", "other_matters"]}),
        (_("表2 来自其他系统的数字（第二十条第（五）、（六）、（八）项）"), {
            "fields": [("licensing_decisions", "licensing_source"), ("penalty_decisions", "penalty_source"),
                       ("enforcement_decisions", "enforcement_source"), ("fee_income", "fee_income_source")]}),
        (_("表3 上年结转（仅首次在本系统编制时填写）"), {
            "fields": [*CARRY_FIELDS, "previous_carry_over_source"],
            "description": _("本系统中没有上一年度报告时，填写上一年度报告表3“四、结转下年度继续办理”各列的数字，"
                             "用于核对本年“二、上年结转”。")}),
    ]

    @admin.display(description=_("状态"))
    def stage_column(self, obj):
        return obj.get_stage_display()

    @admin.display(description=_("发布稿"))
    def record_column(self, obj):
        return obj.record.get_state_display() if obj.record_id else "—"

    # --- Who may do what ---

    def has_add_permission(self, request):
        return super().has_add_permission(request) and services.may_compile(request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj) and services.may_compile(request.user)
        return allowed and (obj is None or obj.is_editable)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("record")

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets if self.has_change_permission(request, obj) else []

    # --- Pages ---

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        return [
            path("<int:object_id>/refresh/", self.admin_site.admin_view(self.refresh_view), name=f"{name}_refresh"),
            path("<int:object_id>/create-record/", self.admin_site.admin_view(self.create_record_view),
                 name=f"{name}_create_record"),
            path("<int:object_id>/xlsx/", self.admin_site.admin_view(self.xlsx_view), name=f"{name}_xlsx"),
            path("<int:object_id>/print/", self.admin_site.admin_view(self.print_view), name=f"{name}_print"),
            *super().get_urls(),
        ]

    def _viewable(self, request, object_id) -> AnnualReport:
        if not str(object_id).isdigit():  # not an id at all (…/1/change/widgets.css): not found
            raise Http404
        report = get_object_or_404(AnnualReport.objects.select_related("record"), pk=object_id)
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        return report

    def _change_url(self, report) -> str:
        return reverse("admin:applications_annualreport_change", args=[report.pk])

    def add_view(self, request, form_url="", extra_context=None):
        """Generate: open the report of a year (or go to the existing one) with fresh figures."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        year = request.GET.get("year", "")
        if request.method == "GET" and is_ascii_number(year) and len(year) == 4 and (existing := AnnualReport.objects.filter(year=year).first()):
            return HttpResponseRedirect(self._change_url(existing))
        form = GenerateForm(request.POST or None, initial={"year": year or timezone.localdate().year - 1})
        if request.method == "POST" and form.is_valid():
            try:
                report = services.annual_report_generate(year=form.cleaned_data["year"], actor=request.user)
            except (InvalidInput, StateConflict) as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("已生成%(year)d年度报告的统计数据。") % {"year": report.year})
                return HttpResponseRedirect(self._change_url(report))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "title": _("生成年度报告")}
        return TemplateResponse(request, "admin/applications/annualreport/generate.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self._viewable(request, object_id)
        tables = r.tables_of(report)
        failures = r.check(report, tables)
        carry = r.previous_carry_over(report, tables)
        record_url = ""
        if report.record_id and records_for_staff(request.user).filter(pk=report.record_id).exists():
            record_url = reverse("admin:disclosure_record_change", args=[report.record_id])
        extra_context = {
            **(extra_context or {}),
            "report": report,
            "tables": tables,
            "failures": failures,
            "carry_over_source": carry.source,
            "facts": r.fact_sentences(report.year, tables.facts),
            "can_compile": services.may_compile(request.user) and report.is_editable,
            "year_over": timezone.localdate().year > report.year,
            "record_url": record_url,
            "show_save_and_add_another": False,
            **formats.report_context(report, tables, mode="staff"),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        services.annual_report_update(report=obj, actor=request.user, data=form.service_data())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (InvalidInput, StateConflict) as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(request.path)

    def _post_action(self, request, object_id, action, done):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        report = self._viewable(request, object_id)
        try:
            result = action(report=report, actor=request.user)  # ActionRefused → 403
        except (InvalidInput, StateConflict) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done(result))
        return HttpResponseRedirect(self._change_url(report))

    def refresh_view(self, request, object_id):
        return self._post_action(request, object_id, services.annual_report_refresh,
                                 lambda report: _("已按当前数据重新生成统计数据。"))

    def create_record_view(self, request, object_id):
        return self._post_action(
            request, object_id, services.annual_report_create_record,
            lambda record: _("已生成发布稿“%(title)s”（厅办公室草稿），请厅办公室信息员提交审核。") % {"title": record.title})

    def xlsx_view(self, request, object_id):
        report = self._viewable(request, object_id)
        response = HttpResponse(formats.xlsx(report, r.tables_of(report)),
                                content_type=formats.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, formats.xlsx_filename(report))
        return response

    def print_view(self, request, object_id):
        report = self._viewable(request, object_id)
        return TemplateResponse(request, "applications/report/print.html",
                                formats.report_context(report, r.tables_of(report), mode="print"))


admin.site.register(AnnualReport, AnnualReportAdmin)

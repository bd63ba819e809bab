"""The compliance self-check page (M.18; issue #20): the latest run's score and findings, the
history of scores, "run now", and — for the supervision office — a finding turned into an
accountability case (M.20)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import compliance
from complaints.compliance_models import ComplianceRun
from complaints.models import Measure
from portal.admin_workflow import ReadOnlyAdminMixin
from portal.errors import DomainError
from portal.models import Office, Role
from portal.selectors import has_role
from portal.widgets import IsoDateInput

HISTORY = 30


def may_see(user) -> bool:
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return user.has_perm("complaints.view_compliancerun") and (
        has_role(user, Role.SUPERVISION) or has_role(user, Role.DISCLOSURE_OFFICE))


def may_run(user) -> bool:
    return may_see(user) and (user.is_superuser or user.has_perm("complaints.run_compliance_check"))


def may_open_case(user) -> bool:
    return user.has_perm("complaints.record_finding") and has_role(user, Role.SUPERVISION)


class CaseForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("事由"), max_length=200)
    facts = forms.CharField(label=gettext_lazy("认定的事实"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)
    measure = forms.ChoiceField(label=gettext_lazy("处理措施"), choices=Measure.choices)
    measure_detail = forms.CharField(label=gettext_lazy("处理措施说明"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    decided_on = forms.DateField(label=gettext_lazy("认定日期"), widget=IsoDateInput)


@admin.register(ComplianceRun)
class ComplianceRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Not a list of rows: the self-check page."""

    def has_module_permission(self, request):
        return may_see(request.user)

    def has_view_permission(self, request, obj=None):
        return may_see(request.user)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("", view(self.page_view), name="complaints_compliancerun_changelist"),
            path("run/", view(self.run_view), name="complaints_compliancerun_run"),
            path("<int:run_id>/", view(self.page_view), name="complaints_compliancerun_change"),
            path("<int:run_id>/findings/<int:index>/case/", view(self.case_view), name="complaints_compliancerun_case"),
        ]

    def page_view(self, request, run_id=None):
        if not may_see(request.user):
            raise PermissionDenied
        run = (ComplianceRun.objects.filter(pk=run_id).first() if run_id else compliance.latest_run())
        if run_id and run is None:
            raise Http404
        history = list(ComplianceRun.objects.order_by("-at", "-pk")[:HISTORY])
        labels = {check.code: check for check in compliance.all_checks()}
        groups = []
        if run is not None:
            offices = dict(Office.objects.values_list("pk", "name"))
            for check in run.checks:
                definition = labels.get(check["code"])
                items = [{**finding, "index": index, "office": offices.get(finding.get("office_id"), "")}
                         for index, finding in enumerate(run.findings) if finding["check"] == check["code"]]
                groups.append({**check, "label": definition.label if definition else check["code"],
                               "basis": definition.basis if definition else "", "findings": items})
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": _("政府信息公开合规自查"),
            "run": run, "groups": groups, "history": history, "chart": _chart(list(reversed(history))),
            "may_run": may_run(request.user), "may_open_case": may_open_case(request.user),
        }
        return TemplateResponse(request, "admin/complaints/compliance/page.html", context)

    def run_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not may_run(request.user):
            raise PermissionDenied
        run = compliance.compliance_run(actor=request.user)
        messages.success(request, _("自查完成：%(score)d 分，发现 %(n)d 个问题。") % {"score": run.score,
                                                                              "n": len(run.findings)})
        return HttpResponseRedirect(reverse("admin:complaints_compliancerun_changelist"))

    def case_view(self, request, run_id, index):
        if not (may_see(request.user) and may_open_case(request.user)):
            raise PermissionDenied
        run = ComplianceRun.objects.filter(pk=run_id).first()
        if run is None or not 0 <= index < len(run.findings):
            raise Http404
        entry = run.findings[index]
        office = Office.objects.filter(pk=entry.get("office_id")).first()
        initial = {"title": entry["title"][:200], "decided_on": timezone.localdate(),
                   "facts": _("合规自查（%(at)s）发现：%(title)s。%(detail)s")
                   % {"at": f"{timezone.localtime(run.at):%Y-%m-%d}", "title": entry["title"], "detail": entry["detail"]}}
        form = CaseForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                case = compliance.finding_to_case(run=run, index=index, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("已转为责任追究。"))
                return HttpResponseRedirect(reverse("admin:complaints_accountabilityfinding_change", args=[case.pk]))
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": _("转为责任追究"),
            "run": run, "entry": entry, "office": office, "form": form,
        }
        return TemplateResponse(request, "admin/complaints/compliance/case.html", context)


def _chart(runs: list[ComplianceRun]) -> dict | None:
    """The score history as points of an SVG polyline drawn on the server (no script)."""
    if len(runs) < 2:
        return None
    width, height, pad = 600, 160, 20
    step = (width - 2 * pad) / (len(runs) - 1)
    points = [(pad + i * step, pad + (100 - run.score) * (height - 2 * pad) / 100) for i, run in enumerate(runs)]
    return {"width": width, "height": height, "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
            "dots": [{"x": f"{x:.1f}", "y": f"{y:.1f}", "run": run} for (x, y), run in zip(points, runs, strict=True)]}

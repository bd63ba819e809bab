"""The demand page of the back office (issue #18, R.44): per topic, how many applications,
consultations and empty public searches asked for it in a period; the topics asked often enough
flagged as candidates for proactive disclosure. The disclosure office and superusers only."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disclosure import demand_selectors
from disclosure.demand_models import DemandTopic
from disclosure.selectors import may_see_demand
from portal.admin_workflow import ReadOnlyAdminMixin
from portal.widgets import IsoDateInput

MAX_DAYS = 366 * 5


class DemandPeriodForm(forms.Form):
    start = forms.DateField(label=_("起"), required=False, widget=IsoDateInput)
    end = forms.DateField(label=_("止"), required=False, widget=IsoDateInput)

    @staticmethod
    def default_period() -> tuple[dt.date, dt.date]:
        """The last twelve months up to today."""
        today = timezone.localdate()
        return today - dt.timedelta(days=365), today

    def clean(self):
        data = super().clean()
        default_start, default_end = self.default_period()
        start, end = data.get("start") or default_start, data.get("end") or default_end
        if end < start:
            raise ValidationError(_("结束日期不能早于开始日期。"))
        if (end - start).days > MAX_DAYS:
            raise ValidationError(_("统计期间最长5年。"))
        data["period"] = (start, end)
        return data


@admin.register(DemandTopic)
class DemandTopicAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Not a list of rows: the demand page."""

    def has_view_permission(self, request, obj=None):
        return may_see_demand(request.user)

    def has_module_permission(self, request):
        return may_see_demand(request.user)

    def get_urls(self):
        opts = self.model._meta
        return [path("", self.admin_site.admin_view(self.demand_view),
                     name=f"{opts.app_label}_{opts.model_name}_changelist")]

    def demand_view(self, request):
        if not may_see_demand(request.user):
            raise PermissionDenied
        form = DemandPeriodForm(request.GET or None)
        start, end = DemandPeriodForm.default_period()
        if form.is_bound and form.is_valid():
            start, end = form.cleaned_data["period"]
        elif not form.is_bound:
            form = DemandPeriodForm(initial={"start": start, "end": end})
        data = demand_selectors.demand_topics(start=start, end=end)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("公开需求分析"),
            "form": form,
            "data": data,
            "kind_labels": demand_selectors.KIND_LABELS,
        }
        return TemplateResponse(request, "admin/disclosure/demand.html", context)

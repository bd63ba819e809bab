"""The demand page of the back office (issue #18, R.44): per topic, how many applications,
consultations and empty public searches asked for it in a period; the topics asked often enough
flagged as candidates for proactive disclosure. The disclosure office and superusers only."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from disclosure import demand_selectors, demand_services
from disclosure.demand_models import DemandSummaryTopic, DemandTopic
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
        return demand_services.demand_period()

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
        name = f"{opts.app_label}_{opts.model_name}"
        return [path("", self.admin_site.admin_view(self.demand_view), name=f"{name}_changelist"),
                path("refresh/", self.admin_site.admin_view(self.refresh_view), name=f"{name}_refresh"),
                path("topic/<int:topic_id>/", self.admin_site.admin_view(self.topic_view), name=f"{name}_topic")]

    def _period(self, data) -> tuple[DemandPeriodForm, dt.date, dt.date]:
        form = DemandPeriodForm(data or None)
        start, end = DemandPeriodForm.default_period()
        if form.is_bound and form.is_valid():
            start, end = form.cleaned_data["period"]
        elif not form.is_bound:
            form = DemandPeriodForm(initial={"start": start, "end": end})
        return form, start, end

    def _context(self, request, **more) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta,
                "kind_labels": demand_selectors.KIND_LABELS, **more}

    def demand_view(self, request):
        """The figures of the period as stored (computed at most once per change of their data: by
        the task worker when a request is received, or here the first time a period is asked for),
        with when they were computed and whether the data changed since (issue #22)."""
        if not may_see_demand(request.user):
            raise PermissionDenied
        form, start, end = self._period(request.GET)
        summary = demand_selectors.demand_summary_for(start=start, end=end)
        if summary is None:
            summary = demand_services.demand_summary_store(start=start, end=end)
        data = demand_selectors.stored_demand(summary, page=request.GET.get("page") or 1)
        query = urlencode({"start": start.isoformat(), "end": end.isoformat()})
        return TemplateResponse(request, "admin/disclosure/demand.html", self._context(
            request, title=_("公开需求分析"), form=form, data=data, period_query=query))

    def refresh_view(self, request):
        """Compute the period's figures again from today's data (the button under “统计于”)."""
        if not may_see_demand(request.user):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        _form, start, end = self._period(request.POST)
        demand_services.demand_recount(actor=request.user, start=start, end=end)
        messages.success(request, _("已按当前数据重新统计。"))
        opts = self.model._meta
        query = urlencode({"start": start.isoformat(), "end": end.isoformat()})
        return HttpResponseRedirect(f"{reverse(f'admin:{opts.app_label}_{opts.model_name}_changelist')}?{query}")

    def topic_view(self, request, topic_id: int):
        """Every case of one topic, a page at a time (the demand page lists a topic's first ones)."""
        if not may_see_demand(request.user):
            raise PermissionDenied
        topic = DemandSummaryTopic.objects.select_related("summary", "entry").filter(pk=topic_id).first()
        opts = self.model._meta
        if topic is None:  # computed again since the link was drawn: the topics are new rows
            messages.info(request, _("统计数据已经更新，请重新选择主题。"))
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        cases = demand_selectors.stored_topic_cases(topic, page=request.GET.get("page") or 1)
        query = urlencode({"start": topic.summary.start.isoformat(), "end": topic.summary.end.isoformat()})
        return TemplateResponse(request, "admin/disclosure/demand_topic.html", self._context(
            request, title=topic.name, topic=topic, cases=cases, period_query=query))

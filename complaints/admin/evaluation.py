"""The answers to the public survey (M.18): read only."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from complaints.models import SurveyResponse
from portal.admin_workflow import ReadOnlyAdminMixin

# --- Survey answers (M.18) ------------------------------------------------------------------


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["submitted_at", "overall", "findability", "timeliness", "comment_excerpt"]
    list_filter = ["overall"]
    date_hierarchy = "submitted_at"
    fields = ["submitted_at", "overall", "findability", "timeliness", "comment"]
    readonly_fields = fields
    actions = None

    @admin.display(description=_("意见和建议"))
    def comment_excerpt(self, obj):
        return (obj.comment[:60] + "…") if len(obj.comment) > 60 else obj.comment


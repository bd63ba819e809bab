"""History in the back office is evidence: it can be read within one's scope, never reverted."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin

from portal.errors import NotInScope
from portal.widgets import admin_date_overrides


class HistoryAdmin(SimpleHistoryAdmin):
    # The base of every domain admin: its date fields use the project's ISO date widget.
    formfield_overrides = admin_date_overrides()

    def _require_in_scope(self, request, object_id) -> None:
        # simple-history falls back to the history rows when the object is not in the queryset;
        # that would show other offices' objects, so check the scoped queryset first.
        try:
            in_scope = self.get_queryset(request).filter(pk=unquote(str(object_id))).exists()
        except (ValueError, ValidationError):  # not an id at all: not found
            raise Http404 from None
        if not in_scope:
            raise NotInScope

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        self._require_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

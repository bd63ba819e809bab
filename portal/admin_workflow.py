"""Workflow buttons in the back office, shared by records and applications.

A ModelAdmin using this mixin names its `workflow` module (TRANSITIONS and check()), a form per
transition (each form's `perform(actor=...)` calls the one service function), and how to find an
object within the person's scope. The view refuses with 403 and a readable message, redirects
with a message when someone else acted first, and never changes anything itself."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from portal.errors import ActionRefused, DomainError, InvalidInput, NotInScope, StateConflict


def submit_label(label) -> str:
    """The form's button: "确认" and the action (确认发布), unless the action already says so
    (确认收到（受理）, not 确认确认收到（受理）; 确定延迟答复期限, not 确认确定延迟答复期限)."""
    label, confirm = str(label), _("确认")
    if label.startswith(("确认", "确定", confirm.strip(" :："))):
        return label
    return f"{confirm}{label}"


class WorkflowActionsMixin:
    workflow = None
    transition_forms: dict = {}

    def approval_summary(self, obj) -> list[tuple[str, str]]:
        """What is being decided on, as (label, value) rows at the top of every action form: the
        title, office, stage and the draft's gist, so nobody approves a thing they cannot see."""
        return []

    def scoped_object(self, request, object_id):
        """The object if this person may see it, else Http404."""
        try:
            obj = self.get_queryset(request).filter(pk=object_id).first()
        except (ValueError, ValidationError):  # not an id at all (…/1/change/widgets.css)
            raise Http404(_("没有找到该事项，或您无权查看。")) from None
        if obj is None:
            message = _("没有找到该事项，或您无权查看。")
            # Outside this person's scope: the same 404, recorded as a refusal (portal.errors).
            raise (NotInScope if self.model._default_manager.filter(pk=object_id).exists() else Http404)(message)
        return obj

    def change_url(self, obj) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])

    def after_action_url(self, request, obj) -> str:
        """Back to the object — or to the work list when the action took it out of this person's
        scope (an office returning a consultation for rerouting), instead of a “not found” page."""
        if self.get_queryset(request).filter(pk=obj.pk).exists():
            return self.change_url(obj)
        return reverse("admin:index")

    def workflow_urls(self):
        opts = self.model._meta
        return [
            path("<int:object_id>/action/<str:name>/", self.admin_site.admin_view(self.transition_view),
                 name=f"{opts.app_label}_{opts.model_name}_transition"),
        ]

    def transition_view(self, request, object_id, name):
        obj = self.scoped_object(request, object_id)
        transition = self.workflow.TRANSITIONS.get(name)
        if transition is None:
            raise Http404
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "obj": obj,
                   "transition": transition, "change_url": self.change_url(obj)}
        try:
            self.workflow.check(transition, request.user, obj)
        except ActionRefused as error:
            return TemplateResponse(request, "admin/workflow/refused.html",
                                    {**context, "message": str(error), "title": transition.label}, status=403)
        except StateConflict as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(self.change_url(obj))

        form = self.transition_forms[name](request.POST or None, request.FILES or None, obj=obj)
        if request.method == "POST" and form.is_valid():
            try:
                result = form.perform(actor=request.user)
            except InvalidInput as error:
                form.add_error(None, str(error))
            except (StateConflict, ActionRefused) as error:
                messages.error(request, str(error))
                return HttpResponseRedirect(self.change_url(obj))
            else:
                messages.success(request, _("已完成“%(action)s”：%(obj)s") % {"action": transition.label, "obj": obj})
                return HttpResponseRedirect(self.after_action_url(request, result))
        return render(request, "admin/workflow/transition.html",
                      {**context, "form": form, "title": f"{transition.label}：{obj}",
                       "summary": self.approval_summary(obj), "submit_label": submit_label(transition.label)})


class ServiceSavedAdminMixin:
    """For a change form whose save calls a service (the offline intake of a case): the service
    stored everything, related rows included; should it refuse after the form validated, the
    person sees its message on the same page instead of an error page."""

    def save_related(self, request, form, formsets, change):
        pass  # everything was stored by the service

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:  # refused by the service after the form validated
            messages.error(request, str(error))
            return HttpResponseRedirect(request.path)


class ReadOnlyAdminMixin:
    """For append-only tables and derived data: viewable, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

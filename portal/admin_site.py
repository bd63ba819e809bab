"""The back office: the Django admin whose first page is the person's own work list."""

from __future__ import annotations

from functools import update_wrapper
from urllib.parse import urlencode

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from portal.hooks import hooks
from portal.models import SiteProfile
from portal.selectors import roles_of


def worklist_for(user) -> list:
    """Collect work items from every app that declares a `worklist` provider in its AppConfig
    (so the portal layer never imports the apps built on it)."""
    items = []
    for provider in hooks("worklist"):
        items.extend(provider(user))
    items.sort(key=lambda i: i.sort_key())
    return items


class PortalAdminSite(admin.AdminSite):
    index_template = "admin/portal_index.html"
    index_title = _("工作台")

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every list follows one rule for confidential fields: no filter, search or sort by them
        (portal/admin_confidential.py), whichever app registers the admin."""
        from portal.admin_confidential import with_confidential_rule
        from portal.admin_dates import DatesFromIndexMixin
        from portal.admin_lists import BoundedListMixin

        admin_class = with_confidential_rule(admin_class or admin.ModelAdmin)
        if not issubclass(admin_class, BoundedListMixin):
            # Every list counts at most 1,000 rows and opens only the pages within them.
            admin_class = type(admin_class.__name__, (BoundedListMixin, admin_class),
                               {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__,
                                "__doc__": admin_class.__doc__})
        if not issubclass(admin_class, DatesFromIndexMixin):
            # Every date drill-down reads its years, months and days from the column's index.
            admin_class = type(admin_class.__name__, (DatesFromIndexMixin, admin_class),
                               {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__,
                                "__doc__": admin_class.__doc__})
        if not any("show_full_result_count" in vars(c) for c in admin_class.__mro__
                   if c not in (admin.ModelAdmin, admin.options.BaseModelAdmin)):
            # A filtered list counts its rows once: Django would count the whole table a second
            # time on every page to show "(N in all)"; the list offers "show all" instead.
            admin_class = type(admin_class.__name__, (admin_class,),
                               {"show_full_result_count": False, "__module__": admin_class.__module__,
                                "__qualname__": admin_class.__qualname__, "__doc__": admin_class.__doc__})
        super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request):
        from portal.otp import needs_verification

        return super().has_permission(request) and not needs_verification(request.user)

    def admin_view(self, view, cacheable=False):
        """A person whose role requires a second factor is sent to enrol or enter it first."""
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            from portal.otp import needs_verification

            if needs_verification(request.user):
                return redirect(f"{reverse('admin:otp')}?{urlencode({'next': request.get_full_path()})}")
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, view)

    def login(self, request, extra_context=None):
        """Besides the per-account lockout (axes), one address may try only so many passwords: a
        brake on guessing across many accounts. Generous, for an office behind one NAT address."""
        from portal.ratelimit import Limit, check, limited_response

        if request.method == "POST" and (retry_after := check(request, Limit("admin_login", 60, 600))) is not None:
            return limited_response(request, retry_after)
        return super().login(request, extra_context)

    def get_urls(self):
        from portal.otp import otp_view

        return [path("otp/", lambda request: otp_view(request, self), name="otp"),
                path("preferences/", self.admin_view(self.preferences_view), name="preferences"),
                *super().get_urls()]

    def each_context(self, request):
        from portal.selectors import display_name

        context = super().each_context(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            context["user_display_name"] = display_name(user)
        return context

    def preferences_view(self, request):
        """The person's own notification settings (every staff member, for themselves only)."""
        from django.contrib import messages
        from django.template.response import TemplateResponse

        from portal.forms import StaffPreferenceForm
        from portal.models import StaffPreference
        from portal.services import staff_preference_set

        current = StaffPreference.objects.filter(user=request.user).first()
        form = StaffPreferenceForm(request.POST or None, initial={"mail_mode": current.mail_mode} if current else None)
        if request.method == "POST" and form.is_valid():
            staff_preference_set(user=request.user, mail_mode=form.cleaned_data["mail_mode"])
            messages.success(request, _("通知设置已保存。"))
            return redirect("admin:preferences")
        return TemplateResponse(request, "admin/preferences.html", {
            **self.each_context(request), "title": _("通知设置"), "form": form, "email": request.user.email})

    @property
    def site_header(self):
        return _("%(name)s · 政府信息公开工作台") % {"name": SiteProfile.current().name}

    @property
    def site_title(self):
        return _("政府信息公开工作台")

    def index(self, request, extra_context=None):
        from portal.otp import otp_required

        items = worklist_for(request.user)
        extra_context = {
            **(extra_context or {}),
            "worklist": items,
            "overdue_count": sum(1 for i in items if i.overdue),
            "my_roles": sorted(roles_of(request.user)),
            "may_enrol_otp": not otp_required(request.user),
        }
        return super().index(request, extra_context)

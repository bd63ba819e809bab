"""信息订阅 in the back office (issue #21 part 3): the list of subscriptions with the count of
confirmed subscribers. Addresses are personal data: the disclosure office sees them whole, anyone
else with access masked; no list filters, searches or sorts by them (CONFIDENTIAL_FIELDS). Nobody
adds or edits a subscription here; the disclosure office may delete one (a request by mail)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from disclosure.subscription_models import Subscription
from disclosure.subscription_services import confirmed_count, describe
from portal.models import Role
from portal.personal_data import mask
from portal.selectors import has_role


def sees_addresses(user) -> bool:
    return user.is_superuser or has_role(user, Role.DISCLOSURE_OFFICE)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["pk", "address", "frequency", "confirmed", "created_at"]
    list_filter = ["frequency", ("confirmed_at", admin.EmptyFieldListFilter), ("refused_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "created_at"
    fields = ["address", "topics", "frequency", "created_at", "confirmed_at", "last_digest_at", "refused_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories", "offices")

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}),
                         "subtitle": _("已确认的订阅者：%(n)d") % {"n": confirmed_count()}}
        return super().changelist_view(request, extra_context)

    # One of two columns per request (a ModelAdmin is shared by every thread: it keeps no request).
    @admin.display(description=_("电子邮箱"))
    def address(self, subscription):
        return subscription.email

    @admin.display(description=_("电子邮箱"))
    def address_masked(self, subscription):
        return mask(subscription.email)

    def _columns(self, request, names):
        return [n if n != "address" or sees_addresses(request.user) else "address_masked" for n in names]

    def get_list_display(self, request):
        return self._columns(request, super().get_list_display(request))

    def get_fields(self, request, obj=None):
        return self._columns(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return self._columns(request, super().get_readonly_fields(request, obj))

    @admin.display(description=_("已确认"), boolean=True)
    def confirmed(self, subscription):
        return subscription.confirmed_at is not None

    @admin.display(description=_("订阅内容"))
    def topics(self, subscription):
        return describe(subscription)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

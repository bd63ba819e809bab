from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin_history import HistoryAdmin
from portal.admin_workflow import ReadOnlyAdminMixin
from portal.models import (
    AuditEntry,
    CalendarDay,
    CalendarYear,
    Membership,
    Notice,
    NoticeAttempt,
    NoticeState,
    Office,
    SiteProfile,
)
from portal.outbox import may_handle_notices, notice_resend, notice_resolve
from portal.personal_data import mask

User = get_user_model()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["role", "office"]
    verbose_name = _("角色")
    verbose_name_plural = _("角色（每个处室确定一名信息员，实施办法第三条）")


class PortalUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "last_name", "first_name", "email", "roles", "is_active"]
    list_filter = ["is_active", "memberships__role", "memberships__office"]
    # A new staff member gets their name and e-mail with the account: without an address they
    # would hear of no work that waits for them (disclosure and application notifications).
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("姓名和通知邮箱"), {"classes": ("wide",), "fields": ("last_name", "first_name", "email")}),
    )

    @admin.display(description=_("角色"))
    def roles(self, obj):
        return "；".join(str(m) for m in obj.memberships.select_related("office"))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Inline memberships are saved through their own signals; the user row's groups may
        # have been reset by the form, so make them match the memberships again.
        from portal.services import membership_sync_permissions

        membership_sync_permissions(user=form.instance)


admin.site.unregister(User) if admin.site.is_registered(User) else None
admin.site.register(User, PortalUserAdmin)


@admin.register(Office)
class OfficeAdmin(HistoryAdmin):
    list_display = ["name", "name_en", "kind", "phone", "leaders", "sort_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_en"]
    filter_horizontal = ["supervising_leaders"]
    ordering = ["sort_order", "name"]

    @admin.display(description=_("主管厅领导"))
    def leaders(self, obj):
        return "、".join(u.get_full_name() or u.username for u in obj.supervising_leaders.all())

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "supervising_leaders":
            kwargs["queryset"] = User.objects.filter(memberships__role="leader").distinct()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # offices carry history; set "在用" off instead


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ["user", "role", "office", "created_at"]
    list_filter = ["role", "office"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "office"]


@admin.register(SiteProfile)
class SiteProfileAdmin(HistoryAdmin):
    """One agency profile: the list page goes straight to it."""

    fieldsets = [
        (None, {"fields": ["name", "name_en", "short_name", "uscc"]}),
        (_("联系方式（显示在页脚和公开指南中）"), {"fields": ["address", "postcode", "office_hours", "office_hours_en", "phone", "fax",
                                                        "email", "website", "icp_number", "site_code",
                                                        "public_security_number"]}),
        (_("索引号"), {"fields": ["index_number_format"]}),
        (_("告知书"), {"fields": ["review_body"]}),
    ]

    def changelist_view(self, request, extra_context=None):
        profile = SiteProfile.objects.filter(pk=1).first()
        if profile:
            return HttpResponseRedirect(reverse("admin:portal_siteprofile_change", args=[profile.pk]))
        return HttpResponseRedirect(reverse("admin:portal_siteprofile_add"))

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(HistoryAdmin):
    list_display = ["year", "is_complete", "note"]


@admin.register(CalendarDay)
class CalendarDayAdmin(HistoryAdmin):
    """Saving or deleting a day recomputes the stored due dates (portal.signals)."""

    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The security audit trail: read by IT administrators; nobody edits or deletes it here."""

    list_display = ["at", "event", "username", "ip_address", "path", "detail"]
    list_filter = ["event"]
    search_fields = ["username", "ip_address", "path"]
    date_hierarchy = "at"



class NoticeAttemptInline(admin.TabularInline):
    model = NoticeAttempt
    extra = 0
    can_delete = False
    fields = ["at", "ok", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """The outbox (issue #21): what was sent, what waits and what failed for good. The disclosure
    office resends a failed notice or records that the person was told another way; nobody edits
    or deletes a notice. Addresses show only in part (a reporter's is secret, M.19)."""

    list_display = ["created_at", "title", "case_code", "recipients", "state", "attempts", "sent_at", "legal"]
    list_filter = ["state", "legal", "to_public"]
    search_fields = ["case_code", "subject"]
    date_hierarchy = "created_at"
    inlines = [NoticeAttemptInline]
    # Not the body: the case's own page says what was notified (and the body carries the person's name).
    fields = ["created_at", "title", "case_code", "recipients", "legal", "state", "attempts", "next_attempt_at",
              "sent_at", "last_error", "refused_count", "resolved_at", "resolved_by"]
    readonly_fields = fields
    actions = ["resend", "resolve"]

    @admin.display(description=_("收件人"))
    def recipients(self, notice):
        return ", ".join(mask(address) for address in notice.to)

    @admin.display(description=_("主题"))
    def title(self, notice):
        # As it was sent: in the agency's language, whatever the page's (WCAG 3.1.2).
        return format_html('<span lang="zh-Hans">{}</span>', notice.title)

    @admin.display(description=_("被拒收件人数"))
    def refused_count(self, notice):
        return len(notice.refused)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the form is read-only; the actions below are the only changes

    def get_actions(self, request):
        return super().get_actions(request) if may_handle_notices(request.user) else {}

    @admin.action(description=_("重新发送所选的发送失败邮件"))
    def resend(self, request, queryset):
        count = 0
        for notice in queryset.filter(state=NoticeState.FAILED):
            notice_resend(notice=notice, actor=request.user)
            count += 1
        self.message_user(request, _("已重新排队发送 %(n)d 封邮件。") % {"n": count})

    @admin.action(description=_("标记为已通过其他方式告知"))
    def resolve(self, request, queryset):
        count = 0
        for notice in queryset.filter(state=NoticeState.FAILED, resolved_at__isnull=True):
            notice_resolve(notice=notice, actor=request.user)
            count += 1
        self.message_user(request, _("已处理 %(n)d 封发送失败的邮件。") % {"n": count})

"""Writes that belong to the portal layer: running numbers, permission sync, a staff member's
mail preference and the daily digest."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from guardian.models import UserObjectPermission

from portal.errors import InvalidInput
from portal.language import agency_language
from portal.models import (
    OFFICE_PERMISSION_FOR_ROLE,
    OFFICE_ROLES,
    MailMode,
    Membership,
    Office,
    Role,
    Sequence,
    SiteProfile,
    StaffPreference,
)
from portal.notify import absolute_url, notify_on_commit
from portal.selectors import display_name, forget_scope


def sequence_next(*, name: str, year: int) -> int:
    """The next number of a yearly sequence. Numbers are never reused and never handed out twice,
    even to two publications at the same moment: the row is locked until the caller commits."""
    with transaction.atomic():
        Sequence.objects.get_or_create(name=name, year=year)
        Sequence.objects.filter(name=name, year=year).update(last_value=F("last_value") + 1)
        return Sequence.objects.select_for_update().get(name=name, year=year).last_value


def role_permissions() -> dict[str, set[str]]:
    """The model permissions each role needs, as declared by each app's `role_permissions`."""
    table: dict[str, set[str]] = {role: set() for role in Role.values}
    for config in apps.get_app_configs():
        for role, perms in getattr(config, "role_permissions", {}).items():
            table[role].update(perms)
    return table


def role_groups_sync() -> None:
    """One auth group per role holding that role's model permissions (run after migrate)."""
    for role, perms in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in sorted(perms):
            app_label, codename = perm.split(".")
            found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if found:
                wanted.append(found)
        group.permissions.set(wanted)


def membership_sync_permissions(*, user) -> None:
    """Make a person's groups, per-office guardian permissions and staff flag match their
    memberships and supervised offices. Idempotent; called whenever either changes."""
    memberships = list(Membership.objects.filter(user=user))
    roles = {m.role for m in memberships}

    role_groups = list(Group.objects.filter(name__in=Role.values))
    user.groups.remove(*[g for g in role_groups if g.name not in roles])
    user.groups.add(*[g for g in role_groups if g.name in roles])

    wanted = {(OFFICE_PERMISSION_FOR_ROLE[m.role], m.office_id) for m in memberships if m.role in OFFICE_ROLES}
    # A leader's offices are the ones they supervise (M.12(2)), not an office they belong to.
    if Role.LEADER in roles:
        wanted |= {("act_as_leader", pk) for pk in user.supervised_offices.values_list("pk", flat=True)}

    office_type = ContentType.objects.get_for_model(Office)
    codenames = set(OFFICE_PERMISSION_FOR_ROLE.values())
    existing = UserObjectPermission.objects.filter(
        user=user, content_type=office_type, permission__codename__in=codenames
    ).select_related("permission")
    have = set()
    for row in existing:
        key = (row.permission.codename, int(row.object_pk))
        if key in wanted:
            have.add(key)
        else:
            row.delete()
    perms = {p.codename: p for p in Permission.objects.filter(content_type=office_type, codename__in=codenames)}
    UserObjectPermission.objects.bulk_create(
        [
            UserObjectPermission(user=user, content_type=office_type, permission=perms[codename], object_pk=str(pk))
            for codename, pk in sorted(wanted - have)
        ]
    )

    is_staff = bool(memberships) or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    forget_scope(user)



# --- A staff member's mail preference and the daily digest ---------------------------------


def staff_preference_set(*, user, mail_mode: str) -> StaffPreference:
    """The person's own choice: work mailed item by item, or in one daily digest."""
    if mail_mode not in MailMode.values:
        raise InvalidInput(_("请选择待办通知方式。"))
    with transaction.atomic():
        preference, _created = StaffPreference.objects.select_for_update().get_or_create(user=user)
        if preference.mail_mode != mail_mode:
            preference.mail_mode = mail_mode
            preference.save()
        return preference


def _digest_line(number: int, item) -> str:
    if item.waiting:
        clock = item.waiting
    elif item.days_left is None:
        clock = _("无期限")
    elif item.overdue:
        clock = (ngettext("逾期 %(n)d 个工作日", "逾期 %(n)d 个工作日", item.overdue_by) % {"n": item.overdue_by}
                 if item.overdue_by else _("已逾期"))
    else:
        clock = ngettext("剩 %(n)d 个工作日", "剩 %(n)d 个工作日", item.days_left) % {"n": item.days_left}
    due = _("期限 %(date)s，%(clock)s") % {"date": item.due_date.isoformat(), "clock": clock} if item.due_date \
        else clock
    return "\n".join([f"{number}. {item.title}", f"   {item.kind} · {item.office} · {item.step} · {due}",
                      f"   {absolute_url(item.url)}"])


def staff_digest_send(*, user, today: dt.date | None = None) -> int:
    """Mail `user`, who chose the daily digest, what waits for them with the days left. At most
    one digest a day, however often this runs (the day is stored under a row lock); nothing is
    mailed when nothing waits. Returns the number of items mailed."""
    from portal.admin_site import worklist_for

    today = today or timezone.localdate()
    with transaction.atomic():
        preference = StaffPreference.objects.select_for_update().filter(user=user).first()
        if preference is None or preference.mail_mode != MailMode.DIGEST or preference.digest_sent_on == today:
            return 0
        # Not .save(): a daily date is bookkeeping, not a change of the person's settings (history).
        StaffPreference.objects.filter(pk=preference.pk).update(digest_sent_on=today)
        if not (user.is_active and user.is_staff and user.email):
            return 0
        with agency_language():
            items = worklist_for(user)
            if not items:
                return 0
            agency = SiteProfile.current().name
            name = display_name(user)
            lines = [_("%(name)s：") % {"name": name}, "",
                     _("截至 %(date)s，以下 %(n)d 项事项等待您处理：") % {"date": today.isoformat(), "n": len(items)}, ""]
            lines += [_digest_line(number, item) for number, item in enumerate(items, start=1)]
            lines += ["", _("工作台：%(url)s") % {"url": absolute_url(reverse("admin:index"))},
                      _("改为逐件即时通知：%(url)s") % {"url": absolute_url(reverse("admin:preferences"))}, ""]
            subject = _("[%(agency)s] 每日待办汇总（%(date)s）：%(n)d 项") % {
                "agency": agency, "date": today.isoformat(), "n": len(items)}
            notify_on_commit(users=[user], subject=str(subject), body="\n".join(str(line) for line in lines))
        return len(items)

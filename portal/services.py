"""Writes that belong to the portal layer: running numbers and permission sync."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from guardian.models import UserObjectPermission

from portal.models import OFFICE_PERMISSION_FOR_ROLE, OFFICE_ROLES, Membership, Office, Role, Sequence
from portal.selectors import forget_scope


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


"""Reads about people, roles and offices: who may act where.

Every office-scoped query in the project goes through `offices_for` so that admin lists, work
lists, exports and transition checks agree on what a person can reach.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from guardian.shortcuts import get_objects_for_user

from portal.models import AGENCY_ROLES, OFFICE_PERMISSION_FOR_ROLE, Membership, Office, Role

_CACHE_ATTR = "_portal_scope_cache"


def _cache(user) -> dict:
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    return cache


def forget_scope(user) -> None:
    """Drop what `roles_of` and `office_ids_for` remembered on this user object."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user) -> frozenset[str]:
    """The roles a person holds. Superuser status is not a role: IT staff administer the system
    but do not take part in the workflow unless they are given a role."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cache = _cache(user)
    if "roles" not in cache:
        cache["roles"] = frozenset(Membership.objects.filter(user=user).values_list("role", flat=True))
    return cache["roles"]


def has_role(user, role: str) -> bool:
    return role in roles_of(user)


def offices_for(user, role: str) -> QuerySet[Office]:
    """The offices on whose objects `user` may act in `role`."""
    if role not in roles_of(user):
        return Office.objects.none()
    if role in AGENCY_ROLES:
        return Office.objects.all()
    return get_objects_for_user(
        user, f"portal.{OFFICE_PERMISSION_FOR_ROLE[role]}", klass=Office, with_superuser=False, accept_global_perms=False
    )


def office_ids_for(user, role: str) -> frozenset[int]:
    cache = _cache(user)
    key = ("offices", role)
    if key not in cache:
        cache[key] = frozenset(offices_for(user, role).values_list("pk", flat=True))
    return cache[key]


def can_act_for_office(user, role: str, office_id: int) -> bool:
    return office_id in office_ids_for(user, role)


def sees_all_offices(user) -> bool:
    """Agency-wide roles, and IT superusers for reading, see every office's objects."""
    return bool(roles_of(user) & AGENCY_ROLES) or bool(getattr(user, "is_superuser", False) and user.is_active)


def visible_office_ids(user) -> frozenset[int] | None:
    """Offices whose objects `user` may see in the back office; None means all of them."""
    if sees_all_offices(user):
        return None
    ids: set[int] = set()
    for role in roles_of(user):
        ids |= office_ids_for(user, role)
    return frozenset(ids)


def users_acting_as(role: str, office: Office | None = None) -> QuerySet:
    """Active people who act in `role` (on `office`, for office-scoped roles): whom to notify."""
    users = get_user_model().objects.filter(is_active=True)
    if office is not None and role not in AGENCY_ROLES:
        if role == Role.LEADER:
            users = users.filter(memberships__role=role, supervised_offices=office)
        else:
            # One membership with both the role and the office (two filters would match a head of
            # this office who is an info officer elsewhere).
            users = users.filter(memberships__role=role, memberships__office=office)
    else:
        users = users.filter(memberships__role=role)
    return users.distinct()


def display_name(user) -> str:
    """A person's name as written: 张伟 (family name first, no space) for Chinese names, "Wei Zhang"
    for Latin ones; the username when no name is on file."""
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if not (first or last):
        return user.get_username()
    if any(not ch.isascii() for ch in first + last):
        return f"{last}{first}"
    return " ".join(part for part in (first, last) if part)

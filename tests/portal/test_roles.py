"""Offices and roles (M.3): memberships drive groups, guardian object permissions and scope."""

import pytest
from django.core.exceptions import ValidationError
from guardian.shortcuts import get_perms

from disclosure import selectors
from portal.models import Membership, Office, OfficeKind, Role
from portal.selectors import office_ids_for, offices_for, roles_of, users_acting_as
from tests.conftest import drive, make_user, new_draft

S_PUBLISHED = "published"


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_membership_grants_the_office_object_permission_and_the_role_group(world):
    assert get_perms(world.drafter_a, world.office_a) == ["act_as_drafter"]
    assert get_perms(world.drafter_a, world.office_b) == []
    assert list(world.drafter_a.groups.values_list("name", flat=True)) == ["drafter"]
    assert world.drafter_a.has_perm("disclosure.submit_record")
    assert not world.drafter_a.has_perm("disclosure.publish_record")
    assert world.drafter_a.is_staff


def test_leaders_act_on_the_offices_they_supervise(world):
    assert set(office_ids_for(fresh(world.leader_a), Role.LEADER)) == {world.office_a.pk}
    world.office_b.supervising_leaders.add(world.leader_a)
    assert set(office_ids_for(fresh(world.leader_a), Role.LEADER)) == {world.office_a.pk, world.office_b.pk}
    world.office_b.supervising_leaders.remove(world.leader_a)
    assert set(office_ids_for(fresh(world.leader_a), Role.LEADER)) == {world.office_a.pk}
    world.office_a.supervising_leaders.clear()
    assert set(office_ids_for(fresh(world.leader_a), Role.LEADER)) == set()


def test_removing_a_membership_removes_the_permission(world):
    Membership.objects.get(user=world.drafter_a).delete()
    user = fresh(world.drafter_a)
    assert get_perms(user, world.office_a) == []
    assert roles_of(user) == frozenset()
    assert not user.is_staff
    assert not user.has_perm("disclosure.submit_record")


def test_agency_roles_see_every_office_office_roles_only_their_own(world):
    record_b = new_draft(world, office=world.office_b)
    assert selectors.records_for_staff(world.disclosure).filter(pk=record_b.pk).exists()
    assert selectors.records_for_staff(world.supervisor).filter(pk=record_b.pk).exists()
    assert not selectors.records_for_staff(world.drafter_a).filter(pk=record_b.pk).exists()
    assert not selectors.records_for_staff(world.leader_a).filter(pk=record_b.pk).exists()
    assert not selectors.records_for_staff(world.nobody).exists()


def test_superuser_may_read_everything_but_is_not_a_workflow_role(world):
    assert roles_of(world.admin) == frozenset()
    assert list(offices_for(world.admin, Role.DRAFTER)) == []
    record = new_draft(world)
    assert selectors.records_for_staff(world.admin).filter(pk=record.pk).exists()


def test_inactive_staff_lose_everything(world):
    world.drafter_a.is_active = False
    world.drafter_a.save()
    user = fresh(world.drafter_a)
    assert roles_of(user) == frozenset()
    assert not selectors.records_for_staff(user).exists()


def test_role_office_rules(world):
    user = make_user("x")
    with pytest.raises(ValidationError):
        Membership(user=user, role=Role.DRAFTER, office=None).full_clean()
    with pytest.raises(ValidationError):
        Membership(user=user, role=Role.LEADER, office=world.office_a).full_clean()
    with pytest.raises(ValidationError):
        Membership(user=user, role=Role.INFO_CENTER, office=world.office_a).full_clean()
    Membership(user=user, role=Role.DISCLOSURE_OFFICE, office=world.general_office).full_clean()
    Membership(user=user, role=Role.DISCLOSURE_OFFICE, office=world.info_center).full_clean()


def test_notifications_go_to_the_people_of_the_right_office(world):
    assert list(users_acting_as(Role.DIVISION_HEAD, world.office_a)) == [world.head_a]
    assert list(users_acting_as(Role.LEADER, world.office_b)) == [world.leader_b]
    assert list(users_acting_as(Role.INFO_CENTER, world.office_a)) == [world.publisher]


def test_one_person_can_hold_two_roles(world):
    Membership.objects.create(user=world.drafter_a, role=Role.DRAFTER, office=world.office_b)
    user = fresh(world.drafter_a)
    assert set(office_ids_for(user, Role.DRAFTER)) == {world.office_a.pk, world.office_b.pk}
    record_b = drive(world, new_draft(world, office=world.office_b), "draft")
    assert selectors.records_for_staff(user).filter(pk=record_b.pk).exists()


def test_office_kinds_are_the_four_of_the_measures():
    assert set(OfficeKind.values) == {"division", "general_office", "info_center", "supervision"}
    assert Office._meta.get_field("kind").choices

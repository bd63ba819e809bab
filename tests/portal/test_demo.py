"""The demo agency loader: complete, realistic and idempotent."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from disclosure.models import Record, RecordState, ReleaseRegisterLine
from portal.models import Membership, Office, OfficeKind, Role, SiteProfile

pytestmark = pytest.mark.django_db


def load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts():
    return (Office.objects.count(), get_user_model().objects.count(), Membership.objects.count(),
            Record.objects.count(), ReleaseRegisterLine.objects.count())


def test_demo_loads_the_seed_department_and_is_idempotent(settings):
    settings.DEMO_MODE = True
    first = load()
    before = counts()
    second = load()
    assert counts() == before
    assert "新增政府信息 0 条" in second

    assert SiteProfile.objects.get().name == "吉林省工业和信息化厅"
    kinds = set(Office.objects.values_list("kind", flat=True))
    assert kinds == {OfficeKind.DIVISION, OfficeKind.GENERAL_OFFICE, OfficeKind.INFO_CENTER, OfficeKind.SUPERVISION}
    assert Office.objects.filter(kind=OfficeKind.DIVISION).count() >= 6
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    for office in Office.objects.filter(kind=OfficeKind.DIVISION):
        assert office.supervising_leaders.exists()
    states = set(Record.objects.values_list("state", flat=True))
    assert {RecordState.REGISTERED, RecordState.DIVISION_REVIEW, RecordState.LEADER_SIGNOFF} <= states
    assert "demo-portal-2026" in first and "zcfg-drafter" in first
    user = get_user_model().objects.get(username="zcfg-drafter")
    assert user.check_password("demo-portal-2026")


def test_outside_demo_mode_accounts_get_no_password(settings):
    settings.DEMO_MODE = False
    settings.DEBUG = False
    output = load()
    assert "demo-portal-2026" not in output
    assert not get_user_model().objects.get(username="zcfg-drafter").has_usable_password()
    assert not get_user_model().objects.filter(username="admin").exists()

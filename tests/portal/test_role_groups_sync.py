"""The role groups are synced once per migrate or flush, with every app's permissions.

post_migrate is sent once per app; syncing at each app's turn made every database flush between
transactional tests (all browser tests) sync fourteen times — two seconds a test on SQLite, five
on PostgreSQL (issue #15: keep `make test` fast)."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from portal import services
from portal.models import Role


@pytest.mark.django_db(transaction=True)
def test_a_flush_syncs_the_role_groups_once_with_the_last_apps_permissions(monkeypatch):
    calls = []
    sync = services.role_groups_sync
    monkeypatch.setattr(services, "role_groups_sync", lambda: calls.append(1) or sync())
    call_command("flush", interactive=False, verbosity=0)
    assert len(calls) == 1
    # complaints is the last app: its permissions reached the supervision office's group.
    assert Group.objects.get(name=Role.SUPERVISION).permissions.filter(codename="handle_complaint").exists()
    assert Group.objects.get(name=Role.DISCLOSURE_OFFICE).permissions.filter(
        content_type__app_label="applications", codename="register_application").exists()

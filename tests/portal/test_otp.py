"""The second factor (issue #16, items 1 and 3): an enrolment key belongs to the session that was
shown it, every display of a key is audited, an administrator's reset ends pending enrolments, and
every role that sees a citizen's identity in full must use it by default (M.19 for reporters)."""

from __future__ import annotations

import datetime as dt
import re
from base64 import b32decode, b32encode

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

import portal.settings as production
from portal.models import AuditEntry, AuditEvent


@pytest.fixture
def otp_on(settings):
    settings.OTP_REQUIRED_ROLES = production.OTP_REQUIRED_ROLES
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows retries after a wrong code


def signed_in(user) -> Client:
    """A browser of its own: its own session, as a second person with the same password has."""
    browser = Client()
    browser.force_login(user)
    return browser


def key_shown(browser: Client) -> str | None:
    page = browser.get(reverse("admin:otp")).content.decode()
    found = re.search(r"<code>([A-Z2-7=]+)</code>", page)
    return found.group(1) if found else None


def code_for(key: str) -> str:
    return f"{totp(b32decode(key)):06d}"


def confirm(browser: Client, key: str):
    return browser.post(reverse("admin:otp"), {"token": code_for(key)})


def test_a_key_shown_to_another_session_before_enrolment_never_opens_the_account(world, otp_on):
    """The attack: someone with the password opens the enrolment page before the owner. They
    must not see the owner's key, and the key they saw must not work after the owner enrols."""
    intruder, owner = signed_in(world.disclosure), signed_in(world.disclosure)
    intruders_key = key_shown(intruder)
    owners_key = key_shown(owner)
    assert intruders_key and owners_key and owners_key != intruders_key
    assert confirm(owner, owners_key).status_code == 302  # enrolled
    assert TOTPDevice.objects.filter(user=world.disclosure).count() == 1

    refused = confirm(intruder, intruders_key)
    assert refused.status_code == 200 and "不正确" in refused.content.decode()
    again = signed_in(world.disclosure)  # a new session: only the owner's authenticator opens it
    assert key_shown(again) is None  # asked for the code, no key shown
    assert confirm(again, intruders_key).status_code == 200
    assert again.get(reverse("admin:index")).status_code == 302
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=30)):  # a code is used once
        assert confirm(again, owners_key).status_code == 302


def test_a_session_never_sees_or_confirms_a_key_it_did_not_create(world, otp_on):
    owner, intruder = signed_in(world.disclosure), signed_in(world.disclosure)
    first = key_shown(owner)
    assert key_shown(owner) == first  # the same session keeps its key while it scans it
    intruders_key = key_shown(intruder)  # another session: a key of its own, the owner's is gone
    assert intruders_key != first
    assert confirm(owner, first).status_code == 200  # that key can no longer be confirmed
    fresh = key_shown(owner)
    assert fresh not in (first, intruders_key)
    assert confirm(intruder, intruders_key).status_code == 200  # ended by the owner's new enrolment
    # Each new enrolment ends the others: whoever enrols last, in their own session, holds the key.
    latest = key_shown(owner)
    assert confirm(owner, latest).status_code == 302
    assert TOTPDevice.objects.get(user=world.disclosure).confirmed


def test_every_display_of_a_key_is_audited(world, otp_on):
    owner = signed_in(world.disclosure)
    key_shown(owner)
    key_shown(owner)
    key_shown(signed_in(world.disclosure))
    shown = AuditEntry.objects.filter(event=AuditEvent.OTP_KEY_SHOWN)
    assert shown.count() == 3
    assert set(shown.values_list("username", flat=True)) == {world.disclosure.username}
    assert all(entry.detail.startswith("device ") for entry in shown)


def test_an_administrators_reset_ends_an_enrolment_pending_in_another_session(world, otp_on):
    """A key shown before the reset (here: bound to the intruder's session) cannot be confirmed
    after the administrator deletes the person's device."""
    owner = signed_in(world.disclosure)
    assert confirm(owner, key_shown(owner)).status_code == 302
    (enrolled,) = TOTPDevice.objects.filter(user=world.disclosure)
    pending = TOTPDevice.objects.create(user=world.disclosure, name="authenticator", confirmed=False)
    intruder = signed_in(world.disclosure)
    from portal.otp import ENROLMENT_SESSION_KEY, _key_digest

    session = intruder.session
    session[ENROLMENT_SESSION_KEY] = {"user": world.disclosure.pk, "device": pending.pk, "key": _key_digest(pending)}
    session.save()

    administrator = signed_in(world.admin)
    deleted = administrator.post(reverse("admin:otp_totp_totpdevice_delete", args=[enrolled.pk]), {"post": "yes"})
    assert deleted.status_code == 302
    assert not TOTPDevice.objects.filter(pk=pending.pk).exists()
    old_key = b32encode(pending.bin_key).decode()
    assert key_shown(intruder) != old_key
    assert confirm(intruder, old_key).status_code == 200


@pytest.mark.parametrize("person", ["supervisor", "disclosure", "leader_a", "publisher"])
def test_every_role_that_sees_an_identity_in_full_needs_a_second_factor_by_default_m19(client, world, otp_on,
                                                                                       person):
    """The supervision office alone sees reporters (M.19); the disclosure office applicants and
    askers; leaders and the info center sign and publish. Production asks all four."""
    assert {"supervision", "disclosure_office", "leader", "info_center"} <= set(production.OTP_REQUIRED_ROLES)
    client.force_login(getattr(world, person))
    response = client.get(reverse("admin:complaints_complaint_changelist"))
    assert response.status_code == 302 and reverse("admin:otp") in response.url


def test_drafters_still_sign_in_with_a_password(client, world, otp_on):
    client.force_login(world.drafter_a)
    assert client.get(reverse("admin:index")).status_code == 200

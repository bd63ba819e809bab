"""Handling applications: each outcome end to end, the permission matrix, privacy."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from applications import selectors, services, workflow
from applications.models import ApplicationEvent, IdentityAccess, Status
from applications.outcomes import Outcome
from portal.errors import ActionRefused, InvalidInput, StateConflict
from tests.applications.conftest import PERSON, offline

S = Status
LETTER = "<p>告知书正文</p>"


def assigned(world, office=None):
    application = offline(world, received_on=dt.date.today())
    return services.application_assign(application=application, actor=world.disclosure, office=office or world.office_a)


@pytest.mark.parametrize("outcome", [o for o in Outcome.values if o not in ("other_no_supplement", "other_fee_unpaid")])
def test_each_outcome_from_receipt_to_closing(world, outcome):
    application = assigned(world)
    application = services.application_draft_reply(application=application, actor=world.drafter_a, outcome=outcome,
                                                   letter_html=LETTER, note="依据条例第十四条")
    assert application.status == S.REPLY_DRAFTED
    application = services.application_send_reply(application=application, actor=world.disclosure)
    assert (application.status, application.outcome, application.replied_on) == (S.CLOSED, outcome, dt.date.today())
    assert selectors.outcome_counts(dt.date.today().year)[outcome] == {"natural_person": 1}


def test_refusals_need_their_reasons(world):
    application = assigned(world)
    with pytest.raises(InvalidInput, match="理由和依据"):
        services.application_draft_reply(application=application, actor=world.drafter_a,
                                         outcome=Outcome.WITHHELD_STATE_SECRET, letter_html=LETTER, note="")


def test_online_application_starts_the_clock_only_when_confirmed_r31(world):
    application, secret, created = services.application_submit(data=dict(PERSON))
    assert created and application.status == S.SUBMITTED and application.due_date is None
    assert services.secret_matches(application, secret)
    assert not services.secret_matches(application, "WRONG123")
    assert not services.secret_matches(None, secret)
    application = services.application_confirm(application=application, actor=world.disclosure,
                                               received_on=dt.date.today())
    assert application.status == S.RECEIVED and application.due_date


def test_double_submit_stores_one_application_with_the_same_secret(world):
    import uuid

    key = uuid.uuid4()
    first, secret_1, created_1 = services.application_submit(data=dict(PERSON), idempotency_key=key)
    second, secret_2, created_2 = services.application_submit(data=dict(PERSON), idempotency_key=key)
    assert (first.pk, secret_1, created_1, created_2) == (second.pk, secret_2, True, False)


def test_returned_reply_goes_back_to_the_office(world):
    application = assigned(world)
    application = services.application_draft_reply(application=application, actor=world.drafter_a,
                                                   outcome=Outcome.DISCLOSED, letter_html=LETTER)
    with pytest.raises(InvalidInput):
        services.application_return_reply(application=application, actor=world.disclosure, comment="")
    application = services.application_return_reply(application=application, actor=world.disclosure, comment="请附文件")
    assert application.status == S.ASSIGNED


def test_letter_html_is_sanitised(world):
    application = assigned(world)
    application = services.application_draft_reply(application=application, actor=world.drafter_a,
                                                   outcome=Outcome.DISCLOSED,
                                                   letter_html='<p onclick="x()">答复<script>alert(1)</script></p>')
    assert "script" not in application.reply_letter and "onclick" not in application.reply_letter


# --- Permission matrix: another office cannot see or act ------------------------------------

ACTIONS = {
    "assign": lambda a, u, w: services.application_assign(application=a, actor=u, office=w.office_b),
    "draft_reply": lambda a, u, w: services.application_draft_reply(application=a, actor=u, outcome="disclosed",
                                                                    letter_html=LETTER),
    "extend": lambda a, u, w: services.application_extend(application=a, actor=u, days=5, reason="原因"),
    "start_consultation": lambda a, u, w: services.application_start_consultation(application=a, actor=u,
                                                                                  third_party="某公司"),
    "fee_notice": lambda a, u, w: services.application_fee_notice(application=a, actor=u, method="by_count", basis=15),
}
ALLOWED = {
    "assign": {"disclosure"},
    "draft_reply": {"disclosure", "drafter_a", "head_a"},
    "extend": {"disclosure"},
    "start_consultation": {"disclosure", "drafter_a", "head_a"},
    "fee_notice": {"disclosure"},
}
USERS = ["drafter_a", "head_a", "drafter_b", "head_b", "disclosure", "leader_a", "publisher", "registrar",
         "supervisor", "admin", "nobody"]


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_permission_matrix(world, action, username):
    application = assigned(world)
    user = world.users_by_role()[username]
    offered = workflow.TRANSITIONS[action] in workflow.available(user, application)
    assert offered == (username in ALLOWED[action])
    before = ApplicationEvent.objects.filter(application=application).count()
    if username in ALLOWED[action]:
        ACTIONS[action](application, user, world)
        assert ApplicationEvent.objects.filter(application=application).count() == before + 1
    else:
        with pytest.raises(ActionRefused):
            ACTIONS[action](application, user, world)
        application.refresh_from_db()
        assert application.status == S.ASSIGNED
        assert ApplicationEvent.objects.filter(application=application).count() == before


@pytest.mark.parametrize("username", USERS)
def test_who_sees_the_application_and_the_full_identity(client, world, username):
    application = assigned(world)
    user = world.users_by_role()[username]
    sees = username in {"disclosure", "drafter_a", "head_a", "supervisor", "admin"}
    full = username in {"disclosure", "drafter_a", "head_a"}
    assert selectors.applications_for_staff(user).filter(pk=application.pk).exists() == sees
    assert selectors.may_see_identity(user, application) == full
    client.force_login(user)
    page = client.get(reverse("admin:applications_disclosureapplication_change", args=[application.pk]))
    if not sees:
        assert page.status_code in (403, 404, 302)
        return
    assert page.status_code == 200
    assert (PERSON["identity_number"] in page.text) == full
    assert (PERSON["phone"] in page.text) == full
    assert "110*************2X" in page.text or full
    assert IdentityAccess.objects.filter(application=application, user=user).exists() == full


def test_lists_show_identities_masked(client, world):
    assigned(world)
    client.force_login(world.disclosure)
    page = client.get(reverse("admin:applications_disclosureapplication_changelist"))
    assert page.status_code == 200
    assert PERSON["identity_number"] not in page.text
    assert "110*************2X" in page.text


def test_offline_entry_in_the_back_office(client, world):
    client.force_login(world.disclosure)
    response = client.post(reverse("admin:applications_disclosureapplication_add"), {
        **PERSON, "channel": "post", "received_on": "2026-11-02",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    application = selectors.applications_for_staff(world.disclosure).get()
    assert (application.channel, application.received_on, application.status) == ("post", dt.date(2026, 11, 2),
                                                                                  S.RECEIVED)
    client.force_login(world.drafter_a)
    assert client.get(reverse("admin:applications_disclosureapplication_add")).status_code == 403


def test_offline_entry_refuses_a_bad_identity_number(client, world):
    client.force_login(world.disclosure)
    response = client.post(reverse("admin:applications_disclosureapplication_add"), {
        **PERSON, "identity_number": "110105194912310021", "channel": "post", "received_on": "2026-11-02"})
    assert response.status_code == 200
    assert "居民身份证号码无效" in response.content.decode()


def test_transition_page_for_the_wrong_person_is_refused(client, world):
    application = assigned(world)
    client.force_login(world.drafter_a)
    url = reverse("admin:applications_disclosureapplication_transition", args=[application.pk, "extend"])
    assert client.get(url).status_code == 403
    client.force_login(world.drafter_b)
    assert client.get(url).status_code == 404


def test_draft_reply_page_offers_the_generated_letter(client, world):
    application = assigned(world)
    client.force_login(world.drafter_a)
    url = reverse("admin:applications_disclosureapplication_transition", args=[application.pk, "draft_reply"])
    page = client.get(url)
    assert page.status_code == 200
    assert "六十日" in page.content.decode() or "60" in page.content.decode()
    response = client.post(url, {"expected_status": "assigned", "outcome": "disclosed", "letter": LETTER, "note": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.REPLY_DRAFTED


def test_stale_second_click_changes_nothing(world):
    application = assigned(world)
    application = services.application_draft_reply(application=application, actor=world.drafter_a,
                                                   outcome="disclosed", letter_html=LETTER)
    services.application_send_reply(application=application, actor=world.disclosure)
    with pytest.raises(StateConflict):
        services.application_send_reply(application=application, actor=world.disclosure, expected_status="reply_drafted")
    assert ApplicationEvent.objects.filter(application=application, kind="replied").count() == 1


def test_reminders_are_sent_once(world, django_capture_on_commit_callbacks):
    import time_machine

    application = offline(world, received_on=dt.date(2026, 11, 2))  # due 2026-11-30
    services.application_assign(application=application, actor=world.disclosure, office=world.office_a)
    four_days_left = time_machine.travel(dt.datetime(2026, 11, 24, 9, 0).astimezone(), tick=False)
    with four_days_left, django_capture_on_commit_callbacks(execute=True):
        call_command("send_deadline_reminders", stdout=StringIO())
        call_command("send_deadline_reminders", stdout=StringIO())
    assert [m.to for m in mail.outbox if "5个工作日" in m.subject] == [["drafter_a@example.invalid", "head_a@example.invalid"]]
    mail.outbox.clear()
    overdue = time_machine.travel(dt.datetime(2026, 12, 1, 9, 0).astimezone(), tick=False)
    with overdue, django_capture_on_commit_callbacks(execute=True):
        call_command("send_deadline_reminders", stdout=StringIO())
    assert [m.to for m in mail.outbox] == [["gkb@example.invalid"]]
    assert "逾期" in mail.outbox[0].subject


def test_worklists(client, world):
    submitted, _secret, _created = services.application_submit(data=dict(PERSON, information_title="待确认的申请"))
    mine = assigned(world)
    other = assigned(world, office=world.office_b)
    client.force_login(world.disclosure)
    assert "待确认的申请" in client.get(reverse("admin:index")).content.decode()
    client.force_login(world.drafter_a)
    page = client.get(reverse("admin:index")).content.decode()
    assert mine.tracking_code in page and other.tracking_code not in page and submitted.tracking_code not in page

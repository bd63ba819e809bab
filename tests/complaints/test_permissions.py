"""Who reaches what: every role against the complaints, consultations and accountability findings
of each office, by selector and through the back office's own URLs; and the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from complaints import selectors, services
from complaints.models import AccountabilityFinding
from portal.errors import ActionRefused, InvalidInput
from tests.complaints.conftest import consult, drive_complaint, report

USERS = ["drafter_a", "head_a", "drafter_b", "head_b", "disclosure", "leader_a", "leader_b", "publisher",
         "registrar", "supervisor", "admin", "nobody"]


def _office(world, which: str):
    return world.office_a if which == "a" else world.office_b


# --- Complaints: (user, office of the complaint) -> how much is seen ----------------------------

COMPLAINT_VIEW = {
    "supervisor": {"a": "full", "b": "full"},
    "admin": {"a": "masked", "b": "masked"},
    "drafter_a": {"a": "office", "b": "none"},
    "head_a": {"a": "office", "b": "none"},
    "drafter_b": {"a": "none", "b": "office"},
    "head_b": {"a": "none", "b": "office"},
}


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("which", ["a", "b"])
def test_complaint_visibility_matrix(client, world, username, which):
    complaint = drive_complaint(world, report(world, office=_office(world, which))[0], "explanation_requested")
    user = world.users_by_role()[username]
    expected = COMPLAINT_VIEW.get(username, {}).get(which, "none")
    assert selectors.complaint_view(user, complaint).value == expected
    assert selectors.complaints_for_staff(user).filter(pk=complaint.pk).exists() == (expected != "none")
    client.force_login(user)
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert (page.status_code == 200) == (expected != "none")
    if expected == "none":
        assert page.status_code in (302, 403, 404)


# --- Consultations -----------------------------------------------------------------------------

CONSULTATION_SEES = {"disclosure", "supervisor", "admin"}
CONSULTATION_FULL = {"disclosure"}


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("which", ["a", "b"])
def test_consultation_visibility_matrix(client, world, username, which):
    consultation, _secret = consult(world, office=_office(world, which))
    user = world.users_by_role()[username]
    own = {f"drafter_{which}", f"head_{which}"}
    sees = username in CONSULTATION_SEES | own
    full = username in CONSULTATION_FULL | own
    assert selectors.consultations_for_staff(user).filter(pk=consultation.pk).exists() == sees
    assert selectors.may_see_asker(user, consultation) == full
    client.force_login(user)
    page = client.get(reverse("admin:complaints_consultation_change", args=[consultation.pk]))
    assert (page.status_code == 200) == sees
    if sees:
        assert ("13600002222" in page.text) == full  # the asker's phone, else masked
        assert ("李雷咨询人" in page.text.split("咨询内容")[0]) == full


def test_an_unrouted_consultation_is_seen_by_no_office(world):
    consultation, _secret = consult(world)
    for user in (world.drafter_a, world.head_a, world.drafter_b, world.head_b, world.leader_a):
        assert not selectors.consultations_for_staff(user).filter(pk=consultation.pk).exists()


def test_consultation_history_never_holds_the_askers_contacts(client, world):
    consultation, _secret = consult(world, office=world.office_a)
    client.force_login(world.supervisor)  # sees consultations, masked
    version = consultation.history.first()
    for url in (reverse("admin:complaints_consultation_history", args=[consultation.pk]),
                reverse("admin:complaints_consultation_simple_history", args=[consultation.pk, version.history_id])):
        response = client.get(url)
        assert response.status_code == 200
        assert "13600002222" not in response.text and "lilei-asker@example.invalid" not in response.text
    fields = {f.name for f in consultation.history.model._meta.get_fields()}
    assert not fields & {"name", "phone", "email", "secret_digest"}


# --- Accountability findings (M.20) ---------------------------------------------------------

FINDING_SEES = {
    "supervisor": {"a", "b"}, "disclosure": {"a", "b"}, "admin": {"a", "b"},
    "drafter_a": {"a"}, "head_a": {"a"}, "leader_a": {"a"},
    "drafter_b": {"b"}, "head_b": {"b"}, "leader_b": {"b"},
}


def finding(world, office, actor=None, **links):
    return services.finding_record(actor=actor or world.supervisor, office=office, title="逾期答复", facts="经查属实。",
                                   measure="criticism", decided_on=dt.date(2026, 11, 2), **links)


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("which", ["a", "b"])
def test_finding_visibility_matrix(client, world, username, which):
    item = finding(world, _office(world, which))
    user = world.users_by_role()[username]
    sees = which in FINDING_SEES.get(username, set())
    assert selectors.findings_for_staff(user).filter(pk=item.pk).exists() == sees
    client.force_login(user)
    page = client.get(reverse("admin:complaints_accountabilityfinding_change", args=[item.pk]))
    assert (page.status_code == 200) == sees


@pytest.mark.parametrize("username", USERS)
def test_only_the_supervision_office_records_findings(client, world, username):
    user = world.users_by_role()[username]
    allowed = username == "supervisor"
    client.force_login(user)
    add = client.get(reverse("admin:complaints_accountabilityfinding_add"))
    assert (add.status_code == 200) == allowed
    if allowed:
        finding(world, world.office_a, actor=user)
    else:
        with pytest.raises(ActionRefused):
            finding(world, world.office_a, actor=user)
        assert not AccountabilityFinding.objects.exists()


def test_a_finding_links_only_the_offices_own_items(world):
    complaint_b, _secret = report(world, office=world.office_b)
    with pytest.raises(InvalidInput):
        finding(world, world.office_a, complaints=[complaint_b])
    item = finding(world, world.office_b, complaints=[complaint_b])
    assert list(item.complaints.all()) == [complaint_b]


def test_a_finding_is_recorded_and_corrected_in_the_back_office(client, world):
    complaint, _secret = report(world)
    client.force_login(world.supervisor)
    url = reverse("admin:complaints_accountabilityfinding_add")
    data = {"office": world.office_a.pk, "title": "未按期答复", "facts": "经查属实", "measure": "rectification",
            "measure_detail": "", "decided_on": "2026-11-02", "complaints": [complaint.pk]}
    response = client.post(url, data)
    assert response.status_code == 302, response.text[:3000]
    item = AccountabilityFinding.objects.get()
    assert (item.recorded_by, list(item.complaints.all())) == (world.supervisor, [complaint])
    wrong = client.post(url, {**data, "office": world.office_b.pk})
    assert wrong.status_code == 200 and "只能关联针对该处室的举报投诉" in wrong.text
    change = client.post(reverse("admin:complaints_accountabilityfinding_change", args=[item.pk]),
                         {**data, "title": "未按期答复（更正）", "complaints": []})
    assert change.status_code == 302
    item.refresh_from_db()
    assert item.title == "未按期答复（更正）" and not item.complaints.exists()
    assert item.history.count() >= 2
    client.force_login(world.disclosure)
    assert client.post(reverse("admin:complaints_accountabilityfinding_change", args=[item.pk]),
                       {**data, "title": "改"}).status_code == 403


# --- The dashboard -----------------------------------------------------------------------------

DASHBOARD = {"supervisor", "disclosure", "admin"}


@pytest.mark.parametrize("username", USERS)
def test_who_sees_the_dashboard(client, world, username):
    client.force_login(world.users_by_role()[username])
    for name in ("admin:complaints_assessment_changelist", "admin:complaints_assessment_export"):
        response = client.get(reverse(name))
        assert (response.status_code == 200) == (username in DASHBOARD), name
        if username not in DASHBOARD:
            assert response.status_code in (302, 403)


def test_anonymous_visitors_reach_no_back_office_page(client, world):
    complaint, _secret = report(world)
    for url in (reverse("admin:complaints_complaint_change", args=[complaint.pk]),
                reverse("admin:complaints_assessment_changelist"),
                reverse("admin:complaints_assessment_export")):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

"""The case kernel (portal/cases.py) shared by applications, complaints and consultations: the
same rating rule, the same domain queries, and a tracking page that shows only what each type
lets the citizen see."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications import services as application_services
from applications.models import DisclosureApplication, EventKind
from complaints import services as complaint_services
from complaints.models import (
    Complaint,
    ComplaintEventKind,
    Consultation,
    ConsultationEventKind,
)
from portal.cases import CaseEvent, TrackedCase, citizen_events
from portal.errors import InvalidInput, StateConflict
from tests.applications.conftest import offline
from tests.complaints.conftest import report

CASE_TYPES = (DisclosureApplication, Complaint, Consultation)

# What the citizen never sees, per type: internal steps of the handling. If one of these ever
# appears in CITIZEN_EVENT_KINDS, a staff note or the M.19 investigation would reach the public.
INTERNAL = {
    DisclosureApplication: {EventKind.NOTE, EventKind.REPLY_DRAFTED, EventKind.REPLY_RETURNED,
                            EventKind.EXTENSION_REQUESTED, EventKind.EXTENSION_REFUSED,
                            EventKind.THIRD_PARTY_NOTIFIED, EventKind.REVIEW_RECORDED},
    Complaint: {ComplaintEventKind.EXPLANATION_REQUESTED, ComplaintEventKind.EXPLANATION_GIVEN,
                ComplaintEventKind.EXPLANATION_WITHDRAWN, ComplaintEventKind.CONCLUDED,
                ComplaintEventKind.REOPENED},
    Consultation: {ConsultationEventKind.RETURNED, ConsultationEventKind.UNPUBLISHED},
}


@pytest.mark.parametrize("model", CASE_TYPES, ids=lambda m: m.__name__)
def test_every_case_type_is_a_tracked_case_with_an_append_only_event(model):
    event_model = model._meta.get_field("events").related_model
    assert issubclass(model, TrackedCase) and issubclass(event_model, CaseEvent)
    assert model.OPEN_STATUSES and model._meta.get_field(model.ANSWERED_ON)


@pytest.mark.parametrize("model", CASE_TYPES, ids=lambda m: m.__name__)
def test_no_internal_event_reaches_the_citizens_timeline(model):
    event_model = model._meta.get_field("events").related_model
    kinds = [value for value, _label in event_model._meta.get_field("kind").choices]
    assert INTERNAL[model] <= set(kinds)
    case = model(tracking_code="X")
    shown = {event.kind for event in citizen_events(case, [event_model(kind=kind, on=dt.date(2026, 9, 1))
                                                            for kind in kinds])}
    assert shown == set(model.CITIZEN_EVENT_KINDS) and not shown & INTERNAL[model]


@pytest.mark.parametrize("model", CASE_TYPES, ids=lambda m: m.__name__)
def test_a_rating_outside_one_to_five_is_refused_by_the_model_m18(model):
    """The application's rating had no validators while the complaint's and consultation's had."""
    with pytest.raises(ValidationError) as refused:
        model._meta.get_field("rating").run_validators(6)
    assert [error.code for error in refused.value.error_list] == ["max_value"]
    with pytest.raises(ValidationError):
        model._meta.get_field("rating").run_validators(0)


def test_the_tracking_page_leaves_out_a_staff_note(client, world):
    from applications.views import case_token

    application = offline(world)
    application.events.create(kind=EventKind.NOTE, on=application.received_on, comment="内部意见：请核对申请人身份",
                              to_status=application.status)
    page = client.get(reverse("applications:case", args=[case_token(application)])).content.decode()
    assert application.tracking_code in page and "内部意见" not in page


@pytest.mark.parametrize("rating", [0, 6, "x", None])
def test_a_bad_rating_is_a_message_not_an_error_page(world, rating):
    """int("x") used to escape the services as a ValueError (a 500 from the tracking page)."""
    application = offline(world)
    with pytest.raises(InvalidInput):
        application_services.application_rate(application=application, rating=rating)
    complaint, _secret = report(world)
    with pytest.raises(InvalidInput):
        complaint_services.complaint_rate(complaint=complaint, rating=rating)


def test_rating_an_open_case_says_it_is_not_closed_yet(world):
    application = offline(world)
    with pytest.raises(StateConflict, match="办结后"):
        application_services.application_rate(application=application, rating=5)


def test_overdue_and_answered_late_are_one_definition_for_every_type(world):
    """R.33 for applications; the agency's limit (M.10, M.19) for consultations and complaints."""
    today = dt.date(2026, 12, 1)
    overdue = offline(world, received_on=dt.date(2026, 9, 21))  # due 2026-10-26
    DisclosureApplication.objects.filter(pk=overdue.pk).update(due_date=dt.date(2026, 10, 26))
    paused = offline(world, received_on=dt.date(2026, 9, 21))
    DisclosureApplication.objects.filter(pk=paused.pk).update(due_date=dt.date(2026, 10, 26), clock_paused=True)
    late = offline(world, received_on=dt.date(2026, 9, 21))
    DisclosureApplication.objects.filter(pk=late.pk).update(status="closed", due_date=dt.date(2026, 10, 26),
                                                            replied_on=dt.date(2026, 10, 27))
    on_time = offline(world, received_on=dt.date(2026, 9, 21))
    DisclosureApplication.objects.filter(pk=on_time.pk).update(status="closed", due_date=dt.date(2026, 10, 26),
                                                               replied_on=dt.date(2026, 10, 26))
    applications = DisclosureApplication.objects
    assert set(applications.overdue(today)) == {overdue}  # a paused clock is not overdue (R.30, R.32, 109号)
    assert set(applications.answered_late()) == {late}
    assert set(applications.answered_on_time()) == {on_time}
    assert set(applications.late_or_overdue(today)) == {overdue, late}
    assert not applications.overdue(dt.date(2026, 10, 26)).exists()  # the due day itself is in time

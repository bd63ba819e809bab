"""Consultations as demand for information (issue #18): the `demand_requests` hook of
disclosure.demand_selectors. Only what was asked and when — never who asked."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from complaints.models import Consultation
from disclosure.demand_selectors import CONSULTATION, DemandRequest


def demand_requests(*, start: dt.date, end: dt.date) -> list[DemandRequest]:
    """Consultations received in the period."""
    rows = Consultation.objects.filter(received_on__range=(start, end)).values_list(
        "pk", "tracking_code", "subject", "question", "received_on")
    url = reverse("admin:complaints_consultation_change", args=[0]).replace("/0/", "/{}/")
    return [
        DemandRequest(kind=CONSULTATION, pk=pk, code=code, title=subject, text=f"{subject} {question}", on=received_on,
                      url=url.format(pk))
        for pk, code, subject, question, received_on in rows
    ]


def demand_fingerprint(*, start: dt.date, end: dt.date) -> dict:
    """The consultations of the period in one count (never deleted; what they ask is fixed at intake)."""
    return {CONSULTATION: [Consultation.objects.filter(received_on__range=(start, end)).count()]}

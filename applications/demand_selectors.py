"""Applications as demand for information (issue #18): the `demand_requests` hook of
disclosure.demand_selectors. Only what was asked and when — never who asked."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from applications.models import DisclosureApplication
from disclosure.demand_selectors import APPLICATION, DemandRequest


def demand_requests(*, start: dt.date, end: dt.date) -> list[DemandRequest]:
    """Applications received in the period (by the date of receipt, R.31; not yet confirmed ones by
    the day they were submitted)."""
    rows = _in_period(start, end).values_list("pk", "tracking_code", "information_title", "description",
                                              "index_number", "received_on", "submitted_at")
    url = reverse("admin:applications_disclosureapplication_change", args=[0]).replace("/0/", "/{}/")
    return [
        DemandRequest(kind=APPLICATION, pk=pk, code=code, title=title, text=f"{title} {description}",
                      on=received_on or timezone.localdate(submitted_at), index_number=index_number or "",
                      url=url.format(pk))
        for pk, code, title, description, index_number, received_on, submitted_at in rows
    ]


def demand_fingerprint(*, start: dt.date, end: dt.date) -> dict:
    """The applications of the period in two counts (two index-only counts): those received in it,
    and those submitted in it and not yet confirmed — a confirmation moves an application from the
    second to the first, or out of the period (R.31). Applications are never deleted, and what
    they ask is fixed when they are submitted."""
    first, after = _bounds(start, end)
    received = DisclosureApplication.objects.filter(received_on__range=(start, end)).count()
    waiting = DisclosureApplication.objects.filter(received_on__isnull=True, submitted_at__gte=first,
                                                   submitted_at__lt=after).count()
    return {APPLICATION: [received, waiting]}


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (timezone.make_aware(dt.datetime.combine(start, dt.time.min)),
            timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)))


def _in_period(start: dt.date, end: dt.date):
    """Applications received in the period (by the date of receipt, R.31; not yet confirmed ones by
    the day they were submitted)."""
    first, after = _bounds(start, end)
    return DisclosureApplication.objects.filter(
        Q(received_on__range=(start, end)) | Q(received_on__isnull=True, submitted_at__gte=first, submitted_at__lt=after))

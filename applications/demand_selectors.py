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
    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    rows = (DisclosureApplication.objects
            .filter(Q(received_on__range=(start, end))
                    | Q(received_on__isnull=True, submitted_at__gte=first, submitted_at__lt=after))
            .values_list("pk", "tracking_code", "information_title", "description", "index_number", "received_on",
                         "submitted_at"))
    return [
        DemandRequest(kind=APPLICATION, pk=pk, code=code, title=title, text=f"{title} {description}",
                      on=received_on or timezone.localdate(submitted_at), index_number=index_number or "",
                      url=reverse("admin:applications_disclosureapplication_change", args=[pk]))
        for pk, code, title, description, index_number, received_on, submitted_at in rows
    ]

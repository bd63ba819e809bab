"""Writes of the demand figures (issue #18): search misses and the hint counters. Anonymous by
construction: what is stored is a query text or a number, per day."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from disclosure import search
from disclosure.demand_models import MISS_QUERY_MAX, HintCounter, SearchMiss


def miss_query_text(raw: str) -> str:
    """A query as logged: normalised as the search reads it (full-width to half-width, lower case),
    whitespace collapsed, no control characters, truncated."""
    text = "".join(ch if ch.isprintable() else " " for ch in search.normalise(raw or "")[: MISS_QUERY_MAX * 2])
    return " ".join(text.split())[:MISS_QUERY_MAX]


def _increment(model, lookup: dict, **amounts: int) -> None:
    """Add `amounts` to the row `lookup` names, creating it at zero first (a concurrent creator
    wins the unique constraint; the update then lands on its row)."""
    with transaction.atomic():
        if not model.objects.filter(**lookup).exists():
            try:
                with transaction.atomic():
                    model.objects.create(**lookup)
            except IntegrityError:
                pass
        model.objects.filter(**lookup).update(**{name: F(name) + n for name, n in amounts.items()})


def search_miss_log(*, query: str, day: dt.date | None = None) -> None:
    """Count one public search that found nothing. The caller rate-limits per client."""
    text = miss_query_text(query)
    if text:
        _increment(SearchMiss, {"query": text, "day": day or timezone.localdate()}, count=1)


def hint_count(*, shown: int = 0, followed: int = 0, submitted_after_following: int = 0,
               day: dt.date | None = None) -> None:
    """Add to today's anonymous hint counters."""
    amounts = {name: n for name, n in (("shown", shown), ("followed", followed),
                                        ("submitted_after_following", submitted_after_following)) if n}
    if amounts:
        _increment(HintCounter, {"day": day or timezone.localdate()}, **amounts)

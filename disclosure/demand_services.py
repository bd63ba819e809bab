"""Writes of the demand figures (issue #18): search misses and the hint counters. Anonymous by
construction: what is stored is a query text or a number, per day. And the demand page's figures,
computed once per change of their data and stored (issue #22)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosure import demand_selectors, search
from disclosure.demand_models import (
    MISS_QUERY_MAX,
    DemandSummary,
    DemandSummaryCase,
    DemandSummaryTopic,
    HintCounter,
    SearchMiss,
)
from portal.errors import ActionRefused


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


# --- The stored demand summary (issue #22) ------------------------------------------------------

SUMMARIES_KEPT = 20  # periods other than today's that someone asked for: the newest kept


def demand_summary_store(*, start: dt.date, end: dt.date) -> DemandSummary:
    """Compute the demand page's figures for a period (demand_selectors.demand_topics) and store
    them in place of the period's previous ones, with the fingerprint of the data they come from
    (read first: a request arriving meanwhile makes the stored figures look out of date, never
    current). Summaries of other periods beyond the newest SUMMARIES_KEPT are removed."""
    inputs = demand_selectors.demand_fingerprint(start=start, end=end)
    data = demand_selectors.demand_topics(start=start, end=end)
    try:
        with transaction.atomic():
            return _summary_replace(start, end, inputs, data)
    except IntegrityError:  # another process stored the period's figures meanwhile: theirs stand
        return DemandSummary.objects.get(start=start, end=end)


def _summary_replace(start: dt.date, end: dt.date, inputs: dict, data) -> DemandSummary:
    """The period's figures in place of its previous ones (inside the caller's transaction)."""
    DemandSummary.objects.filter(start=start, end=end).delete()
    summary = DemandSummary.objects.create(
        start=start, end=end, threshold=data.threshold, similarity=settings.DEMAND_SIMILARITY,
        computed_at=timezone.now(), inputs=inputs, topic_count=len(data.topics), single=data.single,
        misses=[list(miss) for miss in data.misses])
    topics = DemandSummaryTopic.objects.bulk_create([
        DemandSummaryTopic(
            summary=summary, rank=rank, name=topic.name, entry=topic.entry, applications=topic.applications,
            consultations=topic.consultations, searched=topic.searched, flagged=topic.flagged,
            searches=[list(search) for search in topic.searches])
        for rank, topic in enumerate(data.topics)], batch_size=500)
    DemandSummaryCase.objects.bulk_create((
        DemandSummaryCase(topic=stored, position=position, kind=r.kind, request_id=r.pk, code=r.code,
                          title=r.title, on=r.on, url=r.url)
        for stored, topic in zip(topics, data.topics, strict=True)
        for position, r in enumerate(topic.requests)), batch_size=1000)
    kept = DemandSummary.objects.order_by("-computed_at").values_list("pk", flat=True)[:SUMMARIES_KEPT]
    DemandSummary.objects.exclude(pk__in=list(kept)).exclude(pk=summary.pk).delete()
    return summary


def demand_recount(*, actor, start: dt.date, end: dt.date) -> DemandSummary:
    """The demand page's 按当前数据重新统计: the period's figures computed again now, by the
    disclosure office (or an IT superuser), who propose proactive disclosure of what is asked
    often (R.44, M.3); anyone else is refused here, whatever page or script calls it."""
    from disclosure.selectors import may_see_demand

    if not may_see_demand(actor):
        raise ActionRefused(_("只有政府信息公开工作机构可以重新统计公开需求。"))
    return demand_summary_store(start=start, end=end)


def demand_period() -> tuple[dt.date, dt.date]:
    """The period the demand page opens with: the last twelve months up to today."""
    today = timezone.localdate()
    return today - dt.timedelta(days=365), today


def demand_summary_refresh() -> DemandSummary | None:
    """Bring the stored figures of the page's default period up to date, unless they already are
    (the task runs once per request received: the first run does the work, the others find the
    fingerprint unchanged). Returns the summary stored, or None when nothing needed doing."""
    start, end = demand_period()
    summary = demand_selectors.demand_summary_for(start=start, end=end)
    if summary is not None and summary.inputs == demand_selectors.demand_fingerprint(start=start, end=end):
        return None
    return demand_summary_store(start=start, end=end)


def demand_changed() -> None:
    """A request for information was received or confirmed: once the transaction commits, the task
    worker brings the demand page's figures up to date (disclosure.tasks.refresh_demand), so the
    disclosure office finds them current without waiting for the computation."""
    from disclosure.tasks import refresh_demand
    from portal.outbox import enqueue_with_transaction

    enqueue_with_transaction(refresh_demand)

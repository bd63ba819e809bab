"""Reads of what the public asks for (issue #18): hints while applying, and demand topics (R.44).

A *topic* is one piece of information people asked for. Applications pre-filled from a catalogue
entry (the apply link of a record page carries its 索引号) belong to that entry's topic; the other
requests — applications and consultations, read from the apps above through the `demand_requests`
hook — join the first topic whose neighbouring-character pairs (the search index's bigrams) they
share enough of (Jaccard ≥ settings.DEMAND_SIMILARITY), greedily in date order. Searches that found
nothing join a topic that holds most of their pairs. A topic asked (applied for or consulted on)
settings.DEMAND_TOPIC_THRESHOLD times or more is a candidate for proactive disclosure (R.44).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from disclosure import search
from disclosure.demand_models import HintCounter, SearchMiss
from disclosure.models import CatalogueEntry
from disclosure.selectors import catalogue_listed
from portal.hooks import hooks

HINT_LIMIT = 5
SEARCH_CONTAINMENT = 0.6  # the share of a missed query's pairs a topic must hold to claim it


# --- Hints while applying ----------------------------------------------------------------------


def hint_entries(text: str, *, limit: int = HINT_LIMIT) -> list[CatalogueEntry]:
    """Up to `limit` listed catalogue entries (published, current, never a draft, a withheld or a
    revoked record: `catalogue_listed`) whose titles share the most of the words typed, newest first
    among equals."""
    terms = search.hint_terms(text or "")
    if not terms:
        return []
    rows = search.loose_matches(terms, catalogue_listed())
    # One shared pair is chance (“工业”); two say the title is about the same thing. Titles that
    # hold as many come newest first (as the search ranks): the answer just brought into proactive
    # disclosure (R.44) before the catalogue line of the same information.
    need = 1 if len(terms) <= 2 else 2
    scored = sorted(((search.head_hits(head, terms), key or 0, pk) for pk, head, key in rows), reverse=True)
    best = [pk for hits, _key, pk in scored if hits >= need][:limit]
    found = CatalogueEntry.objects.select_related("office").in_bulk(best)
    return [found[pk] for pk in best if pk in found]


# --- Demand topics -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemandRequest:
    """One request for information, as the `demand_requests` hook gives it (no applicant data)."""

    kind: str  # APPLICATION or CONSULTATION
    pk: int
    code: str  # its tracking code
    title: str  # what was asked, in short
    text: str  # what was asked, in full (for the similarity)
    on: dt.date
    url: str  # its page in the back office
    index_number: str = ""  # the catalogue entry it was pre-filled from, if any


APPLICATION, CONSULTATION = "application", "consultation"
KIND_LABELS = {APPLICATION: _("申请"), CONSULTATION: _("咨询")}


def pairs_of(text: str) -> frozenset[str]:
    """The neighbouring-character pairs and Latin/digit words of a text, boilerplate left out."""
    terms = set()
    for chinese, latin in search._pieces(text or ""):
        if latin:
            if len(latin) > 1:
                terms.add(latin)
        else:
            terms.update(p for p in search._bigrams(chinese) if p not in search.HINT_STOP_PAIRS)
    return frozenset(terms)


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


@dataclass
class Topic:
    name: str
    seed: frozenset[str]
    entry: CatalogueEntry | None = None
    requests: list[DemandRequest] = field(default_factory=list)
    searches: list[tuple[str, int]] = field(default_factory=list)  # (query, count)
    flagged: bool = False

    @property
    def applications(self) -> int:
        return sum(r.kind == APPLICATION for r in self.requests)

    @property
    def consultations(self) -> int:
        return sum(r.kind == CONSULTATION for r in self.requests)

    @property
    def searched(self) -> int:
        return sum(count for _query, count in self.searches)

    @property
    def asked(self) -> int:
        """Applications and consultations: people who asked the agency (R.44 speaks of applicants)."""
        return len(self.requests)


@dataclass
class Demand:
    start: dt.date
    end: dt.date
    threshold: int
    topics: list[Topic]  # asked more than once, or searched for too; most asked first
    single: int  # requests like no other in the period
    misses: list[tuple[str, int]]  # searches that found nothing and belong to no topic, by count
    hints: dict  # the hint counters of the period: shown, followed, submitted_after_following, avoided

    @property
    def flagged(self) -> list[Topic]:
        return [t for t in self.topics if t.flagged]


def demand_requests(*, start: dt.date, end: dt.date) -> list[DemandRequest]:
    """Every application and consultation received in the period, oldest first, from the apps above."""
    found = [r for provider in hooks("demand_requests") for r in provider(start=start, end=end)]
    return sorted(found, key=lambda r: (r.on, r.kind, r.pk))


def search_misses(*, start: dt.date, end: dt.date) -> list[tuple[str, int]]:
    """Searches that found nothing in the period, by query, most frequent first."""
    rows = (SearchMiss.objects.filter(day__range=(start, end)).values("query").annotate(n=Sum("count"))
            .order_by("-n", "query"))
    return [(row["query"], row["n"]) for row in rows]


def hint_figures(*, start: dt.date, end: dt.date) -> dict:
    totals = HintCounter.objects.filter(day__range=(start, end)).aggregate(
        shown=Sum("shown"), followed=Sum("followed"), submitted_after_following=Sum("submitted_after_following"))
    totals = {name: value or 0 for name, value in totals.items()}
    totals["avoided"] = max(0, totals["followed"] - totals["submitted_after_following"])
    return totals


def demand_topics(*, start: dt.date, end: dt.date, threshold: int | None = None,
                  similarity: float | None = None) -> Demand:
    threshold = threshold or settings.DEMAND_TOPIC_THRESHOLD
    similarity = settings.DEMAND_SIMILARITY if similarity is None else similarity
    requests = demand_requests(start=start, end=end)
    numbers = {r.index_number.strip() for r in requests if r.index_number.strip()}
    entries = {e.index_number: e for e in CatalogueEntry.objects.filter(index_number__in=numbers)}
    topics: list[Topic] = []
    by_entry: dict[int, Topic] = {}
    pending = []
    for request in requests:  # first the catalogue entries the requests came from
        entry = entries.get(request.index_number.strip())
        if entry is None:
            pending.append(request)
            continue
        if entry.pk not in by_entry:
            by_entry[entry.pk] = Topic(name=entry.title, seed=pairs_of(f"{entry.title} {request.text}"), entry=entry)
            topics.append(by_entry[entry.pk])
        by_entry[entry.pk].requests.append(request)
    for request in pending:  # then the rest, by likeness
        pairs = pairs_of(request.text)
        best = max(topics, key=lambda t: jaccard(pairs, t.seed), default=None)
        if best is not None and jaccard(pairs, best.seed) >= similarity:
            best.requests.append(request)
        else:
            topics.append(Topic(name=request.title, seed=pairs, requests=[request]))
    misses = []
    for query, count in search_misses(start=start, end=end):
        pairs = pairs_of(query)
        share = max(((len(pairs & t.seed) / len(pairs), t) for t in topics), default=(0, None),
                    key=lambda found: found[0]) if len(pairs) > 1 else (0, None)
        if share[1] is not None and share[0] >= SEARCH_CONTAINMENT:
            share[1].searches.append((query, count))
        else:
            misses.append((query, count))
    for topic in topics:
        topic.flagged = topic.asked >= threshold
    shown = [t for t in topics if t.asked > 1 or t.searches]
    shown.sort(key=lambda t: (-t.asked, -t.searched, t.name))
    return Demand(start=start, end=end, threshold=threshold, topics=shown, single=len(topics) - len(shown),
                  misses=misses, hints=hint_figures(start=start, end=end))

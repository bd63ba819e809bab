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
from django.core.paginator import Page, Paginator
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from disclosure import search
from disclosure.demand_models import DemandSummary, DemandSummaryCase, DemandSummaryTopic, HintCounter, SearchMiss
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


def containment(a: frozenset, b: frozenset) -> float:
    """The share of `a` (a missed query's pairs) that `b` (a topic's seed) holds."""
    return len(a & b) / len(a) if a else 0.0


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


class _Topics(list):
    """The topics found so far, in the order they were opened, with an index from each pair to the
    topics whose seed holds it: a request is compared only with the topics it shares a pair with
    (a topic's seed never changes), not with every topic of the year — the same choice as the
    scan of all of them, at a fraction of its cost once topics number in the thousands."""

    def __init__(self):
        super().__init__()
        self.holding: dict[str, list[int]] = {}

    def add(self, topic: Topic) -> Topic:
        for pair in topic.seed:
            self.holding.setdefault(pair, []).append(len(self))
        self.append(topic)
        return topic

    def closest(self, pairs: frozenset, score, *, everywhere: bool = False) -> Topic | None:
        """The topic with the highest `score(pairs, seed)`, the first opened among equals (as `max` over
        all of them). Topics sharing no pair with `pairs` score 0; they are looked at only with
        `everywhere` (a similarity threshold of 0 lets a request join a topic it shares nothing with)."""
        if everywhere:
            return max(self, key=lambda t: score(pairs, t.seed), default=None)
        candidates = sorted({i for pair in pairs for i in self.holding.get(pair, ())})
        if not candidates:
            return self[0] if self else None  # every topic scores 0: the first one, as `max` would
        best = max(candidates, key=lambda i: score(pairs, self[i].seed))
        return self[best] if score(pairs, self[best].seed) > 0 else self[0]


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
    topics = _Topics()
    by_entry: dict[int, Topic] = {}
    pending = []
    for request in requests:  # first the catalogue entries the requests came from
        entry = entries.get(request.index_number.strip())
        if entry is None:
            pending.append(request)
            continue
        if entry.pk not in by_entry:
            by_entry[entry.pk] = topics.add(Topic(name=entry.title, seed=pairs_of(f"{entry.title} {request.text}"),
                                                  entry=entry))
        by_entry[entry.pk].requests.append(request)
    for request in pending:  # then the rest, by likeness
        pairs = pairs_of(request.text)
        best = topics.closest(pairs, jaccard, everywhere=similarity <= 0)
        if best is not None and jaccard(pairs, best.seed) >= similarity:
            best.requests.append(request)
        else:
            topics.add(Topic(name=request.title, seed=pairs, requests=[request]))
    misses = []
    for query, count in search_misses(start=start, end=end):
        pairs = pairs_of(query)
        best = topics.closest(pairs, containment) if len(pairs) > 1 else None
        share = (containment(pairs, best.seed), best) if best is not None else (0, None)
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


# --- The stored summary (issue #22) ------------------------------------------------------------

CASES_SHOWN = 20  # cases listed under a topic on the page; the topic's own page lists them all
TOPICS_PER_PAGE = 100
CASES_PER_PAGE = 100


def demand_fingerprint(*, start: dt.date, end: dt.date) -> dict:
    """What the figures of a period are computed from, in a few counts that change when a request
    is received or confirmed (its date becomes the date of receipt, R.31), or a search finds
    nothing: each app above gives its own through the `demand_fingerprint` hook ({kind: [counts]},
    a count or two over an index each), the search misses one more query. Requests are never
    edited in place nor deleted: what was asked is fixed at intake (no edit path)."""
    found = {}
    for provider in hooks("demand_fingerprint"):
        found.update(provider(start=start, end=end))
    misses = SearchMiss.objects.filter(day__range=(start, end)).aggregate(rows=Count("pk"), total=Sum("count"))
    found["misses"] = [misses["rows"], misses["total"] or 0]
    return found


def requests_in(fingerprint: dict) -> int:
    """How many applications and consultations a fingerprint counts."""
    return sum(sum(counts) for kind, counts in fingerprint.items() if kind != "misses")


@dataclass
class StoredDemand:
    """The demand page's figures as stored for a period, one page of its topics, and how they
    compare with today's data."""

    summary: DemandSummary
    topics: list[DemandSummaryTopic]
    page: Page
    hints: dict
    current: bool  # the data has not changed since the figures were computed
    new_requests: int  # applications and consultations received since (may be 0 when others changed)
    new_misses: int  # empty searches since

    start = property(lambda self: self.summary.start)
    end = property(lambda self: self.summary.end)
    threshold = property(lambda self: self.summary.threshold)
    single = property(lambda self: self.summary.single)
    misses = property(lambda self: self.summary.misses)
    computed_at = property(lambda self: self.summary.computed_at)


def demand_summary_for(*, start: dt.date, end: dt.date) -> DemandSummary | None:
    """The stored figures of a period, if computed with today's settings (a changed threshold or
    similarity needs them computed again)."""
    return (DemandSummary.objects.filter(start=start, end=end, threshold=settings.DEMAND_TOPIC_THRESHOLD,
                                         similarity=settings.DEMAND_SIMILARITY)
            .order_by("-computed_at").first())


def stored_demand(summary: DemandSummary, *, page: int | str = 1) -> StoredDemand:
    """One page of a stored summary's topics with the first cases of each, today's hint counters
    (a few hundred daily rows, read as they are) and whether the data changed since. A fixed number
    of queries whatever the number of requests: the summary's fingerprint against today's, the page
    of topics with their catalogue entries, the hint counters."""
    paginator = Paginator(_Counted(range(summary.topic_count), summary.topic_count), TOPICS_PER_PAGE)
    page_obj = paginator.get_page(page)
    topics = list(summary.topics.filter(rank__gte=page_obj.start_index() - 1, rank__lt=page_obj.end_index())
                  .select_related("entry").order_by("rank")) if summary.topic_count else []
    first = {}
    for case in DemandSummaryCase.objects.filter(topic__in=topics, position__lt=CASES_SHOWN):
        first.setdefault(case.topic_id, []).append(case)
    for topic in topics:
        topic.first_cases = first.get(topic.pk, [])
        topic.more = topic.asked - len(topic.first_cases)
    today = demand_fingerprint(start=summary.start, end=summary.end)
    return StoredDemand(summary=summary, topics=topics, page=page_obj,
                        hints=hint_figures(start=summary.start, end=summary.end), current=today == summary.inputs,
                        new_requests=max(0, requests_in(today) - requests_in(summary.inputs)),
                        new_misses=max(0, today["misses"][1] - summary.inputs.get("misses", [0, 0])[1]))


def stored_topic_cases(topic: DemandSummaryTopic, *, page: int | str = 1) -> Page:
    """One page of a stored topic's cases, in the topic's order (one query: the topic knows how
    many it has)."""
    return Paginator(_Counted(topic.cases.order_by("position"), topic.asked), CASES_PER_PAGE).get_page(page)


class _Counted:
    """A sequence whose length is known (stored), for the Paginator, which then counts nothing."""

    def __init__(self, items, n: int):
        self.items, self.n = items, n

    def count(self) -> int:
        return self.n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, key):
        return self.items[key]

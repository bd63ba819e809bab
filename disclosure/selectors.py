"""Reads on government information.

`records_published()` and `catalogue_listed()` are the public's only doors: every public page,
feed and API starts from them. `records_for_staff()` is the back office's only door: lists,
searches, autocomplete, exports and direct URLs all start from it.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disclosure import workflow
from disclosure.models import CatalogueCategory, CatalogueEntry, Record, RecordState, WorkflowEvent
from portal.models import AGENCY_ROLES
from portal.selectors import office_ids_for, roles_of, visible_office_ids
from portal.workdays import workdays_left_many
from portal.worklist import WorkItem

S = RecordState
PUBLIC_STATES = (S.PUBLISHED, S.REGISTERED)


def records_published() -> QuerySet[Record]:
    """Published, in force or not, not revoked, publication time reached."""
    return Record.objects.filter(state__in=PUBLIC_STATES, published_at__lte=timezone.now())


def records_public_pages() -> QuerySet[Record]:
    """What has a public page: the published, and revoked ones (their page says so)."""
    return Record.objects.filter(state__in=(*PUBLIC_STATES, S.REVOKED), published_at__lte=timezone.now())


def catalogue_listed() -> QuerySet[CatalogueEntry]:
    """The public catalogue: current versions of published, unrevoked records.

    An entry is written only when its record is published, unlisted in the same transaction that
    revokes the record, and given `listed_until` when a new version replaces it (services.py), so
    the entry alone decides; no join to the record is needed, which keeps the catalogue fast at
    any size (a test checks the invariant).
    """
    now = timezone.now()
    return CatalogueEntry.objects.filter(
        Q(listed_until__isnull=True) | Q(listed_until__gt=now), is_listed=True, published_at__lte=now
    ).select_related("office", "category")


def categories_with_counts(categories: QuerySet[CatalogueCategory]) -> list[CatalogueCategory]:
    """Categories with `.count` = their listed entries (one grouped index scan, not a join)."""
    counts = dict(catalogue_listed().order_by().values_list("category_id").annotate(n=Count("id")))
    result = list(categories.order_by("sort_order"))
    for category in result:
        category.count = counts.get(category.pk, 0)
    return result


def next_scheduled_publication():
    """When the next scheduled entry (or the end of a replaced one's listing) takes effect.

    Public pages are cached until the content changes (portal/pagecache.py); a scheduled change
    happens without any write, so its moment is part of the cache key. One index lookup each."""
    now = timezone.now()
    listed = CatalogueEntry.objects.filter(is_listed=True)
    moments = [
        listed.filter(published_at__gt=now).order_by("published_at").values_list("published_at", flat=True).first(),
        listed.filter(listed_until__gt=now).order_by("listed_until").values_list("listed_until", flat=True).first(),
    ]
    moments = [m for m in moments if m]
    return min(moments) if moments else None


def catalogue_years() -> list[int]:
    """The years that have listed entries, newest first (two index lookups, not a scan).

    Listed entries only, without the time conditions: a scheduled entry may add its year a
    little early, but both ends are then read straight from the partial index."""
    listed = CatalogueEntry.objects.filter(is_listed=True).values_list("published_at", flat=True)
    first, last = listed.order_by("published_at").first(), listed.order_by("-published_at").first()
    if not first:
        return []
    first, last = timezone.localtime(first).year, timezone.localtime(last).year
    return list(range(last, first - 1, -1))


def search_entries(query: str, entries: QuerySet[CatalogueEntry] | None = None):
    """Listed catalogue entries matching a Chinese full-text query, newest first. `entries` may
    narrow `catalogue_listed()` further by the entry's own columns (category, office, year)."""
    from disclosure import search

    return search.search_entries(query, catalogue_listed() if entries is None else entries)


def records_for_staff(user) -> QuerySet[Record]:
    """Records a staff member may see: their offices' (drafter, division head), the offices they
    supervise (leader), or all (agency-wide roles, IT superusers)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Record.objects.none()
    offices = visible_office_ids(user)
    if offices is None:
        return Record.objects.all()
    return Record.objects.filter(office_id__in=offices)


def _awaiting_filter(user) -> Q | None:
    """The records waiting for this person: the step's role and, for office roles, the office."""
    roles = roles_of(user)
    condition = None
    for state, (step_roles, _permission) in workflow.STEPS.items():
        for role in step_roles:
            if role not in roles:
                continue
            q = Q(state=state)
            if state == S.PUBLISHED:
                q &= Q(published_at__lte=timezone.now())
            if role not in AGENCY_ROLES:
                q &= Q(office_id__in=office_ids_for(user, role))
            condition = q if condition is None else condition | q
    return condition


def records_awaiting(user) -> QuerySet[Record]:
    condition = _awaiting_filter(user)
    if condition is None:
        return Record.objects.none()
    return Record.objects.filter(condition).select_related("office").order_by("due_date", "created_at")


def worklist(user, today: date | None = None) -> list[WorkItem]:
    """The work list that opens the back office: oldest and most urgent first (M.11 clock)."""
    today = today or timezone.localdate()
    records = list(records_awaiting(user)[:200])
    left = workdays_left_many([r.due_date for r in records if r.state != S.PUBLISHED], today)
    returned = dict(
        WorkflowEvent.objects.filter(record__in=[r for r in records if r.state == S.DRAFT], action="return_to_draft")
        .order_by("record_id", "at")
        .values_list("record_id", "comment")
    )
    items = []
    for record in records:
        clock_runs = record.state != S.PUBLISHED  # once published, the M.11 clock has stopped
        due = record.due_date if clock_runs else None
        items.append(
            WorkItem(
                title=record.title,
                kind=str(_("政府信息")),
                office=record.office.name,
                step=record.get_state_display(),
                due_date=due,
                days_left=left.get(due) if due else None,
                overdue=bool(due and due < today),
                provisional=bool(due and record.due_date_provisional),
                note=(_("退回意见：") + returned[record.pk]) if record.pk in returned else "",
                url=reverse("admin:disclosure_record_change", args=[record.pk]),
            )
        )
    items.sort(key=lambda i: (not i.overdue, i.due_date or date.max))
    return items


def record_versions(record: Record) -> list[Record]:
    """All versions of the information this record belongs to, oldest first."""
    first = record
    while first.previous_version_id:
        first = first.previous_version
    chain, frontier = [first], [first]
    while frontier:
        children = list(Record.objects.filter(previous_version__in=frontier).order_by("pk"))
        chain.extend(children)
        frontier = children
    return chain


def current_version(record: Record) -> Record:
    """The version in effect for the public: follow `superseded_by` while the next version has
    taken effect (a scheduled new version does not count until its time)."""
    current, seen = record, set()
    while current.superseded_by_id and current.pk not in seen:
        seen.add(current.pk)
        following = current.superseded_by
        if not following.is_public:
            break
        current = following
    return current

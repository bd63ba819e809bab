"""Reads on government information.

`records_published()` and `catalogue_listed()` are the public's only doors: every public page,
feed and API starts from them. `records_for_staff()` is the back office's only door: lists,
searches, autocomplete, exports and direct URLs all start from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disclosure import workflow
from disclosure.models import (
    Attachment,
    CatalogueCategory,
    CatalogueEntry,
    ChangeRequest,
    ChangeRequestStatus,
    Record,
    RecordState,
    StatutoryItem,
    WorkflowEvent,
)
from portal.models import AGENCY_ROLES, Office, Role
from portal.selectors import has_role, office_ids_for, roles_of, visible_office_ids
from portal.workdays import Calendar, workdays_left_many
from portal.worklist import WorkItem

S = RecordState
PUBLIC_STATES = (S.PUBLISHED, S.REGISTERED)


def records_published(*, published_until: dt.datetime | None = None) -> QuerySet[Record]:
    """Published, in force or not, not revoked, publication time reached.

    A revocation covers every earlier version of the information too (services._end_of_life
    revokes them in the same transaction), so the state alone decides here as well.

    `published_until` narrows it to records published by then, in the one bound on the
    publication time (as `catalogue_listed`'s: the API's page after a cursor deep in the list)."""
    now = timezone.now()
    return Record.objects.filter(state__in=PUBLIC_STATES,
                                 published_at__lte=now if published_until is None else min(now, published_until))


def published_through(relation: str, *, revoked: bool = False) -> Q:
    """`records_published()` (or `records_public_pages()` with `revoked`) as a condition on a
    related record, joined rather than in a subquery: `published_through("record")`."""
    states = (*PUBLIC_STATES, S.REVOKED) if revoked else PUBLIC_STATES
    return Q(**{f"{relation}__state__in": states, f"{relation}__published_at__lte": timezone.now()})


def records_public_pages(*, now: dt.datetime | None = None) -> QuerySet[Record]:
    """What has a public page: the published, and revoked ones (their page says so)."""
    return Record.objects.filter(state__in=(*PUBLIC_STATES, S.REVOKED),
                                 published_at__lte=timezone.now() if now is None else now)


# `record_public_page`'s query compiled with these in place of the id and the time.
_PAGE_ID, _PAGE_TIME = -7_654_321, dt.datetime(1901, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
_record_page_sql: dict[tuple[str, str], tuple[str, list]] = {}


def record_public_page(pk: int, *, offices: Iterable[Office] = (),
                       categories: Iterable[CatalogueCategory] = ()) -> Record | None:
    """The record of a public page (`records_public_pages`), with its office and category, or None.

    Its SQL is the ORM's, compiled once per process and database with stand-ins for the id and the
    time, then run with this page's: compiling the query cost 1.1 ms of a record page's 5 ms of CPU,
    running it 0.2 ms (issue #22). The office and category come from `offices` and `categories`
    when among them (`filter_choices`), as the lists' do."""
    if not -(2**63) <= pk < 2**63:  # no such id (the ORM's lookup says so too, rather than overflow)
        return None
    key = (connection.alias, connection.vendor)
    if (compiled := _record_page_sql.get(key)) is None:
        compiled = _record_page_sql[key] = records_public_pages(now=_PAGE_TIME).filter(pk=_PAGE_ID).query.sql_with_params()
    sql, params = compiled
    time_param = connection.ops.adapt_datetimefield_value(_PAGE_TIME)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    found = list(Record.objects.raw(sql, [pk if p == _PAGE_ID else now if p == time_param else p for p in params]))
    return with_offices_and_categories(found, offices=offices, categories=categories)[0] if found else None


def catalogue_listed(*, published_until: dt.datetime | None = None) -> QuerySet[CatalogueEntry]:
    """The public catalogue: current versions of published, unrevoked records.

    An entry is written only when its record is published, unlisted in the same transaction that
    revokes the record, and given `listed_until` when a new version replaces it (services.py), so
    the entry alone decides; no join to the record is needed, which keeps the catalogue fast at
    any size (a test checks the invariant).

    `published_until` narrows it to entries published by then, in the one bound on the
    publication time (a list page deep in the catalogue starts its index walk there: SQLite uses
    only one of two upper bounds on a column, and would walk from now).
    """
    now = timezone.now()
    until = now if published_until is None else min(now, published_until)
    return CatalogueEntry.objects.filter(
        Q(listed_until__isnull=True) | Q(listed_until__gt=now), is_listed=True, published_at__lte=until
    ).select_related("office", "category")


class FilterChoices(NamedTuple):
    categories: list[CatalogueCategory]
    offices: list[Office]
    # A digest of every column of both lists: the filter fields' {% memo %} key. Not the content
    # version alone, whose number comes back when a transaction that raised it is rolled back.
    key: str


def filter_choices() -> FilterChoices:
    """The active categories, in their order, and the active offices: what the catalogue's and the
    search's filters offer. Read once per public content version (`per_version`), which saving an
    office or a category renews (portal.signals.public_content_saved): two queries and 31 rows
    were a seventh of a catalogue page's time (issue #22)."""
    from portal.pagecache import per_version, rows_digest

    def read() -> FilterChoices:
        categories = list(CatalogueCategory.objects.filter(is_active=True).order_by("sort_order"))
        offices = list(Office.objects.filter(is_active=True))
        return FilterChoices(categories, offices, rows_digest([*categories, *offices]))

    # A new name for the new shape: a cache that outlives a deployment still holds the old pairs.
    return per_version("filter-choices-and-key", read)


def with_offices_and_categories(entries: list[CatalogueEntry], *, offices: Iterable[Office] = (),
                                categories: Iterable[CatalogueCategory] = ()) -> list[CatalogueEntry]:
    """Give a page of entries (or a record: anything with `office_id` and `category_id`) their office
    and category from two lookups by id, rather than joins that can lead a planner to read the
    catalogue by category instead of in its order.

    `offices` and `categories` the page has read already (the catalogue's filter form lists the
    active ones) are used as they are: only the others are looked up, often none (issue #22)."""
    offices = {office.pk: office for office in offices}
    categories = {category.pk: category for category in categories}
    offices |= Office.objects.in_bulk({e.office_id for e in entries} - offices.keys())
    categories |= CatalogueCategory.objects.in_bulk({e.category_id for e in entries} - categories.keys())
    for entry in entries:
        entry.office, entry.category = offices[entry.office_id], categories[entry.category_id]
    return entries


def _category_tree() -> dict[int | None, list[int]]:
    """Every category's children's ids, by parent id (one small query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in CatalogueCategory.objects.order_by().values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    return children


def _subtree(children: dict[int | None, list[int]], root: int) -> list[int]:
    """`root` and all its descendants, however deep (a cycle entered in the admin ends the walk)."""
    found, frontier = [root], [root]
    seen = {root}
    while frontier:
        frontier = [c for pk in frontier for c in children.get(pk, ()) if c not in seen]
        seen.update(frontier)
        found.extend(frontier)
    return found


def category_subtree_ids(category: CatalogueCategory) -> list[int]:
    """The category and all its sub-categories: what a category's page, feed and count include."""
    return _subtree(_category_tree(), category.pk)


def listed_counts_by_category() -> dict[int, int]:
    """Listed catalogue entries per category (its own, not its sub-categories').

    A grouped scan of every listed entry, so it is computed once per public content version
    (portal/pagecache.py: every publication, replacement or revocation bumps it, and the next
    scheduled publication is part of it) and kept in the cache: pages that show the counts
    (home, statutory content) cost one cache read however large the catalogue, also when the
    page itself is not served from the page cache (a new query string, a signed-in editor)."""
    from django.core.cache import cache

    from portal.pagecache import public_version

    key = f"catalogue-counts:{public_version()}"
    counts = cache.get(key)
    if counts is None:
        counts = dict(catalogue_listed().order_by().values_list("category_id").annotate(n=Count("id")))
        cache.set(key, counts, COUNTS_CACHE_SECONDS)
    return counts


# Counts are keyed by the content version, so they are never stale; the time only frees memory.
COUNTS_CACHE_SECONDS = 24 * 3600


def categories_with_counts(categories: QuerySet[CatalogueCategory]) -> list[CatalogueCategory]:
    """Categories with `.count` = the listed entries of the category and all its sub-categories,
    as its link shows them (the per-category counts of this content version, and the small
    category tree)."""
    counts = listed_counts_by_category()
    children = _category_tree()
    result = list(categories.order_by("sort_order"))
    for category in result:
        category.count = sum(counts.get(pk, 0) for pk in _subtree(children, category.pk))
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
    """The years from the first to the latest listed entry, newest first (two index lookups, not
    a scan, once per public content version). The catalogue's own conditions apply, so a
    scheduled entry's year appears only once it is published; both ends are read from the
    partial index, which holds every column the conditions name."""
    from django.core.cache import cache

    from portal.pagecache import public_version

    key = f"catalogue-years:{public_version()}"  # the catalogue's filter form shows them on every render
    if (years := cache.get(key)) is not None:
        return years
    listed = catalogue_listed().values_list("published_at", flat=True)
    first, last = listed.order_by("published_at").first(), listed.order_by("-published_at").first()
    years = []
    if first:
        first, last = timezone.localtime(first).year, timezone.localtime(last).year
        years = list(range(last, first - 1, -1))
    cache.set(key, years, COUNTS_CACHE_SECONDS)
    return years


def search_entries(query: str, entries: QuerySet[CatalogueEntry] | None = None, *, by_date: bool = False,
                   offices: Iterable[Office] = (), categories: Iterable[CatalogueCategory] = ()):
    """Listed catalogue entries matching a Chinese full-text query, most relevant first (newest
    first with `by_date`). `entries` may narrow `catalogue_listed()` further by the entry's own
    columns (category, office, year).

    The page's entries get their office and category as the catalogue's do (`offices` and
    `categories` the page has read already), and of their record only what a result shows: the
    文号 and the body its excerpt is cut from. Joined in, the records' 37 columns and the offices'
    and categories' rows made 80 objects per page (7 of a search's 38 ms, issue #22)."""
    from disclosure import search

    def page_rows(ids: list[int]) -> list[CatalogueEntry]:
        found = CatalogueEntry.objects.in_bulk(ids)
        rows = with_offices_and_categories([found[i] for i in ids if i in found], offices=offices,
                                           categories=categories)
        records = Record.objects.only("document_number", "body").in_bulk([entry.record_id for entry in rows])
        for entry in rows:
            entry.record = records[entry.record_id]
        return rows

    return search.search_entries(query, catalogue_listed() if entries is None else entries, by_date=by_date,
                                 page_rows=page_rows)


def may_see_demand(user) -> bool:
    """Whether `user` may see the demand page (issue #18): the disclosure office, which proposes
    proactive disclosure of what is asked often (R.44, M.3), and IT superusers; active staff only."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_staff):
        return False
    return user.is_superuser or has_role(user, Role.DISCLOSURE_OFFICE)


def records_for_staff(user) -> QuerySet[Record]:
    """Records a staff member may see: their offices' (drafter, division head), the offices they
    supervise (leader), or all (agency-wide roles, IT superusers)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Record.objects.none()
    offices = visible_office_ids(user)
    if offices is None:
        return Record.objects.all()
    return Record.objects.filter(office_id__in=offices)


def in_staff_scope(queryset: QuerySet, user, *, record_path: str = "record") -> QuerySet:
    """`queryset` (change requests, catalogue entries, events, register lines) narrowed to the
    rows whose record the person may see, as `records_for_staff` decides, by the record's
    office: for those who see every record nothing is added (a `record IN (every record)`
    subquery would make each back-office list read the whole record table)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    offices = visible_office_ids(user)
    return queryset if offices is None else queryset.filter(**{f"{record_path}__office_id__in": offices})


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
    # An interpretation drafted with its policy (issue #19) is handled on the policy, at the same
    # step: it is not a separate item of the work list.
    from disclosure.interpretation_models import Interpretation

    with_its_policy = Interpretation.objects.filter(interpretation=OuterRef("pk"), with_policy=True,
                                                    policy__state=OuterRef("state"))
    return (Record.objects.filter(condition).exclude(Exists(with_its_policy)).select_related("office")
            .order_by("due_date", "created_at"))


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


# A change reported under M.14 is to be public within the period of M.11 (变更之日起20个工作日).
CHANGE_REQUEST_WORKING_DAYS = 20


def change_request_worklist(user, today: date | None = None) -> list[WorkItem]:
    """The disclosure office's part of M.14: offices' pending requests to change, revoke or
    terminate published information, oldest first."""
    if not (has_role(user, Role.DISCLOSURE_OFFICE) and user.has_perm("disclosure.revoke_record")):
        return []
    today = today or timezone.localdate()
    requests = list(ChangeRequest.objects.filter(status=ChangeRequestStatus.PENDING)
                    .select_related("record__office").order_by("requested_at")[:200])
    if not requests:
        return []
    days = [timezone.localtime(r.requested_at).date() for r in requests]
    calendar = Calendar.for_window(min([*days, today]), max([*days, today]) + timedelta(days=60))
    items = []
    for change, day in zip(requests, days, strict=True):
        due = calendar.add(day, CHANGE_REQUEST_WORKING_DAYS)
        items.append(WorkItem(
            title=change.record.title,
            kind=str(_("处室报请（实施办法第十四条）")),
            office=change.record.office.name,
            step=str(_("报请%(kind)s") % {"kind": change.get_kind_display()}),
            due_date=due.date,
            days_left=calendar.between(today, due.date),
            overdue=due.date < today,
            provisional=due.provisional,
            note=str(_("理由：")) + change.reason,
            url=reverse("admin:disclosure_record_transition", args=[change.record_id, "handle_change_request"]),
        ))
    return items


def pending_change_request(record: Record) -> ChangeRequest | None:
    return (ChangeRequest.objects.filter(record=record, status=ChangeRequestStatus.PENDING)
            .select_related("requested_by").first())


def statutory_items() -> list[StatutoryItem]:
    """The items of R.20 in use, each with `.category_list` (active categories, with `.count`
    of listed entries of the category and its sub-categories) and `.count` (entries under any
    of them, each counted once): the statutory-content page."""
    items = list(StatutoryItem.objects.filter(is_active=True).prefetch_related("categories").order_by("sort_order", "pk"))
    counts = listed_counts_by_category()
    children = _category_tree()
    for item in items:
        item.category_list = [c for c in item.categories.all() if c.is_active]
        covered: set[int] = set()
        for category in item.category_list:
            subtree = _subtree(children, category.pk)
            category.count = sum(counts.get(pk, 0) for pk in subtree)
            covered.update(subtree)
        item.count = sum(counts.get(pk, 0) for pk in covered)
    return items


def importance_decided_by_review(record: Record) -> bool:
    """Whether the disclosure office's confidentiality review (M.12(2)) last found this
    information important: on this version or, before its own review, on the version it amends.
    The drafter may then not lower it (services.record_save_draft)."""
    current, seen = record, set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        decision = (
            WorkflowEvent.objects.filter(record_id=current.pk, action="approve_confidentiality")
            .order_by("-at", "-pk").values_list("checklist", "to_state").first()
        )
        if decision is not None:
            checklist, to_state = decision
            # Events from before the decision was recorded: sent to the leader = found important.
            return bool(checklist.get("is_important", to_state == S.LEADER_SIGNOFF))
        current = current.previous_version if current.previous_version_id else None
    return False


def division_checklist(record: Record) -> dict:
    """What the division head answered in the confidentiality check now under the unified review
    (M.12(1)-(2)): their three confirmations and, where used, the right holder's consent or the
    proposal that the public interest requires disclosure (M.6 para. 2, R.15), which the review
    decides on. Empty outside the review."""
    if record.state != S.CONFIDENTIALITY_REVIEW:
        return {}
    checklist = (WorkflowEvent.objects.filter(record=record, action="approve_division")
                 .order_by("-at", "-pk").values_list("checklist", flat=True).first())
    return checklist or {}


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


def _version_chain_sql() -> str:
    """The ids of every version linked to one record (previous versions and later ones, all
    branches), in one recursive query whatever the number of versions.

    Two walks, each joined on one indexed column: up the `previous_version` links to the first
    version (the primary key), then down from every version found to all later ones (the
    foreign key's index). A single walk joined on "previous = c.id OR id = c.previous" can use
    neither index and scans the table at every step."""
    table = Record._meta.db_table
    return (
        f"WITH RECURSIVE up(id, previous_id) AS ("
        f"SELECT id, previous_version_id FROM {table} WHERE id = %s "
        f"UNION SELECT r.id, r.previous_version_id FROM {table} r JOIN up ON r.id = up.previous_id"
        f"), down(id) AS ("
        f"SELECT id FROM up "
        f"UNION SELECT r.id FROM {table} r JOIN down ON r.previous_version_id = down.id"
        f") SELECT id FROM down"
    )


def _version_chains(record_ids) -> set[int]:
    """Every version of the information of each record (as `_version_chain_sql`, for many)."""
    ids = sorted({int(pk) for pk in record_ids})
    if not ids:
        return set()
    marks = ", ".join(["%s"] * len(ids))
    sql = _version_chain_sql().replace("WHERE id = %s", f"WHERE id IN ({marks})")
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return {row[0] for row in cursor.fetchall()} | set(ids)


def record_pages_showing(record_ids) -> list[str]:
    """The page stamps (portal/pagecache.py) of the record pages that show any of these records,
    for a change to them (issue #22: a publication renews these pages, not every stored page):

    - the records themselves, and every version of their information (the notice that a newer
      version is in effect, the version links);
    - the other ends of their 政策解读 links and every version of those (a policy's page lists
      the interpretations of all its versions; an interpretation's page, its policies' versions
      in effect);
    - the repealed documents any of those versions replaced ("已被……替代" names the version in effect);
    - the other records of their calls for comments (the draft, the adoption report, the final
      document link each other)."""
    from disclosure.comment_models import CommentPeriod
    from disclosure.interpretation_models import Interpretation

    chain = _version_chains(record_ids)
    links = Interpretation.objects.filter(Q(policy_id__in=chain) | Q(interpretation_id__in=chain))
    ends = {pk for pair in links.values_list("policy_id", "interpretation_id") for pk in pair}
    shown = chain | _version_chains(ends - chain)
    shown |= set(Record.objects.filter(replaced_by_id__in=shown).values_list("pk", flat=True))
    periods = CommentPeriod.objects.filter(Q(record_id__in=chain) | Q(adoption_report_id__in=chain)
                                           | Q(final_record_id__in=chain))
    shown |= {pk for row in periods.values_list("record_id", "adoption_report_id", "final_record_id") for pk in row if pk}
    return [f"record:{pk}" for pk in sorted(shown)]


def record_public_version(record: Record, *, later_version: bool | None = None) -> Record | None:
    """The version of this information the public should read instead: the latest published
    version of its chain (in effect now, not revoked), when that is another record.

    For a replaced version that is the newest one; for a revoked amendment, the version it was
    to replace; for the latest version, or one whose successor is only scheduled, None.

    Most information has one version: a record without a previous version and without any
    later one (one lookup in the foreign key's index, or `later_version` when the caller has
    looked already: `record_page_relations`) is its own chain. Otherwise one query."""
    from django.db.models.expressions import RawSQL

    if later_version is None and not record.previous_version_id:
        later_version = Record.objects.filter(previous_version_id=record.pk).exists()
    if not record.previous_version_id and not later_version:
        return None
    latest = (
        records_published()
        .filter(pk__in=RawSQL(_version_chain_sql(), [record.pk]))
        .only("pk", "title", "published_at")
        .order_by("-published_at", "-pk")
        .first()
    )
    return latest if latest is not None and latest.pk != record.pk else None


def records_public_links(records) -> None:
    """Set `public_previous_version_id` and `public_superseded_by_id` on each record: the linked
    version's id when that version is itself published, else None (so no id of a scheduled,
    unpublished or revoked record leaves through the API). One query for a whole page, none
    when no record on it has a linked version; not a subquery per row."""
    linked = {pk for r in records for pk in (r.previous_version_id, r.superseded_by_id) if pk}
    public = set(records_published().filter(pk__in=linked).values_list("pk", flat=True)) if linked else set()
    for record in records:
        record.public_previous_version_id = record.previous_version_id if record.previous_version_id in public else None
        record.public_superseded_by_id = record.superseded_by_id if record.superseded_by_id in public else None


def record_replacement(record: Record) -> Record | None:
    """The published document that replaced a repealed one (M.14), in the version in effect."""
    if not record.replaced_by_id:
        return None
    replacement = records_published().filter(pk=record.replaced_by_id).first()
    return current_version(replacement) if replacement is not None else None


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


# --- 政策解读 (issue #19) -------------------------------------------------------------------


def _earlier_version_ids(record: Record) -> list[int]:
    ids, previous_id = [], record.previous_version_id
    while previous_id and previous_id not in ids:
        ids.append(previous_id)
        previous_id = Record.objects.filter(pk=previous_id).values_list("previous_version_id", flat=True).first()
    return ids


def policy_has_interpretation(record: Record) -> bool:
    """Whether a policy goes out interpreted: with interpretations drafted with it (they move
    with it), or — for a new version — with the published interpretation of an earlier one."""
    from disclosure.interpretation_models import Interpretation

    earlier = _earlier_version_ids(record)
    return Interpretation.objects.filter(
        Q(policy=record, with_policy=True)
        | Q(policy_id__in=earlier, interpretation__state__in=PUBLIC_STATES)
    ).exclude(interpretation__state=S.WITHHELD).exists()


def interpretations_drafted_with(record: Record) -> QuerySet[Record]:
    """For the back office: the interpretations that move through the chain with this policy."""
    return Record.objects.filter(interprets_links__policy=record, interprets_links__with_policy=True).order_by("pk")


def policy_of_companion(record: Record) -> Record | None:
    """For the back office: the policy this interpretation was drafted with, if any."""
    return Record.objects.filter(interpretation_links__interpretation=record,
                                 interpretation_links__with_policy=True).first()


def interpreted_policies_for_staff(record: Record) -> QuerySet[Record]:
    return Record.objects.filter(interpretation_links__interpretation=record).order_by("pk")


def public_interpretations(record: Record) -> list[Record]:
    """The published interpretations of this policy, of any of its versions, in their versions
    in effect, oldest first: the "政策解读" links at the top of its page."""
    from django.db.models.expressions import RawSQL

    linked = (records_published().filter(interprets_links__policy_id__in=RawSQL(_version_chain_sql(), [record.pk]))
              .distinct())
    public_successor = records_published().filter(pk=OuterRef("superseded_by_id"))
    return list(linked.exclude(Exists(public_successor)).order_by("published_at", "pk"))


def public_policies(record: Record) -> list[Record]:
    """The policies this interpretation explains (原文), as the public may see them: published,
    or revoked (their page says so); each with `current` — the version in effect when the one
    interpreted has been replaced."""
    policies = list(records_public_pages().filter(interpretation_links__interpretation=record).distinct()
                    .order_by("published_at", "pk"))
    for policy in policies:
        policy.current = record_public_version(policy) if policy.superseded_by_id else None
    return policies


class RecordPageRelations(NamedTuple):
    linked: bool  # the page must look up 政策解读 links
    in_comment_period: bool  # a call for comments names the record
    attachments: bool  # the record has attachments
    later_version: bool  # a record names it as its previous version (False when it has a previous one)


def record_page_relations(record: Record) -> RecordPageRelations:
    """What a record's page must look up beyond the record: index probes in one plain SQL
    query, so that the page of most information — one version, no 政策解读 link, no call for
    comments, no attachment — skips the joined lookups (about half of its rendering time, issue
    #22), the version walk (`record_public_version(record, later_version=...)`) and the query
    for attachments (an ORM query costs ten times its probe). Information with several versions
    always looks its links up (a policy's page lists the interpretations of all its versions)."""
    from disclosure.comment_models import CommentPeriod
    from disclosure.interpretation_models import Interpretation

    several_versions = bool(record.previous_version_id or record.superseded_by_id)
    probes = {"in_comment_period": (CommentPeriod, ("record_id", "adoption_report_id", "final_record_id")),
              "attachments": (Attachment, ("record_id",))}
    if not several_versions:
        probes["linked"] = (Interpretation, ("policy_id", "interpretation_id"))
    if not record.previous_version_id:
        probes["later_version"] = (Record, ("previous_version_id",))
    quote = connection.ops.quote_name
    exists = [
        f"EXISTS(SELECT 1 FROM {quote(model._meta.db_table)} WHERE "
        + " OR ".join(f"{quote(column)} = %s" for column in columns) + ")"
        for model, columns in probes.values()
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(exists)}", [record.pk for _model, columns in probes.values() for _ in columns])
        found = dict(zip(probes, (bool(value) for value in cursor.fetchone()), strict=True))
    return RecordPageRelations(linked=found.get("linked", True), in_comment_period=found["in_comment_period"],
                               attachments=found["attachments"], later_version=found.get("later_version", False))


def public_interpretation_ends(record: Record) -> tuple[list[Record], list[Record]]:
    """Both ends of the 政策解读 links on a record's page: (its published interpretations, the
    policies it explains). Most information has one version: then one query on the links, both
    ends joined, and no version walk; otherwise `public_interpretations` and `public_policies`."""
    from disclosure.interpretation_models import Interpretation

    if record.previous_version_id or record.superseded_by_id:
        return public_interpretations(record), public_policies(record)
    interpretations, policies = {}, {}
    links = (Interpretation.objects.filter(Q(policy_id=record.pk) | Q(interpretation_id=record.pk))
             .select_related("policy", "interpretation", "interpretation__superseded_by"))
    for link in links:
        if link.policy_id == record.pk:
            reading, successor = link.interpretation, link.interpretation.superseded_by
            # the version in effect only: a published later version of the interpretation replaces it
            if reading.is_public and reading.state != S.REVOKED and not (
                    successor is not None and successor.is_public and successor.state != S.REVOKED):
                interpretations[reading.pk] = reading
        elif link.policy.is_public:
            policy = link.policy
            policy.current = record_public_version(policy) if policy.superseded_by_id else None
            policies[policy.pk] = policy

    def oldest_first(records: dict) -> list[Record]:
        return sorted(records.values(), key=lambda r: (r.published_at, r.pk))

    return oldest_first(interpretations), oldest_first(policies)


def interpretation_links_for_feed(record_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """For the feeds, in one query: each listed record's other ends of 政策解读 links that are
    published (its interpretations, or the policy it interprets), as (pk, title)."""
    from disclosure.interpretation_models import Interpretation

    # Both ends joined, not `IN (published records)`: SQLite ran those two subqueries as a join
    # over every record twice, which never finished at 100,000 records (issue #22).
    links = (Interpretation.objects.filter(Q(policy_id__in=record_ids) | Q(interpretation_id__in=record_ids))
             .filter(published_through("policy"), published_through("interpretation"))
             .values_list("policy_id", "policy__title", "interpretation_id", "interpretation__title")
             .order_by("pk"))
    result: dict[int, list[tuple[int, str]]] = {}
    for policy_id, policy_title, interpretation_id, interpretation_title in links:
        result.setdefault(policy_id, []).append((interpretation_id, interpretation_title))
        result.setdefault(interpretation_id, []).append((policy_id, policy_title))
    return result


def normative_without_interpretation() -> list[Record]:
    """For the compliance self-check: 行政规范性文件 in force and public, in their version in
    effect, with no published interpretation (of any of their versions) and no reason recorded
    by the disclosure office why none is needed (国办发〔2016〕80号)."""
    from disclosure.interpretation_models import Interpretation

    public_successor = records_published().filter(pk=OuterRef("superseded_by_id"))
    candidates = (records_published().filter(document_type="normative", validity="valid", interpretation_waiver="")
                  .exclude(Exists(public_successor)).select_related("office").order_by("published_at", "pk"))
    result = []
    for record in candidates:
        chain = [record.pk, *_earlier_version_ids(record)]
        if not Interpretation.objects.filter(published_through("interpretation"), policy_id__in=chain).exists():
            result.append(record)
    return result

"""Fast without the cache (issue #22): every public URL pattern and every back-office page costs a
bounded number of queries, whatever the page number, the filters or the number of rows.

The page cache is off here (PUBLIC_PAGE_CACHE_SECONDS = 0): what is counted is what a visitor
costs when the page is not stored — a new query string, a deep page, a search nobody made yet.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import timezone

from applications.annual_report.services import annual_report_generate
from applications.models import AnnualReport, ApplicantType, DisclosureApplication, Status
from complaints.models import Complaint, ComplaintResult, ComplaintStatus, FailureType
from disclosure import services
from disclosure.models import Attachment, CatalogueEntry, Record
from tests.conftest import S, drive, load_world, new_draft, rows_for_the_module

# A public page may read the agency, the categories, the content version, its rows and their
# links; none needs more, at any depth.
PUBLIC_BOUND = 25
# A back-office page reads the session, the person's roles and offices, its list or object and
# the filters' choices.
STAFF_BOUND = 60

EXTREME = "page=999999999&p=999999999&page_size=100&category=m5-2&office={office}&year=2026&q=通知&sort=date"
GARBAGE = ("page=-1&p=abc&page_size=abc&category=no-such&office=99999999999999999999&year=abc&q=%25%00"
           "&cursor=junk&after=junk&before=1-2-99999999999999999999&published_after=2026-13-45&fields=nope&sort=x")


def _public_patterns() -> list[str]:
    """The names of every URL pattern outside the back office."""
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("admin/"):
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name:
                yield f"{namespace}{pattern.name}"
    return sorted(set(walk(get_resolver().url_patterns)))


def _public_urls(column: dict) -> dict[str, str]:
    """A URL of every public pattern, with real ids where the pattern takes one (unknown tokens
    for the tracking pages: the refusal costs queries too)."""
    record, attachment, entry = column["record"], column["attachment"], column["record"].catalogue_entry
    token = "SQ20260001-nosuchsecret"
    args = {
        "sitemap_section": ["records"], "api:record-detail": [record.pk], "api:catalogue-detail": [entry.index_number],
        "api:category-detail": ["m5-2"], "applications:apply_hint_follow": [entry.pk],
        "disclosure:record": [record.pk], "disclosure:record_print": [record.pk],
        "disclosure:attachment": [attachment.pk], "disclosure:category_feed_rss": ["m5-2"],
        "disclosure:category_feed_atom": ["m5-2"], "own_cases:open": ["no-such-link-token"],
        "applications:case_file": [token, 1], "applications:case_notice": [token, 1],
        "applications:case_notice_pdf": [token, 1],
        "disclosure:comment_period": [column["record"].pk],  # no such call for comments: its refusal
        # issue #21: a forged confirmation link and an unknown unsubscribe link (their refusals)
        "disclosure:subscription_confirm": ["1-nosuchsecret"], "disclosure:unsubscribe": ["no-such-link-token"],
    }
    urls = {}
    for name in _public_patterns():
        if name in args:
            urls[name] = reverse(name, args=args[name])
        elif name.startswith(("applications:case", "complaints:case")):
            urls[name] = reverse(name, args=[token])
        else:
            urls[name] = reverse(name)
    return urls


def _grow(n: int) -> None:
    """n published records (generate_records), and n // 3 drafts whose clock runs (M.11): the
    back office's lists show their working days left; n applications and n // 3 complaints over
    three years, half of each office's, most closed (the case lists, their date drill-downs and
    the dashboard)."""
    call_command("generate_records", records=n, batch=500, stdout=StringIO(), stderr=StringIO())
    world = load_world()
    today = timezone.localdate()
    Record.objects.bulk_create([
        Record(title=f"草稿{i}", office=world.office_a if i % 2 else world.office_b, category=world.category,
               date_formed=today, due_date=today + dt.timedelta(days=i % 40 - 10), created_by=world.drafter_a)
        for i in range(n // 3)
    ])
    start = DisclosureApplication.objects.count()
    zone = timezone.get_current_timezone()

    def moment(i: int) -> dt.datetime:
        return dt.datetime.combine(today - dt.timedelta(days=(i // 2 * 7) % 1000), dt.time(9 + i % 8), tzinfo=zone)

    DisclosureApplication.objects.bulk_create([
        DisclosureApplication(
            tracking_code=f"QB{start + i:08d}", secret_digest="x", applicant_type=ApplicantType.NATURAL_PERSON,
            applicant_name="申请人", identity_document="other", identity_number=f"Q{i:09d}", phone="13900000000",
            information_title=f"通知{i}", description="查询", submitted_at=moment(i),
            received_on=moment(i).date(), office=world.office_a if i % 2 else world.office_b,
            due_date=moment(i).date() + dt.timedelta(days=28),
            **({"status": Status.CLOSED, "outcome": "disclosed", "replied_on": moment(i).date(),
                "closed_at": moment(i)} if i % 4 else {"status": Status.ASSIGNED}))
        for i in range(n)
    ])
    start = Complaint.objects.count()
    Complaint.objects.bulk_create([
        Complaint(tracking_code=f"QC{start + i:08d}", secret_digest="x", failure_type=FailureType.LATE_REPLY,
                  details="举报", received_on=moment(i).date(), submitted_at=moment(i),
                  due_date=moment(i).date() + dt.timedelta(days=28), office=world.office_a if i % 2 else world.office_b,
                  **({"status": ComplaintStatus.CLOSED, "result": ComplaintResult.NOT_SUBSTANTIATED,
                      "replied_on": moment(i).date(), "closed_at": moment(i)} if i % 4 else {}))
        for i in range(n // 3)
    ])


def _build_column(world) -> dict:
    """A record with an attachment and a second version (the record page walks the versions), and
    a few generated records."""
    record = new_draft(world, title="关于开展技术改造项目申报工作的通知", body="<p>通知正文</p>")
    services.attachment_add(record=record, actor=world.drafter_a, upload=SimpleUploadedFile("附件.pdf", b"%PDF-1.4 x"))
    first = drive(world, record, S.PUBLISHED)
    second = drive(world, services.record_amend(record=first, actor=world.drafter_a), S.PUBLISHED)
    _grow(6)  # two drafts among them, one per office: each office's lists have a running clock
    return {"record": first, "second": second, "attachment": Attachment.objects.get(record=first)}


# The rows below cost 20 s to build: one worker builds them (tests/conftest.py).
pytestmark = pytest.mark.one_worker

WHO = ["admin", "disclosure", "drafter_a"]


@pytest.fixture(scope="module")
def bounds_module_rows(django_db_setup, django_db_blocker, tmp_path_factory):
    """The rows every test here reads, built once for the module (issue #17: each test built them
    and generated 300 more, 13 s of a test's CPU): the column and last two years' annual reports at
    a few rows, what each page costs then (status and queries, per person for the back office),
    and then 300 more rows. The tests measure the pages at those rows and compare."""
    from django.core.cache import cache
    from django.test import Client, override_settings

    cache.clear()  # as at a test's start: counts cached by an earlier test must not be measured
    media = tmp_path_factory.mktemp("bounds-media")
    with rows_for_the_module(django_db_blocker) as unblocked:
        with unblocked(), override_settings(MEDIA_ROOT=media, PUBLIC_PAGE_CACHE_SECONDS=0):
            world = load_world()
            column = _build_column(world)
            year = timezone.localdate().year
            for each in (year - 2, year - 1):  # last year's report, and the one before it not published
                annual_report_generate(year=each, actor=world.disclosure)
            public = [variant for url in _public_urls(column).values() for variant in _variants(url, world)]
            staff = {who: _staff_urls(world) for who in WHO}
            few = {"public": _undone(lambda: _measure(Client(), public))}
            for who in WHO:
                few[who] = _undone(lambda who=who: _measure(_signed_in(Client(), getattr(world, who)), staff[who]))
            _grow(300)
            pks = {key: obj.pk for key, obj in column.items()}
        yield {"media": media, "pks": pks, "few": few, "staff": staff}


def _undone(measure):
    """What `measure` returns, with what its requests wrote rolled back (sessions, the log of who
    saw an applicant's identity): each person's pages at a few rows are measured on the rows the
    test measures them on at a few hundred, not on what another person's visit left."""
    from django.db import transaction

    with transaction.atomic():
        result = measure()
        transaction.set_rollback(True)
    return result


def _signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def bounds(world, settings, bounds_module_rows) -> dict:
    """The module's rows at a few hundred rows, read afresh, with the page cache off."""
    settings.MEDIA_ROOT = bounds_module_rows["media"]
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    pks = bounds_module_rows["pks"]
    return {**bounds_module_rows, "column": {"record": Record.objects.get(pk=pks["record"]),
                                             "second": Record.objects.get(pk=pks["second"]),
                                             "attachment": Attachment.objects.get(pk=pks["attachment"])}}


def _queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, len(queries)


def _variants(url: str, world) -> list[str]:
    separator = "&" if "?" in url else "?"
    return [url, url + separator + EXTREME.format(office=world.office_a.pk), url + separator + GARBAGE]


def test_every_public_pattern_is_walked_with_extreme_pages_and_filters_in_bounded_queries(client, world, bounds):
    for name, url in _public_urls(bounds["column"]).items():
        for variant in _variants(url, world):
            client.get(variant)  # per-process caches: the agency, the schema, this version's counts
            status, count = _queries(client, variant)
            assert status < 500, (name, variant, status)
            assert count <= PUBLIC_BOUND, (name, variant, count)


def _measure(client, urls: list[str]) -> dict[str, int]:
    counts = {}
    for url in urls:
        client.get(url)  # warm this content version's counts
        status, counts[url] = _queries(client, url)
        assert status < 500, (url, status)
    return counts


def test_public_pages_cost_the_same_queries_at_a_few_and_at_a_few_hundred_rows(client, world, bounds):
    few = bounds["few"]["public"]  # measured before the module grew by 300 rows
    many = _measure(client, list(few))
    grown = {url: (few[url], many[url]) for url in few if many[url] > few[url]}
    assert not grown, grown


def test_public_renders_group_nothing_walk_no_versions_and_run_no_subquery_per_row(client, world, bounds):
    """What a query count does not show: the category counts are not grouped on every render
    (kept per content version), a record with one version needs no recursive walk of the
    versions, and the API's rows carry no correlated subqueries."""
    single = Record.objects.filter(state=S.REGISTERED, previous_version__isnull=True, superseded_by__isnull=True,
                                   title__startswith="关于").exclude(pk=bounds["column"]["record"].pk).first()
    urls = [reverse("disclosure:home"), reverse("disclosure:statutory"), reverse("api:record-list"),
            reverse("api:catalogue-list"), reverse("disclosure:record", args=[single.pk]),
            reverse("api:record-detail", args=[single.pk])]
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url + "?fresh=1").status_code == 200
        for sql in (q["sql"].upper() for q in queries):
            assert "GROUP BY" not in sql and "RECURSIVE" not in sql, (url, sql)
            # The record page's probes are one row of EXISTS (selectors.record_page_relations):
            # subqueries, but run once, not per row.
            assert sql.count("SELECT") == 1 or sql.startswith("SELECT EXISTS("), (url, sql)


def _staff_urls(world) -> list[str]:
    """The work list, and every registered model's list, add page and first object's page."""
    def url(name: str, *args) -> list[str]:
        try:
            return [reverse(name, args=args)]
        except NoReverseMatch:  # a list without add or change pages
            return []

    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += url(f"{prefix}_changelist")
        urls += [f"{u}?q=通知&o=1&p=999999" for u in url(f"{prefix}_changelist")]
        urls += url(f"{prefix}_add")
        if (obj := model._default_manager.order_by("pk").first()) is not None:
            urls += url(f"{prefix}_change", obj.pk)
    record = Record.objects.filter(previous_version__isnull=False).first()
    urls += [reverse("admin:disclosure_record_change", args=[record.pk]),
             reverse("admin:disclosure_record_history", args=[record.pk]),
             reverse("admin:disclosure_record_changelist") + "?created_at__year=2026",
             reverse("admin:disclosure_record_changelist") + "?state__exact=registered&office=1",
             # Drafts, whose clock runs: the working days left of every row (M.11).
             reverse("admin:disclosure_record_changelist") + "?state__exact=draft"]
    # The case lists' date drill-downs at each level (portal/admin_dates.py), and their filters.
    today = timezone.localdate()  # a day with cases at a few rows and at a few hundred (_grow)
    year, month = today.year, today.month
    for name, field in [("applications_disclosureapplication", "submitted_at"), ("complaints_complaint", "received_on")]:
        changelist = reverse(f"admin:{name}_changelist")
        urls += [f"{changelist}?{field}__year={year}", f"{changelist}?{field}__year={year}&{field}__month={month}",
                 f"{changelist}?{field}__year={year}&{field}__month={month}&{field}__day={today.day}",
                 f"{changelist}?status__exact=closed"]
    # The supervision dashboard over a year, and the annual report as generated (its tables and
    # last year's carry-over come from the figures stored when it was generated).
    urls += [reverse("admin:complaints_assessment_changelist") + f"?kind=year&year={year - 1}"]
    if (report := AnnualReport.objects.filter(year=year - 1).first()) is not None:
        urls += [reverse("admin:applications_annualreport_change", args=[report.pk])]
    return urls


@pytest.mark.parametrize("who", WHO)
def test_back_office_pages_cost_bounded_queries_that_do_not_grow_with_rows(client, world, bounds, who):
    # Last year's report and the one before it (not published) were generated at a few rows, and
    # the pages measured then (`bounds_module_rows`); the module has grown by 300 rows since.
    assert CatalogueEntry.objects.count() > 300
    client.force_login(getattr(world, who))
    few = bounds["few"][who]
    many = _measure(client, bounds["staff"][who])
    grown = {url: (few[url], many[url]) for url in few if many[url] > few[url]}
    assert not grown, grown
    over = {url: n for url, n in many.items() if n > STAFF_BOUND}
    assert not over, over

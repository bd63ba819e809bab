"""The public disclosure column. Every query starts from the published-only selectors."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from disclosure import comment_selectors, demand_services, selectors
from disclosure import search as fulltext
from disclosure.catalogue_seed import ANNUAL_REPORT_CATEGORY, INTERPRETATION_CATEGORY, RULES_CATEGORY
from disclosure.downloads import attachment_response
from disclosure.models import Attachment, CatalogueCategory, DisclosureAttribute
from disclosure.redaction_services import released_file
from portal import ratelimit
from portal.models import Office
from portal.pagecache import MARK, cache_public_page
from portal.pagination import CappedPaginator, KeysetPaginator
from portal.validators import is_ascii_number

PAGE_SIZE = 20
SEARCH_MISS_LIMIT = ratelimit.Limit("search_miss_log", 20, 3600)  # misses logged per client and hour


class SearchPaginator(CappedPaginator):
    """Search counts its matches up to 200 (ten pages); beyond, visitors refine the query."""

    def __init__(self, object_list, per_page):
        super().__init__(object_list, per_page, cap=200)


@cache_public_page
def home(request):
    categories = selectors.categories_with_counts(CatalogueCategory.objects.filter(is_active=True, parent__isnull=True))
    return render(
        request,
        "disclosure/home.html",
        {"latest": selectors.with_offices_and_categories(
            list(selectors.catalogue_listed().select_related(None).order_by("-published_at", "-pk")[:10]),
            categories=categories),
         "categories": categories},
    )


def _filtered(request, entries):
    """Apply the public filters (category, office, year) shared by the catalogue and search."""
    conditions, context = _filters(request)
    return entries.filter(conditions), context


def _filters(request) -> tuple[Q, dict]:
    category = office = None
    conditions = Q()
    # Lists, not querysets: the filter form shows them, the category and office asked for are
    # found among them, and a list page gives its entries their office and category from them
    # (_list_response): fewer queries on every page of the catalogue (issue #22).
    categories, offices, filters_key = selectors.filter_choices()
    # Only the entry's own columns are filtered (no joins), so the search can compile the same
    # conditions into its index query.
    if code := request.GET.get("category"):
        category = next((c for c in categories if c.code == code), None)
        if category:
            conditions &= Q(category_id__in=selectors.category_subtree_ids(category))
    if is_ascii_number(office_id := request.GET.get("office", "")) and len(office_id) < 10:
        # an inactive office's entries can still be listed by its id
        office = next((o for o in offices if o.pk == int(office_id)), None) or Office.objects.filter(pk=office_id).first()
        if office:
            conditions &= Q(office=office)
    year = request.GET.get("year", "")
    if is_ascii_number(year) and len(year) == 4 and year >= "1000":
        conditions &= Q(published_at__year=int(year))
    else:
        year = ""
    years = selectors.catalogue_years()
    context = {
        "categories": categories,
        "offices": offices,
        "years": years,
        # What the filter fields show besides the choice made: their {% memo %} keys.
        "filters_key": filters_key,
        "years_key": " ".join(map(str, years)),
        "category": category,
        "office": office,
        "year": year,
    }
    return conditions, context


@cache_public_page
def catalogue(request):
    conditions, context = _filters(request)
    filters = [context["category"] and context["category"].pk, context["office"] and context["office"].pk,
               context["year"]]
    return _list_response(request, "disclosure/catalogue.html", conditions,
                          f"catalogue:{':'.join(str(f or '') for f in filters)}", context)


def _list_response(request, template: str, conditions: Q, count_key: str, context: dict):
    """The listed entries that meet `conditions`, paged by position at any depth
    (portal.pagination.KeysetPaginator): a page number past the numbered pages is a 404 whose
    page says how to go on."""
    def listed(published_until=None):
        return selectors.catalogue_listed(published_until=published_until).select_related(None).filter(conditions)

    page = KeysetPaginator(listed, PAGE_SIZE, count_key=count_key).get_page(request.GET)
    selectors.with_offices_and_categories(page.object_list, offices=context.get("offices", ()),
                                          categories=context.get("categories", ()))
    return render(request, template, {"page": page, **context}, status=404 if page.beyond else 200)


@cache_public_page
def statutory(request):
    """法定主动公开内容: the items of R.20, each with the catalogue categories it is filed under,
    then the catalogue's categories (M.5 and the R.20 additions), with their entries' counts."""
    categories = selectors.categories_with_counts(
        CatalogueCategory.objects.filter(is_active=True).exclude(
            code__in=[RULES_CATEGORY, ANNUAL_REPORT_CATEGORY, INTERPRETATION_CATEGORY])
    )
    return render(request, "disclosure/statutory.html",
                  {"items": selectors.statutory_items(), "categories": categories})


def _category_page(request, code: str, heading: str, lead: str):
    """A fixed column of the catalogue (rules, annual reports), paged like the catalogue."""
    category = CatalogueCategory.objects.filter(code=code).first()
    context = {"category": category, "heading": heading, "lead": lead}
    if not category:
        return render(request, "disclosure/category_page.html", {"page": None, **context})
    conditions = Q(category_id__in=selectors.category_subtree_ids(category))
    return _list_response(request, "disclosure/category_page.html", conditions, f"category:{category.pk}", context)


@cache_public_page
def rules(request):
    """政府信息公开制度: the agency's own rules, published as records."""
    return _category_page(
        request, RULES_CATEGORY, _("政府信息公开制度"),
        _("本栏目公开本机关政府信息公开工作的有关制度，包括政府信息公开实施办法、依申请公开工作规程、受理举报制度和社会评议制度等。"),
    )


@cache_public_page
def annual_reports(request):
    return _category_page(
        request, ANNUAL_REPORT_CATEGORY, _("政府信息公开工作年度报告"),
        _("根据《中华人民共和国政府信息公开条例》第四十九条、第五十条，本机关于每年1月31日前公布上一年度政府信息公开工作年度报告。"),
    )


@cache_public_page
def guide(request):
    return render(request, "disclosure/guide.html")


@cache_public_page(stamp=lambda kwargs: f"record:{kwargs['pk']}")
def record_detail(request, pk: int, printable: bool = False):
    choices = selectors.filter_choices()
    record = selectors.record_public_page(pk, offices=choices.offices, categories=choices.categories)
    if record is None:
        raise Http404
    relations = selectors.record_page_relations(record)
    attachments = list(record.attachments.all()) if record.shows_body and relations.attachments else []
    interpretations, originals = selectors.public_interpretation_ends(record) if relations.linked else ([], [])
    return render(
        request,
        "disclosure/record_print.html" if printable else "disclosure/record.html",
        {
            "record": record,
            "current": selectors.record_public_version(record, later_version=relations.later_version),
            "replacement": selectors.record_replacement(record),
            "attachments": attachments,
            "apply_for": record.attribute == DisclosureAttribute.ON_REQUEST,
            # 政策解读 (issue #19): a policy's interpretations, an interpretation's originals.
            "interpretations": interpretations,
            "originals": originals,
            "graphics": [a for a in attachments if a.content_type.startswith("image/")],
            **(_comment_links(record) if relations.in_comment_period else {}),
        },
    )


def _comment_links(record) -> dict:
    """The call for comments a record belongs to (意见征集, issue #19): as its draft, its adoption
    report, or the document finally adopted — each page links the others."""
    period = comment_selectors.comment_period_of_record(record)
    if period is None:
        return {}
    return {"comment_period": period, "comment_report": comment_selectors.adoption_report_public(period)}


def attachment_download(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.select_related("record"), pk=pk)
    published = selectors.records_published().filter(pk=attachment.record_id).exists()
    if not (published and attachment.record.shows_body):
        raise Http404
    # R.37: a redacted copy, when there is one, is what the public gets; the original stays internal.
    released = released_file(attachment)
    if released is None:
        raise Http404
    return attachment_response(released)


@cache_public_page
def search(request):
    """Chinese full text over title, summary, numbers and (proactive) body; see search.py."""
    query, ignored = fulltext.searched_part(request.GET.get("q") or "")
    by_date = request.GET.get("sort") == "date"  # 按时间排序; by relevance otherwise
    entries, context = _filtered(request, selectors.catalogue_listed())
    results = selectors.search_entries(query, entries, by_date=by_date, offices=context["offices"],
                                       categories=context["categories"])
    page = SearchPaginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    fulltext.mark_results(page.object_list, query)
    response = render(request, "disclosure/search.html", {"query": query, "page": page, "by_date": by_date,
                                                          "ignored": ignored,
                                                          "max_query_length": fulltext.MAX_QUERY_LENGTH, **context})
    if not results.query.empty and not page.paginator.count:
        # Issue #18: what people looked for and did not find is demand (R.44). The query text only,
        # a few per client (cache-based); the page is not cached, so every visitor is counted.
        setattr(response, MARK, False)
        if ratelimit.check(request, SEARCH_MISS_LIMIT) is None:
            demand_services.search_miss_log(query=query)
    return response

"""互动交流, the public side (M.10, M.18, M.19): the landing page, complaints and reports,
consultations, tracking either by code and secret, rating a closed case, the public FAQ and the
survey.

The landing page and the FAQ carry no form and no personal data: they are cached whole
(`@cache_public_page`). Every other view carries a CSRF token or a person's own case and says
`Cache-Control: no-store`. Public POSTs are rate-limited per client (portal/ratelimit.py); over
the limit the form comes back as it was typed, with a message, and status 429.

The complaint form is a `confidential_view`: should anything fail while it runs, the error report
shows neither what was posted (identity, contacts, file names) nor the client's address.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from complaints import clock, exports, selectors, services, statistics
from complaints.forms import ComplaintForm, ConsultationForm, SurveyForm, TrackForm
from complaints.models import Complaint, ComplaintEventKind, Consultation, ConsultationEventKind
from portal import ratelimit
from portal.cases import citizen_events
from portal.errors import DomainError
from portal.forms import RatingForm
from portal.notify import absolute_url
from portal.pagecache import CASE_FIGURES, cache_public_page
from portal.tracking import CaseLinks, TrackingMatch, tracking_form_posted

TRACK_SALT = "complaints.track"
TRACK_MAX_AGE = 30 * 60  # seconds: a status page link works for half an hour
FAQ_PAGE_SIZE = 20

LIMITS = {
    "complaint": ratelimit.Limit("complaint_submit", 10, 600),
    "consultation": ratelimit.Limit("consultation_submit", 10, 600),
    "survey": ratelimit.Limit("survey_submit", 5, 600),
    "track": ratelimit.Limit("interact_track", 20, 600),
    "rate": ratelimit.Limit("interact_rate", 10, 600),
}
# Request data that never appears in an error report of a confidential view.
SAFE_META = ("REQUEST_METHOD", "PATH_INFO", "SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
             "HTTP_HOST", "CONTENT_TYPE", "CONTENT_LENGTH", "QUERY_STRING", "wsgi.url_scheme")

get_or_post = require_http_methods(["GET", "HEAD", "POST"])
get_only = require_http_methods(["GET", "HEAD"])

K = ComplaintEventKind
QK = ConsultationEventKind


def _scrub(request) -> None:
    """Leave nothing of the person in the request an error report is built from."""
    request._files = MultiValueDict()
    request._post = request.POST.copy()
    for key in list(request._post.keys()):
        request._post.setlist(key, ["********************"])
    request.META = {key: value for key, value in request.META.items() if key in SAFE_META or key.startswith("wsgi.")}
    request.COOKIES = {}


def confidential_view(view):
    """For views that receive or show a reporter's identity: error reports hide every posted value
    and every local variable (Django's sensitive_* decorators), and the uploaded files' names and
    the client's address as well.

    A TemplateResponse (the admin's change and add pages) is rendered here, inside the wrapper:
    left to the handler, it would render after the wrapper returned, and an error while rendering
    would put the page's context — the reporter's identity among it — into the report (M.19)."""

    @sensitive_variables()
    @sensitive_post_parameters()
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
                response.render()
            return response
        except (Http404, PermissionDenied):  # answers, not failures: no error report is made
            raise
        except Exception:
            _scrub(request)
            raise

    return wrapper


def _limited(request, limit_name: str) -> int | None:
    return ratelimit.check(request, LIMITS[limit_name])


def _limited_form(request, template: str, form, context: dict, retry_after: int):
    """Over the limit: the form as it was typed (files must be chosen again), the reason, 429."""
    form.is_valid()
    form.add_error(None, ratelimit.wait_message(retry_after))
    response = render(request, template, {**context, "form": form, "limited": True}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


# --- The landing page and the FAQ ---------------------------------------------------------------


@cache_public_page
@get_only
def interact(request):
    """互动交流: consultations, complaints and evaluation (M.10, M.18, M.19)."""
    return render(request, "complaints/interact.html", {
        "faq_latest": list(selectors.faq_published()[:5]),
        "complaint_days": clock.complaint_reply_days(),
        "consultation_days": clock.consultation_reply_days(),
    })


@cache_public_page
@get_only
def faq(request):
    """咨询问答: answered consultations published with the asker's consent, without identity."""
    page = Paginator(selectors.faq_published(), FAQ_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "complaints/faq.html", {"page": page})


# --- Complaints and reports (M.19) ---------------------------------------------------------------


@never_cache
@get_or_post
@confidential_view
def complain(request):
    """The complaint form; a valid POST answers with the receipt (the secret is shown once and
    never travels in a URL)."""
    context = {"complaint_days": clock.complaint_reply_days()}
    if request.method == "POST":
        if (retry_after := _limited(request, "complaint")) is not None:
            return _limited_form(request, "complaints/complain.html", ComplaintForm(request.POST), context,
                                 retry_after)
        form = ComplaintForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                complaint, secret, created = services.complaint_submit(
                    data=form.matter(), reporter=form.reporter(), anonymous=form.anonymous,
                    uploads=form.cleaned_data["attachments"], idempotency_key=form.cleaned_data["idempotency_key"])
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                return render(request, "complaints/receipt.html", {
                    "case": complaint, "kind": "complaint", "secret": secret, "created": created,
                    # services._tell_reporter mails a named reporter who gave an address.
                    "mailed": created and not complaint.anonymous and bool(form.cleaned_data.get("email")),
                    "track_address": absolute_url(reverse("complaints:track"), request),
                })
    else:
        form = ComplaintForm()
    files_to_choose_again = form.is_bound and bool(request.FILES.getlist("attachments"))
    return render(request, "complaints/complain.html",
                  {**context, "form": form, "files_to_choose_again": files_to_choose_again})


# --- Consultations (M.10) ---------------------------------------------------------------------


@never_cache
@get_or_post
@sensitive_post_parameters("name", "phone", "email")
def consult(request):
    context = {"consultation_days": clock.consultation_reply_days()}
    if request.method == "POST":
        form = ConsultationForm(request.POST)
        if (retry_after := _limited(request, "consultation")) is not None:
            return _limited_form(request, "complaints/consult.html", form, context, retry_after)
        if form.is_valid():
            try:
                consultation, secret, created = services.consultation_submit(
                    data=form.service_data(), idempotency_key=form.cleaned_data["idempotency_key"])
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                return render(request, "complaints/receipt.html", {
                    "case": consultation, "kind": "consultation", "secret": secret, "created": created,
                    "mailed": created and bool(consultation.email),
                    "track_address": absolute_url(reverse("complaints:track"), request),
                })
    else:
        form = ConsultationForm()
    return render(request, "complaints/consult.html", {**context, "form": form})


# --- The survey (M.18) --------------------------------------------------------------------------


@never_cache
@get_or_post
def survey(request):
    if request.method == "POST":
        form = SurveyForm(request.POST)
        if (retry_after := _limited(request, "survey")) is not None:
            return _limited_form(request, "complaints/survey.html", form, {}, retry_after)
        if form.is_valid():
            try:
                services.survey_submit(**form.service_data())
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                return render(request, "complaints/survey_thanks.html")
    else:
        form = SurveyForm()
    return render(request, "complaints/survey.html", {"form": form})


# --- Tracking ----------------------------------------------------------------------------------

links = CaseLinks(salt=TRACK_SALT, kinds={"c": Complaint, "q": Consultation}, track_url="complaints:track",
                  max_age=TRACK_MAX_AGE, related=("office",))
case_token = links.token
with_case = links.view


def tracked_case(code: str) -> TrackingMatch | None:
    """The `tracking_lookup` hook (portal/tracking.py): a complaint (JB…) or consultation (ZX…)
    by its code. A code no app knows costs a query here too, so that neither an unknown prefix
    nor an unknown number answers faster than a wrong secret."""
    if code.startswith(services.COMPLAINT_PREFIX):
        case = Complaint.objects.filter(tracking_code=code).first()
    elif code.startswith(services.CONSULTATION_PREFIX):
        case = Consultation.objects.filter(tracking_code=code).first()
    else:
        Complaint.objects.filter(tracking_code=code).first()
        return None
    if case is None:
        return None
    return TrackingMatch(digest=case.secret_digest, status_url=lambda: reverse("complaints:case", args=[case_token(case)]))


@never_cache
@get_or_post
def track(request):
    """查询: the tracking code and the secret open the status page. An unknown code and a wrong
    secret give the same answer after the same work (services.secret_matches)."""
    failed = False
    if request.method == "POST":
        if (retry_after := _limited(request, "track")) is not None:
            response = render(request, "complaints/track.html", {
                "form": TrackForm(), "limited_message": ratelimit.wait_message(retry_after)}, status=429)
            response["Retry-After"] = str(retry_after)
            return response
        # Any case's code: an application's (SQ…) opens its page as well (portal/tracking.py).
        url, form, failed = tracking_form_posted(TrackForm, request.POST)
        if url:
            return redirect(url)
    else:
        form = TrackForm()
    return render(request, "complaints/track.html", {"form": form, "failed": failed})


# What the person sees of the handling: the kind of each step and its date.


def _render_case(request, case, *, rating_form=None, status: int = 200):
    token = case_token(case)
    if isinstance(case, Complaint):
        events = list(case.events.order_by("on", "at", "pk"))
        steps = citizen_events(case, events)
        context = {"complaint": case, "clock": clock.compute_complaint(events), "closed": not case.is_open}
        template = "complaints/case_complaint.html"
    else:
        events = list(case.events.order_by("on", "at", "pk"))
        steps = citizen_events(case, events)
        context = {"consultation": case, "clock": clock.compute_consultation(events), "closed": not case.is_open}
        template = "complaints/case_consultation.html"
    can_rate = context["closed"] and not case.rating
    return render(request, template, {
        **context, "case": case, "token": token, "steps": steps,
        "rating_form": (rating_form or RatingForm()) if can_rate else None,
        "error_form": rating_form if rating_form is not None and rating_form.errors else None,
        "expires_minutes": TRACK_MAX_AGE // 60,
    }, status=status)


@never_cache
@get_only
@with_case
def case(request, case):
    return _render_case(request, case)


@never_cache
@get_or_post
@with_case
def case_rate(request, case):
    """评价 (M.18): once, after the case is closed."""
    if request.method != "POST":
        return redirect("complaints:case", token=case_token(case))
    form = RatingForm(request.POST)
    if (retry_after := _limited(request, "rate")) is not None:
        form.is_valid()
        form.add_error(None, ratelimit.wait_message(retry_after))
        response = _render_case(request, case, rating_form=form, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    if form.is_valid():
        rate = services.complaint_rate if isinstance(case, Complaint) else services.consultation_rate
        target = {"complaint": case} if isinstance(case, Complaint) else {"consultation": case}
        try:
            rate(**target, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, gettext_lazy("感谢您的评价。"))
            return redirect("complaints:case", token=case_token(case))
    case.refresh_from_db()
    return _render_case(request, case, rating_form=form)


# --- Public statistics (issue #18) -----------------------------------------------------------------


@cache_public_page(counters=(CASE_FIGURES,))
@get_only
def statistics_page(request):
    """政府信息公开工作统计: live figures per office for this year and last, renewed when a case closes."""
    choice = statistics.statistics_choice(request.GET)
    data = statistics.statistics(office=choice.office)
    shown = data.of(choice.year)
    return render(request, "complaints/statistics.html", {
        "choice": choice, "data": data, "shown": shown,
        "offices": statistics.statistics_offices(),
        "summary": statistics.summary_table(data),
        "by_office": statistics.figure_table(shown, statistics.FIGURE_COLUMNS),
        "by_group": statistics.figure_table(shown, statistics.group_columns()),
        "charts": statistics.statistics_charts(shown),
        "outcome_rows": statistics.outcome_table(data),
    })


@cache_public_page(counters=(CASE_FIGURES,))
@get_only
def statistics_download(request, kind: str):
    """The page's figures, both years, as CSV or XLSX (the same `?office=` as the page)."""
    choice = statistics.statistics_choice(request.GET)
    data = statistics.statistics(office=choice.office)
    years = "-".join(str(year.year) for year in data.years)
    if kind == "csv":
        response = HttpResponse(exports.statistics_csv(data), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.statistics_xlsx(data),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, f"政府信息公开工作统计-{years}.{kind}")
    response["X-Content-Type-Options"] = "nosniff"
    return response

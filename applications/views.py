"""依申请公开, the public side (R.27–R.45): the application form and its receipt, and tracking
by code and secret, no account needed.

None of these views is cached whole (no `@cache_public_page`): they carry CSRF tokens and the
applicant's own data, and every response says `Cache-Control: no-store` (`never_cache`). Writes
go through the public functions of `services`; their refusals are shown, in Chinese, on the page.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from applications import clock, selectors, services
from applications.forms import ApplicationForm, SuggestProactiveForm, SupplementForm, TrackForm, WithdrawForm
from applications.models import ApplicationEvent, ApplicationNotice, DisclosureApplication, EventKind, Status
from applications.outcomes import Outcome
from disclosure import demand_selectors, demand_services
from disclosure import selectors as disclosure_selectors
from disclosure.redaction_services import released_file
from portal.cases import citizen_events
from portal.errors import DomainError
from portal.forms import RatingForm
from portal.notify import absolute_url
from portal.ratelimit import rate_limit
from portal.tracking import CaseLinks, TrackingMatch, tracking_form_posted

K = EventKind
TRACK_SALT = "applications.track"
TRACK_MAX_AGE = 30 * 60  # seconds: a status page link works for half an hour
TITLE_HINT_MAX = 300  # DisclosureApplication.information_title
INDEX_HINT_MAX = 100  # DisclosureApplication.index_number

CLOSING_EVENTS = {K.REPLIED, K.WITHDRAWN, K.DEEMED_WITHDRAWN, K.FEE_UNPAID}

get_or_post = require_http_methods(["GET", "HEAD", "POST"])
get_only = require_http_methods(["GET", "HEAD"])


def _plain(value: str | None, limit: int) -> str:
    """A query-string hint as one line of plain text: no control characters, capped."""
    text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in (value or "")[: limit * 2])
    return " ".join(text.split())[:limit]


# --- The application form (R.29) and its receipt ------------------------------------------------


@never_cache
@get_or_post
@rate_limit("application_submit", count=10, seconds=3600)
def apply(request):
    """The online application form; a valid POST answers with the receipt, never a redirect, so
    that the secret is shown once and never travels in a URL."""
    hints = {"title_hint": _plain(request.GET.get("title"), TITLE_HINT_MAX),
             "index_hint": _plain(request.GET.get("index"), INDEX_HINT_MAX)}
    if request.method == "POST" and request.POST.get(HINTS_STEP):
        # 先看看是否已公开 without JavaScript: the same form again, as typed (unbound, so no
        # errors yet; files cannot be kept), with what is already public above it.
        form = ApplicationForm(initial=request.POST.dict())
        hints["hint_entries"] = _hints(request.POST.get("information_title"), request.POST.get("description"))
        hints["hints_asked"] = True
    elif request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES)
        if form.is_valid():
            key = form.cleaned_data.get("idempotency_key") or uuid.uuid4()
            try:
                application, secret, created = services.application_submit(
                    data=form.service_data(), uploads=form.cleaned_data["attachments"], idempotency_key=key,
                    suggest_proactive=form.cleaned_data["suggest_proactive"])
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                if created and request.session.pop(HINT_FOLLOWED, False):
                    demand_services.hint_count(submitted_after_following=1)
                return render(request, "applications/receipt.html", {
                    "application": application, "secret": secret, "created": created,
                    # services.application_submit mails the applicant a confirmation when it stores one.
                    "mailed": created and bool(application.email),
                    "track_address": absolute_url(reverse("applications:track"), request),
                })
    else:
        form = ApplicationForm(initial={"information_title": hints["title_hint"], "index_number": hints["index_hint"]})
    files_to_choose_again = form.is_bound and bool(request.FILES.getlist("attachments"))
    return render(request, "applications/apply.html",
                  {"form": form, "files_to_choose_again": files_to_choose_again, **hints})


# --- Hints while applying (issue #18) --------------------------------------------------------
# Published information that may already answer the request, as the citizen types (apply-hints.js
# asks `apply_hints`) or on the 先看看是否已公开 step. Counted anonymously: a page that showed
# hints, a visitor who followed one (a flag in the session, once), and whether that visitor
# applied all the same; nothing is stored per person.

HINTS_STEP = "hints_step"  # the no-JavaScript button's name
HINT_FOLLOWED = "apply_hint_followed"  # the session flag
HINT_QUERY_MAX = 1000  # of the title and description sent: search.hint_terms reads less


# What a browser or a link checker fetches before (or instead of) a click: a prefetch or prerender
# (Sec-Purpose, and the older Purpose and X-Moz), Safari's link preview (X-Purpose), a HEAD request.
# None of them is a visitor following the hint, so none is counted (a later click that the browser
# answers from its prefetch goes uncounted: fewer applications avoided, never more).
SPECULATIVE_HEADERS = ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")
SPECULATIVE_PURPOSES = ("prefetch", "prerender", "preview")


def _speculative(request) -> bool:
    if request.method != "GET":
        return True
    purposes = " ".join(request.META.get(header, "") for header in SPECULATIVE_HEADERS).lower()
    return any(purpose in purposes for purpose in SPECULATIVE_PURPOSES)


def _hints(title: str | None, description: str | None, *, count: bool = True) -> list:
    text = f"{_plain(title, TITLE_HINT_MAX)} {(description or '')[:HINT_QUERY_MAX]}"
    entries = demand_selectors.hint_entries(text)
    if entries and count:
        demand_services.hint_count(shown=1)
    return entries


@never_cache
@get_only
@rate_limit("application_hints", count=240, seconds=600, methods=("GET", "HEAD"))
def apply_hints(request):
    """JSON for apply-hints.js: up to five listed catalogue entries like the text typed. `seen=1`
    once the page has shown hints, so that a page is counted once however long one types."""
    entries = _hints(request.GET.get("title"), (request.GET.get("q") or "")[:HINT_QUERY_MAX],
                     count=request.GET.get("seen") != "1")
    return JsonResponse({"hints": [_hint_json(entry) for entry in entries]})


def _hint_json(entry) -> dict:
    return {"title": entry.title, "url": reverse("applications:apply_hint_follow", args=[entry.pk]),
            "index_number": entry.index_number, "office": entry.office.name,
            "published": timezone.localdate(entry.published_at).isoformat(),
            "attribute": str(entry.get_attribute_display()), "on_request": entry.attribute == "on_request"}


@never_cache
@get_only
def apply_hint_follow(request, pk: int):
    """A hint's link: count the visitor once per session as having followed a hint, then show the
    record. A prefetch, a preview or a HEAD request only gets the redirect."""
    entry = get_object_or_404(disclosure_selectors.catalogue_listed(), pk=pk)
    if not _speculative(request) and not request.session.get(HINT_FOLLOWED):
        request.session[HINT_FOLLOWED] = True
        demand_services.hint_count(followed=1)
    return redirect(reverse("disclosure:record", args=[entry.record_id]))


# --- Tracking ----------------------------------------------------------------------------------


links = CaseLinks(salt=TRACK_SALT, kinds={"a": DisclosureApplication}, track_url="applications:track",
                  max_age=TRACK_MAX_AGE)
case_token = links.token
with_case = links.view


def tracked_case(code: str) -> TrackingMatch | None:
    """The `tracking_lookup` hook (portal/tracking.py): an application by its SQ… code."""
    if not code.startswith(services.TRACKING_PREFIX):
        return None
    application = DisclosureApplication.objects.filter(tracking_code=code).first()
    if application is None:
        return None
    return TrackingMatch(digest=application.secret_digest,
                       status_url=lambda: reverse("applications:case", args=[case_token(application)]))


@never_cache
@get_or_post
@rate_limit("application_track", count=30, seconds=600)  # 30 guesses per 10 minutes per address
def track(request):
    """查询: the tracking code and the secret open the status page — of an application, or of a
    complaint or consultation typed here (one way in for every case). An unknown code and a
    wrong secret give the same answer after the same work (tracking.secret_matches)."""
    failed, form = False, TrackForm()
    if request.method == "POST":
        url, form, failed = tracking_form_posted(TrackForm, request.POST)
        if url:
            return redirect(url)
    return render(request, "applications/track.html", {"form": form, "failed": failed})


def _iso_date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


@dataclass
class Step:
    """One public step of the handling, for the status page's timeline."""

    on: dt.date
    kind: str
    label: str
    supplement_items: str = ""
    deadline: dt.date | None = None
    reason: str = ""
    days: int | None = None
    amount: str = ""
    pay_by: dt.date | None = None
    outcome: str = ""
    detail: str = ""


def _public_timeline(application: DisclosureApplication, events: list[ApplicationEvent]) -> list[Step]:
    """Each public step's label and date; the only texts shown are the supplement request's
    items, the extension's reason and the outcome — never staff names or internal comments."""
    steps = []
    for event in citizen_events(application, events):
        step = Step(on=event.on, kind=event.kind, label=event.get_kind_display())
        if event.kind == K.SUPPLEMENT_REQUESTED:
            step.supplement_items = event.data.get("items") or ""
            step.deadline = _iso_date(event.data.get("deadline"))
        elif event.kind == K.SUPPLEMENT_RECEIVED and event.data.get("held"):
            step.detail = _("已超过补正期限（%(date)s），本机关将判断您是否有正当理由（条例第三十条）。") % {
                "date": event.data.get("deadline", "—")}
        elif event.kind == K.SUPPLEMENT_ACCEPTED:
            step.detail = _("本机关认定您逾期补正有正当理由：%(reason)s。答复期限自收到补正之日起计算（条例第三十条）。") % {
                "reason": event.comment}
        elif event.kind == K.EXTENDED:
            step.reason = event.comment
            step.days = event.data.get("days")
            if event.data.get("approved_on"):
                step.detail = _("经本机关政府信息公开工作机构负责人于 %(date)s 同意（条例第三十三条第二款）。") % {
                    "date": event.data["approved_on"]}
        elif event.kind == K.DELAYED_REPLY:
            step.detail = _("因%(reasons)s，本机关将于 %(date)s 前答复（条例第三十五条）。") % {
                "reasons": event.comment, "date": event.data.get("until", "—")}
        elif event.kind in (K.AGENCY_CONSULTATION_STARTED, K.CONSULTATION_STARTED):
            step.detail = _("征求意见所需时间不计入答复期限（条例第三十三条第三款）。")
        elif event.kind == K.NOTICE_RECEIVED:
            which = {"fee": _("收费通知书"), "consultation": _("征求第三方意见函"),
                     "agency_consultation": _("征求其他机关意见函")}.get(event.data.get("notice"), "")
            step.detail = _("%(what)s的送达日期。") % {"what": which}
            if event.data.get("notice") == "fee":
                step.pay_by = _iso_date(event.data.get("pay_by"))
        elif event.kind == K.FEE_NOTICE:
            step.amount = str(event.data.get("amount") or "")
            step.pay_by = _iso_date(event.data.get("pay_by"))
        elif event.kind == K.REPLIED:
            outcome = event.data.get("outcome")
            step.outcome = Outcome(outcome).label if outcome in Outcome.values else ""
        steps.append(step)
    return steps


def _letter_html(application: DisclosureApplication) -> str:
    """The reply letter, once sent: sanitized again on the way out."""
    if not (application.status == Status.CLOSED and application.outcome and application.reply_letter.strip()):
        return ""
    from applications.letters import sanitize_letter

    return sanitize_letter(application.reply_letter)


def _render_case(request, application: DisclosureApplication, *, status: int = 200, **forms):
    events = list(application.events.order_by("on", "at", "pk"))
    timeline = _public_timeline(application, events)
    supplement_request = next((s for s in reversed(timeline) if s.kind == K.SUPPLEMENT_REQUESTED), None)
    closed = application.status == Status.CLOSED
    closing = next((s for s in reversed(timeline) if s.kind in CLOSING_EVENTS), None) if closed else None
    error_form = next((f for f in forms.values() if f is not None and f.errors), None)
    context = {
        "application": application,
        "token": case_token(application),  # fresh: the half hour counts from this page
        "clock": clock.compute(events),
        "timeline": timeline,
        "supplement_request": supplement_request,
        # How it ended, in words: the outcome of a reply, else the closing step (withdrawn …).
        "ending": (closing.outcome or closing.label) if closing else "",
        "letter_html": _letter_html(application),
        "files": selectors.applicant_files(application),
        "notices": selectors.applicant_notices(application),
        "supplement_form": (forms.get("supplement_form") or SupplementForm())
        if application.status == Status.SUPPLEMENT_REQUESTED else None,
        "supplement_overdue": bool(application.status == Status.SUPPLEMENT_REQUESTED and application.supplement_deadline
                                   and timezone.localdate() > application.supplement_deadline),
        "withdraw_form": (forms.get("withdraw_form") or WithdrawForm()) if application.is_open else None,
        "rating_form": (forms.get("rating_form") or RatingForm()) if closed and not application.rating else None,
        # R.44: the record the answer became, once published; before that, the applicant may suggest it.
        "public_record": selectors.public_record(application),
        "suggest_form": (forms.get("suggest_form") or SuggestProactiveForm())
        if application.replied_on and not application.proactive_suggested and not application.public_record_id
        else None,
        "error_form": error_form,
        "expires_minutes": TRACK_MAX_AGE // 60,
    }
    return render(request, "applications/case.html", context, status=status)


@never_cache
@get_only
@with_case
def case(request, application):
    return _render_case(request, application)


def _case_action(form_class, form_name: str, perform, done_message):
    """A POST from the status page: validate, call the service, come back with a message (or
    the message `done_message(application)` returns); on a GET (a reload, a language switch)
    simply show the status page."""

    @never_cache
    @get_or_post
    @rate_limit("application_case_action", count=20, seconds=600)
    @with_case
    def view(request, application):
        if request.method != "POST":
            return redirect("applications:case", token=case_token(application))
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = perform(application, form.cleaned_data)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, done_message(result) if callable(done_message) else done_message)
                return redirect("applications:case", token=case_token(application))
        application.refresh_from_db()
        return _render_case(request, application, **{form_name: form})

    return view


case_supplement = _case_action(
    SupplementForm, "supplement_form",
    lambda application, data: services.application_supplement_by_applicant(
        application=application, text=data["text"], uploads=data["attachments"]),
    lambda application: (
        _("补正已提交，但已超过补正期限。本机关将判断您是否有正当理由：有的，答复期限自收到补正之日起计算；"
          "没有的，申请视为放弃（条例第三十条）。") if application.status == Status.SUPPLEMENT_LATE
        else _("补正已提交。答复期限自收到补正之日起重新计算（条例第三十条）。")),
)
case_withdraw = _case_action(
    WithdrawForm, "withdraw_form",
    lambda application, data: services.application_withdraw(application=application, reason=data["reason"]),
    gettext_lazy("您的申请已撤回。"),
)
case_suggest = _case_action(
    SuggestProactiveForm, "suggest_form",
    lambda application, data: services.application_suggest_proactive_disclosure(application=application),
    gettext_lazy("感谢您的建议。本机关将研究是否将该信息纳入主动公开（条例第四十四条第二款）。"),
)
case_rate = _case_action(
    RatingForm, "rating_form",
    lambda application, data: services.application_rate(
        application=application, rating=data["rating"], comment=data["comment"]),
    gettext_lazy("感谢您的评价。"),
)


@never_cache
@get_only
@with_case
def case_letter(request, application):
    """The reply letter alone, to print (the letters' own print page)."""
    letter_html = _letter_html(application)
    if not letter_html:
        raise Http404
    response = render(request, "applications/letter_print.html",
                      {"application": application, "letter_html": letter_html})
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@get_only
@with_case
def case_letter_pdf(request, application):
    letter_html = _letter_html(application)
    if not letter_html:
        raise Http404
    from applications.letter_pdf import letter_pdf
    from applications.letters import LETTER_TITLE

    title = f"{LETTER_TITLE} {application.tracking_code}"
    response = HttpResponse(letter_pdf(letter_html, title=title), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{LETTER_TITLE}-{application.tracking_code}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _notice_for(application: DisclosureApplication, notice_id: int) -> ApplicationNotice:
    return get_object_or_404(selectors.applicant_notices(application), pk=notice_id)


@never_cache
@get_only
@with_case
def case_notice(request, application, notice_id: int):
    """A notice sent to the applicant (补正告知书, 延期答复告知书, ...), to print."""
    from applications.letters import sanitize_letter

    notice = _notice_for(application, notice_id)
    response = render(request, "applications/letter_print.html", {
        "application": application, "letter_html": sanitize_letter(notice.html),
        "document_title": notice.get_kind_display()})
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@get_only
@with_case
def case_notice_pdf(request, application, notice_id: int):
    from applications.letter_pdf import letter_pdf

    notice = _notice_for(application, notice_id)
    title = f"{notice.get_kind_display()} {application.tracking_code}"
    response = HttpResponse(letter_pdf(notice.html, title=title), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{notice.get_kind_display()}-{application.tracking_code}-{notice.pk}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@get_only
@with_case
def case_file(request, application, file_id: int):
    """A file provided with the reply, once the reply is sent; any other is 'not found'."""
    item = get_object_or_404(selectors.applicant_files(application), pk=file_id)
    # R.37: the redacted copy of a file, when there is one, is what the applicant receives.
    item = released_file(item)
    if item is None:
        raise Http404
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=item.original_name,
                            content_type=item.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response

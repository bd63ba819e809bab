"""意见征集, the public side: the list of calls for comments whose draft is published, one page
per call with the draft, its terms, the comment form while it is open (spam trap, one-time key,
rate limit, one attachment checked from its content) and, once published, the adoption report.

Open or closed is derived from the dates at each request (Beijing time): these pages carry a
form and are never cached whole."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from disclosure import comment_selectors, comment_services
from disclosure.comment_forms import PublicCommentForm
from disclosure.comment_models import CommentPhase
from portal import ratelimit
from portal.errors import DomainError

PAGE_SIZE = 20
COMMENT_LIMIT = ratelimit.Limit("public_comment_submit", 10, 600)


@never_cache
@require_http_methods(["GET", "HEAD"])
def comment_periods(request):
    now = timezone.now()
    page = Paginator(comment_selectors.comment_periods_public().order_by("-start_date", "-pk"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    for period in page.object_list:
        period.current_phase = period.phase(now)
        period.phase_label = CommentPhase(period.current_phase).label
        period.report = comment_selectors.adoption_report_public(period)
    return render(request, "disclosure/comments/list.html", {"page": page})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters("name", "contact")
def comment_period(request, pk: int):
    period = get_object_or_404(comment_selectors.comment_periods_public(), pk=pk)
    rules = comment_services.comment_rules()
    form = None
    if request.method == "POST":
        form = PublicCommentForm(request.POST, request.FILES, require_name=rules.require_name)
        if (retry_after := ratelimit.check(request, COMMENT_LIMIT)) is not None:
            form.is_valid()
            form.add_error(None, ratelimit.wait_message(retry_after))
            response = _page(request, period, form, status=429)
            response["Retry-After"] = str(retry_after)
            return response
        if form.is_valid():
            try:
                comment, created = comment_services.public_comment_submit(
                    period=period, text=form.cleaned_data["text"], name=form.cleaned_data["name"],
                    contact=form.cleaned_data["contact"], upload=form.cleaned_data["attachment"],
                    idempotency_key=form.cleaned_data["idempotency_key"])
            except DomainError as error:
                form.add_error(None, str(error))  # closed meanwhile, or refused: said above the form
            else:
                return render(request, "disclosure/comments/receipt.html",
                              {"period": period, "comment": comment, "created": created})
    elif comment_services.refusal_if_not_open(period) is None:
        form = PublicCommentForm(require_name=rules.require_name)
    return _page(request, period, form)


def _page(request, period, form, *, status: int = 200):
    now = timezone.now()
    refusal = comment_services.refusal_if_not_open(period, now)
    if refusal is not None and form is not None and not form.is_bound:
        form = None
    return render(request, "disclosure/comments/period.html", {
        "period": period, "record": period.record, "phase": period.phase(now),
        "phase_label": CommentPhase(period.phase(now)).label, "refusal": refusal, "form": form,
        "attachments": period.record.attachments.all(), "report": comment_selectors.adoption_report_public(period),
        "files_to_choose_again": bool(form is not None and form.is_bound and request.FILES.get("attachment")),
    }, status=status)

"""查找本人案件: the public pages of portal/own_cases (why it works this way: its __init__).

None is cached (no `@cache_public_page`) and every response says `Cache-Control: no-store`
(`never_cache`): they carry a CSRF token, a one-time link or a person's own cases."""

from __future__ import annotations

import logging
import time

from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal import ratelimit
from portal.audit import audit
from portal.models import AuditEvent
from portal.own_cases import selectors, services
from portal.own_cases.forms import ContactForm

logger = logging.getLogger(__name__)

GRANT = "own_cases"  # the session key of the grant: {"refs": [...], "until": epoch seconds}
GRANT_SECONDS = services.LINK_MINUTES * 60

# Per client address (every request), and per address asked for (every client together): a
# person needs one link, perhaps a second; a flood is stopped and written to the audit trail.
CLIENT_LIMIT = ratelimit.Limit("own_cases_request", 10, 3600)
CONTACT_LIMIT = ratelimit.Limit("own_cases_contact", 3, 3600)
OPEN_LIMIT = ratelimit.Limit("own_cases_open", 20, 600)

get_or_post = require_http_methods(["GET", "HEAD", "POST"])


def _limited(request, retry_after: int, *, detail: str, template: str, context: dict):
    """The refusal, and one audit entry per client or address and window (a flood writes one
    line, not thousands). A refused link is not audited: its address holds the token."""
    if detail != "open" and cache.add(f"own_cases:audited:{detail.replace(' ', '-')}:{int(time.time() // 600)}", 1,
                                      timeout=600):
        audit(AuditEvent.CASE_LINK_LIMITED, request=request, detail=detail)
    elif detail == "open":
        logger.warning("own-cases links opened too often from one client")
    response = render(request, template, {**context, "limited_message": ratelimit.wait_message(retry_after)},
                      status=429)
    response["Retry-After"] = str(retry_after)
    return response


@never_cache
@get_or_post
def request_link(request):
    """The address typed, the same page for every address: "if it is ours, the link is on its way"."""
    if request.method != "POST":
        return render(request, "portal/own_cases/request.html", {"form": ContactForm()})
    if (retry_after := ratelimit.check(request, CLIENT_LIMIT)) is not None:
        return _limited(request, retry_after, detail="client", template="portal/own_cases/request.html",
                        context={"form": ContactForm()})
    form = ContactForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/own_cases/request.html", {"form": form})
    contact = form.cleaned_data["contact"]
    if (retry_after := ratelimit.check(request, CONTACT_LIMIT, subject=contact.value)) is not None:
        return _limited(request, retry_after, detail=f"contact {contact.digest}",
                        template="portal/own_cases/request.html", context={"form": ContactForm()})
    services.case_list_link_request(contact=contact, request=request)
    return render(request, "portal/own_cases/sent.html", {"channel": contact.channel,
                                                          "minutes": services.LINK_MINUTES})


@never_cache
@get_or_post
def open_link(request, token: str):
    """The link from the message: a button spends it (a mail scanner's visit does not)."""
    if request.method == "POST":
        if (retry_after := ratelimit.check(request, OPEN_LIMIT)) is not None:
            return _limited(request, retry_after, detail="open", template="portal/own_cases/open.html",
                            context={"usable": False})
        refs = services.case_list_link_consume(token=token)
        if refs is not None:
            request.session.cycle_key()  # a new session for the grant (no fixation)
            request.session[GRANT] = {"refs": refs, "until": time.time() + GRANT_SECONDS}
            return redirect("own_cases:list")
        usable = False
    else:
        usable = selectors.case_list_link_usable(token)
    response = render(request, "portal/own_cases/open.html", {"usable": usable}, status=200 if usable else 410)
    response["Referrer-Policy"] = "same-origin"  # the token is in this page's address: never to another site (no-referrer would send "Origin: null" and fail CSRF)
    return response


def _grant(request) -> list | None:
    grant = request.session.get(GRANT)
    if not isinstance(grant, dict) or not isinstance(grant.get("until"), int | float) or grant["until"] < time.time():
        request.session.pop(GRANT, None)
        return None
    return grant.get("refs") or []


@never_cache
@require_http_methods(["GET", "HEAD"])
def case_list(request):
    """The citizen's cases: only those the spent link named, for 30 minutes after it was spent."""
    refs = _grant(request)
    if refs is None:
        messages.warning(request, _("查看本人案件的链接已超过30分钟或无效，请重新获取。"))
        return redirect("own_cases:request")
    minutes_left = max(1, int((request.session[GRANT]["until"] - time.time()) // 60))
    return render(request, "portal/own_cases/list.html",
                  {"cases": selectors.own_case_rows(refs), "minutes_left": minutes_left})


@never_cache
@require_http_methods(["POST"])
def case_list_leave(request):
    """结束查看: the grant ends now (a shared computer)."""
    request.session.pop(GRANT, None)
    messages.success(request, _("已结束查看。"))
    return redirect("own_cases:request")

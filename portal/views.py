from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.context_processors import CONTRAST_CHOICES, CONTRAST_COOKIE, FONT_CHOICES, FONT_COOKIE

PREFERENCE_MAX_AGE = 365 * 24 * 60 * 60  # one year, in seconds


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """Rendered without context processors that could touch the database again. When the
    database is unreachable the public gets a calm 503 page instead: every submission is one
    transaction, so nothing half-written remains and a receipt means it was stored."""
    import sys

    from django.db import InterfaceError, OperationalError
    from django.template import loader

    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "120"
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def robots_txt(request):
    from django.urls import reverse

    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
def display_preferences(request):
    """The large-font and high-contrast switches: remembered in cookies for a year, no account needed.

    Not CSRF-protected on purpose, like the language switch: a forged request could only change
    how the site looks to that visitor, and without a token in the header forms every public
    page can be cached whole (portal/pagecache.py).

    Each button posts one setting; a missing or unknown value changes nothing. The reader goes
    back to the page they were on when `next` points into this site, else to the home page.
    """
    response = HttpResponseRedirect(_safe_next(request))
    for field, cookie, choices in (
        ("font", FONT_COOKIE, FONT_CHOICES),
        ("contrast", CONTRAST_COOKIE, CONTRAST_CHOICES),
    ):
        value = request.POST.get(field)
        if value in choices:
            response.set_cookie(cookie, value, max_age=PREFERENCE_MAX_AGE, samesite="Lax", httponly=True,
                                secure=request.is_secure())
    return response


def _safe_next(request) -> str:
    target = request.POST.get("next", "")
    # isprintable(): a line break would make the Location header itself fail.
    if target and target.isprintable() and url_has_allowed_host_and_scheme(
        url=target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"

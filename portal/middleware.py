import base64
import hashlib
import re

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.utils import translation
from django.utils.cache import patch_vary_headers

from portal.pagecache import chosen_language


class HealthCheckMiddleware:
    """`GET /healthz` for load balancers: 200 when the database answers, 503 when it does not.

    First in MIDDLEWARE, so it is answered before the HTTPS redirect and before the Host header
    is validated: a balancer probes each app server over plain HTTP by its own address
    (`Host: 10.0.0.11:8000`), which would otherwise get a 301 or a 400. The body says ok or
    unavailable and nothing else (no error text, no version, no host name)."""

    PATH = "/healthz"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != self.PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        from django.db import connection
        from django.http import JsonResponse

        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            response = JsonResponse({"status": "ok"})
        except Exception:  # any failure to reach the database means: take this server out
            response = JsonResponse({"status": "unavailable"}, status=503)
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ForwardedHeadersMiddleware:
    """X-Forwarded-For, X-Forwarded-Proto and their kin are believed only from a trusted proxy
    (settings.TRUSTED_PROXIES): a client that reaches an app server directly cannot choose its
    address for the rate limits, the login brake and the audit trail, nor claim HTTPS."""

    HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT",
               "HTTP_X_FORWARDED_PROTOCOL", "HTTP_X_FORWARDED_SSL", "HTTP_X_REAL_IP", "HTTP_FORWARDED")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from portal.ratelimit import from_trusted_proxy

        if not from_trusted_proxy(request):
            for header in self.HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


class RejectNulBytesMiddleware:
    """A NUL byte in the path or the query string is never a real visitor: PostgreSQL refuses it
    in any text parameter, so it would surface as a 500 in whichever query met it first. Refuse
    it once, here, with the calm 400 page. (Form fields already refuse it in POST bodies.) A
    cookie holding one is dropped instead, so a damaged cookie cannot lock a visitor out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or "\x00" in value
                                          for key, values in request.GET.lists() for value in values):
            raise SuspiciousOperation("NUL byte in the request URL")
        for name in [name for name, value in request.COOKIES.items() if "\x00" in name or "\x00" in value]:
            del request.COOKIES[name]
        return self.get_response(request)


class ChineseFirstLocaleMiddleware:
    """The portal speaks Chinese unless the visitor chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language header, so staff on an
    English-language browser would get an English back office; here only the explicit choice
    (the language cookie set by /i18n/setlang/) counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


class ImportMapHashMiddleware:
    """The rich-text editor needs an inline <script type="importmap">. Rather than allowing inline
    scripts, add the exact hash of each import map on the page to the CSP (sits inside
    CSPMiddleware, so this runs first on the way out)."""

    PATTERN = re.compile(rb'<script type="importmap"[^>]*>(.*?)</script>', re.S)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.streaming or "text/html" not in response.get("Content-Type", ""):
            return response
        hashes = [
            "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
            for body in self.PATTERN.findall(response.content)
        ]
        if hashes:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["script-src"] = [*update.get("script-src", []), *hashes]
            response._csp_update = update
        return response


class StaffSessionMiddleware:
    """Staff sessions end after STAFF_IDLE_TIMEOUT_SECONDS without a request (sliding expiry)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            request.session.set_expiry(settings.STAFF_IDLE_TIMEOUT_SECONDS)
        return self.get_response(request)


class AuditDeniedMiddleware:
    """Every refusal of a signed-in person is recorded in the audit trail: a 403, and an object
    outside their scope that was answered as a 404 (portal.errors.NotInScope)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def process_exception(self, request, exception):
        from portal.errors import NotInScope

        user = getattr(request, "user", None)
        if isinstance(exception, NotInScope) and user is not None and user.is_authenticated:
            from portal.audit import audit
            from portal.models import AuditEvent

            audit(AuditEvent.PERMISSION_DENIED, request=request, user=user, detail=f"{request.method} out of scope")
        return None

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if response.status_code == 403 and user is not None and user.is_authenticated:
            from portal.audit import audit
            from portal.models import AuditEvent

            audit(AuditEvent.PERMISSION_DENIED, request=request, user=user, detail=request.method)
        return response

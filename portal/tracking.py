"""The public's way into its own case without an account: the tracking secret (查询密码) of every
application, report and consultation, and the signed link of the status page.

The secret: eight characters from an alphabet without look-alikes, shown once on the receipt and stored only
as a salted, deliberately slow digest (PBKDF2-SHA256): eight characters are about 40 bits, which a
plain hash would give up quickly to anyone holding a copy of the database."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect
from django.utils.translation import gettext as _

SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed by hand
SECRET_LENGTH = 8
ITERATIONS = 60_000  # some 30 ms per check: nothing for a visitor, slow for a guesser
_DUMMY = f"pbkdf2_sha256${ITERATIONS}${'0' * 16}${'0' * 64}"


def _normalised(secret: str) -> bytes:
    return (secret or "").strip().upper().encode()


def _pbkdf2(secret: str, salt: str, iterations: int) -> str:
    return hashlib.pbkdf2_hmac("sha256", _normalised(secret), salt.encode(), iterations).hex()


def secret_digest(secret: str) -> str:
    salt = secrets.token_hex(8)
    return f"pbkdf2_sha256${ITERATIONS}${salt}${_pbkdf2(secret, salt, ITERATIONS)}"


def secret_matches(stored: str | None, secret: str) -> bool:
    """Constant time, and the same work whether or not the case exists (`stored` None): an
    unknown code and a wrong secret cannot be told apart by timing."""
    digest = stored or _DUMMY
    if digest.startswith("pbkdf2_sha256$"):
        _scheme, iterations, salt, expected = digest.split("$", 3)
        computed = _pbkdf2(secret, salt, int(iterations))
    else:  # the first releases' format: salt$sha256(salt:secret)
        salt, _sep, expected = digest.partition("$")
        computed = hashlib.sha256(f"{salt}:".encode() + _normalised(secret)).hexdigest()
    return hmac.compare_digest(computed, expected) and stored is not None


def new_secret(idempotency_key: uuid.UUID | None, purpose: str) -> str:
    """Random; for an online submission derived from the form's one-time key, so that a double
    submit shows the same secret on the same receipt."""
    if idempotency_key is None:
        return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))
    mac = hmac.new(settings.SECRET_KEY.encode(), f"{purpose}-secret:{idempotency_key}".encode(), "sha256").digest()
    return "".join(SECRET_ALPHABET[b % len(SECRET_ALPHABET)] for b in mac[:SECRET_LENGTH])


@dataclass(frozen=True)
class TrackingMatch:
    """A case found by its tracking code, of whatever kind: its secret's digest and the way to
    its status page (a fresh signed link)."""

    digest: str
    status_url: Callable[[], str]


def tracked_case_url(code: str, secret: str) -> str | None:
    """The status page of the case with this tracking code, if `secret` is its secret — an
    application (SQ…), a complaint (JB…) or a consultation (ZX…) alike: each app declares a
    `tracking_lookup` hook (portal/hooks.py) answering for its own codes, so a code typed on any
    tracking page leads to its case. None otherwise, after the same work (secret_matches)."""
    from portal.hooks import hooks

    found = None
    for lookup in hooks("tracking_lookup"):
        if (found := lookup(code)) is not None:
            break
    if secret_matches(found.digest if found else None, secret):
        return found.status_url()
    return None


def status_url_for_code(code: str) -> str | None:
    """A fresh status-page link of the case with this code, without its secret: only for callers
    that have established the citizen's right to the case otherwise (portal/own_cases)."""
    from portal.hooks import hooks

    for lookup in hooks("tracking_lookup"):
        if (found := lookup(code)) is not None:
            return found.status_url()
    return None


class CaseLinks:
    """The status page's link: a signed token naming the case, valid for `max_age` seconds after
    the code and secret were typed, so the secret itself never appears in a URL or a log.
    `kinds` maps a one-letter key to each model whose cases the link may name."""

    def __init__(self, *, salt: str, kinds: dict[str, type], track_url: str, max_age: int = 30 * 60,
                 related: tuple[str, ...] = ()):
        self.salt, self.kinds, self.track_url, self.max_age = salt, kinds, track_url, max_age
        self.related = related  # select_related for what every status page shows

    def token(self, case) -> str:
        key = next(key for key, model in self.kinds.items() if isinstance(case, model))
        return signing.dumps({"k": key, "p": case.pk}, salt=self.salt)

    def case_for(self, token: str):
        """The case, or None for a forged, damaged or expired token (never an error)."""
        try:
            payload = signing.loads(token, salt=self.salt, max_age=self.max_age)
        except signing.BadSignature:  # SignatureExpired is a subclass
            return None
        if not isinstance(payload, dict) or payload.get("k") not in self.kinds or not isinstance(payload.get("p"), int):
            return None
        return self.kinds[payload["k"]].objects.select_related(*self.related).filter(pk=payload["p"]).first()

    def view(self, view):
        """Decorate a view taking (request, case, …): an unusable link goes back to the track form."""

        @functools.wraps(view)
        def wrapper(request, token: str, *args, **kwargs):
            case = self.case_for(token)
            if case is None:
                messages.warning(request, _("查询链接已超过30分钟或无效，请重新输入查询码和查询密码。"))
                return redirect(self.track_url)
            return view(request, case, *args, **kwargs)

        return wrapper


def tracking_form_posted(form_class, data) -> tuple[str | None, object, bool]:
    """The tracking form of any tracking page, posted: (the status page to go to, the form to
    show again, whether it failed). A failure shows an empty form: nothing typed is echoed, so an
    unknown code and a wrong secret look exactly alike."""
    form = form_class(data)
    if not form.is_valid():
        return None, form, False
    if url := tracked_case_url(form.cleaned_data["tracking_code"], form.cleaned_data["secret"]):
        return url, form, False
    return None, form_class(), True

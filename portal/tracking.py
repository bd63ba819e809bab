"""The tracking secret (查询密码) the public gets with every application, report and consultation.

Eight characters from an alphabet without look-alikes, shown once on the receipt and stored only
as a salted, deliberately slow digest (PBKDF2-SHA256): eight characters are about 40 bits, which a
plain hash would give up quickly to anyone holding a copy of the database."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

from django.conf import settings

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

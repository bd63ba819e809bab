"""Idempotent intake of a public submission (an application, a report, a consultation, a survey
answer): the form carries a one-time key, and however often it arrives — a double click, a resend
after a timeout, four requests at the same moment — one row is stored and every answer is that
submission's receipt.

A duplicate that arrives while the first is being stored can fail in two ways, depending on who
gets where first: the database's unique constraint on the key (IntegrityError), or, when the first
request committed before this one validated, `full_clean()`'s uniqueness check (ValidationError,
or the InvalidInput a service turned it into: "提交标识已存在"). Either way, once the key is stored the
answer is the stored submission, never an error page: after a double click the browser shows the
last response, and a citizen without a receipt applies again (issue #16).

Only the key finds the stored submission, and the receipt's secret is derived from the key
(portal.tracking.new_secret): a request with another key can never be answered with this one's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError

from portal.errors import DomainError

Case = TypeVar("Case")


def _stored(model: type[Case], idempotency_key: uuid.UUID | None) -> Case | None:
    if not idempotency_key:
        return None
    return model._default_manager.filter(idempotency_key=idempotency_key).first()


def intake_once(model: type[Case], *, idempotency_key: uuid.UUID | None, create: Callable[[], Case]
                ) -> tuple[Case, bool]:
    """(case, created): the submission stored with `idempotency_key`, or the one `create()` stores.
    `create` runs in its own transaction (it must leave nothing behind when it fails)."""
    if existing := _stored(model, idempotency_key):
        return existing, False
    try:
        return create(), True
    except (IntegrityError, ValidationError, DomainError):
        if existing := _stored(model, idempotency_key):  # the same form, stored by the other request
            return existing, False
        raise

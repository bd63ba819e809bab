"""Text messages (短信) to a citizen's mobile number: one function, `send_sms`, and a backend
chosen by settings.PORTAL_SMS_BACKEND, as Django chooses its mail backend.

- `portal.sms.ConsoleBackend` (the default): prints the message to standard output, with the
  number masked (139****5678), for the demo and development. Production names a backend of its
  SMS gateway: a class with `send(number, text)` that raises on failure.
- `portal.sms.LocmemBackend` (the tests): keeps each message in `portal.sms.outbox`.

A backend is handed an 11-digit mobile number (portal/own_cases/selectors.py normalises it)."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "portal.sms.ConsoleBackend"


@dataclass(frozen=True)
class TextMessage:
    number: str
    text: str


outbox: list[TextMessage] = []


def masked(number: str) -> str:
    """139****5678: enough to tell two phones apart in a log, not enough to call anyone."""
    return f"{number[:3]}****{number[-4:]}" if len(number) >= 8 else "****"


class ConsoleBackend:
    def send(self, number: str, text: str) -> None:
        sys.stdout.write(f"--- SMS to {masked(number)} ---\n{text}\n---\n")
        sys.stdout.flush()


class LocmemBackend:
    def send(self, number: str, text: str) -> None:
        outbox.append(TextMessage(number=number, text=text))


def send_sms(number: str, text: str) -> bool:
    """Send `text` to `number`; False (logged, without the number) when the backend failed: a
    gateway outage must not break the page that asked for the message."""
    backend = import_string(getattr(settings, "PORTAL_SMS_BACKEND", "") or DEFAULT_BACKEND)()
    try:
        backend.send(number, text)
    except Exception as error:
        logger.error("SMS failed (%s) to %s", type(error).__name__, masked(number))
        return False
    return True

"""Extension points declared by apps in their AppConfig, so that a lower layer calls into the apps
built on it without importing them (DESIGN.md: portal → disclosure → applications → complaints).

An app declares `<name> = "dotted.path"` (or a list of them) on its AppConfig; `hooks(name)`
returns the functions, in app order: `worklist`, `public_schedule`, `record_submission_guard`,
`record_publication_guard`, `tracking_lookup`, `demand_requests`, `demand_fingerprint`, `notice_refused` (portal/outbox.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.utils.module_loading import import_string


def hooks(name: str) -> list[Callable]:
    found = []
    for config in apps.get_app_configs():
        declared = getattr(config, name, None) or ()
        for path in [declared] if isinstance(declared, str) else declared:
            found.append(import_string(path))
    return found

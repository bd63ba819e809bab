"""Writing the security audit trail: logins, failures, lockouts, permission denials."""

from __future__ import annotations

import logging

from portal.ratelimit import client_address

logger = logging.getLogger("portal.audit")


def audit(event: str, *, request=None, user=None, username: str = "", detail: str = "") -> None:
    from portal.models import AuditEntry

    user = user if user is not None and getattr(user, "pk", None) else None
    username = (username or (user.get_username() if user else ""))[:150]
    path = request.path[:300] if request is not None else ""
    ip = client_address(request) if request is not None else None
    AuditEntry.objects.create(event=event, user=user, username=username, ip_address=ip, path=path,
                              detail=detail[:300])
    logger.info("%s user=%s ip=%s path=%s %s", event, username or "-", ip or "-", path or "-", detail)

"""System checks of the application settings (applications/receipt.py, applications/selectors.py).

`manage.py check` (run by migrate and at deploy) refuses an extension approver nobody can hold,
or a presumed delivery time that is not a whole number of days, with a line that says which
setting and what to put there.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from portal.models import OfficeKind, Role


@checks.register(checks.Tags.compatibility)
def check_application_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    problems = []
    approvers = getattr(settings, "APPLICATION_EXTENSION_APPROVERS", [])
    bad = [entry for entry in approvers
           if entry.partition(":")[0] not in Role.values
           or (entry.partition(":")[2] and entry.partition(":")[2] not in OfficeKind.values)]
    if not approvers or bad:
        problems.append(checks.Error(
            f"APPLICATION_EXTENSION_APPROVERS={approvers!r}：批准延长答复期限的人员（条例第三十三条第二款），"
            f"应为角色或“角色:处室类型” / must list roles, or role:office-kind",
            hint=f"角色 / roles: {', '.join(Role.values)}; 处室类型 / office kinds: {', '.join(OfficeKind.values)}; "
                 "默认 / default: division_head:general_office,leader",
            id="applications.E001",
        ))
    days = getattr(settings, "NOTICE_RECEIPT_PRESUMED_DAYS", {})
    if any(not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 60 for value in days.values()):
        problems.append(checks.Error(
            f"NOTICE_RECEIPT_PRESUMED_DAYS={days!r}：推定送达的天数应为0至60的整数 / days must be whole numbers 0–60",
            hint="例如 / e.g. PORTAL_NOTICE_RECEIPT_PRESUMED_DAYS=post:7,email:0,in_person:0,fax:0",
            id="applications.E002",
        ))
    return problems

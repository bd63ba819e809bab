"""What a record's back-office pages show of issue #20 (through portal's `object_panels` tag):
each attachment's redaction, the personal-data check, and — on the approval steps — the
original beside the released copy, so that nobody approves a redaction they have not seen."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from disclosure.models import Record

# The steps at which a reviewer decides on what will be released (M.12).
APPROVALS = ("approve_division", "approve_confidentiality", "sign_off", "publish")


def file_panel(request, obj, *, items, where: str, name: str, approvals=APPROVALS) -> str:
    from disclosure import personal_data_checks as checks
    from disclosure.redaction_admin import _editor_text, _part_rows, check_url, redaction_status
    from disclosure.redaction_models import RedactionState

    scan = checks.scan_target(obj)
    # "修改正文" of a hit in the body leads to the object's page (it was an empty link here).
    back_url = checks.target_for(obj).url(obj)
    statuses = [redaction_status(item, request.user) for item in items]
    compares = [
        {"status": s, "original_url": reverse("admin:disclosure_fileredaction_file", args=[s["current"].pk, "original"]),
         "released_url": reverse("admin:disclosure_fileredaction_file", args=[s["current"].pk, "released"])}
        for s in statuses if s["current"] is not None and s["current"].state == RedactionState.DONE
    ] if where == "transition" and name in approvals else []
    return render_to_string("admin/disclosure/redaction/_panel.html", {
        "obj": obj, "scan": scan, "parts": _part_rows(scan, request.user), "statuses": statuses,
        "compares": compares, "check_url": check_url(obj), "may_clear": False, "detailed": False,
        "where": where, "js_text": _editor_text(), "back_url": back_url,
    }, request=request)


def record_panels(request, obj, *, where: str, name: str = "") -> str:
    if not isinstance(obj, Record):
        return ""
    if where == "transition" and name not in ("submit", *APPROVALS):
        return ""
    return file_panel(request, obj, items=list(obj.attachments.all()), where=where, name=name)

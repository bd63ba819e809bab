"""What an application's back-office pages show of issue #20: the files provided with the reply
and their redaction, the personal-data check of the letter and the files, and — when the reply
is approved and sent — each file's original beside its released copy."""

from __future__ import annotations

from applications.models import DisclosureApplication, FileRole


def application_panels(request, obj, *, where: str, name: str = "") -> str:
    from disclosure.panels import file_panel

    if not isinstance(obj, DisclosureApplication):
        return ""
    if where == "transition" and name != "send_reply":
        return ""
    items = list(obj.files.filter(role=FileRole.PROVIDED))
    if where == "change" and not items and not obj.reply_letter:
        return ""
    return file_panel(request, obj, items=items, where=where, name=name, approvals=("send_reply",))

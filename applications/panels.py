"""What an application's back-office pages show of issue #20: the files provided with the reply
and their redaction, the personal-data check of the letter and the files, and — when the reply
is approved and sent — each file's original beside its released copy.

And of issue #18 (R.44): on the page of "纳入主动公开", what the draft record will receive; on a
record's page, the applications whose answer it came from."""

from __future__ import annotations

from django.template.loader import render_to_string

from applications.models import DisclosureApplication, FileRole


def application_panels(request, obj, *, where: str, name: str = "") -> str:
    from disclosure.models import Record
    from disclosure.panels import file_panel

    if isinstance(obj, Record):
        return source_applications_panel(request, obj) if where == "change" else ""
    if not isinstance(obj, DisclosureApplication):
        return ""
    if where == "transition" and name == "propose_proactive_disclosure":
        return proactive_preview_panel(request, obj)
    if where == "transition" and name != "send_reply":
        return ""
    items = list(obj.files.filter(role=FileRole.PROVIDED))
    if where == "change" and not items and not obj.reply_letter:
        return ""
    return file_panel(request, obj, items=items, where=where, name=name, approvals=("send_reply",))


def proactive_preview_panel(request, application: DisclosureApplication) -> str:
    """The files the draft will receive, as released (R.37), and what stays behind."""
    from applications import workflow

    return render_to_string("admin/applications/disclosureapplication/_proactive_preview.html",
                            {"released": workflow.released_files(application)}, request=request)


def source_applications_panel(request, record) -> str:
    """The applications whose answer became this record (R.44); a link for those who may open them."""
    from applications.selectors import applications_for_staff

    sources = list(record.source_applications.order_by("pk"))
    if not sources:
        return ""
    visible = set(applications_for_staff(request.user).filter(pk__in=[a.pk for a in sources])
                  .values_list("pk", flat=True))
    return render_to_string("admin/applications/disclosureapplication/_source_applications.html",
                            {"sources": sources, "visible": visible}, request=request)

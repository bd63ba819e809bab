"""The personal-data check of a reply (M.6, R.15; issue #20): the letter and every file provided
are scanned as the applicant will receive them; the applicant's own identity number, phone and
address are not hits in a reply to them. An unresolved hit stops the reply from being sent."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from applications import selectors, workflow
from applications.models import DisclosureApplication, FileRole, Status
from disclosure.personal_data_checks import CheckTarget, Part, refusal, scan_target
from portal.errors import ActionRefused, InvalidInput, StateConflict
from portal.personal_data import html_text


class ReplyTarget(CheckTarget):
    model = DisclosureApplication

    def parts(self, obj) -> list[Part]:
        parts = [Part(label=_("告知书"), text=html_text(obj.reply_letter))] if obj.reply_letter else []
        for item in obj.files.filter(role=FileRole.PROVIDED).order_by("uploaded_at", "pk"):
            parts.append(Part(label=_("提供的文件《%(name)s》") % {"name": item.original_name}, item=item))
        return parts

    def exclude(self, obj) -> set[str]:
        return {value for value in (obj.identity_number, obj.phone, obj.email) if value}

    def check_clear(self, obj, actor) -> str:
        if obj.status not in (Status.RECEIVED, Status.ASSIGNED, Status.REPLY_DRAFTED):
            raise StateConflict(_("答复已发出，不能再补充说明。"))
        role = workflow.acting_role(actor, obj, (workflow.ASSIGNED_OFFICE, workflow.DISCLOSURE_OFFICE))
        if role is None:
            raise ActionRefused(_("只有承办处室和政府信息公开工作机构可以说明理由。"))
        return role

    def visible(self, user) -> QuerySet:
        return selectors.applications_for_staff(user)

    def url(self, obj) -> str:
        return reverse("admin:applications_disclosureapplication_change", args=[obj.pk])


def reply_guard(application: DisclosureApplication) -> None:
    """Called by applications.services.application_send_reply before anything is released."""
    scan = scan_target(application, target=ReplyTarget())
    if not scan.clean:
        raise InvalidInput(refusal(scan, what=_("发出")))

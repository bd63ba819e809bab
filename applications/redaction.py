"""Files provided to an applicant can be redacted before the reply is sent (R.37: the parts that
cannot be disclosed are withheld, the rest provided). The engine and the job are disclosure's
(disclosure/redaction*.py); this declares who may redact a provided file and while what holds."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from applications import selectors, workflow
from applications.models import ApplicationFile, DisclosureApplication, FileRole, Status
from disclosure.redaction_services import RedactionSource
from portal.errors import ActionRefused, StateConflict

# Until the reply is sent the files provided stay internal; the office drafting the reply and the
# disclosure office approving it prepare them.
OPEN_FOR_REDACTION = (Status.RECEIVED, Status.ASSIGNED, Status.REPLY_DRAFTED)


class ProvidedFileSource(RedactionSource):
    model = ApplicationFile

    def lock(self, item):
        return DisclosureApplication.objects.select_for_update().get(pk=item.application_id)

    def check(self, item, actor) -> None:
        application = item.application
        if item.role != FileRole.PROVIDED:
            raise ActionRefused(_("只有提供给申请人的政府信息可以做遮盖处理。"))
        if workflow.acting_role(actor, application, (workflow.ASSIGNED_OFFICE, workflow.DISCLOSURE_OFFICE)) is None:
            raise ActionRefused(_("只有承办处室和政府信息公开工作机构可以对答复文件做遮盖处理。"))
        if item.visible_to_applicant or application.status not in OPEN_FOR_REDACTION:
            raise StateConflict(_("答复已发出，文件不能再做遮盖处理。"))

    def visible(self, user) -> QuerySet:
        return ApplicationFile.objects.filter(role=FileRole.PROVIDED,
                                              application__in=selectors.applications_for_staff(user))

    def owner_url(self, item) -> str:
        return reverse("admin:applications_disclosureapplication_change", args=[item.application_id])

    def owner_label(self, item) -> str:
        return str(item.application)

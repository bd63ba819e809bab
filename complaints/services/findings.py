"""Accountability findings of the supervision office (责任追究, M.20)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import (
    AccountabilityFinding,
    Measure,
)
from complaints.services.common import _clean, _require_text, logger
from portal.errors import ActionRefused, InvalidInput
from portal.models import Office, Role
from portal.selectors import has_role

# --- Accountability findings (责任追究, M.20) -----------------------------------------------------


def _finding_links(office: Office, complaints, records, applications) -> tuple[list, list, list]:
    complaints, records, applications = list(complaints or ()), list(records or ()), list(applications or ())
    if any(c.office_id != office.pk for c in complaints):
        raise InvalidInput(_("关联的举报投诉必须是针对该处室的。"))
    if any(r.office_id != office.pk for r in records):
        raise InvalidInput(_("关联的政府信息必须是该处室的。"))
    if any(a.office_id != office.pk for a in applications):
        raise InvalidInput(_("关联的申请必须是由该处室承办的。"))
    return complaints, records, applications


def _require_recorder(actor) -> None:
    if not (actor.has_perm("complaints.record_finding") and has_role(actor, Role.SUPERVISION)):
        raise ActionRefused(_("责任追究由厅监察室记录。"))


def finding_record(*, actor, office: Office, title: str, facts: str, measure: str, decided_on: dt.date,
                   measure_detail: str = "", complaints=(), records=(), applications=()) -> AccountabilityFinding:
    """The supervision office records a finding against an office and what follows (M.20)."""
    _require_recorder(actor)
    if measure not in Measure.values:
        raise InvalidInput(_("请选择处理措施。"))
    if decided_on > timezone.localdate():
        raise InvalidInput(_("认定日期不能晚于今天。"))
    complaints, records, applications = _finding_links(office, complaints, records, applications)
    with transaction.atomic():
        finding = AccountabilityFinding(
            office=office, title=_require_text(title, _("请填写事由。"), limit=200),
            facts=_require_text(facts, _("请写明认定的事实。")), measure=measure,
            measure_detail=(measure_detail or "").strip(), decided_on=decided_on, recorded_by=actor)
        _clean(finding)
        finding.save()
        finding.complaints.set(complaints)
        finding.records.set(records)
        finding.applications.set(applications)
    logger.info("accountability finding %s recorded (user %s)", finding.pk, actor.pk)
    return finding


def finding_update(*, finding: AccountabilityFinding, actor, title: str, facts: str, measure: str,
                   decided_on: dt.date, measure_detail: str = "", complaints=(), records=(),
                   applications=()) -> AccountabilityFinding:
    """A correction; the earlier text stays in the finding's history."""
    _require_recorder(actor)
    if measure not in Measure.values:
        raise InvalidInput(_("请选择处理措施。"))
    with transaction.atomic():
        finding = AccountabilityFinding.objects.select_for_update().get(pk=finding.pk)
        complaints, records, applications = _finding_links(finding.office, complaints, records, applications)
        finding.title = _require_text(title, _("请填写事由。"), limit=200)
        finding.facts = _require_text(facts, _("请写明认定的事实。"))
        finding.measure, finding.measure_detail, finding.decided_on = measure, (measure_detail or "").strip(), decided_on
        _clean(finding)
        finding.save()
        finding.complaints.set(complaints)
        finding.records.set(records)
        finding.applications.set(applications)
    return finding

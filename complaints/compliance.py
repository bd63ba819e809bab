"""The compliance self-check of the disclosure column (M.18; issue #20), for the disclosure office
and the supervision office: the checks inspections use (国办秘函〔2019〕19号 and the column rules),
a score out of 100 and its history, and each finding with a link to what to fix. The supervision
office can turn a finding into an accountability case (M.20).

A check is a `Check`: a code, a label, the points a finding costs and the most it can cost, and a
function that returns findings. Apps add their own through the `compliance_checks` hook (an
AppConfig attribute naming a list of Check objects); a check that cannot run yet says why and is
skipped (`Check.available` returns why).

Score = 100 − Σ min(cap, findings × points). The caps of the checks here add up to 100.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.annual_report.compute import published_on_the_column, report_due_date
from applications.models import DisclosureApplication
from complaints.compliance_models import ComplianceRun
from complaints.models import Complaint
from disclosure import selectors as disclosure_selectors
from disclosure.catalogue_seed import ANNUAL_REPORT_CATEGORY
from disclosure.models import Attachment, CatalogueCategory, Record
from portal.hooks import hooks
from portal.models import Office, OfficeKind, SiteProfile


@dataclass
class Finding:
    title: str
    detail: str = ""
    url: str = ""
    office_id: int | None = None
    records: list[int] = field(default_factory=list)
    applications: list[int] = field(default_factory=list)
    complaints: list[int] = field(default_factory=list)


@dataclass
class Check:
    code: str
    label: str
    points: int
    cap: int
    run: Callable[[dt.date], list[Finding]]
    basis: str = ""
    available: Callable[[], str] = lambda: ""  # a reason it cannot run yet, or ""


def _office_of_kind(kind: str) -> int | None:
    return Office.objects.filter(kind=kind, is_active=True).values_list("pk", flat=True).first()


def _admin_record(pk: int) -> str:
    return reverse("admin:disclosure_record_change", args=[pk])


# --- The checks -------------------------------------------------------------------------------------


def check_column_updates(today: dt.date) -> list[Finding]:
    """Each column (catalogue category) has new information within its period: 14 days for a
    dynamic column, half a year for the others unless the category says otherwise."""
    default = settings.COMPLIANCE_COLUMN_PERIOD_DAYS
    listed = disclosure_selectors.catalogue_listed()
    info_center = _office_of_kind(OfficeKind.INFO_CENTER)
    findings = []
    tree = disclosure_selectors._category_tree()
    for category in CatalogueCategory.objects.filter(is_active=True).exclude(code=ANNUAL_REPORT_CATEGORY):
        period = category.update_period_days or default
        ids = disclosure_selectors._subtree(tree, category.pk)
        latest = listed.filter(category_id__in=ids).order_by("-published_at").values_list("published_at", flat=True).first()
        last_day = timezone.localdate(latest) if latest else None
        if last_day is not None and (today - last_day).days <= period:
            continue
        detail = (_("最近一次发布：%(day)s，已 %(days)d 天未更新（更新周期 %(period)d 天）。")
                  % {"day": last_day.isoformat(), "days": (today - last_day).days, "period": period}
                  if last_day else _("该栏目尚无公开的信息（更新周期 %(period)d 天）。") % {"period": period})
        findings.append(Finding(
            title=_("栏目“%(name)s”未按期更新") % {"name": category.name}, detail=detail, office_id=info_center,
            url=reverse("admin:disclosure_cataloguecategory_change", args=[category.pk])))
    return findings


def check_records_overdue(today: dt.date) -> list[Finding]:
    """M.11, R.26: information not published within 20 working days of being formed or changed."""
    findings = []
    for record in (Record.objects.overdue(today)
                   .select_related("office").order_by("due_date")):
        findings.append(Finding(
            title=_("逾期未公开：%(title)s") % {"title": record.title},
            detail=_("%(office)s，公开期限 %(due)s，当前环节：%(state)s。")
            % {"office": record.office.name, "due": record.due_date.isoformat(), "state": record.get_state_display()},
            url=_admin_record(record.pk), office_id=record.office_id, records=[record.pk]))
    return findings


def check_applications_overdue(today: dt.date) -> list[Finding]:
    """R.33: applications not answered by their due date (clock not paused)."""
    findings = []
    for application in (DisclosureApplication.objects.overdue(today)
                        .select_related("office").order_by("due_date")):
        office = application.office.name if application.office_id else _("未分办")
        findings.append(Finding(
            title=_("申请逾期未答复：%(code)s") % {"code": application.tracking_code},
            detail=_("%(office)s，答复期限 %(due)s，当前环节：%(status)s。")
            % {"office": office, "due": application.due_date.isoformat(), "status": application.get_status_display()},
            url=reverse("admin:applications_disclosureapplication_change", args=[application.pk]),
            office_id=application.office_id, applications=[application.pk] if application.office_id else []))
    return findings


def check_complaints_overdue(today: dt.date) -> list[Finding]:
    """M.19: complaints not concluded by their due date. Names only the case and the office
    complained about — never the reporter."""
    findings = []
    for complaint in (Complaint.objects.overdue(today)
                      .select_related("office").order_by("due_date")):
        findings.append(Finding(
            title=_("举报投诉逾期未办结：%(code)s") % {"code": complaint.tracking_code},
            detail=_("针对 %(office)s，办理期限 %(due)s。") % {
                "office": complaint.office.name if complaint.office_id else "—", "due": complaint.due_date.isoformat()},
            url=reverse("admin:complaints_complaint_change", args=[complaint.pk]),
            office_id=_office_of_kind(OfficeKind.SUPERVISION), complaints=[]))
    return findings


def check_published_personal_data(today: dt.date) -> list[Finding]:
    """M.6, R.15: published bodies and files re-scanned; hits without a recorded reason."""
    from disclosure.personal_data_checks import scan_target

    limit = getattr(settings, "COMPLIANCE_RESCAN_LIMIT", 5000)
    findings = []
    for record in disclosure_selectors.records_published().select_related("office").order_by("-published_at")[:limit]:
        scan = scan_target(record)
        if not scan.unresolved:
            continue
        kinds = "、".join(dict.fromkeys(hit.label for _part, hit in scan.unresolved))
        where = "、".join(dict.fromkeys(hit.location for _part, hit in scan.unresolved))
        findings.append(Finding(
            title=_("已公开内容含疑似个人信息：%(title)s") % {"title": record.title},
            detail=_("%(kinds)s，位于%(where)s；未记录可以公开的理由。") % {"kinds": kinds, "where": where},
            url=_admin_record(record.pk), office_id=record.office_id, records=[record.pk]))
    return findings


HREF = re.compile(r'href\s*=\s*"([^"]+)"', re.IGNORECASE)


def _internal_path(href: str) -> str | None:
    href = unescape(href).strip()
    parts = urlsplit(href)
    if parts.scheme in ("mailto", "tel", "javascript", "data"):
        return None
    base = urlsplit(settings.PORTAL_BASE_URL)
    hosts = {h.lower() for h in settings.ALLOWED_HOSTS if h and h != "*"} | {base.hostname or ""}
    if parts.scheme in ("http", "https") and (parts.hostname or "").lower() not in hosts:
        return None  # another site: not checked from here (the network may be closed)
    if not parts.scheme and not parts.netloc and not parts.path.startswith("/"):
        return None  # a relative or fragment link: rare in bodies, not resolvable alone
    return parts.path or "/"


def link_answers(path: str) -> bool:
    """Whether an internal link would answer (not 404) for the public."""
    from disclosure.redaction_services import released_file

    try:
        match = resolve(path)
    except Resolver404:
        return False
    if match.view_name == "disclosure:record":
        return disclosure_selectors.records_public_pages().filter(pk=match.kwargs["pk"]).exists()
    if match.view_name == "disclosure:attachment":
        attachment = Attachment.objects.filter(disclosure_selectors.published_through("record"),
                                               pk=match.kwargs["pk"]).first()
        return attachment is not None and attachment.record.shows_body and released_file(attachment) is not None
    return not path.startswith("/admin/")  # the back office answers the public with a login page


def check_internal_links(today: dt.date) -> list[Finding]:
    findings = []
    for record in disclosure_selectors.records_published().exclude(body="").select_related("office"):
        broken = sorted({path for href in HREF.findall(record.body) if (path := _internal_path(href))
                         and not link_answers(path)})
        if broken:
            findings.append(Finding(
                title=_("正文中的链接失效：%(title)s") % {"title": record.title},
                detail=_("打不开（404）：%(links)s") % {"links": "、".join(broken[:5])},
                url=_admin_record(record.pk), office_id=record.office_id, records=[record.pk]))
    return findings


def check_attachments(today: dt.date) -> list[Finding]:
    """Every attachment of published information can be downloaded: stored, whole, released."""
    from disclosure.redaction_services import released_file

    findings = []
    for attachment in (Attachment.objects.filter(disclosure_selectors.published_through("record"))
                       .select_related("record")):
        released = released_file(attachment)
        problem = ""
        if released is None:
            problem = _("遮盖处理未完成，公众无法下载")
        else:
            try:
                stored_size = released.file.size
            except (FileNotFoundError, OSError, ValueError):
                stored_size = None
            if stored_size is None:
                problem = _("存储中找不到文件")
            elif stored_size != released.size:
                problem = _("文件不完整（%(stored)d / %(size)d 字节）") % {"stored": stored_size, "size": released.size}
        if problem:
            record = attachment.record
            findings.append(Finding(
                title=_("附件无法下载：%(name)s") % {"name": attachment.original_name},
                detail=_("%(problem)s（%(title)s）。") % {"problem": problem, "title": record.title},
                url=_admin_record(record.pk), office_id=record.office_id, records=[record.pk]))
    return findings


def check_annual_report(today: dt.date) -> list[Finding]:
    """R.49: last year's annual report published by 31 January."""
    year = today.year - 1
    due = report_due_date(year)
    if today <= due or published_on_the_column(year):
        return []
    return [Finding(title=_("%(year)d年政府信息公开工作年度报告未按时公布") % {"year": year},
                    detail=_("应于 %(due)s 前公布（条例第四十九条）。") % {"due": due.isoformat()},
                    url=reverse("admin:applications_annualreport_changelist"),
                    office_id=_office_of_kind(OfficeKind.GENERAL_OFFICE))]


def check_site_identity(today: dt.date) -> list[Finding]:
    """The footer shows the site code, the ICP record number and the public security record number."""
    profile = SiteProfile.objects.filter(pk=1).first()
    missing = [str(SiteProfile._meta.get_field(name).verbose_name) for name in
               ("site_code", "icp_number", "public_security_number") if not getattr(profile, name, "")]
    if not missing:
        return []
    return [Finding(title=_("页脚缺少网站标识"), detail=_("未填写：%(missing)s。") % {"missing": "、".join(missing)},
                    url=reverse("admin:portal_siteprofile_changelist"),
                    office_id=_office_of_kind(OfficeKind.INFO_CENTER))]


def check_policy_interpretations(today: dt.date) -> list[Finding]:
    """A 行政规范性文件 in force is published with its interpretation (政策解读), or with the
    disclosure office's recorded reason why it needs none (国办发〔2016〕80号; issue #19). A finding
    per document, for the office that drafted it: an interpretation can still be added later."""
    return [Finding(title=_("行政规范性文件未配发政策解读：%(title)s") % {"title": record.title},
                    detail=_("%(number)s，%(day)s发布；未发布解读，也未记录无需解读的理由。请起草政策解读并关联原文。")
                    % {"number": record.document_number or _("无文号"),
                       "day": timezone.localtime(record.published_at).date().isoformat()},
                    url=reverse("admin:disclosure_record_change", args=[record.pk]),
                    office_id=record.office_id, records=[record.pk])
            for record in disclosure_selectors.normative_without_interpretation()]


CHECKS = [
    Check("column_updates", gettext_lazy("栏目按期更新"), 5, 15, check_column_updates,
          gettext_lazy("国办秘函〔2019〕19号：栏目长期未更新")),
    Check("records_overdue", gettext_lazy("政府信息按期公开"), 3, 15, check_records_overdue,
          gettext_lazy("实施办法第十一条：形成或变更之日起20个工作日内公开")),
    Check("applications_overdue", gettext_lazy("依申请公开按期答复"), 5, 15, check_applications_overdue,
          gettext_lazy("条例第三十三条")),
    Check("complaints_overdue", gettext_lazy("举报投诉按期办结"), 3, 10, check_complaints_overdue,
          gettext_lazy("实施办法第十九条")),
    Check("published_personal_data", gettext_lazy("已公开内容无个人信息"), 5, 15, check_published_personal_data,
          gettext_lazy("实施办法第六条；条例第十五条")),
    Check("internal_links", gettext_lazy("正文链接有效"), 2, 10, check_internal_links,
          gettext_lazy("国办秘函〔2019〕19号：链接不可用")),
    Check("attachments", gettext_lazy("附件可以下载"), 3, 10, check_attachments,
          gettext_lazy("国办秘函〔2019〕19号：附件无法下载")),
    Check("annual_report", gettext_lazy("年度报告按时公布"), 5, 5, check_annual_report,
          gettext_lazy("条例第四十九条：每年1月31日前")),
    Check("site_identity", gettext_lazy("网站标识齐全"), 5, 5, check_site_identity,
          gettext_lazy("网站标识码、ICP备案号、公安机关备案号")),
    Check("policy_interpretations", gettext_lazy("政策文件配有解读"), 2, 10, check_policy_interpretations,
          gettext_lazy("国办发〔2016〕80号：政策解读与文件同步起草、同步审签、同步发布")),
]


def all_checks() -> list[Check]:
    extra = [check for provider in hooks("compliance_checks") for check in provider()]
    known = {check.code for check in CHECKS}
    return CHECKS + [check for check in extra if check.code not in known]


def check_label(code: str) -> str:
    return next((str(check.label) for check in all_checks() if check.code == code), code)


# --- Running --------------------------------------------------------------------------------------


def compliance_run(*, actor=None, today: dt.date | None = None) -> ComplianceRun:
    """Run every check, score, and keep the run (its texts in the site's language)."""
    today = today or timezone.localdate()
    started = time.monotonic()
    checks, findings, deducted = [], [], 0
    with translation.override(settings.LANGUAGE_CODE):
        for check in all_checks():
            skipped = check.available()
            found = [] if skipped else check.run(today)
            cost = 0 if skipped else min(check.cap, len(found) * check.points)
            deducted += cost
            checks.append({"code": check.code, "count": len(found), "deducted": cost, "cap": check.cap,
                           "skipped": skipped})
            findings += [{"check": check.code, "title": f.title, "detail": f.detail, "url": f.url,
                          "office_id": f.office_id, "records": f.records, "applications": f.applications,
                          "complaints": f.complaints, "case_id": None} for f in found]
    return ComplianceRun.objects.create(
        at=timezone.now(), score=max(0, 100 - deducted), checks=checks, findings=findings, started_by=actor,
        duration_ms=int((time.monotonic() - started) * 1000))


def finding_to_case(*, run: ComplianceRun, index: int, actor, title: str, facts: str, measure: str,
                    decided_on: dt.date, measure_detail: str = ""):
    """The supervision office turns a finding into an accountability case (M.20), linked to the
    records and applications behind it; the run remembers the case."""
    from applications.models import DisclosureApplication as Application
    from complaints.services import finding_record
    from portal.errors import InvalidInput, StateConflict

    with transaction.atomic():
        run = ComplianceRun.objects.select_for_update().get(pk=run.pk)
        if not 0 <= index < len(run.findings):
            raise InvalidInput(_("没有找到该问题。"))
        entry = run.findings[index]
        if entry.get("case_id"):
            raise StateConflict(_("该问题已转为责任追究。"))
        office = Office.objects.filter(pk=entry.get("office_id")).first()
        if office is None:
            raise InvalidInput(_("该问题没有明确的责任处室，请在“责任追究”中直接记录。"))
        case = finding_record(
            actor=actor, office=office, title=title, facts=facts, measure=measure, decided_on=decided_on,
            measure_detail=measure_detail,
            records=Record.objects.filter(pk__in=entry.get("records") or [], office=office),
            applications=Application.objects.filter(pk__in=entry.get("applications") or [], office=office),
        )
        entry["case_id"] = case.pk
        ComplianceRun.objects.filter(pk=run.pk).update(findings=run.findings)
        return case


def latest_run() -> ComplianceRun | None:
    return ComplianceRun.objects.order_by("-at", "-pk").first()



def demo_load() -> str:
    """The demo's self-check: three runs (two weeks ago, a week ago, now), so that the page
    shows a history; idempotent (nothing is added once a run exists)."""
    import time_machine

    if ComplianceRun.objects.exists():
        return ""
    now = timezone.now()
    for days in (14, 7):
        with time_machine.travel(now - dt.timedelta(days=days), tick=False):
            compliance_run()
    run = compliance_run()
    return f"合规自查 {run.score} 分，{len(run.findings)} 个问题 / compliance self-check: {run.score}, {len(run.findings)} findings"

"""Demo records for the demo agency, driven through the real workflow at realistic past dates
(so their events, clocks, index numbers and register lines are what the portal would produce).
Idempotent: a record whose title exists is skipped."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import time_machine
from django.utils import timezone

from disclosure import demo_files, services
from disclosure.demo_content import RECORDS
from disclosure.models import CatalogueCategory, Channel, Record
from portal.demo import OFFICES, demo_user
from portal.models import Office
from portal.workdays import add_workdays

PREFIX = {name: prefix for name, _kind, prefix in OFFICES}
ALL_CLEAR = {"no_state_secret": True, "no_commercial_secret": True, "no_personal_privacy": True}
LIVE = ("published", "registered")


class DemoClock:
    """Steps through working days from a start date, never past the real present."""

    def __init__(self, start: dt.date):
        self.day = start
        self.limit = timezone.localtime() - dt.timedelta(minutes=10)

    def at(self, workdays: int = 1, hour: int = 10) -> dt.datetime:
        self.day = add_workdays(self.day, workdays).date
        moment = timezone.make_aware(dt.datetime.combine(self.day, dt.time(hour, 0)))
        return min(moment, self.limit)


def _run(spec: dict, clock: DemoClock, record: Record | None = None, target: str | None = None) -> Record:
    office = Office.objects.get(name=spec["office"])
    prefix = PREFIX[spec["office"]]
    drafter, head = demo_user(f"{prefix}-drafter"), demo_user(f"{prefix}-head")
    disclosure_office, publisher, registrar = demo_user("gkb"), demo_user("xxzx-publisher"), demo_user("bgs-register")
    target = target or spec["outcome"]

    def travel(workdays=1, hour=10):
        return time_machine.travel(clock.at(workdays, hour), tick=False)

    with travel(0, 9):
        if record is None:
            record = Record(
                title=spec["title"], summary=spec["summary"], body=spec["body"], office=office,
                category=CatalogueCategory.objects.get(code=spec["category"]),
                document_number=spec["document_number"], document_type=spec["document_type"],
                date_formed=dt.date.fromisoformat(spec["date_formed"]), attribute=spec["attribute"],
                is_important=spec["important"],
            )
        new = record.pk is None
        record = services.record_save_draft(record=record, actor=drafter)
        if not record.attachments.exists():
            demo_files.add_attachments(record, actor=drafter)
        if new and spec.get("interpretation"):
            _interpretation(spec["interpretation"], policy=record, drafter=drafter)
    if target == "draft":
        return record
    with travel(1):
        services.record_submit(record=record, actor=drafter)
    if target == "division_review":
        return record
    if target == "returned":
        with travel(1, 15):
            return services.record_return(record=record, actor=head, comment=spec["reason"])
    with travel(1):
        services.record_approve_division(record=record, actor=head, **ALL_CLEAR, comment="同意公开。")
    if target == "confidentiality_review":
        return record
    if target == "withheld":
        with travel(1):
            return services.record_withhold(record=record, actor=disclosure_office, ground=spec["ground"],
                                            comment=spec["reason"])
    with travel(1):
        waiver = ""
        if record.document_type == "normative" and not spec.get("interpretation"):
            waiver = spec.get("interpretation_waiver") or "simple"
        services.record_approve_confidentiality(record=record, actor=disclosure_office, **ALL_CLEAR,
                                                interpretation_waiver=waiver)
    if target == "leader_signoff":
        return record
    if record.is_important:
        leader = office.supervising_leaders.first()
        with travel(1, 16):
            services.record_sign_off(record=record, actor=leader, comment="同意。")
    if target == "ready":
        return record
    with travel(1, 9):
        services.record_publish(record=record, actor=publisher, channels=[Channel.COLUMN, Channel.WEBSITE])
    if target == "published":
        return record
    with travel(1, 14):
        services.record_register(record=record, actor=registrar)
    return record


def _interpretation(spec: dict, *, policy: Record, drafter) -> Record:
    """The interpretation drafted with `policy` (issue #19): text, a 图解 and a video link; it
    then takes every step of the chain with the policy."""
    from disclosure.catalogue_seed import INTERPRETATION_CATEGORY
    from disclosure.interpretation_services import interpretation_link

    reading = services.record_save_draft(record=Record(
        title=spec["title"], summary=spec["summary"], body=spec["body"], office=policy.office,
        category=CatalogueCategory.objects.get(code=INTERPRETATION_CATEGORY), document_type="other",
        date_formed=policy.date_formed, attribute="proactive", is_important=policy.is_important,
        video_url=spec.get("video_url", ""),
    ), actor=drafter)
    demo_files.add_attachments(reading, actor=drafter)
    interpretation_link(interpretation=reading, policy=policy, actor=drafter)
    return reading


def load() -> str:
    created = Counter()
    disclosure_office = demo_user("gkb")
    for spec in RECORDS:
        if Record.objects.filter(title=spec["title"]).exists():
            continue
        clock = DemoClock(dt.date.fromisoformat(spec["date_formed"]))
        outcome = spec["outcome"]
        if outcome in ("revoked", "repealed", "expired", "amended"):
            record = _run(spec, clock, target="registered")
            clock.at(25)
            if outcome == "amended":
                change = spec["amendment"]
                with time_machine.travel(clock.at(0, 9), tick=False):
                    draft = services.record_amend(record=record, actor=demo_user(f"{PREFIX[spec['office']]}-drafter"),
                                                  comment=change["comment"])
                draft.title, draft.body, draft.summary = change["title"], change["body"], change["summary"]
                draft.date_formed = max(dt.date.fromisoformat(change["date_formed"]), draft.date_formed)
                _run(spec, DemoClock(draft.date_formed), record=draft, target="registered")
            else:
                action = {"revoked": services.record_revoke, "repealed": services.record_repeal,
                          "expired": services.record_expire}[outcome]
                moment, extra = clock.at(0, 11), {}
                if spec.get("effective_on"):
                    # Done on the day the notice names, so the page's 废止日期 / 失效日期 agrees with it.
                    day = dt.date.fromisoformat(spec["effective_on"])
                    moment = min(timezone.make_aware(dt.datetime.combine(day, dt.time(11, 0))), clock.limit)
                    extra = {f"{'repealed' if outcome == 'repealed' else 'expired'}_on": timezone.localdate(moment)}
                if spec.get("replaced_by"):
                    extra["replaced_by"] = Record.objects.get(document_number=spec["replaced_by"],
                                                              superseded_by__isnull=True, state__in=LIVE)
                with time_machine.travel(moment, tick=False):
                    action(record=record, actor=disclosure_office, reason=spec["reason"], **extra)
        else:
            _run(spec, clock)
        created[outcome] += 1
    total = sum(created.values())
    requests = _change_request()
    return (f"新增政府信息 {total} 条 / {total} records added" + (f" ({dict(created)})" if total else "")
            + ("；处室报请 1 件 / 1 change request" if requests else ""))


# M.14: an office's pending request, waiting on the disclosure office's work list (gkb).
CHANGE_REQUEST = {
    "title": "吉林省工业和信息化厅关于公布2025年度省级“专精特新”中小企业名单的通告",
    "kind": "amend",
    "reason": "名单中2家企业已更名，需发布更正后的名单（附件）。",
}


def _change_request() -> bool:
    from disclosure.models import ChangeRequest

    record = Record.objects.filter(title=CHANGE_REQUEST["title"], superseded_by__isnull=True).first()
    if record is None or ChangeRequest.objects.filter(record=record).exists():
        return False
    drafter = demo_user(f"{PREFIX[record.office.name]}-drafter")
    services.record_request_change(record=record, actor=drafter, kind=CHANGE_REQUEST["kind"],
                                   reason=CHANGE_REQUEST["reason"])
    return True

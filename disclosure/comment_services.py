"""Writes on calls for public comments (意见征集 / 重大行政决策预公开, issue #19).

The draft and the adoption report are records and go through the M.12 chain with the record
services; what is here opens a period on a new draft, takes the public's comments (idempotent,
like every public form: portal/intake.py), records how each comment was handled, closes a period
early, drafts the adoption report and links the final document. Each write checks role and
office through comment_workflow.check() on a locked row.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from disclosure import comment_workflow as flow
from disclosure import selectors, services
from disclosure.comment_models import (
    CommentChannel,
    CommentDecision,
    CommentPeriod,
    CommentPhase,
    CommentRules,
    DecisionKind,
    PublicComment,
    PublicCommentFile,
)
from disclosure.models import CatalogueCategory, DisclosureAttribute, DocumentType, Record, RecordState
from portal.errors import InvalidInput, StateConflict
from portal.files import store_upload
from portal.intake import intake_once
from portal.models import Office
from portal.pagecache import public_content_changed
from portal.services import sequence_next
from portal.uploads import files_removed_unless_committed
from portal.workdays import add_workdays

RECEIPT_PREFIX = "YJ"
MAX_COMMENT_LENGTH = 5000
ONE_DAY = dt.timedelta(days=1)


# --- The minimum period ---------------------------------------------------------------------


def comment_rules() -> CommentRules:
    """The agency's rules (one row, made with the defaults on first use)."""
    rules, _created = CommentRules.objects.get_or_create(pk=1)
    return rules


def earliest_end_date(*, decision_kind: str, start_date: dt.date, rules: CommentRules | None = None) -> dt.date:
    """The first end date the minimum period allows, counting the start day: calendar days for a
    major decision and other drafts, working days (portal/workdays.py) for a normative document."""
    rules = rules or comment_rules()
    if decision_kind == DecisionKind.NORMATIVE:
        # The Nth working day counting the start day itself: N working days after the day before.
        return add_workdays(start_date - ONE_DAY, max(1, rules.normative_min_workdays)).date
    days = rules.major_min_days if decision_kind == DecisionKind.MAJOR else rules.other_min_days
    return start_date + dt.timedelta(days=max(1, days) - 1)


def check_period_dates(*, decision_kind: str, start_date: dt.date | None, end_date: dt.date | None,
                       today: dt.date | None = None) -> None:
    """Refuse dates that do not leave the public the minimum period for the kind of draft."""
    if decision_kind not in DecisionKind.values:
        raise InvalidInput(_("请选择草案类别。"))
    if start_date is None or end_date is None:
        raise InvalidInput(_("请填写征集开始日期和截止日期。"))
    today = today or timezone.localdate()
    if start_date < today:
        raise InvalidInput(_("征集开始日期 %(start)s 早于今天（%(today)s）：征集期自公开之日起计算，请重新填写。")
                           % {"start": start_date, "today": today})
    rules = comment_rules()
    earliest = earliest_end_date(decision_kind=decision_kind, start_date=start_date, rules=rules)
    if end_date < earliest:
        if decision_kind == DecisionKind.NORMATIVE:
            minimum = _("%(n)d个工作日") % {"n": rules.normative_min_workdays}
        else:
            days = rules.major_min_days if decision_kind == DecisionKind.MAJOR else rules.other_min_days
            minimum = _("%(n)d日") % {"n": days}
        raise InvalidInput(
            _("%(kind)s公开征求意见的期限不得少于%(minimum)s：自 %(start)s 开始的，截止日期最早为 %(earliest)s。")
            % {"kind": DecisionKind(decision_kind).label, "minimum": minimum, "start": start_date,
               "earliest": earliest})


def publication_guard(record: Record, at: dt.datetime) -> None:
    """The `record_publication_guard` hook. The public can comment only once the draft is published,
    so a draft published after its start date must still leave the minimum period before its end
    date; the reviewed terms are not changed behind the office's back: it is returned to fix them."""
    period = CommentPeriod.objects.filter(record=record).first()
    day = timezone.localtime(at).date()
    if period is None or day <= period.start_date:
        return
    earliest = earliest_end_date(decision_kind=period.decision_kind, start_date=day)
    if period.end_date < earliest:
        raise InvalidInput(
            _("征求意见稿 %(day)s 才发布，至截止日期 %(end)s 已不足%(kind)s的最短征集期限（自发布之日起，截止日期最早为"
              " %(earliest)s）：请退回处室修改征集期限后再发布。")
            % {"day": day, "end": period.end_date, "kind": DecisionKind(period.decision_kind).label,
               "earliest": earliest})


def _clean_channels(channels: Iterable[str]) -> list[str]:
    chosen = [value for value in CommentChannel.values if value in set(channels or ())]
    if not chosen:
        raise InvalidInput(_("请至少选择一种意见反馈渠道。"))
    return chosen


# --- Opening a period -----------------------------------------------------------------------


def comment_period_open(*, actor, office: Office, category: CatalogueCategory, title: str, draft_text: str,
                        decision_kind: str, start_date: dt.date, end_date: dt.date, contact: str,
                        channels: Iterable[str], summary: str = "") -> CommentPeriod:
    """An office's info officer opens a call for comments on a draft: a new draft record (the
    征求意见稿: title, text; files are added on its page) and the period's terms. The record then
    goes through the M.12 chain; the public page opens when it is published and the start date
    has come."""
    flow.check(flow.A.OPEN, actor, office_id=office.pk)
    check_period_dates(decision_kind=decision_kind, start_date=start_date, end_date=end_date)
    contact = (contact or "").strip()
    if not contact:
        raise InvalidInput(_("请填写联系方式，便于公众反馈意见。"))
    chosen = _clean_channels(channels)
    with transaction.atomic():
        record = Record(
            title=(title or "").strip(), summary=(summary or "").strip()[:500], body=draft_text or "", office=office,
            category=category, date_formed=timezone.localdate(), attribute=DisclosureAttribute.PROACTIVE,
            document_type=DocumentType.NORMATIVE if decision_kind == DecisionKind.NORMATIVE else DocumentType.OTHER,
        )
        record = services.record_save_draft(record=record, actor=actor)
        period = CommentPeriod(record=record, decision_kind=decision_kind, start_date=start_date, end_date=end_date,
                               contact=contact, channels=chosen, created_by=actor)
        _full_clean(period)
        period.save()
    return period


def comment_period_update_terms(*, period: CommentPeriod, actor, decision_kind: str, start_date: dt.date,
                                end_date: dt.date, contact: str, channels: Iterable[str]) -> CommentPeriod:
    """Change the terms while the draft is still a draft (after that, the reviewed terms stand)."""
    with transaction.atomic():
        period = CommentPeriod.objects.select_for_update(of=("self",)).select_related("record").get(pk=period.pk)
        flow.check(flow.A.OPEN, actor, office_id=period.record.office_id)
        if period.record.state != RecordState.DRAFT:
            raise StateConflict(_("征求意见稿已提交审核，征集期限和联系方式不能再修改。"))
        check_period_dates(decision_kind=decision_kind, start_date=start_date, end_date=end_date)
        if not (contact or "").strip():
            raise InvalidInput(_("请填写联系方式，便于公众反馈意见。"))
        period.decision_kind, period.start_date, period.end_date = decision_kind, start_date, end_date
        period.contact, period.channels = contact.strip(), _clean_channels(channels)
        _full_clean(period)
        period.save()
    return period


def _full_clean(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise InvalidInput("；".join(error.messages)) from None


# --- The public's comments ------------------------------------------------------------------


def refusal_if_not_open(period: CommentPeriod, now: dt.datetime | None = None) -> str | None:
    """Why the page takes no comment now, in a sentence; None while it is open."""
    now = now or timezone.now()
    phase = period.phase(now)
    if phase == CommentPhase.OPEN:
        return None
    if phase == CommentPhase.UPCOMING:
        return _("本次意见征集将于 %(start)s 开始，届时可以提交意见。") % {"start": period.start_date}
    if phase == CommentPhase.CLOSED:
        if period.closed_early_at is not None and period.closed_early_at <= now:
            return _("本次意见征集已于 %(at)s 提前结束，不再接受意见。") % {
                "at": timezone.localtime(period.closed_early_at).strftime("%Y-%m-%d %H:%M")}
        return _("本次意见征集已于 %(end)s 24时截止，不再接受意见。感谢您的关注。") % {"end": period.end_date}
    return _("该意见征集尚未发布。")


def public_comment_submit(*, period: CommentPeriod, text: str, name: str = "", contact: str = "", upload=None,
                          idempotency_key: uuid.UUID | None = None) -> tuple[PublicComment, bool]:
    """A comment from the public site; (comment, created). The same form sent twice stores one
    comment and answers with its receipt. Refused, with the reason, outside the period."""
    def store() -> PublicComment:
        with transaction.atomic(), files_removed_unless_committed() as saved:
            locked = CommentPeriod.objects.select_for_update(of=("self",)).select_related("record").get(pk=period.pk)
            if (refusal := refusal_if_not_open(locked)) is not None:
                raise StateConflict(refusal)
            comment = _new_comment(locked, text=text, name=name, contact=contact, idempotency_key=idempotency_key)
            if upload is not None:
                store_upload(PublicCommentFile(comment=comment), upload, saved=saved)
            return comment

    return intake_once(PublicComment, idempotency_key=idempotency_key, create=store)


def _new_comment(period: CommentPeriod, *, text: str, name: str, contact: str,
                 idempotency_key: uuid.UUID | None) -> PublicComment:
    text, name, contact = (text or "").strip(), (name or "").strip(), (contact or "").strip()
    if not text:
        raise InvalidInput(_("请填写意见内容。"))
    if len(text) > MAX_COMMENT_LENGTH:
        raise InvalidInput(_("意见内容过长：最多 %(n)d 字。") % {"n": MAX_COMMENT_LENGTH})
    if comment_rules().require_name and not name:
        raise InvalidInput(_("本机关要求提交意见时填写姓名或名称。"))
    now = timezone.now()
    year = timezone.localtime(now).year
    comment = PublicComment(
        period=period, text=text, name=name, contact=contact, submitted_at=now, idempotency_key=idempotency_key,
        receipt_code=f"{RECEIPT_PREFIX}{year}-{sequence_next(name='public_comment', year=year):06d}")
    _full_clean(comment)
    comment.save()
    return comment


# --- Handling the comments (采纳情况) --------------------------------------------------------

NEEDS_REASON = (CommentDecision.PARTLY, CommentDecision.NOT_ADOPTED)


def public_comment_decide(*, comment: PublicComment, actor, decision: str, reason: str = "") -> PublicComment:
    """Mark a comment adopted, partly adopted or not adopted; a reason is required unless adopted."""
    reason = (reason or "").strip()
    if decision not in (CommentDecision.ADOPTED, CommentDecision.PARTLY, CommentDecision.NOT_ADOPTED):
        raise InvalidInput(_("请选择采纳、部分采纳或未采纳。"))
    if decision in NEEDS_REASON and not reason:
        raise InvalidInput(_("部分采纳或未采纳的，须说明理由。"))
    with transaction.atomic():
        period = CommentPeriod.objects.select_for_update(of=("self",)).select_related("record", "adoption_report").get(
            pk=comment.period_id)
        flow.check(flow.A.DECIDE, actor, period)
        comment = PublicComment.objects.select_for_update().get(pk=comment.pk)
        comment.decision, comment.decision_reason = decision, reason
        comment.decided_by, comment.decided_at = actor, timezone.now()
        comment.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    return comment


def comment_period_close(*, period: CommentPeriod, actor, reason: str) -> CommentPeriod:
    """End a period before its end date (the draft was withdrawn, …); the page says so and why."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请说明提前结束征集的原因（将在公开页面显示）。"))
    with transaction.atomic():
        period = CommentPeriod.objects.select_for_update(of=("self",)).select_related("record", "adoption_report").get(
            pk=period.pk)
        flow.check(flow.A.CLOSE, actor, period)
        period.closed_early_at, period.closed_early_by, period.closed_early_reason = timezone.now(), actor, reason
        period.save(update_fields=["closed_early_at", "closed_early_by", "closed_early_reason"])
        public_content_changed(pages=selectors.record_pages_showing([period.record_id]))
    return period


def comment_period_draft_report(*, period: CommentPeriod, actor) -> Record:
    """The adoption report (意见采纳情况) as a new draft record of the same office, written from
    the handled comments (without names or contacts); the drafter edits it and submits it to the
    M.12 chain. The period links it at once; the public sees it once it is published."""
    with transaction.atomic():
        period = CommentPeriod.objects.select_for_update(of=("self",)).select_related("record", "adoption_report").get(
            pk=period.pk)
        flow.check(flow.A.REPORT, actor, period)
        draft = period.record
        report = Record(
            title=_("关于《%(title)s》公开征求意见采纳情况的说明") % {"title": draft_name(draft.title)}, office=draft.office,
            category=draft.category, date_formed=timezone.localdate(), attribute=DisclosureAttribute.PROACTIVE,
            summary=_("《%(title)s》征求意见期间收到的意见及其采纳情况。") % {"title": draft_name(draft.title)},
            body=_report_body(period),
        )
        report = services.record_save_draft(record=report, actor=actor)
        period.adoption_report = report
        period.save(update_fields=["adoption_report"])
    return report


def draft_name(title: str) -> str:
    """The draft's own name: 《X》 out of "关于《X》公开征求意见的公告", else the whole title."""
    match = re.search(r"《(.+)》", title or "")
    return match.group(1) if match else (title or "")


def _report_body(period: CommentPeriod) -> str:
    comments = list(period.comments.order_by("submitted_at", "pk"))
    counts = {value: sum(1 for c in comments if c.decision == value) for value in CommentDecision.values}
    parts = [
        "<p>" + escape(_("本机关于 %(start)s 至 %(end)s 就《%(title)s》公开征求意见，共收到意见%(n)d条，"
                         "其中采纳%(adopted)d条、部分采纳%(partly)d条、未采纳%(not)d条。具体情况如下：")
                       % {"start": period.start_date, "end": period.end_date, "title": draft_name(period.record.title),
                          "n": len(comments), "adopted": counts[CommentDecision.ADOPTED],
                          "partly": counts[CommentDecision.PARTLY], "not": counts[CommentDecision.NOT_ADOPTED]})
        + "</p>",
    ]
    rows = "".join(
        f"<tr><td>{n}</td><td>{linebreaks(escape(c.text))}</td><td>{escape(c.get_decision_display())}</td>"
        f"<td>{escape(c.decision_reason or '—')}</td></tr>"
        for n, c in enumerate(comments, start=1))
    if rows:
        parts.append(
            "<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in (_("序号"), _("意见内容"), _("采纳情况"), _("理由")))
            + "</tr>" + rows + "</table>")
    return "".join(parts)


def comment_period_link_final(*, period: CommentPeriod, actor, final_record: Record | None) -> CommentPeriod:
    """Link the document finally adopted (a published record), so that its page links the
    adoption report; None removes the link."""
    with transaction.atomic():
        period = CommentPeriod.objects.select_for_update(of=("self",)).select_related("record", "adoption_report").get(
            pk=period.pk)
        flow.check(flow.A.LINK_FINAL, actor, period)
        if final_record is not None:
            if not selectors.records_published().filter(pk=final_record.pk).exists():
                raise InvalidInput(_("只能关联已发布的政府信息。"))
            if final_record.pk in (period.record_id, period.adoption_report_id):
                raise InvalidInput(_("请选择草案通过后正式发布的文件，而不是征求意见稿或采纳情况本身。"))
        unlinked = period.final_record_id  # its page loses the link
        period.final_record = final_record
        period.save(update_fields=["final_record"])
        public_content_changed(pages=[*selectors.record_pages_showing([period.record_id]),
                                      *([f"record:{unlinked}"] if unlinked else [])])
    return period

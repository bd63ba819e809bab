"""Reads on calls for public comments (意见征集): the public's door (periods whose draft is
published), the staff's scope (the offices they see), comments grouped by how they were handled,
the masked contacts of lists, and the figures of the annual report."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosure import selectors
from disclosure.comment_models import CommentDecision, CommentPeriod, PublicComment
from portal.personal_data import mask as mask_number
from portal.selectors import visible_office_ids
from portal.worklist import WorkItem


def comment_periods_public() -> QuerySet[CommentPeriod]:
    """The public's only door: periods whose draft record is published (not revoked)."""
    return (CommentPeriod.objects.filter(selectors.published_through("record"))
            .select_related("record", "record__office", "adoption_report"))


def adoption_report_public(period: CommentPeriod):
    """The adoption report once it is published, else None."""
    if period.adoption_report_id and selectors.records_published().filter(pk=period.adoption_report_id).exists():
        return period.adoption_report
    return None


def comment_period_of_record(record) -> CommentPeriod | None:
    """For a record's public page: the period it is the draft, the adoption report or the final
    document of (published periods only)."""
    found = comment_periods_public().filter(Q(record=record) | Q(adoption_report=record) | Q(final_record=record))

    def closeness(period: CommentPeriod) -> int:
        # A record can be the final document of one period and the draft of the next one: the page
        # links the period it is the draft of first, then the one it reports on.
        if period.record_id == record.pk:
            return 0
        return 1 if period.adoption_report_id == record.pk else 2

    return min(found, key=closeness, default=None)  # one query, however many periods name it


def comment_periods_for_staff(user) -> QuerySet[CommentPeriod]:
    """Periods of the offices the person sees (the same scope as records)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return CommentPeriod.objects.none()
    periods = CommentPeriod.objects.select_related("record", "record__office", "adoption_report", "final_record")
    offices = visible_office_ids(user)
    return periods if offices is None else periods.filter(record__office_id__in=offices)


def comments_for_staff(user) -> QuerySet[PublicComment]:
    return PublicComment.objects.filter(period__in=comment_periods_for_staff(user)).select_related(
        "period", "period__record")


def comments_grouped(period: CommentPeriod) -> list[tuple[str, str, list[PublicComment]]]:
    """(decision, label, comments) for each way of handling, the pending ones first."""
    comments = list(period.comments.select_related("file").order_by("submitted_at", "pk"))
    return [(value, str(label), [c for c in comments if c.decision == value])
            for value, label in CommentDecision.choices]


def mask_name(value: str) -> str:
    """张** — enough to tell two comments apart, not to identify the person."""
    value = (value or "").strip()
    if not value:
        return "—"
    return value[0] + "*" * max(1, len(value) - 1)


def mask_contact(value: str) -> str:
    value = (value or "").strip()
    return mask_number(value) if value else "—"


def comment_worklist(user, today: dt.date | None = None) -> list[WorkItem]:
    """Closed periods of the person's offices with comments still to handle, or no adoption report
    drafted yet: the office's next step after the period (采纳情况)."""
    from disclosure import comment_workflow as flow

    now = timezone.now()
    items = []
    periods = comment_periods_for_staff(user).filter(adoption_report__isnull=True).annotate(
        pending=Count("comments", filter=Q(comments__decision=CommentDecision.PENDING)))
    for period in periods[:100]:
        if period.phase(now) != "closed" or not flow.available(user, period):
            continue
        items.append(WorkItem(
            title=period.record.title, kind=str(_("意见征集")), office=period.record.office.name,
            step=(_("%(n)d条意见待处理") % {"n": period.pending}) if period.pending else str(_("待起草意见采纳情况")),
            due_date=None, days_left=None, overdue=False, provisional=False, note="",
            url=reverse("admin:disclosure_commentperiod_change", args=[period.pk])))
    return items


def year_figures(year: int) -> dict[str, int]:
    """For the annual report's narrative: calls for comments published in `year` and the comments
    received in `year` (Beijing time)."""
    tz = timezone.get_default_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    periods = CommentPeriod.objects.filter(record__state__in=selectors.PUBLIC_STATES,
                                           record__published_at__gte=start, record__published_at__lt=end)
    comments = PublicComment.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    reports = CommentPeriod.objects.filter(adoption_report__state__in=selectors.PUBLIC_STATES,
                                           adoption_report__published_at__gte=start,
                                           adoption_report__published_at__lt=end)
    return {
        "comment_periods": periods.count(),
        "comment_periods_major": periods.filter(decision_kind="major").count(),
        "public_comments": comments.count(),
        "public_comments_adopted": comments.filter(decision__in=(CommentDecision.ADOPTED,
                                                                 CommentDecision.PARTLY)).count(),
        "comment_reports_published": reports.count(),
    }

"""Calls for public comments on drafts (意见征集 / 重大行政决策预公开, issue #19 part 2): the
minimum periods, the public form, closing at the end date by itself, handling the comments
(采纳情况), the adoption report through the M.12 chain, who may do what, and personal data."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disclosure import comment_selectors, comment_services, workflow
from disclosure import comment_workflow as flow
from disclosure.comment_models import (
    CommentChannel,
    CommentDecision,
    CommentPeriod,
    CommentRules,
    DecisionKind,
    PublicComment,
)
from disclosure.models import RecordState
from portal.errors import ActionRefused, InvalidInput, StateConflict
from tests.conftest import as_user, drive, new_draft
from tests.timing import at, moment

S = RecordState
D = dt.date
MONDAY = D(2026, 11, 2)
END = D(2026, 11, 12)

pytestmark = pytest.mark.django_db


def open_period(world, *, office=None, kind=DecisionKind.NORMATIVE, start=MONDAY, end=END, publish=True,
                title="关于《某某管理办法（征求意见稿）》公开征求意见的公告", on=MONDAY):
    office = office or world.office_a
    drafter = world.drafter_a if office == world.office_a else world.drafter_b
    with at(on, 9):
        period = comment_services.comment_period_open(
            actor=drafter, office=office, category=world.category, title=title,
            draft_text="<p>第一条 为了规范……</p>", decision_kind=kind, start_date=start, end_date=end,
            contact="政策法规处 0431-88888888", channels=[CommentChannel.ONLINE, CommentChannel.EMAIL])
        if publish:
            drive(world, period.record, S.PUBLISHED)
    period.refresh_from_db()
    return period


def comment_on(period, text="建议第三条增加期限。", *, day=MONDAY, hour=11, **extra):
    with at(day, hour):
        return comment_services.public_comment_submit(period=period, text=text, **extra)[0]


def post_comment(client, period, *, when, **data):
    form = {"text": "建议明确适用范围。", "name": "", "contact": "", "website": "",
            "idempotency_key": str(uuid.uuid4()), **data}
    with at(when.date(), when.hour, when.minute) if isinstance(when, dt.datetime) else when:
        return client.post(period.get_absolute_url(), form)


# --- The minimum period ----------------------------------------------------------------------


def test_a_normative_document_is_open_for_at_least_7_working_days_counting_the_start_day(world):
    with at(MONDAY, 9):
        assert comment_services.earliest_end_date(decision_kind=DecisionKind.NORMATIVE,
                                                  start_date=MONDAY) == D(2026, 11, 10)
        with pytest.raises(InvalidInput, match=r"不得少于7个工作日.*最早为 2026-11-10"):
            comment_services.check_period_dates(decision_kind=DecisionKind.NORMATIVE, start_date=MONDAY,
                                                end_date=D(2026, 11, 9))
        comment_services.check_period_dates(decision_kind=DecisionKind.NORMATIVE, start_date=MONDAY,
                                            end_date=D(2026, 11, 10))


def test_working_days_skip_the_national_day_holiday(world):
    # 2026-09-30 (Wed) is a working day; 1-7 October are days off: the 7th working day is in October.
    earliest = comment_services.earliest_end_date(decision_kind=DecisionKind.NORMATIVE, start_date=D(2026, 9, 28))
    assert earliest >= D(2026, 10, 8)


def test_a_major_administrative_decision_is_open_for_at_least_30_days(world):
    with at(MONDAY, 9):
        with pytest.raises(InvalidInput, match=r"重大行政决策.*不得少于30日.*最早为 2026-12-01"):
            comment_services.check_period_dates(decision_kind=DecisionKind.MAJOR, start_date=MONDAY,
                                                end_date=D(2026, 11, 30))
        comment_services.check_period_dates(decision_kind=DecisionKind.MAJOR, start_date=MONDAY,
                                            end_date=D(2026, 12, 1))


def test_the_minimum_periods_are_the_agencys_to_set(world):
    CommentRules.objects.update_or_create(pk=1, defaults={"major_min_days": 45, "normative_min_workdays": 10})
    assert comment_services.earliest_end_date(decision_kind=DecisionKind.MAJOR,
                                              start_date=MONDAY) == D(2026, 12, 16)
    assert comment_services.earliest_end_date(decision_kind=DecisionKind.NORMATIVE,
                                              start_date=MONDAY) == D(2026, 11, 13)


def test_a_period_cannot_start_in_the_past(world):
    with at(MONDAY, 9), pytest.raises(InvalidInput, match="早于今天"):
        comment_services.check_period_dates(decision_kind=DecisionKind.OTHER, start_date=MONDAY - dt.timedelta(1),
                                            end_date=END)


def test_opening_creates_a_draft_record_of_the_office_for_the_m12_chain(world):
    period = open_period(world, publish=False)
    assert period.record.state == S.DRAFT
    assert period.record.office == world.office_a
    assert period.record.document_type == "normative"
    assert period.record.created_by == world.drafter_a


# --- Who may do what (the permission matrix) -------------------------------------------------

EVERYONE = ["drafter_a", "head_a", "drafter_b", "head_b", "disclosure", "leader_a", "leader_b", "publisher",
            "registrar", "supervisor", "admin", "nobody"]
ALLOWED = {
    flow.A.OPEN: {"drafter_a"},
    flow.A.DECIDE: {"drafter_a", "head_a", "disclosure"},
    flow.A.CLOSE: {"head_a", "disclosure"},
    flow.A.REPORT: {"drafter_a"},
    flow.A.LINK_FINAL: {"drafter_a", "head_a", "disclosure"},
}


def _may(action, user, period) -> bool:
    try:
        if action == flow.A.OPEN:
            flow.check(action, user, office_id=period.record.office_id)
        else:
            flow.check(action, user, period)
    except ActionRefused:
        return False
    return True


def test_only_the_right_roles_and_offices_open_handle_close_and_report(world):
    period = open_period(world)
    comment = comment_on(period)
    users = world.users_by_role()
    with at(MONDAY, 12):  # open: may be handled and closed
        for action in (flow.A.OPEN, flow.A.DECIDE, flow.A.CLOSE):
            assert {name for name in EVERYONE if _may(action, users[name], period)} == ALLOWED[action], action
    with at(END + dt.timedelta(days=1), 9):  # closed: handled, then reported, final document linked
        comment_services.public_comment_decide(comment=comment, actor=world.head_a, decision="adopted")
        for action in (flow.A.DECIDE, flow.A.REPORT, flow.A.LINK_FINAL):
            assert {name for name in EVERYONE if _may(action, users[name], period)} == ALLOWED[action], action
        with pytest.raises(StateConflict, match="当前为“已结束”"):
            flow.check(flow.A.CLOSE, world.disclosure, period)


def test_another_office_cannot_handle_comments_through_the_service(world):
    period = open_period(world)
    comment = comment_on(period)
    with at(MONDAY, 12):
        for user in (world.drafter_b, world.head_b, world.publisher, world.leader_a, world.admin):
            with pytest.raises(ActionRefused):
                comment_services.public_comment_decide(comment=comment, actor=user, decision="adopted")
            with pytest.raises(ActionRefused):
                comment_services.comment_period_close(period=period, actor=user, reason="草案撤回")
    assert PublicComment.objects.get(pk=comment.pk).decision == CommentDecision.PENDING


def test_only_the_info_center_publishes_the_adoption_report_m12(world):
    period = open_period(world)
    comment_on(period)
    with at(END + dt.timedelta(days=1), 9):
        for c in period.comments.all():
            comment_services.public_comment_decide(comment=c, actor=world.drafter_a, decision="adopted")
        report = comment_services.comment_period_draft_report(period=period, actor=world.drafter_a)
        report = drive(world, report, S.READY)
        publish = workflow.TRANSITIONS[workflow.A.PUBLISH]
        users = world.users_by_role()
        allowed = set()
        for name in EVERYONE:
            try:
                workflow.check(publish, users[name], report)
            except ActionRefused:
                continue
            allowed.add(name)
        assert allowed == {"publisher"}


def test_the_back_office_refuses_another_offices_period(client, world):
    period = open_period(world)
    comment = comment_on(period)
    as_user(client, "drafter_b")
    assert client.get(reverse("admin:disclosure_commentperiod_change", args=[period.pk])).status_code == 404
    with at(MONDAY, 12):
        client.post(reverse("admin:disclosure_commentperiod_decide", args=[period.pk, comment.pk]),
                    {f"c{comment.pk}-decision": "adopted"})
    assert PublicComment.objects.get(pk=comment.pk).decision == CommentDecision.PENDING


# --- The public page and its form ------------------------------------------------------------


def test_a_draft_published_after_its_start_date_must_still_leave_the_minimum_period(world):
    """Opened 2026-11-02 to 11-12 for a normative document (7 working days). Published on Friday
    11-06, only 11-06 to 11-12 would remain (5 working days): refused, naming 11-16 as the earliest
    end. Published on 11-03, 11-03 to 11-11 are 7 working days: allowed."""
    late = open_period(world, publish=False)
    timely = open_period(world, publish=False, title="关于《另一办法（征求意见稿）》公开征求意见的公告")
    with at(MONDAY, 10):
        late, timely = drive(world, late.record, S.READY), drive(world, timely.record, S.READY)
    with at(D(2026, 11, 3), 9):
        assert drive(world, timely, S.PUBLISHED).state == S.PUBLISHED
    with at(D(2026, 11, 6), 9), pytest.raises(InvalidInput, match="2026-11-16"):
        drive(world, late, S.PUBLISHED)
    late.refresh_from_db()
    assert late.state == S.READY


def test_the_page_is_public_only_once_the_draft_is_published(client, world):
    period = open_period(world, publish=False)
    with at(MONDAY, 12):
        assert client.get(period.get_absolute_url()).status_code == 404
        assert period.title not in client.get(reverse("disclosure:comment_periods")).content.decode()
        drive(world, period.record, S.PUBLISHED)
        page = client.get(period.get_absolute_url()).content.decode()
    assert "征集中" in page and "提交意见" in page
    assert "政策法规处 0431-88888888" in page  # the agency's contact is public


def test_a_comment_is_stored_with_a_receipt_code(client, world):
    period = open_period(world)
    response = post_comment(client, period, when=moment(MONDAY, 14), text="建议第五条删去。", name="张三",
                            contact="13912345678")
    page = response.content.decode()
    comment = PublicComment.objects.get()
    assert response.status_code == 200 and comment.receipt_code in page
    assert comment.receipt_code.startswith("YJ2026-")
    assert "13912345678" not in page and "张三" not in page


def test_a_comment_one_second_after_the_end_date_is_refused_with_a_message(client, world):
    period = open_period(world)
    import time_machine

    with time_machine.travel(moment(END, 23, 59) + dt.timedelta(seconds=59), tick=False):
        ok = client.post(period.get_absolute_url(), {"text": "最后一刻的意见。", "idempotency_key": str(uuid.uuid4())})
    assert ok.status_code == 200 and PublicComment.objects.count() == 1
    with time_machine.travel(moment(END + dt.timedelta(days=1), 0, 0) + dt.timedelta(seconds=1), tick=False):
        refused = client.post(period.get_absolute_url(), {"text": "晚了一秒的意见。",
                                                          "idempotency_key": str(uuid.uuid4())})
        page = refused.content.decode()
        assert "已于 2026-11-12 24时截止，不再接受意见" in page
        assert PublicComment.objects.count() == 1
        shown = client.get(period.get_absolute_url()).content.decode()
    assert "已结束" in shown and 'name="text"' not in shown  # closed by itself: no form


def test_a_double_submit_stores_one_comment_with_one_receipt(client, world):
    period = open_period(world)
    key = str(uuid.uuid4())
    first = post_comment(client, period, when=moment(MONDAY, 14), idempotency_key=key)
    second = post_comment(client, period, when=moment(MONDAY, 14), idempotency_key=key)
    comment = PublicComment.objects.get()
    assert comment.receipt_code in first.content.decode()
    assert comment.receipt_code in second.content.decode()
    assert "此前已经提交成功，没有重复提交" in second.content.decode()


def test_the_spam_trap_refuses_a_filled_hidden_field(client, world):
    period = open_period(world)
    response = post_comment(client, period, when=moment(MONDAY, 14), website="http://spam.example")
    assert "提交未被接受" in response.content.decode()
    assert not PublicComment.objects.exists()


def test_an_attachment_is_checked_from_its_content(client, world):
    period = open_period(world)
    fake = SimpleUploadedFile("意见.pdf", b"this is not a pdf at all", content_type="application/pdf")
    response = post_comment(client, period, when=moment(MONDAY, 14), attachment=fake)
    assert "内容与扩展名不符" in response.content.decode()
    assert not PublicComment.objects.exists()
    good = SimpleUploadedFile("意见.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    post_comment(client, period, when=moment(MONDAY, 14), attachment=good)
    assert PublicComment.objects.get().file.original_name == "意见.pdf"


def test_the_agency_may_require_a_name(client, world):
    CommentRules.objects.update_or_create(pk=1, defaults={"require_name": True})
    period = open_period(world)
    response = post_comment(client, period, when=moment(MONDAY, 14))
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    assert not PublicComment.objects.exists()
    with pytest.raises(InvalidInput, match=r"要求.*姓名"):
        comment_on(period)


def test_no_comment_before_the_start_date(client, world):
    period = open_period(world, start=MONDAY + dt.timedelta(days=2), end=END + dt.timedelta(days=2))
    with at(MONDAY + dt.timedelta(days=1), 12):
        assert "将于 2026-11-04 开始" in client.get(period.get_absolute_url()).content.decode()
    with pytest.raises(StateConflict, match="将于 2026-11-04 开始"):
        comment_on(period, day=MONDAY + dt.timedelta(days=1))


def test_closing_early_refuses_comments_and_says_why(client, world):
    period = open_period(world)
    with at(MONDAY, 15):
        comment_services.comment_period_close(period=period, actor=world.disclosure, reason="草案已撤回，另行征求意见。")
    with at(MONDAY, 16):
        page = client.get(period.get_absolute_url()).content.decode()
    assert "提前结束" in page and "草案已撤回" in page
    with pytest.raises(StateConflict, match="提前结束"):
        comment_on(period, hour=17)


# --- Handling the comments and the adoption report -------------------------------------------


def test_partly_or_not_adopted_needs_a_reason(world):
    period = open_period(world)
    comment = comment_on(period)
    with at(MONDAY, 12):
        with pytest.raises(InvalidInput, match="须说明理由"):
            comment_services.public_comment_decide(comment=comment, actor=world.drafter_a, decision="not_adopted")
        comment_services.public_comment_decide(comment=comment, actor=world.drafter_a, decision="partly",
                                               reason="部分内容已体现在第二条。")
    assert PublicComment.objects.get(pk=comment.pk).decision == CommentDecision.PARTLY


def test_the_report_waits_for_the_end_and_for_every_comment_to_be_handled(world):
    period = open_period(world)
    comment = comment_on(period)
    with at(END, 12), pytest.raises(StateConflict, match="当前为“征集中”"):
        comment_services.comment_period_draft_report(period=period, actor=world.drafter_a)
    with at(END + dt.timedelta(days=1), 9):
        with pytest.raises(StateConflict, match="还有未处理的意见"):
            comment_services.comment_period_draft_report(period=period, actor=world.drafter_a)
        comment_services.public_comment_decide(comment=comment, actor=world.drafter_a, decision="adopted")
        report = comment_services.comment_period_draft_report(period=period, actor=world.drafter_a)
    assert report.state == S.DRAFT and "采纳情况" in report.title
    assert "建议第三条增加期限" in report.body and "共收到意见1条" in report.body


def test_the_published_report_is_linked_from_the_period_and_the_final_document(client, world):
    period = open_period(world)
    comment_on(period, name="李四", contact="lisi@example.com")
    with at(END + dt.timedelta(days=1), 9):
        comment_services.public_comment_decide(comment=period.comments.get(), actor=world.head_a, decision="adopted")
        report = comment_services.comment_period_draft_report(period=period, actor=world.drafter_a)
        page = client.get(period.get_absolute_url()).content.decode()
        assert "意见采纳情况整理后将在本页公布" in page and report.title not in page
        report = drive(world, report, S.PUBLISHED)
        final = drive(world, new_draft(world, title="某某管理办法"), S.PUBLISHED)
        comment_services.comment_period_link_final(period=period, actor=world.drafter_a, final_record=final)
        period_page = client.get(period.get_absolute_url()).content.decode()
        report_page = client.get(report.get_absolute_url()).content.decode()
        final_page = client.get(final.get_absolute_url()).content.decode()
    assert report.get_absolute_url() in period_page
    assert period.get_absolute_url() in report_page
    assert report.get_absolute_url() in final_page
    for page in (period_page, report_page, final_page):
        assert "李四" not in page and "lisi@example.com" not in page


def test_a_record_that_concludes_one_period_and_is_the_draft_of_the_next_links_the_next(client, world):
    """The second round's draft is also the document the first round ended in: its page is the
    second round's call for comments, which is what a reader can still take part in."""
    first = open_period(world)
    second = open_period(world, title="关于《某某管理办法（第二次征求意见稿）》公开征求意见的公告")
    with at(END + dt.timedelta(days=1), 9):
        comment_services.comment_period_link_final(period=first, actor=world.drafter_a, final_record=second.record)
        assert comment_selectors.comment_period_of_record(second.record) == second
        assert comment_selectors.comment_period_of_record(first.record) == first
        page = client.get(second.record.get_absolute_url()).content.decode()
    assert second.get_absolute_url() in page


def test_handling_is_frozen_once_the_report_is_submitted(world):
    period = open_period(world)
    comment = comment_on(period)
    with at(END + dt.timedelta(days=1), 9):
        comment_services.public_comment_decide(comment=comment, actor=world.drafter_a, decision="adopted")
        report = comment_services.comment_period_draft_report(period=period, actor=world.drafter_a)
        drive(world, report, S.DIVISION_REVIEW)
        with pytest.raises(StateConflict, match="已提交审核或已发布"):
            comment_services.public_comment_decide(comment=comment, actor=world.drafter_a, decision="not_adopted",
                                                   reason="改变主意")


# --- Personal data ---------------------------------------------------------------------------


def test_contacts_are_masked_in_the_back_office_lists(client, world):
    period = open_period(world)
    comment_on(period, name="王小明", contact="13912345678")
    as_user(client, "drafter_a")
    for url in (reverse("admin:disclosure_publiccomment_changelist"),
                reverse("admin:disclosure_commentperiod_change", args=[period.pk])):
        page = client.get(url).content.decode()
        assert "13912345678" not in page and "王小明" not in page
        assert "139****5678" in page and "王**" in page


@pytest.mark.parametrize("query", ["contact__startswith=139", "name__contains=王", "o=3"])
def test_the_admin_refuses_lookups_and_ordering_on_commenters_contacts(client, world, query):
    period = open_period(world)
    comment_on(period, name="王小明", contact="13912345678")
    as_user(client, "gkb")
    response = client.get(reverse("admin:disclosure_publiccomment_changelist") + "?" + query)
    if query.startswith("o="):  # the masked contact column cannot be sorted: ignored, never ranked
        assert "13912345678" not in response.content.decode()
    else:
        assert response.status_code == 400


def test_staff_of_the_office_see_the_comments_grouped_by_decision(client, world):
    period = open_period(world)
    first, second = comment_on(period, "第一条意见"), comment_on(period, "第二条意见", hour=12)
    with at(MONDAY, 13):
        comment_services.public_comment_decide(comment=first, actor=world.disclosure, decision="not_adopted",
                                               reason="不符合上位法")
    groups = {decision: [c.text for c in comments]
              for decision, _label, comments in comment_selectors.comments_grouped(period)}
    assert groups["pending"] == ["第二条意见"] and groups["not_adopted"] == ["第一条意见"]
    as_user(client, "head_a")
    with at(MONDAY, 14):
        page = client.get(reverse("admin:disclosure_commentperiod_change", args=[period.pk])).content.decode()
        assert "待处理（1）" in page and "未采纳（1）" in page and "不符合上位法" in page
        response = client.post(reverse("admin:disclosure_commentperiod_decide", args=[period.pk, second.pk]),
                               {f"c{second.pk}-decision": "adopted", f"c{second.pk}-reason": ""})
    assert response.status_code == 302
    assert PublicComment.objects.get(pk=second.pk).decided_by == world.head_a


def test_opening_from_the_back_office(client, world):
    as_user(client, "drafter_a")
    with at(MONDAY, 9):
        response = client.post(reverse("admin:disclosure_commentperiod_add"), {
            "office": world.office_a.pk, "category": world.category.pk, "title": "关于《X办法》征求意见",
            "draft_text": "草案全文", "decision_kind": "normative", "start_date": "2026-11-02",
            "end_date": "2026-11-05", "contact": "0431-1234567", "channels": ["online"]})
        assert "最早为 2026-11-10" in response.content.decode()
        response = client.post(reverse("admin:disclosure_commentperiod_add"), {
            "office": world.office_a.pk, "category": world.category.pk, "title": "关于《X办法》征求意见",
            "draft_text": "草案全文", "decision_kind": "normative", "start_date": "2026-11-02",
            "end_date": "2026-11-10", "contact": "0431-1234567", "channels": ["online"]})
    period = CommentPeriod.objects.get()
    assert response.status_code == 302 and period.record.state == S.DRAFT
    as_user(client, "head_a")
    assert client.get(reverse("admin:disclosure_commentperiod_add")).status_code == 403


# --- The annual report -------------------------------------------------------------------------


def test_the_annual_report_narrative_offers_the_figures(world):
    from applications.annual_report.compute import compute_facts, compute_table3, compute_table4, fact_sentences

    period = open_period(world)
    comment_on(period)
    comment_on(period, "另一条", hour=12)
    facts = compute_facts(2026, compute_table3(2026), compute_table4(2026))
    assert facts["comment_periods"] == 1 and facts["public_comments"] == 2
    assert any("公开征求意见1次" in line and "收到公众意见2条" in line for line in fact_sentences(2026, facts))

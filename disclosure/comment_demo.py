"""Demo calls for public comments (issue #19): one closed, its comments handled, its adoption
report published and the final document linked; one open (ending in the future) with a few
comments. Driven through the real services at past dates. Idempotent: skipped when the draft's
title exists."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from disclosure import comment_services, services
from disclosure.comment_models import CommentChannel, CommentDecision, DecisionKind
from disclosure.demo import PREFIX, DemoClock, _run
from disclosure.models import CatalogueCategory, DocumentType, Record
from portal.demo import demo_user
from portal.models import Office

OFFICE = "政策法规处"
CATEGORY = "m5-1"

CLOSED = {
    "title": "关于《吉林省工业和信息化厅行政规范性文件管理办法（征求意见稿）》公开征求意见的公告",
    "kind": DecisionKind.NORMATIVE,
    "body": "<p>为规范本厅行政规范性文件的制定和监督管理，我厅起草了《吉林省工业和信息化厅行政规范性文件管理办法"
            "（征求意见稿）》，现向社会公开征求意见。</p><h2>第一条 目的和依据</h2><p>为规范行政规范性文件的制定和"
            "监督管理，根据有关规定，制定本办法。</p><h2>第二条 合法性审核</h2><p>行政规范性文件应当经合法性审核，"
            "未经审核的不得发布施行。</p><h2>第三条 公开征求意见</h2><p>起草涉及公民、法人和其他组织切身利益的"
            "行政规范性文件，应当公开征求意见，期限一般不少于7个工作日。</p>",
    "contact": "政策法规处，电话 0431-88888801，电子邮箱 zcfg@example.gov.cn，通信地址：长春市人民大街1号（邮编130000）",
    "days_ago": 75,
    "comments": [
        ("王明", "13912345678", "建议第三条明确征求意见的期限自公告发布之日的次日起算，避免理解不一。",
         CommentDecision.ADOPTED, ""),
        ("", "", "第二条建议增加“合法性审核意见应当书面作出并存档”。",
         CommentDecision.PARTLY, "书面作出已在第二条补充；存档要求属内部工作规程，另行规定。"),
        ("长春某科技有限公司", "0431-85550000", "建议取消对企业有影响的文件的征求意见程序，以提高效率。",
         CommentDecision.NOT_ADOPTED, "涉及公民、法人和其他组织切身利益的文件依法应当公开征求意见，不能取消。"),
    ],
    "final": {
        "title": "吉林省工业和信息化厅行政规范性文件管理办法",
        "document_number": "吉工信规〔2026〕1号",
        "body": "<p>第一条 为规范行政规范性文件的制定和监督管理，根据有关规定，制定本办法。</p>"
                "<p>第二条 行政规范性文件应当经合法性审核，合法性审核意见应当书面作出。</p>"
                "<p>第三条 起草涉及公民、法人和其他组织切身利益的行政规范性文件，应当公开征求意见，期限自公告发布之日"
                "的次日起算，一般不少于7个工作日。</p>",
    },
}
OPEN = {
    "title": "关于《吉林省促进制造业数字化转型若干措施（征求意见稿）》公开征求意见的公告",
    "kind": DecisionKind.MAJOR,
    "body": "<p>为加快推进全省制造业数字化转型，我厅起草了《吉林省促进制造业数字化转型若干措施（征求意见稿）》。"
            "该措施属于重大行政决策事项，现向社会公开征求意见，征求意见期不少于30日。</p>"
            "<h2>一、支持企业开展数字化改造</h2><p>对实施数字化改造的规模以上工业企业，按设备投资额给予一定比例补助。</p>"
            "<h2>二、培育工业互联网平台</h2><p>支持建设行业级工业互联网平台，推动中小企业“上云用数赋智”。</p>",
    "contact": "规划与产业政策处，电话 0431-88888802，电子邮箱 ghc@example.gov.cn",
    "office": "规划与产业政策处",
    "comments": [
        ("李华", "lihua@example.com", "建议对中小企业数字化改造的补助比例高于规模以上企业。"),
        ("", "", "希望明确工业互联网平台建设的验收标准和资金拨付时间。"),
        ("赵强", "", "建议增加数字化人才培训的支持措施。"),
    ],
}


def _travel(moment: dt.datetime):
    return time_machine.travel(min(moment, timezone.now() - dt.timedelta(minutes=5)), tick=False)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _open(spec: dict, office_name: str, day: dt.date, start: dt.date, end: dt.date):
    office = Office.objects.get(name=office_name)
    drafter = demo_user(f"{PREFIX[office_name]}-drafter")
    with _travel(_at(day, 9)):
        period = comment_services.comment_period_open(
            actor=drafter, office=office, category=CatalogueCategory.objects.get(code=CATEGORY),
            title=spec["title"], draft_text=spec["body"], decision_kind=spec["kind"], start_date=start,
            end_date=end, contact=spec["contact"], channels=[CommentChannel.ONLINE, CommentChannel.EMAIL,
                                                              CommentChannel.MAIL])
    # The draft goes through the M.12 chain (the demo attaches its files on the way).
    _run({"office": office_name, "outcome": "published"}, DemoClock(day), record=period.record, target="published")
    period.refresh_from_db()
    return period, drafter


def _comment(period, day: dt.date, hour: int, name: str, contact: str, text: str):
    # The chain steps through working days, so a holiday (the Spring Festival) can publish the draft
    # after the day planned for a comment: a comment then comes just after the publication.
    moment = max(_at(day, hour), period.record.published_at + dt.timedelta(minutes=hour))
    with _travel(moment):
        return comment_services.public_comment_submit(period=period, text=text, name=name, contact=contact)[0]


def load() -> str:
    added = []
    today = timezone.localdate()
    if not Record.objects.filter(title=CLOSED["title"]).exists():
        day = today - dt.timedelta(days=CLOSED["days_ago"])
        start = day + dt.timedelta(days=10)
        end = start + dt.timedelta(days=20)
        period, drafter = _open(CLOSED, OFFICE, day, start, end)
        for n, (name, contact, text, decision, reason) in enumerate(CLOSED["comments"]):
            comment = _comment(period, start + dt.timedelta(days=2 + 3 * n), 10 + n, name, contact, text)
            with _travel(_at(end + dt.timedelta(days=2), 10 + n)):
                comment_services.public_comment_decide(comment=comment, actor=drafter, decision=decision,
                                                       reason=reason)
        report_day = end + dt.timedelta(days=3)
        with _travel(_at(report_day, 9)):
            report = comment_services.comment_period_draft_report(period=period, actor=drafter)
        _run({"office": OFFICE, "outcome": "published"}, DemoClock(report_day), record=report, target="published")
        final_day = report_day + dt.timedelta(days=7)
        final = Record(title=CLOSED["final"]["title"], body=CLOSED["final"]["body"],
                       document_number=CLOSED["final"]["document_number"], document_type=DocumentType.NORMATIVE,
                       office=period.record.office, category=period.record.category, date_formed=final_day)
        with _travel(_at(final_day, 9)):
            final = services.record_save_draft(record=final, actor=drafter)
        final = _run({"office": OFFICE, "outcome": "published"}, DemoClock(final_day), record=final,
                     target="published")
        with _travel(_at(final_day + dt.timedelta(days=8), 11)):
            comment_services.comment_period_link_final(period=period, actor=drafter, final_record=final)
        added.append("closed")
    if not Record.objects.filter(title=OPEN["title"]).exists():
        day = today - dt.timedelta(days=12)
        start = today - dt.timedelta(days=4)
        end = start + dt.timedelta(days=45)  # 30 days (a major decision) left even if a holiday delays publication
        period, _drafter = _open(OPEN, OPEN["office"], day, start, end)
        for n, (name, contact, text) in enumerate(OPEN["comments"]):
            _comment(period, min(today, start + dt.timedelta(days=n + 1)), 9 + n, name, contact, text)
        added.append("open")
    return f"意见征集 {len(added)} 次 / {len(added)} calls for comments added"

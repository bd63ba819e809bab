"""Demo demand (issue #18): three applications for the same information — two from its catalogue
entry's apply link, one typed by hand in nearly the same words — so that the disclosure office's
demand page shows them as one topic flagged for proactive disclosure (R.44), and a few public
searches that found nothing. Idempotent: the applications are recognised by their description."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import services
from applications.demo import ALL_CLEAR, LETTER, _data
from applications.letters import remedies
from applications.models import Channel, DisclosureApplication
from applications.outcomes import LEGAL_BASIS
from disclosure import demand_services
from disclosure.models import CatalogueEntry
from portal.demo import demo_travel, demo_user
from portal.workdays import add_workdays

TITLE = "2026年1—9月全省重点监测工业企业运行分析"
# (days after the start, from the catalogue entry?, description, applicant index in applications.demo)
REQUESTS = [
    (1, True, "请提供2026年1—9月全省重点监测工业企业运行分析全文，用于企业经营研究。", 40),
    (4, True, "申请获取2026年1—9月全省重点监测工业企业运行分析，包括营业收入和利润情况。", 41),
    (9, False, "请提供2026年1—9月全省重点监测工业企业运行分析报告。", 42),
]
MISSES = [("重点监测工业企业运行分析", 3), ("无人机飞行审批", 2)]


def load() -> str:
    entry = CatalogueEntry.objects.filter(title=TITLE).first()
    if entry is None or DisclosureApplication.objects.filter(description=REQUESTS[0][2]).exists():
        return ""
    gkb = demo_user("gkb")
    start = timezone.localdate() - dt.timedelta(days=30)
    first = None
    for days, from_entry, description, index in REQUESTS:
        received = add_workdays(start, days).date
        data = {**_data(index, TITLE, "natural_person"), "description": description,
                "index_number": entry.index_number if from_entry else ""}
        with demo_travel(received, 10):
            application, _secret = services.application_register_offline(
                actor=gkb, data=data, channel=Channel.IN_PERSON, received_on=received)
        first = first or (application, received)
    _answer_with_the_information(*first, office=entry.office)
    for query, times in MISSES:
        for _ in range(times):
            demand_services.search_miss_log(query=query, day=timezone.localdate() - dt.timedelta(days=3))
    return "公开需求演示：同一信息的申请 3 件 / demand demo: 3 applications for the same information"


def _answer_with_the_information(application, received, *, office) -> None:
    """The first request answered with the information released, so that the disclosure office
    can bring the answer into proactive disclosure from its page (纳入主动公开, R.44)."""
    gkb = demo_user("gkb")
    with demo_travel(add_workdays(received, 1).date, 10):
        application = services.application_assign(application=application, actor=gkb, office=office)
    drafter = office.memberships.filter(role="drafter").first()
    reply_day = add_workdays(received, 8).date
    with demo_travel(reply_day, 10):
        application = services.application_draft_reply(
            application=application, actor=drafter.user if drafter else gkb, outcome="disclosed",
            letter_html=LETTER.format(name=application.applicant_name, title=TITLE,
                                      body="经审查，您申请获取的信息予以公开，见附件。",
                                      basis=LEGAL_BASIS["disclosed"], remedies=remedies()),
            note="运行分析不涉及国家秘密、商业秘密和个人隐私，予以公开",
            uploads=[SimpleUploadedFile(f"{TITLE}.pdf", b"%PDF-1.4\n% demo\n")])
    with demo_travel(add_workdays(reply_day, 1).date, 15):
        services.application_send_reply(application=application, actor=gkb, **ALL_CLEAR)

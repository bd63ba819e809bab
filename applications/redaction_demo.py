"""Demo of issue #20 (idempotent): a partial disclosure (R.37) whose file named a subsidy
applicant — 中小企业发展处 blacked out the name and identity number before the reply was sent, so
the requester downloads a file in which neither can be found; and a reply still awaiting the
disclosure office, whose file is not yet redacted, so that sending it is refused until it is."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.utils import timezone

from applications import services
from applications.demo import LETTER, _data
from applications.letters import remedies
from applications.models import ApplicantType, Channel, DisclosureApplication, FileRole
from applications.outcomes import LEGAL_BASIS, Outcome
from disclosure.redaction_demo import DEMO_ID, demo_pdf
from portal.demo import demo_travel, demo_user
from portal.models import Office
from portal.workdays import add_workdays, is_workday

SENT_TITLE = "2026年中小企业服务券申领情况（含申领人信息）"
PENDING_TITLE = "2026年专精特新企业培育资金拨付明细"
NAME = "王建国"
OTHER_ID = "22010219850716123X"
# The confidentiality check gkb confirms before sending (M.3(4), R.17): the applicant's name and
# identity number were withheld as personal privacy — the parts the redaction blacks out.
PRIVACY_CHECK = {"no_state_secret": True, "no_commercial_secret": True, "no_personal_privacy": False,
                 "redacted_parts": "申领人的姓名和身份证号码", "redaction_grounds": ["personal_privacy"]}


def _lines(title: str, person: str, number: str) -> list[str]:
    return [f"文件名称：{title}", f"申领人：{person}    身份证号：{number}", "申领单位：长春市某某精密机械有限公司",
            "申领金额：5.00万元    审核结果：通过", "本表由中小企业发展处根据申领材料整理，仅供依申请公开使用。"]


def _workdays_ago(n: int) -> dt.date:
    day = timezone.localdate() - dt.timedelta(days=n)
    while add_workdays(day, n).date > timezone.localdate() or not is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def load() -> str:
    users = get_user_model().objects
    if not users.filter(username="zxqy-drafter").exists() or timezone.localdate() < dt.date(2026, 11, 1):
        return ""
    gkb, drafter = demo_user("gkb"), demo_user("zxqy-drafter")
    office = Office.objects.get(name="中小企业发展处")
    lines = []
    # Redaction jobs run here, in this command: the reply is sent right after.
    with override_settings(PORTAL_JOB_RUNNER="inline"):
        for title, send in ((SENT_TITLE, True), (PENDING_TITLE, False)):
            if DisclosureApplication.objects.filter(information_title=title).exists():
                continue
            received = _workdays_ago(8 if send else 4)
            with demo_travel(received, 9):
                application, secret = services.application_register_offline(
                    actor=gkb, data=_data(31 if send else 32, title, ApplicantType.NATURAL_PERSON),
                    channel=Channel.IN_PERSON, received_on=received)
            with demo_travel(add_workdays(received, 1).date):
                application = services.application_assign(application=application, actor=gkb, office=office)
            number = DEMO_ID if send else OTHER_ID
            data, boxes = demo_pdf(title, _lines(title, NAME if send else "李淑芬", number), [NAME, "李淑芬", number])
            with demo_travel(add_workdays(received, 3).date):
                application = services.application_draft_reply(
                    application=application, actor=drafter, outcome=Outcome.PARTIAL,
                    letter_html=LETTER.format(
                        name=application.applicant_name, title=title, basis=LEGAL_BASIS[Outcome.PARTIAL],
                        remedies=remedies(),
                        body="所需信息中申领人的姓名和身份证号码属于个人隐私，已作区分处理，其余内容见附件。"),
                    note="申领人姓名、身份证号码涉及个人隐私（条例第十五条、第三十七条）",
                    uploads=[SimpleUploadedFile(f"{title[:20]}.pdf", data)])
            if not send:
                lines.append(f"待遮盖的答复 {application.tracking_code}")
                continue
            from disclosure.redaction_services import redaction_request

            item = application.files.get(role=FileRole.PROVIDED)
            with demo_travel(add_workdays(received, 3).date, 14):
                redaction_request(item=item, actor=drafter, boxes=boxes)
            with demo_travel(add_workdays(received, 4).date, 15):
                services.application_send_reply(application=application, actor=gkb, **PRIVACY_CHECK)
            lines.append(f"遮盖后发出的答复 查询码 {application.tracking_code} 查询密码 {secret}")
    return "；".join(lines) if lines else "遮盖演示已存在 / redaction demo present"

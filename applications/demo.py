"""Demo applications for the demo agency: every stage and most outcomes, over 2025 and 2026,
driven through the real services at past dates (so clocks, events and counts are real).
Idempotent: applications are recognised by their information title."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import services
from applications.letters import remedies
from applications.models import ApplicantType, Channel, DisclosureApplication, IdentityDocument
from applications.outcomes import LEGAL_BASIS
from portal.demo import demo_travel, demo_user
from portal.models import Office
from portal.validators import RESIDENT_ID_CHECK, RESIDENT_ID_WEIGHTS, USCC_CHARSET, USCC_WEIGHTS
from portal.workdays import add_workdays


def resident_id(n: int) -> str:
    base = f"22010219{70 + n % 30:02d}0{1 + n % 9}{10 + n % 18:02d}{100 + n:03d}"[:17]
    return base + RESIDENT_ID_CHECK[sum(int(d) * w for d, w in zip(base, RESIDENT_ID_WEIGHTS, strict=True)) % 11]


def uscc(n: int) -> str:
    base = f"91220101MA0{n:06d}"[:17]
    check = (31 - sum(USCC_CHARSET.index(c) * w for c, w in zip(base, USCC_WEIGHTS, strict=True)) % 31) % 31
    return base + USCC_CHARSET[check]


# title, applicant type, received, office, plan, outcome
CASES = [
    ("2024年度全省规模以上工业企业名录", ApplicantType.COMMERCIAL, "2025-03-10", "运行监测协调处", "close", "disclosed"),
    ("省级“专精特新”中小企业认定评审专家名单", ApplicantType.NATURAL_PERSON, "2025-04-14", "中小企业发展处", "close",
     "withheld_personal_privacy_like"),
    ("某化工园区安全评估报告全文", ApplicantType.PUBLIC_WELFARE, "2025-05-19", "原材料工业处", "close", "partial"),
    ("2024年工业转型升级专项资金分配明细", ApplicantType.RESEARCH, "2025-06-09", "规划与产业政策处", "close", "disclosed"),
    ("厅党组会议纪要（2025年第3次）", ApplicantType.NATURAL_PERSON, "2025-07-07", "厅办公室", "close",
     "withheld_process_information"),
    ("某企业行政处罚案卷", ApplicantType.LEGAL_SERVICE, "2025-08-11", "装备工业处", "close", "withheld_enforcement_file"),
    ("全省工业企业用电量按日统计数据", ApplicantType.NATURAL_PERSON, "2025-09-15", "运行监测协调处", "close",
     "unavailable_needs_creation"),
    ("关于我单位职工社保缴纳问题的投诉", ApplicantType.NATURAL_PERSON, "2025-10-13", None, "close",
     "not_processed_complaint"),
    ("2026年省级工业互联网平台申报指南", ApplicantType.COMMERCIAL, "2025-12-15", "电子信息产业处", "close_next_year",
     "disclosed"),
    ("新能源汽车推广应用补贴核查结果", ApplicantType.COMMERCIAL, "2025-12-22", "装备工业处", "close_next_year", "partial"),
    ("2025年度绿色工厂评价第三方机构名单", ApplicantType.OTHER_ORGANISATION, "2026-01-12", "节能与综合利用处", "close",
     "disclosed"),
    ("吉林省首台（套）重大技术装备保险补偿拨付明细", ApplicantType.COMMERCIAL, "2026-02-02", "装备工业处", "close",
     "withheld_third_party"),
    ("某县工业园区规划环评批复", ApplicantType.NATURAL_PERSON, "2026-03-02", None, "close", "unavailable_not_held"),
    ("《吉林省工业年鉴2025》", ApplicantType.RESEARCH, "2026-03-16", None, "close", "not_processed_publication"),
    ("2025年度工业企业技术改造项目清单（重复）", ApplicantType.NATURAL_PERSON, "2026-04-07", None, "close",
     "not_processed_repeat"),
    ("厅机关2025年公务接待费明细", ApplicantType.NATURAL_PERSON, "2026-05-11", "厅办公室", "no_supplement", ""),
    ("全省民爆企业近十年安全生产检查记录", ApplicantType.LEGAL_SERVICE, "2026-06-08", "原材料工业处", "fee_unpaid", ""),
    ("2026年上半年中小企业服务券发放名单", ApplicantType.COMMERCIAL, "2026-07-13", "中小企业发展处", "close",
     "disclosed"),
    ("某企业申报材料中的技术参数", ApplicantType.COMMERCIAL, "2026-08-17", "电子信息产业处", "close",
     "withheld_third_party"),
    ("省级企业技术中心评价结果及得分", ApplicantType.RESEARCH, "2026-09-21", "规划与产业政策处", "close_extended",
     "disclosed"),
    # Still open at the end of November 2026
    ("2026年工业稳增长奖励资金拟支持企业名单", ApplicantType.COMMERCIAL, "2026-11-02", "运行监测协调处", "consultation", ""),
    ("消费品工业“三品”示范企业申报材料", ApplicantType.NATURAL_PERSON, "2026-11-09", "消费品工业处", "reply_drafted", ""),
    ("2026年节能监察计划及执行情况", ApplicantType.PUBLIC_WELFARE, "2026-11-16", "节能与综合利用处", "assigned", ""),
    ("工业设计中心认定专家评审意见", ApplicantType.NATURAL_PERSON, "2026-11-19", None, "supplement", ""),
    ("全省5G基站建设统计数据", ApplicantType.NATURAL_PERSON, "2026-11-23", None, "received", ""),
    # Issue #14: a supplement that came late (R.30), a third party that objected (R.32), an
    # extension waiting for the consent of the head of the general office (R.33(2)).
    ("2026年工业企业技术改造专项资金使用情况", ApplicantType.NATURAL_PERSON, "2026-11-03", None, "late_supplement", ""),
    ("某企业节能改造补贴金额及核定依据", ApplicantType.PUBLIC_WELFARE, "2026-11-04", "节能与综合利用处", "objected", ""),
    ("全省工业互联网标识解析节点建设情况", ApplicantType.RESEARCH, "2026-11-12", "电子信息产业处", "extension_requested",
     ""),
    ("2027年度产业政策资金申报安排", ApplicantType.COMMERCIAL, None, None, "submitted", ""),
]
OUTCOME_ALIASES = {"withheld_personal_privacy_like": "withheld_third_party"}
NAMES = ["刘晓华", "陈建军", "周丽萍", "吴海峰", "孙志刚", "马文静", "朱立新", "胡雅婷", "郭振宇", "何秀兰"]
ORGS = {
    ApplicantType.COMMERCIAL: "长春市某某机械制造有限公司",
    ApplicantType.RESEARCH: "吉林省某某产业经济研究院",
    ApplicantType.PUBLIC_WELFARE: "吉林省某某环保公益基金会",
    ApplicantType.LEGAL_SERVICE: "吉林某某律师事务所",
    ApplicantType.OTHER_ORGANISATION: "长春市某某行业协会",
}
LETTER = ("<p>{name}：</p><p>本机关收到您提出的政府信息公开申请，申请获取“{title}”。经审查，现答复如下：</p>"
          "<p>{body}根据{basis}的规定，特此告知。</p><p>{remedies}</p><p>吉林省工业和信息化厅</p>")
# The confidentiality check the disclosure office confirms before a reply releases information
# (M.3(4), R.17); a partial disclosure names what it withheld.
ALL_CLEAR = {"no_state_secret": True, "no_commercial_secret": True, "no_personal_privacy": True}
PARTIAL_CHECK = {"no_state_secret": True, "no_commercial_secret": False, "no_personal_privacy": True,
                 "redacted_parts": "涉及企业技术参数和报价的内容", "redaction_grounds": ["commercial_secret"]}


def _data(index: int, title: str, applicant_type: str) -> dict:
    person = applicant_type == ApplicantType.NATURAL_PERSON
    return {
        "applicant_type": applicant_type,
        "applicant_name": NAMES[index % len(NAMES)] if person else ORGS[applicant_type],
        "contact_person": "" if person else NAMES[index % len(NAMES)],
        "identity_document": IdentityDocument.RESIDENT_ID if person else IdentityDocument.USCC,
        "identity_number": resident_id(index) if person else uscc(index),
        "phone": f"139{index:04d}{index * 37 % 10000:04d}",
        "email": f"applicant{index}@demo.invalid",
        "address": "吉林省长春市朝阳区某某路18号（演示数据）",
        "information_title": title,
        "description": f"请公开“{title}”的相关政府信息。",
        "medium": "electronic",
        "delivery": "download",
    }


def _drive(index, title, applicant_type, received, office_name, plan, outcome) -> None:
    gkb = demo_user("gkb")
    data = _data(index, title, applicant_type)
    if plan == "submitted":
        with demo_travel(timezone.localdate() - dt.timedelta(days=1)):
            services.application_submit(data=data)
        return
    received = dt.date.fromisoformat(received)
    with demo_travel(received, 9):
        application, _secret = services.application_register_offline(
            actor=gkb, data=data, channel=[Channel.IN_PERSON, Channel.POST, Channel.EMAIL][index % 3],
            received_on=received)
    if plan == "received":
        return
    day = received
    if plan in ("supplement", "no_supplement", "late_supplement"):
        day = add_workdays(day, 2).date
        deadline = add_workdays(day, 5 if plan == "late_supplement" else 10).date
        with demo_travel(day):
            application = services.application_request_supplement(
                application=application, actor=gkb, items="请说明所需信息的具体年份、文号或其他特征描述。",
                deadline=deadline)
        if plan == "supplement":
            return
        if plan == "late_supplement":  # two working days late: held for the office's decision
            with demo_travel(add_workdays(deadline, 2).date):
                services.application_supplement_by_applicant(
                    application=application, text="所需信息为2026年上半年的使用情况。因外出未能按期补正。")
            return
        with demo_travel(add_workdays(day, 11).date):
            services.application_deem_withdrawn(application=application, actor=gkb, comment="逾期未补正")
        return
    office = Office.objects.get(name=office_name or "厅办公室")
    day = add_workdays(day, 1).date
    with demo_travel(day):
        application = services.application_assign(application=application, actor=gkb, office=office)
    if plan == "assigned":
        return
    drafter = office.memberships.filter(role="drafter").first().user
    if plan == "consultation":
        with demo_travel(add_workdays(day, 3).date):
            services.application_start_consultation(application=application, actor=drafter,
                                                    third_party="拟支持企业（共12家）")
        return
    if plan == "objected":
        with demo_travel(add_workdays(day, 2).date):
            application = services.application_start_consultation(
                application=application, actor=drafter, third_party="长春某某节能科技有限公司", sent_via="email")
        with demo_travel(add_workdays(day, 9).date):
            application = services.application_end_consultation(
                application=application, actor=drafter, objected=True,
                result="不同意公开：补贴核定依据中含有本公司的工艺参数和成本数据，属于商业秘密。")
            services.application_draft_reply(
                application=application, actor=drafter, outcome="disclosed",
                letter_html=LETTER.format(name=application.applicant_name, title=title,
                                          body="经审查，补贴金额及核定依据涉及公共资金使用，予以公开。",
                                          basis=LEGAL_BASIS["disclosed"], remedies=remedies()),
                note="补贴金额涉及财政资金使用，拟决定公开")
        return
    if plan == "extension_requested":
        with demo_travel(add_workdays(day, 10).date):
            services.application_request_extension(application=application, actor=drafter, days=10,
                                                   reason="所需信息涉及全省各市州节点数据，需汇总核对")
        return
    if plan == "fee_unpaid":
        with demo_travel(add_workdays(day, 2).date):
            application = services.application_fee_notice(application=application, actor=gkb, method="by_page",
                                                          basis=180)
        with demo_travel(add_workdays(day, 24).date):
            services.application_fee_unpaid(application=application, actor=gkb)
        return
    if plan == "close_extended":
        # R.33(2): the office asks, the head of the general office consents.
        with demo_travel(add_workdays(day, 15).date):
            application = services.application_request_extension(application=application, actor=gkb, days=15,
                                                                 reason="所需信息涉及多个处室，需汇总核对")
            application = services.application_approve_extension(application=application, actor=demo_user("bgs-head"))
    outcome = OUTCOME_ALIASES.get(outcome, outcome)
    reply_day = add_workdays(day, 12 if plan != "close_next_year" else 14).date
    outcome = outcome or "disclosed"
    with demo_travel(reply_day):
        body = "经审查，您申请获取的信息依法予以处理，详见附件和说明。"
        application = services.application_draft_reply(
            application=application, actor=drafter, outcome=outcome,
            letter_html=LETTER.format(name=application.applicant_name, title=title, body=body,
                                      basis=LEGAL_BASIS[outcome], remedies=remedies()),
            note="依据《中华人民共和国政府信息公开条例》相关规定",
            uploads=[SimpleUploadedFile(f"{title[:20]}.pdf", b"%PDF-1.4\n% demo\n")] if outcome in (
                "disclosed", "partial") else [])
    if plan == "reply_drafted":
        return
    with demo_travel(add_workdays(reply_day, 1).date, 15):
        check = {"disclosed": ALL_CLEAR, "partial": PARTIAL_CHECK}.get(outcome, {})
        application = services.application_send_reply(application=application, actor=gkb, **check)
    if index in (1, 5):
        with demo_travel(add_workdays(reply_day, 30).date):
            services.application_record_review(
                application=application, actor=gkb, kind="review" if index == 1 else "litigation_direct",
                filed_on=add_workdays(reply_day, 25).date, result="maintained" if index == 1 else "pending",
                decided_on=add_workdays(reply_day, 30).date if index == 1 else None)
    if index % 4 == 0:
        services.application_rate(application=application, rating=4 + index % 2, comment="答复及时，说明清楚。")


def load() -> str:
    created = Counter()
    for index, case in enumerate(CASES):
        if DisclosureApplication.objects.filter(information_title=case[0]).exists():
            continue
        _drive(index, *case)
        created[case[4]] += 1
    total = sum(created.values())
    return f"新增依申请公开申请 {total} 件 / {total} applications added" + load_annual_report()


# The 2026 annual report (issue #7), the first the system compiles: the 2024 and 2025 reports were
# written by hand before the report module and are records of the 年报 category (disclosure/
# demo_content.py). The disclosure office opens it as a preview while the year runs: figures
# generated, text and table-2 cells entered (licensing so far up to November) — and last year's
# carry-over copied wrongly from the 2025 report (1 自然人 that is not there: its 四、结转下年度继续办理
# is 商业企业 2), so that the check names the cell (二、上年结转 · 自然人, and 总计) until it is
# corrected. It can become a record from 1 January 2027 (R.49).
REPORT_YEAR = 2026
REPORT_TEXT = {
    "overview": (
        "<p>2026年，省工信厅认真贯彻落实《中华人民共和国政府信息公开条例》和本厅政府信息公开实施办法，"
        "按照“谁产生、谁提供、谁负责”的原则，由各处室信息员拟稿、处室负责人审核、厅政府信息公开工作领导小组办公室"
        "统一保密审查，重要信息报主管厅领导签发后公开，发布后由厅办公室和厅信息中心统一登记。</p>"
        "<p>（一）主动公开。通过政府信息公开专栏和厅网站主动公开政府信息，及时更新政府信息公开目录。"
        "（二）依申请公开。依法受理、办理政府信息公开申请，均在法定期限内答复。"
        "（三）政府信息管理。公开事项的变更、撤销和终止及时报领导小组办公室处理，对废止、失效的文件及时标注。"
        "（四）平台建设。启用政府信息公开工作平台，信息发布、依申请公开办理和年度报告统计均在平台完成。"
        "（五）监督保障。厅监察室依照社会评议制度开展监督检查。</p>"
    ),
    "problems": (
        "<p>部分处室政策解读形式仍较单一，个别依申请公开事项征求第三方意见用时较长。2027年，将丰富图解、问答等解读形式，"
        "规范征求第三方意见的程序和时限，并加强信息员业务培训。</p>"
    ),
    "other_matters": "<p>2026年本厅未收取信息处理费。</p>",
    "licensing_decisions": 37, "licensing_source": "吉林省政务服务平台2026年1—11月办件统计",
    "penalty_decisions": 9, "penalty_source": "吉林省行政执法监督平台",
    "enforcement_decisions": 0, "enforcement_source": "吉林省行政执法监督平台",
    "fee_income": 0, "fee_income_source": "厅财务处：本厅无行政事业性收费项目",
    # deliberately wrong (the 2025 report carries 商业企业 2 and nothing else): the check names it
    "previous_carry_over": {ApplicantType.NATURAL_PERSON: 1, ApplicantType.COMMERCIAL: 2},
    "previous_carry_over_source": "2025年政府信息公开工作年度报告表3（本专栏已公开）",
}


def load_annual_report() -> str:
    """Opens the demo's report as of the day the demo is loaded (a preview while 2026 runs);
    before 2026 (tests travelling back) there is nothing to compile yet."""
    from applications.annual_report import services as report_services
    from applications.models import AnnualReport

    if AnnualReport.objects.filter(year=REPORT_YEAR).exists() or timezone.localdate().year < REPORT_YEAR:
        return ""
    gkb = demo_user("gkb")
    report = report_services.annual_report_generate(year=REPORT_YEAR, actor=gkb)
    report_services.annual_report_update(report=report, actor=gkb, data=REPORT_TEXT)
    return f"；{REPORT_YEAR}年度报告待完成 / {REPORT_YEAR} annual report to finish"

"""Demo data for 互动交流: named and anonymous reports in every stage, consultations answered and
published (the FAQ), counter and phone intake, survey answers and one accountability finding —
driven through the real services at past dates, so clocks, events and dashboard figures are real.
Idempotent: cases are recognised by their texts.

One report is for a demo citizen to follow: the report against 原材料工业处 ("not-published"),
replied to and not yet rated. It is submitted with a fixed one-time key (TRACKED_KEY), so its
secret can be worked out again on every load, and in demo mode (DJANGO_DEMO=1 or DEBUG) the
summary of `manage.py load_demo` prints its tracking code and secret: enter them at
/interact/track/ to see the reply and rate it. Outside demo mode nothing is printed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter

from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import services
from complaints.admin_forms import overdue_applications
from complaints.models import AccountabilityFinding, Complaint, Consultation, SurveyResponse
from portal.demo import demo_passwords_allowed, demo_travel, demo_user
from portal.models import Office
from portal.workdays import add_workdays

DEMO = "（演示数据）"
REPORTER = {"name": "赵某某", "identity_number": "", "phone": "13900001234", "email": "reporter@demo.invalid",
            "address": "吉林省长春市朝阳区某某街1号"}

# key, office, failure type, received, channel, anonymous, plan, result, rating
COMPLAINTS = [
    ("late-reply", "装备工业处", "late_reply", "2026-03-09", "online", True, "replied", "substantiated", 4),
    ("not-published", "原材料工业处", "not_published", "2026-06-15", "online", False, "replied",
     "not_substantiated", None),  # left for the demo citizen to track and rate (see the module)
    ("out-of-scope", "规划与产业政策处", "other", "2026-05-11", "online", False, "declined", "", None),
    ("unlawful-reply", "运行监测协调处", "unlawful_reply", "2026-11-23", "phone", False, "explanation_requested",
     "", None),
    ("letter", "节能与综合利用处", "other", "2026-11-25", "letter", True, "submitted", "", None),
]
DETAILS = {
    "late-reply": "本人于2026年1月向装备工业处申请公开新能源汽车推广补贴核查结果，超过二十个工作日未收到答复。",
    "not-published": "原材料工业处2026年5月印发的规范性文件未在政府信息公开专栏公开。",
    "out-of-scope": "反映某企业拖欠工资问题，请求处理。",
    "unlawful-reply": "运行监测协调处对我的申请答复“不予公开”，但未说明理由和依据。",
    "letter": "来信反映节能与综合利用处网站栏目长期未更新。",
}

# subject, office (None: routed by the disclosure office), received, channel, consent, plan, rating
CONSULTATIONS = [
    ("申请政府信息公开需要交费吗？", "厅办公室", "2026-02-09", "online", True, "published", 5),
    ("如何确认某个规范性文件是否仍然有效？", None, "2026-04-13", "online", True, "published", None),
    ("中小企业服务券的申请条件在哪里公布？", "中小企业发展处", "2026-07-06", "counter", True, "answered_late", 4),
    ("工业互联网平台认定结果什么时候公布？", "电子信息产业处", "2026-11-18", "online", False, "assigned", None),
    ("电话咨询：节能监察计划是否公开？", None, "2026-11-24", "phone", False, "submitted", None),
]
QUESTIONS = {
    "申请政府信息公开需要交费吗？": "我想申请获取一份文件，请问需要交费吗？",
    "如何确认某个规范性文件是否仍然有效？": "专栏里的文件很多，怎样知道某个文件现在还有没有效？",
    "中小企业服务券的申请条件在哪里公布？": "请问服务券的申请条件和办理流程在哪里可以看到？",
    "工业互联网平台认定结果什么时候公布？": "2026年省级工业互联网平台的认定结果什么时候公布？",
    "电话咨询：节能监察计划是否公开？": "来电询问2026年节能监察计划是否公开、在哪里查看。",
}
ANSWERS = {
    "申请政府信息公开需要交费吗？": "依申请提供政府信息，不收取费用；但申请人申请公开政府信息的数量、频次明显超过合理范围的，"
                        "可以收取信息处理费（条例第四十二条）。",
    "如何确认某个规范性文件是否仍然有效？": "每条政府信息的页面都标注了“有效性”（有效、失效或废止）。失效或废止的文件会注明日期和说明。",
    "中小企业服务券的申请条件在哪里公布？": "申请条件和办理流程已在政府信息公开专栏“中小企业发展”栏目公布，也可以到政务大厅工作窗口咨询。",
}
SURVEY = [
    ("2026-01-20", 4, 4, 5, "信息公开及时，查找方便。"),
    ("2026-03-02", 5, 4, 4, ""),
    ("2026-04-15", 3, 2, 3, "希望搜索功能能按文号查找。"),
    ("2026-06-08", 4, 3, 4, ""),
    ("2026-07-21", 2, 2, 3, "部分栏目更新不及时。"),
    ("2026-09-07", 5, 5, 5, "大字版很方便老年人使用。"),
    ("2026-10-19", 4, 4, 4, ""),
    ("2026-11-09", 4, 5, 4, "依申请公开的查询功能很好用。"),
]
FINDING_TITLE = "装备工业处逾期答复政府信息公开申请"
TRACKED = "not-published"
TRACKED_KEY = uuid.uuid5(uuid.NAMESPACE_URL, "gov-disclosure-portal/demo/complaint/not-published")


def _office_user(office: Office):
    membership = office.memberships.filter(role="drafter").first() or office.memberships.first()
    return membership.user


def _complaint(key, office_name, failure_type, received, channel, anonymous, plan, result, rating) -> None:
    supervisor = demo_user("jcs-supervisor")
    office = Office.objects.get(name=office_name)
    received = dt.date.fromisoformat(received)
    data = {"office": office, "failure_type": failure_type, "details": f"{DETAILS[key]}{DEMO}",
            "related_reference": ""}
    reporter = None if anonymous else dict(REPORTER)
    with demo_travel(received, 9):
        if channel == "online":
            complaint, _secret, _created = services.complaint_submit(
                data=data, reporter=reporter, anonymous=anonymous,
                idempotency_key=TRACKED_KEY if key == TRACKED else None,
                uploads=[SimpleUploadedFile("证明材料.pdf", b"%PDF-1.4\n% demo evidence\n")])
        else:
            complaint, _secret = services.complaint_register_offline(
                actor=supervisor, data=data, reporter=reporter, anonymous=anonymous, channel=channel,
                received_on=received)
    if plan == "submitted":
        return
    day = add_workdays(received, 1).date
    if plan == "declined":
        with demo_travel(day):
            services.complaint_decline(complaint=complaint, actor=supervisor,
                                       reason="您反映的问题不属于政府信息公开事项，建议向劳动保障监察机构反映。")
        return
    with demo_travel(day):
        complaint = services.complaint_accept(complaint=complaint, actor=supervisor)
    if plan == "replied" and result == "not_substantiated":
        day = add_workdays(day, 4).date
    else:
        with demo_travel(add_workdays(day, 1).date):
            complaint = services.complaint_request_explanation(
                complaint=complaint, actor=supervisor, question=f"请说明{office_name}办理有关事项的情况及依据。")
        if plan == "explanation_requested":
            return
        day = add_workdays(day, 4).date
        with demo_travel(day):
            complaint = services.complaint_explain(complaint=complaint, actor=_office_user(office),
                                                   answer="经核查，该申请因承办人员调整未能按期答复，已于近日补正答复。")
    with demo_travel(add_workdays(day, 3).date):
        complaint = services.complaint_conclude(complaint=complaint, actor=supervisor, result=result,
                                                conclusion="经调阅办理记录并听取处室说明，认定如上。")
    with demo_travel(add_workdays(day, 4).date, 15):
        reply = ("经调查核实，您反映的问题属实。厅监察室已责令该处室整改，并对有关人员批评教育。"
                 if result == "substantiated" else "经调查核实，该文件已于印发后20个工作日内公开，您反映的问题不属实。")
        complaint = services.complaint_reply(complaint=complaint, actor=supervisor, reply=reply)
    if rating:
        with demo_travel(add_workdays(day, 6).date):
            services.complaint_rate(complaint=complaint, rating=rating, comment="处理认真。")


def _consultation(subject, office_name, received, channel, consent, plan, rating) -> None:
    gkb = demo_user("gkb")
    received = dt.date.fromisoformat(received)
    office = Office.objects.get(name=office_name) if office_name else None
    data = {"name": "钱某某", "phone": "13800005678", "email": "asker@demo.invalid", "subject": subject,
            "question": QUESTIONS[subject], "publish_consent": consent, "office": office}
    with demo_travel(received, 9):
        if channel == "online":
            consultation, _secret, _created = services.consultation_submit(data=data)
        else:
            consultation, _secret = services.consultation_register_offline(actor=gkb, data=data, channel=channel,
                                                                           received_on=received)
    if plan == "submitted":
        return
    day = received
    if office is None:
        office = Office.objects.get(name="政策法规处")
        day = add_workdays(day, 1).date
        with demo_travel(day):
            consultation = services.consultation_route(consultation=consultation, actor=gkb, office=office)
    if plan == "assigned":
        return
    answered = add_workdays(day, 18 if plan == "answered_late" else 5).date
    with demo_travel(answered, 14):
        consultation = services.consultation_answer(consultation=consultation, actor=_office_user(office),
                                                    answer=ANSWERS[subject])
    if plan == "published":
        with demo_travel(add_workdays(answered, 1).date):
            consultation = services.consultation_publish(consultation=consultation, actor=gkb,
                                                         public_subject=subject,
                                                         public_question=QUESTIONS[subject],
                                                         public_answer=ANSWERS[subject])
    if rating:
        with demo_travel(add_workdays(answered, 2).date):
            services.consultation_rate(consultation=consultation, rating=rating)


def _finding() -> bool:
    if AccountabilityFinding.objects.filter(title=FINDING_TITLE).exists():
        return False
    office = Office.objects.get(name="装备工业处")
    complaint = Complaint.objects.filter(details__startswith=DETAILS["late-reply"]).first()
    late = list(overdue_applications().filter(office=office)[:2])
    decided = dt.date(2026, 4, 10)
    with demo_travel(decided):
        services.finding_record(
            actor=demo_user("jcs-supervisor"), office=office, title=FINDING_TITLE,
            facts="装备工业处承办的政府信息公开申请未在规定期限内答复，经举报查实。", measure="criticism",
            measure_detail="对承办人员批评教育，处室限期整改并建立答复期限提醒。", decided_on=decided,
            complaints=[complaint] if complaint else [], applications=late)
    return True


def load() -> str:
    created = Counter()
    for case in COMPLAINTS:
        if not Complaint.objects.filter(details__startswith=DETAILS[case[0]]).exists():
            _complaint(*case)
            created["complaints"] += 1
    for case in CONSULTATIONS:
        if not Consultation.objects.filter(subject=case[0]).exists():
            _consultation(*case)
            created["consultations"] += 1
    if not SurveyResponse.objects.exists():
        for day, overall, findability, timeliness, comment in SURVEY:
            with demo_travel(dt.date.fromisoformat(day), 16):
                services.survey_submit(overall=overall, findability=findability, timeliness=timeliness,
                                       comment=comment)
            created["survey"] += 1
    created["findings"] += _finding()
    summary = (f"新增举报投诉 {created['complaints']} 件、咨询 {created['consultations']} 件、"
               f"评议问卷 {created['survey']} 份、责任追究 {created['findings']} 件 / "
               f"{created['complaints']} complaints, {created['consultations']} consultations, "
               f"{created['survey']} survey answers, {created['findings']} findings added")
    return summary + tracked_case_line()


def tracked_case_line() -> str:
    """The demo citizen's report: its code and secret, in demo mode only (see the module)."""
    if not demo_passwords_allowed():
        return ""
    complaint = Complaint.objects.filter(idempotency_key=TRACKED_KEY).first()
    if complaint is None:  # a database seeded before the key was fixed
        return ""
    secret = services.submission_secret(idempotency_key=TRACKED_KEY, purpose="complaint")
    return (f"\n  演示查询 / demo tracking (/interact/track/): 查询码 / code {complaint.tracking_code}  "
            f"查询密码 / secret {secret}")

"""互动交流: complaints and reports against an office (举报投诉, M.19), consultations (咨询, M.10),
social evaluation (社会评议, M.18) and accountability findings (责任追究, M.20).

Reporter confidentiality (M.19) is carried by the shape of the data: a complaint row holds the
matter only; who reported it lives in `Reporter`, and what they sent in `ComplaintFile` — both
written once, never changed, never tracked by simple-history, and read only through selectors that
let the supervision office alone see them. `Complaint.__str__` names the case by its code and the
office complained about, never by anything the reporter typed.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applications.models import DisclosureApplication
from disclosure.models import Record
from portal.cases import RATING_VALIDATORS, CaseEvent, TrackedCase
from portal.models import AppendOnlyModel, Office, StoredFile


class Channel(models.TextChoices):
    """Where a complaint or consultation came in (M.10)."""

    ONLINE = "online", _("网上提交")
    COUNTER = "counter", _("政务大厅工作窗口")
    PHONE = "phone", _("电话")
    LETTER = "letter", _("信函")


OFFLINE_CHANNELS = [c for c in Channel.choices if c[0] != Channel.ONLINE]


# --- Complaints and reports (举报投诉, M.19) ------------------------------------------------------


class FailureType(models.TextChoices):
    """How the office is said to have failed its disclosure duties (M.19)."""

    NOT_PUBLISHED = "not_published", _("应当主动公开的政府信息未公开")
    LATE_REPLY = "late_reply", _("政府信息公开申请未按期答复")
    UNLAWFUL_REPLY = "unlawful_reply", _("政府信息公开申请答复不符合规定")
    OTHER = "other", _("其他不依法履行政府信息公开义务的情形")


class ComplaintStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    INVESTIGATING = "investigating", _("调查核实中")
    EXPLANATION_REQUESTED = "explanation_requested", _("待被投诉处室说明")
    CONCLUDED = "concluded", _("已查结，待答复")
    CLOSED = "closed", _("已办结")


COMPLAINT_OPEN_STATUSES = (ComplaintStatus.SUBMITTED, ComplaintStatus.INVESTIGATING,
                           ComplaintStatus.EXPLANATION_REQUESTED, ComplaintStatus.CONCLUDED)


class ComplaintResult(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("举报属实")
    PARTLY_SUBSTANTIATED = "partly_substantiated", _("举报部分属实")
    NOT_SUBSTANTIATED = "not_substantiated", _("举报不属实")
    NOT_ACCEPTED = "not_accepted", _("不予受理")


SUBSTANTIATED_RESULTS = (ComplaintResult.SUBSTANTIATED, ComplaintResult.PARTLY_SUBSTANTIATED)


class Complaint(TrackedCase):
    """A complaint or report that an office fails its disclosure duties (M.19): the matter only."""

    # What the reporter wrote (left out of history for the same reason) and the tracking secret: no
    # list may filter, search or sort by them (portal/admin_confidential.py); nor by the reporter.
    CONFIDENTIAL_FIELDS = frozenset({"details", "related_reference", "rating_comment", "secret_digest",
                                     "idempotency_key"})

    OPEN_STATUSES = COMPLAINT_OPEN_STATUSES
    ANSWERED_ON = "replied_on"

    channel = models.CharField(_("来源渠道"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    status = models.CharField(_("状态"), max_length=30, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.SUBMITTED)
    anonymous = models.BooleanField(_("匿名举报"), default=False)

    # The matter, as the reporter put it (seen by the supervision office only)
    # Empty when the reporter cannot tell which office it is: the supervision office then
    # decides (分办) when it accepts the case, asks for an explanation or concludes it.
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="complaints", null=True, blank=True,
                               verbose_name=_("被投诉处室"))
    failure_type = models.CharField(_("投诉事项类型"), max_length=30, choices=FailureType.choices)
    related_reference = models.CharField(_("相关申请查询码或信息名称"), max_length=300, blank=True)
    details = models.TextField(_("具体情况"), max_length=5000)

    # The clock (M.19: 及时受理、处理)
    received_on = models.DateField(_("收到日期"))
    due_date = models.DateField(_("办理期限"), null=True, blank=True)

    # The office concerned is asked for an explanation (it sees this question, never the reporter)
    explanation_question = models.TextField(_("要求说明的事项"), blank=True, max_length=5000)
    explanation_due = models.DateField(_("说明期限"), null=True, blank=True)
    explanation_answer = models.TextField(_("处室说明"), blank=True, max_length=10000)
    explanation_requested_on = models.DateField(_("要求说明日期"), null=True, blank=True)

    # The outcome
    result = models.CharField(_("查处结果"), max_length=30, choices=ComplaintResult.choices, blank=True)
    conclusion = models.TextField(_("调查结论（内部）"), blank=True, max_length=10000)
    reply = models.TextField(_("答复举报人"), blank=True, max_length=10000)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("录入人"))
    # What the reporter wrote is left out of history: it never changes, and history pages are
    # one more place it could be read from.
    history = HistoricalRecords(excluded_fields=["secret_digest", "details", "related_reference", "rating_comment"])

    class Meta:
        verbose_name = _("举报投诉")
        verbose_name_plural = _("举报投诉")
        ordering = ["-submitted_at"]
        indexes = [
            # The back office's list order (the admin adds -id), issue #22.
            models.Index(fields=["-submitted_at", "-id"], name="complaint_submitted_order"),
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["office", "received_on"]),
            models.Index(fields=["received_on"]),
        ]
        permissions = [
            ("handle_complaint", _("受理、调查和答复举报投诉")),
            ("explain_complaint", _("就举报投诉事项作出说明（被投诉处室）")),
            ("view_reporter_identity", _("查看举报人身份、联系方式和材料")),
        ]

    def __str__(self) -> str:
        return gettext("%(code)s（%(office)s）") % {"code": self.tracking_code,
                                                "office": self.office.name if self.office_id else "—"}

    @property
    def substantiated(self) -> bool | None:
        if not self.result or self.result == ComplaintResult.NOT_ACCEPTED:
            return None
        return self.result in SUBSTANTIATED_RESULTS


class Reporter(AppendOnlyModel):
    """Who reported (M.19: kept secret). Written once with the complaint; absent when anonymous."""

    CONFIDENTIAL_FIELDS = frozenset({"name", "identity_number", "phone", "email", "address"})

    complaint = models.OneToOneField(Complaint, on_delete=models.PROTECT, related_name="reporter",
                                     verbose_name=_("举报投诉"))
    name = models.CharField(_("姓名或名称"), max_length=100)
    identity_number = models.CharField(_("证件号码"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("通信地址"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("举报人")
        verbose_name_plural = _("举报人")

    def __str__(self) -> str:
        return str(_("举报人（保密）"))

    def __repr__(self) -> str:
        return f"<Reporter of complaint {self.complaint_id}>"


class ComplaintEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("收到举报投诉")
    ACCEPTED = "accepted", _("受理")
    DECLINED = "declined", _("不予受理并告知")
    EXPLANATION_REQUESTED = "explanation_requested", _("要求被投诉处室说明")
    EXPLANATION_GIVEN = "explanation_given", _("被投诉处室作出说明")
    EXPLANATION_WITHDRAWN = "explanation_withdrawn", _("撤回说明要求")
    CONCLUDED = "concluded", _("查结")
    REOPENED = "reopened", _("重新调查")
    REPLIED = "replied", _("答复举报人")
    RATED = "rated", _("举报人评价")


# What the reporter sees of the handling on the tracking page; the explanation asked of the
# office and the investigation are internal (M.19).
Complaint.CITIZEN_EVENT_KINDS = frozenset({ComplaintEventKind.SUBMITTED, ComplaintEventKind.ACCEPTED,
                                           ComplaintEventKind.DECLINED, ComplaintEventKind.REPLIED,
                                           ComplaintEventKind.RATED})


class ComplaintEvent(CaseEvent):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events",
                                  verbose_name=_("举报投诉"))
    kind = models.CharField(_("事项"), max_length=30, choices=ComplaintEventKind.choices)
    from_status = models.CharField(_("原状态"), max_length=30, choices=ComplaintStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=30, choices=ComplaintStatus.choices, blank=True)

    class Meta:
        verbose_name = _("举报投诉办理记录")
        verbose_name_plural = _("举报投诉办理记录")
        ordering = ["at", "pk"]


class ComplaintFileRole(models.TextChoices):
    EVIDENCE = "evidence", _("举报人提供的材料")
    EXPLANATION = "explanation", _("被投诉处室的说明材料")


def complaint_file_path(instance, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"complaints/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ComplaintFile(StoredFile, AppendOnlyModel):
    """Evidence from the reporter (supervision office only) or the office's explanation files."""

    CONFIDENTIAL_FIELDS = frozenset({"file", "original_name", "sha256"})

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="files",
                                  verbose_name=_("举报投诉"))
    role = models.CharField(_("用途"), max_length=20, choices=ComplaintFileRole.choices)
    file = models.FileField(_("文件"), upload_to=complaint_file_path, max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("上传人"))

    class Meta:
        verbose_name = _("举报投诉材料")
        verbose_name_plural = _("举报投诉材料")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} #{self.pk}"


class AccessPurpose(models.TextChoices):
    CHANGE_VIEW = "change_view", _("查看案件页面")
    FILE_DOWNLOAD = "file_download", _("下载举报材料")
    REPORTER_SEARCH = "reporter_search", _("按举报人查找")


class ReporterAccess(AppendOnlyModel):
    """Each time someone of the supervision office opened a reporter's identity or evidence, or
    found a case by who reported it (who, when, how): M.19's secret is kept, and shown to be kept."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="+", verbose_name=_("举报投诉"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("查看人"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    purpose = models.CharField(_("方式"), max_length=100, blank=True, choices=AccessPurpose.choices)
    file = models.ForeignKey(ComplaintFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("材料"))

    class Meta:
        verbose_name = _("举报人信息查看记录")
        verbose_name_plural = _("举报人信息查看记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user}"


# --- Consultations (咨询, M.10) -----------------------------------------------------------------


class ConsultationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待分办")
    ASSIGNED = "assigned", _("办理中")
    CLOSED = "closed", _("已答复")


class Consultation(TrackedCase):
    # The asker is masked except for the disclosure office and the office answering.
    CONFIDENTIAL_FIELDS = frozenset({"name", "phone", "email", "secret_digest", "idempotency_key"})

    OPEN_STATUSES = (ConsultationStatus.SUBMITTED, ConsultationStatus.ASSIGNED)
    ANSWERED_ON = "answered_on"

    channel = models.CharField(_("来源渠道"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    status = models.CharField(_("状态"), max_length=20, choices=ConsultationStatus.choices,
                              default=ConsultationStatus.SUBMITTED)

    # The asker: seen in full by the disclosure office and the office answering
    name = models.CharField(_("姓名或名称"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)

    subject = models.CharField(_("咨询主题"), max_length=100)
    question = models.TextField(_("咨询内容"), max_length=3000)
    publish_consent = models.BooleanField(
        _("同意公开"), default=False, help_text=_("同意本机关隐去个人信息后，将问题和答复公开在“咨询问答”中。"))

    office = models.ForeignKey(Office, on_delete=models.PROTECT, null=True, blank=True, related_name="consultations",
                               verbose_name=_("答复处室"))
    received_on = models.DateField(_("受理日期"))

    answer = models.TextField(_("答复内容"), blank=True, max_length=10000)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)

    # The public version in the FAQ, edited by the disclosure office: no identity in it. The
    # asker's own subject is never shown publicly — it is as free as the question and may name them.
    public_subject = models.CharField(_("公开的主题"), max_length=100, blank=True)
    public_question = models.TextField(_("公开的问题"), blank=True, max_length=3000)
    public_answer = models.TextField(_("公开的答复"), blank=True, max_length=10000)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("录入人"))
    history = HistoricalRecords(excluded_fields=["secret_digest", "name", "phone", "email"])

    class Meta:
        verbose_name = _("咨询")
        verbose_name_plural = _("咨询")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["office", "answered_on"]),
            models.Index(fields=["-published_at"], condition=models.Q(published_at__isnull=False),
                         name="consultation_published"),
        ]
        permissions = [
            ("route_consultation", _("分办咨询")),
            ("answer_consultation", _("答复咨询")),
            ("publish_consultation", _("公开咨询问答")),
            ("view_asker_identity", _("查看咨询人联系方式")),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.subject}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ConsultationEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("收到咨询")
    ROUTED = "routed", _("分办")
    RETURNED = "returned", _("退回重新分办")
    ANSWERED = "answered", _("答复")
    PUBLISHED = "published", _("公开到咨询问答")
    UNPUBLISHED = "unpublished", _("从咨询问答撤下")
    RATED = "rated", _("咨询人评价")


Consultation.CITIZEN_EVENT_KINDS = frozenset({ConsultationEventKind.SUBMITTED, ConsultationEventKind.ROUTED,
                                              ConsultationEventKind.ANSWERED, ConsultationEventKind.PUBLISHED,
                                              ConsultationEventKind.RATED})


class ConsultationEvent(CaseEvent):
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="events",
                                     verbose_name=_("咨询"))
    kind = models.CharField(_("事项"), max_length=30, choices=ConsultationEventKind.choices)
    from_status = models.CharField(_("原状态"), max_length=20, choices=ConsultationStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=ConsultationStatus.choices, blank=True)

    class Meta:
        verbose_name = _("咨询办理记录")
        verbose_name_plural = _("咨询办理记录")
        ordering = ["at", "pk"]


# --- Social evaluation (社会评议, M.18) ------------------------------------------------------------


class SurveyResponse(AppendOnlyModel):
    """One answer to the column's short public survey on the disclosure work. Anonymous: no name,
    no address, no IP address is stored."""

    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    # The form's one-time key: a double submit stores one answer. A random number, nothing of the person.
    idempotency_key = models.UUIDField(_("提交标识"), unique=True, null=True, blank=True, editable=False)
    overall = models.PositiveSmallIntegerField(_("总体满意度"), validators=RATING_VALIDATORS)
    findability = models.PositiveSmallIntegerField(_("查找信息是否方便"), validators=RATING_VALIDATORS)
    timeliness = models.PositiveSmallIntegerField(_("信息是否及时、准确"), validators=RATING_VALIDATORS)
    comment = models.TextField(_("意见和建议"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("社会评议问卷")
        verbose_name_plural = _("社会评议问卷")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["submitted_at"])]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.submitted_at):%Y-%m-%d %H:%M} {self.overall}"


# --- Accountability (责任追究, M.20) -------------------------------------------------------------


class Measure(models.TextChoices):
    CRITICISM = "criticism", _("批评教育")
    RECTIFICATION = "rectification", _("责令整改")
    NOTICE = "notice", _("通报批评")
    ADMONISHMENT = "admonishment", _("诫勉谈话")
    TRANSFER = "transfer", _("移送有关机关处理")
    OTHER = "other", _("其他")


class AccountabilityFinding(models.Model):
    """A finding of the supervision office that an office failed its duties, and what follows (M.20),
    linked to the complaints, overdue records and late applications behind it."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="findings",
                               verbose_name=_("责任处室"))
    title = models.CharField(_("事由"), max_length=200)
    facts = models.TextField(_("认定的事实"), max_length=10000)
    measure = models.CharField(_("处理措施"), max_length=20, choices=Measure.choices)
    measure_detail = models.TextField(_("处理措施说明"), blank=True, max_length=5000)
    decided_on = models.DateField(_("认定日期"))
    complaints = models.ManyToManyField(Complaint, blank=True, related_name="findings",
                                        verbose_name=_("相关举报投诉"))
    records = models.ManyToManyField(Record, blank=True, related_name="+", verbose_name=_("相关逾期公开的政府信息"))
    applications = models.ManyToManyField(DisclosureApplication, blank=True, related_name="+",
                                          verbose_name=_("相关逾期答复的申请"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("记录人"))
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    history = HistoricalRecords(m2m_fields=[complaints, records, applications])

    class Meta:
        verbose_name = _("责任追究")
        verbose_name_plural = _("责任追究")
        ordering = ["-decided_on", "-pk"]
        permissions = [("record_finding", _("记录责任追究"))]

    def __str__(self) -> str:
        return f"{self.decided_on} {self.office.name if self.office_id else ''} {self.title}"


class Assessment(AccountabilityFinding):
    """The supervision and assessment dashboard (M.18, M.20): a place in the back office, no table."""

    class Meta:
        proxy = True
        default_permissions = ("view",)
        verbose_name = _("监督考核")
        verbose_name_plural = _("监督考核")


# The compliance self-check (issue #20): its own module.
from complaints import compliance_models  # noqa: E402, F401

"""Applications for disclosure (依申请公开, M.13, R.27–R.45): the request, its clock events,
its files, its reply, fees, and what happened afterwards (review, litigation)."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from simple_history.models import HistoricalRecords

from applications.outcomes import Outcome
from portal.cases import CaseEvent, TrackedCase
from portal.models import AppendOnlyModel, Office, StoredFile
from portal.validators import validate_resident_id, validate_uscc


class ApplicantType(models.TextChoices):
    """The columns of table 3 (申请人情况)."""

    NATURAL_PERSON = "natural_person", _("自然人")
    COMMERCIAL = "commercial", _("商业企业")
    RESEARCH = "research", _("科研机构")
    PUBLIC_WELFARE = "public_welfare", _("社会公益组织")
    LEGAL_SERVICE = "legal_service", _("法律服务机构")
    OTHER_ORGANISATION = "other_organisation", _("其他")


class IdentityDocument(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    USCC = "uscc", _("统一社会信用代码")
    OTHER = "other", _("其他证件")


class Channel(models.TextChoices):
    """How the application arrived; decides the date of receipt (R.31)."""

    ONLINE = "online", _("网上申请")
    IN_PERSON = "in_person", _("当面提交")
    POST = "post", _("信函")
    FAX = "fax", _("传真")
    EMAIL = "email", _("电子邮件")
    ORAL = "oral", _("口头提出（代为填写）")


class Medium(models.TextChoices):
    PAPER = "paper", _("纸质")
    ELECTRONIC = "electronic", _("电子文件")


class Delivery(models.TextChoices):
    POST = "post", _("邮寄")
    EMAIL = "email", _("电子邮件")
    PICKUP = "pickup", _("当面领取")
    DOWNLOAD = "download", _("在查询页面下载")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("待确认")
    RECEIVED = "received", _("已受理")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("待补正")
    # R.30: a supplement that came after the deadline waits for the disclosure office to decide
    # whether there was good reason (accept: the limit counts from it) or not (deemed abandoned).
    SUPPLEMENT_LATE = "supplement_late", _("逾期补正待决定")
    ASSIGNED = "assigned", _("办理中")
    REPLY_DRAFTED = "reply_drafted", _("答复待审核")
    CLOSED = "closed", _("已办结")


OPEN_STATUSES = (Status.SUBMITTED, Status.RECEIVED, Status.SUPPLEMENT_REQUESTED, Status.SUPPLEMENT_LATE, Status.ASSIGNED,
                 Status.REPLY_DRAFTED)


class SendChannel(models.TextChoices):
    """How a notice with a time limit counted from its receipt went out (R.32, R.34, 109号): the
    receipt is presumed from it (settings.NOTICE_RECEIPT_PRESUMED_DAYS) until the actual date of
    receipt is recorded."""

    POST = "post", _("邮寄")
    EMAIL = "email", _("电子邮件")
    IN_PERSON = "in_person", _("直接送达")
    FAX = "fax", _("传真")


class DisclosureApplication(TrackedCase):
    # Masked in the back office except for those who may see them (each full view logged), and the
    # tracking secret: no list may filter, search or sort by them (portal/admin_confidential.py).
    CONFIDENTIAL_FIELDS = frozenset({"identity_number", "phone", "email", "address", "postcode", "secret_digest",
                                     "idempotency_key"})

    OPEN_STATUSES = OPEN_STATUSES
    ANSWERED_ON = "replied_on"

    channel = models.CharField(_("申请方式"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    status = models.CharField(_("状态"), max_length=30, choices=Status.choices, default=Status.SUBMITTED)

    # The applicant (R.29(1))
    applicant_type = models.CharField(_("申请人类型"), max_length=30, choices=ApplicantType.choices)
    applicant_name = models.CharField(_("姓名或名称"), max_length=200)
    legal_representative = models.CharField(_("法定代表人或负责人"), max_length=100, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=100, blank=True)
    identity_document = models.CharField(_("证件类型"), max_length=20, choices=IdentityDocument.choices)
    identity_number = models.CharField(_("证件号码"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=30)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("通信地址"), max_length=300, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=10, blank=True)

    # The information wanted (R.29(2))
    information_title = models.CharField(_("所需信息名称"), max_length=300)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    index_number = models.CharField(_("索引号"), max_length=100, blank=True)
    description = models.TextField(_("所需信息的内容描述"), max_length=5000)
    purpose = models.CharField(_("用途（选填）"), max_length=500, blank=True)

    # The form wanted (R.29(3))
    medium = models.CharField(_("获取信息的载体"), max_length=20, choices=Medium.choices, default=Medium.ELECTRONIC)
    delivery = models.CharField(_("获取信息的方式"), max_length=20, choices=Delivery.choices, default=Delivery.DOWNLOAD)

    # Receipt and handling
    received_on = models.DateField(_("收到申请日期"), null=True, blank=True, help_text=_("条例第三十一条"))
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, null=True, blank=True, related_name="applications", verbose_name=_("承办处室")
    )
    clock_paused = models.BooleanField(_("期限暂停"), default=False)
    extended = models.BooleanField(_("已延期"), default=False)
    supplement_deadline = models.DateField(_("补正期限"), null=True, blank=True)
    consultation_open = models.BooleanField(_("征求第三方意见中"), default=False)
    agency_consultation_open = models.BooleanField(_("征求其他机关意见中"), default=False)
    fee_pending = models.BooleanField(_("待缴费"), default=False)
    extension_pending = models.BooleanField(_("延期待批准"), default=False)
    # M.6 para. 2, R.15: a reply disclosing a commercial secret or privacy in the public interest
    # waits for the supervising leader's signature (workflow SIGN_OFF_PUBLIC_INTEREST).
    public_interest_pending = models.BooleanField(_("公共利益公开待签发"), default=False)

    # The reply (R.36, R.37)
    outcome = models.CharField(_("办理结果"), max_length=40, choices=Outcome.choices, blank=True)
    reply_letter = models.TextField(_("告知书"), blank=True)
    reply_note = models.TextField(_("答复说明（内部）"), blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    redirect_agency = models.CharField(_("告知的有关机关"), max_length=200, blank=True,
                                       help_text=_("不属于本机关的，能够确定负责机关的，告知其名称和联系方式（条例第三十六条第（五）项）。"))

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("录入人"), help_text=_("工作人员代为录入时填写"),
    )

    # R.44: the answer brought into proactive disclosure (a record drafted from the released
    # information), and the applicant's suggestion that it should be (R.44, second paragraph).
    public_record = models.ForeignKey(
        "disclosure.Record", on_delete=models.SET_NULL, null=True, blank=True, related_name="source_applications",
        verbose_name=_("纳入主动公开的政府信息"),
    )
    proactive_suggested = models.BooleanField(_("申请人建议纳入主动公开"), default=False,
                                              help_text=_("条例第四十四条第二款"))
    proactive_suggested_at = models.DateTimeField(_("建议纳入主动公开的时间"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["secret_digest"])

    class Meta:
        verbose_name = _("政府信息公开申请")
        verbose_name_plural = _("政府信息公开申请")
        ordering = ["-submitted_at"]
        indexes = [
            # The back office's list order (the admin adds -id) and its date drill-down (issue #22).
            models.Index(fields=["-submitted_at", "-id"], name="application_submitted_order"),
            # The list of one status (结案, most of them) in that order, and its date drill-down's
            # first and last dates: SQLite would read every closed application to sort them.
            models.Index(fields=["status", "-submitted_at", "-id"], name="application_status_order"),
            # The year's R.44 suggestions, counted above the list on every visit (a few rows).
            models.Index(fields=["proactive_suggested_at"], condition=models.Q(proactive_suggested=True),
                         name="application_suggested_at"),
            # The supervision dashboard's applications answered and ratings given in a period,
            # per office: each count read from its index alone, not from 120,000 rows.
            models.Index(fields=["replied_on", "office", "due_date"], name="application_replied_on"),
            models.Index(fields=["rated_at", "office", "rating"], condition=models.Q(rating__isnull=False),
                         name="application_rated_at"),
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["office", "status"]),
            models.Index(fields=["received_on"]),
            models.Index(fields=["closed_at"]),
            models.Index(fields=["identity_number"]),
        ]
        permissions = [
            ("register_application", _("确认受理、分办")),
            ("handle_application", _("承办答复")),
            ("approve_application_reply", _("审核并发出答复")),
            ("approve_application_extension", _("批准延长答复期限")),
            ("sign_off_public_interest", _("签发因公共利益决定公开")),
            ("view_applicant_identity", _("查看申请人完整身份信息")),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.information_title}"

    def clean(self) -> None:
        """The identity number must match its document type (R.29(1)); natural persons use an
        identity document, organisations their unified social credit code (or another)."""
        number = (self.identity_number or "").strip().upper()
        self.identity_number = number
        if self.identity_document == IdentityDocument.RESIDENT_ID:
            validate_resident_id(number)
        elif self.identity_document == IdentityDocument.USCC:
            validate_uscc(number)
        if self.applicant_type != ApplicantType.NATURAL_PERSON and self.identity_document == IdentityDocument.RESIDENT_ID:
            raise ValidationError({"identity_document": _("法人或其他组织请填写统一社会信用代码或其他登记证件。")})
        if self.delivery == Delivery.EMAIL and not self.email:
            raise ValidationError({"email": _("选择电子邮件方式获取的，请填写电子邮箱。")})
        if self.delivery == Delivery.POST and not self.address:
            raise ValidationError({"address": _("选择邮寄方式获取的，请填写通信地址。")})

    @classmethod
    def clock_running_q(cls) -> models.Q:
        # A supplement (R.30), a consultation (R.32, R.34) or a fee notice (109号) stops the clock.
        return models.Q(clock_paused=False)


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("提交申请")
    RECEIVED = "received", _("确认收到（受理）")
    ASSIGNED = "assigned", _("分办")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("告知补正")
    SUPPLEMENT_RECEIVED = "supplement_received", _("收到补正")
    SUPPLEMENT_ACCEPTED = "supplement_accepted", _("逾期补正有正当理由，予以接受")
    DEEMED_WITHDRAWN = "deemed_withdrawn", _("逾期未补正，视为放弃")
    CONSULTATION_STARTED = "consultation_started", _("征求第三方意见")
    CONSULTATION_ENDED = "consultation_ended", _("第三方意见征询结束")
    AGENCY_CONSULTATION_STARTED = "agency_consultation_started", _("征求其他机关意见")
    AGENCY_CONSULTATION_ENDED = "agency_consultation_ended", _("其他机关意见征询结束")
    NOTICE_RECEIVED = "notice_received", _("登记送达日期")
    EXTENSION_REQUESTED = "extension_requested", _("申请延长答复期限")
    EXTENSION_REFUSED = "extension_refused", _("不同意延长答复期限")
    EXTENDED = "extended", _("延长答复期限")
    DELAYED_REPLY = "delayed_reply", _("确定延迟答复期限")
    THIRD_PARTY_NOTIFIED = "third_party_notified", _("书面告知第三方决定公开")
    PUBLIC_INTEREST_REQUESTED = "public_interest_requested", _("提请签发：因公共利益决定公开")
    PUBLIC_INTEREST_SIGNED_OFF = "public_interest_signed_off", _("厅领导签发：因公共利益决定公开")
    FEE_NOTICE = "fee_notice", _("发出收费通知")
    FEE_PAID = "fee_paid", _("收到费用")
    FEE_UNPAID = "fee_unpaid", _("逾期未缴费，不再处理")
    REPLY_DRAFTED = "reply_drafted", _("拟定答复")
    REPLY_RETURNED = "reply_returned", _("答复退回修改")
    REPLIED = "replied", _("审核并发出答复")
    WITHDRAWN = "withdrawn", _("申请人撤回申请")
    REVIEW_RECORDED = "review_recorded", _("记录复议或诉讼")
    RATED = "rated", _("申请人评价")
    PROACTIVE_SUGGESTED = "proactive_suggested", _("申请人建议纳入主动公开")
    PROACTIVE_PROPOSED = "proactive_proposed", _("纳入主动公开（起草政府信息）")
    NOTE = "note", _("备注")


# What the applicant sees of the handling on the tracking page: the kind of each step and its
# date. The extension request and its refusal, the notice to a third party, drafts returned for
# correction, review records and notes are internal steps.
DisclosureApplication.CITIZEN_EVENT_KINDS = frozenset({
    EventKind.SUBMITTED, EventKind.RECEIVED, EventKind.ASSIGNED, EventKind.SUPPLEMENT_REQUESTED,
    EventKind.SUPPLEMENT_RECEIVED, EventKind.SUPPLEMENT_ACCEPTED, EventKind.DEEMED_WITHDRAWN,
    EventKind.CONSULTATION_STARTED, EventKind.CONSULTATION_ENDED, EventKind.AGENCY_CONSULTATION_STARTED,
    EventKind.AGENCY_CONSULTATION_ENDED, EventKind.NOTICE_RECEIVED, EventKind.EXTENDED, EventKind.DELAYED_REPLY,
    EventKind.FEE_NOTICE, EventKind.FEE_PAID, EventKind.FEE_UNPAID, EventKind.REPLIED, EventKind.WITHDRAWN,
    EventKind.RATED, EventKind.PROACTIVE_SUGGESTED,
})


class ApplicationEvent(CaseEvent):
    """Everything that happened to an application, with who and when. The clock is derived
    from these events (applications/clock.py)."""

    application = models.ForeignKey(DisclosureApplication, on_delete=models.PROTECT, related_name="events",
                                    verbose_name=_("申请"))
    kind = models.CharField(_("事项"), max_length=30, choices=EventKind.choices)
    from_status = models.CharField(_("原状态"), max_length=30, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=30, choices=Status.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("申请办理记录")
        verbose_name_plural = _("申请办理记录")
        ordering = ["at", "pk"]


class NoticeKind(models.TextChoices):
    """The documents the agency sends while handling an application, besides the reply letter."""

    SUPPLEMENT_REQUEST = "supplement_request", _("补正告知书")
    EXTENSION = "extension", _("延期答复告知书")
    FEE = "fee", _("收费通知书")
    CONSULTATION = "consultation", _("征求意见函")
    NO_SUPPLEMENT = "no_supplement", _("逾期未补正告知书")
    FEE_UNPAID = "fee_unpaid", _("逾期未缴费告知书")
    AGENCY_CONSULTATION = "agency_consultation", _("征求其他机关意见函")
    DELAYED_REPLY = "delayed_reply", _("延迟答复告知书")
    THIRD_PARTY_DISCLOSURE = "third_party_disclosure", _("决定公开告知书（第三方）")


# Notices addressed to someone other than the applicant: printed in the back office only.
NOT_TO_APPLICANT = (NoticeKind.CONSULTATION, NoticeKind.AGENCY_CONSULTATION, NoticeKind.THIRD_PARTY_DISCLOSURE)


class ApplicationNotice(AppendOnlyModel):
    """A notice as it was sent (HTML, printable and as PDF), written with the event it belongs
    to and never changed: what the applicant or third party received is what stays on file."""

    CONFIDENTIAL_FIELDS = frozenset({"addressee", "html"})  # names the applicant or a third party

    application = models.ForeignKey(DisclosureApplication, on_delete=models.PROTECT, related_name="notices",
                                    verbose_name=_("申请"))
    event = models.OneToOneField(ApplicationEvent, on_delete=models.PROTECT, related_name="notice",
                                 verbose_name=_("办理记录"))
    kind = models.CharField(_("文书"), max_length=30, choices=NoticeKind.choices)
    addressee = models.CharField(_("送达对象"), max_length=200)
    to_applicant = models.BooleanField(_("发给申请人"), default=True,
                                       help_text=_("发给申请人的文书显示在查询页面；征求意见函发给第三方，只在后台打印。"))
    html = models.TextField(_("正文"))
    issued_on = models.DateField(_("日期"))
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("办理文书")
        verbose_name_plural = _("办理文书")
        ordering = ["issued_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.application.tracking_code}"


class FileRole(models.TextChoices):
    APPLICATION = "application", _("申请材料")
    SUPPLEMENT = "supplement", _("补正材料")
    PROVIDED = "provided", _("提供的政府信息")
    LETTER = "letter", _("告知书")
    CONSENT = "consent", _("权利人同意书")
    OTHER = "other", _("其他")


# What the applicant submitted may hold an identity document (R.29(1)): shown like the identity.
IDENTITY_FILE_ROLES = (FileRole.APPLICATION, FileRole.SUPPLEMENT)


def application_file_path(instance, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"applications/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ApplicationFile(StoredFile):
    # The applicant's materials may be identity documents (IDENTITY_FILE_ROLES): never a list filter.
    CONFIDENTIAL_FIELDS = frozenset({"file", "original_name", "sha256"})

    application = models.ForeignKey(DisclosureApplication, on_delete=models.PROTECT, related_name="files",
                                    verbose_name=_("申请"))
    role = models.CharField(_("用途"), max_length=20, choices=FileRole.choices)
    file = models.FileField(_("文件"), upload_to=application_file_path, max_length=200)
    visible_to_applicant = models.BooleanField(_("申请人可下载"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("上传人"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("申请文件")
        verbose_name_plural = _("申请文件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class FeeMethod(models.TextChoices):
    """国办函〔2020〕109号: one method per application."""

    BY_COUNT = "by_count", _("按件计收")
    BY_PAGE = "by_page", _("按量计收")


class FeeNotice(models.Model):
    application = models.ForeignKey(DisclosureApplication, on_delete=models.PROTECT, related_name="fee_notices",
                                    verbose_name=_("申请"))
    method = models.CharField(_("计收方式"), max_length=20, choices=FeeMethod.choices)
    basis = models.PositiveIntegerField(_("计费依据"), help_text=_("按件：本月第几件申请；按量：页数"))
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    issued_on = models.DateField(_("通知日期"))
    sent_via = models.CharField(_("送达方式"), max_length=20, choices=SendChannel.choices, default=SendChannel.EMAIL)
    received_on = models.DateField(_("申请人收到通知日期"), null=True, blank=True,
                                   help_text=_("空：按送达方式推定（国办函〔2020〕109号：自收到收费通知之日起计算缴费期限）"))
    pay_by = models.DateField(_("缴费期限"))
    paid_on = models.DateField(_("缴费日期"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("信息处理费通知")
        verbose_name_plural = _("信息处理费通知")
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return f"{self.amount} 元"


class ReviewKind(models.TextChoices):
    """The three blocks of table 4."""

    REVIEW = "review", _("行政复议")
    LITIGATION_DIRECT = "litigation_direct", _("行政诉讼（未经复议直接起诉）")
    LITIGATION_AFTER_REVIEW = "litigation_after_review", _("行政诉讼（复议后起诉）")


class ReviewResult(models.TextChoices):
    MAINTAINED = "maintained", _("结果维持")
    CORRECTED = "corrected", _("结果纠正")
    OTHER = "other", _("其他结果")
    PENDING = "pending", _("尚未审结")


class ReviewCase(models.Model):
    """An administrative review or lawsuit about an application (table 4). Failing to reply is
    itself reviewable, so a case may concern an application that is still open."""

    application = models.ForeignKey(DisclosureApplication, on_delete=models.PROTECT, related_name="review_cases",
                                    verbose_name=_("申请"))
    kind = models.CharField(_("类型"), max_length=30, choices=ReviewKind.choices)
    filed_on = models.DateField(_("立案日期"))
    result = models.CharField(_("结果"), max_length=20, choices=ReviewResult.choices, default=ReviewResult.PENDING)
    decided_on = models.DateField(_("审结日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("复议或诉讼")
        verbose_name_plural = _("复议或诉讼")
        ordering = ["-filed_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_result_display()}"

    def clean(self) -> None:
        """A decided case has its decision date, on or after filing; a pending one has none
        (table 4 counts a case by its result and the year it was decided)."""
        errors = {}
        if self.result and self.result != ReviewResult.PENDING and not self.decided_on:
            errors["decided_on"] = _("已审结的，请填写审结日期。")
        if self.result == ReviewResult.PENDING and self.decided_on:
            errors["decided_on"] = _("尚未审结的，不应填写审结日期；审结后再填写结果和日期。")
        if self.decided_on and self.filed_on and self.decided_on < self.filed_on:
            errors["decided_on"] = _("审结日期不能早于立案日期。")
        if self.filed_on and self.filed_on > timezone.localdate():
            errors["filed_on"] = _("立案日期不能晚于今天。")
        if self.decided_on and self.decided_on > timezone.localdate():
            errors["decided_on"] = _("审结日期不能晚于今天。")
        if errors:
            raise ValidationError(errors)


class IdentityAccess(AppendOnlyModel):
    """Each full view of an applicant's identity and contacts (privacy: who saw what, when)."""

    application = models.ForeignKey(DisclosureApplication, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("申请"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("查看人"))
    at = models.DateTimeField(_("查看时间"), default=timezone.now)
    purpose = models.CharField(_("查看内容"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("身份信息查看记录")
        verbose_name_plural = _("身份信息查看记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user}"


class ReminderSent(models.Model):
    """Makes the daily reminder command idempotent: one row per reminder actually sent."""

    application = models.ForeignKey(DisclosureApplication, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    due_date = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "kind", "due_date"], name="reminder_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_date}"


# --- The annual report (M.3(3), R.49, R.50; 国办公开办函〔2021〕30号) -----------------------------

# The narrative sections are short rich text: paragraphs, emphasis and lists, nothing else. The
# same allowlist sanitises every save (nh3, through the field), so the report body stays valid
# inside a record.
NARRATIVE_EDITOR = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "HardBreak": True,
        "History": True,
    }
}


def _narrative_field(label: str, help_text: str) -> ProseEditorField:
    return ProseEditorField(label, blank=True, config=NARRATIVE_EDITOR, sanitize=True, help_text=help_text)


class ReportStage(models.TextChoices):
    COMPILING = "compiling", _("编制中")
    IN_WORKFLOW = "in_workflow", _("发布审核中")
    PUBLISHED = "published", _("已发布")


class AnnualReport(models.Model):
    """The disclosure report for one calendar year (R.49, R.50), in the national 2021 format.

    Tables 2–4 are computed from the records, applications and review cases (applications/annual_report/compute.py)
    and kept in `snapshot` as of `generated_at`; the disclosure office writes sections 一、五、六 and
    enters the few table-2 cells that come from other systems, each with its source. The report is
    published as a record in the 政府信息公开年报 category; its stage follows that record.
    """

    year = models.PositiveIntegerField(_("年度"), unique=True)
    overview = _narrative_field(_("一、总体情况"),
                                _("主动公开、依申请公开、政府信息管理、平台建设、监督保障等情况（条例第五十条）。"))
    problems = _narrative_field(_("五、存在的主要问题及改进情况"), "")
    other_matters = _narrative_field(_("六、其他需要报告的事项"),
                                     _("包括收取信息处理费的情况（条例第四十二条、第五十条）。"))

    # Table 2 cells that come from other systems (R.20(5), (6), (8)), each with its source.
    licensing_decisions = models.PositiveIntegerField(_("行政许可：本年处理决定数量"), null=True, blank=True)
    licensing_source = models.CharField(_("行政许可数据来源"), max_length=200, blank=True)
    penalty_decisions = models.PositiveIntegerField(_("行政处罚：本年处理决定数量"), null=True, blank=True)
    penalty_source = models.CharField(_("行政处罚数据来源"), max_length=200, blank=True)
    enforcement_decisions = models.PositiveIntegerField(_("行政强制：本年处理决定数量"), null=True, blank=True)
    enforcement_source = models.CharField(_("行政强制数据来源"), max_length=200, blank=True)
    fee_income = models.DecimalField(_("行政事业性收费：本年收费金额（万元）"), max_digits=12, decimal_places=4,
                                     null=True, blank=True, validators=[MinValueValidator(0)])
    fee_income_source = models.CharField(_("行政事业性收费数据来源"), max_length=200, blank=True)

    # The first year in the system: last year's carry-over as published in last year's report.
    previous_carry_over = models.JSONField(
        _("上年结转（手工录入）"), default=dict, blank=True,
        help_text=_("本系统中没有上一年度报告时，填写上一年度报告表3“四、结转下年度继续办理”各列的数字。"),
    )
    previous_carry_over_source = models.CharField(_("上年结转数字来源"), max_length=200, blank=True)

    snapshot = models.JSONField(_("统计数据"), default=dict, blank=True, editable=False)
    generated_at = models.DateTimeField(_("数据生成时间"), null=True, blank=True, editable=False)
    # Every change (figures refreshed, text or cells edited) is a new revision; the record holds
    # the revision it was rendered from, with its figures, so a stale draft is visible and next
    # year's carry-over is checked against what was actually published.
    revision = models.PositiveIntegerField(_("修订号"), default=0, editable=False)
    record = models.ForeignKey(
        "disclosure.Record", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False,
        verbose_name=_("发布稿"),
    )
    record_revision = models.PositiveIntegerField(_("发布稿所依据的修订号"), null=True, blank=True, editable=False)
    record_snapshot = models.JSONField(_("发布稿中的统计数据"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", editable=False, verbose_name=_("最后修改人"))
    history = HistoricalRecords(excluded_fields=["updated_at", "snapshot", "record_snapshot"])

    class Meta:
        verbose_name = _("政府信息公开工作年度报告")
        verbose_name_plural = _("政府信息公开工作年度报告")
        ordering = ["-year"]
        permissions = [("compile_annual_report", _("编制年度报告并转为发布稿"))]

    def __str__(self) -> str:
        return _("%(year)d年政府信息公开工作年度报告") % {"year": self.year}

    @property
    def stage(self) -> str:
        """Follows the record: none (or withheld, revoked) → compiling; published → published."""
        from disclosure.models import RecordState

        record = self.record
        if record is None or record.state in (RecordState.WITHHELD, RecordState.REVOKED):
            return ReportStage.COMPILING
        if record.state in (RecordState.PUBLISHED, RecordState.REGISTERED) and record.published_at and (
            record.published_at <= timezone.now()
        ):
            return ReportStage.PUBLISHED
        return ReportStage.IN_WORKFLOW

    def get_stage_display(self) -> str:
        return str(ReportStage(self.stage).label)

    @property
    def record_is_stale(self) -> bool:
        """The draft record was rendered from an earlier revision of the report."""
        from disclosure.models import RecordState

        return (self.record_id is not None and self.record.state == RecordState.DRAFT
                and self.record_revision != self.revision)

    @property
    def is_editable(self) -> bool:
        """While compiling, and while its record is still a draft (the draft is then updated)."""
        from disclosure.models import RecordState

        return self.stage == ReportStage.COMPILING or self.record.state == RecordState.DRAFT

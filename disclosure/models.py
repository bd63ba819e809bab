"""Government information (M.2), its catalogue (R.12), its publish workflow (M.12) and the
release register (M.12(4))."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from simple_history.models import HistoricalRecords

from disclosure.interpretation_models import InterpretationWaiver
from portal.models import AppendOnlyModel, Office, Role, StoredFile


class RecordState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    DIVISION_REVIEW = "division_review", _("处室负责人审核")
    CONFIDENTIALITY_REVIEW = "confidentiality_review", _("保密审查")
    LEADER_SIGNOFF = "leader_signoff", _("厅领导签发")
    READY = "ready", _("待发布")
    PUBLISHED = "published", _("已发布")
    REGISTERED = "registered", _("已登记")
    WITHHELD = "withheld", _("不予公开")
    REVOKED = "revoked", _("已撤销")


# A version not yet out: still in the publish workflow (M.12). Withheld and revoked are decisions.
UNPUBLISHED_STATES = (RecordState.DRAFT, RecordState.DIVISION_REVIEW, RecordState.CONFIDENTIALITY_REVIEW,
                      RecordState.LEADER_SIGNOFF, RecordState.READY)


class DisclosureAttribute(models.TextChoices):
    PROACTIVE = "proactive", _("主动公开")
    ON_REQUEST = "on_request", _("依申请公开")
    NOT_DISCLOSED = "not_disclosed", _("不予公开")


class WithholdingGround(models.TextChoices):
    """Why information, or a part of it, is not disclosed: M.6 and R.14–R.16, in the order of
    the annual report's table 3 (三)."""

    STATE_SECRET = "state_secret", _("属于国家秘密")
    PROHIBITED_BY_LAW = "prohibited_by_law", _("其他法律行政法规禁止公开")
    SECURITY_STABILITY = "security_stability", _("危及“三安全一稳定”")
    COMMERCIAL_SECRET = "commercial_secret", _("涉及商业秘密")
    PERSONAL_PRIVACY = "personal_privacy", _("涉及个人隐私")
    INTERNAL_AFFAIRS = "internal_affairs", _("属于三类内部事务信息")
    PROCESS_INFORMATION = "process_information", _("属于四类过程性信息")
    ENFORCEMENT_FILE = "enforcement_file", _("属于行政执法案卷")


class DisclosureOverride(models.TextChoices):
    """Why information that involves a commercial secret or personal privacy is disclosed all the
    same (M.6 para. 2, R.15)."""

    CONSENT = "consent", _("权利人同意公开")
    PUBLIC_INTEREST = "public_interest", _("不公开可能对公共利益造成重大影响")


class Channel(models.TextChoices):
    """The channels of M.9."""

    GAZETTE = "gazette", _("政府公报或信息专刊")
    WEBSITE = "website", _("厅网站")
    COLUMN = "column", _("政府信息公开专栏")
    PRESS = "press", _("新闻发布会或其他相关会议")
    MEDIA = "media", _("广播、电视、报刊等传统媒体")


class DocumentType(models.TextChoices):
    """For table 2 of the annual report."""

    REGULATION = "regulation", _("规章")
    NORMATIVE = "normative", _("行政规范性文件")
    OTHER = "other", _("其他")


class Validity(models.TextChoices):
    VALID = "valid", _("有效")
    EXPIRED = "expired", _("失效")
    REPEALED = "repealed", _("废止")


class CatalogueCategory(models.Model):
    """A node of the catalogue tree (政府信息公开目录), edited by the disclosure office."""

    name = models.CharField(_("名称"), max_length=100)
    # The English pages show the `_en` fields; empty, they show the Chinese (portal/language.py).
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True, help_text=_("英文版页面显示；留空则显示中文。"))
    code = models.SlugField(_("代码"), max_length=30, unique=True, help_text=_("用于网址，例如 m5-1。"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级分类")
    )
    description = models.TextField(_("说明"), blank=True)
    description_en = models.TextField(_("英文说明"), blank=True, help_text=_("英文版页面显示；留空则显示中文。"))
    legal_basis = models.CharField(_("依据"), max_length=100, blank=True, help_text=_("例如：实施办法第五条第（一）项"))
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("在用"), default=True)
    update_period_days = models.PositiveIntegerField(
        _("更新周期（天）"), null=True, blank=True,
        help_text=_("超过该天数没有新发布的信息，合规自查会列出该栏目。动态类栏目一般为 14 天；留空为 183 天（半年）。"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("目录分类")
        verbose_name_plural = _("目录分类")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        # Iterative, and stopping at a repeat: a cycle stored before clean() refused it must not
        # turn every page that names the category into a RecursionError.
        names, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            if node.pk is not None:
                seen.add(node.pk)
            names.append(node.name)
            node = node.parent if node.parent_id else None
        return " / ".join(reversed(names))

    def get_absolute_url(self) -> str:
        return reverse("disclosure:catalogue") + f"?category={self.code}"

    def clean(self) -> None:
        """The catalogue is a tree: a category cannot sit under itself or under one of its own
        subcategories (that would make a cycle, and the catalogue could not be drawn)."""
        super().clean()
        node, seen = (self.parent if self.parent_id else None), set()
        while node is not None and node.pk not in seen:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError({"parent": _("上级分类不能是本分类或本分类的下级分类。")})
            seen.add(node.pk)
            node = node.parent if node.parent_id else None


RECORD_BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "History": True,
}


def record_body_sanitizer(extensions: dict):
    """nh3 with what the editor's extensions produce, plus what makes a data table accessible
    (WCAG 1.3.1): a <caption> and header scopes, which generated bodies (the annual report's
    tables) carry. Nothing scriptable is added."""
    import re

    import nh3
    from django_prose_editor.config import allowlist_from_extensions

    allowed = allowlist_from_extensions(extensions)
    allowed["tags"] = set(allowed["tags"]) | {"caption"}
    allowed["attributes"] = {**allowed["attributes"], "th": {*allowed["attributes"].get("th", ()), "scope"}}
    cleaner = nh3.Cleaner(**allowed)
    only_empty_element = re.compile(r"^<(?P<tag>\w+)></(?P=tag)>$")  # the editor's empty paragraph

    def sanitize(html: str) -> str:
        cleaned = cleaner.clean(html)
        return "" if only_empty_element.match(cleaned) else cleaned

    return sanitize


# Published on a day after the due date of M.11 / R.26 (the publication date in the agency's
# time zone): for filters and for counting (Count(filter=...)).
PUBLISHED_LATE = models.Q(published_at__isnull=False, due_date__isnull=False,
                          published_at__date__gt=models.F("due_date"))


class RecordQuerySet(models.QuerySet):
    """The clock of M.11 / R.26 as queries: what was published late and what is overdue now.
    The dashboard, the accountability findings and the work lists all ask these."""

    def not_yet_out(self, now=None) -> RecordQuerySet:
        """Still in the publish workflow, or published with a time that has not come (定时发布):
        a scheduled publication does not stop the clock before it takes effect."""
        now = now or timezone.now()
        return self.filter(
            models.Q(state__in=UNPUBLISHED_STATES, published_at__isnull=True)
            | models.Q(state__in=(RecordState.PUBLISHED, RecordState.REGISTERED), published_at__gt=now)
        )

    def overdue(self, today=None, now=None) -> RecordQuerySet:
        """Not yet out and past the due date."""
        today = today or timezone.localdate()
        return self.not_yet_out(now).filter(due_date__lt=today)

    def published_late(self) -> RecordQuerySet:
        """Published (or scheduled) on a day after the due date: the actual publication date
        against the due date, in the agency's time zone."""
        return self.filter(PUBLISHED_LATE)


class Record(models.Model):
    """One piece of government information (M.2), in one version.

    An amendment is a new Record pointing at `previous_version`; when it is published the
    earlier version gets `superseded_by` and its page links to the current one (M.14).
    """

    title = models.CharField(_("标题"), max_length=300)
    summary = models.CharField(_("内容概述"), max_length=500, blank=True, help_text=_("目录中显示的简要说明（条例第十二条）。"))
    body = ProseEditorField(_("正文"), blank=True, config={"extensions": RECORD_BODY_EXTENSIONS},
                            sanitize=record_body_sanitizer(RECORD_BODY_EXTENSIONS))
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="records", verbose_name=_("发布机构"))
    category = models.ForeignKey(
        CatalogueCategory, on_delete=models.PROTECT, related_name="records", verbose_name=_("主题分类")
    )
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    document_type = models.CharField(
        _("文件类型"), max_length=20, choices=DocumentType.choices, default=DocumentType.OTHER
    )
    date_formed = models.DateField(
        _("成文日期"), help_text=_("信息形成或变更的日期；自此起20个工作日内公开（实施办法第十一条）。")
    )
    attribute = models.CharField(
        _("公开属性"), max_length=20, choices=DisclosureAttribute.choices, default=DisclosureAttribute.PROACTIVE
    )
    withholding_ground = models.CharField(
        _("不予公开依据"), max_length=30, choices=WithholdingGround.choices, blank=True
    )
    redacted_parts = models.TextField(
        _("不予公开的部分"),
        blank=True,
        help_text=_("区分处理时删去的内容说明（实施办法第六条第二款）；正文只保留可以公开的部分。"),
    )
    redaction_grounds = models.JSONField(_("删去部分的依据"), default=list, blank=True)
    channels = models.JSONField(_("公开渠道"), default=list, blank=True)
    is_important = models.BooleanField(
        _("重要信息"), default=False, help_text=_("重要信息须经主管厅领导签字后公开（实施办法第十二条第（二）项）。")
    )
    # 政策解读 (issue #19): a video interpretation is a link to where the video is hosted (public
    # pages load nothing from another host, so it is linked, not embedded).
    video_url = models.URLField(
        _("视频解读链接"), max_length=500, blank=True, validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("政策解读的视频地址，以 http:// 或 https:// 开头；公开页面显示为链接。"))
    # 国办发〔2016〕80号: a 行政规范性文件 is published with its interpretation, or with the
    # disclosure office's recorded reason why none is needed (chosen at the unified review).
    interpretation_waiver = models.CharField(
        _("无需解读的理由"), max_length=20, blank=True,
        choices=InterpretationWaiver.choices)
    validity = models.CharField(_("有效性"), max_length=20, choices=Validity.choices, default=Validity.VALID)
    validity_changed_on = models.DateField(_("有效性变更日期"), null=True, blank=True)
    status_note = models.TextField(_("撤销、废止或失效说明"), blank=True)
    index_number = models.CharField(_("索引号"), max_length=100, unique=True, null=True, blank=True)
    state = models.CharField(_("状态"), max_length=30, choices=RecordState.choices, default=RecordState.DRAFT)
    published_at = models.DateTimeField(_("发布日期"), null=True, blank=True)
    due_date = models.DateField(_("公开期限"), null=True, blank=True)
    due_date_provisional = models.BooleanField(_("期限暂定"), default=False)
    # M.11, second sentence: a law or regulation that sets another period for this information
    # prevails over the 20 working days; the record carries that period and where it is set.
    due_period_days = models.PositiveSmallIntegerField(
        _("法定公开期限（工作日）"), null=True, blank=True,
        help_text=_("法律、法规对公开期限另有规定的，填写其规定的工作日数，并写明依据；留空则为20个工作日（实施办法第十一条）。"),
    )
    due_period_basis = models.CharField(
        _("公开期限依据"), max_length=200, blank=True, help_text=_("例如：《××法》第××条。"),
    )
    # A period the law sets as a calendar date, not in working days (R.49: the annual report by
    # 31 January). Set by the portal for the records it generates, never on the drafter's form.
    due_date_by_law = models.DateField(_("法定公开截止日"), null=True, blank=True)
    version_number = models.PositiveIntegerField(_("版本"), default=1)
    previous_version = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_versions",
        verbose_name=_("上一版本"),
    )
    superseded_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("已被替代为")
    )
    # M.14: the document that replaced this one when it was repealed (another record, not a new
    # version of this one), so its page links it directly.
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces",
        verbose_name=_("替代文件"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("起草人")
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("政府信息")
        verbose_name_plural = _("政府信息")
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["state", "due_date"]),
            models.Index(fields=["office", "state"]),
            # The open data API's order, newest first with the id breaking ties (issue #22): its
            # cursor pages read the index from the last row shown, however deep. Serves every
            # query the former index on published_at alone served. With the state, it also counts
            # what is public (selectors.records_published: a state and a publication time reached)
            # without reading a row: the API's and the sitemap's totals after each publication read
            # 100,000 rows past their bodies without it (7 s cold on SQLite). An index led by the
            # state gave that count too, but SQLite then chose it for the API's pages and sorted
            # every published row older than the cursor (60,000 rows, 340 ms).
            models.Index(fields=["-published_at", "-id", "state"], name="record_published_order_state"),
            # The back office's date drill-down (date_hierarchy) reads its first and last dates;
            # the list of a year reads its page's ids (in publication order) from this index alone,
            # for every office, without reading a row of the table (issue #22).
            models.Index(fields=["created_at", "office", "published_at"], name="record_created_order"),
            # The supervision dashboard's records published per office in a period, on time or late
            # (M.11): counted from this index alone, without reading past each row's body.
            models.Index(fields=["published_at", "attribute", "office", "due_date"], name="record_published_period"),
        ]
        permissions = [
            ("submit_record", _("提交审核")),
            ("review_division_record", _("处室负责人审核")),
            ("review_confidentiality_record", _("保密审查")),
            ("signoff_record", _("厅领导签发")),
            ("publish_record", _("发布")),
            ("register_record", _("登记")),
            ("amend_record", _("变更（修订）")),
            ("revoke_record", _("撤销、废止、失效")),
            ("request_record_change", _("报请变更、撤销或终止")),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("disclosure:record", args=[self.pk])

    def clean(self) -> None:
        """M.11, second sentence: another period is given with the law that sets it, and a
        basis without a period says nothing."""
        super().clean()
        if self.due_period_days is not None and not (1 <= self.due_period_days <= 366):
            raise ValidationError({"due_period_days": _("法定公开期限应为1至366个工作日。")})
        if self.due_period_days and not (self.due_period_basis or "").strip():
            raise ValidationError({"due_period_basis": _("填写了其他公开期限，须写明规定该期限的法律、法规（实施办法第十一条）。")})
        if (self.due_period_basis or "").strip() and not (self.due_period_days or self.due_date_by_law):
            raise ValidationError({"due_period_days": _("写明了期限依据，请填写该依据规定的工作日数。")})

    @property
    def is_public(self) -> bool:
        return (
            self.state in (RecordState.PUBLISHED, RecordState.REGISTERED, RecordState.REVOKED)
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def shows_body(self) -> bool:
        """依申请公开 entries are listed without content; revoked records keep only a notice."""
        return self.attribute == DisclosureAttribute.PROACTIVE and self.state != RecordState.REVOKED

    def channel_labels(self) -> list[str]:
        return [str(Channel(value).label) for value in self.channels if value in Channel.values]


def attachment_path(instance: Attachment, filename: str) -> str:
    # Stored under a generated name: the original name is kept in the database only.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(StoredFile):
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("政府信息"))
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    title = models.CharField(
        _("附件标题"), max_length=200, blank=True,
        help_text=_("公开页面显示为“附件1：标题”；留空则取文件名（不含扩展名）。"),
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """What the public page names the attachment by (附件1：…); the file name comes second."""
        return self.title or PurePosixPath(self.original_name).stem or self.original_name


class CatalogueEntry(models.Model):
    """The catalogue line of a published record (R.12): index, name, summary, date formed.

    Written when a record is published; hidden when it is revoked or replaced by a new version.
    """

    record = models.OneToOneField(Record, on_delete=models.PROTECT, related_name="catalogue_entry", verbose_name=_("政府信息"))
    index_number = models.CharField(_("索引号"), max_length=100, unique=True)
    title = models.CharField(_("信息名称"), max_length=300)
    summary = models.CharField(_("内容概述"), max_length=500, blank=True)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布机构"))
    category = models.ForeignKey(CatalogueCategory, on_delete=models.PROTECT, related_name="entries", verbose_name=_("主题分类"))
    date_formed = models.DateField(_("生成日期"))
    published_at = models.DateTimeField(_("发布日期"))
    attribute = models.CharField(_("公开属性"), max_length=20, choices=DisclosureAttribute.choices)
    validity = models.CharField(_("有效性"), max_length=20, choices=Validity.choices, default=Validity.VALID)
    is_listed = models.BooleanField(_("在目录中列出"), default=True)
    listed_until = models.DateTimeField(
        _("列出至"), null=True, blank=True, help_text=_("被新版本替代的时间：新版本定时发布时，旧版本列出到新版本生效为止。")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("目录条目")
        verbose_name_plural = _("目录条目")
        ordering = ["-published_at"]
        # Partial indexes: the public catalogue only ever reads listed entries, newest first.
        # `listed_until` is in each index so that counting and paging never visit the table.
        indexes = [
            models.Index(fields=["-published_at", "listed_until"], condition=models.Q(is_listed=True),
                         name="entry_listed_recent"),
            models.Index(fields=["category", "-published_at", "listed_until"], condition=models.Q(is_listed=True),
                         name="entry_listed_category"),
            models.Index(fields=["office", "-published_at", "listed_until"], condition=models.Q(is_listed=True),
                         name="entry_listed_office"),
            # The few entries replaced by a version yet to take effect (selectors.next_scheduled_publication).
            models.Index(fields=["listed_until"], condition=models.Q(listed_until__isnull=False),
                         name="entry_listed_until"),
            # The back office lists every entry, listed or not, newest first (the admin adds -id).
            models.Index(fields=["-published_at", "-id"], name="entry_back_office_order"),
        ]

    def __str__(self) -> str:
        return f"{self.index_number} {self.title}"


class EventAction(models.TextChoices):
    SUBMIT = "submit", _("提交审核")
    APPROVE_DIVISION = "approve_division", _("处室负责人审核通过")
    APPROVE_CONFIDENTIALITY = "approve_confidentiality", _("保密审查通过")
    SIGN_OFF = "sign_off", _("厅领导签发")
    PUBLISH = "publish", _("发布")
    REGISTER = "register", _("登记")
    RETURN_TO_DRAFT = "return_to_draft", _("退回修改")
    WITHHOLD = "withhold", _("不予公开")
    AMEND = "amend", _("变更（新版本）")
    CREATE_VERSION = "create_version", _("创建新版本")
    SUPERSEDE = "supersede", _("被新版本替代")
    REVOKE = "revoke", _("撤销")
    REPEAL = "repeal", _("废止")
    EXPIRE = "expire", _("标记失效")
    REQUEST_CHANGE = "request_change", _("报请变更、撤销或终止")
    ACCEPT_CHANGE_REQUEST = "accept_change_request", _("同意处室报请")
    DECLINE_CHANGE_REQUEST = "decline_change_request", _("不同意处室报请")
    LINK_INTERPRETATION = "link_interpretation", _("关联政策解读")
    UNLINK_INTERPRETATION = "unlink_interpretation", _("取消关联政策解读")


class WorkflowEvent(AppendOnlyModel):
    """Who did what to a record, when, from which state to which, and why."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="events", verbose_name=_("政府信息"))
    action = models.CharField(_("操作"), max_length=40, choices=EventAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人"))
    acted_as = models.CharField(_("身份"), max_length=30, choices=Role.choices, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    from_state = models.CharField(_("原状态"), max_length=30, choices=RecordState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=30, choices=RecordState.choices, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    checklist = models.JSONField(_("审查清单"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("流程记录")
        verbose_name_plural = _("流程记录")
        ordering = ["at", "pk"]
        # The back office's date drill-down on the log (date_hierarchy) and its ordering.
        indexes = [models.Index(fields=["at"], name="workflow_event_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class RegisterKind(models.TextChoices):
    RELEASE = "release", _("发布")
    AMENDMENT = "amendment", _("变更")
    REVOCATION = "revocation", _("撤销")
    REPEAL = "repeal", _("废止")
    EXPIRY = "expiry", _("失效")


class ReleaseRegisterLine(AppendOnlyModel):
    """One numbered line of the release register (登记簿, M.12(4))."""

    year = models.PositiveIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("登记号"))
    kind = models.CharField(_("登记事项"), max_length=20, choices=RegisterKind.choices)
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="register_lines", verbose_name=_("政府信息"))
    index_number = models.CharField(_("索引号"), max_length=100)
    title = models.CharField(_("标题"), max_length=300)
    office_name = models.CharField(_("发布机构"), max_length=100)
    channels = models.JSONField(_("公开渠道"), default=list)
    published_at = models.DateTimeField(_("发布时间"), null=True)
    registered_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("发布登记")
        verbose_name_plural = _("发布登记簿")
        ordering = ["-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="register_number_unique")]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"〔{self.year}〕{self.number:04d}"


class SearchDocument(models.Model):
    """The searchable text of a catalogue entry and its terms (see disclosure/search.py).

    Derived data, written on publish and removed on revocation; no history. The vendor-specific
    index over `uni` and `bi` is created by migration 0004.
    """

    entry = models.OneToOneField(CatalogueEntry, on_delete=models.CASCADE, primary_key=True, related_name="+")
    text = models.TextField()  # normalised, for the exact check of long texts
    uni = models.TextField()  # unigrams and words, in order
    bi = models.TextField()  # bigrams in order, runs separated (see search.RUN_BREAK)
    long_text = models.BooleanField(default=False)
    head = models.TextField(default="")  # title, 文号 and 索引号 as tokens, for the ranking (search.head_text)
    # Its pairs of Chinese characters, for SQLite's head index (search.head_pairs); empty on PostgreSQL.
    head_pairs = models.TextField(default="")

    class Meta:
        verbose_name = _("检索索引")
        verbose_name_plural = _("检索索引")

    def __str__(self) -> str:
        return str(self.entry_id)


def review_document_path(instance: ReviewDocument, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"review/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ReviewDocument(StoredFile):
    """A paper of the confidentiality review that is never published with the record: the right
    holder's written consent to disclosure (M.6 para. 2, R.15). Staff who may see the record may
    download it from its back-office page; the public has no door to it."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="review_documents",
                               verbose_name=_("政府信息"))
    purpose = models.CharField(_("用途"), max_length=30, choices=DisclosureOverride.choices,
                               default=DisclosureOverride.CONSENT)
    file = models.FileField(_("文件"), upload_to=review_document_path, max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("上传人"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("审查材料")
        verbose_name_plural = _("审查材料")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ChangeRequestKind(models.TextChoices):
    """What an office may report for its published information (M.14: 变更、撤销或终止)."""

    AMEND = "amend", _("变更（发布新版本）")
    REVOKE = "revoke", _("撤销")
    REPEAL = "repeal", _("废止（终止）")
    EXPIRE = "expire", _("失效（终止）")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    ACCEPTED = "accepted", _("已同意并办理")
    DECLINED = "declined", _("不同意")


class ChangeRequest(models.Model):
    """An office reports that its published information is to be changed, revoked or terminated,
    for the disclosure office to handle (M.14: 公开事项如变更、撤销或终止，要及时报……领导小组办公室处理)."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="change_requests",
                               verbose_name=_("政府信息"))
    kind = models.CharField(_("报请事项"), max_length=20, choices=ChangeRequestKind.choices)
    reason = models.TextField(_("理由"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("报请人"))
    requested_at = models.DateTimeField(_("报请时间"), default=timezone.now)
    status = models.CharField(_("处理结果"), max_length=20, choices=ChangeRequestStatus.choices,
                              default=ChangeRequestStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("处理人"))
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_note = models.TextField(_("处理意见"), blank=True)
    new_version = models.ForeignKey(Record, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("新版本"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("变更、撤销或终止报请")
        verbose_name_plural = _("变更、撤销或终止报请")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["record"], condition=models.Q(status="pending"),
                                    name="change_request_one_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{_('：')}{self.record}"


class StatutoryItem(models.Model):
    """One item of the information an agency must publish proactively by law (R.20 (一)–(十五)),
    and the catalogue categories where that information is filed. The statutory-content page
    lists the items; the disclosure office edits the text and the mapping."""

    article = models.CharField(_("条款"), max_length=60, help_text=_("例如：条例第二十条第（一）项"))
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("内容"), blank=True)
    categories = models.ManyToManyField(CatalogueCategory, blank=True, related_name="statutory_items",
                                        verbose_name=_("对应目录分类"))
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("在用"), default=True)
    history = HistoricalRecords(m2m_fields=[categories])

    class Meta:
        verbose_name = _("法定主动公开事项")
        verbose_name_plural = _("法定主动公开事项")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name
# Released copies of files and the personal-data check (issue #20), what the public asks for
# (search misses, hint counters; issue #18), policy interpretations and calls for public comments on
# drafts (政策解读, 意见征集; issue #19): their own modules.
from disclosure import (  # noqa: E402, F401
    comment_models,
    demand_models,
    interpretation_models,
    redaction_models,
    subscription_models,
)

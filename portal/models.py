"""Offices, staff roles, the agency profile and the working-day calendar (M.3)."""

from __future__ import annotations

import re
import string

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.validators import validate_uscc


class StoredFile(models.Model):
    """What every stored upload keeps beside its `file` (which each model declares with its own
    folder): the name it came with, its type and size as checked from its content
    (portal/files.py), its digest, and when it came. Record attachments, application files and
    complaint files are StoredFiles; portal.files.file_response serves any of them."""

    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} is append-only")

    def delete(self):
        raise TypeError(f"{self.model.__name__} is append-only")


class AppendOnlyModel(models.Model):
    """Rows are written once and never changed or deleted, not even through the admin: events,
    registers, access logs of every app."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} is append-only")


class OfficeKind(models.TextChoices):
    DIVISION = "division", _("业务处室")
    GENERAL_OFFICE = "general_office", _("厅办公室")
    INFO_CENTER = "info_center", _("厅信息中心")
    SUPERVISION = "supervision", _("厅监察室")


class Role(models.TextChoices):
    """The roles of DESIGN.md; one person may hold several."""

    DRAFTER = "drafter", _("处室信息员")
    DIVISION_HEAD = "division_head", _("处室负责人")
    DISCLOSURE_OFFICE = "disclosure_office", _("政府信息公开工作领导小组办公室")
    LEADER = "leader", _("主管厅领导")
    INFO_CENTER = "info_center", _("厅信息中心")
    GENERAL_OFFICE = "general_office", _("厅办公室")
    SUPERVISION = "supervision", _("厅监察室")


# Roles that act on their own office's objects only (M.3: each office names an info officer).
OFFICE_ROLES = frozenset({Role.DRAFTER, Role.DIVISION_HEAD})
# Roles that act for the whole agency (M.3, M.12(2)-(4), M.19).
AGENCY_ROLES = frozenset({Role.DISCLOSURE_OFFICE, Role.INFO_CENTER, Role.GENERAL_OFFICE, Role.SUPERVISION})
# Which office kinds an agency-wide role belongs to. The leading group's office is made of the
# general office and the info center (M.3).
AGENCY_ROLE_OFFICE_KINDS = {
    Role.DISCLOSURE_OFFICE: {OfficeKind.GENERAL_OFFICE, OfficeKind.INFO_CENTER},
    Role.INFO_CENTER: {OfficeKind.INFO_CENTER},
    Role.GENERAL_OFFICE: {OfficeKind.GENERAL_OFFICE},
    Role.SUPERVISION: {OfficeKind.SUPERVISION},
}
# The guardian object permission on `Office` that carries each office-scoped role.
OFFICE_PERMISSION_FOR_ROLE = {
    Role.DRAFTER: "act_as_drafter",
    Role.DIVISION_HEAD: "act_as_division_head",
    Role.LEADER: "act_as_leader",
}


class Office(models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    # The English pages show these `_en` fields; empty, they show the Chinese (portal/language.py).
    name_en = models.CharField(_("英文名称"), max_length=150, blank=True, help_text=_("英文版页面显示；留空则显示中文。"))
    kind = models.CharField(_("类型"), max_length=20, choices=OfficeKind.choices, default=OfficeKind.DIVISION)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("在用"), default=True)
    supervising_leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="supervised_offices",
        verbose_name=_("主管厅领导"),
        help_text=_("签发本处室重要信息的厅领导（M.12(2)）。"),
    )
    history = HistoricalRecords(m2m_fields=[supervising_leaders])

    class Meta:
        verbose_name = _("处室")
        verbose_name_plural = _("处室")
        ordering = ["sort_order", "name"]
        permissions = [
            ("act_as_drafter", _("以处室信息员身份办理本处室事项")),
            ("act_as_division_head", _("以处室负责人身份审核本处室事项")),
            ("act_as_leader", _("以主管厅领导身份签发本处室事项")),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's role, in an office for office roles, for the agency otherwise."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("所在处室"),
        help_text=_("厅领导不填；其余角色必填。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("人员角色")
        verbose_name_plural = _("人员角色")
        ordering = ["user__username", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "office"], name="membership_unique"),
            models.UniqueConstraint(
                fields=["user", "role"], condition=models.Q(office__isnull=True), name="membership_unique_no_office"
            ),
        ]

    def __str__(self) -> str:
        where = self.office.name if self.office_id else _("全厅")
        return f"{self.user} · {self.get_role_display()} · {where}"

    def clean(self) -> None:
        if self.role == Role.LEADER:
            if self.office_id:
                raise ValidationError({"office": _("厅领导不属于某一处室；请在处室的“主管厅领导”中设置分管关系。")})
            return
        if not self.office_id:
            raise ValidationError({"office": _("该角色必须指定所在处室。")})
        kinds = AGENCY_ROLE_OFFICE_KINDS.get(self.role)
        if kinds and self.office.kind not in kinds:
            allowed = "、".join(str(OfficeKind(kind).label) for kind in sorted(kinds))
            raise ValidationError({"office": _("该角色只能属于：%(kinds)s。") % {"kinds": allowed}})


class MailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("每件事项即时发送邮件")
    DIGEST = "digest", _("每天一封汇总邮件")


class StaffPreference(models.Model):
    """A staff member's own settings, edited by themselves (工作台 › 通知设置).

    ``mail_mode``: work that now waits for this person is mailed at once, or listed in one
    daily digest instead (``send_staff_digest``), with the days left for each item. Results
    that are not work (a record withheld or revoked) are always mailed at once."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_preference",
                                verbose_name=_("用户"))
    mail_mode = models.CharField(_("待办通知方式"), max_length=20, choices=MailMode.choices,
                                 default=MailMode.IMMEDIATE)
    # The day of the last digest: the command sends at most one a day, however often it runs.
    digest_sent_on = models.DateField(_("最近一次汇总邮件日期"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_mail_mode_display()}"


class SiteProfile(models.Model):
    """The agency's identity (one row). Data, never code: every agency edits its own."""

    name = models.CharField(_("机关名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True, help_text=_("英文版页面显示；留空则显示中文。"))
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, validators=[validate_uscc], help_text=_("18位，用于生成索引号。")
    )
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=10, blank=True)
    office_hours = models.CharField(_("办公时间"), max_length=200, blank=True)
    office_hours_en = models.CharField(_("办公时间（英文）"), max_length=200, blank=True, help_text=_("英文版页面显示；留空则显示中文。"))
    phone = models.CharField(_("咨询电话"), max_length=50, blank=True)
    fax = models.CharField(_("传真"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    website = models.URLField(_("网站"), blank=True)
    icp_number = models.CharField(_("ICP备案号"), max_length=50, blank=True)
    # Named in every letter that states the remedies (a reply, a closing letter, a fee notice, a
    # decision to disclose over a third party's objection). Since the 2024 Administrative
    # Reconsideration Law (art. 24), a department of a provincial government is reviewed by that
    # provincial government, e.g. 吉林省人民政府.
    review_body = models.CharField(
        _("行政复议机关"), max_length=100, blank=True,
        help_text=_("告知书中写明的行政复议机关。省政府工作部门为本级人民政府，例如“吉林省人民政府”（《中华人民共和国行政复议法》第二十四条）。"),
    )
    # The site identity every government site shows in its footer (国办发〔2017〕47号; checked by
    # the compliance self-check, issue #20).
    site_code = models.CharField(_("网站标识码"), max_length=20, blank=True, help_text=_("政府网站标识码，例如 2200000010。"))
    public_security_number = models.CharField(_("公安机关备案号"), max_length=80, blank=True,
                                              help_text=_("例如：吉公网安备 22010202000123号"))
    index_number_format = models.CharField(
        _("索引号格式"),
        max_length=100,
        default="{uscc}/{year}-{seq:05d}",
        help_text=_("可用占位符：{uscc} 统一社会信用代码，{year} 年份，{seq} 当年序号，例如 {seq:05d}。"),
    )
    history = HistoricalRecords()

    CACHE_KEY = "portal:site-profile"

    class Meta:
        verbose_name = _("机关信息")
        verbose_name_plural = _("机关信息")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    # The placeholders an index number is made of; {year} and {seq} are both needed, because the
    # sequence restarts every year.
    INDEX_NUMBER_FIELDS = frozenset({"uscc", "year", "seq"})
    INDEX_NUMBER_REQUIRED = ("year", "seq")

    def clean(self) -> None:
        try:
            fields = {
                re.split(r"[.\[]", name, maxsplit=1)[0]
                for _literal, name, _spec, _conversion in string.Formatter().parse(self.index_number_format)
                if name is not None
            }
            self.format_index_number(year=2026, seq=1)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError) as error:
            raise ValidationError(
                {"index_number_format": _("索引号格式无效：%(error)s") % {"error": error or type(error).__name__}}
            ) from None
        unknown = sorted(fields - self.INDEX_NUMBER_FIELDS)
        if unknown:
            raise ValidationError({"index_number_format": _("索引号格式中有未知的占位符：%(names)s") % {
                "names": "、".join(f"{{{name}}}" for name in unknown)}})
        if not all(name in fields for name in self.INDEX_NUMBER_REQUIRED):
            raise ValidationError({"index_number_format": _(
                "索引号格式必须同时包含 {year} 和 {seq}：序号每年从 1 重新开始，缺少其中任何一个，编号都会重复。")})

    def format_index_number(self, *, year: int, seq: int) -> str:
        return self.index_number_format.format(uscc=self.uscc, year=year, seq=seq)

    @classmethod
    def current(cls) -> SiteProfile:
        """The profile, or an unsaved placeholder before the agency has entered one."""
        profile = cache.get(cls.CACHE_KEY)
        if profile is None:
            profile = cls.objects.filter(pk=1).first() or cls(name=str(_("政府信息公开平台")), uscc="")
            cache.set(cls.CACHE_KEY, profile, 300)
        return profile


class CalendarYear(models.Model):
    """Marks a year's holiday arrangement as entered, so its dates stop being provisional."""

    year = models.PositiveIntegerField(_("年份"), unique=True)
    is_complete = models.BooleanField(
        _("已录入全年安排"),
        default=False,
        help_text=_("国务院办公厅公布该年节假日安排并全部录入后勾选；未勾选的年份按周一至周五、扣除《全国年节及纪念日放假办法》规定的节假日计算，并提示“暂定”。"),
    )
    note = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("例如：国办发明电〔2026〕X号"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度节假日安排")
        verbose_name_plural = _("年度节假日安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One date whose status differs from the package or from Monday–Friday."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("工作日"), help_text=_("勾选：调休上班；不勾选：放假。"))
    note = models.CharField(_("说明"), max_length=100, blank=True, help_text=_("例如：春节、国庆节调休"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["-date"]

    def __str__(self) -> str:
        status = _("上班") if self.is_workday else _("放假")
        return f"{self.date:%Y-%m-%d} {status}"


class Sequence(models.Model):
    """Running numbers that are never reused (index numbers, register lines, tracking codes)."""

    name = models.CharField(max_length=50)
    year = models.PositiveIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("流水号")
        verbose_name_plural = _("流水号")
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="sequence_unique")]

    def __str__(self) -> str:
        return f"{self.name}/{self.year}: {self.last_value}"


class AuditEvent(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    LOCKED_OUT = "locked_out", _("账号锁定")
    PERMISSION_DENIED = "permission_denied", _("拒绝访问")
    OTP_ENROLLED = "otp_enrolled", _("绑定动态口令")
    OTP_FAILED = "otp_failed", _("动态口令错误")
    OTP_KEY_SHOWN = "otp_key_shown", _("显示动态口令密钥")
    CASE_LINK_LIMITED = "case_link_limited", _("一次性查询链接请求过于频繁")


class AuditEntry(models.Model):
    """Security audit trail (等保2.0): kept at least AUDIT_RETENTION_DAYS (≥ 180 days); written
    once, never edited; only `purge_audit_log` removes entries older than the retention."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    event = models.CharField(_("事件"), max_length=30, choices=AuditEvent.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("用户"))
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    path = models.CharField(_("地址"), max_length=300, blank=True)
    detail = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_event_display()} {self.username}"


class LinkChannel(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class CaseListLink(models.Model):
    """A one-time link to a citizen's own cases (issue #18, portal/own_cases): only the SHA-256
    of its token is kept, never the token nor the address it was sent to; `cases` names the
    cases found for that address when it was asked ("application:12"), empty when none were."""

    token_digest = models.CharField(_("链接摘要"), max_length=64, unique=True)
    channel = models.CharField(_("发送方式"), max_length=10, choices=LinkChannel.choices)
    cases = models.JSONField(_("案件"), default=list, blank=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"), db_index=True)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("一次性查询链接")
        verbose_name_plural = _("一次性查询链接")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.created_at:%Y-%m-%d %H:%M}"


class NoticeState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Notice(models.Model):
    """The outbox (通知发件箱, issue #21): one mail the portal decided to send, written in the same
    transaction as the change that caused it and delivered afterwards by the worker
    (portal/outbox.py), so that a slow or absent mail server neither slows a request nor loses
    the mail. `case_code` names the case by its tracking code; `legal` marks a written notice
    with legal weight (a supplement request, an extension, a fee notice, a reply, the answer to a
    complaint), which the citizen also finds on the tracking page with the date it was sent."""

    created_at = models.DateTimeField(_("生成时间"), default=timezone.now, db_index=True)
    to = models.JSONField(_("收件人"), default=list)
    subject = models.TextField(_("主题"))
    body = models.TextField(_("正文"))
    html = models.TextField(_("HTML 正文"), blank=True)
    headers = models.JSONField(_("邮件头"), default=dict, blank=True)
    case_code = models.CharField(_("查询码"), max_length=40, blank=True, db_index=True)
    legal = models.BooleanField(_("书面告知"), default=False)
    to_public = models.BooleanField(_("发给公众"), default=False)
    state = models.CharField(_("状态"), max_length=10, choices=NoticeState.choices, default=NoticeState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), default=timezone.now)
    claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    last_error = models.CharField(_("最近一次错误"), max_length=200, blank=True)
    # Recipients the server refused while it accepted the others (the others got the mail).
    refused = models.JSONField(_("被拒收件人"), default=list, blank=True)
    # A notice failed for good waits on the disclosure office's work list until someone resends
    # it or records that the person was told another way.
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("处理人"))

    CONFIDENTIAL_FIELDS = ("to", "refused")

    class Meta:
        verbose_name = _("通知邮件")
        verbose_name_plural = _("通知邮件")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="portal_notice_due_idx")]

    def __str__(self) -> str:
        return self.subject

    @property
    def title(self) -> str:
        """The subject without the agency's name in brackets and the case's code, which the page
        shows around it."""
        title = re.sub(r"^\[[^\]]*\]\s*", "", self.subject)
        if self.case_code:
            title = title.replace(f"（{self.case_code}）", "").replace(f"：{self.case_code}", "")
        return title.strip()


class NoticeAttempt(AppendOnlyModel):
    """One try to hand a notice to the mail server: when, and what came back (the error's type and
    the server's code, never its text: SMTP errors carry the addresses)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="delivery_attempts",
                               verbose_name=_("通知邮件"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    ok = models.BooleanField(_("成功"))
    error = models.CharField(_("错误"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {'OK' if self.ok else self.error}"

"""Public forms of 互动交流: complaints and reports, consultations, tracking, rating and the survey.
No account needed. The writes are in services.py; these forms check what a person typed and say,
field by field and in Chinese, what to correct. Every one carries the spam trap of
portal.forms.HoneypotMixin (templates include _honeypot.html): filled in, the form is refused
and nothing is stored or looked up."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from complaints.models import FailureType
from portal.files import ALLOWED_EXTENSIONS
from portal.forms import (
    RATING_CHOICES,
    HoneypotMixin,
    MultipleFileField,
    OneTimeKeyMixin,
    RatingForm,
    TrackingForm,
    clean_phone,
)
from portal.language import localized
from portal.models import Office, OfficeKind
from portal.validators import resident_id_is_valid, uscc_is_valid

MAX_FILES = 10
# Formatted when shown, not at import: formatting a lazy string would fix it in the default language.
FILES_HELP = lazy(lambda: _("可选，最多%(n)d个文件，每个不超过20MB。支持：%(types)s。")
                  % {"n": MAX_FILES, "types": ALLOWED_EXTENSIONS}, str)()

__all__ = ["ComplaintForm", "ConsultationForm", "RatingForm", "SurveyForm", "TrackForm"]


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return localized(obj)  # the office's English name on the English pages, when it has one


def offices_open_to_the_public():
    """Offices a complaint may name or a consultation be sent to: in use, not the supervision office."""
    return Office.objects.filter(is_active=True).exclude(kind=OfficeKind.SUPERVISION).order_by("sort_order", "name")


def clean_identity_number(value: str) -> str:
    value = re.sub(r"\s+", "", value or "").upper()
    if value and (len(value) == 18 and not (resident_id_is_valid(value) or uscc_is_valid(value))):
        raise ValidationError(_("证件号码无效：请核对18位居民身份证号码或统一社会信用代码。"), code="identity")
    if value and not 5 <= len(value) <= 50:
        raise ValidationError(_("证件号码长度不正确。"), code="identity")
    return value


IDENTITY_CHOICES = [
    ("named", _("实名举报：留下姓名和联系方式，便于厅监察室核实情况、反馈结果")),
    ("anonymous", _("匿名举报：不留姓名和联系方式，凭查询码和查询密码查看办理结果")),
]


class ComplaintForm(OneTimeKeyMixin, HoneypotMixin, forms.Form):
    """举报投诉 (M.19): which office, what failure, what happened; named or anonymous."""

    office = OfficeChoiceField(label=_("被投诉的处室"), queryset=Office.objects.none(), required=False,
                               empty_label=_("不确定，由厅监察室分办"),
                               help_text=_("认为哪个处室（部门）不依法履行政府信息公开义务；不确定的，由厅监察室分办。"))
    failure_type = forms.ChoiceField(label=_("投诉事项类型"), choices=FailureType.choices, widget=forms.RadioSelect)
    related_reference = forms.CharField(
        label=_("相关申请的查询码或信息名称"), required=False, max_length=300,
        help_text=_("选填。如涉及某件政府信息公开申请，请填写申请的查询码；涉及某项信息的，请填写信息名称。"))
    details = forms.CharField(label=_("具体情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}),
                              help_text=_("请写明时间、经过和您的诉求，最多5000字。"))
    attachments = MultipleFileField(label=_("证明材料"), help_text=FILES_HELP, max_files=MAX_FILES, check_content=True)
    identity = forms.ChoiceField(label=_("举报方式"), choices=IDENTITY_CHOICES, widget=forms.RadioSelect,
                                 initial="named")
    name = forms.CharField(label=_("姓名或名称"), required=False, max_length=100,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    identity_number = forms.CharField(
        label=_("证件号码"), required=False, max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("选填。居民身份证号码或统一社会信用代码。"))
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=30,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}))
    email = forms.EmailField(label=_("电子邮箱"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}))
    address = forms.CharField(label=_("通信地址"), required=False, max_length=300,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    REPORTER_FIELDS = ("name", "identity_number", "phone", "email", "address")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices_open_to_the_public()
        self._ensure_key()

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone"))

    def clean_identity_number(self) -> str:
        return clean_identity_number(self.cleaned_data.get("identity_number"))

    def clean(self):
        data = super().clean()
        if data.get("identity") == "anonymous":
            # Whatever was typed in the identity fields is dropped, not stored.
            for name in self.REPORTER_FIELDS:
                data[name] = ""
                self.errors.pop(name, None)
        elif data.get("identity") == "named":
            if not (data.get("name") or "").strip() and "name" not in self.errors:
                self.add_error("name", _("实名举报请填写姓名或名称；不愿留下姓名的，请选择匿名举报。"))
            if not (data.get("phone") or data.get("email")) and not {"phone", "email"} & set(self.errors):
                self.add_error("phone", _("实名举报请至少填写一种联系方式（电话或电子邮箱）。"))
        return data

    @property
    def anonymous(self) -> bool:
        return self.cleaned_data.get("identity") == "anonymous"

    def matter(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("office", "failure_type", "related_reference", "details")}

    def reporter(self) -> dict | None:
        return None if self.anonymous else {name: self.cleaned_data[name] for name in self.REPORTER_FIELDS}


class ConsultationForm(OneTimeKeyMixin, HoneypotMixin, forms.Form):
    """咨询 (M.10)."""

    office = OfficeChoiceField(label=_("咨询的处室"), queryset=Office.objects.none(), required=False,
                               empty_label=_("不确定，由本机关分办"),
                               help_text=_("知道由哪个处室负责的，可以直接选择；不确定的，由本机关分办。"))
    subject = forms.CharField(label=_("咨询主题"), max_length=100)
    question = forms.CharField(label=_("咨询内容"), max_length=3000, widget=forms.Textarea(attrs={"rows": 7}),
                               help_text=_("最多3000字。请勿填写身份证号码等不必要的个人信息。"))
    name = forms.CharField(label=_("姓名或名称"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=30,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
                            help_text=_("选填。"))
    email = forms.EmailField(label=_("电子邮箱"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
                             help_text=_("选填。答复后会发送通知到该邮箱。"))
    publish_consent = forms.BooleanField(
        label=_("同意本机关隐去我的个人信息后，将咨询内容和答复公开在“咨询问答”中，供他人参考。"), required=False)
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    FIELDS = ("office", "subject", "question", "name", "phone", "email", "publish_consent")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices_open_to_the_public()
        self._ensure_key()

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone"))

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class TrackForm(TrackingForm):
    """查询 (the code and secret of the receipt)."""


def _score(label):
    return forms.TypedChoiceField(label=label, choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect,
                                  error_messages={"required": _("请选择评分。"), "invalid_choice": _("请选择1至5分。")})


class SurveyForm(OneTimeKeyMixin, HoneypotMixin, forms.Form):
    """社会评议问卷 (M.18): three scores and a comment, anonymous. One answer per form sent."""

    overall = _score(_("您对本机关政府信息公开工作的总体评价"))
    findability = _score(_("在本网站查找政府信息是否方便"))
    timeliness = _score(_("公开的信息是否及时、准确"))
    comment = forms.CharField(label=_("意见和建议"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("选填，最多2000字。问卷不记录您的姓名和联系方式；需要答复的问题请通过咨询提出。"))
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    SCORES = ("overall", "findability", "timeliness", "comment")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._ensure_key()

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in (*self.SCORES, "idempotency_key")}

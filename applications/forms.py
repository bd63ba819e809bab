"""Public forms for applications (依申请公开, R.27–R.30): no account needed.

The writes themselves are `services.application_submit` and the applicant's other actions; these
forms only check what a person typed and say, field by field and in Chinese, what to correct.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from applications.models import ApplicantType, DisclosureApplication, IdentityDocument
from applications.services import MAX_FILES
from portal.files import ALLOWED, ALLOWED_EXTENSIONS
from portal.forms import (
    HoneypotMixin,
    MultipleFileField,
    OneTimeKeyMixin,
    TrackingForm,
    clean_phone,
    limited,
)

T = ApplicantType
ORGANISATION_TYPES = (T.COMMERCIAL, T.RESEARCH, T.PUBLIC_WELFARE, T.LEGAL_SERVICE, T.OTHER_ORGANISATION)
APPLICANT_TYPE_CHOICES = [
    (T.NATURAL_PERSON.value, T.NATURAL_PERSON.label),
    (_("法人或其他组织"), [(t.value, t.label) for t in ORGANISATION_TYPES]),
]
# Model validators of identity numbers raise without a field; the form shows them on the number.
IDENTITY_ERROR_CODES = {"invalid_resident_id", "invalid_uscc"}
POSTCODE_RE = re.compile(r"^[0-9]{6}$")
ACCEPT = ",".join(sorted(ALLOWED))
# Formatted when shown, not at import: formatting a lazy string would fix it in the default language.
FILES_HELP = lazy(lambda: _("可选，最多%(n)d个文件，每个不超过20MB。支持：%(types)s。")
                  % {"n": MAX_FILES, "types": ALLOWED_EXTENSIONS}, str)()

APPLICATION_FIELDS = [
    "applicant_type", "applicant_name", "legal_representative", "contact_person", "identity_document",
    "identity_number", "phone", "email", "address", "postcode",
    "information_title", "document_number", "index_number", "description", "purpose",
    "medium", "delivery",
]


def _text_input(**attrs):
    return forms.TextInput(attrs=attrs)


class ApplicationForm(OneTimeKeyMixin, HoneypotMixin, forms.ModelForm):
    """The online application (R.29): who asks, for what, in which form."""

    attachments = MultipleFileField(label=_("附件"), help_text=FILES_HELP, max_files=MAX_FILES, check_content=True)
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    suggest_proactive = forms.BooleanField(
        label=_("我建议本机关将所申请的政府信息纳入主动公开的范围"), required=False,
        help_text=_("选填。认为该信息涉及公众利益调整、需要公众广泛知晓或者需要公众参与决策的，可以建议纳入主动公开"
                    "（条例第四十四条第二款）。"))

    class Meta:
        model = DisclosureApplication
        fields = APPLICATION_FIELDS
        widgets = {
            "applicant_type": forms.RadioSelect,
            "identity_document": forms.RadioSelect,
            "medium": forms.RadioSelect,
            "delivery": forms.RadioSelect,
            "applicant_name": _text_input(autocomplete="name"),
            "legal_representative": _text_input(),
            "contact_person": _text_input(autocomplete="name"),
            "identity_number": _text_input(autocomplete="off", spellcheck="false", inputmode="text"),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
            "address": _text_input(autocomplete="street-address"),
            "postcode": _text_input(autocomplete="postal-code", inputmode="numeric"),
            "information_title": _text_input(),
            "document_number": _text_input(),
            "index_number": _text_input(spellcheck="false"),
            "description": forms.Textarea(attrs={"rows": 6}),
            "purpose": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "applicant_name": _("姓名或名称"),
            "purpose": _("用途"),
        }
        error_messages = {name: limited() for name in APPLICATION_FIELDS}
        help_texts = {
            "applicant_type": _("自然人以个人名义申请；企业、科研机构、社会组织等以单位名义申请的，请选择相应类型。"),
            "applicant_name": _("自然人填写姓名，法人或其他组织填写全称（条例第二十九条第二款第（一）项）。"),
            "contact_person": _("负责与本机关联系的人员姓名。"),
            "identity_document": _("自然人一般选择居民身份证；法人或其他组织选择统一社会信用代码。"),
            "identity_number": _("居民身份证号码和统一社会信用代码均为18位，系统会核对校验位。"),
            "phone": _("用于本机关与您联系，如告知补正、答复等。"),
            "email": _("选择以电子邮件获取信息的必填；办理进展也会发送到该邮箱。"),
            "address": _("选择邮寄获取信息的必填。"),
            "postcode": _("6位数字。"),
            "information_title": _("所需政府信息的名称（条例第二十九条第二款第（二）项）。"),
            "document_number": _("知道文号的请填写，如“某工信发〔2025〕1号”。"),
            "index_number": _("从政府信息公开目录申请的，会自动填入。"),
            "description": _("请尽量写明信息的内容、形成时间、制作机关等便于查找的特征，最多5000字。"),
            "purpose": _("选填。"),
            "medium": _("条例第二十九条第二款第（三）项。"),
            "delivery": _("选择“在查询页面下载”的，可凭查询码和查询密码在线查看答复、下载材料。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant_type"].choices = APPLICANT_TYPE_CHOICES
        self.fields["identity_document"].choices = IdentityDocument.choices
        # The one-time key of this form (a double submit shows the same receipt): made when the
        # form is first shown, and again should a posted one be missing or damaged.
        self._ensure_key()

    # Grouped radios for the template: 自然人, then the five kinds of organisation.
    @property
    def applicant_type_person(self):
        return next(iter(self["applicant_type"]))

    @property
    def applicant_type_organisations(self):
        return list(self["applicant_type"])[1:]

    def clean_identity_number(self) -> str:
        return re.sub(r"\s+", "", self.cleaned_data.get("identity_number") or "").upper()

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone"))

    def clean_postcode(self) -> str:
        postcode = (self.cleaned_data.get("postcode") or "").strip()
        if postcode and not POSTCODE_RE.match(postcode):
            raise ValidationError(_("邮政编码应为6位数字。"), code="postcode")
        return postcode

    def clean(self):
        data = super().clean()
        kind = data.get("applicant_type")
        if kind == T.NATURAL_PERSON:
            # Fields of the organisation section are ignored for a natural person.
            data["legal_representative"] = data["contact_person"] = ""
            if data.get("identity_document") == IdentityDocument.USCC:
                self.add_error("identity_document", _("自然人请选择居民身份证或其他证件。"))
        elif kind in ORGANISATION_TYPES:
            for name, message in (
                ("legal_representative", _("请填写法定代表人或负责人。")),
                ("contact_person", _("请填写联系人。")),
            ):
                if not (data.get(name) or "").strip() and name not in self.errors:
                    self.add_error(name, message)
        return data

    def _post_clean(self):
        """The model's clean() checks the identity number's check digit without naming a field:
        show that message on the number itself (once), not at the top of the form only."""
        super()._post_clean()
        general = self.errors.get(NON_FIELD_ERRORS)
        if not general:
            return
        keep, moved = [], []
        for error in general.as_data():
            (moved if error.code in IDENTITY_ERROR_CODES else keep).append(error)
        if not moved:
            return
        if keep:
            self.errors[NON_FIELD_ERRORS] = self.error_class(keep, error_class="nonfield", renderer=self.renderer)
        else:
            del self.errors[NON_FIELD_ERRORS]
        if "identity_number" not in self.errors:
            self.add_error("identity_number", moved[0])

    def service_data(self) -> dict:
        """The model fields for services.application_submit."""
        return {name: self.cleaned_data[name] for name in APPLICATION_FIELDS}


class SupplementForm(HoneypotMixin, forms.Form):
    """补正 (R.30): the applicant adds what the agency asked for, as text, files or both."""

    text = forms.CharField(label=_("补正内容"), required=False, max_length=5000, error_messages=limited(),
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("请针对本机关告知的补正事项逐项说明，最多5000字。"))
    attachments = MultipleFileField(label=_("补正材料"), help_text=FILES_HELP, max_files=MAX_FILES,
                                    check_content=True)

    def clean(self):
        data = super().clean()
        data["text"] = (data.get("text") or "").strip()
        if not self.errors and not (data["text"] or data.get("attachments")):
            raise ValidationError(_("请填写补正内容或上传补正材料。"), code="empty")
        return data


class WithdrawForm(HoneypotMixin, forms.Form):
    reason = forms.CharField(label=_("撤回理由"), required=False, max_length=2000, error_messages=limited(),
                             widget=forms.Textarea(attrs={"rows": 3}), help_text=_("选填，最多2000字。"))
    confirm = forms.BooleanField(
        label=_("我确认撤回本申请。撤回后本机关不再处理，如仍需要该信息须重新提出申请。"),
        error_messages={"required": _("请勾选确认后再撤回申请。")},
    )




class SuggestProactiveForm(HoneypotMixin, forms.Form):
    """R.44, second paragraph: after the answer, the applicant suggests proactive disclosure."""

    confirm = forms.BooleanField(
        label=_("我建议本机关将所申请的政府信息纳入主动公开的范围。"),
        error_messages={"required": _("请勾选后再提交建议。")},
    )


class TrackForm(TrackingForm):
    """查询 (the code and secret of the receipt)."""

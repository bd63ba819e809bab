import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); each is checked by the
    service that stores it (type from content, size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("可选择多个文件；类型按文件内容检查。"))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class HoneypotMixin(forms.Form):
    """A spam trap that needs no outside service: a field people never see (hidden by CSS and
    from assistive technology) that simple bots fill in. Filled in, the form is refused."""

    website = forms.CharField(
        label=_("请勿填写此项"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1", "class": "hp-input"}),
    )

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("提交未被接受，请刷新页面后重新填写。"), code="spam")
        return ""


class TrackingForm(HoneypotMixin, forms.Form):
    """The public's way into a case without an account: the code and the secret from the receipt,
    forgiving of spaces, dashes and case. Subclasses say in `code_help` what their codes look like."""

    # One way in for every case: each tracking page opens applications, complaints and
    # consultations alike (portal/tracking.py), so each says so.
    code_help = _("回执上的查询码：申请如 SQ2026-000001，咨询如 ZX2026-000001，举报投诉如 JB2026-000001。")
    _typed = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
    tracking_code = forms.CharField(label=_("查询码"), max_length=30, widget=forms.TextInput(attrs=_typed))
    secret = forms.CharField(label=_("查询密码"), max_length=30, help_text=_("回执上的8位查询密码，不区分大小写。"),
                             widget=forms.TextInput(attrs=_typed))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tracking_code"].help_text = self.code_help

    def clean_tracking_code(self) -> str:
        """“sq2026 000001”, “SQ2026000001”, “ＳＱ２０２６－１” all read as SQ2026-000001."""
        code = re.sub(r"\s+", "", unicodedata.normalize("NFKC", self.cleaned_data["tracking_code"])).upper()
        if match := re.fullmatch(r"([A-Z]{2})(\d{4})[-_]?(\d{1,6})", code):
            prefix, year, number = match.groups()
            code = f"{prefix}{year}-{int(number):06d}"
        return code

    def clean_secret(self) -> str:
        return re.sub(r"[\s\-]+", "", self.cleaned_data["secret"]).upper()


class StaffPreferenceForm(forms.Form):
    """工作台 › 通知设置: how a staff member hears of work that waits for them."""

    mail_mode = forms.ChoiceField(
        label=_("待办通知方式"), widget=forms.RadioSelect, initial="immediate",
        choices=[("immediate", _("每件事项即时发送邮件")),
                 ("digest", _("每天一封汇总邮件：列出等待您处理的全部事项和剩余期限"))],
        help_text=_("不予公开、撤销、废止等结果通知始终即时发送。"),
    )

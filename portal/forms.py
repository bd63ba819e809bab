import re
import unicodedata
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

# A contact phone number as people write it: mobile, landline with area code, extension.
PHONE_RE = re.compile(r"^[0-9+\-() ]{7,30}$")

# A rating of the handling (M.18), best first as people read a scale.
RATING_CHOICES = [
    (5, _("5分 非常满意")),
    (4, _("4分 满意")),
    (3, _("3分 基本满意")),
    (2, _("2分 不满意")),
    (1, _("1分 非常不满意")),
]


def clean_phone(value: str) -> str:
    value = (value or "").strip()
    if value and not PHONE_RE.match(value):
        raise forms.ValidationError(_("请填写有效的联系电话，如13912345678或0431-88888888。"), code="phone")
    return value


def is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class OneTimeKeyMixin:
    """A hidden one-time key (`idempotency_key`): a double submit of the same form stores one
    case and shows one receipt (portal/intake.py). Made when the form is first shown, and again
    should a posted one be missing or damaged; forms call `_ensure_key()` in `__init__`."""

    def _ensure_key(self) -> None:
        key_name = self.add_prefix("idempotency_key")
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())
        elif not is_uuid(self.data.get(key_name)):
            self.data = self.data.copy()
            self.data[key_name] = str(uuid.uuid4())


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern). In the back office each file is
    checked by the service that stores it; a public form passes `max_files` and
    `check_content=True` so that the citizen learns at once which file is refused and why
    (type from content, size: portal/files.py)."""

    def __init__(self, *args, max_files: int | None = None, check_content: bool = False, **kwargs):
        from portal.files import ALLOWED

        self.max_files, self.check_content = max_files, check_content
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(sorted(ALLOWED))} if check_content
                                                      else None))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("可选择多个文件；类型按文件内容检查。"))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        from portal.files import check_upload

        single = super().clean
        files = [single(item, initial) for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if self.max_files and len(files) > self.max_files:
            raise forms.ValidationError(
                _("附件最多%(n)d个，您选择了%(count)d个。") % {"n": self.max_files, "count": len(files)},
                code="max_files")
        if self.check_content:
            errors = []
            for upload in files:
                try:
                    check_upload(upload)
                except forms.ValidationError as error:
                    errors.extend(error.messages)
            if errors:
                raise forms.ValidationError(errors)
        return files


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


# Every text field carries its limit as `maxlength` (Django adds it from max_length), so a browser
# stops typing at the limit instead of sending megabytes that end on the generic 400 page; should
# a longer text arrive anyway, the message names the limit.
TOO_LONG = _("最多%(limit_value)d字，您填写了%(show_value)d字。")


def limited(**messages) -> dict:
    return {"max_length": TOO_LONG, **messages}


class RatingForm(HoneypotMixin, forms.Form):
    """评价 (M.18): once, after a case (application, complaint, consultation) is closed."""

    rating = forms.TypedChoiceField(label=_("您对本次办理的评价"), choices=RATING_CHOICES, coerce=int,
                                    widget=forms.RadioSelect,
                                    error_messages={"required": _("请选择评价分数。"),
                                                    "invalid_choice": _("请选择1至5分。")})
    comment = forms.CharField(label=_("意见和建议"), required=False, max_length=2000, error_messages=limited(),
                              widget=forms.Textarea(attrs={"rows": 3}), help_text=_("选填，最多2000字。"))

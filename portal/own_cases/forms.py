from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import HoneypotMixin
from portal.own_cases.selectors import CONTACT_MAX, contact_parse


class ContactForm(HoneypotMixin, forms.Form):
    """The address the citizen gave with their cases; `cleaned_data["contact"]` is a Contact."""

    contact = forms.CharField(
        label=_("电子邮箱或手机号码"), strip=True, error_messages={"required": _("请填写电子邮箱或手机号码。")},
        help_text=_("填写提交申请、咨询或投诉举报时留下的电子邮箱或手机号码。"),
        widget=forms.TextInput(attrs={"autocomplete": "email", "spellcheck": "false", "maxlength": CONTACT_MAX,
                                      "inputmode": "email"}),
    )

    def clean_contact(self):
        return contact_parse(self.cleaned_data["contact"])

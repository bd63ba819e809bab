"""The public's subscription form (issue #21 part 3): no account, a spam trap and a one-time key
like the other public forms; a malformed address is refused here with a message."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from disclosure.models import CatalogueCategory, DocumentType
from disclosure.subscription_models import Frequency
from portal.forms import HoneypotMixin, OneTimeKeyMixin
from portal.language import localized
from portal.models import Office


class LocalizedChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return localized(obj)


class SubscriptionForm(OneTimeKeyMixin, HoneypotMixin, forms.Form):
    email = forms.EmailField(
        label=_("电子邮箱"), max_length=254,
        error_messages={"invalid": _("请填写有效的电子邮箱地址，如 name@example.com。"),
                        "required": _("请填写接收订阅邮件的电子邮箱。")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        help_text=_("我们先发送一封确认邮件；点击其中的链接后订阅才生效。邮箱不会公开。"))
    categories = LocalizedChoice(
        label=_("主题分类"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=CatalogueCategory.objects.filter(is_active=True, parent__isnull=True).order_by("sort_order", "pk"),
        help_text=_("不选则不限；选上级分类包括其下级分类。"))
    offices = LocalizedChoice(
        label=_("发布机构"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=Office.objects.filter(is_active=True).order_by("pk"), help_text=_("不选则不限。"))
    document_types = forms.MultipleChoiceField(
        label=_("文件类型"), required=False, widget=forms.CheckboxSelectMultiple, choices=DocumentType.choices,
        help_text=_("不选则不限。"))
    query = forms.CharField(label=_("关键词"), required=False, max_length=100,
                            help_text=_("选填。标题、概述或文号中含有全部关键词（以空格分隔）的信息才会推送。"))
    frequency = forms.ChoiceField(label=_("发送频率"), choices=Frequency.choices, initial=Frequency.IMMEDIATE,
                                  widget=forms.RadioSelect)
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._ensure_key()

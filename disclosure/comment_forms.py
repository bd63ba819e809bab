"""Forms of calls for public comments: the public's comment form (spam trap, one-time key, one
attachment checked from its content) and the back office's forms. The writes are in
comment_services.py."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from disclosure.comment_models import CommentChannel, CommentDecision, DecisionKind
from disclosure.comment_services import MAX_COMMENT_LENGTH
from disclosure.models import CatalogueCategory, Record
from portal.files import ALLOWED, ALLOWED_EXTENSIONS, check_upload
from portal.forms import HoneypotMixin, OneTimeKeyMixin
from portal.models import Office
from portal.widgets import IsoDateInput

FILE_HELP = lazy(lambda: _("选填，1个文件，不超过20MB。支持：%(types)s。") % {"types": ALLOWED_EXTENSIONS}, str)()


class PublicCommentForm(OneTimeKeyMixin, HoneypotMixin, forms.Form):
    """The public's comment on a draft. Name and contact are optional unless the agency requires
    a name; they are never shown on the public site."""

    text = forms.CharField(label=_("意见内容"), max_length=MAX_COMMENT_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("最多5000字。可以写明针对草案的哪一条、建议如何修改及理由。"))
    name = forms.CharField(label=_("姓名或名称"), max_length=100, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}), help_text=_("选填。"))
    contact = forms.CharField(label=_("联系方式"), max_length=100, required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "tel"}),
                              help_text=_("选填：电话或电子邮箱，便于本机关就您的意见进一步沟通；不会公开。"))
    attachment = forms.FileField(label=_("附件"), required=False, help_text=FILE_HELP,
                                 widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(ALLOWED))}))
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, require_name: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if require_name:
            self.fields["name"].required = True
            self.fields["name"].help_text = _("本机关要求填写姓名或名称；不会公开。")
        self._ensure_key()

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            check_upload(upload)  # type from content, size (portal/files.py): refused here with the reason
        return upload


class CommentPeriodOpenForm(forms.Form):
    """发起意见征集: the draft (a new record of the office) and the terms of the period."""

    office = forms.ModelChoiceField(label=_("发布机构"), queryset=Office.objects.none())
    category = forms.ModelChoiceField(label=_("主题分类"), queryset=CatalogueCategory.objects.filter(is_active=True))
    title = forms.CharField(label=_("标题"), max_length=300,
                            help_text=_("例如：关于《××管理办法（征求意见稿）》公开征求意见的公告"))
    draft_text = forms.CharField(label=_("征求意见稿正文"), widget=forms.Textarea(attrs={"rows": 12}),
                                 help_text=_("草案全文或起草说明；草案文件可在保存后于政府信息页面作为附件上传。"))
    decision_kind = forms.ChoiceField(label=_("草案类别"), choices=DecisionKind.choices)
    start_date = forms.DateField(label=_("征集开始日期"), widget=IsoDateInput)
    end_date = forms.DateField(label=_("征集截止日期"), widget=IsoDateInput)
    contact = forms.CharField(label=_("联系方式"), max_length=300,
                              help_text=_("公开显示：联系处室、电话、电子邮箱或通信地址。"))
    channels = forms.MultipleChoiceField(label=_("意见反馈渠道"), choices=CommentChannel.choices,
                                         widget=forms.CheckboxSelectMultiple, initial=[CommentChannel.ONLINE])

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices if offices is not None else Office.objects.none()


class CommentDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("采纳情况"), choices=[
        c for c in CommentDecision.choices if c[0] != CommentDecision.PENDING])
    reason = forms.CharField(label=_("理由"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("理由（部分采纳或未采纳时必填）")}),
                             help_text=_("部分采纳或未采纳的，须说明理由。"))


class CommentCloseForm(forms.Form):
    reason = forms.CharField(label=_("提前结束原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("将在公开页面显示。"))


class FinalRecordForm(forms.Form):
    final_record = forms.ModelChoiceField(label=_("正式发布的文件"), queryset=Record.objects.none(), required=False,
                                          empty_label=_("（不关联）"))

    def __init__(self, *args, records=None, **kwargs):
        super().__init__(*args, **kwargs)
        if records is not None:
            self.fields["final_record"].queryset = records

"""Forms of the back office. Each transition form validates input and calls its one service
function; none of them touches `state`."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disclosure import selectors, services, workflow
from disclosure.interpretation_models import InterpretationWaiver
from disclosure.models import (
    Attachment,
    CatalogueCategory,
    ChangeRequestKind,
    Channel,
    DisclosureAttribute,
    DisclosureOverride,
    DocumentType,
    Record,
    RecordState,
    WithholdingGround,
)
from portal.files import ALLOWED_EXTENSIONS, check_upload
from portal.models import Office, Role
from portal.selectors import office_ids_for
from portal.widgets import IsoDateInput, IsoDateTimeInput


def _formfield(field, **kwargs):
    # A link typed without its scheme (the video link of an interpretation) is taken as https, as
    # Django 6 will do (and as the admin's URL fields already do, portal/admin.py).
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class RecordForm(forms.ModelForm):
    """The draft as the info officer edits it. Workflow fields are not on it."""

    actor = None  # set by the admin for the request

    class Meta:
        model = Record
        fields = [
            "title", "summary", "office", "category", "document_number", "document_type", "date_formed",
            "due_period_days", "due_period_basis", "attribute", "is_important", "body", "video_url",
        ]
        widgets = {"date_formed": IsoDateInput}
        formfield_callback = _formfield

    # 政策解读 (issue #19): a record interprets these policies of the office (linked through
    # interpretation_services when the draft is saved).
    interprets = forms.ModelMultipleChoiceField(
        label=_("解读的政策文件"), queryset=Record.objects.none(), required=False,
        help_text=_("本信息是政策解读时选择：起草中的文件，解读随其同步审核、同步发布；已发布的文件，解读另行审核发布。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "office" in self.fields and self.actor is not None:
            self.fields["office"].queryset = Office.objects.filter(pk__in=office_ids_for(self.actor, Role.DRAFTER))
            self.fields["office"].empty_label = None
        if "category" in self.fields:
            self.fields["category"].queryset = CatalogueCategory.objects.filter(is_active=True)
        if "interprets" in self.fields and self.actor is not None:
            offices = office_ids_for(self.actor, Role.DRAFTER)
            candidates = Record.objects.filter(
                Q(state=RecordState.DRAFT) | Q(state__in=workflow.LIVE_STATES, superseded_by__isnull=True),
                office_id__in=offices, interprets_links__isnull=True,
            )
            if self.instance.pk:
                candidates = candidates.exclude(pk=self.instance.pk)
                self.fields["interprets"].initial = list(
                    self.instance.interprets_links.values_list("policy_id", flat=True))
            linked = self.instance.interprets_links.values("policy_id") if self.instance.pk else []
            self.fields["interprets"].queryset = Record.objects.filter(
                Q(pk__in=candidates.values("pk")) | Q(pk__in=linked)).order_by("-created_at")
        if "attribute" in self.fields:
            self.fields["attribute"].choices = [
                c for c in DisclosureAttribute.choices if c[0] != DisclosureAttribute.NOT_DISCLOSED
            ]
        if ("is_important" in self.fields and self.instance.pk and self.instance.is_important
                and selectors.importance_decided_by_review(self.instance)):
            # M.12(2): the confidentiality review found it important; only the review may lower it.
            self.fields["is_important"].disabled = True
            self.fields["is_important"].help_text = _("保密审查已认定为重要信息，须经主管厅领导签字后公开；信息员不能取消。")

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError(_("标题不能为空。"))
        return title

    def clean_date_formed(self):
        # The service refuses it too (services._refuse_future_date_formed); here it is shown at the field.
        day = self.cleaned_data.get("date_formed")
        if day and day > timezone.localdate():
            raise ValidationError(_("成文日期不能晚于今天：公开期限自信息形成或变更之日起计算（实施办法第十一条）。"))
        return day


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["title", "file", "sort_order"]
        help_texts = {"file": _("允许：%(types)s；类型按文件内容检查。") % {"types": ALLOWED_EXTENSIONS}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A stored attachment is replaced, never edited; the inline links to its download.
            self.fields["file"].disabled = True
            self.fields["file"].widget = forms.HiddenInput()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and not self.instance.pk:
            check_upload(upload)
        return upload


class TransitionForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, obj: Record, **kwargs):
        self.record = obj
        kwargs.setdefault("initial", {})["expected_state"] = obj.state
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict:
        return {"comment": self.cleaned_data["comment"], "expected_state": self.cleaned_data["expected_state"] or None}

    def perform(self, *, actor) -> Record:
        raise NotImplementedError


class SubmitForm(TransitionForm):
    def perform(self, *, actor):
        return services.record_submit(record=self.record, actor=actor, **self.service_kwargs())


class ChecklistForm(TransitionForm):
    """The confidentiality check (M.6, M.12(1)-(2)): three confirmations, or the parts withheld."""

    no_state_secret = forms.BooleanField(label=_("不涉及国家秘密"), required=False)
    no_commercial_secret = forms.BooleanField(label=_("不涉及商业秘密"), required=False)
    no_personal_privacy = forms.BooleanField(label=_("不涉及个人隐私"), required=False)
    redacted_parts = forms.CharField(
        label=_("删去（不予公开）的部分"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("含有不应公开的内容但能够区分处理的，正文只保留可以公开的部分，并在此说明删去的内容（实施办法第六条第二款）。"),
    )
    redaction_grounds = forms.MultipleChoiceField(
        label=_("删去部分的依据"), choices=WithholdingGround.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    # M.6 para. 2, R.15: information involving a commercial secret or privacy disclosed all the same.
    override = forms.ChoiceField(
        label=_("涉及商业秘密、个人隐私但予以公开"),
        choices=[("", _("不适用")), *DisclosureOverride.choices],
        required=False, widget=forms.RadioSelect,
        help_text=_("经权利人同意公开，或者不公开可能对公共利益造成重大影响的，可以予以公开（实施办法第六条第二款、条例第十五条）。"
                    "国家秘密不适用。"),
    )
    consent_how = forms.CharField(label=_("权利人同意的方式"), required=False, max_length=200,
                                  help_text=_("例如：书面同意函、加盖公章的回复函。"))
    consent_on = forms.DateField(label=_("同意的日期"), required=False, widget=IsoDateInput)
    consent_document = forms.FileField(
        label=_("同意书"), required=False,
        help_text=_("作为审查材料保存，不随信息公开。已在上一环节上传的，可不再上传。允许：%(types)s。")
        % {"types": ALLOWED_EXTENSIONS},
    )
    public_interest_reason = forms.CharField(
        label=_("不公开可能对公共利益造成重大影响的理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("由领导小组办公室认定，并须经主管厅领导签发，不论是否为重要信息。"),
    )

    def __init__(self, *args, obj: Record, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("redacted_parts", obj.redacted_parts)
        initial.setdefault("redaction_grounds", obj.redaction_grounds)
        super().__init__(*args, obj=obj, **kwargs)

    def clean_consent_document(self):
        upload = self.cleaned_data.get("consent_document")
        if upload:
            check_upload(upload)
        return upload

    def service_kwargs(self) -> dict:
        # The service checks the answers (services.confidentiality_checklist); its message is
        # shown above the form.
        data = self.cleaned_data
        kwargs = {
            **super().service_kwargs(),
            "no_state_secret": data["no_state_secret"],
            "no_commercial_secret": data["no_commercial_secret"],
            "no_personal_privacy": data["no_personal_privacy"],
            "redacted_parts": data["redacted_parts"],
            "redaction_grounds": data["redaction_grounds"],
        }
        if data.get("override"):
            kwargs.update(override=data["override"], consent_how=data.get("consent_how") or "",
                          consent_on=data.get("consent_on"), consent_document=data.get("consent_document"),
                          public_interest_reason=data.get("public_interest_reason") or "")
        return kwargs


class DivisionApproveForm(ChecklistForm):
    def __init__(self, *args, obj: Record, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        # The division head proposes; the unified review decides (M.12(2)).
        self.fields["override"].choices = [
            ("", _("不适用")), (DisclosureOverride.CONSENT, DisclosureOverride.CONSENT.label),
            (DisclosureOverride.PUBLIC_INTEREST, _("提请认定：不公开可能对公共利益造成重大影响（由领导小组办公室认定）")),
        ]

    def perform(self, *, actor):
        return services.record_approve_division(record=self.record, actor=actor, **self.service_kwargs())


class ConfidentialityApproveForm(ChecklistForm):
    """The unified review also decides whether the information is important (M.12(2):
    重要信息需请主管厅领导签字); what the drafter proposed is preselected."""

    is_important = forms.TypedChoiceField(
        label=_("重要信息（实施办法第十二条第（二）项）"),
        choices=[("yes", _("重要信息：须经主管厅领导签字后公开")), ("no", _("非重要信息：审查通过后待发布"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("请确认该信息是否为重要信息。")},
    )

    def __init__(self, *args, obj: Record, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("is_important", "yes" if obj.is_important else "no")
        # The division head's consent record or public-interest proposal is preselected, as the
        # importance is: the review decides on it without retyping what was recorded (the
        # consent letter kept then is the one referred to). The three confirmations are not.
        proposal = selectors.division_checklist(obj)
        if proposal.get("override"):
            for field in ("override", "consent_how", "consent_on", "public_interest_reason"):
                if proposal.get(field):
                    initial.setdefault(field, proposal[field])
        super().__init__(*args, obj=obj, **kwargs)
        if obj.document_type != DocumentType.NORMATIVE or selectors.policy_has_interpretation(obj):
            del self.fields["interpretation_waiver"]

    interpretation_waiver = forms.ChoiceField(
        label=_("未附政策解读：无需解读的理由"), required=False, choices=[("", "—"), *InterpretationWaiver.choices],
        help_text=_("行政规范性文件应与政策解读同步审签、同步发布；不附解读的，由领导小组办公室选定理由并记录。"),
    )

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "is_important": self.cleaned_data["is_important"],
                "interpretation_waiver": self.cleaned_data.get("interpretation_waiver") or ""}

    def perform(self, *, actor):
        return services.record_approve_confidentiality(record=self.record, actor=actor, **self.service_kwargs())


class SignOffForm(TransitionForm):
    def perform(self, *, actor):
        return services.record_sign_off(record=self.record, actor=actor, **self.service_kwargs())


class PublishForm(TransitionForm):
    channels = forms.MultipleChoiceField(
        label=_("公开渠道（实施办法第九条）"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    publish_at = forms.DateTimeField(
        label=_("定时发布"),
        required=False,
        widget=IsoDateTimeInput,
        help_text=_("留空则立即发布。"),
    )

    late_reason = forms.CharField(
        label=_("推迟发布的原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("定时发布日期晚于公开期限的必须填写（实施办法第十一条）；逾期发布计入考核。"),
    )

    def __init__(self, *args, obj: Record, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("channels", obj.channels or [Channel.COLUMN, Channel.WEBSITE])
        super().__init__(*args, obj=obj, **kwargs)
        if obj.due_date:
            self.fields["publish_at"].help_text = _("留空则立即发布。公开期限：%(due)s。") % {"due": obj.due_date}

    def clean_publish_at(self):
        at = self.cleaned_data.get("publish_at")
        if at and at < timezone.now():
            raise ValidationError(_("定时发布时间不能早于现在。"))
        return at

    def perform(self, *, actor):
        return services.record_publish(
            record=self.record, actor=actor, channels=self.cleaned_data["channels"],
            at=self.cleaned_data.get("publish_at"), late_reason=self.cleaned_data.get("late_reason") or "",
            **self.service_kwargs(),
        )


class RegisterForm(TransitionForm):
    def perform(self, *, actor):
        return services.record_register(record=self.record, actor=actor, **self.service_kwargs())


class ReturnForm(TransitionForm):
    comment = forms.CharField(label=_("退回意见（必填）"), widget=forms.Textarea(attrs={"rows": 3}))

    def perform(self, *, actor):
        return services.record_return(record=self.record, actor=actor, **self.service_kwargs())


class WithholdForm(TransitionForm):
    ground = forms.ChoiceField(label=_("不予公开依据（实施办法第六条；条例第十四至十六条）"), choices=WithholdingGround.choices)

    def perform(self, *, actor):
        return services.record_withhold(
            record=self.record, actor=actor, ground=self.cleaned_data["ground"], **self.service_kwargs()
        )


class AmendForm(TransitionForm):
    comment = forms.CharField(label=_("变更原因"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def perform(self, *, actor):
        return services.record_amend(record=self.record, actor=actor, **self.service_kwargs())


class ReasonForm(TransitionForm):
    comment = forms.CharField(label=_("原因（必填）"), widget=forms.Textarea(attrs={"rows": 3}))
    service = None

    def perform(self, *, actor):
        kwargs = self.service_kwargs()
        return type(self).service(record=self.record, actor=actor, reason=kwargs.pop("comment"), **kwargs)


class RevokeForm(ReasonForm):
    service = staticmethod(services.record_revoke)


class EffectiveDateForm(ReasonForm):
    """Repeal and expiry take effect on the date the notice gives (M.14), shown on the page."""

    date_field = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.date_field] = forms.DateField(
            label=self.date_label, initial=timezone.localdate, widget=IsoDateInput, required=False,
            help_text=_("以废止或失效的文件、公告载明的日期为准，不能晚于今天；留空为今天。"),
        )

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), self.date_field: self.cleaned_data[self.date_field]}


class RepealForm(EffectiveDateForm):
    service = staticmethod(services.record_repeal)
    date_field = "repealed_on"
    date_label = _("废止日期")
    replaced_by = forms.CharField(
        label=_("替代文件的文号或索引号"), required=False, max_length=100,
        help_text=_("被新文件替代的，填写新文件的文号或索引号；公开页面将直接链接到新文件。"),
    )

    def clean_replaced_by(self):
        number = self.cleaned_data["replaced_by"].strip()
        if not number:
            return None
        # The version in effect: an amended document's older versions carry the same 文号.
        matches = list(selectors.records_published().filter(superseded_by__isnull=True).filter(
            Q(document_number=number) | Q(index_number=number)).exclude(pk=self.record.pk)[:2])
        if not matches:
            raise ValidationError(_("未找到文号或索引号为“%(number)s”的已发布信息。"), params={"number": number})
        if len(matches) > 1:
            raise ValidationError(_("文号“%(number)s”对应多条信息，请填写索引号。"), params={"number": number})
        return matches[0]

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "replaced_by": self.cleaned_data["replaced_by"]}


class ExpireForm(EffectiveDateForm):
    service = staticmethod(services.record_expire)
    date_field = "expired_on"
    date_label = _("失效日期")


class RequestChangeForm(TransitionForm):
    """The office reports a change, revocation or termination to the disclosure office (M.14)."""

    kind = forms.ChoiceField(label=_("报请事项"), choices=ChangeRequestKind.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("理由（必填）"), widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["kind", "comment"]

    def perform(self, *, actor):
        services.record_request_change(record=self.record, actor=actor, kind=self.cleaned_data["kind"],
                                       reason=self.cleaned_data["comment"],
                                       expected_state=self.cleaned_data["expected_state"] or None)
        return self.record


class HandleChangeRequestForm(TransitionForm):
    """The disclosure office grants the office's request (carried out at once) or declines it."""

    decision = forms.TypedChoiceField(
        label=_("处理"), choices=[("accept", _("同意，按报请事项办理")), ("decline", _("不同意"))],
        coerce=lambda value: value == "accept", widget=forms.RadioSelect,
        error_messages={"required": _("请选择同意或不同意。")},
    )
    comment = forms.CharField(label=_("处理意见（不同意的必填）"), widget=forms.Textarea(attrs={"rows": 3}),
                              required=False)
    field_order = ["decision", "comment"]

    def __init__(self, *args, obj: Record, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        pending = selectors.pending_change_request(obj)
        if pending is not None:
            person = pending.requested_by
            who = f"{person.last_name}{person.first_name}" or person.username  # Chinese order, as in the event log
            self.fields["decision"].help_text = _("处室报请：%(kind)s。理由：%(reason)s（%(who)s，%(when)s）") % {
                "kind": pending.get_kind_display(), "reason": pending.reason, "who": who,
                "when": f"{timezone.localtime(pending.requested_at):%Y-%m-%d %H:%M}"}

    def perform(self, *, actor):
        return services.change_request_decide(record=self.record, actor=actor, accept=self.cleaned_data["decision"],
                                              note=self.cleaned_data["comment"],
                                              expected_state=self.cleaned_data["expected_state"] or None)


TRANSITION_FORMS: dict[str, type[TransitionForm]] = {
    workflow.A.SUBMIT: SubmitForm,
    workflow.A.APPROVE_DIVISION: DivisionApproveForm,
    workflow.A.APPROVE_CONFIDENTIALITY: ConfidentialityApproveForm,
    workflow.A.SIGN_OFF: SignOffForm,
    workflow.A.PUBLISH: PublishForm,
    workflow.A.REGISTER: RegisterForm,
    workflow.A.RETURN_TO_DRAFT: ReturnForm,
    workflow.A.WITHHOLD: WithholdForm,
    workflow.A.AMEND: AmendForm,
    workflow.A.REVOKE: RevokeForm,
    workflow.A.REPEAL: RepealForm,
    workflow.A.EXPIRE: ExpireForm,
    workflow.A.REQUEST_CHANGE: RequestChangeForm,
    workflow.A.HANDLE_CHANGE_REQUEST: HandleChangeRequestForm,
}

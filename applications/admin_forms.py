"""Back-office forms: offline entry and one form per transition, each calling its service."""

from __future__ import annotations

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget

from applications import services, workflow
from applications.letter_parts import (
    LETTER_BODY_EDITOR,
    LetterParts,
    compose_letter,
    draft_letter_parts,
    sanitize_body,
    split_letter,
)
from applications.letters import letter_text
from applications.models import (
    Channel,
    DisclosureApplication,
    FeeMethod,
    ReviewCase,
    ReviewKind,
    ReviewResult,
    SendChannel,
)
from applications.outcomes import Outcome
from disclosure.forms import ChecklistForm
from portal.forms import MultipleFileField
from portal.models import Office, OfficeKind
from portal.widgets import IsoDateInput
from portal.workdays import add_workdays

DATE = IsoDateInput()
OFFLINE_FIELDS = [
    "applicant_type", "applicant_name", "legal_representative", "contact_person", "identity_document",
    "identity_number", "phone", "email", "address", "postcode", "information_title", "document_number",
    "index_number", "description", "purpose", "medium", "delivery",
]


class OfflineApplicationForm(forms.ModelForm):
    """Applications received at the window, by post, fax, e-mail or orally (R.29, R.31)."""

    channel = forms.ChoiceField(label=_("申请方式"), choices=[c for c in Channel.choices if c[0] != Channel.ONLINE])
    received_on = forms.DateField(
        label=_("收到申请日期"), widget=DATE, initial=timezone.localdate,
        help_text=_("当面提交：提交之日；邮寄：本机关签收之日，以平常信函等无需签收的方式邮寄的，为与申请人确认之日；"
                    "传真、电子邮件：双方确认之日（条例第三十一条）。"),
    )
    files = MultipleFileField(label=_("申请材料"))

    class Meta:
        model = DisclosureApplication
        fields = OFFLINE_FIELDS


class ActionForm(forms.Form):
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, obj: DisclosureApplication, **kwargs):
        self.application = obj
        kwargs.setdefault("initial", {})["expected_status"] = obj.status
        super().__init__(*args, **kwargs)

    def common(self) -> dict:
        return {"application": self.application, "expected_status": self.cleaned_data["expected_status"] or None}


class ConfirmForm(ActionForm):
    received_on = forms.DateField(label=_("收到申请日期（双方确认之日）"), widget=DATE, initial=timezone.localdate)
    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def perform(self, *, actor):
        return services.application_confirm(actor=actor, received_on=self.cleaned_data["received_on"],
                                            comment=self.cleaned_data["comment"], **self.common())


class AssignForm(ActionForm):
    office = forms.ModelChoiceField(label=_("承办处室"), queryset=Office.objects.filter(is_active=True).exclude(
        kind=OfficeKind.SUPERVISION))
    comment = forms.CharField(label=_("分办意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def perform(self, *, actor):
        return services.application_assign(actor=actor, office=self.cleaned_data["office"],
                                           comment=self.cleaned_data["comment"], **self.common())


class SupplementRequestForm(ActionForm):
    items = forms.CharField(label=_("需要补正的全部事项"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("一次性告知，列明全部需要补正的事项（条例第三十条）。"))
    deadline = forms.DateField(label=_("补正期限"), widget=DATE,
                               initial=lambda: add_workdays(timezone.localdate(), 15).date)

    def perform(self, *, actor):
        return services.application_request_supplement(actor=actor, items=self.cleaned_data["items"],
                                                       deadline=self.cleaned_data["deadline"], **self.common())


class RecordSupplementForm(ActionForm):
    received_on = forms.DateField(label=_("收到补正日期"), widget=DATE, initial=timezone.localdate)
    comment = forms.CharField(label=_("补正内容摘要"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("补正材料"))

    def perform(self, *, actor):
        return services.application_record_supplement(
            actor=actor, received_on=self.cleaned_data["received_on"], comment=self.cleaned_data["comment"],
            uploads=self.cleaned_data["files"], **self.common())


class CommentForm(ActionForm):
    comment = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    service = None

    def perform(self, *, actor):
        return type(self).service(actor=actor, comment=self.cleaned_data["comment"], **self.common())


class DeemWithdrawnForm(CommentForm):
    service = staticmethod(services.application_deem_withdrawn)

    def __init__(self, *args, obj, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if obj.status == "supplement_late":
            self.fields["comment"].label = _("认定没有正当理由的理由（必填）")


class AcceptLateSupplementForm(ActionForm):
    reason = forms.CharField(label=_("正当理由（记入办理记录，申请人可见）"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def perform(self, *, actor):
        return services.application_accept_late_supplement(actor=actor, reason=self.cleaned_data["reason"],
                                                           **self.common())


# The confidentiality check of a record (M.6, M.12): the same fields, from disclosure/forms.py,
# with its third path (M.6 para. 2, R.15): the right holder's consent, or the public interest.
CHECKLIST_FIELDS = ("no_state_secret", "no_commercial_secret", "no_personal_privacy", "redacted_parts",
                    "redaction_grounds")
OVERRIDE_FIELDS = ("override", "consent_how", "consent_on", "consent_document", "public_interest_reason")


class SendReplyForm(CommentForm):
    """Approve and send. A reply that releases information passes the confidentiality check of a
    record first (M.3(4), R.17): the checklist's own fields and service
    (disclosure.services.confidentiality_checklist, called by the service). A public-interest
    disclosure is the one the supervising leader signed: its reason is shown, not retyped."""

    def __init__(self, *args, obj, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.releases = obj.outcome in workflow.RELEASING
        if self.releases:
            for name in CHECKLIST_FIELDS + OVERRIDE_FIELDS:
                self.fields[name] = copy.deepcopy(ChecklistForm.base_fields[name])
            self.fields["redacted_parts"].help_text = _("部分公开的，写明不予公开的部分（条例第三十七条）；全部公开的不填。")
            self.fields["consent_document"].help_text = _("随申请案卷保存，不提供给申请人。")
            del self.fields["public_interest_reason"]
            signoff = workflow.public_interest_signoff(obj)
            self.fields["override"].help_text = (
                _("主管厅领导已签发：%(reason)s（%(leader)s，%(on)s）") % {
                    "reason": signoff.data.get("reason", ""), "leader": signoff.data.get("signed_by_name", ""),
                    "on": signoff.data.get("signed_on", "")}
                if signoff else
                _("经权利人同意公开的，记录同意的方式、日期并上传同意书；因公共利益决定公开的，须先“提请厅领导签发”，"
                  "签发后方可发出（实施办法第六条第二款、条例第十五条）。第三方不同意公开的，还须先书面告知第三方（条例第三十二条）。"))

    clean_consent_document = ChecklistForm.clean_consent_document

    def perform(self, *, actor):
        data = self.cleaned_data
        checklist = {name: data[name] for name in CHECKLIST_FIELDS} if self.releases else {}
        if self.releases and data.get("override"):
            checklist.update(override=data["override"], consent_how=data.get("consent_how") or "",
                             consent_on=data.get("consent_on"), consent_document=data.get("consent_document"))
        return services.application_send_reply(actor=actor, comment=data["comment"], **checklist, **self.common())


class RequestPublicInterestForm(ActionForm):
    reason = forms.CharField(label=_("不公开可能对公共利益造成重大影响的理由"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("请写明理由（实施办法第六条第二款、条例第十五条）。")})

    def perform(self, *, actor):
        return services.application_request_public_interest(actor=actor, reason=self.cleaned_data["reason"],
                                                            **self.common())


class SignOffPublicInterestForm(ActionForm):
    """Shows what is to be signed, by whom it was asked, so that the leader decides on it."""

    comment = forms.CharField(label=_("意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, obj, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        request = obj.events.filter(kind="public_interest_requested").order_by("-at", "-pk").select_related("actor").first()
        if request is not None:
            self.fields["comment"].help_text = _("%(who)s于 %(on)s 提请签发，理由：%(reason)s") % {
                "who": services.person_name(request.actor), "on": request.on.isoformat(), "reason": request.comment}

    def perform(self, *, actor):
        return services.application_sign_off_public_interest(actor=actor, comment=self.cleaned_data["comment"],
                                                             **self.common())


class ReturnReplyForm(ActionForm):
    comment = forms.CharField(label=_("退回意见（必填）"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def perform(self, *, actor):
        return services.application_return_reply(actor=actor, comment=self.cleaned_data["comment"], **self.common())


SENT_VIA_HELP = _("对方的期限自收到之日起计算；登记送达日期之前，按送达方式推定收到日期。")


def sent_via_field(initial: str = SendChannel.POST) -> forms.ChoiceField:
    return forms.ChoiceField(label=_("送达方式"), choices=SendChannel.choices, initial=initial, help_text=SENT_VIA_HELP)


class StartConsultationForm(ActionForm):
    third_party = forms.CharField(label=_("被征求意见的第三方"), max_length=200)
    sent_on = forms.DateField(label=_("发出征求意见书日期"), widget=DATE, initial=timezone.localdate)
    sent_via = sent_via_field()

    def perform(self, *, actor):
        return services.application_start_consultation(actor=actor, third_party=self.cleaned_data["third_party"],
                                                       sent_on=self.cleaned_data["sent_on"],
                                                       sent_via=self.cleaned_data["sent_via"], **self.common())


class EndConsultationForm(ActionForm):
    ended_on = forms.DateField(label=_("收到意见（或期满）日期"), widget=DATE, initial=timezone.localdate)
    result = forms.CharField(label=_("第三方意见"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    objected = forms.BooleanField(label=_("第三方不同意公开"), required=False,
                                  help_text=_("本机关仍决定公开的，须将决定公开的内容和理由书面告知第三方（条例第三十二条）。"))

    def perform(self, *, actor):
        return services.application_end_consultation(actor=actor, ended_on=self.cleaned_data["ended_on"],
                                                     result=self.cleaned_data["result"],
                                                     objected=self.cleaned_data["objected"], **self.common())


class StartAgencyConsultationForm(ActionForm):
    agency = forms.CharField(label=_("被征求意见的机关"), max_length=200)
    matter = forms.CharField(label=_("征求意见的事项"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    sent_on = forms.DateField(label=_("发出征求意见书日期"), widget=DATE, initial=timezone.localdate)
    sent_via = sent_via_field()

    def perform(self, *, actor):
        data = self.cleaned_data
        return services.application_start_agency_consultation(
            actor=actor, agency=data["agency"], matter=data["matter"], sent_on=data["sent_on"],
            sent_via=data["sent_via"], **self.common())


class EndAgencyConsultationForm(ActionForm):
    ended_on = forms.DateField(label=_("收到意见（或期满）日期"), widget=DATE, initial=timezone.localdate)
    result = forms.CharField(label=_("被征求意见机关的意见"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("逾期未提出意见的，视为同意公开（条例第三十四条）。"))

    def perform(self, *, actor):
        return services.application_end_agency_consultation(actor=actor, ended_on=self.cleaned_data["ended_on"],
                                                            result=self.cleaned_data["result"], **self.common())


class RecordReceiptForm(ActionForm):
    notice = forms.ChoiceField(label=_("文书"))
    received_on = forms.DateField(label=_("对方收到日期"), widget=DATE, initial=timezone.localdate,
                                  help_text=_("以邮件签收单、送达回证或电子邮件到达记录为准。"))

    def __init__(self, *args, obj, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.fields["notice"].choices = services.awaiting_receipt(obj)

    def perform(self, *, actor):
        return services.application_record_receipt(actor=actor, notice=self.cleaned_data["notice"],
                                                   received_on=self.cleaned_data["received_on"], **self.common())


class RequestExtensionForm(ActionForm):
    days = forms.IntegerField(label=_("延长工作日数"), min_value=1, max_value=20, initial=20)
    reason = forms.CharField(label=_("延期理由（将告知申请人）"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def perform(self, *, actor):
        return services.application_request_extension(actor=actor, days=self.cleaned_data["days"],
                                                      reason=self.cleaned_data["reason"], **self.common())


class ExtensionDecisionForm(ActionForm):
    """Shows what was asked for, by whom, so that the approver decides on the request itself."""

    comment = forms.CharField(label=_("意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    service = None

    def __init__(self, *args, obj, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        request = obj.events.filter(kind="extension_requested").order_by("-at", "-pk").select_related("actor").first()
        if request is not None:
            who = services.person_name(request.actor)
            self.fields["comment"].help_text = _("%(who)s于 %(on)s 申请延长 %(days)s 个工作日，理由：%(reason)s") % {
                "who": who, "on": request.on.isoformat(), "days": request.data.get("days"), "reason": request.comment}

    def perform(self, *, actor):
        return type(self).service(actor=actor, comment=self.cleaned_data["comment"], **self.common())


class ApproveExtensionForm(ExtensionDecisionForm):
    service = staticmethod(services.application_approve_extension)


class RefuseExtensionForm(ExtensionDecisionForm):
    service = staticmethod(services.application_refuse_extension)

    def __init__(self, *args, obj, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.fields["comment"].required = True
        self.fields["comment"].label = _("不同意的理由（必填）")


class DelayReplyForm(ActionForm):
    until = forms.DateField(label=_("延迟答复的期限"), widget=DATE,
                            help_text=_("应晚于现在的答复期限，并为合理期限（条例第三十五条）。"))
    applicant_reason = forms.CharField(label=_("申请人说明的理由"), required=False, max_length=2000,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    reasons = forms.CharField(label=_("不能按期答复的理由（将告知申请人）"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def perform(self, *, actor):
        data = self.cleaned_data
        return services.application_delay_reply(actor=actor, until=data["until"], reasons=data["reasons"],
                                                applicant_reason=data["applicant_reason"], **self.common())


class NotifyThirdPartyForm(ActionForm):
    content = forms.CharField(label=_("决定公开的政府信息内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("不公开可能对公共利益造成重大影响的理由"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    sent_on = forms.DateField(label=_("发出日期"), widget=DATE, initial=timezone.localdate)
    sent_via = sent_via_field()

    def __init__(self, *args, obj, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        objection = workflow.third_party_objection(obj)
        if objection is not None:
            self.fields["content"].help_text = _("第三方%(who)s于 %(on)s 提出的意见：%(result)s") % {
                "who": objection.data.get("third_party", ""), "on": objection.on.isoformat(),
                "result": objection.comment}

    def perform(self, *, actor):
        data = self.cleaned_data
        return services.application_notify_third_party(actor=actor, content=data["content"], reason=data["reason"],
                                                       sent_on=data["sent_on"], sent_via=data["sent_via"],
                                                       **self.common())


class FeeNoticeForm(ActionForm):
    method = forms.ChoiceField(label=_("计收方式（只能选择一种）"), choices=FeeMethod.choices)
    basis = forms.IntegerField(label=_("计费依据"), min_value=1,
                               help_text=_("按件：该申请人本月第几件申请；按量：提供信息的页数。"))
    sent_via = sent_via_field(SendChannel.EMAIL)

    def perform(self, *, actor):
        return services.application_fee_notice(actor=actor, method=self.cleaned_data["method"],
                                               basis=self.cleaned_data["basis"], sent_via=self.cleaned_data["sent_via"],
                                               **self.common())


class FeePaidForm(ActionForm):
    paid_on = forms.DateField(label=_("收到费用日期"), widget=DATE, initial=timezone.localdate)

    def perform(self, *, actor):
        return services.application_fee_paid(actor=actor, paid_on=self.cleaned_data["paid_on"], **self.common())


class FeeUnpaidForm(ActionForm):
    def perform(self, *, actor):
        return services.application_fee_unpaid(actor=actor, **self.common())


REPLY_OUTCOMES = [c for c in Outcome.choices if c[0] not in (Outcome.OTHER_NO_SUPPLEMENT, Outcome.OTHER_FEE_UNPAID)]


class RegenerateLetterButton(forms.Widget):
    """A submit button that redraws the letter from the chosen outcome's template (works
    without JavaScript); static/js/letter-draft.js presses it when the outcome changes."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = attrs or {}
        return format_html(
            '<button type="submit" name="{}" value="1" id="{}" class="button" formnovalidate data-regenerate-letter '
            'data-confirm="{}">{}</button><script src="{}" defer></script>',
            name, attrs.get("id", ""), _("按新的办理结果重新生成告知书，已修改的内容将被替换。是否继续？"),
            _("按所选结果重新生成告知书"), static("js/letter-draft.js"))

    def value_from_datadict(self, data, files, name):
        return bool(data.get(name))


class LabelledProseEditorWidget(AdminProseEditorWidget):
    """The admin's rich-text editor, named after its field's label for screen readers."""

    @property
    def media(self):
        return super().media + forms.Media(js=["js/prose-label.js"])


class LetterPreviewButtons(forms.Widget):
    """Two buttons that send the form as it is to the preview (a new tab): the letter exactly as
    the applicant will receive it, as a page and as a PDF. Nothing is saved."""

    def __init__(self, *, page_url: str = "", pdf_url: str = "", **kwargs):
        super().__init__(**kwargs)
        self.page_url, self.pdf_url = page_url, pdf_url

    def render(self, name, value, attrs=None, renderer=None):
        attrs = attrs or {}
        return format_html(
            '<span class="letter-preview-buttons" id="{}">'
            '<button type="submit" class="button" formaction="{}" formtarget="_blank" formnovalidate>{}</button> '
            '<button type="submit" class="button" formaction="{}" formtarget="_blank" formnovalidate>{}</button>'
            "</span>",
            attrs.get("id", ""), self.page_url, _("预览告知书（网页）"), self.pdf_url, _("预览告知书（PDF）"))

    def value_from_datadict(self, data, files, name):
        return None


class DraftReplyForm(ActionForm):
    """The reply: the outcome and the letter drafted from that outcome's template (R.36, R.37).
    The letter is edited in parts (applications/letter_parts.py): salutation, body (the
    rich-text editor), signature and date; title and reference are fixed. Choosing another
    outcome redraws the letter (the regenerate button), and a letter drafted for one outcome is
    not saved under another."""

    outcome = forms.ChoiceField(label=_("办理结果（年报表三的分类）"), choices=REPLY_OUTCOMES)
    regenerate = forms.BooleanField(label=_("告知书模板"), required=False, widget=RegenerateLetterButton,
                                    help_text=_("更改办理结果后，按新结果的模板重新生成告知书（含法律依据和救济途径）。"))
    note = forms.CharField(label=_("理由和依据"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("不予公开、部分公开、无法提供、不予处理的，必须写明（条例第三十六条、第三十七条）。"))
    redirect_agency = forms.CharField(label=_("负责该信息的机关及联系方式"), required=False, max_length=200)
    letter_salutation = forms.CharField(label=_("告知书称呼"), max_length=200,
                                        help_text=_("申请人姓名或名称，告知书中显示为“姓名：”。"))
    letter_body = ProseEditorFormField(
        label=_("告知书正文"), config=LETTER_BODY_EDITOR, sanitize=sanitize_body,
        widget=LabelledProseEditorWidget,
        help_text=_("按所选结果由模板生成，可修改。标题、文号、落款和日期单独填写；保存时按白名单清理格式。"))
    letter_signature = forms.CharField(label=_("告知书落款"), max_length=300,
                                       widget=forms.Textarea(attrs={"rows": 2}),
                                       help_text=_("机关名称，每行一段，显示在正文之后、日期之上。"))
    letter_date = forms.DateField(label=_("告知书日期"), widget=DATE)
    preview = forms.CharField(label=_("预览"), required=False,
                              help_text=_("在新窗口中按申请人收到的样式显示告知书（网页和PDF），不保存。"))
    letter_outcome = forms.CharField(widget=forms.HiddenInput, required=False)
    files = MultipleFileField(label=_("提供的政府信息（答复发出后申请人可在查询页面下载）"))

    def __init__(self, *args, obj, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.regenerated = False
        self.fields["preview"].widget = LetterPreviewButtons(
            page_url=reverse("admin:applications_disclosureapplication_letter_preview", args=[obj.pk]),
            pdf_url=reverse("admin:applications_disclosureapplication_letter_preview_pdf", args=[obj.pk]))
        # The outcome the letter on screen was drafted for.
        self.drafted_for = obj.outcome if obj.reply_letter and obj.outcome else Outcome.DISCLOSED
        if not self.is_bound:
            outcome = obj.outcome or Outcome.DISCLOSED
            parts = split_letter(obj.reply_letter) if obj.reply_letter else self._draft(outcome, obj.redirect_agency)
            self.initial.update({
                "outcome": outcome, **self._letter_initial(parts),
                "letter_outcome": self.drafted_for if obj.reply_letter else outcome,
                "note": obj.reply_note, "redirect_agency": obj.redirect_agency})
        elif self.data.get(self.add_prefix("regenerate")):
            outcome = self.data.get(self.add_prefix("outcome"))
            if outcome in dict(REPLY_OUTCOMES):
                self.data = self.data.copy()
                try:  # the date already chosen stays
                    date = self.fields["letter_date"].clean(self.data.get(self.add_prefix("letter_date")))
                except ValidationError:
                    date = None
                parts = self._draft(outcome, self.data.get(self.add_prefix("redirect_agency")), date=date)
                for field, value in self._letter_initial(parts).items():
                    self.data[self.add_prefix(field)] = value
                self.data[self.add_prefix("letter_outcome")] = outcome
                self.regenerated = True

    @staticmethod
    def _letter_initial(parts: LetterParts) -> dict:
        return {"letter_salutation": parts.salutation, "letter_body": parts.body,
                "letter_signature": parts.signature, "letter_date": parts.date.isoformat()}

    def _draft(self, outcome: str, redirect_agency: str | None, date=None) -> LetterParts:
        from applications.letters import letter_facts

        extra = {**letter_facts(self.application), "redirect_agency": (redirect_agency or "").strip()}
        if date:
            extra["date"] = date
        return draft_letter_parts(self.application, outcome=outcome, extra=extra)

    def clean_letter_body(self):
        body = self.cleaned_data.get("letter_body") or ""
        if not letter_text(body):
            raise ValidationError(_("告知书正文不能为空。"), code="required")
        return body

    def clean_letter_date(self):
        day = self.cleaned_data.get("letter_date")
        received = self.application.received_on
        if day and received and day < received:
            raise ValidationError(_("告知书日期不能早于收到申请日期（%(date)s）。") % {"date": received.isoformat()})
        return day

    def clean(self):
        data = super().clean()
        if self.regenerated:
            raise ValidationError(_("已按所选办理结果重新生成告知书，请核对、补充后再提交。如已选择文件，请重新选择。"),
                                  code="regenerated")
        outcome, drafted_for = data.get("outcome"), data.get("letter_outcome") or self.drafted_for
        if outcome and drafted_for != outcome and drafted_for in dict(Outcome.choices):
            self.add_error("letter_body", _("告知书是按“%(was)s”生成的，与所选办理结果“%(now)s”不一致，"
                                            "请点击“按所选结果重新生成告知书”。")
                           % {"was": Outcome(drafted_for).label, "now": Outcome(outcome).label})
        return data

    def letter_parts(self) -> LetterParts:
        data = self.cleaned_data
        return LetterParts(salutation=data["letter_salutation"], body=data["letter_body"],
                           signature=data["letter_signature"], date=data["letter_date"])

    def preview_letter(self) -> str:
        """The letter as composed from what is on screen, without validating the rest of the
        form (a preview of an unfinished draft): missing parts show as they would be sent."""
        data = self.data
        try:
            date = self.fields["letter_date"].clean(data.get(self.add_prefix("letter_date")))
        except ValidationError:
            date = timezone.localdate()
        parts = LetterParts(salutation=data.get(self.add_prefix("letter_salutation"), ""),
                            body=sanitize_body(data.get(self.add_prefix("letter_body"), "")),
                            signature=data.get(self.add_prefix("letter_signature"), ""), date=date)
        return compose_letter(parts, application=self.application)

    def perform(self, *, actor):
        data = self.cleaned_data
        return services.application_draft_reply(
            actor=actor, outcome=data["outcome"],
            letter_html=compose_letter(self.letter_parts(), application=self.application), note=data["note"],
            redirect_agency=data["redirect_agency"], uploads=data["files"], **self.common())


class RecordReviewForm(ActionForm):
    kind = forms.ChoiceField(label=_("类型"), choices=ReviewKind.choices)
    filed_on = forms.DateField(label=_("立案日期"), widget=DATE)
    result = forms.ChoiceField(label=_("结果"), choices=ReviewResult.choices, initial=ReviewResult.PENDING)
    decided_on = forms.DateField(label=_("审结日期"), widget=DATE, required=False)
    note = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        """The model's rules (ReviewCase.clean), shown on the fields they concern."""
        data = super().clean()
        if data.get("filed_on") and data.get("result"):
            case = ReviewCase(application=self.application, kind=data.get("kind") or "", filed_on=data["filed_on"],
                              result=data["result"], decided_on=data.get("decided_on"))
            try:
                case.clean()
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
        return data

    def perform(self, *, actor):
        data = self.cleaned_data
        return services.application_record_review(actor=actor, kind=data["kind"], filed_on=data["filed_on"],
                                                  result=data["result"], decided_on=data["decided_on"],
                                                  note=data["note"], **self.common())


class ProposeProactiveDisclosureForm(ActionForm):
    """R.44: no field to fill — what goes into the draft is what the applicant received."""

    def perform(self, *, actor):
        return services.application_propose_proactive_disclosure(actor=actor, **self.common())


TRANSITION_FORMS = {
    workflow.A.CONFIRM: ConfirmForm,
    workflow.A.ASSIGN: AssignForm,
    workflow.A.REQUEST_SUPPLEMENT: SupplementRequestForm,
    workflow.A.RECORD_SUPPLEMENT: RecordSupplementForm,
    workflow.A.ACCEPT_LATE_SUPPLEMENT: AcceptLateSupplementForm,
    workflow.A.DEEM_WITHDRAWN: DeemWithdrawnForm,
    workflow.A.START_CONSULTATION: StartConsultationForm,
    workflow.A.END_CONSULTATION: EndConsultationForm,
    workflow.A.START_AGENCY_CONSULTATION: StartAgencyConsultationForm,
    workflow.A.END_AGENCY_CONSULTATION: EndAgencyConsultationForm,
    workflow.A.RECORD_RECEIPT: RecordReceiptForm,
    workflow.A.REQUEST_EXTENSION: RequestExtensionForm,
    workflow.A.APPROVE_EXTENSION: ApproveExtensionForm,
    workflow.A.REFUSE_EXTENSION: RefuseExtensionForm,
    workflow.A.DELAY_REPLY: DelayReplyForm,
    workflow.A.NOTIFY_THIRD_PARTY: NotifyThirdPartyForm,
    workflow.A.REQUEST_PUBLIC_INTEREST: RequestPublicInterestForm,
    workflow.A.SIGN_OFF_PUBLIC_INTEREST: SignOffPublicInterestForm,
    workflow.A.FEE_NOTICE: FeeNoticeForm,
    workflow.A.FEE_PAID: FeePaidForm,
    workflow.A.FEE_UNPAID: FeeUnpaidForm,
    workflow.A.DRAFT_REPLY: DraftReplyForm,
    workflow.A.RETURN_REPLY: ReturnReplyForm,
    workflow.A.SEND_REPLY: SendReplyForm,
    workflow.A.RECORD_REVIEW: RecordReviewForm,
    workflow.A.PROPOSE_PROACTIVE_DISCLOSURE: ProposeProactiveDisclosureForm,
}

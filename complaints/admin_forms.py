"""Back-office forms: counter/phone/letter intake, one form per transition (each calling its
service), accountability findings and the dashboard's period."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.models import DisclosureApplication
from complaints import clock, services, workflow
from complaints.assessment import Period
from complaints.forms import clean_identity_number, clean_phone, offices_open_to_the_public
from complaints.models import (
    OFFLINE_CHANNELS,
    AccountabilityFinding,
    Complaint,
    ComplaintResult,
    Consultation,
)
from disclosure.models import Record
from portal.forms import MultipleFileField
from portal.models import Office
from portal.widgets import IsoDateInput

DATE = IsoDateInput()


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


# --- Intake at the window, by phone or by letter (M.10) ---------------------------------------


class OfflineComplaintForm(forms.ModelForm):
    """Complaints received at the service hall window, by phone or by letter, entered by the
    supervision office."""

    channel = forms.ChoiceField(label=_("来源渠道"), choices=OFFLINE_CHANNELS)
    received_on = forms.DateField(label=_("收到日期"), widget=DATE, initial=timezone.localdate,
                                  help_text=_("窗口：当面提交之日；电话：来电之日；信函：签收之日。"))
    anonymous = forms.BooleanField(label=_("匿名举报（不登记举报人信息）"), required=False)
    name = forms.CharField(label=_("举报人姓名或名称"), required=False, max_length=100)
    identity_number = forms.CharField(label=_("证件号码"), required=False, max_length=50)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=30)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    address = forms.CharField(label=_("通信地址"), required=False, max_length=300)
    files = MultipleFileField(label=_("举报材料"))

    REPORTER_FIELDS = ("name", "identity_number", "phone", "email", "address")

    class Meta:
        model = Complaint
        fields = ["office", "failure_type", "related_reference", "details"]
        widgets = {"details": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices_open_to_the_public()
        self.fields["office"].empty_label = _("未确定（稍后分办）")

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone"))

    def clean_identity_number(self) -> str:
        return clean_identity_number(self.cleaned_data.get("identity_number"))

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise ValidationError(_("收到日期不能晚于今天。"))
        return received_on

    def clean(self):
        data = super().clean()
        if data.get("anonymous"):
            for name in self.REPORTER_FIELDS:
                data[name] = ""
                self.errors.pop(name, None)
        else:
            if not (data.get("name") or "").strip() and "name" not in self.errors:
                self.add_error("name", _("实名举报请填写姓名或名称；不愿留下姓名的，请勾选匿名。"))
            if not (data.get("phone") or data.get("email")) and not {"phone", "email"} & set(self.errors):
                self.add_error("phone", _("实名举报请至少填写一种联系方式（电话或电子邮箱）。"))
        return data

    def reporter(self) -> dict | None:
        data = self.cleaned_data
        return None if data.get("anonymous") else {name: data[name] for name in self.REPORTER_FIELDS}


class OfflineConsultationForm(forms.ModelForm):
    """Consultations taken at the window, by phone or by letter, entered by the disclosure office."""

    channel = forms.ChoiceField(label=_("来源渠道"), choices=OFFLINE_CHANNELS)
    received_on = forms.DateField(label=_("受理日期"), widget=DATE, initial=timezone.localdate)

    class Meta:
        model = Consultation
        fields = ["name", "phone", "email", "subject", "question", "publish_consent", "office"]
        widgets = {"question": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"office": _("可留空，登记后再分办。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices_open_to_the_public()

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone"))

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise ValidationError(_("受理日期不能晚于今天。"))
        return received_on

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


# --- Finding a reporter's cases (the supervision office, by POST) -----------------------------


class ReporterSearchForm(forms.Form):
    """按举报人查找: posted, never a query string, so the access log never holds a reporter's name."""

    name = forms.CharField(label=_("举报人姓名或名称"), required=False, max_length=100)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=30)
    email = forms.CharField(label=_("电子邮箱"), required=False, max_length=254)

    def clean(self):
        data = super().clean()
        given = [(data.get(name) or "").strip() for name in ("name", "phone", "email")]
        if not any(given):
            raise ValidationError(_("请至少填写一项：姓名或名称、联系电话或电子邮箱。"))
        if any(value and len(value) < 2 for value in given):
            raise ValidationError(_("每项至少填写2个字符。"))
        return data


# --- Transitions ------------------------------------------------------------------------------


class ActionForm(forms.Form):
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)
    target = "complaint"

    def __init__(self, *args, obj, **kwargs):
        self.obj = obj
        kwargs.setdefault("initial", {})["expected_status"] = obj.status
        super().__init__(*args, **kwargs)

    def common(self) -> dict:
        return {self.target: self.obj, "expected_status": self.cleaned_data["expected_status"] or None}


def _text(label, *, required=True, rows=4, max_length=10000, help_text=""):
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


class AssignOfficeMixin:
    """分办: the office complained about, prefilled with the reporter's choice; the reporter may
    have left it to the supervision office (不确定) or named the wrong one."""

    office_required = False  # required by this step when no office has been named yet

    def add_office_field(self) -> None:
        required = self.office_required and self.obj.office_id is None
        self.fields["office"] = OfficeChoiceField(
            label=_("被投诉的处室"), queryset=offices_open_to_the_public(), required=required,
            initial=self.obj.office_id, empty_label=_("请选择") if required else _("未确定（稍后分办）"),
            help_text=_("举报人选择“不确定”的，由厅监察室确定；举报人选错的，可以更正。"))
        self.order_fields(["office"])


class AcceptForm(AssignOfficeMixin, ActionForm):
    comment = _text(_("受理意见"), required=False, rows=2)

    def __init__(self, *args, obj, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.add_office_field()

    def perform(self, *, actor):
        return services.complaint_accept(actor=actor, comment=self.cleaned_data["comment"],
                                         office=self.cleaned_data["office"], **self.common())


class DeclineForm(ActionForm):
    reason = _text(_("不予受理的理由（将显示在举报人的查询页面）"))

    def perform(self, *, actor):
        return services.complaint_decline(actor=actor, reason=self.cleaned_data["reason"], **self.common())


class RequestExplanationForm(AssignOfficeMixin, ActionForm):
    office_required = True

    question = _text(_("要求说明的事项（被投诉处室可见）"), rows=5, max_length=5000,
                     help_text=_("概括需要说明的事项，不写举报人的姓名、联系方式或能识别举报人的内容。"))
    days = forms.IntegerField(label=_("说明期限（工作日）"), min_value=1, max_value=30, initial=clock.explanation_days)
    reference_confirmed = forms.BooleanField(
        label=_("确需写明申请查询码或信息名称"), required=False,
        help_text=_("申请人可能就是举报人：写明申请的查询码或举报人提到的信息名称，被投诉处室可能据此知悉举报人。仅在处室确需知道时勾选。"))

    def __init__(self, *args, obj, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.add_office_field()

    def perform(self, *, actor):
        return services.complaint_request_explanation(actor=actor, question=self.cleaned_data["question"],
                                                      days=self.cleaned_data["days"],
                                                      reference_confirmed=self.cleaned_data["reference_confirmed"],
                                                      office=self.cleaned_data["office"], **self.common())


class ExplainForm(ActionForm):
    answer = _text(_("说明内容"), rows=8)
    files = MultipleFileField(label=_("说明材料"))

    def perform(self, *, actor):
        return services.complaint_explain(actor=actor, answer=self.cleaned_data["answer"],
                                          uploads=self.cleaned_data["files"], **self.common())


class WithdrawExplanationForm(ActionForm):
    reason = _text(_("撤回理由（被投诉处室可见）"), rows=3, max_length=2000)

    def perform(self, *, actor):
        return services.complaint_withdraw_explanation(actor=actor, reason=self.cleaned_data["reason"],
                                                       **self.common())


class ConcludeForm(AssignOfficeMixin, ActionForm):
    result = forms.ChoiceField(label=_("查处结果"), widget=forms.RadioSelect, choices=[
        c for c in ComplaintResult.choices if c[0] != ComplaintResult.NOT_ACCEPTED])
    conclusion = _text(_("调查结论（内部）"), rows=6)

    def __init__(self, *args, obj, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.add_office_field()

    def perform(self, *, actor):
        return services.complaint_conclude(actor=actor, result=self.cleaned_data["result"],
                                           conclusion=self.cleaned_data["conclusion"],
                                           office=self.cleaned_data["office"], **self.common())


class ReopenForm(ActionForm):
    reason = _text(_("重新调查的理由"), rows=3)

    def perform(self, *, actor):
        return services.complaint_reopen(actor=actor, reason=self.cleaned_data["reason"], **self.common())


class ReplyForm(ActionForm):
    reply = _text(_("答复举报人（将显示在举报人的查询页面）"), rows=8)

    def __init__(self, *args, obj, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if not self.is_bound and obj.result:
            self.initial["reply"] = _("经调查核实，您反映的问题%(result)s。") % {
                "result": {"substantiated": _("属实"), "partly_substantiated": _("部分属实"),
                           "not_substantiated": _("不属实")}.get(obj.result, "")}

    def perform(self, *, actor):
        return services.complaint_reply(actor=actor, reply=self.cleaned_data["reply"], **self.common())


COMPLAINT_FORMS = {
    workflow.CA.ACCEPT: AcceptForm,
    workflow.CA.DECLINE: DeclineForm,
    workflow.CA.REQUEST_EXPLANATION: RequestExplanationForm,
    workflow.CA.EXPLAIN: ExplainForm,
    workflow.CA.WITHDRAW_EXPLANATION: WithdrawExplanationForm,
    workflow.CA.CONCLUDE: ConcludeForm,
    workflow.CA.REOPEN: ReopenForm,
    workflow.CA.REPLY: ReplyForm,
}


class ConsultationActionForm(ActionForm):
    target = "consultation"


class RouteForm(ConsultationActionForm):
    office = OfficeChoiceField(label=_("答复处室"), queryset=Office.objects.none())
    comment = _text(_("分办意见"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices_open_to_the_public()

    def perform(self, *, actor):
        return services.consultation_route(actor=actor, office=self.cleaned_data["office"],
                                           comment=self.cleaned_data["comment"], **self.common())


class ReturnForm(ConsultationActionForm):
    reason = _text(_("退回理由"), rows=3)

    def perform(self, *, actor):
        return services.consultation_return(actor=actor, reason=self.cleaned_data["reason"], **self.common())


class AnswerForm(ConsultationActionForm):
    answer = _text(_("答复内容（将显示在咨询人的查询页面）"), rows=10)

    def perform(self, *, actor):
        return services.consultation_answer(actor=actor, answer=self.cleaned_data["answer"], **self.common())


class PublishForm(ConsultationActionForm):
    public_subject = forms.CharField(label=_("公开的主题"), max_length=100,
                                     help_text=_("咨询人自拟的主题不直接公开：请改写为不含个人信息的主题。"))
    public_question = _text(_("公开的问题"), rows=5, max_length=3000,
                            help_text=_("删去姓名、联系方式、证件号码等能识别咨询人的内容。"))
    public_answer = _text(_("公开的答复"), rows=8, help_text=_("删去称呼中的姓名等个人信息。"))

    def __init__(self, *args, obj, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if not self.is_bound:
            self.initial.update({"public_subject": obj.public_subject or obj.subject,
                                 "public_question": obj.public_question or obj.question,
                                 "public_answer": obj.public_answer or obj.answer})

    def perform(self, *, actor):
        return services.consultation_publish(actor=actor, public_subject=self.cleaned_data["public_subject"],
                                             public_question=self.cleaned_data["public_question"],
                                             public_answer=self.cleaned_data["public_answer"], **self.common())


class UnpublishForm(ConsultationActionForm):
    reason = _text(_("撤下的理由"), rows=3)

    def perform(self, *, actor):
        return services.consultation_unpublish(actor=actor, reason=self.cleaned_data["reason"], **self.common())


CONSULTATION_FORMS = {
    workflow.QA.ROUTE: RouteForm,
    workflow.QA.RETURN: ReturnForm,
    workflow.QA.ANSWER: AnswerForm,
    workflow.QA.PUBLISH: PublishForm,
    workflow.QA.UNPUBLISH: UnpublishForm,
}


# --- Accountability findings (M.20) ---------------------------------------------------------


def overdue_records():
    """Records published beyond their time limit, or not yet out past it — in the workflow or
    scheduled for later (M.11, `Record.objects`)."""
    return (Record.objects.published_late() | Record.objects.overdue()).select_related("office").order_by("-due_date")


def overdue_applications():
    """Applications answered late, or open past their due date (R.33)."""
    return DisclosureApplication.objects.late_or_overdue().select_related("office").order_by("-due_date")


class ComplaintChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return gettext("%(code)s（%(office)s，%(failure)s，%(on)s）") % {
            "code": obj.tracking_code, "office": obj.office.name if obj.office_id else "—",
            "failure": obj.get_failure_type_display(),
            "on": f"{obj.received_on:%Y-%m-%d}"}


class RecordChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return gettext("%(title)s（%(office)s，期限 %(due)s）") % {
            "title": obj.title, "office": obj.office.name, "due": f"{obj.due_date:%Y-%m-%d}"}


class ApplicationChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        office = obj.office.name if obj.office_id else "—"
        return gettext("%(title)s（%(office)s，期限 %(due)s）") % {
            "title": f"{obj.tracking_code} {obj.information_title[:40]}", "office": office,
            "due": f"{obj.due_date:%Y-%m-%d}"}


class FindingForm(forms.ModelForm):
    complaints = ComplaintChoices(label=_("相关举报投诉"), queryset=Complaint.objects.none(), required=False,
                                  widget=forms.SelectMultiple(attrs={"size": 6}))
    records = RecordChoices(label=_("相关逾期公开的政府信息"), queryset=Record.objects.none(), required=False,
                            widget=forms.SelectMultiple(attrs={"size": 6}))
    applications = ApplicationChoices(label=_("相关逾期答复的申请"), queryset=DisclosureApplication.objects.none(),
                                      required=False, widget=forms.SelectMultiple(attrs={"size": 6}))

    class Meta:
        model = AccountabilityFinding
        fields = ["office", "title", "facts", "measure", "measure_detail", "decided_on", "complaints", "records",
                  "applications"]
        widgets = {"decided_on": DATE, "facts": forms.Textarea(attrs={"rows": 6}),
                   "measure_detail": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Readers get the form without these fields (the admin shows them read-only).
        querysets = {"complaints": lambda: Complaint.objects.select_related("office").order_by("-received_on"),
                     "records": overdue_records, "applications": overdue_applications}
        for name, queryset in querysets.items():
            if name in self.fields:
                self.fields[name].queryset = queryset()
        if "office" in self.fields and self.instance.pk:
            self.fields["office"].disabled = True
        if "decided_on" in self.fields and not self.instance.pk:
            self.fields["decided_on"].initial = timezone.localdate

    def clean(self):
        data = super().clean()
        office = data.get("office") or (self.instance.office if self.instance.pk else None)
        if office is None:
            return data
        for name, message in (("complaints", _("只能关联针对该处室的举报投诉。")),
                              ("records", _("只能关联该处室的政府信息。")),
                              ("applications", _("只能关联由该处室承办的申请。"))):
            if any(item.office_id != office.pk for item in data.get(name) or ()):
                self.add_error(name, message)
        if data.get("decided_on") and data["decided_on"] > timezone.localdate():
            self.add_error("decided_on", _("认定日期不能晚于今天。"))
        return data


# --- The dashboard's period -------------------------------------------------------------------


class PeriodForm(forms.Form):
    KINDS = [("year", _("年度")), ("quarter", _("季度")), ("custom", _("自定义"))]

    kind = forms.ChoiceField(label=_("统计期间"), choices=KINDS, initial="year")
    # Initially the year the dashboard shows (default_period), so the field says what is displayed.
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100, required=False,
                              initial=lambda: timezone.localdate().year)
    quarter = forms.TypedChoiceField(label=_("季度"), coerce=int, required=False, empty_value=None,
                                     choices=[(q, _("第%(q)d季度") % {"q": q}) for q in (1, 2, 3, 4)])
    start = forms.DateField(label=_("起"), required=False, widget=DATE)
    end = forms.DateField(label=_("止"), required=False, widget=DATE)
    office = OfficeChoiceField(label=_("处室"), queryset=Office.objects.none(), required=False,
                               empty_label=_("全部处室"))

    MAX_DAYS = 366 * 5

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.order_by("sort_order", "name")
        # The year field shows the year on display: the current one until another is chosen.
        this_year = timezone.localdate().year
        self.fields["year"].initial = this_year
        if self.is_bound and not self.data.get(self.add_prefix("year")):
            self.data = self.data.copy()
            self.data[self.add_prefix("year")] = str(this_year)

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or "year"
        year = data.get("year") or timezone.localdate().year
        try:
            if kind == "quarter":
                data["period"] = Period.quarter(year, data.get("quarter") or 1)
            elif kind == "custom":
                start, end = data.get("start"), data.get("end")
                if not (start and end):
                    raise ValidationError(_("自定义期间请填写起止日期。"))
                if end < start:
                    raise ValidationError(_("结束日期不能早于开始日期。"))
                if (end - start).days > self.MAX_DAYS:
                    raise ValidationError(_("统计期间最长5年。"))
                data["period"] = Period.custom(start, end)
            else:
                data["period"] = Period.year(year)
        except ValueError:
            raise ValidationError(_("统计期间无效。")) from None
        return data

    @staticmethod
    def default_period() -> Period:
        return Period.year(timezone.localdate().year)

"""The back office for government information: scoped lists, the draft editor, the workflow
buttons, the event log, version diffs and the register. Thin: rules live in services.py,
workflow.py and selectors.py."""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from disclosure import selectors, services, workflow
from disclosure.downloads import attachment_response
from disclosure.forms import TRANSITION_FORMS, AttachmentForm, RecordForm
from disclosure.models import (
    Attachment,
    CatalogueCategory,
    CatalogueEntry,
    ChangeRequest,
    ChangeRequestKind,
    Channel,
    DisclosureOverride,
    Record,
    RecordState,
    ReleaseRegisterLine,
    StatutoryItem,
    WithholdingGround,
    WorkflowEvent,
)
from portal.admin_dates import DaysLeftMixin
from portal.admin_history import HistoryAdmin
from portal.admin_workflow import ReadOnlyAdminMixin, WorkflowActionsMixin
from portal.errors import DomainError, NotInScope
from portal.files import file_response
from portal.models import Office, Role
from portal.selectors import office_ids_for, visible_office_ids
from portal.workdays import workdays_left


def _in_scope(request, record_id) -> Record:
    message = _("没有找到该信息，或您无权查看。")
    try:
        record = selectors.records_for_staff(request.user).filter(pk=record_id).select_related("office").first()
    except (ValueError, TypeError, ValidationError):
        raise Http404(message) from None
    if record is None:
        raise (NotInScope if Record.objects.filter(pk=record_id).exists() else Http404)(message)
    return record


class ScopedObjectMixin:
    """An object outside the person's scope is "not found" (404) on its change, delete and
    history pages, as on every other URL, instead of Django's redirect to the index with a
    "perhaps it was deleted" message, which both hides the refusal and hints at the object."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            exists = False
            with contextlib.suppress(ValueError, TypeError, ValidationError):
                exists = self.model._default_manager.filter(pk=unquote(str(object_id))).exists()
            raise (NotInScope if exists else Http404)(_("没有找到该事项，或您无权查看。"))
        return obj


class ScopedOfficeFilter(admin.SimpleListFilter):
    """Offers only the offices the person can see."""

    title = _("处室")
    parameter_name = "office"

    def lookups(self, request, model_admin):
        offices = visible_office_ids(request.user)
        queryset = Office.objects.all() if offices is None else Office.objects.filter(pk__in=offices)
        return [(str(o.pk), o.name) for o in queryset]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(office_id=self.value())
        return queryset


class AttachmentInline(admin.TabularInline):
    model = Attachment
    form = AttachmentForm
    extra = 0
    fields = ["title", "file", "download", "content_type", "size", "sort_order"]
    readonly_fields = ["download", "content_type", "size"]

    @admin.display(description=_("原文件名"))
    def download(self, obj):
        if not obj.pk:
            return "—"
        url = reverse("admin:disclosure_record_attachment", args=[obj.record_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)

    def _editable(self, request, obj) -> bool:
        return bool(
            obj is None
            or (obj.state == RecordState.DRAFT and obj.office_id in office_ids_for(request.user, Role.DRAFTER))
        )

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_delete_permission(request, obj)


def _clock_runs(record: Record) -> bool:
    """Whether the list shows working days left: the M.11 clock has not stopped (not yet out, or
    out only at a scheduled time)."""
    scheduled = record.published_at is not None and record.published_at > timezone.now()
    return bool(record.due_date) and (scheduled or record.state not in (
        RecordState.PUBLISHED, RecordState.REGISTERED, RecordState.REVOKED, RecordState.WITHHELD))


@admin.register(Record)
class RecordAdmin(DaysLeftMixin, ScopedObjectMixin, WorkflowActionsMixin, HistoryAdmin):
    form = RecordForm
    workflow = workflow
    transition_forms = TRANSITION_FORMS
    change_form_template = "admin/disclosure/record/change_form.html"
    inlines = [AttachmentInline]
    list_display = ["title", "office", "state_badge", "due_column", "is_important", "index_number", "version_number"]
    list_filter = ["state", ScopedOfficeFilter, "category", "is_important", "attribute", "validity"]
    search_fields = ["title", "document_number", "index_number"]
    list_select_related = ["office", "category"]
    date_hierarchy = "created_at"
    # The model's order (-published_at, -created_at) with the id for creation time, as the index
    # record_published_order_state holds it: the list then reads its page from the index instead of
    # sorting every record (2 s at 100,000 records, issue #22). Ids follow creation.
    ordering = ["-published_at", "-id"]
    readonly_fields = ["index_number", "published_at", "due_date", "validity", "version_number"]
    history_list_display = ["state"]
    WORKFLOW_FIELDS = ["index_number", "published_at", "due_date", "validity", "version_number"]

    # --- Scope: the same selector for list, search, autocomplete, history and direct URLs ---

    def get_queryset(self, request):
        return selectors.records_for_staff(request.user).select_related("office", "category")

    def _editable(self, request, obj) -> bool:
        return obj.state == RecordState.DRAFT and obj.office_id in office_ids_for(request.user, Role.DRAFTER)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if obj is not None:
            return allowed and self.get_queryset(request).filter(pk=obj.pk).exists()
        return allowed

    def has_add_permission(self, request):
        return super().has_add_permission(request) and bool(office_ids_for(request.user, Role.DRAFTER))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is not None:
            return allowed and self._editable(request, obj)
        return allowed

    def has_delete_permission(self, request, obj=None):
        return False  # government information is never deleted; revoke it instead (M.14)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not self._editable(request, obj):
            # Read-only: show the body as the public will see it (it is sanitised on save).
            return [*self.WORKFLOW_FIELDS, *(f for f in RecordForm.Meta.fields if f != "body"), "body_as_published"]
        return self.WORKFLOW_FIELDS

    # Shown read-only only when a law sets the record's period (M.11, second sentence).
    PERIOD_FIELDS = ("due_period_days", "due_period_basis")

    def get_fieldsets(self, request, obj=None):
        editable = obj is None or self._editable(request, obj)
        content = [f for f in RecordForm.Meta.fields if f != "body"] + ["body" if editable else "body_as_published"]
        if editable:
            content.append("interprets")
        if not editable and not (obj.due_period_days or obj.due_period_basis):
            content = [f for f in content if f not in self.PERIOD_FIELDS]
        fieldsets = [(None, {"fields": content})]
        if obj is not None:
            fieldsets.append((_("发布信息"), {"fields": self.WORKFLOW_FIELDS}))
        return fieldsets

    def approval_summary(self, obj):
        """The draft under review (M.12): what it is, whose, at which step, and its gist."""
        from django.utils.text import Truncator

        rows = [
            (_("标题"), format_html('<a href="{}">{}</a>', self.change_url(obj), obj.title)),
            (_("文号"), obj.document_number or "—"),
            (_("发布机构"), obj.office.name),
            (_("当前环节"), obj.get_state_display()),
            (_("主题分类"), str(obj.category)),
            (_("成文日期"), obj.date_formed.isoformat() if obj.date_formed else "—"),
            (_("公开属性"), obj.get_attribute_display()),
            (_("重要信息"), _yes_no(obj.is_important)),
            (_("内容概述"), obj.summary or Truncator(strip_tags(obj.body)).chars(200) or "—"),
            (_("附件"), str(obj.attachments.count())),
        ]
        if obj.version_number > 1:
            rows.append((_("版本"), _("第 %(n)d 版（变更）") % {"n": obj.version_number}))
        if obj.redacted_parts:
            rows.append((_("不予公开的部分"), obj.redacted_parts))
        rows.extend(self._interpretation_rows(obj))
        if checklist := selectors.division_checklist(obj):
            # What the unified review decides on (M.12(2)): the division head's answers, with a
            # right holder's consent or a public-interest proposal (M.6 para. 2, R.15).
            rows.append((_("处室负责人保密自查"), format_html(
                '<ul class="note checklist">{}</ul>',
                format_html_join("", "<li>{}{}{}</li>", ((label, _("："), value)
                                                        for label, value in _checklist_lines(checklist))))))
        return rows

    def _interpretation_rows(self, obj) -> list[tuple]:
        """政策解读 (issue #19): the reviewer of a policy sees the interpretations going with it,
        and the reviewer of an interpretation the policies it explains."""
        rows = []

        def links(records):
            return format_html_join("、", '<a href="{}">{}</a>', ((self.change_url(r), r.title) for r in records))

        drafted_with = list(selectors.interpretations_drafted_with(obj))
        if drafted_with:
            rows.append((_("同步审签、同步发布的政策解读"), links(drafted_with)))
        elif obj.document_type == "normative" and obj.state not in ("published", "registered", "revoked"):
            rows.append((_("政策解读"), obj.get_interpretation_waiver_display() if obj.interpretation_waiver
                         else _("未附解读：保密审查时须选择无需解读的理由，或退回补充解读。")))
        if obj.interpretation_waiver and (drafted_with or obj.state in ("published", "registered")):
            rows.append((_("无需解读的理由"), obj.get_interpretation_waiver_display()))
        policies = list(selectors.interpreted_policies_for_staff(obj))
        if policies:
            rows.append((_("解读的政策文件"), links(policies)))
        return rows

    @admin.display(description=_("正文"))
    def body_as_published(self, obj):
        return mark_safe(obj.body)  # sanitised by nh3 in services.record_save_draft

    # --- Writes go through the services ---

    def save_model(self, request, obj, form, change):
        # The model form's validation has already cleaned the body; hand the service what was
        # typed, so that it sanitises it (the one place) and can say what it removed.
        if "body" in form.cleaned_data:
            obj.body = form.cleaned_data["body"]
        record = services.record_save_draft(record=obj, actor=request.user)
        for warning in record.draft_warnings:
            messages.warning(request, warning)
        if "interprets" in form.cleaned_data:
            from disclosure.interpretation_services import interpretation_links_set

            interpretation_links_set(interpretation=record, policies=form.cleaned_data["interprets"] or [],
                                     actor=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Attachment:
            return super().save_formset(request, form, formset, change)
        # Attachments go through the services (type check, lock, office scope).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms:
                if inline_form.instance.pk:
                    services.attachment_remove(attachment=inline_form.instance, actor=request.user)
                    formset.deleted_objects.append(inline_form.instance)
            elif not inline_form.instance.pk and inline_form.cleaned_data.get("file"):
                formset.new_objects.append(services.attachment_add(
                    record=form.instance, actor=request.user, upload=inline_form.cleaned_data["file"],
                    sort_order=inline_form.cleaned_data.get("sort_order") or 0,
                    title=inline_form.cleaned_data.get("title") or "",
                ))
            elif inline_form.instance.pk and inline_form.has_changed():
                Attachment.objects.filter(pk=inline_form.instance.pk).update(
                    sort_order=inline_form.cleaned_data.get("sort_order") or 0,
                    title=(inline_form.cleaned_data.get("title") or "").strip() or inline_form.instance.display_title,
                )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            # A rule refused the save after the form validated (someone else acted meanwhile).
            messages.error(request, str(error))
            if object_id:
                return HttpResponseRedirect(reverse("admin:disclosure_record_change", args=[object_id]))
            return HttpResponseRedirect(reverse("admin:disclosure_record_changelist"))

    # --- List columns ---

    @admin.display(description=_("状态"), ordering="state")
    def state_badge(self, obj):
        return format_html('<span class="state state-{}">{}</span>', obj.state, obj.get_state_display())

    def clock_runs(self, obj) -> bool:  # M.11
        return _clock_runs(obj)

    @admin.display(description=_("公开期限"), ordering="due_date")
    def due_column(self, obj):
        if not obj.due_date:
            return "—"
        if not _clock_runs(obj):
            return obj.due_date.isoformat()
        left = getattr(obj, "days_left", None)
        if left is None:  # outside the list (DaysLeftChangeList computes a page's at once)
            left = workdays_left(obj.due_date)
        css = "overdue" if left < 0 else ("due-soon" if left <= 3 else "")
        if left < 0:
            text = ngettext("逾期 %(n)d 个工作日", "逾期 %(n)d 个工作日", -left) % {"n": -left}
        else:
            text = ngettext("剩 %(n)d 个工作日", "剩 %(n)d 个工作日", left) % {"n": left}
        return format_html('{} <span class="clock {}">{}</span>', obj.due_date.isoformat(), css, text)

    # --- The change page: stage, buttons, events, versions ---

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = _in_scope(request, object_id)
        versions = selectors.record_versions(record)
        extra_context = {
            **(extra_context or {}),
            "record": record,
            "pipeline": _pipeline(record),
            "actions": workflow.available(request.user, record),
            "events": _with_checklist_lines(record.events.select_related("actor").order_by("at", "pk")),
            "previous_revoked": bool(record.previous_version_id and record.state in workflow.IN_PROGRESS_STATES
                                     and record.previous_version.state == RecordState.REVOKED),
            "versions": versions if len(versions) > 1 else [],
            "register_lines": record.register_lines.order_by("year", "number"),
            "days_left": workdays_left(record.due_date) if record.due_date else None,
            # A scheduled publication has not stopped the clock of M.11 yet.
            "clock_running": record.state in workflow.IN_PROGRESS_STATES or bool(
                record.published_at and record.published_at > timezone.now()
                and record.state in workflow.LIVE_STATES),
            "change_requests": record.change_requests.select_related("requested_by", "decided_by"),
            "review_documents": record.review_documents.select_related("uploaded_by"),
            # 政策解读 (issue #19): what goes through the chain with what.
            "companion_of": selectors.policy_of_companion(record),
            "drafted_with": list(selectors.interpretations_drafted_with(record)),
            "interprets": list(selectors.interpreted_policies_for_staff(record)),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        urls = [
            *self.workflow_urls(),
            path("<int:object_id>/diff/", self.admin_site.admin_view(self.diff_view), name="disclosure_record_diff"),
            path("<int:object_id>/attachments/<int:attachment_id>/", self.admin_site.admin_view(self.attachment_view),
                 name="disclosure_record_attachment"),
            path("<int:object_id>/review-documents/<int:document_id>/",
                 self.admin_site.admin_view(self.review_document_view), name="disclosure_record_review_document"),
        ]
        return urls + super().get_urls()

    def review_document_view(self, request, object_id, document_id):
        """A consent kept with the review papers (M.6 para. 2): staff who may see the record."""
        record = _in_scope(request, object_id)
        document = record.review_documents.filter(pk=document_id).first()
        if document is None:
            raise Http404
        return file_response(document)

    def attachment_view(self, request, object_id, attachment_id):
        """Staff download, for any record they may see (the public one checks publication)."""
        record = _in_scope(request, object_id)
        attachment = record.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise Http404
        return attachment_response(attachment)

    def diff_view(self, request, object_id):
        record = _in_scope(request, object_id)
        other_id = request.GET.get("with") or record.previous_version_id
        other = selectors.records_for_staff(request.user).filter(pk=other_id).first() if other_id else None
        if other is None:
            messages.info(request, _("该信息没有可比较的其他版本。"))
            return HttpResponseRedirect(reverse("admin:disclosure_record_change", args=[record.pk]))
        old, new = (other, record) if other.pk < record.pk else (record, other)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "record": record,
            "old": old,
            "new": new,
            "field_changes": _field_changes(old, new),
            "body_diff": _text_diff(old.body, new.body),
            "title": _("版本比较：%(title)s") % {"title": record.title},
        }
        return render(request, "admin/disclosure/record/diff.html", context)


def _yes_no(value) -> str:
    return str(_("是") if value else _("否"))


def _checklist_lines(checklist: dict) -> list[tuple[str, str]]:
    """An event's checklist answers as (label, value) lines for the event log: the three
    confirmations of M.6 / M.12(1), the redaction and its grounds, the importance decision of
    M.12(2), a withholding ground, the channels of M.9 and the time of publication."""
    lines = []
    for key, label in (("no_state_secret", _("不涉及国家秘密")), ("no_commercial_secret", _("不涉及商业秘密")),
                       ("no_personal_privacy", _("不涉及个人隐私"))):
        if key in checklist:
            lines.append((str(label), _yes_no(checklist[key])))
    if checklist.get("redacted_parts"):
        lines.append((str(_("区分处理，删去的部分")), checklist["redacted_parts"]))
    if checklist.get("redaction_grounds"):
        lines.append((str(_("删去部分的依据")), "、".join(_choice_label(WithholdingGround, g)
                                                   for g in checklist["redaction_grounds"])))
    if "is_important" in checklist:
        value = _("重要信息，须主管厅领导签字") if checklist["is_important"] else _("非重要信息")
        if "importance_proposed" in checklist and checklist["importance_proposed"] != checklist["is_important"]:
            value = _("%(decision)s（信息员原标注为“%(proposal)s”）") % {
                "decision": value, "proposal": _("重要") if checklist["importance_proposed"] else _("非重要")}
        lines.append((str(_("重要信息认定")), str(value)))
    if checklist.get("override"):
        lines.append((str(_("涉及商业秘密、个人隐私但予以公开")), _choice_label(DisclosureOverride, checklist["override"])))
    for key, label in (("consent_how", _("权利人同意的方式")), ("consent_on", _("同意的日期")),
                       ("consent_document", _("同意书")), ("public_interest_reason", _("公共利益理由"))):
        if checklist.get(key):
            lines.append((str(label), str(checklist[key])))
    if checklist.get("requires_leader_signoff"):
        lines.append((str(_("主管厅领导签发")), str(_("须经签发（实施办法第六条第二款）"))))
    if checklist.get("ground"):
        lines.append((str(_("不予公开依据")), _choice_label(WithholdingGround, checklist["ground"])))
    if checklist.get("channels"):
        labels = (_choice_label(Channel, c) for c in checklist["channels"])
        lines.append((str(_("公开渠道")), pgettext("list separator", "、").join(labels)))
    if checklist.get("published_at"):
        try:
            moment = timezone.localtime(dt.datetime.fromisoformat(checklist["published_at"]))
            lines.append((str(_("发布时间")), f"{moment:%Y-%m-%d %H:%M}"))
        except (TypeError, ValueError):
            lines.append((str(_("发布时间")), str(checklist["published_at"])))
    if checklist.get("due_date") and checklist.get("published_at"):  # published after its due date (M.11)
        lines.append((str(_("公开期限")), str(checklist["due_date"])))
    if checklist.get("late_reason"):
        lines.append((str(_("推迟发布的原因")), str(checklist["late_reason"])))
    if checklist.get("kind") in ChangeRequestKind.values:
        lines.append((str(_("报请事项")), _choice_label(ChangeRequestKind, checklist["kind"])))
    if checklist.get("register_number"):
        lines.append((str(_("登记号")), str(checklist["register_number"])))
    return lines


def _choice_label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value)


def _with_checklist_lines(events) -> list[WorkflowEvent]:
    events = list(events)
    for event in events:
        event.checklist_lines = _checklist_lines(event.checklist or {})
    return events


def _pipeline(record: Record) -> list[dict]:
    """The steps of M.12 with the record's position, for the stage indicator."""
    steps = [RecordState.DRAFT, RecordState.DIVISION_REVIEW, RecordState.CONFIDENTIALITY_REVIEW]
    # Important information, and information disclosed in the public interest (M.6 para. 2),
    # is signed by the supervising leader.
    if record.is_important or record.state == RecordState.LEADER_SIGNOFF or (
            record.state in (RecordState.READY, RecordState.PUBLISHED, RecordState.REGISTERED)
            and record.events.filter(action="sign_off").exists()):
        steps.append(RecordState.LEADER_SIGNOFF)
    steps += [RecordState.READY, RecordState.PUBLISHED, RecordState.REGISTERED]
    current = steps.index(record.state) if record.state in steps else len(steps)
    return [
        {"label": RecordState(step).label, "done": i < current, "current": i == current}
        for i, step in enumerate(steps)
    ]


DIFF_FIELDS = ["title", "summary", "document_number", "document_type", "date_formed", "category", "attribute",
               "is_important"]


def _field_changes(old: Record, new: Record) -> list[dict]:
    changes = []
    for name in DIFF_FIELDS:
        field = Record._meta.get_field(name)
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            if field.choices:
                before, after = getattr(old, f"get_{name}_display")(), getattr(new, f"get_{name}_display")()
            changes.append({"label": field.verbose_name, "old": before, "new": after})
    return changes


def _text_lines(html: str) -> list[str]:
    text = strip_tags(html.replace("</p>", "\n").replace("<br>", "\n").replace("</li>", "\n"))
    return [line.strip() for line in text.splitlines() if line.strip()]


def _text_diff(old_html: str, new_html: str) -> list[dict]:
    rows = []
    for line in difflib.ndiff(_text_lines(old_html), _text_lines(new_html)):
        code, text = line[:1], line[2:]
        if code == "?":
            continue
        rows.append({"kind": {"+": "added", "-": "removed"}.get(code, "same"), "text": text})
    return rows


@admin.register(CatalogueCategory)
class CatalogueCategoryAdmin(HistoryAdmin):
    list_display = ["name", "name_en", "code", "parent", "legal_basis", "sort_order", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name", "name_en", "code"]

    def has_delete_permission(self, request, obj=None):
        return False  # categories carry records; set "在用" off instead


@admin.register(StatutoryItem)
class StatutoryItemAdmin(HistoryAdmin):
    """The items of R.20 on the statutory-content page and the categories they are filed under;
    the disclosure office edits them (M.3: it compiles the catalogue)."""

    list_display = ["name", "article", "category_names", "sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "article", "description"]
    fields = ["article", "name", "description", "categories", "sort_order", "is_active"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "categories":
            # Tick boxes: readable on a phone, and no script needed.
            kwargs["widget"] = forms.CheckboxSelectMultiple
            kwargs["queryset"] = CatalogueCategory.objects.order_by("sort_order", "code")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories")

    @admin.display(description=_("对应目录分类"))
    def category_names(self, obj):
        return "、".join(c.name for c in obj.categories.all()) or "—"

    def has_delete_permission(self, request, obj=None):
        return False  # set "在用" off instead: the page's history stays explainable


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ScopedObjectMixin, ReadOnlyAdminMixin, HistoryAdmin):
    """Offices' requests to change, revoke or terminate published information (M.14). Made and
    handled from the record's page; listed here for the disclosure office and the offices."""

    list_display = ["record_link", "office", "kind", "status", "requested_by", "requested_at", "decided_by",
                    "decided_at"]
    list_filter = ["status", "kind"]
    search_fields = ["record__title", "reason", "decision_note"]
    list_select_related = ["record__office", "requested_by", "decided_by"]

    def get_queryset(self, request):
        return selectors.in_staff_scope(super().get_queryset(request), request.user)

    @admin.display(description=_("政府信息"), ordering="record__title")
    def record_link(self, obj):
        # The record's page carries the buttons (报请, 处理处室报请) and the request's history.
        url = reverse("admin:disclosure_record_change", args=[obj.record_id])
        return format_html('<a href="{}">{}</a>', url, obj.record.title)

    @admin.display(description=_("处室"), ordering="record__office__name")
    def office(self, obj):
        return obj.record.office.name


@admin.register(CatalogueEntry)
class CatalogueEntryAdmin(ScopedObjectMixin, ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["index_number", "title", "office", "category", "date_formed", "published_at", "attribute",
                    "validity", "is_listed"]
    list_filter = ["is_listed", "attribute", "validity", "category"]
    search_fields = ["index_number", "title"]

    def get_queryset(self, request):
        return selectors.in_staff_scope(super().get_queryset(request), request.user)


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(ScopedObjectMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The append-only log: who did what, when, from and to which state."""

    list_display = ["at", "record", "action", "actor", "acted_as", "from_state", "to_state", "comment"]
    list_filter = ["action", "acted_as", "to_state"]
    search_fields = ["record__title", "record__index_number", "actor__username", "comment"]
    date_hierarchy = "at"
    list_select_related = ["record", "actor"]

    def get_queryset(self, request):
        return selectors.in_staff_scope(super().get_queryset(request), request.user)


@admin.register(ReleaseRegisterLine)
class ReleaseRegisterLineAdmin(ScopedObjectMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The release register of M.12(4)."""

    list_display = ["display_number", "kind", "index_number", "title", "office_name", "published_at",
                    "registered_at", "registered_by", "note"]
    list_filter = ["year", "kind"]
    search_fields = ["index_number", "title", "office_name"]
    list_select_related = ["registered_by"]

    @admin.display(description=_("登记号"), ordering="number")
    def display_number(self, obj):
        return obj.display_number

    def get_queryset(self, request):
        return selectors.in_staff_scope(super().get_queryset(request), request.user)


# Issue #20: redaction pages, the personal-data check, the sensitive-word list; issue #18: the demand page.
from disclosure import comment_admin, demand_admin, redaction_admin, subscription_admin  # noqa: E402, F401

"""Back-office pages of issue #20: the redaction page (pdf.js, boxes and grounds), a redaction's
progress and the original beside the released copy, the personal-data check of a record or a
reply, the sensitive-word list and the reasons given. Thin: rules live in redaction_services.py
and personal_data_checks.py."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disclosure import personal_data_checks as checks
from disclosure import redaction_services as services
from disclosure.models import WithholdingGround
from disclosure.redaction_models import FileRedaction, PersonalDataClearance, RedactionState, SensitiveWord
from portal.admin_history import HistoryAdmin
from portal.admin_workflow import ReadOnlyAdminMixin
from portal.errors import ActionRefused, InvalidInput, NotInScope, StateConflict
from portal.files import file_response

R = RedactionState


def _may(check, *args) -> bool:
    try:
        check(*args)
    except (ActionRefused, StateConflict):
        return False
    return True


def redact_url(item, *, suggest: bool = False) -> str:
    ct = ContentType.objects.get_for_model(item)
    url = reverse("admin:disclosure_fileredaction_new", args=[ct.pk, item.pk])
    return url + ("?suggest=1" if suggest else "")


def check_url(obj) -> str:
    return reverse("admin:disclosure_fileredaction_check", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])


def _of_visible(prefix: str, visible: dict) -> Q:
    """The rows (redactions, clearances) whose object (`<prefix>_type`, `<prefix>_id`) is among
    the objects of its kind this person may see. Each row asks for its own object (an index probe
    by id) rather than `<prefix>_id IN (every visible object)`, which read the whole record or
    application table on each visit to the list (issue #22)."""
    condition = Q(pk__in=[])
    for model, objects in visible.items():
        ct = ContentType.objects.get_for_model(model)
        condition |= Q(**{f"{prefix}_type": ct}) & Exists(objects.filter(pk=OuterRef(f"{prefix}_id")))
    return condition


def redaction_status(item, user) -> dict:
    """What the pages show for one stored file: its current redaction, and what this person may do."""
    current = services.current_redaction(item)
    source = services.source_for(item)
    return {
        "item": item,
        "current": current,
        "is_pdf": services.is_pdf(item),
        "may_redact": services.is_pdf(item) and _may(source.check, item, user),
        "redact_url": redact_url(item),
        "status_url": reverse("admin:disclosure_fileredaction_change", args=[current.pk]) if current else "",
    }


@admin.register(FileRedaction)
class FileRedactionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The register of redactions (who blacked out what, on which ground), and the pages around it."""

    list_display = ["created_at", "source_name", "state", "pages_total", "created_by", "ground_labels"]
    list_filter = ["state"]
    search_fields = ["source_name"]
    list_select_related = ["created_by"]
    actions = None

    def get_queryset(self, request):
        visible = {model: source.visible(request.user) for model, source in services.sources().items()}
        return super().get_queryset(request).filter(_of_visible("source", visible))

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff and (
            request.user.has_perm("disclosure.view_fileredaction") or request.user.is_superuser)

    @admin.display(description=gettext_lazy("不予公开依据"))
    def ground_labels(self, obj):
        return "、".join(str(WithholdingGround(g).label) for g in obj.grounds if g in WithholdingGround.values)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("new/<int:content_type_id>/<int:object_id>/", view(self.redact_view),
                 name="disclosure_fileredaction_new"),
            path("source/<int:content_type_id>/<int:object_id>/original.pdf", view(self.source_file_view),
                 name="disclosure_fileredaction_source"),
            path("<int:redaction_id>/<str:which>.pdf", view(self.file_view), name="disclosure_fileredaction_file"),
            path("<int:redaction_id>/withdraw/", view(self.withdraw_view), name="disclosure_fileredaction_withdraw"),
            path("check/<int:content_type_id>/<int:object_id>/", view(self.check_view),
                 name="disclosure_fileredaction_check"),
            *super().get_urls(),
        ]

    # --- Helpers ---

    def _item(self, request, content_type_id, object_id):
        item = services.find_source_item(content_type_id=content_type_id, object_id=object_id, user=request.user)
        if item is None:
            try:
                model = ContentType.objects.get_for_id(content_type_id).model_class()
            except ContentType.DoesNotExist:
                raise Http404 from None
            exists = model is not None and model._default_manager.filter(pk=object_id).exists()
            raise (NotInScope if exists else Http404)(_("没有找到该文件，或您无权查看。"))
        return item

    def _redaction(self, request, redaction_id) -> FileRedaction:
        # A typed or mangled address ("x", "1/change/widgets.css") is "not found", never an error.
        if not str(redaction_id).isdigit():
            raise Http404(_("没有找到该遮盖记录，或您无权查看。"))
        redaction = self.get_queryset(request).filter(pk=redaction_id).first()
        if redaction is None:
            exists = FileRedaction.objects.filter(pk=redaction_id).exists()
            raise (NotInScope if exists else Http404)(_("没有找到该遮盖记录，或您无权查看。"))
        return redaction

    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    # --- The redaction page ---

    def redact_view(self, request, content_type_id, object_id):
        item = self._item(request, content_type_id, object_id)
        source = services.source_for(item)
        back = source.owner_url(item)
        try:
            source.check(item, request.user)
        except ActionRefused as error:
            return TemplateResponse(request, "admin/workflow/refused.html", self._context(
                request, message=str(error), change_url=back, title=_("遮盖处理")), status=403)
        except StateConflict as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(back)
        if not services.is_pdf(item):
            messages.error(request, _("只有PDF文件可以做遮盖处理。其他格式请转换为PDF后上传，或删除文件中的相应内容。"))
            return HttpResponseRedirect(back)
        error, boxes = "", []
        if request.method == "POST":
            try:
                boxes = json.loads(request.POST.get("boxes") or "[]")
                redaction = services.redaction_request(item=item, actor=request.user, boxes=boxes)
            except (ValueError, TypeError):
                error = _("遮盖框的格式无效。")
            except InvalidInput as refused:
                error = str(refused)
            except (ActionRefused, StateConflict) as refused:
                messages.error(request, str(refused))
                return HttpResponseRedirect(back)
            else:
                messages.success(request, _("已提交遮盖处理，正在生成公开版。"))
                return HttpResponseRedirect(reverse("admin:disclosure_fileredaction_change", args=[redaction.pk]))
        elif request.GET.get("suggest"):
            boxes = [dict(hit.box, ground=WithholdingGround.PERSONAL_PRIVACY)
                     for hit in checks.scan_stored(item, item.original_name, checks.rules()).hits if hit.box]
        else:
            current = services.current_redaction(item)
            if current is not None:
                boxes = current.boxes  # start from the last redaction: redo, not begin again
        if not isinstance(boxes, list):
            boxes = []
        context = self._context(
            request, title=_("遮盖处理：%(name)s") % {"name": item.original_name}, item=item, back_url=back,
            owner_label=source.owner_label(item), error=error,
            source_url=reverse("admin:disclosure_fileredaction_source", args=[content_type_id, object_id]),
            grounds=[[value, str(label)] for value, label in WithholdingGround.choices],
            default_ground=WithholdingGround.PERSONAL_PRIVACY, suggested=boxes,
            max_pages=services.max_pages(), dpi=services.dpi(), current=services.current_redaction(item),
            js_text=_editor_text(),
        )
        return TemplateResponse(request, "admin/disclosure/redaction/redact.html", context)

    def source_file_view(self, request, content_type_id, object_id):
        item = self._item(request, content_type_id, object_id)
        response = file_response(item)
        response["Cache-Control"] = "no-store"
        return response

    # --- A redaction: progress, then the original beside the released copy ---

    def change_view(self, request, object_id, form_url="", extra_context=None):
        redaction = self._redaction(request, object_id)
        if redaction.state == R.RUNNING and redaction.heartbeat_at and (
                timezone.now() - redaction.heartbeat_at > services.STALE_AFTER):
            services.redactions_recover()
            redaction.refresh_from_db()
        item = redaction.source
        source = services.source_for(item) if item is not None else None
        current = services.current_redaction(item) if item is not None else None
        by_page: dict[int, list[dict]] = {}
        for number, box in enumerate(redaction.boxes, start=1):
            ground = box.get("ground", "")
            label = WithholdingGround(ground).label if ground in WithholdingGround.values else "—"
            by_page.setdefault(int(box["page"]), []).append({"n": number, "ground": label})
        context = self._context(
            request, title=_("遮盖处理：%(name)s") % {"name": redaction.source_name}, redaction=redaction,
            item=item, back_url=source.owner_url(item) if source else "", by_page=sorted(by_page.items()),
            is_current=current is not None and current.pk == redaction.pk,
            may_change=bool(source) and _may(source.check, item, request.user),
            running=redaction.state in (R.PENDING, R.RUNNING),
            original_url=reverse("admin:disclosure_fileredaction_file", args=[redaction.pk, "original"]),
            released_url=reverse("admin:disclosure_fileredaction_file", args=[redaction.pk, "released"]),
            redo_url=redact_url(item) if item is not None else "", js_text=_editor_text(),
            summary=services.summary_line(redaction),
        )
        return TemplateResponse(request, "admin/disclosure/redaction/status.html", context)

    def file_view(self, request, redaction_id, which):
        redaction = self._redaction(request, redaction_id)
        if which == "original":
            item = redaction.source
            if item is None or item.sha256 != redaction.source_sha256:
                raise Http404
            response = file_response(item)
        elif which == "released" and redaction.state == R.DONE:
            response = file_response(redaction)
        else:
            raise Http404
        response["Cache-Control"] = "no-store"
        return response

    def withdraw_view(self, request, redaction_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        redaction = self._redaction(request, redaction_id)
        try:
            services.redaction_withdraw(redaction=redaction, actor=request.user)
        except (ActionRefused, StateConflict, InvalidInput) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已撤回遮盖：公开时将使用原文件，或请重新做遮盖处理。"))
        item = redaction.source
        return HttpResponseRedirect(services.source_for(item).owner_url(item) if item else reverse("admin:index"))

    # --- The personal-data check of a record or a reply ---

    def check_view(self, request, content_type_id, object_id):
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            raise Http404 from None
        target = checks.targets().get(model)
        if target is None:
            raise Http404
        obj = target.visible(request.user).filter(pk=object_id).first()
        if obj is None:
            exists = model._default_manager.filter(pk=object_id).exists()
            raise (NotInScope if exists else Http404)(_("没有找到该事项，或您无权查看。"))
        error = ""
        if request.method == "POST":
            try:
                checks.clearance_record(target_obj=obj, actor=request.user,
                                        fingerprints=request.POST.getlist("fingerprint"),
                                        reason=request.POST.get("reason", ""))
            except (InvalidInput, StateConflict, ActionRefused) as refused:
                error = str(refused)
            else:
                messages.success(request, _("已记录理由。"))
                return HttpResponseRedirect(request.path)
        scan = checks.scan_target(obj, target=target)
        context = self._context(
            request, title=_("个人信息和错敏词检查：%(obj)s") % {"obj": obj}, obj=obj, scan=scan, error=error,
            back_url=target.url(obj), may_clear=_may(target.check_clear, obj, request.user),
            parts=_part_rows(scan, request.user),
        )
        return TemplateResponse(request, "admin/disclosure/redaction/check.html", context)


def _part_rows(scan, user) -> list[dict]:
    rows = []
    for part in scan.parts:
        status = redaction_status(part.item, user) if part.item is not None else None
        rows.append({
            "part": part,
            "hits": [{"hit": hit, "cleared": scan.clearances.get(hit.fingerprint, [])} for hit in part.hits],
            "status": status,
            "suggest_url": redact_url(part.item, suggest=True) if status and status["may_redact"] and any(
                h.box for h in part.hits) else "",
        })
    return rows


def _editor_text() -> dict:
    return {
        "box": _("遮盖框 %(n)s"), "boxOnPage": _("框 %(n)s · 第 %(page)s 页"), "groundOf": _("框 %(n)s 的依据"),
        "remove": _("删除"), "removeBox": _("删除框 %(n)s"), "show": _("查看"),
        "page": _("第 %(page)s 页"), "originalPage": _("原件 第 %(page)s 页"), "releasedPage": _("公开版 第 %(page)s 页"),
        "loaded": _("共 %(pages)s 页。"), "failed": _("无法在浏览器中显示该PDF文件。"),
    }


@admin.register(SensitiveWord)
class SensitiveWordAdmin(HistoryAdmin):
    """The disclosure office's list of wording not to publish (错敏词); every record and reply is
    checked against it before it goes out."""

    list_display = ["word", "correct", "note", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["word", "correct"]

    def has_delete_permission(self, request, obj=None):
        return False  # switch "在用" off instead: the history says what was checked when


@admin.register(PersonalDataClearance)
class PersonalDataClearanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every reason given for letting a hit of the personal-data check stand: who, when, why."""

    list_display = ["at", "target_label", "kind", "shown_value", "reason", "actor", "acted_as"]
    list_filter = ["kind"]
    date_hierarchy = "at"
    list_select_related = ["actor", "target_type"]
    actions = None

    def get_queryset(self, request):
        visible = {model: target.visible(request.user) for model, target in checks.targets().items()}
        return super().get_queryset(request).filter(_of_visible("target", visible))

    @admin.display(description=gettext_lazy("事项"))
    def target_label(self, obj):
        return str(obj.target) if obj.target is not None else "—"


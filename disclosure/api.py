"""The read-only open data API: serializers, filters and viewsets.

Every queryset starts from `records_published()` or `catalogue_listed()`. Links to other
versions are given only when that version is itself published, so no id of a scheduled,
unpublished or revoked record leaves through them. The body and the attachments are given only
for 主动公开 records, never for 依申请公开 ones.

Lists cost the same on every page (issue #22): they are paged by a cursor on the ordering
(published_at, id), read from an index, never by an offset; `?page=` still works for the first
PAGE_LIMIT pages. A list row carries no body unless `?fields=` asks for it (each row links to its
detail), the links to other versions are checked in one query per page, and the total `count`
is kept per public content version and filter.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.pagination import BasePagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from disclosure import selectors
from disclosure.interpretation_models import Interpretation
from disclosure.models import (
    Attachment,
    CatalogueCategory,
    CatalogueEntry,
    DisclosureAttribute,
    DocumentType,
    Record,
    Validity,
)
from portal.models import Office
from portal.pagecache import cache_public_page, count_per_version
from portal.templatetags.portal_tags import url_around_id

# --- Serializers ------------------------------------------------------------------------------


class SparseFieldsMixin:
    """Only the fields named in the context's `fields` (the view reads them from `?fields=`)."""

    def get_fields(self):
        fields = super().get_fields()
        wanted = self.context.get("fields")
        if wanted is None:
            return fields
        return {name: field for name, field in fields.items() if name in wanted}


class CategoryRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = CatalogueCategory
        fields = ["code", "name"]


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("上级分类代码"))

    class Meta:
        model = CatalogueCategory
        fields = ["code", "name", "parent", "legal_basis"]


class AttachmentSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="display_title", help_text=_("附件标题"))
    name = serializers.CharField(source="original_name", help_text=_("原文件名"))
    url = serializers.SerializerMethodField(help_text=_("公开下载地址"))

    class Meta:
        model = Attachment
        fields = ["title", "name", "size", "content_type", "url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, attachment: Attachment) -> str:
        return _row_url(self.context, "disclosure:attachment", attachment.pk)


class LinkedRecordSerializer(serializers.Serializer):
    """A record at the other end of a 政策解读 link (issue #19)."""

    id = serializers.IntegerField(help_text=_("政府信息编号"))
    title = serializers.CharField(help_text=_("标题"))
    url = serializers.SerializerMethodField(help_text=_("公开页面地址"))

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, record: Record) -> str:
        return _row_url(self.context, "disclosure:record", record.pk)


class RecordSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    office = serializers.CharField(source="office.name", help_text=_("发布机构名称"))
    office_id = serializers.IntegerField(help_text=_("发布机构编号，可用于 office 筛选"))
    category = CategoryRefSerializer()
    url = serializers.SerializerMethodField(help_text=_("公开页面地址"))
    api_url = serializers.SerializerMethodField(help_text=_("本条信息在接口中的地址（含正文和附件）"))
    body = serializers.SerializerMethodField(
        help_text=_("正文（HTML）；仅主动公开的信息提供，其余为 null。列表中仅在 fields 参数列出时提供"))
    attachments = serializers.SerializerMethodField(
        help_text=_("附件；仅主动公开的信息提供，其余为空列表。列表中仅在 fields 参数列出时提供"))
    previous_version = serializers.IntegerField(
        source="public_previous_version_id", allow_null=True, help_text=_("上一版本的编号（已公开时）")
    )
    superseded_by = serializers.IntegerField(
        source="public_superseded_by_id", allow_null=True, help_text=_("替代本版本的新版本编号（已公开时）")
    )
    interpretations = serializers.SerializerMethodField(help_text=_("本文件的政策解读（已公开的）"))
    interprets = serializers.SerializerMethodField(help_text=_("本解读所解读的政策文件（原文）"))
    video_url = serializers.SerializerMethodField(help_text=_("视频解读链接；没有时为 null"))

    class Meta:
        model = Record
        fields = [
            "id", "index_number", "title", "summary", "office", "office_id", "category", "document_number",
            "document_type", "date_formed", "published_at", "validity", "attribute", "url", "api_url", "body",
            "attachments", "previous_version", "superseded_by", "interpretations", "interprets", "video_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, record: Record) -> str:
        return _row_url(self.context, "disclosure:record", record.pk)

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, record: Record) -> str:
        return _row_url(self.context, "api:record-detail", record.pk)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_body(self, record: Record) -> str | None:
        return record.body if record.shows_body else None

    @extend_schema_field(LinkedRecordSerializer(many=True))
    def get_interpretations(self, record: Record) -> list:
        # Prefetched by the view set: the links whose interpretation is published.
        return self._linked([link.interpretation for link in record.public_interpretation_links])

    @extend_schema_field(LinkedRecordSerializer(many=True))
    def get_interprets(self, record: Record) -> list:
        return self._linked([link.policy for link in record.public_interprets_links])

    def _linked(self, records: list[Record]) -> list:
        # Most records have no link: a serializer made for none cost a fifth of a list row.
        return LinkedRecordSerializer(records, many=True, context=self.context).data if records else []

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_video_url(self, record: Record) -> str | None:
        return record.video_url or None

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, record: Record) -> list:
        if not record.shows_body:
            return []
        return AttachmentSerializer(record.attachments.all(), many=True, context=self.context).data


class CatalogueEntrySerializer(SparseFieldsMixin, serializers.ModelSerializer):
    office = serializers.CharField(source="office.name", help_text=_("发布机构名称"))
    office_id = serializers.IntegerField(help_text=_("发布机构编号，可用于 office 筛选"))
    category = CategoryRefSerializer()
    record_id = serializers.IntegerField(help_text=_("政府信息编号，见 /api/records/{id}/"))
    record_url = serializers.SerializerMethodField(help_text=_("公开页面地址"))

    class Meta:
        model = CatalogueEntry
        fields = [
            "id", "index_number", "title", "summary", "office", "office_id", "category", "date_formed",
            "published_at", "attribute", "validity", "record_id", "record_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_record_url(self, entry: CatalogueEntry) -> str:
        return _row_url(self.context, "disclosure:record", entry.record_id)


def _absolute(context: dict, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def _row_url(context: dict, view_name: str, pk: int) -> str:
    """`_absolute(context, reverse(view_name, args=[pk]))`, reversed and made absolute once per
    answer (the serializers of a page share its context): for a page of 100 records, reversing
    and building the two links of each row took 45% of the time (issue #22)."""
    key = ("row_url", view_name)
    parts = context.get(key)
    if parts is None:
        head, tail = url_around_id(view_name)
        parts = context[key] = (_absolute(context, head), tail)
    return f"{parts[0]}{int(pk)}{parts[1]}"


# --- Filters ----------------------------------------------------------------------------------


class YearFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class _PublicFilterSet(filters.FilterSet):
    """The filters of the catalogue page, and a few more. A bad value is a 400, never a 500."""

    category = filters.ModelChoiceFilter(
        queryset=CatalogueCategory.objects.filter(is_active=True),
        to_field_name="code",
        method="filter_category",
        label=_("主题分类代码（含下级分类），例如 m5-2"),
    )
    office = filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("发布机构编号"))
    year = YearFilter(field_name="published_at", lookup_expr="year", min_value=1000, max_value=9999,
                      label=_("发布年份"))
    attribute = filters.ChoiceFilter(choices=DisclosureAttribute.choices, label=_("公开属性"))
    validity = filters.ChoiceFilter(choices=Validity.choices, label=_("有效性"))
    # Compared with the moments the days begin in the agency's time zone, not by the date of each
    # row's timestamp: the same days, and the ordering index can serve the range.
    published_after = filters.DateFilter(method="filter_published_after", label=_("发布日期不早于（YYYY-MM-DD）"))
    published_before = filters.DateFilter(method="filter_published_before", label=_("发布日期不晚于（YYYY-MM-DD）"))

    def filter_published_after(self, queryset: QuerySet, name: str, day: dt.date) -> QuerySet:
        if day <= dt.date(1, 1, 2):  # the first days of year 1 have no UTC moment to compare with
            return queryset
        return queryset.filter(published_at__gte=_day_begins(day))

    def filter_published_before(self, queryset: QuerySet, name: str, day: dt.date) -> QuerySet:
        if day >= dt.date(9999, 12, 30):  # nor the last ones of year 9999
            return queryset
        return queryset.filter(published_at__lt=_day_begins(day + dt.timedelta(days=1)))

    def filter_category(self, queryset: QuerySet, name: str, category: CatalogueCategory) -> QuerySet:
        return queryset.filter(category_id__in=selectors.category_subtree_ids(category))


def _day_begins(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class RecordFilterSet(_PublicFilterSet):
    document_type = filters.ChoiceFilter(choices=DocumentType.choices, label=_("文件类型"))

    class Meta:
        model = Record
        fields = []


class CatalogueEntryFilterSet(_PublicFilterSet):
    document_type = filters.ChoiceFilter(field_name="record__document_type", choices=DocumentType.choices,
                                         label=_("文件类型"))

    class Meta:
        model = CatalogueEntry
        fields = []


# --- Viewsets ---------------------------------------------------------------------------------


# Pages a client may still ask for by number (`?page=`), for compatibility with the first version
# of the API; beyond, `next` links (a cursor) page through the rest at the same cost as page 1.
PAGE_LIMIT = 50


class KeysetPagination(BasePagination):
    """Newest first, paged by a cursor on (published_at, id) — the position of the last row
    shown, read from the ordering index — so the 5,000th page costs what the first does. An
    offset (`?page=N`) is kept for the first PAGE_LIMIT pages; its `next` link is a cursor.

    The answer keeps the shape of the first version: `count`, `next`, `previous`, `results`."""

    page_size = 20
    max_page_size = 100
    cursor_query_param = "cursor"
    page_query_param = "page"
    page_size_query_param = "page_size"
    key = "published_at"

    def paginate_queryset(self, queryset, request, view=None):
        self.request, self.view = request, view
        self.size = self._page_size(request)
        self.count = self._count(queryset, request, view)
        self.number = None
        size = self.size
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor is not None:
            moment, pk, backwards = self._decode(cursor)
            if backwards:
                rows = list(queryset.filter(
                    Q(**{f"{self.key}__gte": moment}), Q(**{f"{self.key}__gt": moment}) | Q(pk__gt=pk),
                ).order_by(self.key, "pk")[: size + 1])
                self.has_previous, self.has_next = len(rows) > size, True
                rows = rows[:size][::-1]
            else:
                # The list read afresh up to the cursor, when the view can (`listed`): its own bound
                # "published by now" stayed beside the cursor's, and SQLite walks the index from one
                # upper bound only — from now, through every row newer than the cursor (17 ms at
                # half of 100,000 records, against 0.3 ms for the first page).
                if hasattr(view, "listed"):
                    queryset = view.filter_queryset(view.listed(published_until=moment))
                rows = list(self._ordered(queryset.filter(
                    Q(**{f"{self.key}__lte": moment}), Q(**{f"{self.key}__lt": moment}) | Q(pk__lt=pk),
                ))[: size + 1])
                self.has_previous, self.has_next = True, len(rows) > size
                rows = rows[:size]
        else:
            self.number = self._page_number(request)
            offset = (self.number - 1) * size
            rows = list(self._ordered(queryset)[offset: offset + size + 1])
            if not rows and self.number > 1:
                raise NotFound(_("该页不存在。"))
            self.has_previous, self.has_next = self.number > 1, len(rows) > size
            rows = rows[:size]
        self.rows = rows
        return rows

    def _ordered(self, queryset):
        return queryset.order_by(f"-{self.key}", "-pk")

    def _page_size(self, request) -> int:
        value = request.query_params.get(self.page_size_query_param, "")
        if value.isascii() and value.isdigit() and len(value) < 10 and int(value) > 0:
            return min(int(value), self.max_page_size)
        return self.page_size

    def _page_number(self, request) -> int:
        value = request.query_params.get(self.page_query_param)
        if value is None:
            return 1
        if not (value.isascii() and value.isdigit() and len(value) < 10 and int(value) >= 1):
            raise NotFound(_("该页不存在。"))
        if int(value) > PAGE_LIMIT:
            raise NotFound(_("按页码最多可查看前 %(n)d 页；请从第一页起使用 next 链接（cursor 参数）继续翻页。")
                           % {"n": PAGE_LIMIT})
        return int(value)

    # --- The cursor: opaque to clients; the last row's key and id, and the direction ---

    def _encode(self, row, backwards: bool) -> str:
        moment = getattr(row, self.key)
        raw = f"{'p' if backwards else 'n'}|{moment.isoformat()}|{row.pk}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def _decode(self, cursor: str) -> tuple[dt.datetime, int, bool]:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            direction, moment, pk = raw.split("|")
            moment = dt.datetime.fromisoformat(moment)
            if (direction not in ("n", "p") or moment.tzinfo is None or not 1900 <= moment.year <= 9000
                    or not (pk.isascii() and pk.isdigit() and len(pk) < 19)):
                raise ValueError
            return moment, int(pk), direction == "p"
        except (ValueError, UnicodeDecodeError, binascii.Error):
            raise NotFound(_("翻页标记（cursor）无效，请从第一页起使用 next 链接翻页。")) from None

    def _link(self, **params) -> str:
        url = self.request.build_absolute_uri()
        for name in (self.cursor_query_param, self.page_query_param):
            url = remove_query_param(url, name)
        for name, value in params.items():
            url = replace_query_param(url, name, value)
        return url

    def get_next_link(self) -> str | None:
        if not (self.has_next and self.rows):
            return None
        return self._link(cursor=self._encode(self.rows[-1], backwards=False))

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if self.number is not None:  # paged by number: the page before, by number
            return self._link() if self.number == 2 else self._link(page=self.number - 1)
        if not self.rows:
            return None
        return self._link(cursor=self._encode(self.rows[0], backwards=True))

    # --- The total: counted once per content version and filter ---

    def _count(self, queryset, request, view) -> int:
        """What the list holds in all, as before. Counting every row of a large table on each
        request would cost more than the page itself; the count changes only with the public
        content version (which also names the next scheduled publication), so it is kept under
        that version and the list's filters (the query's other parameters do not change it)."""
        names = sorted(set(request.query_params) & set(view.filterset_class.base_filters))
        filters_key = urlencode([(name, request.query_params.get(name)) for name in names])
        return count_per_version(queryset, f"api:{view.basename}:{filters_key}")

    def get_paginated_response(self, data):
        return Response({"count": self.count, "next": self.get_next_link(), "previous": self.get_previous_link(),
                         "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123, "description": str(_("符合条件的总条数"))},
                "next": {"type": "string", "nullable": True, "format": "uri",
                         "description": str(_("下一页的地址（cursor 翻页）；最后一页为 null"))},
                "previous": {"type": "string", "nullable": True, "format": "uri",
                             "description": str(_("上一页的地址；第一页为 null"))},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.cursor_query_param, "required": False, "in": "query", "schema": {"type": "string"},
             "description": str(_("翻页标记：取自上一次返回的 next 或 previous 链接，不必自行构造。任何一页的耗时与第一页相同。"))},
            {"name": self.page_query_param, "required": False, "in": "query",
             "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_LIMIT},
             "description": str(_("页码（兼容旧用法），最多 %(n)d 页；更后面的页请沿 next 链接翻页。") % {"n": PAGE_LIMIT})},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
             "description": str(_("每页条数，默认20，最多100"))},
        ]


FIELDS_PARAMETER = OpenApiParameter(
    "fields", str, required=False,
    description=_("只返回这些字段，用英文逗号分隔，例如 id,title,body。列表默认不含 body 和 attachments，"
                  "需要时在此列出，或沿每条的 api_url 取详情。"),
)


class _PublicReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Anonymous and read-only. An unknown id is a JSON 404 without the model's name."""

    authentication_classes = []
    permission_classes = [AllowAny]
    pagination_class = KeysetPagination
    filter_backends = [filters.DjangoFilterBackend]
    # Fields a list row leaves out unless `?fields=` names them (a detail has them all).
    list_omits: tuple[str, ...] = ()

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise NotFound(_("未找到。")) from None

    def wanted_fields(self) -> set[str] | None:
        """The fields this answer gives: `?fields=`, checked against the serializer's; by default
        all of them, less `list_omits` in a list."""
        available = list(self.get_serializer_class()().fields)
        asked = self.request.query_params.get("fields") if self.request is not None else None
        if asked is None or not asked.strip():
            if self.action == "list" and self.list_omits:
                return {name for name in available if name not in self.list_omits}
            return None
        names = {name.strip() for name in asked.split(",") if name.strip()}
        if unknown := names - set(available):
            raise ParseError(_("fields 参数中有未知字段：%(unknown)s。可用字段：%(available)s。") % {
                "unknown": ", ".join(sorted(unknown))[:200], "available": ", ".join(available)})
        return names

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False) or self.request is None:
            return context
        if "fields" not in context:
            context["fields"] = self.wanted_fields()
        return context


# The description in each visitor's language (a docstring would stay untranslated).
@extend_schema(description=_("已公开的政府信息（新版本发布后，旧版本仍可查看，并以 superseded_by 指向新版本）。"))
@extend_schema_view(list=extend_schema(parameters=[FIELDS_PARAMETER]),
                    retrieve=extend_schema(parameters=[FIELDS_PARAMETER]))
class RecordViewSet(_PublicReadOnlyViewSet):
    """已公开的政府信息（新版本发布后，旧版本仍可查看，并以 superseded_by 指向新版本）。"""

    serializer_class = RecordSerializer
    filterset_class = RecordFilterSet
    list_omits = ("body", "attachments")

    def get_queryset(self) -> QuerySet[Record]:
        return self.listed()

    def listed(self, *, published_until: dt.datetime | None = None) -> QuerySet[Record]:
        """The published records, newest first; `published_until`: those published by then (the
        pagination's cursor)."""
        queryset = (selectors.records_published(published_until=published_until).select_related("office", "category")
                    .order_by("-published_at", "-pk"))
        if getattr(self, "swagger_fake_view", False) or self.request is None:
            return queryset
        fields = self.wanted_fields()
        if fields is not None and "body" not in fields:
            queryset = queryset.defer("body")  # a list row of 20 does not carry 20 bodies from the table
        return queryset

    def _complete(self, records: list[Record]) -> None:
        """What a page of records needs besides its rows: the public links to other versions in
        one query (selectors.records_public_links), the attachments in one more when asked for."""
        selectors.records_public_links(records)
        fields = self.get_serializer_context()["fields"]
        if fields is None or "attachments" in fields:
            prefetch_related_objects([r for r in records if r.shows_body], "attachments")
        # 政策解读 (issue #19): both ends must be public; one query for each direction asked for,
        # reading only what a link shows (the linked records' bodies were read for every page).
        if fields is None or "interpretations" in fields:
            prefetch_related_objects(records, Prefetch(
                "interpretation_links", to_attr="public_interpretation_links",
                queryset=Interpretation.objects.filter(selectors.published_through("interpretation"))
                .select_related("interpretation").only("policy", "interpretation__title")
                .order_by("interpretation__published_at", "pk")))
        if fields is None or "interprets" in fields:
            prefetch_related_objects(records, Prefetch(
                "interprets_links", to_attr="public_interprets_links",
                queryset=Interpretation.objects.filter(selectors.published_through("policy", revoked=True))
                .select_related("policy").only("interpretation", "policy__title")
                .order_by("policy__published_at", "pk")))

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        self._complete(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        self._complete([record])
        return Response(self.get_serializer(record).data)


@extend_schema(description=_("政府信息公开目录：现行有效版本的目录条目。详情可按索引号或编号查询。"))
@extend_schema_view(list=extend_schema(parameters=[FIELDS_PARAMETER]),
                    retrieve=extend_schema(parameters=[FIELDS_PARAMETER]))
class CatalogueViewSet(_PublicReadOnlyViewSet):
    """政府信息公开目录：现行有效版本的目录条目。详情可按索引号或编号查询。"""

    serializer_class = CatalogueEntrySerializer
    filterset_class = CatalogueEntryFilterSet
    lookup_field = "index_number"
    lookup_value_regex = r"[^?#]+"  # index numbers contain "/" (e.g. 11220000013544357T/2026-00001)

    def get_queryset(self) -> QuerySet[CatalogueEntry]:
        return self.listed()

    def listed(self, *, published_until: dt.datetime | None = None) -> QuerySet[CatalogueEntry]:
        """The listed entries, newest first; `published_until` as `RecordViewSet.listed`."""
        return selectors.catalogue_listed(published_until=published_until).order_by("-published_at", "-pk")

    def get_object(self) -> CatalogueEntry:
        key = self.kwargs[self.lookup_field]
        entries = self.filter_queryset(self.get_queryset())
        entry = entries.filter(index_number=key).first()
        if entry is None and re.fullmatch(r"[0-9]{1,18}", key):
            entry = entries.filter(pk=int(key)).first()
        if entry is None:
            raise NotFound(_("未找到。"))
        self.check_object_permissions(self.request, entry)
        return entry


@extend_schema(description=_("在用的目录分类。"))
class CategoryViewSet(_PublicReadOnlyViewSet):
    """在用的目录分类。"""

    serializer_class = CategorySerializer
    lookup_field = "code"
    pagination_class = None
    filter_backends = []

    def get_queryset(self) -> QuerySet[CatalogueCategory]:
        return CatalogueCategory.objects.filter(is_active=True).select_related("parent").order_by("sort_order", "code")


# --- Documentation: a page rendered here from the OpenAPI schema ------------------------------
# No Swagger UI or ReDoc: both inject inline styles that a strict Content-Security-Policy
# forbids, and the portal loads nothing it did not write itself.

_guide_cache: dict[str, list] = {}


def _operations() -> list[dict]:
    """Every GET operation of the schema with its parameters, for the guide page (built once
    per language: the descriptions are translated when the schema is generated)."""
    language = get_language() or settings.LANGUAGE_CODE
    if language not in _guide_cache:
        from drf_spectacular.generators import SchemaGenerator

        schema = SchemaGenerator(patterns=None).get_schema(request=None, public=True)
        operations = []
        for path_, methods in schema["paths"].items():
            for method, operation in methods.items():
                operations.append({
                    "method": method.upper(), "path": path_, "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {"name": p["name"], "where": p["in"], "required": p.get("required", False),
                         "type": p.get("schema", {}).get("type", ""), "description": p.get("description", "")}
                        for p in operation.get("parameters", [])
                    ],
                })
        _guide_cache[language] = operations
    return _guide_cache[language]


@cache_public_page
def api_guide(request):
    return render(request, "disclosure/api_guide.html", {"operations": _operations(), "page_limit": PAGE_LIMIT})

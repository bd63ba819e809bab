"""The read-only open data API: serializers, filters and viewsets.

Every queryset starts from `records_published()` or `catalogue_listed()`. Links to other
versions are given only when that version is itself published, so no id of a scheduled,
unpublished or revoked record leaves through them. The body and the attachments are given only
for 主动公开 records, never for 依申请公开 ones.
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

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
from portal.pagecache import cache_public_page

# --- Serializers ------------------------------------------------------------------------------


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
        return _absolute(self.context, reverse("disclosure:attachment", args=[attachment.pk]))


class LinkedRecordSerializer(serializers.Serializer):
    """A record at the other end of a 政策解读 link (issue #19)."""

    id = serializers.IntegerField(help_text=_("政府信息编号"))
    title = serializers.CharField(help_text=_("标题"))
    url = serializers.SerializerMethodField(help_text=_("公开页面地址"))

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, record: Record) -> str:
        return _absolute(self.context, record.get_absolute_url())


class RecordSerializer(serializers.ModelSerializer):
    office = serializers.CharField(source="office.name", help_text=_("发布机构名称"))
    office_id = serializers.IntegerField(help_text=_("发布机构编号，可用于 office 筛选"))
    category = CategoryRefSerializer()
    url = serializers.SerializerMethodField(help_text=_("公开页面地址"))
    body = serializers.SerializerMethodField(help_text=_("正文（HTML）；仅主动公开的信息提供，其余为 null"))
    attachments = serializers.SerializerMethodField(help_text=_("附件；仅主动公开的信息提供，其余为空列表"))
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
            "document_type", "date_formed", "published_at", "validity", "attribute", "url", "body", "attachments",
            "previous_version", "superseded_by", "interpretations", "interprets", "video_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, record: Record) -> str:
        return _absolute(self.context, record.get_absolute_url())

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_body(self, record: Record) -> str | None:
        return record.body if record.shows_body else None

    @extend_schema_field(LinkedRecordSerializer(many=True))
    def get_interpretations(self, record: Record) -> list:
        # Prefetched by the view set: the links whose interpretation is published.
        return LinkedRecordSerializer([link.interpretation for link in record.public_interpretation_links],
                                      many=True, context=self.context).data

    @extend_schema_field(LinkedRecordSerializer(many=True))
    def get_interprets(self, record: Record) -> list:
        return LinkedRecordSerializer([link.policy for link in record.public_interprets_links],
                                      many=True, context=self.context).data

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_video_url(self, record: Record) -> str | None:
        return record.video_url or None

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, record: Record) -> list:
        if not record.shows_body:
            return []
        return AttachmentSerializer(record.attachments.all(), many=True, context=self.context).data


class CatalogueEntrySerializer(serializers.ModelSerializer):
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
        return _absolute(self.context, reverse("disclosure:record", args=[entry.record_id]))


def _absolute(context: dict, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


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
    published_after = filters.DateFilter(field_name="published_at", lookup_expr="date__gte",
                                         label=_("发布日期不早于（YYYY-MM-DD）"))
    published_before = filters.DateFilter(field_name="published_at", lookup_expr="date__lte",
                                          label=_("发布日期不晚于（YYYY-MM-DD）"))

    def filter_category(self, queryset: QuerySet, name: str, category: CatalogueCategory) -> QuerySet:
        return queryset.filter(category_id__in=selectors.category_subtree_ids(category))


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


class PublicPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class _PublicReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Anonymous and read-only. An unknown id is a JSON 404 without the model's name."""

    authentication_classes = []
    permission_classes = [AllowAny]
    pagination_class = PublicPagination
    filter_backends = [filters.DjangoFilterBackend]

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise NotFound(_("未找到。")) from None


# The description in each visitor's language (a docstring would stay untranslated).
@extend_schema(description=_("已公开的政府信息（新版本发布后，旧版本仍可查看，并以 superseded_by 指向新版本）。"))
class RecordViewSet(_PublicReadOnlyViewSet):
    """已公开的政府信息（新版本发布后，旧版本仍可查看，并以 superseded_by 指向新版本）。"""

    serializer_class = RecordSerializer
    filterset_class = RecordFilterSet

    def get_queryset(self) -> QuerySet[Record]:
        published = selectors.records_published().order_by()
        return (
            selectors.records_published()
            .select_related("office", "category")
            .prefetch_related(
                "attachments",
                # 政策解读 (issue #19): both ends must be public.
                Prefetch("interpretation_links", to_attr="public_interpretation_links",
                         queryset=Interpretation.objects.filter(interpretation__in=selectors.records_published())
                         .select_related("interpretation").order_by("interpretation__published_at", "pk")),
                Prefetch("interprets_links", to_attr="public_interprets_links",
                         queryset=Interpretation.objects.filter(policy__in=selectors.records_public_pages())
                         .select_related("policy").order_by("policy__published_at", "pk")),
            )
            .annotate(
                public_previous_version_id=Subquery(published.filter(pk=OuterRef("previous_version_id")).values("pk")),
                public_superseded_by_id=Subquery(published.filter(pk=OuterRef("superseded_by_id")).values("pk")),
            )
            .order_by("-published_at", "-pk")
        )


@extend_schema(description=_("政府信息公开目录：现行有效版本的目录条目。详情可按索引号或编号查询。"))
class CatalogueViewSet(_PublicReadOnlyViewSet):
    """政府信息公开目录：现行有效版本的目录条目。详情可按索引号或编号查询。"""

    serializer_class = CatalogueEntrySerializer
    filterset_class = CatalogueEntryFilterSet
    lookup_field = "index_number"
    lookup_value_regex = r"[^?#]+"  # index numbers contain "/" (e.g. 11220000013544357T/2026-00001)

    def get_queryset(self) -> QuerySet[CatalogueEntry]:
        return selectors.catalogue_listed().order_by("-published_at", "-pk")

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
    return render(request, "disclosure/api_guide.html", {"operations": _operations()})

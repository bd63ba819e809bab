"""/api/: the read-only open data API, its OpenAPI schema and documentation pages."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from disclosure import api

app_name = "api"

router = DefaultRouter()
router.include_format_suffixes = False  # index numbers may contain dots; JSON only anyway
router.register("records", api.RecordViewSet, basename="record")
router.register("catalogue", api.CatalogueViewSet, basename="catalogue")
router.register("categories", api.CategoryViewSet, basename="category")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api.api_guide, name="docs"),
    *router.urls,
]

"""Root URLs: the only module besides settings that names all four apps."""

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from disclosure.sitemaps import SITEMAPS
from portal import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("preferences/", views.display_preferences, name="display_preferences"),
    path("healthz", views.health, name="health"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("api/", include("disclosure.api_urls")),
    path("apply/", include("applications.urls")),
    path("interact/", include("complaints.urls")),
    path("", include("disclosure.urls")),
]

handler404 = "portal.views.not_found"
handler500 = "portal.views.server_error"

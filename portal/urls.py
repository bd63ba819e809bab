"""Root URLs: the only module besides settings that names all four apps."""

from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from disclosure.sitemaps import SITEMAPS
from portal import views

urlpatterns = [
    path("admin/", admin.site.urls),
    # Choosing a language only sets a cookie; exempt from CSRF so that public pages carry no
    # per-visitor token and can be cached whole (see portal/pagecache.py).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("preferences/", views.display_preferences, name="display_preferences"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # An index of sections, each paginated at 50,000 URLs (?p=2 …), so every record is reachable.
    path("sitemap.xml", sitemaps.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
         name="sitemap"),
    path("sitemap-<section>.xml", sitemaps.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("api/", include("disclosure.api_urls")),
    path("apply/", include("applications.urls")),
    path("interact/", include("complaints.urls")),
    path("my-cases/", include("portal.own_cases.urls")),  # issue #18: one-time link to one's own cases
    # Public statistics of all three kinds of case and of records: complaints, the rightmost app,
    # is the one that may read all of them (CONTRIBUTING.md, Layers).
    path("statistics/", include("complaints.statistics_urls")),
    path("", include("disclosure.urls")),
]

handler404 = "portal.views.not_found"
handler500 = "portal.views.server_error"

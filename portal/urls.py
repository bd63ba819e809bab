"""Root URLs: the only module besides settings that names all four apps."""

from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.health, name="health"),
    path("apply/", include("applications.urls")),
    path("interact/", include("complaints.urls")),
    path("", include("disclosure.urls")),
]

handler404 = "portal.views.not_found"
handler500 = "portal.views.server_error"

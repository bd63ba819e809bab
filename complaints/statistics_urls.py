from django.urls import path

from complaints import views

app_name = "statistics"

urlpatterns = [
    path("", views.statistics_page, name="page"),
    path("statistics.csv", views.statistics_download, {"kind": "csv"}, name="csv"),
    path("statistics.xlsx", views.statistics_download, {"kind": "xlsx"}, name="xlsx"),
]

from django.urls import path

from portal.own_cases import views

app_name = "own_cases"

urlpatterns = [
    path("", views.request_link, name="request"),
    path("open/<str:token>/", views.open_link, name="open"),
    path("list/", views.case_list, name="list"),
    path("list/leave/", views.case_list_leave, name="leave"),
]

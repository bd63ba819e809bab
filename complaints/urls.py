from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.interact, name="interact"),
    path("consult/", views.consult, name="consult"),
    path("complain/", views.complain, name="complain"),
    path("faq/", views.faq, name="faq"),
    path("survey/", views.survey, name="survey"),
    path("track/", views.track, name="track"),
    path("track/<str:token>/", views.case, name="case"),
    path("track/<str:token>/rate/", views.case_rate, name="case_rate"),
]

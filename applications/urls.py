from django.urls import path

from applications import views

app_name = "applications"

urlpatterns = [
    path("", views.apply, name="apply"),
    path("track/", views.track, name="track"),
    path("hints/", views.apply_hints, name="apply_hints"),
    path("hints/<int:pk>/", views.apply_hint_follow, name="apply_hint_follow"),
    path("track/<str:token>/", views.case, name="case"),
    path("track/<str:token>/supplement/", views.case_supplement, name="case_supplement"),
    path("track/<str:token>/withdraw/", views.case_withdraw, name="case_withdraw"),
    path("track/<str:token>/rate/", views.case_rate, name="case_rate"),
    path("track/<str:token>/suggest/", views.case_suggest, name="case_suggest"),
    path("track/<str:token>/letter/", views.case_letter, name="case_letter"),
    path("track/<str:token>/letter.pdf", views.case_letter_pdf, name="case_letter_pdf"),
    path("track/<str:token>/files/<int:file_id>/", views.case_file, name="case_file"),
    path("track/<str:token>/notices/<int:notice_id>/", views.case_notice, name="case_notice"),
    path("track/<str:token>/notices/<int:notice_id>.pdf", views.case_notice_pdf, name="case_notice_pdf"),
]

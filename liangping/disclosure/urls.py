from django.urls import path

from liangping.disclosure import views

app_name = "disclosure"
urlpatterns = [
    path("", views.index, name="index"),
    path("public/<str:code>/", views.public_report, name="public"),
    path("public/<str:place>/<str:code>/", views.public_place_report, name="public_place"),
    path("<str:code>.docx", views.report_docx, name="docx"),
    path("<str:code>/", views.report, name="report"),
]

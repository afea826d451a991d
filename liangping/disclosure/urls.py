from django.urls import path

from liangping.disclosure import views

app_name = "disclosure"
urlpatterns = [
    path("", views.index, name="index"),
    path("public/<str:code>/", views.public_report, name="public"),
    path("<str:code>.docx", views.report_docx, name="docx"),
    path("<str:code>/", views.report, name="report"),
]

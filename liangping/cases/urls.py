from django.urls import path

from liangping.cases import views, views_kinds

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/act/", views.case_act, name="act"),
    path("attachments/<int:pk>/", views.case_attachment, name="attachment"),
    path("kinds/", views_kinds.kinds_admin, name="kinds"),
]

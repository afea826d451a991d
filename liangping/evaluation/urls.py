from django.urls import path

from liangping.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("scheme/", views.scheme, name="scheme"),
    path("new/", views.new_round, name="new"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/units/<int:org_pk>/", views.unit_profile, name="unit"),
    path("<int:pk>/score/<int:org_pk>/", views.score, name="score"),
    path("<int:pk>/<str:action>/", views.round_action, name="action"),
]

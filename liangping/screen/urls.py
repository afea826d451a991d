from django.urls import path

from liangping.screen import views

app_name = "screen"
urlpatterns = [
    path("", views.index, name="index"),
    path("data.json", views.data_json, name="data"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("chains/", views.chains, name="chains"),
    path("districts/", views.districts, name="districts"),
    path("services/", views.services, name="services"),
]

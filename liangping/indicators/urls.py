from django.urls import path

from liangping.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:pk>/", views.catalogue, name="edit"),
    path("districts/", views.districts, name="districts"),
]

from django.urls import path

from liangping.appeals import views_rosters

app_name = "appeals"
urlpatterns = [
    path("duty/", views_rosters.duty_page, name="duty"),
    path("duty/<int:pk>/delete/", views_rosters.duty_delete, name="duty_delete"),
    path("windows/", views_rosters.window_page, name="windows"),
    path("windows/<int:pk>/delete/", views_rosters.window_delete, name="window_delete"),
]

from django.urls import path

from liangping.appeals import views_screen

app_name = "appeals_screen"
urlpatterns = [
    path("", views_screen.screen_page, name="index"),
    path("data.json", views_screen.screen_data, name="data"),
]

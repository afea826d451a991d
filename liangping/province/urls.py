from django.urls import path

from liangping.province import views

app_name = "province"
urlpatterns = [
    path("", views.board, name="board"),
]

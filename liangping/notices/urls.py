from django.urls import path

from liangping.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("unread/", views.unread_badge, name="unread"),
    path("read-all/", views.notice_read_all, name="read_all"),
    path("<int:pk>/", views.notice_open, name="open"),
    path("<int:pk>/read/", views.notice_read, name="read"),
]

from django.urls import path

from liangping.emergency import views

app_name = "emergency"
urlpatterns = [
    path("", views.index, name="index"),
    path("duty/", views.duty, name="duty"),
    path("duty/note/", views.duty_note, name="duty_note"),
    path("roster/", views.roster, name="roster"),
    path("warnings/", views.warning_list, name="warnings"),
    path("warnings/new/", views.warning_new, name="warning_new"),
    path("warnings/<int:pk>/", views.warning_detail, name="warning"),
    path("warnings/<int:pk>/report/", views.warning_report, name="warning_report"),
    path("warnings/<int:pk>/close/", views.warning_close, name="warning_close"),
    path("calls/<int:pk>/phone/", views.call_phone, name="call_phone"),
    path("points/", views.point_list, name="points"),
    path("points/new/", views.point_new, name="point_new"),
    path("points/<int:pk>/", views.point_detail, name="point"),
    path("supplies/", views.supplies, name="supplies"),
    path("teams/", views.teams, name="teams"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/ack/", views.mine_ack, name="mine_ack"),
    path("a/<str:token>/", views.ack, name="ack"),
]

from django.urls import path

from liangping.stability import views

app_name = "stability"
urlpatterns = [
    path("", views.index, name="index"),
    path("sweeps/", views.sweep_list, name="sweeps"),
    path("sweeps/<int:pk>/", views.sweep_detail, name="sweep"),
    path("sweeps/<int:pk>/report/", views.sweep_report, name="sweep_report"),
    path("sweeps/<int:pk>/nil/", views.sweep_nil, name="sweep_nil"),
    path("sweeps/<int:pk>/remind/", views.sweep_remind, name="sweep_remind"),
    path("receptions/", views.reception_list, name="receptions"),
    path("receptions/<int:pk>/", views.reception_detail, name="reception"),
]

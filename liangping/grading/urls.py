from django.urls import path

from liangping.grading import views

app_name = "grading"
urlpatterns = [
    path("", views.board, name="board"),
    path("periods/", views.periods, name="periods"),
    path("periods/<str:action>/", views.period_action, name="period_action"),
    path("snapshots/<int:pk>/", views.snapshot_detail, name="snapshot"),
    path("ranking/", views.ranking, name="ranking"),
    path("ranking/<int:pk>/", views.indicator_history, name="indicator"),
    path("units/", views.units, name="units"),
    path("summons/", views.summons, name="summons"),
    path("rules/", views.rules, name="rules"),
]

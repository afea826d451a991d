from django.urls import path

from liangping.events import views, views_public

app_name = "events"
urlpatterns = [
    path("", views.tournament_list, name="list"),
    path("new/", views.tournament_new, name="new"),
    path("<int:pk>/", views.tournament_detail, name="detail"),
    path("<int:pk>/edit/", views.tournament_edit, name="edit"),
    path("<int:pk>/teams/", views.teams, name="teams"),
    path("<int:pk>/officials/", views.officials, name="officials"),
    path("<int:pk>/draw/", views.draw, name="draw"),
    path("<int:pk>/schedule/", views.schedule, name="schedule"),
    path("<int:pk>/lots/", views.lots, name="lots"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("matches/<int:pk>/", views.match_page, name="match"),
    path("public/<int:pk>/", views_public.public_page, name="public"),
    path("public/<int:pk>/screen/", views_public.screen, name="screen"),
    path("public/<int:pk>/data.json", views_public.data_json, name="data"),
]

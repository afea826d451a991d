from django.urls import path

from liangping.chains import views

app_name = "chains"
urlpatterns = [
    path("", views.chain_list, name="list"),
    path("new/", views.chain_edit, name="new"),
    path("<int:pk>/edit/", views.chain_edit, name="edit"),
    path("<int:pk>/segments/new/", views.segment_new, name="segment_new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/data.json", views.data_json, name="data"),
    path("<int:pk>/firms/", views.firms, name="firms"),
    path("<int:pk>/links/", views.link_project, name="link"),
    path("<int:pk>/leads/", views.lead_new, name="lead_new"),
    path("<int:pk>/goals/", views.goal, name="goal"),
    path("<int:pk>/snapshots/", views.snapshot, name="snapshot"),
    path("segments/<int:pk>/", views.segment_edit, name="segment"),
    path("links/<int:pk>/delete/", views.unlink_project, name="unlink"),
    path("leads/<int:pk>/", views.lead_status, name="lead"),
    path("snapshots/<int:pk>/publish/", views.publish, name="publish"),
]

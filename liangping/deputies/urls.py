from django.urls import path

from liangping.deputies import views

app_name = "deputies"
urlpatterns = [
    path("", views.home, name="home"),
    path("attach/", views.attach, name="attach"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/visit/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views.visit, name="visit"),
    path("visits/<int:pk>/raise/", views.raise_problem, name="raise"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/new/", views.proposal_new, name="proposal_new"),
]

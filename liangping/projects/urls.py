from django.urls import path

from liangping.projects import views_batch, views_projects, views_reports, views_visits

app_name = "projects"
urlpatterns = [
    path("", views_projects.project_list, name="list"),
    path("<int:pk>/", views_projects.project_detail, name="detail"),
    path("<int:pk>/edit/", views_projects.project_edit, name="edit"),
    path("<int:pk>/show/<slug:field>/", views_projects.project_show, name="show"),
    path("<int:pk>/reports/new/", views_reports.report_new, name="report_new"),
    path("<int:pk>/visits/new/", views_visits.visit_new, name="visit_new"),
    path("reports/", views_reports.report_list, name="reports"),
    path("reports/approve/", views_batch.report_batch_approve, name="report_batch_approve"),
    path("reports/<int:pk>/", views_reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views_reports.report_edit, name="report_edit"),
    path("reports/<int:pk>/review/", views_reports.report_review, name="report_review"),
    path("visits/", views_visits.visit_list, name="visits"),
    path("visits/stats/", views_visits.visit_stats, name="visit_stats"),
    path("visits/<int:pk>/", views_visits.visit_detail, name="visit_detail"),
    path("visits/photo/<int:pk>/", views_visits.visit_photo, name="visit_photo"),
]

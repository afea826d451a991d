from django.urls import path

from liangping.tasks import views, views_milestones, views_reports

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("new/", views.task_new, name="new"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/edit/", views.task_edit, name="edit"),
    path("<int:pk>/milestones/new/", views_milestones.milestone_new, name="milestone_new"),
    path("<int:pk>/reports/new/", views_reports.report_new, name="report_new"),
    path("milestones/<int:pk>/", views_milestones.milestone_page, name="milestone"),
    path("milestones/<int:pk>/evidence/", views_milestones.milestone_evidence, name="evidence"),
    path("reports/<int:pk>/", views_reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views_reports.report_edit, name="report_edit"),
]

from django.urls import path

from liangping.sheets import views

app_name = "sheets"
urlpatterns = [
    path("import/", views.import_view, name="import"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/confirm/", views.job_confirm, name="job_confirm"),
    path("jobs/<int:pk>/recover/", views.job_recover, name="job_recover"),
    path("jobs/<int:pk>/map/", views.job_map, name="job_map"),
    path("jobs/<int:pk>/options/", views.job_options, name="job_options"),
    path("jobs/<int:pk>/errors.xlsx", views.job_errors, name="job_errors"),
    path("export/<slug:kind>.xlsx", views.export_view, name="export"),
]

from django.urls import path

from liangping.services import views, views_cases

app_name = "services"
urlpatterns = [
    path("", views.index, name="index"),
    path("matters/", views.matters, name="matters"),
    path("points/", views.points, name="points"),
    path("points/<int:pk>/", views.point_detail, name="point"),
    path("points/<int:pk>/matters/", views.point_matters, name="point_matters"),
    path("points/<int:pk>/staff/", views.point_staff, name="point_staff"),
    path("rule/", views.rule, name="rule"),
    path("handled/", views.handled, name="handled"),
    path("assist/", views_cases.assist_list, name="assist_list"),
    path("assist/new/", views_cases.assist_new, name="assist_new"),
    path("assist/<int:pk>/", views_cases.assist_detail, name="assist"),
    path("bundles/", views_cases.bundle_list, name="bundles"),
    path("bundles/<int:pk>/", views_cases.bundle_detail, name="bundle"),
    path("bundles/<int:pk>/apply/", views_cases.bundle_apply, name="bundle_apply"),
    path("applications/<int:pk>/", views_cases.application, name="application"),
]

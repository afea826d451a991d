from django.urls import path

from liangping.firms import views

app_name = "firms"
urlpatterns = [
    path("", views.firm_list, name="list"),
    path("<int:pk>/", views.firm_detail, name="detail"),
    path("<int:pk>/requests/", views.request_new, name="request_new"),
    path("measures/", views.measure_list, name="measures"),
    path("lookup/", views.lookup, name="lookup"),
    path("apply/", views.apply, name="apply"),
    path("applied/", views.applied, name="applied"),
]

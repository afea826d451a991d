from django.urls import path

from liangping.foodsafety import views

app_name = "foodsafety"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/data.json", views.campaign_data, name="data"),
    path("<int:pk>/inspections/", views.inspection_new, name="inspect"),
]

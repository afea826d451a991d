from django.urls import path

from liangping.appeals import open311

app_name = "open311"
urlpatterns = [
    path("services.json", open311.services, name="services"),
    path("services/<str:code>.json", open311.service_definition, name="service"),
    path("requests.json", open311.requests_view, name="requests"),
    path("requests/<str:request_id>.json", open311.request_detail, name="request"),
    path("<path:rest>", open311.not_found, name="unknown"),
]

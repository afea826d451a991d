from django.urls import path

from liangping.appeals import open311

app_name = "open311"
urlpatterns = [
    path("services.json", open311.services, name="services"),
    path("services/<str:code>.json", open311.service_definition, name="service"),
    path("requests.json", open311.requests_view, name="requests"),
    path("requests/<str:request_id>.json", open311.request_detail, name="request"),
    # The same resources in XML (GeoReport v2: the format is the extension).
    path("services.xml", open311.services, {"fmt": "xml"}, name="services_xml"),
    path("services/<str:code>.xml", open311.service_definition, {"fmt": "xml"}, name="service_xml"),
    path("requests.xml", open311.requests_view, {"fmt": "xml"}, name="requests_xml"),
    path("requests/<str:request_id>.xml", open311.request_detail, {"fmt": "xml"}, name="request_xml"),
    path("<path:rest>", open311.not_found, name="unknown"),
]

from django.urls import path, register_converter

from liangping.screen import views


class DivisionCode:
    """A six-digit administrative division code (GB/T 2260): 370000, 370400."""

    regex = "[0-9]{6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DivisionCode, "division")

app_name = "screen"
urlpatterns = [
    path("", views.index, name="index"),
    path("data.json", views.data_json, name="data"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("chains/", views.chains, name="chains"),
    path("districts/", views.districts, name="districts"),
    path("services/", views.services, name="services"),
    # a city's screen or the province's, by division code: /screen/370400/, /screen/370000/
    path("<division:code>/", views.place_index, name="place"),
    path("<division:code>/data.json", views.place_data, name="place_data"),
]

from django.urls import path, register_converter

from liangping.appeals import views_screen as appeals_views
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
    # the other screens of a place, each reading that place's own data only
    path("<division:code>/districts/", views.place_districts, name="place_districts"),
    path("<division:code>/chains/", views.place_chains, name="place_chains"),
    path("<division:code>/services/", views.place_services, name="place_services"),
    path("<division:code>/appeals/", appeals_views.place_screen_page, name="place_appeals"),
    path("<division:code>/appeals/data.json", appeals_views.place_screen_data, name="place_appeals_data"),
]

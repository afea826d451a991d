"""/screen/<code>/: each city's screen reads only its own published snapshot, the province's puts the
cities side by side, and each city is the 「home」 of the 16-city ranking on its own screen."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from liangping.grading import services
from liangping.indicators.demo import load_indicator_demo
from tests.province.cities import build_second_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def cities(cast):
    load_indicator_demo(extra_periods=[(2025, 6)])
    jn = build_second_city(cast)
    for city, who in ((cast.city, cast.supervisor), (jn.city, jn.supervisor)):
        period = services.get_or_create_period("2025-06", city.pk)
        services.lock_period(who, period, confirm_unreviewed=True)
        services.publish_period(who, period)
    return jn


def _data(path: str) -> dict:
    response = Client().get(path)
    assert response.status_code == 200, path
    return json.loads(response.content)


def test_two_cities_screens_show_their_own_published_figures(cast, cities):
    zz, jn = _data("/screen/370400/data.json"), _data("/screen/370100/data.json")
    assert zz["published"] and jn["published"]
    assert zz["overview"]["projects"]["total"] == 2 and jn["overview"]["projects"]["total"] == 1
    assert jn["overview"]["display"]["completion"] == "90.00"  # 济南's one project: 90000 of 100000
    assert zz["overview"]["display"]["completion"] != jn["overview"]["display"]["completion"]
    assert [d["name"] for d in jn["districts"]] == ["历下区"]
    assert "历下区" not in {d["name"] for d in zz["districts"]}
    # each city is its own 「home」 in the provincial ranking: its own ranks and distances
    assert (zz["ranking"]["city"], jn["ranking"]["city"]) == ("枣庄", "济南")
    assert zz["ranking"]["count"] == jn["ranking"]["count"] == 15
    zz_ranks = [i["rank"] for i in zz["ranking"]["indicators"]]
    jn_ranks = [i["rank"] for i in jn["ranking"]["indicators"]]
    assert zz_ranks != jn_ranks
    # the pages embed the same documents and poll their own
    zz_page = Client().get("/screen/370400/").content.decode()
    jn_page = Client().get("/screen/370100/").content.decode()
    assert (
        'data-url="/screen/370400/data.json"' in zz_page and 'data-url="/screen/370100/data.json"' in jn_page
    )
    assert '"completion": "90.00"' in jn_page and '"completion": "90.00"' not in zz_page


def test_unknown_codes_are_not_found_and_the_default_is_the_installations(cast, cities):
    client = Client()
    for path in ("/screen/999999/", "/screen/370402/", "/screen/370200/data.json", "/screen/37040/"):
        assert client.get(path).status_code == 404, path
    # two cities: the installation's default screen is the province's own periods (none published)
    assert _data("/screen/data.json") == {"published": False}


def test_the_provinces_screen_puts_the_cities_side_by_side(cast, cities):
    data = _data("/screen/370000/data.json")
    rows = {r["name"]: r for r in data["cities"]}
    assert [r["name"] for r in data["cities"]] == ["济南市", "枣庄市"]  # by division code
    assert rows["济南市"]["projects"]["total"] == 1 and rows["济南市"]["display"]["completion"] == "90.00"
    assert rows["枣庄市"]["projects"]["total"] == 2
    assert rows["济南市"]["as_of"]["label"] == rows["枣庄市"]["as_of"]["label"] == "2025年6月"
    page = Client().get("/screen/370000/").content.decode()
    assert "山东省各市重点工作亮屏" in page
    assert 'href="/screen/370100/"' in page and 'href="/screen/370400/"' in page


def test_a_citys_screen_costs_the_same_few_queries(cast, cities):
    client = Client()
    client.get("/screen/370100/data.json")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/screen/370100/data.json")
    assert response.status_code == 200
    assert len(ctx) <= 2  # the place by its code, the latest published snapshot
    etag = response["ETag"]
    assert client.get("/screen/370100/data.json", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert etag != client.get("/screen/370400/data.json")["ETag"]


def test_each_city_discloses_its_own_published_period(cast, cities):
    client = Client()
    jn = client.get("/disclosure/public/370100/2025-06/").content.decode()
    zz = client.get("/disclosure/public/370400/2025-06/").content.decode()
    assert "历下区" in jn and "历下区" not in zz
    assert client.get("/disclosure/public/999999/2025-06/").status_code == 404
    assert client.get("/disclosure/public/370100/2025-07/").status_code == 404

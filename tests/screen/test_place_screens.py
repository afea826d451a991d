"""The other screens of a place by its division code — /screen/<code>/districts/, chains/, services/,
appeals/ — each read that city's own data only (its published snapshot, its chains, its appeals); the
undecorated addresses stay the installation's; a code that is not a city's or the province's is 404;
the lobby's rotation started at /screen/<code>/ stays on that city's addresses; and a city's data.json
is served by the fast path from its own stored document."""

from __future__ import annotations

import datetime as dt
import json
import re
import wsgiref.util
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from liangping.appeals import intake
from liangping.chains import services as chains
from liangping.chains.mapdata import public_document
from liangping.chains.models import Chain
from liangping.core.models import Org
from liangping.grading import services
from liangping.indicators.demo import load_indicator_demo
from liangping.indicators.models import DistrictValue, Indicator
from liangping.screen import fastpath
from liangping.screen.fastpath import Cities, Latest, ScreenFastPath
from liangping.screen.models import ScreenDocument
from liangping.services.models import Matter, MatterType
from tests.province.cities import SecondCity, build_second_city

pytestmark = pytest.mark.django_db

PAGES = ("districts", "chains", "services", "appeals")


@pytest.fixture
def cities(cast) -> SecondCity:  # type: ignore[no-untyped-def]
    """枣庄 (370400, the cast's) and 济南 (370100) under 山东省, each with its own districts' figures,
    a published chain and a published 2025-06."""
    load_indicator_demo(extra_periods=[(2025, 6)])
    jn = build_second_city(cast)
    gdp = Indicator.objects.get(name="地区生产总值")
    for place, growth in ((cast.tengzhou, "6.1"), (jn.district, "7.3")):
        DistrictValue.objects.create(indicator=gdp, place=place, year=2025, month=6, growth=Decimal(growth))
    for i in range(3):  # 济南's catalogue: three matters; 枣庄's is empty
        Matter.objects.create(
            tenant=jn.city,
            code=f"JN-{i}",
            name=f"济南示例事项{i}",
            type=MatterType.LICENCE,
            legal_days=10,
            promised_days=5,
            levels="district",
            listed_on=dt.date(2025, 1, 1),
        )
    for city, who, name in (
        (cast.city, cast.supervisor, "枣庄示例锂电链"),
        (jn.city, jn.supervisor, "济南示例新材料链"),
    ):
        chain = chains.create_chain(who, name, tenant=city.pk)
        chains.add_segment(who, chain, "正极材料", position=10, measures=[("正极材料", "万吨")])
        chains.publish_snapshot(who, chains.take_snapshot(who, chain, 2025, public_document(chain)))
        period = services.get_or_create_period("2025-06", city.pk)
        services.lock_period(who, period, confirm_unreviewed=True)
        services.publish_period(who, period)
    return jn


def _page(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def attr(html: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', html)
    return found.group(1).replace("&amp;", "&") if found else ""


def test_each_citys_districts_are_its_own_published_ranking(cast, cities):
    zz, jn = _page("/screen/370400/districts/"), _page("/screen/370100/districts/")
    assert "滕州市" in zz and "历下区" not in zz
    assert "历下区" in jn and "滕州市" not in jn
    assert "2025年6月" in zz and "2025年6月" in jn
    # the province's own periods: none published (its screen puts the cities side by side)
    assert "暂无已发布的数据" in _page("/screen/370000/districts/")
    # two cities: the installation's default is the province's own, which has published nothing
    assert "暂无已发布的数据" in _page("/screen/districts/")


def test_each_citys_chains_and_the_default_shows_no_other_citys(cast, cities):
    zz, jn = _page("/screen/370400/chains/"), _page("/screen/370100/chains/")
    assert "枣庄示例锂电链" in zz and "济南示例新材料链" not in zz
    assert "济南示例新材料链" in jn and "枣庄示例锂电链" not in jn
    # the undecorated address is the installation's (two cities: the province's own chains, none)
    default = _page("/screen/chains/")
    assert "枣庄示例锂电链" not in default and "济南示例新材料链" not in default
    assert "暂无已发布的产业链数据" in default


def test_the_default_chains_screen_of_a_one_city_installation_is_that_citys(cast):
    chain = chains.create_chain(cast.supervisor, "枣庄示例锂电链")
    chains.add_segment(cast.supervisor, chain, "正极材料", position=10, measures=[("正极材料", "万吨")])
    chains.publish_snapshot(
        cast.supervisor, chains.take_snapshot(cast.supervisor, chain, 2025, public_document(chain))
    )
    province_own = chains.create_chain(cast.supervisor, "省级示例链")
    Chain.objects.filter(pk=province_own.pk).update(tenant=None)  # a chain of no city's
    chains.add_segment(cast.supervisor, province_own, "电芯", position=10, measures=[("电芯", "GWh")])
    chains.publish_snapshot(
        cast.supervisor,
        chains.take_snapshot(cast.supervisor, province_own, 2025, public_document(province_own)),
    )
    page = _page("/screen/chains/")
    assert "枣庄示例锂电链" in page and "省级示例链" not in page


def test_each_citys_services_page_is_its_own_snapshots(cast, cities):
    jn, zz = _page("/screen/370100/services/"), _page("/screen/370400/services/")
    assert '<b id="sv-matters">3</b>' in jn and '<b id="sv-matters">0</b>' in zz
    assert "暂无已发布的数据" in _page("/screen/services/")  # the province's own: nothing published


def _appeal(cast, place: Org, phone: str) -> None:  # type: ignore[no-untyped-def]
    intake.file_appeal(
        actor=cast.supervisor,
        channel="hotline",
        category="urban_sanitation",
        description="路灯不亮",
        name="孙七",
        phone=phone,
        address="示例街道",
        place_org=place,
        at=timezone.now() - dt.timedelta(minutes=5),
    )


def test_each_citys_appeals_are_counted_on_its_own_screen_only(cast, cities):
    _appeal(cast, cast.tengzhou, "13506320001")
    _appeal(cast, cast.tengzhou, "13506320002")
    _appeal(cast, cities.district, "13506320003")
    client = Client()
    zz = client.get("/screen/370400/appeals/data.json").json()
    jn = client.get("/screen/370100/appeals/data.json").json()
    assert (zz["total"], jn["total"]) == (2, 1)
    assert dict(zz["by_district"]) == {"滕州市": 2} and dict(jn["by_district"]) == {"历下区": 1}
    assert "孙七" not in json.dumps(zz, ensure_ascii=False) + json.dumps(jn, ensure_ascii=False)
    page = _page("/screen/370100/appeals/")
    assert attr(page, "data-url") == "/screen/370100/appeals/data.json"
    shown = json.loads(page.split('<script id="a-data" type="application/json">')[1].split("</script>")[0])
    assert shown["total"] == 1 and dict(shown["by_district"]) == {"历下区": 1}
    # the province's own units received none; the installation's (two cities: the province's) neither
    assert client.get("/screen/370000/appeals/data.json").json()["total"] == 0
    assert client.get("/screen/appeals/data.json").json()["total"] == 0


def test_unknown_codes_and_codes_that_are_not_a_city_are_not_found(cast, cities):
    client = Client()
    for code in ("999999", "370102", "370200", "000000"):  # unknown, 历下区 (a district), none, none
        for page in ("districts/", "chains/", "services/", "appeals/", "appeals/data.json"):
            assert client.get(f"/screen/{code}/{page}").status_code == 404, (code, page)
    assert client.get("/screen/37040/districts/").status_code == 404
    assert client.get("/screen/3704000/chains/").status_code == 404


def test_a_citys_lobby_rotation_stays_on_that_citys_addresses(cast, cities):
    lobby = _page("/screen/370100/?interval=20&kiosk=1")
    assert attr(lobby, "data-beyond") == "/screen/370100/districts/?interval=20&lobby=1&kiosk=1"
    districts = _page("/screen/370100/districts/?interval=20&lobby=1&kiosk=1")
    assert attr(districts, "data-hop-next") == "/screen/370100/appeals/?interval=20&lobby=1&kiosk=1"
    appeals = _page("/screen/370100/appeals/?interval=20&lobby=1&kiosk=1")
    assert attr(appeals, "data-hop-next") == "/screen/370100/?interval=20&kiosk=1"
    # the installation's own rotation is unchanged
    assert attr(_page("/screen/?interval=20"), "data-beyond") == "/screen/districts/?interval=20&lobby=1"
    assert attr(_page("/screen/appeals/?interval=20&lobby=1"), "data-hop-next") == "/screen/?interval=20"
    # stopped: no hops
    assert attr(_page("/screen/370100/?interval=0"), "data-beyond") == ""


def test_the_place_screens_cost_a_fixed_number_of_queries(cast, cities, django_assert_max_num_queries):
    client = Client()
    for path, most in (
        ("/screen/370100/districts/", 4),
        ("/screen/370100/chains/", 5),
        ("/screen/370100/services/", 4),
        ("/screen/370100/appeals/data.json", 12),
    ):
        client.get(path)
        with django_assert_max_num_queries(most):
            assert client.get(path).status_code == 200


def test_no_place_screen_names_an_internal_ledger(cast, cities):
    for code in ("370400", "370100", "370000"):
        for page in PAGES:
            text = _page(f"/screen/{code}/{page}/")
            for internal in ("稳定", "值班", "信访", "/stability/", "/appeals/duty/"):
                assert internal not in text, (code, page, internal)


# -- the fast path of a city's data.json -----------------------------------------------------------


class Django:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.calls.append(environ["PATH_INFO"])
        start_response("418 I'm a teapot", [])
        return [b"django"]


def call(app: ScreenFastPath, path: str, **headers: str) -> tuple[str, dict[str, str], bytes]:
    environ: dict[str, Any] = {"REQUEST_METHOD": "GET", "PATH_INFO": path}
    wsgiref.util.setup_testing_defaults(environ)
    environ["HTTP_HOST"] = "127.0.0.1"
    for name, value in headers.items():
        environ["HTTP_" + name.upper()] = value
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, dict(response_headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


@pytest.fixture
def app(settings, monkeypatch) -> ScreenFastPath:  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    monkeypatch.setattr(fastpath, "close_old_connections", lambda: None)
    return ScreenFastPath(Django(), Latest(), Cities())


def test_a_citys_data_is_served_from_its_own_stored_document(
    cast, cities, app, django_assert_num_queries, django_assert_max_num_queries, monkeypatch
):
    import brotli

    for code in ("370400", "370100"):
        view = Client().get(f"/screen/{code}/data.json")
        status, headers, body = call(app, f"/screen/{code}/data.json")
        assert status == "200 OK" and body == view.content and headers["ETag"] == view["ETag"]
    assert app.app.calls == []  # type: ignore[attr-defined]
    # each city's document is stored under its own code, and the two differ
    zz = ScreenDocument.objects.get(key__startswith="370400|")
    jn = ScreenDocument.objects.get(key__startswith="370100|")
    assert bytes(zz.body) != bytes(jn.body) and zz.etag != jn.etag
    assert json.loads(bytes(jn.body))["overview"]["projects"]["total"] == 1
    # a second request within the revalidation second: no query; compressed forms from the store
    with django_assert_num_queries(0):
        status, headers, body = call(app, "/screen/370100/data.json", accept_encoding="br, gzip")
        assert headers["Content-Encoding"] == "br" and brotli.decompress(body) == bytes(jn.body)
        assert call(app, "/screen/370100/data.json", if_none_match=jn.etag)[0].startswith("304")
    # after it: one query (which snapshot is the latest), and the stored document is read, not built
    monkeypatch.setattr(fastpath, "REVALIDATE_SECONDS", 0.0)

    def never(*args: Any) -> bytes:
        raise AssertionError("a stored document is read, not built again")

    monkeypatch.setattr(fastpath, "screen_body_for", never)
    fresh = ScreenFastPath(Django(), Latest(), Cities())  # another process
    with django_assert_max_num_queries(3):  # the code, the latest snapshot, the stored document
        assert call(fresh, "/screen/370100/data.json")[2] == bytes(jn.body)
    with django_assert_num_queries(1):
        assert call(fresh, "/screen/370100/data.json")[2] == bytes(jn.body)
    # the province's code and a code that is not a city's go to Django (its side-by-side page, a 404)
    assert call(fresh, "/screen/370000/data.json")[2] == b"django"
    assert call(fresh, "/screen/370102/data.json")[2] == b"django"
    assert call(fresh, "/screen/370100/data.json/")[2] == b"django"
    assert len(fresh.by_city.by_code) == 1


def test_a_citys_publication_writes_its_document(cast, cities, django_capture_on_commit_callbacks):
    period = services.get_or_create_period("2025-06", cities.city.pk)
    services.reopen_period(cities.supervisor, period, "更正")
    services.lock_period(cities.supervisor, period, confirm_unreviewed=True)
    ScreenDocument.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_period(cities.supervisor, period)
    keys = set(ScreenDocument.objects.values_list("key", flat=True))
    assert any(k.startswith("370100|") for k in keys)
    assert not any(k.startswith("370400|") for k in keys)
    stored = ScreenDocument.objects.get(key__startswith="370100|")
    assert bytes(stored.body) == Client().get("/screen/370100/data.json").content

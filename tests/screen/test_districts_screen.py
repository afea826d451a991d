"""The districts' page of the public screen: the city's districts ranked against each other as frozen
in the published snapshot, never the live values; anonymous; a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import QuerySet
from django.urls import reverse

from liangping.core.models import Org, OrgKind
from liangping.grading import services
from liangping.indicators.models import DistrictValue, Indicator

pytestmark = pytest.mark.django_db
NAMES = ("市中区", "薛城区", "峄城区", "台儿庄区", "山亭区", "滕州市", "枣庄高新区")


def put_districts(year: int, month: int, growths: list[str]) -> None:
    city = Org.objects.get(kind=OrgKind.CITY)
    ind = Indicator.objects.get(name="地区生产总值")
    for name, growth in zip(NAMES, growths, strict=True):
        place, _ = Org.objects.get_or_create(name=name, kind=OrgKind.DISTRICT, defaults={"parent": city})
        DistrictValue.objects.create(
            indicator=ind, place=place, year=year, month=month, growth=Decimal(growth)
        )


def publish(cast, code: str):  # type: ignore[no-untyped-def]
    period = services.get_or_create_period(code)
    services.lock_period(cast.supervisor, period)
    services.publish_period(cast.supervisor, period)
    return period


def rows(html: str) -> list[tuple[str, str]]:
    """(place, rank) of every row of the first board, in order."""
    body = html.split('<table class="ds-table">', 1)[1].split("</table>", 1)[0]
    out = []
    for tr in body.split("<tr>")[2:]:
        place = tr.split('<th scope="row">', 1)[1].split("</th>", 1)[0]
        rank = tr.split('<span class="ds-rank">', 1)[1].split("</span>", 1)[0]
        out.append((place, rank))
    return out


def test_nothing_published(client):
    html = client.get(reverse("screen:districts")).content.decode()
    assert "暂无已发布的数据" in html


def test_published_ranks_are_frozen(cast, client, django_assert_max_num_queries):
    put_districts(2025, 3, ["5.0", "4.0", "3.0", "2.0", "1.0", "6.0", "7.0"])
    put_districts(2025, 6, ["5.0", "6.5", "3.0", "3.0", "1.0", "6.0", "0.5"])
    publish(cast, "2025-06")
    with django_assert_max_num_queries(3):
        response = client.get(reverse("screen:districts"))
    html = response.content.decode()
    assert response.status_code == 200 and "区（市）指标排名" in html and "地区生产总值" in html
    assert rows(html) == [
        ("薛城区", "第1位"),
        ("滕州市", "第2位"),
        ("市中区", "第3位"),
        ("峄城区", "第4位"),
        ("台儿庄区", "第4位"),
        ("山亭区", "第6位"),
        ("枣庄高新区", "第7位"),
    ]
    assert (
        "第1/1页" not in html and "↑3 进位" in html and "↓6 退位" in html
    )  # 双亮牌: 薛城区 4th → 1st, 高新区 1st → 7th
    assert "差 0.5 个百分点" in html  # 滕州市 6.0 behind 薛城区 6.5
    assert "差 2.0 个百分点" in html  # 山亭区 1.0 behind 峄城区/台儿庄区 3.0
    # The live value changes after publication: the screen keeps the published ranks.
    DistrictValue.objects.filter(place__name="枣庄高新区", year=2025, month=6).update(growth=Decimal("9.0"))
    again = client.get(reverse("screen:districts")).content.decode()
    assert rows(again)[0] == ("薛城区", "第1位") and rows(again)[-1] == ("枣庄高新区", "第7位")


def test_a_period_published_without_the_district_ranking(cast, client):
    put_districts(2025, 6, ["5.0", "6.5", "3.0", "3.0", "1.0", "6.0", "0.5"])
    period = publish(cast, "2025-06")
    snapshot = period.snapshots.get()
    summary = {k: v for k, v in snapshot.summary.items() if k != "district_ranking"}
    # a snapshot locked before the summary kept the districts' ranking (Immutable refuses .update)
    QuerySet(type(snapshot)).filter(pk=snapshot.pk).update(summary=summary)
    html = client.get(reverse("screen:districts")).content.decode()
    assert "本期未发布区（市）排名" in html and "ds-table" not in html


def test_six_indicators_a_page_turning_by_itself(cast, client):
    city = Org.objects.get(kind=OrgKind.CITY)
    place, _ = Org.objects.get_or_create(name="市中区", kind=OrgKind.DISTRICT, defaults={"parent": city})
    for ind in Indicator.objects.order_by("pk")[:7]:
        DistrictValue.objects.create(indicator=ind, place=place, year=2025, month=6, growth=Decimal("1.5"))
    publish(cast, "2025-06")
    first = client.get(reverse("screen:districts") + "?interval=20&kiosk=1").content.decode()
    assert first.count('class="panel ds-board"') == 6 and "1/2" in first
    assert '<meta http-equiv="refresh" content="20; url=?page=2&amp;interval=20&amp;kiosk=1">' in first
    second = client.get(reverse("screen:districts") + "?page=2&interval=0").content.decode()
    assert second.count('class="panel ds-board"') == 1 and "2/2" in second and "http-equiv" not in second
    assert "1.5" in second and "居首位" in second

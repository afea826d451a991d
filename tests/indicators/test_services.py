from __future__ import annotations

from decimal import Decimal

import pytest

from liangping.indicators.models import City, Direction, Indicator, IndicatorValue
from liangping.indicators.services import ranking

NAMES = ["济南", "青岛", "淄博", "枣庄", "东营"]


@pytest.fixture
def setup(db):
    cities = [City.objects.get(name=n) for n in NAMES]  # loaded by the reference-data migration
    gdp = Indicator.objects.get(name="地区生产总值")
    power = Indicator.objects.create(name="单位GDP能耗", direction=Direction.LOWER, sort=2)
    return cities, gdp, power


def put(ind, cities, year, month, growths):
    for city, g in zip(cities, growths, strict=True):
        IndicatorValue.objects.create(indicator=ind, city=city, year=year, month=month, growth=Decimal(g))


@pytest.mark.django_db
def test_rank_change_uses_the_most_recent_earlier_period_with_values(setup, django_assert_max_num_queries):
    cities, gdp, power = setup
    put(gdp, cities, 2024, 12, ["5", "4", "3", "2", "1"])  # 枣庄 4th
    put(gdp, cities, 2025, 3, ["5", "4", "3", "6", "1"])  # quarterly table: 枣庄 1st
    put(gdp, cities, 2025, 6, ["5", "4", "3", "4", "1"])  # 枣庄 tied 2nd
    put(power, cities, 2025, 6, ["1", "2", "3", "0.5", "4"])  # lower is better: 枣庄 1st, no earlier values
    with django_assert_max_num_queries(5):
        table = {r.name: r for r in ranking(2025, 6)}
    g = table["地区生产总值"]
    assert g.previous == (2025, 3)
    home = g.home
    assert home is not None and (home.rank, home.prev_rank, home.change) == (2, 1, -1)
    assert [r.rank for r in g.rows] == [1, 2, 2, 4, 5]
    assert g.distances == {10: None, 5: Decimal(-3), 3: Decimal(0)}  # tied 2nd: level with 3rd place
    p = table["单位GDP能耗"]
    assert p.home is not None and (p.home.rank, p.home.change, p.previous) == (1, None, None)
    assert ranking(2025, 5) == []

"""The demo tables reproduce the newspaper's figures exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from liangping.indicators.demo import load_indicator_demo
from liangping.indicators.models import IndicatorValue
from liangping.indicators.services import ranking


@pytest.fixture
def tables(db):
    load_indicator_demo()
    return {(r.name): r for r in ranking(2022, 6)}


@pytest.mark.django_db
def test_2022_h1_ranks_of_zaozhuang(tables):
    ranks = {name: r.home.rank for name, r in tables.items() if r.home}
    assert ranks["地区生产总值"] == 3 and tables["地区生产总值"].home.growth == Decimal("4.1")
    for name in ("一般公共预算收入", "金融机构本外币贷款余额", "货物进出口总额"):
        assert ranks[name] == 1, name
    for name in ("税收收入", "实际使用外资", "全社会用电量", "工业用电量"):
        assert ranks[name] == 2, name
    assert len(ranks) == 15 and sum(1 for r in ranks.values() if r <= 10) == 14
    assert all(len(r.rows) == 16 for r in tables.values())
    # rank changes against 2022年1-3月
    assert tables["地区生产总值"].home.change == 2


@pytest.mark.django_db
def test_2025_h1_all_above_average_eight_in_top_five():
    load_indicator_demo()
    rows = ranking(2025, 6)
    assert sum(1 for r in rows if r.home.rank <= 5) == 8
    for r in rows:
        average = sum(c.growth for c in r.rows) / len(r.rows)
        assert r.home.growth > average, r.name


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    load_indicator_demo()
    before = list(IndicatorValue.objects.order_by("pk").values_list("pk", "growth", "value"))
    load_indicator_demo()
    assert list(IndicatorValue.objects.order_by("pk").values_list("pk", "growth", "value")) == before

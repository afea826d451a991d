"""Competition ranking: ties, direction, invariance under row order (property-based)."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from liangping.indicators.catalogue import CITIES
from liangping.indicators.ranking import change_card, competition_rank, distances_to_goals, rank_change

growths = st.decimals(min_value=-50, max_value=50, places=1, allow_nan=False, allow_infinity=False)
tables = st.lists(growths, min_size=1, max_size=16).map(lambda vs: dict(zip(CITIES, vs, strict=False)))


def test_ties_share_a_rank_and_skip_the_next():
    values = {"a": Decimal("5.0"), "b": Decimal("7.1"), "c": Decimal("5.0"), "d": Decimal("1")}
    assert competition_rank(values) == {"b": 1, "a": 2, "c": 2, "d": 4}
    assert competition_rank(values, higher_is_better=False) == {"d": 1, "a": 2, "c": 2, "b": 4}


def test_exact_decimals_are_not_rounded_before_comparing():
    assert competition_rank({"a": Decimal("4.10"), "b": Decimal("4.1"), "c": Decimal("4.1000001")}) == {
        "c": 1,
        "a": 2,
        "b": 2,
    }


@given(tables)
def test_rank_is_one_plus_the_number_strictly_better(values):
    ranks = competition_rank(values)
    for city, growth in values.items():
        assert ranks[city] == 1 + sum(1 for v in values.values() if v > growth)


@given(tables)
def test_lower_is_better_mirrors_higher(values):
    negated = {k: -v for k, v in values.items()}
    assert competition_rank(values, higher_is_better=False) == competition_rank(negated)


@given(tables, st.randoms())
def test_invariant_under_row_order(values, rnd: random.Random):
    items = list(values.items())
    rnd.shuffle(items)
    assert competition_rank(dict(items)) == competition_rank(values)


@given(tables)
def test_ranks_are_between_one_and_n_and_one_is_taken(values):
    ranks = competition_rank(values)
    assert min(ranks.values()) == 1
    assert all(1 <= r <= len(values) for r in ranks.values())


def test_rank_change_and_cards():
    assert rank_change(5, 3) == 2 and change_card(2) == "↑2 进位"
    assert rank_change(3, 5) == -2 and change_card(-2) == "↓2 退位"
    assert rank_change(4, 4) == 0 and change_card(0) == "— 持平"
    assert rank_change(None, 4) is None and change_card(None) == "—"


def test_distances_to_tenth_fifth_third():
    values = {city: Decimal(20 - i) for i, city in enumerate(CITIES)}  # 济南 20 … 菏泽 5
    values["枣庄"] = Decimal("12.5")  # after 20, 19, 18, 16, 15, 14, 13: 8th place
    d = distances_to_goals(values, "枣庄")
    assert d[10] == Decimal("-1.5")  # 10th is 威海 at 11: ahead by 1.5 points
    assert d[5] == Decimal("2.5")  # 5th is 烟台 at 15
    assert d[3] == Decimal("5.5")  # 3rd is 淄博 at 18
    lower = distances_to_goals(values, "枣庄", higher_is_better=False)
    assert lower[3] == Decimal("12.5") - Decimal(7)
    assert distances_to_goals({"a": Decimal(1)}, "枣庄") == {10: None, 5: None, 3: None}
    assert distances_to_goals({"枣庄": Decimal(1)}, "枣庄")[3] is None

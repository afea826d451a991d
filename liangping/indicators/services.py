"""The 16-city ranking of a period as plain data, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from liangping.indicators.models import City, Direction, Indicator, IndicatorValue
from liangping.indicators.ranking import GOALS, competition_rank, distances_to_goals, rank_change


@dataclass
class CityRank:
    city: str
    city_id: int
    is_home: bool
    value: Decimal | None
    growth: Decimal
    rank: int
    prev_rank: int | None
    change: int | None


@dataclass
class IndicatorRanking:
    indicator_id: int
    name: str
    unit: str
    direction: str
    rows: list[CityRank]
    previous: tuple[int, int] | None  # (year, month) the previous ranks come from
    home: CityRank | None = None
    distances: dict[int, Decimal | None] = field(default_factory=dict)


def _previous_periods(year: int, month: int) -> dict[int, tuple[int, int]]:
    """For each indicator, the most recent earlier (year, month) that has values."""
    earlier = Q(year__lt=year) | Q(year=year, month__lt=month)
    out: dict[int, tuple[int, int]] = {}
    for ind, y, m in (
        IndicatorValue.objects.filter(earlier)
        .values_list("indicator_id", "year", "month")
        .distinct()
        .order_by("indicator_id", "-year", "-month")
    ):
        out.setdefault(ind, (y, m))
    return out


def ranking(year: int, month: int) -> list[IndicatorRanking]:
    """Every indicator with values for the window January → month of year, ranked."""
    cities = {c.pk: c for c in City.objects.all()}
    indicators = {i.pk: i for i in Indicator.objects.all()}
    current: dict[int, dict[int, IndicatorValue]] = {}
    for v in IndicatorValue.objects.at(year, month):
        current.setdefault(v.indicator_id, {})[v.city_id] = v
    prev_at = {k: p for k, p in _previous_periods(year, month).items() if k in current}
    previous: dict[int, dict[int, Decimal]] = {}
    if prev_at:
        cond = Q()
        for ind_pk, (y, m) in prev_at.items():
            cond |= Q(indicator_id=ind_pk, year=y, month=m)
        earlier_values = IndicatorValue.objects.filter(cond).values_list("indicator_id", "city_id", "growth")
        for ind_pk, city_pk, growth in earlier_values:
            previous.setdefault(ind_pk, {})[city_pk] = growth
    out = []
    for ind_id, ind in indicators.items():
        values = current.get(ind_id)
        if not values:
            continue
        higher = ind.direction == Direction.HIGHER
        growths = {city: v.growth for city, v in values.items()}
        ranks = competition_rank(growths, higher_is_better=higher)
        prev_ranks = competition_rank(previous.get(ind_id, {}), higher_is_better=higher)
        rows = sorted(
            (
                CityRank(
                    city=cities[c].name,
                    city_id=c,
                    is_home=cities[c].is_home,
                    value=values[c].value,
                    growth=growths[c],
                    rank=ranks[c],
                    prev_rank=prev_ranks.get(c),
                    change=rank_change(prev_ranks.get(c), ranks[c]),
                )
                for c in values
            ),
            key=lambda r: (r.rank, cities[r.city_id].sort, r.city_id),
        )
        item = IndicatorRanking(ind_id, ind.name, ind.unit, ind.direction, rows, prev_at.get(ind_id))
        home = next((r for r in rows if r.is_home), None)
        if home is not None:
            item.home = home
            item.distances = distances_to_goals(growths, home.city_id, higher_is_better=higher, goals=GOALS)
        out.append(item)
    return out

"""The 16-city ranking of a period and a city's internal ranking of its districts, as plain data, in
a fixed number of queries.

Each indicator ranks by its growth rate, or by its 总量 when the catalogue says so (Indicator.rank_by);
a place without that figure is left out. Where the bureau's 位次 were imported with 「采用文件位次」,
they replace the computed ranks of that indicator and period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q

from liangping.core.models import Org
from liangping.indicators.models import City, Direction, DistrictValue, Indicator, IndicatorValue
from liangping.indicators.ranking import GOALS, competition_rank, distances_to_goals, rank_change


@dataclass
class CityRank:
    city: str
    city_id: int
    is_home: bool
    value: Decimal | None
    growth: Decimal | None
    rank: int
    prev_rank: int | None
    change: int | None
    file_rank: int | None = None


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
    rank_by: str = "growth"
    from_file: bool = False  # ranks are the bureau's (采用文件位次)
    # Distances of every place to each goal within reach (the districts' page): {place id: {k: d}}
    all_distances: dict[int, dict[int, Decimal | None]] = field(default_factory=dict)


def _key(v: Any, indicator: Indicator) -> Decimal | None:
    return v.value if indicator.ranks_by_value else v.growth


def _previous_periods(values: Any, year: int, month: int) -> dict[int, tuple[int, int]]:
    """For each indicator, the most recent earlier (year, month) that has values."""
    earlier = Q(year__lt=year) | Q(year=year, month__lt=month)
    out: dict[int, tuple[int, int]] = {}
    for ind, y, m in (
        values.filter(earlier)
        .values_list("indicator_id", "year", "month")
        .distinct()
        .order_by("indicator_id", "-year", "-month")
    ):
        out.setdefault(ind, (y, m))
    return out


def _ranks(values: Iterable[Any], indicator: Indicator, place: str) -> dict[int, int]:
    """{place id: rank} among the values holding the ranking figure; the file's 位次 when they win."""
    rows = [v for v in values if _key(v, indicator) is not None]
    if rows and all(v.file_rank_wins and v.file_rank for v in rows):
        return {getattr(v, place): v.file_rank for v in rows}
    keyed = {getattr(v, place): k for v in rows if (k := _key(v, indicator)) is not None}
    return competition_rank(keyed, higher_is_better=indicator.direction == Direction.HIGHER)


Ranked = tuple[Indicator, list[Any], dict[int, int], tuple[int, int] | None]


def _rank_all(values: Any, place: str, year: int, month: int) -> list[Ranked]:
    """(indicator, values, {place id: previous rank}, previous window) for every indicator with values
    in the window, among `values` (a queryset): four queries whatever the number of indicators."""
    indicators = {i.pk: i for i in Indicator.objects.all()}
    current: dict[int, list[Any]] = {}
    for v in values.filter(year=year, month=month):
        current.setdefault(v.indicator_id, []).append(v)
    prev_at = {k: p for k, p in _previous_periods(values, year, month).items() if k in current}
    previous: dict[int, list[Any]] = {}
    if prev_at:
        cond = Q()
        for ind_pk, (y, m) in prev_at.items():
            cond |= Q(indicator_id=ind_pk, year=y, month=m)
        for v in values.filter(cond):
            previous.setdefault(v.indicator_id, []).append(v)
    out = []
    for ind_id, ind in indicators.items():
        if ind_id in current:
            out.append(
                (ind, current[ind_id], _ranks(previous.get(ind_id, []), ind, place), prev_at.get(ind_id))
            )
    return out


HOME_FLAG = -1  # `ranking`'s home: the city marked 本市 in the catalogue


def ranking(year: int, month: int, home: int | None = HOME_FLAG) -> list[IndicatorRanking]:
    """Every indicator with values for the window January → month of year, the 16 cities ranked.
    The ranking is provincial data every city reads; `home` (a City id, `places.home_city`) is the city
    whose distances to 10th, 5th and 3rd are worked out, None for none (the province)."""
    cities = {c.pk: c for c in City.objects.all()}
    if home != HOME_FLAG:
        for pk, c in cities.items():
            c.is_home = pk == home
    out = []
    for ind, values, prev_ranks, prev_at in _rank_all(IndicatorValue.objects.all(), "city_id", year, month):
        ranks = _ranks(values, ind, "city_id")
        if not ranks:
            continue
        rows = sorted(
            (
                CityRank(
                    city=cities[v.city_id].name,
                    city_id=v.city_id,
                    is_home=cities[v.city_id].is_home,
                    value=v.value,
                    growth=v.growth,
                    rank=ranks[v.city_id],
                    prev_rank=prev_ranks.get(v.city_id),
                    change=rank_change(prev_ranks.get(v.city_id), ranks[v.city_id]),
                    file_rank=v.file_rank,
                )
                for v in values
                if v.city_id in ranks
            ),
            key=lambda r: (r.rank, cities[r.city_id].sort, r.city_id),
        )
        item = IndicatorRanking(
            ind.pk,
            ind.name,
            ind.unit,
            ind.direction,
            rows,
            prev_at,
            rank_by=ind.rank_by,
            from_file=all(v.file_rank_wins for v in values if v.city_id in ranks),
        )
        mine = next((r for r in rows if r.is_home), None)
        if mine is not None:
            item.home = mine
            item.distances = _distances(rows, ind, mine.city_id, "city_id")
        out.append(item)
    return out


def _distances(rows: list[CityRank], ind: Indicator, me: int, attr: str) -> dict[int, Decimal | None]:
    """Points of growth to 10th, 5th and 3rd. Ranked by 总量 the distance is no longer in points of
    growth: none is given rather than a figure in the wrong unit."""
    if ind.ranks_by_value:
        return {k: None for k in GOALS}
    growths = {getattr(r, attr): r.growth for r in rows if r.growth is not None}
    return distances_to_goals(growths, me, higher_is_better=ind.direction == Direction.HIGHER, goals=GOALS)


def _district_values(tenant: int | None) -> Any:
    values = DistrictValue.objects.all()
    return values if tenant is None else values.filter(place__tenant_id=tenant)


def district_ranking(year: int, month: int, tenant: int | None = None) -> list[IndicatorRanking]:
    """The city's districts and counties ranked against each other on every indicator with values in
    the window: the same ranks, cards and distances as the 16-city ranking, every place with its own
    distances (CityRank.city is the place's name, city_id its org id). `tenant`: the districts of that
    city only."""
    scoped = _district_values(tenant)
    here = scoped.filter(year=year, month=month).values("place_id")
    places = {o.pk: o for o in Org.objects.filter(pk__in=here)}
    out = []
    for ind, values, prev_ranks, prev_at in _rank_all(scoped, "place_id", year, month):
        ranks = _ranks(values, ind, "place_id")
        if not ranks:  # values without the figure it ranks by: shown as such, not left out in silence
            out.append(
                IndicatorRanking(ind.pk, ind.name, ind.unit, ind.direction, [], None, rank_by=ind.rank_by)
            )
            continue
        rows = sorted(
            (
                CityRank(
                    city=places[v.place_id].name,
                    city_id=v.place_id,
                    is_home=False,
                    value=v.value,
                    growth=v.growth,
                    rank=ranks[v.place_id],
                    prev_rank=prev_ranks.get(v.place_id),
                    change=rank_change(prev_ranks.get(v.place_id), ranks[v.place_id]),
                    file_rank=v.file_rank,
                )
                for v in values
                if v.place_id in ranks
            ),
            key=lambda r: (r.rank, places[r.city_id].sort, r.city_id),
        )
        item = IndicatorRanking(
            ind.pk,
            ind.name,
            ind.unit,
            ind.direction,
            rows,
            prev_at,
            rank_by=ind.rank_by,
            from_file=all(v.file_rank_wins for v in values if v.place_id in ranks),
        )
        item.all_distances = {r.city_id: _distances(rows, ind, r.city_id, "city_id") for r in rows}
        out.append(item)
    return out


def district_windows(tenant: int | None = None) -> list[tuple[int, int]]:
    """The windows with district values (of the city `tenant`), newest first."""
    windows = _district_values(tenant).values_list("year", "month").distinct().order_by("-year", "-month")
    return list(windows)

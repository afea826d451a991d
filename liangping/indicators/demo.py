"""Illustrative indicator tables for the demo city (示例数据), pinned to the facts the seeds report.

2022年1-6月 (DOMAIN §8, §13): 枣庄 GDP +4.1 % ranked 3rd; 一般公共预算收入, 金融机构本外币贷款余额 and
货物进出口总额 1st; 税收收入, 实际使用外资, 全社会用电量 and 工业用电量 2nd; 14 of the 15 in the top 10.
2025年1-6月: all 15 above the provincial average, 8 in the top 5. Every other value is illustrative,
generated from a fixed seed so every load gives the same tables.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction

from liangping.core.models import Org, OrgKind
from liangping.indicators.catalogue import HOME_CITY, INDICATORS, ensure_reference_data
from liangping.indicators.models import City, DistrictValue, Indicator, IndicatorValue

NAMES = [name for name, _synonyms, _unit in INDICATORS]

# The home city's rank on each indicator, in catalogue order (地区生产总值 … 规模以上工业营业收入).
HOME_RANKS: dict[tuple[int, int], list[int]] = {
    (2022, 3): [5, 6, 4, 9, 2, 3, 2, 4, 6, 3, 4, 3, 10, 8, 11],
    (2022, 6): [3, 4, 6, 8, 1, 2, 1, 2, 5, 1, 2, 2, 9, 7, 12],
    (2025, 3): [6, 5, 7, 8, 3, 4, 6, 5, 7, 4, 6, 5, 8, 7, 6],
    (2025, 6): [4, 3, 6, 7, 2, 3, 5, 1, 6, 2, 4, 6, 7, 6, 8],
}
# Growth rates the newspaper gives (percent).
FIXED_GROWTH = {(2022, 6, "地区生产总值"): Decimal("4.1")}


# Years where the home city is above the provincial average on every indicator: the cities ahead
# stay within 2 points and those behind are at least 2.1 points lower, so for ranks ≤ 8 of 16 the
# sum of deviations from the home value is negative and the mean lies below it.
ABOVE_AVERAGE_YEARS = {2025}


def _table(rnd: random.Random, rank: int, home: Decimal | None, n: int, above_average: bool) -> list[Decimal]:
    """n distinct growth rates (one decimal) with the home city's at `rank`: returned home first."""
    home = home if home is not None else Decimal(rnd.randint(30, 90)) / 10
    up, down = ((1, 20), (21, 80)) if above_average else ((1, 60), (1, 60))
    above = sorted({home + Decimal(rnd.randint(*up)) / 10 for _ in range(60)})
    below = sorted({home - Decimal(rnd.randint(*down)) / 10 for _ in range(60)}, reverse=True)
    return [home, *rnd.sample(above, rank - 1), *rnd.sample(below, n - rank)]


def drifted(ranks: list[int], rnd: random.Random) -> list[int]:
    """Illustrative ranks for a later period: the 2025 H1 ranks moved by up to two places."""
    return [min(16, max(1, r + rnd.randint(-2, 2))) for r in ranks]


@transaction.atomic
def load_indicator_demo(seed: int = 2022, extra_periods: list[tuple[int, int]] | None = None) -> int:
    """Write the demo tables idempotently; returns the number of values written for the first time.

    `extra_periods` adds illustrative tables for later (year, month) windows (the demo's own year)."""
    rnd = random.Random(seed)
    tables = dict(HOME_RANKS)
    for year, month in extra_periods or []:
        tables.setdefault(
            (year, month), drifted(HOME_RANKS[(2025, 6)], random.Random(f"{seed}-{year}-{month}"))
        )
    ensure_reference_data(City, Indicator)
    cities = list(City.objects.order_by("sort"))
    home = next(c for c in cities if c.name == HOME_CITY)
    others = [c for c in cities if c is not home]
    indicators = {i.name: i for i in Indicator.objects.all()}
    written = 0
    for (year, month), ranks in tables.items():
        for name, rank in zip(NAMES, ranks, strict=True):
            fixed = FIXED_GROWTH.get((year, month, name))
            growths = _table(rnd, rank, fixed, len(cities), year in ABOVE_AVERAGE_YEARS)
            shuffled = others[:]
            rnd.shuffle(shuffled)
            for city, growth in zip([home, *shuffled], growths, strict=True):
                # A year's total per city and indicator, of which the window holds its months' share:
                # a cumulative figure grows through the year (the import's checks expect no less).
                total = random.Random(f"{seed}-{city.name}-{name}-{year}").randint(200, 9000)
                value = Decimal(total) * month / 12
                _, new = IndicatorValue.objects.update_or_create(
                    indicator=indicators[name],
                    city=city,
                    year=year,
                    month=month,
                    defaults={"growth": growth, "value": value.quantize(Decimal("0.01"))},
                )
                written += new
    return written


@transaction.atomic
def load_district_demo(windows: list[tuple[int, int]], seed: int = 2022) -> int:
    """Illustrative values (示例数据) of every indicator for the home city's districts and counties in
    each (year, month) window, so the districts' ranking has something to rank; idempotent. Each
    district's year total is fixed, the window holds its months' share (cumulative figures grow)."""
    home = City.objects.filter(is_home=True).values_list("name", flat=True).first()
    city = Org.objects.filter(kind=OrgKind.CITY, name__in=[home, f"{home}市"]).first() if home else None
    if city is None:
        return 0
    places = list(Org.objects.filter(kind=OrgKind.DISTRICT, tenant=city))
    have = set(
        DistrictValue.objects.filter(place__in=places).values_list(
            "indicator_id", "place_id", "year", "month"
        )
    )
    new = []
    for year, month in windows:
        for ind in Indicator.objects.all():
            for place in places:
                if (ind.pk, place.pk, year, month) in have:
                    continue
                rnd = random.Random(f"{seed}-{place.name}-{ind.name}-{year}")
                total = Decimal(rnd.randint(20, 1500))
                growth = Decimal(rnd.randint(-20, 120) + month) / 10
                value = (total * month / 12).quantize(Decimal("0.01"))
                new.append(
                    DistrictValue(
                        indicator=ind, place=place, year=year, month=month, value=value, growth=growth
                    )
                )
    DistrictValue.objects.bulk_create(new)
    return len(new)

"""The province's board: the key projects of the latest locked period, city by city (DOMAIN §1, §9).

Per city: the projects graded, their average completion of the annual plan against time progress,
the blue / yellow / red counts, and the cities ranked by the average gap (completion − time progress,
competition ranking) with the change of rank since the adjacent earlier locked period (双亮牌).
The provincial key projects (省重点) are listed across cities. Everything is read from the frozen
snapshot: four queries whatever the number of cities.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from liangping.core.models import Org, OrgKind
from liangping.grading.models import ItemKind, Snapshot, SnapshotItem
from liangping.grading.project_view import latest_locked_snapshot
from liangping.grading.rules import BLUE, GRADE_LABELS, RED, YELLOW
from liangping.grading.services import adjacent_locked, current_snapshot
from liangping.indicators.ranking import change_card, competition_rank, rank_change
from liangping.projects.models import Level, Project

HUNDREDTH = Decimal("0.01")


@dataclass
class CityRow:
    city: Org
    graded: int = 0
    blue: int = 0
    yellow: int = 0
    red: int = 0
    provincial: int = 0
    completion: Decimal | None = None
    time_progress: Decimal | None = None
    gap: Decimal | None = None
    rank: int | None = None
    prev_rank: int | None = None

    @property
    def change_card(self) -> str:
        return change_card(rank_change(self.prev_rank, self.rank) if self.rank else None)


@dataclass
class ProvincialRow:
    city: str
    item: SnapshotItem

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS.get(self.item.grade, "")


@dataclass
class ProvinceBoard:
    snapshot: Snapshot | None
    cities: list[CityRow] = field(default_factory=list)
    provincial: list[ProvincialRow] = field(default_factory=list)


def _mean(values: list[Decimal]) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(HUNDREDTH, ROUND_HALF_UP) if values else None


def _number(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _by_city(snapshot: Snapshot, cities: dict[int, Org]) -> tuple[dict[int, CityRow], list[ProvincialRow]]:
    items = list(
        snapshot.items.filter(kind=ItemKind.PROJECT, ref_id__isnull=False).order_by("rank", "code", "id")
    )
    places = dict(
        Project.objects.filter(pk__in=[i.ref_id for i in items]).values_list("pk", "district__tenant_id")
    )
    levels = dict(Project.objects.filter(pk__in=[i.ref_id for i in items]).values_list("pk", "level"))
    rows = {pk: CityRow(city) for pk, city in cities.items()}
    completions: dict[int, list[Decimal]] = defaultdict(list)
    progresses: dict[int, list[Decimal]] = defaultdict(list)
    gaps: dict[int, list[Decimal]] = defaultdict(list)
    provincial = []
    for item in items:
        ref = item.ref_id or 0
        tenant = places.get(ref)
        row = rows.get(tenant) if tenant is not None else None
        if row is None:
            continue
        row.graded += 1
        if item.grade in (BLUE, YELLOW, RED):
            setattr(row, item.grade, getattr(row, item.grade) + 1)
        for bucket, key in ((completions, "completion"), (progresses, "time_progress"), (gaps, "gap")):
            value = _number(item.figures.get(key))
            if value is not None:
                bucket[row.city.pk].append(value)
        if levels.get(ref) == Level.PROVINCIAL:
            row.provincial += 1
            provincial.append(ProvincialRow(row.city.name, item))
    for pk, row in rows.items():
        row.completion, row.time_progress, row.gap = (
            _mean(completions[pk]),
            _mean(progresses[pk]),
            _mean(gaps[pk]),
        )
    ranks = competition_rank({pk: r.gap for pk, r in rows.items() if r.gap is not None})
    for pk, rank in ranks.items():
        rows[pk].rank = rank
    return rows, provincial


def province_board() -> ProvinceBoard:
    snapshot = latest_locked_snapshot(None)  # the province's own period: every city's projects
    if snapshot is None:
        return ProvinceBoard(None)
    cities = {c.pk: c for c in Org.objects.filter(kind=OrgKind.CITY).order_by("code", "sort", "id")}
    rows, provincial = _by_city(snapshot, cities)
    earlier = adjacent_locked(snapshot.period)
    before = current_snapshot(earlier) if earlier is not None else None
    if before is not None:
        previous, _ = _by_city(before, cities)
        for pk, row in rows.items():
            row.prev_rank = previous[pk].rank
    ordered = sorted(rows.values(), key=lambda r: (r.rank is None, r.rank or 0, r.city.code, r.city.pk))
    return ProvinceBoard(snapshot, ordered, provincial)

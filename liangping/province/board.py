"""The province's board: each city's key projects in that city's own latest locked (or published)
period, city by city (DOMAIN §1, §9; decision 0007: a city locks and publishes its periods alone).

Per city: its latest locked period and the projects that period's snapshot graded (under the city's
rule set and time progress, frozen at the lock), their average completion of the annual plan against
time progress, the blue / yellow / red counts, and the cities ranked by the average gap (completion −
time progress, competition ranking) with the change of rank (双亮牌) against the ranking of each city's
adjacent earlier locked period of the same kind. A city without a locked period has no figures and no
rank (「暂无已发布期次」). The provincial key projects (省重点) are listed across cities. Everything is
read from the frozen snapshots: four queries whatever the number of cities (three given the cities).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from liangping.core.models import Org, OrgKind, Period
from liangping.core.periods import previous_period_end
from liangping.grading.models import ItemKind, Snapshot, SnapshotItem
from liangping.grading.project_view import LOCKED
from liangping.grading.rules import BLUE, GRADE_LABELS, RED, YELLOW
from liangping.indicators.ranking import change_card, competition_rank, rank_change
from liangping.projects.models import Level, Project

HUNDREDTH = Decimal("0.01")
NO_PERIOD = "暂无已发布期次"


@dataclass
class CityRow:
    city: Org
    period: Period | None = None  # the city's own latest locked or published period
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
    def period_label(self) -> str:
        return self.period.label if self.period is not None else NO_PERIOD

    @property
    def change_card(self) -> str:
        return change_card(rank_change(self.prev_rank, self.rank) if self.rank else None)


@dataclass
class ProvincialRow:
    city: str
    period: str
    item: SnapshotItem

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS.get(self.item.grade, "")


@dataclass
class ProvinceBoard:
    cities: list[CityRow] = field(default_factory=list)
    provincial: list[ProvincialRow] = field(default_factory=list)

    @property
    def any_period(self) -> bool:
        return any(r.period is not None for r in self.cities)


@dataclass
class _Figures:
    """The means of one snapshot's project figures."""

    graded: int = 0
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    values: dict[str, list[Decimal]] = field(default_factory=lambda: defaultdict(list))

    def mean(self, key: str) -> Decimal | None:
        values = self.values.get(key) or []
        return (sum(values, Decimal(0)) / len(values)).quantize(HUNDREDTH, ROUND_HALF_UP) if values else None


def _number(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _order(snapshot: Snapshot) -> tuple[int, int, int, str, int]:
    """Newest first, as `latest_locked_snapshot`: the latest period end, a month before its quarter,
    then the newest version."""
    p = snapshot.period
    return (p.tenant_id or 0, -p.year, -p.month, p.kind, -snapshot.version)


def _current_snapshots(cities: list[Org]) -> tuple[dict[int, Snapshot], dict[int, Snapshot]]:
    """city pk → the newest version of its latest locked period's snapshot, and city pk → that of the
    adjacent earlier locked period of the same kind (when there is one). One query."""
    snapshots = sorted(
        Snapshot.objects.filter(period__tenant_id__in=[c.pk for c in cities], period__status__in=LOCKED)
        .select_related("period")
        .defer("summary"),
        key=_order,
    )
    newest: dict[tuple[int, str, int, int], Snapshot] = {}  # (city, kind, year, month) → newest version
    current: dict[int, Snapshot] = {}
    for snap in snapshots:
        p = snap.period
        assert p.tenant_id is not None
        newest.setdefault((p.tenant_id, p.kind, p.year, p.month), snap)
        current.setdefault(p.tenant_id, snap)
    earlier = {}
    for city, snap in current.items():
        p = snap.period
        before = newest.get((city, p.kind, *previous_period_end(p.kind, p.year, p.month)))
        if before is not None:
            earlier[city] = before
    return current, earlier


def _figures(items: list[SnapshotItem]) -> _Figures:
    out = _Figures()
    for item in items:
        out.graded += 1
        if item.grade in (BLUE, YELLOW, RED):
            out.counts[item.grade] += 1
        for key in ("completion", "time_progress", "gap"):
            value = _number(item.figures.get(key))
            if value is not None:
                out.values[key].append(value)
    return out


def province_board(cities: list[Org] | None = None) -> ProvinceBoard:
    if cities is None:
        cities = list(Org.objects.filter(kind=OrgKind.CITY).order_by("code", "sort", "id"))
    current, earlier = _current_snapshots(cities)
    by_snapshot: dict[int, list[SnapshotItem]] = defaultdict(list)
    wanted = [s.pk for s in current.values()] + [s.pk for s in earlier.values()]
    if wanted:
        for item in SnapshotItem.objects.filter(
            snapshot_id__in=wanted, kind=ItemKind.PROJECT, ref_id__isnull=False
        ).order_by("rank", "code", "id"):
            by_snapshot[item.snapshot_id].append(item)
    refs = [i.ref_id or 0 for s in current.values() for i in by_snapshot[s.pk]]
    levels = dict(Project.objects.filter(pk__in=refs).values_list("pk", "level")) if refs else {}
    rows = {c.pk: CityRow(c) for c in cities}
    provincial = []
    for c in cities:
        snap = current.get(c.pk)
        if snap is None:
            continue
        row = rows[c.pk]
        row.period = snap.period
        items = by_snapshot[snap.pk]
        figures = _figures(items)
        row.graded = figures.graded
        row.blue, row.yellow, row.red = (figures.counts[g] for g in (BLUE, YELLOW, RED))
        row.completion = figures.mean("completion")
        row.time_progress = figures.mean("time_progress")
        row.gap = figures.mean("gap")
        for item in items:
            if levels.get(item.ref_id or 0) == Level.PROVINCIAL:
                row.provincial += 1
                provincial.append(ProvincialRow(row.city.name, snap.period.label, item))
    for pk, rank in competition_rank({pk: r.gap for pk, r in rows.items() if r.gap is not None}).items():
        rows[pk].rank = rank
    before = {city: _figures(by_snapshot[snap.pk]).mean("gap") for city, snap in earlier.items()}
    for pk, rank in competition_rank({pk: gap for pk, gap in before.items() if gap is not None}).items():
        rows[pk].prev_rank = rank
    ordered = sorted(rows.values(), key=lambda r: (r.rank is None, r.rank or 0, r.city.code, r.city.pk))
    return ProvinceBoard(ordered, provincial)

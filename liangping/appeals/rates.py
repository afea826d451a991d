"""三率 of appeals per unit and month, as pure functions over plain rows (no database here).

- 响应率 = appeals accepted (签收) by the lead unit within the response limit / appeals whose
  response was due (accepted, or the response limit has passed) by the as-of time;
- 按时办结率 = appeals finished within the finish limit / appeals whose finish was due (finished, or
  the finish limit has passed);
- 满意率 = (非常满意 + 满意 + 基本满意) / appeals rated at the call back (GB/T 39734 levels); the
  rating of the last 回访 counts (a reopened case is rated again).

An appeal counts in the month it was registered and for the unit that leads it; a town or street
counts for its district (`unit`), the ranking compares districts with districts and departments
with departments, by a 综合得分 = the weighted mean of the three rates (equal weights by default).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from liangping.indicators.ranking import change_card, competition_rank, rank_change

# GB/T 39734-2020 政务服务评价: the five levels, best first.
RATINGS: dict[str, str] = {
    "very_satisfied": "非常满意",
    "satisfied": "满意",
    "basic": "基本满意",
    "unsatisfied": "不满意",
    "very_unsatisfied": "非常不满意",
}
GOOD_RATINGS = frozenset({"very_satisfied", "satisfied", "basic"})
BAD_RATINGS = frozenset({"unsatisfied", "very_unsatisfied"})

DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("响应率", "在响应时限内签收的诉求数 ÷ 应签收的诉求数（已签收，或响应时限已过）"),
    (
        "按时办结率",
        "在办结时限内办结的诉求数 ÷ 应办结的诉求数（已办结，或办结时限已过；延期获批的按延期后的时限）",
    ),
    ("满意率", "（非常满意 + 满意 + 基本满意）÷ 已回访评价的诉求数；重新办理的诉求以最后一次回访为准"),
    ("综合得分", "三率按权重加权平均 × 100（默认三项权重相等）"),
)
DEFAULT_WEIGHTS: Mapping[str, Decimal] = {
    "respond": Decimal(1),
    "on_time": Decimal(1),
    "satisfied": Decimal(1),
}


@dataclass(frozen=True)
class AppealRow:
    """What 三率 needs of one appeal."""

    unit: str  # the ranked unit: a district (for its towns and streets too) or a city department
    unit_kind: str  # "district" | "department"
    registered_at: dt.datetime
    respond_by: dt.datetime | None = None
    responded_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    rating: str = ""  # the last call back's level, "" if not rated


@dataclass
class Tally:
    total: int = 0
    respond_due: int = 0
    responded_in_time: int = 0
    finish_due: int = 0
    finished_in_time: int = 0
    rated: int = 0
    satisfied: int = 0

    def add(self, row: AppealRow, now: dt.datetime) -> None:
        self.total += 1
        if row.responded_at is not None or (row.respond_by is not None and row.respond_by < now):
            self.respond_due += 1
            if row.responded_at is not None and (
                row.respond_by is None or row.responded_at <= row.respond_by
            ):
                self.responded_in_time += 1
        if row.finished_at is not None or (row.due_at is not None and row.due_at < now):
            self.finish_due += 1
            if row.finished_at is not None and (row.due_at is None or row.finished_at <= row.due_at):
                self.finished_in_time += 1
        if row.rating:
            self.rated += 1
            if row.rating in GOOD_RATINGS:
                self.satisfied += 1


def ratio(part: int, whole: int) -> Decimal | None:
    """part / whole, exact; None when nothing was due (shown as —, never as 0 % or 100 %)."""
    return None if whole == 0 else Decimal(part) / Decimal(whole)


@dataclass(frozen=True)
class UnitRates:
    unit: str
    unit_kind: str
    tally: Tally
    respond_rate: Decimal | None
    on_time_rate: Decimal | None
    satisfied_rate: Decimal | None
    score: Decimal | None
    rank: int | None = None
    prev_rank: int | None = None

    @property
    def change(self) -> int | None:
        return None if self.rank is None else rank_change(self.prev_rank, self.rank)

    @property
    def change_card(self) -> str:
        return change_card(self.change)


def composite(
    rates: Iterable[tuple[str, Decimal | None]], weights: Mapping[str, Decimal] | None = None
) -> Decimal | None:
    """Weighted mean × 100 of the rates that exist; None when none does."""
    weights = weights or DEFAULT_WEIGHTS
    num = den = Decimal(0)
    for key, value in rates:
        w = Decimal(weights.get(key, 0))
        if value is not None and w > 0:
            num += w * value
            den += w
    return None if den == 0 else num * 100 / den


def tally_by_unit(rows: Iterable[AppealRow], now: dt.datetime) -> dict[tuple[str, str], Tally]:
    out: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for row in rows:
        out[(row.unit_kind, row.unit)].add(row, now)
    return dict(out)


def unit_rates(
    rows: Iterable[AppealRow],
    now: dt.datetime,
    *,
    previous: Mapping[tuple[str, str], int] | None = None,
    weights: Mapping[str, Decimal] | None = None,
) -> list[UnitRates]:
    """三率 of each unit, ranked by 综合得分 within its kind (competition ranking: 1, 2, 2, 4);
    `previous` = {(kind, unit): rank} of the month before gives the rank change (双亮牌)."""
    tallies = tally_by_unit(rows, now)
    plain: dict[
        tuple[str, str], tuple[Tally, Decimal | None, Decimal | None, Decimal | None, Decimal | None]
    ] = {}
    for key, t in tallies.items():
        r, o, s = (
            ratio(t.responded_in_time, t.respond_due),
            ratio(t.finished_in_time, t.finish_due),
            ratio(t.satisfied, t.rated),
        )
        plain[key] = (t, r, o, s, composite((("respond", r), ("on_time", o), ("satisfied", s)), weights))
    out: list[UnitRates] = []
    for kind in sorted({k for k, _u in plain}):
        scores = {u: v[4] for (k, u), v in plain.items() if k == kind and v[4] is not None}
        ranks = competition_rank(scores)
        members = sorted((u for k, u in plain if k == kind), key=lambda u: (ranks.get(u, 10**6), u))
        for unit in members:
            t, r, o, s, score = plain[(kind, unit)]
            out.append(
                UnitRates(
                    unit=unit,
                    unit_kind=kind,
                    tally=t,
                    respond_rate=r,
                    on_time_rate=o,
                    satisfied_rate=s,
                    score=score,
                    rank=ranks.get(unit),
                    prev_rank=(previous or {}).get((kind, unit)),
                )
            )
    return out


def percent(value: Decimal | None) -> str:
    """A rate as people read it: 96.4%; — when nothing was due."""
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def points(value: Decimal | None) -> str:
    return "—" if value is None else str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

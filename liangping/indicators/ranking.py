"""Ranking the 16 cities: competition ranking (1, 2, 2, 4) by growth, honouring the direction.

Pure functions on plain data: the pages, the API, the exports and the period snapshot all use them.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

GOALS = (10, 5, 3)  # 保十争五奔前三
GOAL_NAMES = {10: "距第十", 5: "距第五", 3: "距第三"}
# How every page, the screen, the disclosure and the exports word a distance (distance_text), and the
# note that explains it wherever distances are listed.
DISTANCE_LEGEND = (
    "距离为增速的百分点：“差 X 个百分点”为落后该位次，“已超 X 个百分点”为已超过该位次，"
    "“已达到”为与该位次持平。目标：保十争五奔前三"
)


def competition_rank(values: Mapping[K, Decimal], *, higher_is_better: bool = True) -> dict[K, int]:
    """1 + the number of entries strictly better than each one: ties share a rank, the next is skipped."""
    ordered = sorted(values.values(), reverse=higher_is_better)
    first_at: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_at.setdefault(value, position)
    return {key: first_at[value] for key, value in values.items()}


def rank_change(previous: int | None, current: int) -> int | None:
    """Positive = 进位 (moved up), negative = 退位, 0 = 持平, None = no earlier rank."""
    return None if previous is None else previous - current


def change_card(change: int | None) -> str:
    """The second card of 双亮牌."""
    if change is None:
        return "—"
    if change > 0:
        return f"↑{change} 进位"
    if change < 0:
        return f"↓{-change} 退位"
    return "— 持平"


def distances_to_goals(
    values: Mapping[K, Decimal], home: K, *, higher_is_better: bool = True, goals: tuple[int, ...] = GOALS
) -> dict[int, Decimal | None]:
    """Points of growth between `home` and the city at place k (positive: behind by that much;
    zero or negative: at or ahead of that place). None when fewer than k cities have values."""
    if home not in values:
        return {k: None for k in goals}
    ordered = sorted(values.values(), reverse=higher_is_better)
    out: dict[int, Decimal | None] = {}
    for k in goals:
        if len(ordered) < k:
            out[k] = None
            continue
        target = ordered[k - 1]
        out[k] = (target - values[home]) if higher_is_better else (values[home] - target)
    return out


def _points(value: Decimal) -> str:
    """One decimal (2.1), or two when one would read 0.0 for a distance that is not zero."""
    text = format(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), "f")
    if text == "0.0":
        text = format(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")
    return text


def distance_text(value: Decimal | None) -> str:
    """A distance of distances_to_goals in words: 差 2.1 个百分点 / 已超 1.0 个百分点 / 已达到 / —."""
    if value is None:
        return "—"
    if value > 0:
        return f"差 {_points(value)} 个百分点"
    if value < 0:
        return f"已超 {_points(-value)} 个百分点"
    return "已达到"

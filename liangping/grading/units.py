"""Unit scores: (2·blue + 1·yellow) / (2·graded) × 100 per district and per department, ranked."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from liangping.grading.compute import GradedProject
from liangping.grading.models import ItemKind, SnapshotItem
from liangping.grading.rules import BLUE, NONE, YELLOW
from liangping.indicators.ranking import competition_rank


def score(blue: int, yellow: int, graded: int, weights: dict[str, Any] | None = None) -> Decimal | None:
    """(b·blue + y·yellow) / (b·graded) × 100, default b = 2, y = 1."""
    if graded == 0:
        return None
    b = Decimal(str((weights or {}).get("blue", 2)))
    y = Decimal(str((weights or {}).get("yellow", 1)))
    return (b * blue + y * yellow) * 100 / (b * graded)


def unit_scores(
    graded: list[GradedProject],
    prev_ranks: dict[tuple[str, int | None, str], int],
    weights: dict[str, Any] | None = None,
) -> list[SnapshotItem]:
    items: list[SnapshotItem] = []
    for kind, attr in ((ItemKind.DISTRICT, "district"), (ItemKind.DEPARTMENT, "department")):
        tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # blue, yellow, red, graded
        for g in graded:
            unit = getattr(g, attr)
            if not unit or g.result.grade == NONE:
                continue
            t = tally[unit]
            t[{BLUE: 0, YELLOW: 1}.get(g.result.grade, 2)] += 1
            t[3] += 1
        scores = {unit: score(t[0], t[1], t[3], weights) for unit, t in tally.items()}
        ranks = competition_rank({u: s for u, s in scores.items() if s is not None})
        for unit, t in sorted(tally.items(), key=lambda kv: ranks.get(kv[0], 999)):
            s = scores[unit]
            items.append(
                SnapshotItem(
                    kind=kind,
                    name=unit,
                    grade="",
                    rank=ranks.get(unit),
                    prev_rank=prev_ranks.get((kind, None, unit)),
                    figures={
                        "score": None if s is None else str(s.quantize(Decimal("0.01"))),
                        "blue": t[0],
                        "yellow": t[1],
                        "red": t[2],
                        "graded": t[3],
                    },
                )
            )
    return items

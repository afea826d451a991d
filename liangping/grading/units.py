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


def blended(grade_score: Decimal | None, appeal_score: Decimal | None, weight: Decimal) -> Decimal | None:
    """(1 − w) × the grade score + w × the appeal 三率 score; either alone when the other is missing."""
    if weight <= 0 or appeal_score is None:
        return grade_score
    if grade_score is None:
        return appeal_score
    return (1 - weight) * grade_score + weight * appeal_score


def unit_scores(
    graded: list[GradedProject],
    prev_ranks: dict[tuple[str, int | None, str], int],
    weights: dict[str, Any] | None = None,
    appeal_scores: dict[tuple[str, str], Decimal] | None = None,
) -> list[SnapshotItem]:
    """`appeal_scores` = {(kind, unit): 三率 综合得分} of the period, counted with the rule set's
    `appeals` weight (DEFAULT 0: not counted)."""
    weight = Decimal(str((weights or {}).get("appeals", "0") or "0"))
    appeal_scores = appeal_scores or {}
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
        grade_scores = {unit: score(t[0], t[1], t[3], weights) for unit, t in tally.items()}
        scores = {u: blended(s, appeal_scores.get((kind, u)), weight) for u, s in grade_scores.items()}
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
                        **(
                            {
                                "grade_score": _q(grade_scores[unit]),
                                "appeal_score": _q(appeal_scores.get((kind, unit))),
                                "appeal_weight": str(weight),
                            }
                            if weight > 0
                            else {}
                        ),
                    },
                )
            )
    return items


def _q(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))

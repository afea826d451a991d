"""Exact sums over a snapshot's project figures, and how the screen and the disclosure write them.

Sums are exact decimals and travel as strings; the display strings are rounded once, here, so the
big screen, the dashboard and the .docx print the same characters for the same number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from liangping.grading.rules import GRADE_LABELS, NONE
from liangping.indicators.ranking import distance_text as distance_text  # the one wording, for data.py

GRADE_KEYS = ("blue", "yellow", "red", NONE)
CARD_LABELS = {"blue": "蓝牌", "yellow": "黄牌", "red": "红牌", NONE: "未评定"}
WAN_PER_YI = Decimal(10000)
CENT = Decimal("0.01")


def dec(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def exact(value: Decimal | None) -> str | None:
    """An exact decimal as a string (no exponent), None kept."""
    return None if value is None else format(value, "f")


def fixed(value: Decimal | None, places: Decimal = CENT) -> str:
    """Rounded half-up for people: 52.31; "—" when there is no number."""
    if value is None:
        return "—"
    return format(value.quantize(places, rounding=ROUND_HALF_UP), "f")


def yi(value_wan: Decimal | None) -> str:
    """万元 → 亿元 with two decimals."""
    return fixed(None if value_wan is None else value_wan / WAN_PER_YI)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    return None if not whole else part * 100 / whole


def points(value: Decimal | None) -> str:
    """A gap in percentage points with its sign: +3.20 / −5.00."""
    if value is None:
        return "—"
    text = fixed(abs(value))
    if text == "0.00":
        return "0.00"
    return ("+" if value > 0 else "−") + text


def relation_text(gap: Decimal | None) -> str:
    """How completion stands against time progress, in words."""
    if gap is None:
        return "暂无时序进度比较"
    text = fixed(abs(gap))
    if text == "0.00":
        return "与时序进度持平"
    return f"{'超过' if gap > 0 else '滞后'}时序进度{text}个百分点"


def grade_label(grade: str) -> str:
    return GRADE_LABELS.get(grade, "")


@dataclass
class Tally:
    """Project counts per colour and the exact plan and investment of the graded ones."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GRADE_KEYS, 0))
    annual_plan: Decimal = Decimal(0)
    ytd_investment: Decimal = Decimal(0)

    def add(self, grade: str, figures: dict[str, Any]) -> None:
        self.counts[grade if grade in self.counts else NONE] += 1
        if grade != NONE:  # graded projects all have a plan > 0; completion is theirs
            self.annual_plan += dec(figures.get("annual_plan")) or Decimal(0)
            self.ytd_investment += dec(figures.get("ytd_investment")) or Decimal(0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def completion(self) -> Decimal | None:
        return percent(self.ytd_investment, self.annual_plan)

    def as_data(self, time_progress: Decimal) -> dict[str, Any]:
        completion = self.completion
        gap = None if completion is None else completion - time_progress
        return {
            "projects": {**self.counts, "total": self.total, "graded": self.total - self.counts[NONE]},
            "annual_plan": exact(self.annual_plan),
            "ytd_investment": exact(self.ytd_investment),
            "completion": exact(completion),
            "time_progress": exact(time_progress),
            "gap": exact(gap),
            "display": {
                "annual_plan": yi(self.annual_plan),
                "ytd_investment": yi(self.ytd_investment),
                "completion": fixed(completion),
                "time_progress": fixed(time_progress),
                "gap": points(gap),
                "relation": relation_text(gap),
            },
        }


def tally(rows: Iterable[tuple[str, dict[str, Any]]]) -> Tally:
    t = Tally()
    for grade, figures in rows:
        t.add(grade, figures)
    return t

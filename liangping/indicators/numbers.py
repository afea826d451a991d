"""Numbers, ranks and periods as the bureau's tables write them, refused with a message that says
what to write instead (CellProblem)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from liangping.sheets.measures import normalize
from liangping.sheets.periods import PeriodError, parse_period
from liangping.sheets.values import as_text

GROWTH_LIMIT = Decimal("100000")  # growth has 10 digits, 4 of them decimals
VALUE_LIMIT = Decimal("100000000000000")


class CellProblem(ValueError):
    pass


def nfkc(text: str) -> str:
    return normalize(text)


def parse_window(value: Any) -> tuple[int, int]:
    """(year, last month) of a period that names its year: 2025年1-6月, 2025-06, 2025Q2, 2025年上半年."""
    try:
        window = parse_period(value)
    except PeriodError as exc:
        raise CellProblem(str(exc)) from exc
    if window.year is None:
        raise CellProblem(f"“{as_text(value)}”没有写年份，请写成 2025年{window.written} 这样带年份的期间")
    return window.year, window.month


def parse_number(value: Any, label: str) -> Decimal:
    """A signed number: 4.1, "4.1%", "-2.3", "－2.3", "1,234.5"; never a float's binary noise."""
    if isinstance(value, bool):
        raise CellProblem(f"{label}“{value}”不是数字")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = nfkc(as_text(value)).replace(",", "").removesuffix("%").replace("−", "-")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise CellProblem(f"{label}“{as_text(value)}”不是数字，请填写如 4.1 或 -2.3") from exc
    if not number.is_finite():
        raise CellProblem(f"{label}“{as_text(value)}”不是数字")
    return number


def fit(number: Decimal, label: str, limit: Decimal, places: str = "0.0001") -> Decimal:
    """Stored with a fixed number of decimals; refuse what the column cannot hold."""
    if abs(number) >= limit:
        raise CellProblem(f"{label}“{number}”超出范围，请核对单位")
    return number.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def parse_rank(value: Any) -> int:
    text = nfkc(as_text(value)).removeprefix("第").removesuffix("名").removesuffix("位")
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not text.isdigit() or not 1 <= int(text) <= 999:
        raise CellProblem(f"位次“{as_text(value)}”不是正整数，请填写如 3")
    return int(text)

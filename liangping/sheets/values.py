"""Cell values as people type them → exact Decimal 万元, first-of-month dates, clean text.

Each converter raises CellError with a Chinese message that says what to write instead.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
MONEY_LIMIT = Decimal("1e14")  # DecimalField(max_digits=16, decimal_places=2)
UNIT_FACTORS: dict[str, Decimal] = {"万元": Decimal(1), "亿元": Decimal(10000), "元": Decimal("0.0001")}
CELL_UNITS: dict[str, Decimal] = {**UNIT_FACTORS, "万": Decimal(1), "亿": Decimal(10000)}
CELL_UNIT_RE = re.compile(r"^(.*?)(万元|亿元|万|亿|元)$")
EXCEL_EPOCH = dt.date(1899, 12, 30)
DATE_FORMS = "2025-03、2025年3月、2025.3 或 2025/03/15"
YEAR_MONTH = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?(?:份)?$")
FULL_DATE = re.compile(
    r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
INJECTION_PREFIXES = ("=", "+", "-", "@")


class CellError(ValueError):
    """A cell that cannot be read; the message is for the person who fixes the file."""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def nfkc(text: str) -> str:
    """Full-width → half-width, surrounding spaces removed."""
    return unicodedata.normalize("NFKC", text).strip()


def as_text(value: Any) -> str:
    """Text as shown: 1001.0 (a number cell holding a code or a phone) → "1001"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def shown(value: Any, limit: int = 30) -> str:
    text = as_text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def as_money(value: Any, factor: Decimal = Decimal(1)) -> Decimal | None:
    """An amount in 万元, exact to the cent. `factor` converts the column's unit (亿元 → ×10000).

    Floats from calamine go through repr() (the shortest string that reads back the same float),
    so 1200.5 becomes Decimal("1200.5"), never 1200.499999….
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(f"“{shown(value)}”不是有效的金额，请填写数字（如 1200.50）")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise CellError("金额不是有效的数字，请填写数字（如 1200.50）")
        amount = Decimal(repr(value))
    elif isinstance(value, str):
        amount, factor = _parse_money_text(value, factor)
    else:
        raise CellError(f"“{shown(value)}”不是有效的金额，请填写数字（如 1200.50）")
    if amount < 0:
        raise CellError(f"金额不能为负数（{shown(value)}），请填写 0 或正数")
    amount *= factor
    # Compared before rounding too: quantize() cannot hold an amount of more than 28 digits.
    if amount >= MONEY_LIMIT or amount.quantize(CENT, rounding=ROUND_HALF_UP) >= MONEY_LIMIT:
        raise CellError(f"金额 {shown(value)} 过大，请核对单位（万元/亿元/元）")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _parse_money_text(text: str, factor: Decimal) -> tuple[Decimal, Decimal]:
    clean = "".join(nfkc(text).split()).replace(",", "")
    match = CELL_UNIT_RE.match(clean)
    if match and match.group(1):
        clean, factor = match.group(1), CELL_UNITS[match.group(2)]
    try:
        amount = Decimal(clean)
    except InvalidOperation as exc:
        raise CellError(f"“{shown(text)}”不是有效的金额，请填写数字（如 1200.50）") from exc
    if not amount.is_finite():
        raise CellError(f"“{shown(text)}”不是有效的金额，请填写数字（如 1200.50）")
    return amount, factor


def as_month(value: Any) -> dt.date | None:
    """A date at month precision: the first day of the month written (Excel date or text)."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    if isinstance(value, bool):
        raise CellError(f"“{shown(value)}”不是有效的日期，请写成 {DATE_FORMS}")
    if isinstance(value, int | float):
        return _month_from_number(value)
    if isinstance(value, str):
        return _month_from_text(value)
    raise CellError(f"“{shown(value)}”不是有效的日期，请写成 {DATE_FORMS}")


def _month(year: int, month: int, day: int = 1, written: Any = "") -> dt.date:
    try:
        if not 1900 <= year <= 2100:
            raise ValueError
        return dt.date(year, month, day).replace(day=1)
    except ValueError as exc:
        raise CellError(f"“{shown(written)}”不是有效的日期，请写成 {DATE_FORMS}") from exc


def _month_from_number(value: float) -> dt.date:
    if isinstance(value, float) and not math.isfinite(value):
        raise CellError(f"日期无效，请写成 {DATE_FORMS}")
    if isinstance(value, float) and not value.is_integer():
        # 2025.3 typed into a number cell: year.month
        year_text, _, month_text = repr(value).partition(".")
        if 1900 <= int(year_text) <= 2100 and len(month_text) <= 2:
            return _month(int(year_text), int(month_text), written=value)
        raise CellError(f"“{shown(value)}”不是有效的日期，请写成 {DATE_FORMS}")
    number = int(value)
    if 20000 <= number <= 80000:  # an Excel serial date (1954–2119) in a cell not formatted as a date
        return (EXCEL_EPOCH + dt.timedelta(days=number)).replace(day=1)
    return _month_from_text(str(number))


def _month_from_text(text: str) -> dt.date:
    clean = nfkc(text)
    for pattern in (YEAR_MONTH, FULL_DATE, COMPACT):
        match = pattern.match(clean)
        if match:
            year, month, day = (
                match.group(1),
                match.group(2),
                match.group(3) if pattern is not YEAR_MONTH else None,
            )
            return _month(int(year), int(month), int(day or 1), written=text)
    raise CellError(f"“{shown(text)}”不是有效的日期，请写成 {DATE_FORMS}")


def injection_prefix(value: Any) -> str | None:
    """The leading = + - @ of a text cell that a spreadsheet program could run as a formula."""
    if isinstance(value, str):
        text = nfkc(value)
        if text.startswith(INJECTION_PREFIXES):
            return text[0]
    return None

"""Periods (考核期): a month (2025-06) or a quarter (2025Q2), with the lifecycle open → locked → published."""

from __future__ import annotations

import calendar
import datetime as dt
import re

QUARTER_NAMES = "一二三四"
_MONTH = re.compile(r"^\s*(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*月?\s*$")
_QUARTER = re.compile(r"^\s*(\d{4})\s*(?:Q|q|年第)\s*([1-4一二三四])\s*(?:季度)?\s*$")


class PeriodCodeError(ValueError):
    pass


def parse_period_code(text: str) -> tuple[str, int, int]:
    """(kind, year, end month) of "2025-06", "2025年6月", "2025Q2" or "2025年第二季度"."""
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise PeriodCodeError(f"月份 {month} 不存在")
        return "month", year, month
    if m := _QUARTER.match(text):
        q = m[2]
        quarter = QUARTER_NAMES.index(q) + 1 if q in QUARTER_NAMES else int(q)
        return "quarter", int(m[1]), quarter * 3
    raise PeriodCodeError(f"无法识别考核期“{text}”：请写成 2025-06（月）或 2025Q2（季度）")


def period_code(kind: str, year: int, month: int) -> str:
    return f"{year}-{month:02d}" if kind == "month" else f"{year}Q{month // 3}"


def period_label(kind: str, year: int, month: int) -> str:
    if kind == "month":
        return f"{year}年{month}月"
    return f"{year}年第{QUARTER_NAMES[month // 3 - 1]}季度"


def previous_period_end(kind: str, year: int, month: int) -> tuple[int, int]:
    """(year, end month) of the adjacent earlier period of the same kind: 2026Q1 before 2026Q2,
    2025-12 before 2026-01."""
    month -= 1 if kind == "month" else 3
    return (year - 1, month + 12) if month < 1 else (year, month)


def period_bounds(kind: str, year: int, month: int) -> tuple[dt.date, dt.date]:
    first_month = month if kind == "month" else month - 2
    return dt.date(year, first_month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])

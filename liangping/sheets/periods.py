"""Periods as statistics tables write them → the cumulative window January → month of a year.

Pure functions, no database: 2022年1-6月, 1—6月, 上半年, 前三季度, 2021年第二季度, 2022年4季度, 三季度,
201902, 2023, 2025-06, 2025Q2, 2016年8月地方数据上报情况 (a label that starts with its period) …
A quarter is the window up to its last month (一季度 → 1-3月), as the bureau's cumulative tables count;
a year alone is the whole year. A spelling without a year gives `year=None`; `fill_years` takes the
year from the labels around it and says so.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

YEARS = (1949, 2100)
FORMS = "2022年1-6月、2022年6月、2022年上半年、2022年第二季度、2022Q2、2022-06 或 2022"
CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
QUARTER_END = {1: 3, 2: 6, 3: 9, 4: 12}
NAMED = {"上半年": 6, "前三季度": 9, "全年": 12, "年度": 12, "前两季度": 6, "一至四季度": 12, "1-4季度": 12}
DASHES = "—–－~～〜至到"

_NUM = r"(\d{1,2}|十[一二]?|[一二两三四五六七八九十])"
_YEAR = r"(?:(\d{4})年?)?"
PATTERNS = [
    ("range", re.compile(rf"^{_YEAR}(?:1|01|一)月?-{_NUM}月(?:份)?$")),
    ("range", re.compile(rf"^{_YEAR}(?:1|01|一)-{_NUM}$")),
    ("quarter", re.compile(rf"^{_YEAR}第?([1-4一二三四])季度?$")),
    ("quarter", re.compile(r"^(\d{4})[Qq]([1-4])$")),
    ("named", re.compile(rf"^{_YEAR}({'|'.join(NAMED)})$")),
    ("month", re.compile(rf"^{_YEAR}{_NUM}月(?:份)?$")),
    ("month", re.compile(r"^(\d{4})[-/.](\d{1,2})$")),
    ("compact", re.compile(r"^(\d{4})(\d{2})$")),
    ("year", re.compile(r"^(\d{4})年?(?:度)?$")),
]
# A range that does not start in January, a half that is not cumulative: refused with a hint.
NOT_CUMULATIVE = re.compile(rf"^{_YEAR}(?:([2-9]|1[0-2]|[二三四五六七八九十])月?-{_NUM}月|下半年)$")
# Where a period starts inside a longer text (a title, a label with words after it).
SEARCH = re.compile(
    r"(\d{4}年(?:(?:1|01|一)月?[-—–－~～〜至到](?:\d{1,2}|十[一二]?|[一二三四五六七八九十])月"
    r"|第?[1-4一二三四]季度|上半年|前三季度|全年|(?:\d{1,2}|十[一二]?|[一二三四五六七八九十])月)?)"
)


class PeriodError(ValueError):
    """A text that is not a period; the message says what to write."""


@dataclass(frozen=True)
class Window:
    """January → `month` of `year`; `year` None when the text did not say (三季度, 1-6月)."""

    year: int | None
    month: int
    written: str = ""

    @property
    def label(self) -> str:
        year = f"{self.year}年" if self.year is not None else ""
        return f"{year}1月" if self.month == 1 else f"{year}1-{self.month}月"

    def with_year(self, year: int) -> Window:
        return Window(year, self.month, self.written)


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + (CN_DIGITS[text[1]] if len(text) > 1 else 0)
    return CN_DIGITS[text]


def _clean(text: str) -> str:
    text = "".join(unicodedata.normalize("NFKC", text).split())
    for dash in DASHES:
        text = text.replace(dash, "-")
    return text.replace("月份", "月").replace("1月-", "1-").replace("一月-", "1-")


def _year(text: str | None, written: str) -> int | None:
    if text is None:
        return None
    year = int(text)
    if not YEARS[0] <= year <= YEARS[1]:
        raise PeriodError(f"“{written}”中的年份 {year} 不在 {YEARS[0]}—{YEARS[1]} 年之间，请核对")
    return year


def _month(month: int, written: str) -> int:
    if not 1 <= month <= 12:
        raise PeriodError(f"“{written}”中的月份 {month} 不存在，请写 1 到 12 月")
    return month


def parse_period(value: Any, *, quarterly: bool = False) -> Window:
    """The window a cell, a label or an option names. `quarterly` (a column headed 季度) reads
    201902 as 2019年第2季度 rather than February. PeriodError for anything else."""
    if isinstance(value, dt.datetime | dt.date):
        return Window(value.year, value.month, value.isoformat()[:7])
    if isinstance(value, bool) or value is None:
        raise PeriodError(f"期间不能为空，请写成 {FORMS}")
    if isinstance(value, float):
        if not value.is_integer():  # 2025.6 typed into a number cell
            whole, _, part = repr(value).partition(".")
            return parse_period(f"{whole}-{part}", quarterly=quarterly)
        value = int(value)
    if isinstance(value, int | Decimal):
        value = str(value)
    written: str = str(value).strip()
    text = _clean(written)
    if not text:
        raise PeriodError(f"期间不能为空，请写成 {FORMS}")
    if NOT_CUMULATIVE.match(text):
        raise PeriodError(
            f"“{written}”不是从1月起的累计期间，排名按累计数比较：请写成 1-6月、上半年 等从1月起的期间"
        )
    for kind, pattern in PATTERNS:
        m = pattern.match(text)
        if m is None:
            continue
        year = _year(m[1], written)
        if kind == "range" or kind == "month":
            return Window(year, _month(_number(m[2]), written), written)
        if kind == "quarter":
            return Window(year, QUARTER_END[_number(m[2])], written)
        if kind == "named":
            return Window(year, NAMED[m[2]], written)
        if kind == "compact":
            if quarterly:
                quarter = int(m[2])
                if quarter not in QUARTER_END:
                    raise PeriodError(
                        f"“{written}”的季度 {quarter} 不存在（季度列写作 201902 表示2019年第2季度）"
                    )
                return Window(year, QUARTER_END[quarter], written)
            return Window(year, _month(int(m[2]), written), written)
        return Window(year, 12, written)
    raise PeriodError(f"无法识别期间“{written}”，请写成 {FORMS}")


def label_period(value: Any, *, quarterly: bool = False) -> Window:
    """A row label's period: the label itself, or a label that starts with one and goes on in words
    (2016年8月地方数据上报情况); a label with other digits after its period is refused."""
    try:
        return parse_period(value, quarterly=quarterly)
    except PeriodError:
        if not isinstance(value, str):
            raise
        text = "".join(unicodedata.normalize("NFKC", value).split())
        m = SEARCH.match(text)
        rest = text[m.end() :] if m is not None else ""
        if m is None or not m.group(1) or any(ch.isdigit() or ch in "年月季度第" for ch in rest):
            raise
        return parse_period(m.group(1), quarterly=quarterly)


def find_period(text: str) -> Window | None:
    """The first period with a year inside a title (「2022年1-6月全省各市主要经济指标」), else None."""
    clean = "".join(unicodedata.normalize("NFKC", text).split())
    for m in SEARCH.finditer(clean):
        try:
            return parse_period(m.group(1))
        except PeriodError:
            continue
    return None


def fill_years(windows: list[Window | None]) -> list[tuple[Window | None, str]]:
    """Years for labels that lack one (三季度 under 2023年一季度), from the nearest labels with a year
    above or below, the months running in order: (window, note) pairs, note "" where nothing was
    filled, the reason where a year was taken, PeriodError's message where none fits."""
    known = [(w.year, w.month) for w in windows if w is not None and w.year is not None]
    descending = sum((b > a) - (b < a) for a, b in itertools.pairwise(known)) < 0
    out: list[tuple[Window | None, str]] = []
    for i, window in enumerate(windows):
        if window is None or window.year is not None:
            out.append((window, ""))
            continue
        before = next((w for w in reversed(windows[:i]) if w is not None and w.year is not None), None)
        after = next((w for w in windows[i + 1 :] if w is not None and w.year is not None), None)
        chosen, source = None, ""
        for candidate, where in ((before, "上方"), (after, "下方")):
            if candidate is None or candidate.year is None:
                continue
            filled = window.with_year(candidate.year)
            if _in_order(before, filled, after, descending):
                chosen, source = filled, f"{where}的“{candidate.written or candidate.label}”"
                break
        if chosen is None:
            out.append(
                (
                    None,
                    f"“{window.written}”没有写年份，且无法从上下行确定，"
                    f"请写明年份（如 2023年{window.written}）",
                )
            )
        else:
            out.append((chosen, f"“{window.written}”没有写年份，按{source}取为{chosen.label}"))
    return out


def _in_order(before: Window | None, filled: Window, after: Window | None, descending: bool) -> bool:
    key = lambda w: (w.year or 0, w.month)  # noqa: E731
    sequence = [key(w) for w in (before, filled, after) if w is not None]
    if descending:
        sequence.reverse()
    return all(a < b for a, b in itertools.pairwise(sequence))

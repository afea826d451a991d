"""Header cells of statistics tables: a name, what is measured and the unit, as in GDP(亿元),
规上工业增加值增速(%), 第一产业(亿), 环翠区（亿元）, or 总量 / 增速 / 位次 under a merged indicator.

`split_header` is a pure function; `unit_factor` converts between units of one family (亿元 ↔ 万元,
亿千瓦时 ↔ 万千瓦时) exactly, and refuses units it cannot convert.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from liangping.sheets.values import as_text

VALUE, GROWTH, RANK = "value", "growth", "rank"
MEASURE_NAMES = {VALUE: "总量", GROWTH: "增速", RANK: "位次"}
# Longest first: 同比增长 before 增长.
MEASURE_WORDS: list[tuple[str, str]] = sorted(
    [
        *((w, GROWTH) for w in ("增速", "增长", "增幅", "增长率", "同比增长", "同比增速", "同比", "增减")),
        *((w, GROWTH) for w in ("比上年增长", "比上年同期增长", "同比增长率", "增长速度", "增速(%)")),
        *(
            (w, RANK)
            for w in ("位次", "排名", "排位", "名次", "全省位次", "全省排名", "全市位次", "全市排名")
        ),
        *((w, VALUE) for w in ("总量", "绝对值", "累计", "累计值", "本期", "本期数", "数值", "完成值")),
        *((w, VALUE) for w in ("本年累计", "累计完成")),
    ],
    key=lambda pair: -len(pair[0]),
)
# unit → (family, scale). A bare 万/亿 has no family: it takes the indicator's.
UNITS: dict[str, tuple[str, Decimal]] = {
    "元": ("元", Decimal(1)),
    "万元": ("元", Decimal(10) ** 4),
    "亿元": ("元", Decimal(10) ** 8),
    "美元": ("美元", Decimal(1)),
    "万美元": ("美元", Decimal(10) ** 4),
    "亿美元": ("美元", Decimal(10) ** 8),
    "千瓦时": ("千瓦时", Decimal(1)),
    "万千瓦时": ("千瓦时", Decimal(10) ** 4),
    "亿千瓦时": ("千瓦时", Decimal(10) ** 8),
    "万": ("", Decimal(10) ** 4),
    "亿": ("", Decimal(10) ** 8),
    "%": ("%", Decimal(1)),
}
_UNIT_ALT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
BRACKETED = re.compile(rf"^(.*?)[(\[【]\s*(?:单位[:：])?\s*({_UNIT_ALT})\s*[)\]】]$")
TRAILING_PERCENT = re.compile(r"^(.*?)%$")
NOTE_UNIT = re.compile(rf"单位[:：]\s*({_UNIT_ALT})")
SEPARATORS = "-_·/、:："


@dataclass(frozen=True)
class Header:
    name: str  # what remains: an indicator, a place, or "" for a bare 总量 / 增速
    measure: str  # VALUE, GROWTH, RANK, or "" when the header does not say
    unit: str | None


def normalize(text: Any) -> str:
    """Full-width → half-width, all whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", as_text(text)).split()).strip("*※")


def split_header(text: Any) -> Header:
    """GDP(亿元) → (GDP, "", 亿元); 地区生产总值增速(%) → (地区生产总值, growth, %);
    总量 → ("", value, None)."""
    name = normalize(text)
    unit = None
    if m := BRACKETED.match(name):
        name, unit = m[1], m[2]
    elif m := TRAILING_PERCENT.match(name):
        name, unit = m[1], "%"
    measure = ""
    name = name.strip(SEPARATORS)
    for word, kind in MEASURE_WORDS:
        if name.endswith(word):
            name, measure = name[: -len(word)].strip(SEPARATORS), kind
            break
    if not measure and unit == "%":
        measure = GROWTH
    if measure == GROWTH and unit is None:
        unit = "%"
    return Header(name, measure, unit)


def note_unit(rows: list[list[Any]]) -> str | None:
    """The unit of a note row such as 「单位：亿元」 above a table."""
    for row in rows:
        for cell in row:
            if isinstance(cell, str) and "单位" in cell:
                if m := NOTE_UNIT.search(normalize(cell)):
                    return m[1]
    return None


class UnitError(ValueError):
    pass


def unit_factor(written: str | None, target: str) -> Decimal:
    """What a value in `written` is multiplied by to be in `target` (the catalogue's unit). No unit
    written: the target's. UnitError if the two are not of one family (万千瓦时 for an amount in 亿元)."""
    if written is None or written == target or not target:
        return Decimal(1)
    if written not in UNITS or target not in UNITS:
        raise UnitError(f"单位“{written}”无法换算为“{target}”")
    family, scale = UNITS[written]
    target_family, target_scale = UNITS[target]
    if family and family != target_family:
        raise UnitError(f"单位“{written}”与“{target}”不是同一类单位，无法换算")
    return scale / target_scale

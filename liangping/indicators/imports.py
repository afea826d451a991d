"""The provincial indicator table importer: 指标名称, 地区, 期间, 数值, 增速(%) (DOMAIN §8, §10).

Refused whole, row and column named: an unknown city (莱芜 is not a city since 2019), an unknown
indicator, the same city twice for one indicator and period, a growth rate that is not a number.
Idempotent by (indicator, city, period); every created or changed value is audited.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from liangping.core.audit import diff
from liangping.indicators.models import City, Indicator, IndicatorValue
from liangping.sheets.bulk import audit_entry, insert_rows, record_many, update_rows
from liangping.sheets.registry import Importer, register_importer
from liangping.sheets.rows import Row
from liangping.sheets.runner import ImportContext
from liangping.sheets.table import ColumnSpec
from liangping.sheets.values import as_text, is_blank

_GROWTH_BASES = ("增速", "增长", "增幅", "增长率", "同比增长", "同比增速", "比上年增长", "比上年同期增长")
GROWTH_NAMES = tuple(
    f"{b}{suffix}" for b in _GROWTH_BASES for suffix in ("", "(%)", "%", "(％)") if f"{b}{suffix}" != "增速"
)
COLUMNS = (
    ColumnSpec("indicator", "指标名称", ("指标", "主要指标", "指标名"), required=True, key=True),
    ColumnSpec("city", "地区", ("城市", "市", "设区市", "地市"), required=True, key=True),
    ColumnSpec("period", "期间", ("时期", "统计期", "报告期", "月份", "年月"), required=True),
    ColumnSpec("value", "数值", ("绝对值", "总量", "累计", "本期数")),
    ColumnSpec("growth", "增速", GROWTH_NAMES, required=True),
)
MERGED = {"莱芜": "莱芜已于2019年并入济南，请改为“济南”"}
QUARTER_END = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}
_RANGE = re.compile(r"^(\d{4})年?(?:1|01)?[-－~至到](\d{1,2})月?$")
_MONTH = re.compile(r"^(\d{4})(?:年|[-/.])(\d{1,2})月?$")
_QUARTER = re.compile(r"^(\d{4})年?(?:第?([一二三四1-4])季度|[Qq]([1-4]))$")
_HALF = re.compile(r"^(\d{4})年?(上半年|全年|前三季度)$")
HALVES = {"上半年": 6, "前三季度": 9, "全年": 12}
GROWTH_LIMIT = Decimal("100000")  # growth has 10 digits, 4 of them decimals
VALUE_LIMIT = Decimal("100000000000000")


class CellProblem(ValueError):
    pass


def nfkc(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def parse_window(value: Any) -> tuple[int, int]:
    """(year, last month) of the cumulative window: 2025年1-6月, 2025-06, 2025年6月, 2025Q2, 2025年上半年."""
    if isinstance(value, dt.datetime | dt.date):
        return value.year, value.month
    text = nfkc(as_text(value)).replace("年1月-", "年1-").replace("年1月至", "年1-")
    for pattern in (_RANGE, _MONTH):
        if m := pattern.match(text):
            year, month = int(m[1]), int(m[2])
            if 1 <= month <= 12:
                return year, month
            raise CellProblem(f"“{value}”中的月份 {month} 不存在")
    if m := _QUARTER.match(text):
        return int(m[1]), QUARTER_END[m[2] or m[3]]
    if m := _HALF.match(text):
        return int(m[1]), HALVES[m[2]]
    raise CellProblem(f"无法识别期间“{value}”，请写成 2025年1-6月、2025-06 或 2025Q2")


def parse_number(value: Any, label: str) -> Decimal:
    """A signed number: 4.1, "4.1%", "-2.3", "－2.3"; never a float's binary noise."""
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


def fit(number: Decimal, label: str, limit: Decimal) -> Decimal:
    """Stored with four decimals; refuse what the column cannot hold."""
    if abs(number) >= limit:
        raise CellProblem(f"{label}“{number}”超出范围，请核对单位")
    return number.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


class IndicatorIndex:
    """Indicators and cities by every name they are written with."""

    def __init__(self) -> None:
        self.indicators: dict[str, Indicator] = {}
        for ind in Indicator.objects.all():
            for name in (ind.name, *ind.synonym_list()):
                self.indicators[nfkc(name)] = ind
        self.cities: dict[str, City] = {}
        for city in City.objects.all():
            for name in (
                city.name,
                f"{city.name}市",
                *[a.strip() for a in city.aliases.split(",") if a.strip()],
            ):
                self.cities[nfkc(name)] = city

    def city(self, written: str) -> City | None:
        name = nfkc(written)
        return self.cities.get(name) or self.cities.get(name.removesuffix("市"))


def import_indicators(ctx: ImportContext) -> None:
    r, index = ctx.reader, IndicatorIndex()
    seen: dict[tuple[int, int, int, int], int] = {}
    parsed: list[tuple[Indicator, City, int, int, Decimal | None, Decimal]] = []
    rows = ctx.table.rows
    for i, row in enumerate(rows, start=1):
        name, written_city = r.key(row, "indicator", max_length=60), r.key(row, "city", max_length=20)
        indicator = index.indicators.get(nfkc(name)) if name else None
        if name and indicator is None:
            r.error(row, "indicator", f"未知指标“{name}”：请使用指标目录中的名称或其同义名称")
        city = index.city(written_city) if written_city else None
        if written_city and city is None:
            hint = MERGED.get(
                nfkc(written_city).removesuffix("市"), "请填写山东省16市之一（如 青岛 或 青岛市）"
            )
            r.error(row, "city", f"“{written_city}”不是山东省16市之一：{hint}")
        window = _cell(row, r, "period", parse_window, required=True)
        growth = _cell(
            row, r, "growth", lambda v: fit(parse_number(v, "增速"), "增速", GROWTH_LIMIT), required=True
        )
        value = _cell(row, r, "value", lambda v: fit(parse_number(v, "数值"), "数值", VALUE_LIMIT))
        ok = indicator is not None and city is not None and window is not None and growth is not None
        if ok and indicator and city and window:
            key = (indicator.pk, city.pk, *window)
            if key in seen:
                r.error(
                    row,
                    "city",
                    f"{city.name}的“{indicator.name}”在{window[0]}年1-{window[1]}月"
                    f"与第{seen[key]}行重复，请只保留一行",
                )
            else:
                seen[key] = row[0]
                parsed.append((indicator, city, window[0], window[1], value, growth))  # type: ignore[arg-type]
        if i % 500 == 0:
            ctx.progress(i, len(rows))
    ctx.progress(len(rows), len(rows))
    _write(ctx, parsed)


def _cell(row: Row, r: Any, field: str, parse: Any, required: bool = False) -> Any:
    raw = r.raw(row, field)
    if is_blank(raw):
        if required and r.has(field):
            r.error(row, field, f"“{r.header(field)}”不能为空，请填写")
        return None
    try:
        return parse(raw)
    except CellProblem as exc:
        r.error(row, field, str(exc))
        return None


def _write(
    ctx: ImportContext, parsed: list[tuple[Indicator, City, int, int, Decimal | None, Decimal]]
) -> None:
    windows = {(y, m) for _i, _c, y, m, _v, _g in parsed}
    existing: dict[tuple[int, int, int, int], IndicatorValue] = {}
    for y, m in windows:
        for v in IndicatorValue.objects.at(y, m):
            existing[(v.indicator_id, v.city_id, y, m)] = v
    creates, updates, entries = [], [], []
    for indicator, city, y, m, value, growth in parsed:
        current = existing.get((indicator.pk, city.pk, y, m))
        if current is None:
            creates.append(
                IndicatorValue(
                    indicator=indicator,
                    city=city,
                    year=y,
                    month=m,
                    value=value,
                    growth=growth,
                    updated_by=ctx.actor,
                )
            )
        elif current.growth != growth or current.value != value:
            changes = diff(
                {"growth": str(current.growth), "value": _s(current.value)},
                {"growth": str(growth), "value": _s(value)},
            )
            current.growth, current.value, current.updated_by = growth, value, ctx.actor
            current.indicator, current.city = indicator, city
            updates.append(current)
            entries.append((current, changes))
    ctx.result.created, ctx.result.updated = len(creates), len(updates)
    ctx.result.unchanged = len(parsed) - len(creates) - len(updates)
    if not ctx.writes:
        return
    insert_rows(IndicatorValue, creates)
    update_rows(IndicatorValue, updates, ["growth", "value", "updated_by"])
    ids = {
        (v.indicator_id, v.city_id, v.year, v.month): v.pk
        for y, m in windows
        for v in IndicatorValue.objects.at(y, m)
    }
    for v in creates:
        v.pk = ids[(v.indicator_id, v.city_id, v.year, v.month)]
        entries.append((v, {"growth": [None, str(v.growth)], "value": [None, _s(v.value)]}))
    record_many([audit_entry(ctx.actor, "indicator.import", v, ch, ctx.reason) for v, ch in entries])


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def register() -> None:
    register_importer(
        Importer(
            "indicators",
            "经济指标",
            COLUMNS,
            import_indicators,
            "按指标、城市和期间新增或更新全省16市指标数据；同一文件重复导入不会产生任何变化。",
            model="indicators.indicatorvalue",
        )
    )

"""The indicator importer: the bureau's tables in any of four layouts (layouts.py) → values of the 16
cities or of the home city's districts (DOMAIN §8, §10).

Refused whole, row and column named: an unknown indicator or place (莱芜 merged into 济南 in 2019), a
city and a district in one table, the same place, indicator and period twice, a number that is not
one, a unit that cannot be converted. Values that look wrong but may be right (checks.py) are refused
until the person confirms them. Idempotent by (indicator, place, period); every created or changed
value is audited. A value the file leaves blank keeps what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from liangping.indicators import checks, layouts
from liangping.indicators.finding import COLUMNS, IndicatorIndex, locate_indicators
from liangping.indicators.layouts import LONG, PERIODS, PLACES, Record
from liangping.indicators.models import Indicator
from liangping.indicators.numbers import GROWTH_LIMIT, VALUE_LIMIT, CellProblem, fit, parse_number, parse_rank
from liangping.indicators.places import CITY, DISTRICT, TOTAL, PlaceIndex, home_tenant
from liangping.indicators.writes import Entry, write_entries
from liangping.sheets.errors import Issue
from liangping.sheets.measures import GROWTH, RANK, VALUE, UnitError, unit_factor
from liangping.sheets.periods import PeriodError, Window, fill_years, find_period, label_period, parse_period
from liangping.sheets.registry import Importer, register_importer
from liangping.sheets.runner import ImportContext
from liangping.sheets.values import as_text, injection_prefix, is_blank

OPTIONS = ("layout", "period", "indicator", "confirm", "file_ranks")
MEASURE_LABEL = {VALUE: "总量", GROWTH: "增速", RANK: "位次"}


# -- reading the records ---------------------------------------------------------------------------


def _long_records(ctx: ImportContext) -> list[Record]:
    """The long table's rows as records, the same shape as a wide table's cells."""
    r, out = ctx.reader, []
    for row in ctx.table.rows:
        indicator, city = r.key(row, "indicator", max_length=60), r.key(row, "city", max_length=20)
        period = r.raw(row, "period")
        if is_blank(period) and r.has("period"):
            r.error(row, "period", f"“{r.header('period')}”不能为空，请填写")
        if not indicator or not city:
            continue
        for measure, fieldname in ((VALUE, "value"), (GROWTH, "growth"), (RANK, "rank")):
            raw = r.raw(row, fieldname)
            if is_blank(raw):
                if fieldname == "growth" and r.has("growth"):
                    r.error(row, "growth", f"“{r.header('growth')}”不能为空，请填写")
                continue
            col = ctx.table.columns[fieldname]
            unit = "%" if measure == GROWTH else (None if measure == RANK else _unit_of(col.header))
            out.append(
                Record(
                    row[0],
                    col.header,
                    raw,
                    city,
                    (row[0], r.header("city")),
                    indicator,
                    (row[0], r.header("indicator")),
                    measure,
                    unit,
                    period,
                    (row[0], r.header("period")),
                )
            )
    return out


def _unit_of(header: str) -> str | None:
    from_header = layouts.split_header(header)
    return from_header.unit


@dataclass
class Resolver:
    ctx: ImportContext
    index: IndicatorIndex = field(default_factory=IndicatorIndex)
    places: PlaceIndex = field(init=False)
    said: set[tuple[int | None, str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.places = PlaceIndex(home_tenant(self.ctx.actor))

    def error(self, at: tuple[int | None, str], message: str, *, confirm: bool = False) -> None:
        key = (at[0], at[1], message)
        if key not in self.said:
            self.said.add(key)
            self.ctx.result.errors.append(Issue(at[0], at[1], message, confirm))

    def warn(self, at: tuple[int | None, str], message: str) -> None:
        key = (at[0], at[1], "w" + message)
        if key not in self.said:
            self.said.add(key)
            self.ctx.result.warnings.append(Issue(at[0], at[1], message))


def _fixed_window(res: Resolver) -> Window | None:
    """The period of a table without a period column: --period, else the title."""
    options, table = res.ctx.options, res.ctx.table
    titled = next((w for t in table.meta.get("title", []) if (w := find_period(t)) is not None), None)
    if options.get("period"):
        try:
            given = parse_period(options["period"])
        except PeriodError as exc:
            res.error((None, "--period"), str(exc))
            return None
        if given.year is None:
            res.error((None, "--period"), f"指定的期间“{options['period']}”没有写年份，请写成如 2022-06")
            return None
        if titled is not None and (titled.year, titled.month) != (given.year, given.month):
            res.warn((None, "标题"), f"标题写的是{titled.label}，按指定的期间取为{given.label}")
        return given
    if titled is None:
        res.error(
            (None, "期间"),
            "文件中没有期间：请在标题中写明（如“2022年1-6月全省各市主要经济指标”），"
            "或指定期间（命令行加 --period 2022-06，网页上在预览页填写“期间”）",
        )
    return titled


def _windows(res: Resolver, recs: list[Record]) -> dict[int, Window]:
    """{Excel row: window} for records whose period is written in the file, yearless labels filled
    from their neighbours (a warning says so)."""
    by_row: dict[int, Record] = {}
    for rec in recs:
        if not is_blank(rec.period):
            by_row.setdefault(rec.row, rec)
    rows = sorted(by_row)
    parsed: list[Window | None] = []
    for row in rows:
        rec = by_row[row]
        try:
            parsed.append(label_period(rec.period, quarterly=rec.quarterly))
        except PeriodError as exc:
            res.error(rec.period_at, str(exc))
            parsed.append(None)
    out: dict[int, Window] = {}
    for row, original, (window, note) in zip(rows, parsed, fill_years(parsed), strict=True):
        at = by_row[row].period_at
        if window is None:
            if original is not None:
                res.error(at, note)
            continue
        if note:
            res.warn(at, note)
        out[row] = window
    return out


def _number(res: Resolver, rec: Record, ind: Indicator) -> Decimal | int | None:
    at = (rec.row, rec.column)
    try:
        if rec.measure == RANK:
            return parse_rank(rec.raw)
        prefix = injection_prefix(rec.raw)
        if prefix is not None and prefix != "-":
            raise CellProblem(f"内容以“{prefix}”开头，可能被表格软件当作公式执行，请删除开头的“{prefix}”")
        number = parse_number(rec.raw, MEASURE_LABEL[rec.measure])
        if rec.measure == GROWTH:
            return fit(number, "增速", GROWTH_LIMIT)
        try:
            number *= unit_factor(rec.unit, ind.unit)
        except UnitError as exc:
            raise CellProblem(f"{exc}：指标目录中“{ind.name}”的单位是{ind.unit}，请核对表头的单位") from exc
        return fit(number, "数值", VALUE_LIMIT, "0.000001")
    except CellProblem as exc:
        res.error(at, str(exc))
        return None


def import_indicators(ctx: ImportContext) -> None:
    res = Resolver(ctx)
    layout = ctx.table.meta.get("layout", LONG)
    recs = ctx.table.records if ctx.table.records is not None else _long_records(ctx)
    fixed = None
    if any(is_blank(r.period) for r in recs):
        fixed = _fixed_window(res)
    windows = _windows(res, recs)
    title_indicator = None
    if layout == PERIODS:
        title_indicator = _title_indicator(res)
    # the level most of the file's places are at: the others are the misfits
    named = {
        (p.level, p.pk) for r in recs if (p := res.places.find(r.place)) is not None and p.level != TOTAL
    }
    level = (
        DISTRICT if sum(lv == DISTRICT for lv, _pk in named) > sum(lv == CITY for lv, _pk in named) else CITY
    )
    entries: dict[tuple[int, str, int, int, int], Entry] = {}
    seen: dict[tuple[Any, ...], int] = {}
    total = len(recs)
    for i, rec in enumerate(recs, start=1):
        if i % 2000 == 0:
            ctx.progress(i, total)
        ind = title_indicator if layout == PERIODS else res.index.get(rec.indicator)
        if ind is None and layout != PERIODS:
            res.error(rec.indicator_at, f"未知指标“{rec.indicator}”：请使用指标目录中的名称或其同义名称")
        place = res.places.find(rec.place)
        if place is None:
            res.error(rec.place_at, res.places.unknown_message(rec.place, level))
        elif place.level == TOTAL:
            res.warn(rec.place_at, f"“{rec.place}”为合计，不参加排名，不导入")
            continue
        elif place.level != level:
            res.error(
                rec.place_at,
                f"“{rec.place}”是{'本市的区（市）' if place.level == DISTRICT else '地级市'}，"
                f"与表中的{'地级市' if level == CITY else '区（市）'}不能放在同一张排名表中，请分成两个文件",
            )
            place = None
        window = windows.get(rec.row) if not is_blank(rec.period) else fixed
        number = _number(res, rec, ind) if ind is not None else None
        if ind is None or place is None or window is None or window.year is None or number is None:
            continue
        key = (ind.pk, place.level, place.pk, window.year, window.month)
        dup = (*key, rec.measure)
        if dup in seen:
            _duplicate(res, rec, layout, ind, place.name, window, seen[dup])
            continue
        seen[dup] = rec.row
        entry = entries.setdefault(
            key, Entry(ind, place.level, place.pk, place.name, window.year, window.month)
        )
        entry.set(rec.measure, number, (rec.row, rec.column))
    ctx.progress(total, total)
    ctx.result.layout = ctx.table.layout
    checks.run_checks(res, list(entries.values()), confirmed=bool(ctx.options.get("confirm")))
    checks.compare_ranks(res, list(entries.values()), trust_file=bool(ctx.options.get("file_ranks")))
    checks.missing_figures(res, list(entries.values()))
    _preview(ctx, list(entries.values()))
    for issues in (ctx.result.errors, ctx.result.warnings):
        issues.sort(key=lambda i: i.row or 0)
    write_entries(ctx, list(entries.values()), trust_file=bool(ctx.options.get("file_ranks")))


def _title_indicator(res: Resolver) -> Indicator | None:
    written = res.ctx.options.get("indicator")
    if written:
        ind = res.index.get(written)
        if ind is None:
            res.error((None, "--indicator"), f"未知指标“{written}”：请使用指标目录中的名称或其同义名称")
        return ind
    for text in res.ctx.table.meta.get("title", []):
        ind = res.index.named_in(text)
        if ind is not None:
            return ind
    res.error(
        (None, "指标"),
        "期间为行的表只能有一个指标，但标题中没有找到指标名称：请在标题中写明（如“各区（市）地区生产总值”），"
        "或指定指标（命令行加 --indicator 地区生产总值，网页上在预览页填写“指标”）",
    )
    return None


def _duplicate(
    res: Resolver, rec: Record, layout: str, ind: Indicator, place: str, window: Window, first: int
) -> None:
    if layout == PERIODS:
        res.error(
            rec.period_at, f"期间“{as_text(rec.period)}”（{window.label}）与第{first}行重复，请只保留一行"
        )
    elif layout == layouts.INDICATORS:
        res.error(
            rec.indicator_at, f"指标“{ind.name}”的{MEASURE_LABEL[rec.measure]}与第{first}行重复，请只保留一行"
        )
    else:
        at = rec.place_at if layout in (PLACES, LONG) else (rec.row, rec.column)
        res.error(at, f"{place}的“{ind.name}”在{window.label}与第{first}行重复，请只保留一行")


PREVIEW_ROWS = 300


def _preview(ctx: ImportContext, entries: list[Entry]) -> None:
    """The parsed long table the preview shows (its first rows), in the catalogue's order."""
    ordered = sorted(entries, key=lambda e: (e.indicator.sort, e.indicator.pk, e.year, e.month, e.row))
    ctx.result.preview_total = len(ordered)
    ctx.result.preview = [e.as_preview() for e in ordered[:PREVIEW_ROWS]]


def register() -> None:
    register_importer(
        Importer(
            "indicators",
            "经济指标",
            COLUMNS,
            import_indicators,
            "读取统计局的四种表格版式（长表；地区为行、指标为列；指标为行、地区为列；期间为行、地区为列），"
            "按指标、地区（16市或本市各区（市））和期间新增或更新数据；同一文件重复导入不会产生任何变化。",
            model="indicators.indicatorvalue",
            locate=locate_indicators,
            options=OPTIONS,
        )
    )

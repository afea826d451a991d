"""The statistics bureau's tables in their own layouts, read into one long table of records.

(a) long: one row per indicator, place and period (指标名称、地区、期间、增速) — read by sheets.table;
(b) places as rows × indicators as columns, one header row (GDP(亿元), 增速(%)) or two (an indicator
    over 总量 / 增速 / 位次);
(c) indicators as rows × places as columns;
(d) periods as rows × places as columns (「年份/季度」 | 环翠区（亿元） | …), one indicator per table.

Detection is by content: the header row's cells (indicators, places, a label such as 城市) and what
the first column holds below it (places, indicators, periods). Every layout that fits is reported;
more than one is a question for the person (`--layout`), none is an error that describes the four.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from liangping.sheets.errors import SheetError
from liangping.sheets.measures import GROWTH, RANK, VALUE, Header, normalize, note_unit, split_header
from liangping.sheets.periods import PeriodError, label_period
from liangping.sheets.reading import RawSheet
from liangping.sheets.table import HEADER_SCAN_ROWS, is_skipped_row
from liangping.sheets.values import as_text, is_blank

LONG, PLACES, INDICATORS, PERIODS = "long", "places", "indicators", "periods"
LAYOUTS = {
    LONG: "（a）长表：每行一个指标、地区和期间",
    PLACES: "（b）地区为行、指标为列",
    INDICATORS: "（c）指标为行、地区为列",
    PERIODS: "（d）期间为行、地区为列",
}
OPTION_NAMES = {LONG: "a", PLACES: "b", INDICATORS: "c", PERIODS: "d"}
CODES = {**{v: k for k, v in OPTION_NAMES.items()}, **{k: k for k in LAYOUTS}}
PLACE_LABELS = {
    "城市",
    "地区",
    "市",
    "设区市",
    "地市",
    "县区",
    "区(市)",
    "区市",
    "区县",
    "县市区",
    "县(市、区)",
}
PLACE_LABELS |= {"区(市)名称", "单位", "地区名称", "城市名称", "市别", "区域", "各市", "各区(市)"}
INDICATOR_LABELS = {"指标", "指标名称", "主要指标", "指标名", "项目"}
PERIOD_LABELS = {
    "期间",
    "时期",
    "时间",
    "年份",
    "季度",
    "年份/季度",
    "年度",
    "月份",
    "年月",
    "统计期",
    "报告期",
}
PERIOD_LABELS |= {"日期", "年季", "年/季度", "统计时间"}
UNIT_LABELS = {"单位", "计量单位"}
SHARE = 0.6  # of a column's text cells that must be places / indicators / periods
SAMPLE = 200


def layout_code(written: str) -> str:
    """The layout a person names (a–d, or long/places/indicators/periods); SheetError otherwise."""
    code = CODES.get(written.strip().lower())
    if code is None:
        choices = "；".join(f"{OPTION_NAMES[k]}（{k}）= {v[3:]}" for k, v in LAYOUTS.items())
        raise SheetError(f"版式“{written}”无法识别，可选：{choices}")
    return code


@dataclass
class Vocabulary:
    """What the importer knows: indicator and place names (functions on the text as written)."""

    indicator: Callable[[str], bool]
    place: Callable[[str], bool]
    indicator_in: Callable[[str], str | None]  # the indicator a title names, if any


@dataclass
class Col:
    index: int
    header: str  # as written: 「GDP(亿元)」, or 「地区生产总值/增速」 under a two-row header
    name: str
    measure: str
    unit: str | None
    kind: str = ""  # indicator, place, place_label, indicator_label, period_label, unit_label, other


@dataclass
class Record:
    """One number of the file, where it is and what it is about (as written)."""

    row: int
    column: str
    raw: Any
    place: str
    place_at: tuple[int | None, str]
    indicator: str
    indicator_at: tuple[int | None, str]
    measure: str
    unit: str | None
    period: Any = None
    period_at: tuple[int | None, str] = (None, "")
    quarterly: bool = False


@dataclass
class Found:
    layout: str
    header_index: int  # 0-based first header row
    header_rows: int
    label: int  # the label column (places, indicators or periods)
    columns: list[Col]
    score: int
    title: list[str] = field(default_factory=list)

    @property
    def data_start(self) -> int:
        return self.header_index + self.header_rows

    @property
    def header_row(self) -> int:
        """Excel number of the header row (the first of two)."""
        return self.header_index + 1


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(row: list[Any], index: int) -> Any:
    return row[index] if index < len(row) else None


def _is_measure(header: Header | None) -> bool:
    return header is not None and not header.name and bool(header.measure)


def header_columns(rows: list[list[Any]], h: int) -> tuple[list[Col], int]:
    """The columns a header at row index `h` names, and whether it has a second row of measures."""
    top = rows[h]
    sub = rows[h + 1] if h + 1 < len(rows) else []
    parsed_sub = [split_header(c) if not is_blank(c) else None for c in sub]
    two = any(_is_measure(p) for p in parsed_sub) and not any(
        isinstance(c, int | float) and not isinstance(c, bool) for c in sub
    )
    cols: list[Col] = []
    group: tuple[str, Header] | None = None
    for c in range(max(len(top), len(sub) if two else 0)):
        t, b = _cell(top, c), (parsed_sub[c] if two and c < len(parsed_sub) else None)
        if not is_blank(t):
            group = (" ".join(as_text(t).split()), split_header(t))
        if b is not None and _is_measure(b) and group is not None:
            written, head = group
            unit = b.unit if b.measure != VALUE else (b.unit or head.unit)
            cols.append(Col(c, f"{written}/{as_text(sub[c]).strip()}", head.name, b.measure, unit))
            continue
        if is_blank(t):
            group = None if not two else group
            continue
        head = split_header(t)
        written = " ".join(as_text(t).split())
        if _is_measure(head) and cols and cols[-1].name and cols[-1].index == c - 1:
            # 增速 right after GDP(亿元): the same indicator's growth
            cols.append(Col(c, written, cols[-1].name, head.measure, head.unit))
            continue
        cols.append(Col(c, written, head.name, head.measure, head.unit))
    return cols, 2 if two else 1


def _classify(cols: list[Col], vocab: Vocabulary) -> None:
    for col in cols:
        name = normalize(col.name)
        if not col.measure and name in PLACE_LABELS:
            col.kind = "place_label"
        elif not col.measure and name in INDICATOR_LABELS:
            col.kind = "indicator_label"
        elif not col.measure and (name in PERIOD_LABELS or name.replace("/", "") in PERIOD_LABELS):
            col.kind = "period_label"
        elif not col.measure and name in UNIT_LABELS:
            col.kind = "unit_label"
        elif name and vocab.indicator(col.name):
            col.kind = "indicator"
        elif name and vocab.place(col.name):
            col.kind = "place"
        else:
            col.kind = "other"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_period(value: Any, quarterly: bool) -> bool:
    try:
        label_period(value, quarterly=quarterly)
    except PeriodError:
        return False
    return True


def _label_column(
    data: list[list[Any]], columns: set[int], test: Callable[[Any], bool], width: int
) -> tuple[int, int] | None:
    """(column index, matches) of the column outside `columns` whose filled cells mostly pass `test`."""
    best: tuple[int, int] | None = None
    for c in range(width):
        if c in columns:
            continue
        filled = [v for row in data[:SAMPLE] if not is_blank(v := _cell(row, c))]
        hits = sum(1 for v in filled if test(v))
        if filled and hits >= max(1, SHARE * len(filled)) and (best is None or hits > best[1]):
            best = (c, hits)
    return best


def candidates(sheet: RawSheet, vocab: Vocabulary) -> dict[str, Found]:
    """The best header of each wide layout that fits the sheet."""
    rows = sheet.rows
    found: dict[str, Found] = {}
    for h in range(min(HEADER_SCAN_ROWS, len(rows))):
        if sum(1 for c in rows[h] if not is_blank(c)) < 2 or any(_is_number(c) for c in rows[h]):
            continue  # a header names things: a row with numbers is data
        cols, header_rows = header_columns(rows, h)
        _classify(cols, vocab)
        data = [r for r in rows[h + header_rows :] if not is_skipped_row(r)]
        if not data:
            continue
        width = max(len(r) for r in rows[h : h + header_rows + SAMPLE])
        indicator_cols = {c.index for c in cols if c.kind == "indicator"}
        place_cols = {c.index for c in cols if c.kind == "place"}
        known = sum(1 for c in cols if c.kind != "other")
        options: list[tuple[str, tuple[int, int] | None]] = []
        if indicator_cols and not place_cols:
            place_test = lambda v: isinstance(v, str) and vocab.place(v)  # noqa: E731
            options.append((PLACES, _label_column(data, indicator_cols, place_test, width)))
        if len({normalize(c.name) for c in cols if c.index in place_cols}) >= 2 and not indicator_cols:
            ind_test = lambda v: isinstance(v, str) and vocab.indicator(split_header(v).name)  # noqa: E731
            options.append((INDICATORS, _label_column(data, place_cols, ind_test, width)))
            label = next((c for c in cols if c.kind == "period_label"), None)
            quarterly = label is not None and "季" in label.name
            period_test = partial(_is_period, quarterly=quarterly)
            options.append((PERIODS, _label_column(data, place_cols, period_test, width)))
        for layout, hit in options:
            if hit is None:
                continue
            score = known * 10 + hit[1]
            if layout not in found or score > found[layout].score:
                title = [as_text(c) for r in rows[:h] for c in r if not is_blank(c)]
                found[layout] = Found(layout, h, header_rows, hit[0], cols, score, [*title, sheet.name])
    return found


def records(sheet: RawSheet, found: Found) -> tuple[list[Record], list[tuple[int, str, str]], list[Any]]:
    """(records, columns not imported (index, header, why), data rows as (Excel row, cells))."""
    rows = sheet.rows
    label_col = next((c for c in found.columns if c.index == found.label), None)
    label_header = label_col.header if label_col else f"{column_letter(found.label)}列"
    header_row = found.header_row
    default_unit = note_unit(rows[: found.header_index])
    period_col = next((c for c in found.columns if c.kind == "period_label" and c.index != found.label), None)
    unit_col = next((c for c in found.columns if c.kind == "unit_label" and c.index != found.label), None)
    quarterly = label_col is not None and "季" in label_col.name
    skipped_kinds = {"place_label", "indicator_label", "period_label", "unit_label"}
    wanted = "indicator" if found.layout == PLACES else "place"
    values: list[Col] = []
    not_imported: list[tuple[int, str, str]] = []
    for col in found.columns:
        if col.index == found.label or col.kind in skipped_kinds:
            continue
        if col.kind == wanted or (
            found.layout != PLACES and col.kind == "other" and _numeric(rows, found, col)
        ):
            values.append(col)  # an unknown place over numbers is an error, not a column to skip
        elif found.layout == PLACES and not col.name and col.measure == RANK:
            not_imported.append(
                (col.index, col.header, "不属于某个指标的“排名”列，不导入（位次请放在指标下方）")
            )
        else:
            why = "不是指标目录中的指标，不导入（如是某个指标的别称，请在指标目录中把它加为同义名称）"
            not_imported.append(
                (col.index, col.header, why if found.layout == PLACES else "未识别的列，不导入")
            )
    out: list[Record] = []
    data_rows: list[Any] = []
    for offset, cells in enumerate(rows[found.data_start :]):
        number = found.data_start + offset + 1
        if is_skipped_row(cells):
            continue
        data_rows.append((number, cells))
        label = _cell(cells, found.label)
        for col in values:
            raw = _cell(cells, col.index)
            if is_blank(raw):
                continue
            rec = _record(found, col, cells, number, label, label_header, header_row)
            rec.raw = raw
            if period_col is not None:
                rec.period, rec.period_at = _cell(cells, period_col.index), (number, period_col.header)
            if unit_col is not None and rec.unit is None and not is_blank(_cell(cells, unit_col.index)):
                rec.unit = normalize(_cell(cells, unit_col.index))
            if rec.unit is None and rec.measure == VALUE:
                rec.unit = default_unit
            rec.quarterly = quarterly
            out.append(rec)
    return out, not_imported, data_rows


def _numeric(rows: list[list[Any]], found: Found, col: Col) -> bool:
    filled = [v for r in rows[found.data_start :][:SAMPLE] if not is_blank(v := _cell(r, col.index))]
    numbers = sum(1 for v in filled if isinstance(v, int | float) or _looks_numeric(v))
    return bool(col.name) and bool(filled) and numbers * 2 >= len(filled)


def _looks_numeric(value: Any) -> bool:
    text = normalize(value).replace(",", "").removesuffix("%")
    return text.replace(".", "", 1).removeprefix("-").isdigit()


def _record(
    found: Found, col: Col, cells: list[Any], number: int, label: Any, label_header: str, header_row: int
) -> Record:
    text = "" if is_blank(label) else " ".join(as_text(label).split())
    at_label = (number, label_header)
    at_header = (header_row, col.header)
    if found.layout == PLACES:
        return Record(
            number, col.header, None, text, at_label, col.name, at_header, col.measure or VALUE, col.unit
        )
    if found.layout == INDICATORS:
        head = split_header(text)
        measure = col.measure or head.measure or VALUE
        unit = "%" if measure == GROWTH else (head.unit or col.unit)
        return Record(number, col.header, None, col.name, at_header, head.name, at_label, measure, unit)
    return Record(
        number,
        col.header,
        None,
        col.name,
        at_header,
        "",
        (None, ""),
        col.measure or VALUE,
        col.unit,
        period=label,
        period_at=at_label,
    )

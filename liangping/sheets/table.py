"""Finding the table in a workbook: the right sheet, the header row by its content, the columns by
their synonyms, the unit of each amount column, and the data rows (blank and 合计 rows skipped)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from liangping.sheets.errors import Issue, SheetError
from liangping.sheets.formulas import formula_cells
from liangping.sheets.reading import RawSheet, Workbook
from liangping.sheets.values import UNIT_FACTORS, as_text, is_blank

HEADER_SCAN_ROWS = 30
UNIT_SUFFIX = re.compile(r"^(.*?)[(\[【]?(?:单位[:：]?)?(万元|亿元|元)[)\]】]?$")
NOTE_UNIT = re.compile(r"单位[:：]?(万元|亿元|元)")
TOTAL_WORDS = ("合计", "总计", "小计")
NOTE_WORDS = ("注:", "注：", "说明:", "说明：", "填表说明", "备注:")


def normalize_header(text: Any) -> tuple[str, str | None]:
    """(name, unit): full/half-width brackets and spaces unified, a trailing （万元） split off."""
    name = "".join(unicodedata.normalize("NFKC", as_text(text)).split()).strip("*※")
    match = UNIT_SUFFIX.match(name)
    if match and match.group(1):
        return match.group(1), match.group(2)
    return name, None


@dataclass(frozen=True)
class ColumnSpec:
    """A column an importer understands. `pattern` (on the normalised header, without its unit) may
    capture a year in group 1, as in 2025年计划投资."""

    field: str
    label: str
    synonyms: tuple[str, ...] = ()
    pattern: str | None = None
    required: bool = False
    key: bool = False  # formulas and leading = + - @ are refused here
    money: bool = False

    def names(self) -> set[str]:
        return {normalize_header(n)[0] for n in (self.label, *self.synonyms)}


@dataclass
class Column:
    spec: ColumnSpec
    index: int
    header: str  # as written in the file (whitespace collapsed)
    factor: Decimal = Decimal(1)
    year: int | None = None


@dataclass
class Table:
    """The located table: its columns and data rows as (Excel row number, cells)."""

    sheet: RawSheet
    header_row: int
    columns: dict[str, Column]
    rows: list[tuple[int, list[Any]]]
    formulas: set[tuple[int, int]] = field(default_factory=set)
    issues: list[Issue] = field(default_factory=list)
    # header cells that are not imported: (column index, header as written), see sheets.columns
    unrecognised: list[tuple[int, str]] = field(default_factory=list)
    # A table an importer reshaped itself (a wide statistics table): the layout found, in words, and
    # its cells as long records; the columns it leaves out as (column index, header, why).
    layout: str = ""
    records: list[Any] | None = None
    not_imported: list[tuple[int, str, str]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


class _Matcher:
    """Header cell → field, by name, synonym or pattern, else by the person's `mapping`
    ({normalised header: field}, sheets.columns)."""

    def __init__(self, specs: tuple[ColumnSpec, ...], mapping: dict[str, str] | None = None) -> None:
        self.specs = specs
        self.by_name = {name: spec for spec in specs for name in spec.names()}
        self.patterns = [(re.compile(s.pattern), s) for s in specs if s.pattern]
        by_field = {s.field: s for s in specs}
        self.mapped = {k: by_field[v] for k, v in (mapping or {}).items() if v in by_field}

    def match(self, cell: Any) -> tuple[ColumnSpec, int | None, str | None] | None:
        if not isinstance(cell, str) or not cell.strip():
            return None
        name, unit = normalize_header(cell)
        spec = self.by_name.get(name)
        if spec is not None:
            return spec, None, unit
        for pattern, spec in self.patterns:
            found = pattern.fullmatch(name)
            if found:
                year = int(found.group(1)) if found.groups() and found.group(1) else None
                return spec, year, unit
        if name in self.mapped:
            return self.mapped[name], None, unit
        return None


def _header_score(matcher: _Matcher, row: list[Any]) -> int:
    fields = set()
    for cell in row:
        hit = matcher.match(cell)
        if hit is not None:
            fields.add(hit[0].field)
    return len(fields)


def find_header(sheet: RawSheet, matcher: _Matcher, threshold: int) -> int | None:
    """Index (0-based) of the row that names the most known columns, if it names enough."""
    best, best_score = None, 0
    for i, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        score = _header_score(matcher, row)
        if score > best_score:
            best, best_score = i, score
    return best if best_score >= threshold else None


def _note_unit(rows: list[list[Any]]) -> str | None:
    for row in rows:
        for cell in row:
            if isinstance(cell, str) and "单位" in cell:
                found = NOTE_UNIT.search("".join(unicodedata.normalize("NFKC", cell).split()))
                if found:
                    return found.group(1)
    return None


def is_skipped_row(cells: list[Any]) -> bool:
    """Blank rows, 合计/总计 rows and trailing notes are not data."""
    return _is_skipped(cells)


def _is_skipped(cells: list[Any]) -> bool:
    """Blank rows, 合计/总计 rows and trailing notes are not data."""
    for first in cells:  # the first cell that is not blank (is_blank, inline: once per row)
        if first is None or (isinstance(first, str) and not first.strip()):
            continue
        break
    else:
        return True
    if isinstance(first, str):
        if first.lstrip()[0] < "\x80":  # ASCII is its own NFKC form: not one of the words below
            return False
        text = "".join(unicodedata.normalize("NFKC", first).split())
        if text.startswith(TOTAL_WORDS) or text.startswith(NOTE_WORDS):
            return True
    return False


def locate(
    book: Workbook, specs: tuple[ColumnSpec, ...], label: str, mapping: dict[str, str] | None = None
) -> Table:
    """The first sheet whose header is recognised, read into a Table; SheetError if there is none.
    `mapping` names the field of headers the specs do not know ({normalised header: field})."""
    matcher = _Matcher(specs, mapping)
    required = [s for s in specs if s.required]
    threshold = min(3, len(required)) or 1
    any_content = False
    for index in range(len(book.sheet_names)):
        sheet = book.sheet(index)
        any_content = any_content or any(not is_blank(c) for row in sheet.rows for c in row)
        header_index = find_header(sheet, matcher, threshold)
        if header_index is not None:
            return _build(book, sheet, header_index, matcher, specs)
    if not any_content:
        raise SheetError("文件是空的，没有可导入的数据")
    names = "、".join(s.label for s in required)
    raise SheetError(f"没有找到{label}的表头，请确认表头行包含以下列：{names}")


def _map_columns(
    cells: list[Any],
    matcher: _Matcher,
    columns: dict[str, Column],
    note_unit: str,
    group: list[Any] | None = None,
) -> None:
    """Add the known columns of a header row; a sub-header row takes a missing unit from its group
    label in the row above (a merged cell such as 投资情况（亿元） sits at the group's first column)."""
    for index, cell in enumerate(cells):
        hit = matcher.match(cell)
        if hit is None or hit[0].field in columns:
            continue
        spec, year, unit = hit
        if unit is None and group is not None:
            label = next((c for c in reversed(group[: index + 1]) if not is_blank(c)), None)
            unit = normalize_header(label)[1] if label is not None else None
        factor = UNIT_FACTORS[unit or note_unit] if spec.money else Decimal(1)
        columns[spec.field] = Column(spec, index, " ".join(as_text(cell).split()), factor, year)


def _is_sub_header(cells: list[Any], matcher: _Matcher, columns: dict[str, Column]) -> bool:
    """A second header row (under merged group labels): it names new columns and is blank under the
    columns the first row named (those cells are merged from above)."""
    if any(c.index < len(cells) and not is_blank(cells[c.index]) for c in columns.values()):
        return False
    return any((hit := matcher.match(cell)) is not None and hit[0].field not in columns for cell in cells)


def _build(
    book: Workbook, sheet: RawSheet, header_index: int, matcher: _Matcher, specs: tuple[ColumnSpec, ...]
) -> Table:
    header_row = header_index + 1
    note_unit = _note_unit(sheet.rows[:header_index]) or "万元"
    columns: dict[str, Column] = {}
    _map_columns(sheet.rows[header_index], matcher, columns, note_unit)
    data_start = header_index + 1
    header_rows = [sheet.rows[header_index]]
    if data_start < len(sheet.rows) and _is_sub_header(sheet.rows[data_start], matcher, columns):
        _map_columns(sheet.rows[data_start], matcher, columns, note_unit, group=sheet.rows[header_index])
        header_rows.append(sheet.rows[data_start])
        data_start += 1
    issues = [
        Issue(header_row, spec.label, f"缺少必填列“{spec.label}”，请在表头行添加该列")
        for spec in specs
        if spec.required and spec.field not in columns
    ]
    rows = [
        (number, cells)
        for number, cells in enumerate(sheet.rows[data_start:], start=data_start + 1)
        if not _is_skipped(cells)
    ]
    formulas: set[tuple[int, int]] = set()
    if book.fmt == "xlsx":
        key_columns = {c.index for c in columns.values() if c.spec.key}
        formulas = formula_cells(book.path, sheet.name, key_columns)
    return Table(sheet, header_row, columns, rows, formulas, issues, _unrecognised(header_rows, columns))


def _unrecognised(header_rows: list[list[Any]], columns: dict[str, Column]) -> list[tuple[int, str]]:
    """Every written header cell no column was taken from: unknown names, and repeats of a field.
    Under a sub-header the group labels above its columns are not columns themselves."""
    used = {c.index for c in columns.values()}
    out: dict[int, str] = {}
    for cells in reversed(header_rows):  # the sub-header first: its text is the column's name
        for index, cell in enumerate(cells):
            if index in used or index in out or is_blank(cell):
                continue
            if (
                len(header_rows) > 1
                and cells is header_rows[0]
                and any(index < len(row) and not is_blank(row[index]) for row in header_rows[1:])
            ):
                continue
            out[index] = " ".join(as_text(cell).split())
    return sorted(out.items())

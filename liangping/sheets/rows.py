"""Reading the cells of a data row by field name, collecting one issue per defect."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from liangping.plaintext import control_char, refusal
from liangping.sheets.errors import Issue
from liangping.sheets.table import Table
from liangping.sheets.values import CellError, as_money, as_month, as_text, injection_prefix, is_blank

Row = tuple[int, list[Any]]


class RowReader:
    """Cell access for importers: `reader.money(row, "total_investment", required=True)`.

    A defect appends an Issue (Excel row, header as written, message) to `errors` and the call returns
    None or "" so the importer can go on and report the rest of the file.
    """

    def __init__(self, table: Table, errors: list[Issue], warnings: list[Issue]) -> None:
        self.table = table
        self.errors = errors
        self.warnings = warnings
        self.index = {name: col.index for name, col in table.columns.items()}
        self._columns: list[tuple[Any, ...]] | None = None

    def has(self, field: str) -> bool:
        return field in self.index

    def header(self, field: str) -> str:
        col = self.table.columns.get(field)
        return col.header if col is not None else field

    def year(self, field: str) -> int | None:
        col = self.table.columns.get(field)
        return col.year if col is not None else None

    def error(self, row: Row, field: str, message: str) -> None:
        self.errors.append(Issue(row[0], self.header(field), message))

    def warn(self, row: Row, field: str, message: str) -> None:
        self.warnings.append(Issue(row[0], self.header(field), message))

    def raw(self, row: Row, field: str) -> Any:
        index = self.index.get(field)
        cells = row[1]
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def column(self, field: str) -> list[Any]:
        """The cell of `field` in every data row (None where the row is short)."""
        index = self.index.get(field)
        if index is None:
            return [None] * len(self.table.rows)
        if self._columns is None:
            self._columns = self._transpose()
        return list(self._columns[index])

    def _transpose(self) -> list[tuple[Any, ...]]:
        """The rows' known columns as columns, transposed at once (the rows a reader gives are
        rectangular; a short row of a CSV file is padded with None)."""
        width = max(self.index.values(), default=-1) + 1
        cells = [cells for _number, cells in self.table.rows]
        if cells and min(map(len, cells)) < width:
            cells = [row if len(row) >= width else [*row, *[None] * (width - len(row))] for row in cells]
        if not cells:
            return [() for _ in range(width)]
        return list(zip(*cells, strict=False))[:width]  # longer rows: cut

    def _missing(self, row: Row, field: str) -> None:
        self.error(row, field, f"“{self.table.columns[field].spec.label}”不能为空，请填写")

    def text(self, row: Row, field: str, *, required: bool = False, max_length: int = 0) -> str:
        value = self.raw(row, field)
        if is_blank(value):
            if required and field in self.index:
                self._missing(row, field)
            return ""
        text = as_text(value)
        bad = control_char(text)
        if bad is not None:
            self.error(row, field, refusal(self.table.columns[field].spec.label, bad))
            return ""
        if max_length and len(text) > max_length:
            self.error(row, field, f"内容超过 {max_length} 个字，请精简")
            return ""
        return text

    def key(self, row: Row, field: str, *, max_length: int = 0) -> str:
        """A key column: required, and neither a formula nor text a spreadsheet could run as one."""
        index = self.index.get(field)
        if index is not None and (row[0], index) in self.table.formulas:
            self.error(row, field, "该单元格是公式，请复制后“选择性粘贴为数值”再导入")
            return ""
        value = self.raw(row, field)
        prefix = injection_prefix(value) or injection_prefix(as_text(value))
        if prefix is not None:
            self.error(
                row, field, f"内容以“{prefix}”开头，可能被表格软件当作公式执行，请删除开头的“{prefix}”"
            )
            return ""
        return self.text(row, field, required=True, max_length=max_length)

    def money(self, row: Row, field: str, *, required: bool = False) -> Decimal | None:
        value = self.raw(row, field)
        if is_blank(value):
            if required and field in self.index:
                self._missing(row, field)
            return None
        try:
            return as_money(value, self.table.columns[field].factor)
        except CellError as exc:
            self.error(row, field, str(exc))
            return None

    def month(self, row: Row, field: str, *, required: bool = False) -> dt.date | None:
        value = self.raw(row, field)
        if is_blank(value):
            if required and field in self.index:
                self._missing(row, field)
            return None
        try:
            return as_month(value)
        except CellError as exc:
            self.error(row, field, str(exc))
            return None

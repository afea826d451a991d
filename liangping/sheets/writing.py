"""Styled .xlsx files written in openpyxl's write-only mode: frozen header, widths, number formats,
text that a spreadsheet program could run as a formula (= + - @) written as plain text, and any
character XML cannot hold (a control character stored before forms refused them) left out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from liangping.plaintext import xml_safe
from liangping.sheets.errors import Issue
from liangping.sheets.registry import Progress
from liangping.sheets.values import INJECTION_PREFIXES

MONEY_FORMAT = "#,##0.00"
MONTH_FORMAT = "yyyy-mm"
HEADER_FILL = PatternFill("solid", fgColor="0D2A4A")
HEADER_FONT = Font(bold=True, color="FFFFFF")
THIN = Side(style="thin", color="D0D7DE")
HEADER_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
GRADE_FILLS = {
    "蓝": PatternFill("solid", fgColor="DDF4FF"),
    "黄": PatternFill("solid", fgColor="FFF8C5"),
    "红": PatternFill("solid", fgColor="FFEBE9"),
}


@dataclass(frozen=True)
class OutColumn:
    title: str
    width: float = 14
    kind: str = "text"  # "text", "money", "month", "int", "grade"


RISKY_LEADS = ("\t", "\r", "＝", "＋", "－", "＠")


def is_risky_text(value: str) -> bool:
    """True for text that Excel, WPS or LibreOffice could take as a formula (CSV/formula injection)."""
    return value.startswith(RISKY_LEADS) or value.lstrip().startswith(INJECTION_PREFIXES)


class SheetWriter:
    """One data sheet: header row styled and frozen, then rows appended one by one."""

    def __init__(self, book: Workbook, title: str, columns: Sequence[OutColumn]) -> None:
        self.ws: WriteOnlyWorksheet = book.create_sheet(title)
        self.columns = list(columns)
        self.ws.freeze_panes = "A2"
        for i, col in enumerate(self.columns, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = col.width
        self._templates: dict[str, WriteOnlyCell] = {}
        for kind, fmt in (("money", MONEY_FORMAT), ("month", MONTH_FORMAT)):
            template = WriteOnlyCell(self.ws)
            template.number_format = fmt
            self._templates[kind] = template
        text_template = WriteOnlyCell(self.ws)
        text_template.quotePrefix = True
        self._templates["quoted"] = text_template
        for grade, fill in GRADE_FILLS.items():
            template = WriteOnlyCell(self.ws)
            template.fill = fill
            self._templates[grade] = template
        header = []
        for col in self.columns:
            cell = WriteOnlyCell(self.ws, value=xml_safe(col.title))
            if is_risky_text(col.title):
                cell.data_type = "s"
            cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            header.append(cell)
        self.ws.append(header)

    def _styled(self, template: str, value: Any) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=value)
        cell._style = copy(self._templates[template]._style)
        return cell

    def cell(self, kind: str, value: Any) -> Any:
        if value is None or value == "":
            return None
        if kind == "money" and isinstance(value, Decimal | int | float):
            return self._styled("money", value)
        if kind == "month" and isinstance(value, dt.date):
            return self._styled("month", value)
        if kind == "grade" and value in GRADE_FILLS:
            return self._styled(str(value), value)
        if isinstance(value, str):
            return self.text(xml_safe(value))
        return value

    def text(self, value: str) -> Any:
        """Plain text stays a plain cell; text a spreadsheet could run (= + - @, also after spaces, or
        led by a tab or carriage return) becomes an explicit string cell with Excel's quote prefix."""
        if is_risky_text(value):
            cell = self._styled("quoted", value)
            cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
            return cell
        return value

    def append(self, values: Sequence[Any]) -> None:
        self.ws.append([self.cell(col.kind, v) for col, v in zip(self.columns, values, strict=False)])


def write_rows(
    out: IO[bytes],
    title: str,
    columns: Sequence[OutColumn],
    rows: Iterable[Sequence[Any]],
    *,
    total: int = 0,
    progress: Progress | None = None,
    notes: Sequence[tuple[str, str]] = (),
) -> int:
    """Write one styled sheet (and an optional 说明 sheet of notes) to `out`; the number of rows."""
    book = Workbook(write_only=True)
    sheet = SheetWriter(book, title, columns)
    count = 0
    for count, values in enumerate(rows, start=1):
        sheet.append(values)
        if progress is not None and count % 500 == 0:
            progress(count, total)
    if progress is not None:
        progress(count, total or count)
    if notes:
        info = SheetWriter(book, "说明", [OutColumn("项目", 16), OutColumn("内容", 60)])
        for key, value in notes:
            info.append([key, value])
    book.save(out)
    return count


ERROR_COLUMNS = [OutColumn("行号", 8, "int"), OutColumn("列", 22), OutColumn("错误说明", 80)]


def write_issues(out: IO[bytes], errors: Iterable[Issue], warnings: Iterable[Issue] = ()) -> int:
    """The error list of a refused import as .xlsx: 行号 / 列 / 错误说明 (warnings follow, marked)."""
    rows = [(e.row, e.column, e.message) for e in errors]
    rows += [(w.row, w.column, f"（提示）{w.message}") for w in warnings]
    return write_rows(out, "错误清单", ERROR_COLUMNS, rows)

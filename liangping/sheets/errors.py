"""What an import reports: one issue per defect, counts, and whether anything was (or would be) written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Issue:
    """One defect (or warning) at a cell: the Excel row number and the header as written in the file.

    `row` is None for a defect of the whole file (unreadable, no header found).
    """

    row: int | None
    column: str
    message: str
    # A value that looks wrong but may be right (a cumulative figure that falls, a value ten times off
    # its neighbours): an error until the person confirms the listed rows, then a warning.
    confirm: bool = False

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"row": self.row, "column": self.column, "message": self.message}
        if self.confirm:
            out["confirm"] = True
        return out

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row is not None else "文件"
        return f"{where} [{self.column}] {self.message}" if self.column else f"{where} {self.message}"


class SheetError(Exception):
    """The file as a whole cannot be imported (unreadable, empty, no header)."""

    def __init__(self, message: str, *, row: int | None = None, column: str = "") -> None:
        super().__init__(message)
        self.issue = Issue(row, column, message)


@dataclass
class ImportResult:
    """The report of an import or of its dry run. Counts are zero when the file was refused."""

    kind: str
    filename: str
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows_total: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    # the file's columns that are not imported, with the nearest field (sheets.columns.Unmapped)
    unmapped: list[dict[str, Any]] = field(default_factory=list)
    header_row: int | None = None
    # The layout the importer read the file in (in words) and the first rows of the long table it made.
    layout: str = ""
    preview: list[dict[str, Any]] = field(default_factory=list)
    preview_total: int = 0

    @property
    def needs_confirmation(self) -> bool:
        """Refused only for rows the person may confirm."""
        return bool(self.errors) and all(e.confirm for e in self.errors)

    @property
    def ok(self) -> bool:
        return not self.errors

    def refuse(self) -> None:
        """Nothing is written when any error was found: the counts say so."""
        self.created = self.updated = self.unchanged = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
            "unmapped": [
                {"column": u["column"], "suggestion": u["suggestion_label"], "message": unmapped_message(u)}
                for u in self.unmapped
            ],
            "dry_run": self.dry_run,
            **({"layout": self.layout, "preview": self.preview} if self.layout else {}),
        }


def unmapped_message(column: dict[str, Any]) -> str:
    """What the preview says of a column it will not import (sheets.columns.Unmapped.message)."""
    if column.get("reason"):
        return str(column["reason"])
    if column.get("mapped"):
        return f"按本单位的列对应，导入为“{column['suggestion_label']}”"
    if column.get("duplicate_of"):
        return f"与前面的“{column['duplicate_of']}”列重复，不导入"
    if column.get("suggestion_label"):
        return f"未识别的列，不导入。是否为“{column['suggestion_label']}”？"
    return "未识别的列，不导入"

"""Building input spreadsheets in tests: .xlsx (openpyxl), .xls (xlwt) and .csv in any encoding."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import xlwt

LEDGER_HEADER = [
    "项目编号",
    "项目名称",
    "项目级别",
    "所属区（市）",
    "产业类别",
    "建设单位",
    "总投资（万元）",
    "年度计划投资（万元）",
    "建设阶段",
    "计划开工时间",
    "计划竣工时间",
    "包保市领导",
    "责任部门",
    "项目专员",
    "联系人",
    "联系电话",
]
MONTHLY_HEADER = ["项目编号", "年月", "本月完成投资", "累计完成投资", "形象进度", "存在问题"]


def ledger_row(code: str, name: str = "", **over: Any) -> list[Any]:
    """A valid ledger row matching LEDGER_HEADER and the test cast (滕州市, 领导甲, 市发改委, 专员甲)."""
    values: dict[str, Any] = {
        "项目编号": code,
        "项目名称": name or f"测试项目{code}",
        "项目级别": "市重点",
        "所属区（市）": "滕州市",
        "产业类别": "新能源",
        "建设单位": "示例新能源有限公司",
        "总投资（万元）": 12000.5,
        "年度计划投资（万元）": 3000,
        "建设阶段": "在建",
        "计划开工时间": "2025-03",
        "计划竣工时间": "2026年12月",
        "包保市领导": "领导甲",
        "责任部门": "市发改委",
        "项目专员": "专员甲",
        "联系人": "王工",
        "联系电话": "13900000000",
    }
    values.update(over)
    return [values[h] for h in LEDGER_HEADER]


def ledger_rows(n: int, prefix: str = "T") -> list[list[Any]]:
    return [ledger_row(f"{prefix}{i:05d}") for i in range(1, n + 1)]


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    title: str = "台账",
    before: Sequence[tuple[str, Sequence[Sequence[Any]]]] = (),
) -> Path:
    """An .xlsx whose sheet `title` holds `rows` from A1; `before` adds sheets in front of it."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, other in before:
        sheet = book.create_sheet(name)
        for row in other:
            sheet.append(list(row))
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def write_xls(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("台账")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8-sig") -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([["" if v is None else v for v in row] for row in rows])
    path.write_bytes(out.getvalue().encode(encoding))
    return path

"""Fuzzing the project and monthly-report imports with generated spreadsheets.

Hypothesis builds files the way offices send them and worse: the real Chinese column names and their
synonyms mixed with stray headers, title rows, numbers, dates, text, empty cells, formula-looking
strings, huge numbers and NaN-like text, as .xlsx (openpyxl) or .csv in UTF-8, UTF-8 with BOM or GBK.
Whatever the file, the import (dry run and real) never raises, the dry run writes nothing and reports
what the real run then does, and the real run writes the whole file or nothing at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from liangping.projects.models import MonthlyReport, Project
from liangping.sheets import registry
from liangping.sheets.runner import run_import
from liangping.sheets.values import CellError, as_money
from tests.security.conftest import changed_tables, fingerprint
from tests.sheets.builders import LEDGER_HEADER, MONTHLY_HEADER, ledger_row

pytestmark = pytest.mark.django_db

CHARS = (
    "项目编号名称滕州市中区在建签约储备投产万元年月日问题进度领导甲乙专员部门发改委公司有限"
    " abcXYZ0123456789-.,/%#=+@（）"
)
CODES = ["ZZ-2025-001", "ZZ-2025-002", "FZ-1", "FZ-2", "FZ-3", " FZ-1 ", "fz-1"]
NASTY = [
    "",
    " ",
    "NaN",
    "nan",
    "#N/A",
    "#DIV/0!",
    "inf",
    "-inf",
    "null",
    "None",
    "=SUM(A1:A2)",
    "=1/0",
    "+cmd",
    "@A1",
    "-",
    "1e308",
    "9" * 40,
    "-0",
    "0x1F",
    "１２３",
    "1,234.5",
    "12亿",
    "3000万元",
    "2025-13",
    "2025年6月",
    "2025/6/31",
    "45000",
    "在建",
    "滕州市",
    "市发改委",
]


def column_names(kind: str) -> list[str]:
    entry = registry.importer(kind)
    assert entry is not None
    names = [n for c in entry.columns for n in (c.label, *c.synonyms)]
    return names + [f"{n}（万元）" for n in names[:4]]


cells = st.one_of(
    st.none(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.text(alphabet=CHARS, max_size=30),
    st.sampled_from(NASTY),
    st.sampled_from(CODES),
)


@st.composite
def spreadsheets(draw: st.DrawFn) -> tuple[str, list[list[Any]]]:
    """(kind, rows): often a valid file with some cells spoilt, else headers and cells at random."""
    kind = draw(st.sampled_from(["projects", "monthly"]))
    names = column_names(kind)
    if draw(st.booleans()):
        header = list(LEDGER_HEADER if kind == "projects" else MONTHLY_HEADER)
        for i in draw(st.lists(st.integers(0, len(header) - 1), max_size=2) | st.just([])):
            header[i] = draw(st.sampled_from([*names, "备注", "", "序号"]))
        n = draw(st.integers(1, 8))
        if kind == "projects":
            codes = draw(st.lists(st.sampled_from(CODES), max_size=n, unique_by=lambda c: c.strip().upper()))
            rows = [ledger_row(code.strip() or "FZ-9") for code in codes]
        else:
            codes = draw(st.lists(st.sampled_from(["ZZ-2025-001", " ZZ-2025-002"]), min_size=n, max_size=n))
            rows = [[code, f"2025-{i + 1:02d}", 10, 30, "进展顺利", ""] for i, code in enumerate(codes)]
        for _ in range(draw(st.sampled_from([0, 0, 1, 2, 3]))):
            if rows:
                r = draw(st.integers(0, len(rows) - 1))
                c = draw(st.integers(0, len(header) - 1))
                rows[r][c] = draw(cells)
    else:
        width = draw(st.integers(1, 10))
        header = draw(st.lists(st.sampled_from([*names, "备注", ""]), min_size=width, max_size=width))
        rows = draw(st.lists(st.lists(cells, min_size=0, max_size=width + 2), max_size=12))
    above = draw(st.lists(st.lists(cells, max_size=3), max_size=2) | st.just([]))  # titles, units, blanks
    return kind, [*above, header, *rows]


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def write_file(path_stem: Path, fmt: str, rows: list[list[Any]]) -> Path:
    if fmt == "xlsx":
        path = path_stem.with_suffix(".xlsx")
        book = openpyxl.Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(list(row))  # a text starting with "=" becomes a formula, as in Excel
        book.save(path)
        return path
    path = path_stem.with_suffix(".csv")
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([[text_of(v) for v in row] for row in rows])
    path.write_bytes(out.getvalue().encode(fmt))
    return path


def counted(kind: str) -> int:
    return (Project if kind == "projects" else MonthlyReport).objects.count()


def check_import(cast: Any, path: Path, kind: str) -> None:
    before = fingerprint()
    count = counted(kind)
    dry = run_import(kind, path, actor=cast.supervisor, dry_run=True)
    assert changed_tables(before, fingerprint()) == [], "the dry run wrote something"
    real = run_import(kind, path, actor=cast.supervisor)
    changed = changed_tables(before, fingerprint())
    if currently_in_test_context():
        event(f"{kind}: {'imported' if real.ok else 'refused'}")
    assert (dry.ok, dry.created, dry.updated) == (real.ok, real.created, real.updated), (dry, real)
    if real.ok:
        assert counted(kind) == count + real.created
        assert real.created + real.updated + real.unchanged == real.rows_total
        if real.created or real.updated:
            assert changed
    else:
        assert changed == [], f"a refused import wrote {changed}"
        assert real.errors and (real.created, real.updated) == (0, 0)
        for error in real.errors:
            assert re.search(r"[\u4e00-\u9fff]", str(error)), f"not a message for people: {error}"


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sheet=spreadsheets(), fmt=st.sampled_from(["xlsx", "utf-8", "utf-8-sig", "gbk"]))
def test_generated_spreadsheets_import_whole_or_not_at_all(cast, tmp_path, sheet, fmt):
    kind, rows = sheet
    path = write_file(tmp_path / "fuzz", fmt, rows)
    check_import(cast, path, kind)


def test_the_generator_reaches_successful_and_refused_imports(cast, tmp_path):
    """The fuzz above must exercise both paths: a clean file imports, a spoilt one is refused whole."""
    good = write_file(tmp_path / "good", "gbk", [LEDGER_HEADER, ledger_row("FZ-1"), ledger_row("FZ-2")])
    check_import(cast, good, "projects")
    assert Project.objects.filter(code__startswith="FZ-").count() == 2
    spoilt = [LEDGER_HEADER, ledger_row("FZ-3"), ledger_row("FZ-4", **{"总投资（万元）": "NaN"})]
    check_import(cast, write_file(tmp_path / "bad", "xlsx", spoilt), "projects")
    assert not Project.objects.filter(code="FZ-3").exists()
    monthly = [MONTHLY_HEADER, ["ZZ-2025-001", "2025-03", Decimal("10.5"), 30, "进展顺利", ""]]
    check_import(cast, write_file(tmp_path / "m", "utf-8-sig", monthly), "monthly")
    assert MonthlyReport.objects.filter(project=cast.inside).count() == 1


@pytest.mark.parametrize("value", [1e26, 10**30, "1e308", "9" * 40, "12345678901234567890123456789亿"])
def test_huge_amounts_are_refused_with_a_message(value):
    """Found by the fuzz: 1e+26 made Decimal.quantize raise InvalidOperation (a crash, not a message)."""
    with pytest.raises(CellError, match="过大"):
        as_money(value)

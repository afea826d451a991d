"""The styled ledger export: canonical columns with units, formats, formulas written as text, scope."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from liangping.core.models import AuditLog
from liangping.projects.exports import PROJECT_EXPORT_COLUMNS
from liangping.projects.models import Project
from liangping.sheets.errors import Issue
from liangping.sheets.runner import run_export
from liangping.sheets.writing import write_issues

pytestmark = pytest.mark.django_db


def export(user, actor=None, **filters):
    out = io.BytesIO()
    count = run_export("projects", out, user=user, actor=actor or user, filters=filters)
    out.seek(0)
    book = openpyxl.load_workbook(out)
    return count, book


def test_columns_units_styles_and_values(cast):
    count, book = export(cast.supervisor)
    sheet = book["项目台账"]
    header = [c.value for c in sheet[1]]
    assert header == [c.title for c in PROJECT_EXPORT_COLUMNS]
    assert "总投资（万元）" in header and "年度计划投资（万元）" in header
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b and sheet.column_dimensions["B"].width == 36
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    assert count == len(rows) == 2
    inside = {h: c for h, c in zip(header, rows[cast.inside.code], strict=True)}
    assert inside["总投资（万元）"].value == 2000000 and inside["总投资（万元）"].number_format == "#,##0.00"
    assert inside["建设阶段"].value == "开工建设" and inside["项目级别"].value == "省重点"
    assert inside["所属区（市）"].value == "滕州市" and inside["包保市领导"].value == "领导甲"
    assert inside["计划开工时间"].is_date and inside["计划开工时间"].number_format == "yyyy-mm"
    assert book["说明"]["A5"].value == "项目数" and book["说明"]["B5"].value == "2"


def test_formula_like_text_is_written_as_text(cast):
    Project.objects.filter(pk=cast.inside.pk).update(
        name='=HYPERLINK("http://x","点我")', contact_name="@SUM(1)"
    )
    _count, book = export(cast.supervisor)
    sheet = book["项目台账"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == cast.inside.code)
    assert row[1].value == '=HYPERLINK("http://x","点我")' and row[1].data_type == "s"
    assert row[1].quotePrefix
    assert row[15].value == "@SUM(1)" and row[15].data_type == "s"


def test_a_department_user_exports_only_their_projects(cast):
    count, book = export(cast.department)
    codes = [r[0].value for r in book["项目台账"].iter_rows(min_row=2)]
    assert count == 1 and codes == [cast.inside.code]
    entry = AuditLog.objects.get(action="export")
    assert entry.actor == cast.department and entry.changes == {"rows": 1, "filters": {}}


def test_filters_narrow_the_export(cast):
    assert export(cast.supervisor, stage="signed")[0] == 1
    assert export(cast.supervisor, district=str(cast.tengzhou.pk))[0] == 1
    assert export(cast.supervisor, q="物流")[0] == 1
    assert export(cast.supervisor, leader=str(cast.leader2.pk), level="city")[0] == 1
    assert export(cast.supervisor, department="abc")[0] == 2  # a malformed id is ignored


def test_an_export_imports_back_unchanged(imp, cast, tmp_path):
    Project.objects.update(plan_year=2025)
    _count, book = export(cast.supervisor)
    path = tmp_path / "roundtrip.xlsx"
    book.save(path)
    before = AuditLog.objects.count()
    result = imp(path)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert AuditLog.objects.count() == before
    assert Project.objects.get(pk=cast.inside.pk).total_investment == Decimal("2000000")


def test_the_error_list_as_xlsx():
    out = io.BytesIO()
    write_issues(
        out,
        [Issue(5, "所属区（市）", "不存在"), Issue(None, "", "文件是空的")],
        [Issue(3, "责任部门", "将新建")],
    )
    out.seek(0)
    sheet = openpyxl.load_workbook(out)["错误清单"]
    assert [[c.value for c in r] for r in sheet.iter_rows()] == [
        ["行号", "列", "错误说明"],
        [5, "所属区（市）", "不存在"],
        [None, None, "文件是空的"],
        [3, "责任部门", "（提示）将新建"],
    ]

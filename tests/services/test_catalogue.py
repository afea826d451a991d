"""The matter catalogue from .xlsx: bulk import, all or nothing, row/column errors (a code twice is one),
idempotent re-import, versions by date (counts as of a day), withdrawal and export."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from liangping.core.models import AuditLog
from liangping.services.catalogue import count_as_of, version_as_of
from liangping.services.models import Matter, MatterVersion
from liangping.sheets.runner import run_export, run_import
from tests.sheets.builders import write_xlsx

HEADER = [
    "事项编码",
    "事项名称",
    "实施部门",
    "事项类型",
    "法定时限（工作日）",
    "承诺时限（工作日）",
    "申请材料",
    "办理层级",
    "生效日期",
]


def rows(n: int, day: str = "2025-01-01") -> list[list[object]]:
    return [
        [
            f"3704{i:06d}",
            f"示例事项{i}",
            "市发展改革委",
            "行政许可",
            20,
            5,
            "申请书；营业执照",
            "市、区（市）、镇（街道）",
            day,
        ]
        for i in range(n)
    ]


def test_import_then_reimport_changes_nothing(cast, tmp_path):
    path = write_xlsx(tmp_path / "目录.xlsx", [["政务服务事项目录（示例）"], HEADER, *rows(300)])
    result = run_import("matters", path, actor=cast.supervisor)
    assert result.ok and result.created == 300
    m = Matter.objects.get(code="3704000007")
    assert (
        m.department == cast.fagai and m.promised_days == 5 and m.level_list() == ["city", "district", "town"]
    )
    assert m.materials_list() == ["申请书", "营业执照"] and m.tenant == cast.city
    assert MatterVersion.objects.count() == 300
    assert AuditLog.objects.filter(action="services.matter.create").count() == 300
    again = run_import("matters", path, actor=cast.supervisor)
    assert again.ok and again.created == 0 and again.unchanged == 300
    assert MatterVersion.objects.count() == 300


def test_a_code_twice_and_other_errors_save_nothing(cast, tmp_path):
    data = rows(5)
    data[3][0] = data[1][0]  # the code of row 4 (Excel row 6) repeats row 2 (Excel row 4)
    data[2][3] = "行政审批"  # unknown type
    data[4][5] = 30  # promised longer than legal
    data[0][2] = "不存在局"
    path = write_xlsx(tmp_path / "目录.xlsx", [["政务服务事项目录"], HEADER, *data])
    result = run_import("matters", path, actor=cast.supervisor)
    assert not result.ok and not Matter.objects.exists()
    errors = {(e.row, e.column): e.message for e in result.errors}
    assert errors[(6, "事项编码")] == "事项编码“3704000001”与第4行重复：一个事项只写一行"
    assert "事项类型“行政审批”不认识" in errors[(5, "事项类型")]
    assert "承诺时限 30 个工作日长于法定时限 20 个工作日" == errors[(7, "承诺时限（工作日）")]
    assert "未知的实施部门“不存在局”" in errors[(3, "实施部门")]


def test_versions_make_a_count_as_of_a_day_exact(cast, tmp_path):
    run_import(
        "matters", write_xlsx(tmp_path / "a.xlsx", [HEADER, *rows(10, "2025-01-01")]), actor=cast.supervisor
    )
    later = rows(12, "2025-07-01")
    later[0][1] = "示例事项0（更名）"
    later[1] += ["取消"]
    header = [*HEADER, "事项状态"]
    result = run_import("matters", write_xlsx(tmp_path / "b.xlsx", [header, *later]), actor=cast.supervisor)
    assert result.ok and result.created == 2 and result.updated == 2
    assert count_as_of(dt.date(2024, 12, 31)) == 0
    assert count_as_of(dt.date(2025, 6, 30)) == 10
    assert count_as_of(dt.date(2025, 7, 1)) == 11  # +2 new, −1 withdrawn
    renamed = Matter.objects.get(code="3704000000")
    assert version_as_of(renamed, dt.date(2025, 6, 30)).name == "示例事项0"
    assert version_as_of(renamed, dt.date(2025, 7, 1)).name == "示例事项0（更名）"
    assert Matter.objects.get(code="3704000001").withdrawn_on == dt.date(2025, 7, 1)


def test_export_reads_back_unchanged(cast, tmp_path):
    run_import("matters", write_xlsx(tmp_path / "a.xlsx", [HEADER, *rows(20)]), actor=cast.supervisor)
    out = io.BytesIO()
    run_export("matters", out, user=cast.supervisor, actor=cast.supervisor)
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["事项编码", "事项名称", "实施部门"] and sheet.max_row == 21
    back = tmp_path / "back.xlsx"
    back.write_bytes(out.getvalue())
    again = run_import("matters", back, actor=cast.supervisor)
    assert again.ok and again.unchanged == 20 and again.created == 0 and again.updated == 0


@pytest.mark.django_db
def test_catalogue_page_counts_as_of_a_day(client, cast, tmp_path):
    run_import(
        "matters", write_xlsx(tmp_path / "a.xlsx", [HEADER, *rows(60, "2025-03-01")]), actor=cast.supervisor
    )
    client.force_login(cast.leader)
    page = client.get("/services/matters/?as_of=2025-03-01").content.decode()
    assert 'id="catalogue-total">60<' in page and "示例事项1" in page
    page = client.get("/services/matters/?as_of=2025-02-28").content.decode()
    assert 'id="catalogue-total">0<' in page
    response = client.get("/services/matters/?as_of=明天")
    assert response.status_code == 400 and "日期“明天”无法识别" in response.content.decode()

"""Firms in and out as .xlsx: the ledger's tolerance (title rows, synonyms, any column order, 合计 rows)
and its refusals (one error per defect with row and column, nothing written)."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from liangping.chains.models import Capacity, Firm, FirmSegment
from liangping.sheets.runner import run_export, run_import
from tests.chains.world import code
from tests.sheets.builders import write_xlsx

pytestmark = pytest.mark.django_db

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "产业链",
    "区（市）",
    "环节",
    "产能",
    "产值（亿元）",
    "科研平台",
    "专利",
    "是否规上",
    "重点企业",
]


def row(credit: str, name: str = "丁正极材料有限公司", **over):  # type: ignore[no-untyped-def]
    values = {
        "统一社会信用代码": credit,
        "企业名称": name,
        "产业链": "锂电",
        "区（市）": "滕州",
        "环节": "正极材料、电芯",
        "产能": "正极材料 2.5万吨；电芯 1GWh",
        "产值（亿元）": 1.25,
        "科研平台": 1,
        "专利": "12项",
        "是否规上": "是",
        "重点企业": "否",
    }
    values.update(over)
    return [values[h] for h in HEADER]


def test_a_tolerant_file_is_imported_once(tmp_path, cast, cw):
    path = write_xlsx(
        tmp_path / "firms.xlsx",
        [
            ["锂电产业链企业名录"],
            ["填报单位：市工业和信息化局"],
            HEADER,
            row(code(11)),
            row(
                code(12).lower(), "戊隔膜有限公司", 环节="隔膜", 产能="隔膜 2亿平方米", 产值="", 重点企业="√"
            ),
            [None] * len(HEADER),
            ["合计", None, None, None, None, None, 3],
        ],
    )
    result = run_import("firms", path, actor=cast.supervisor)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    ding = Firm.objects.get(credit_code=code(11))
    assert ding.output == Decimal("12500.00") and ding.patents == 12 and ding.district == cast.tengzhou
    assert set(ding.segments.values_list("name", flat=True)) == {"正极材料", "电芯"}
    assert Capacity.objects.get(firm=ding, measure=cw.cell_gwh).value == Decimal("1")
    assert Capacity.objects.get(firm__credit_code=code(12), measure=cw.separator_m2).value == Decimal("2")
    again = run_import("firms", path, actor=cast.supervisor)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_every_defect_is_reported_with_row_and_column_and_nothing_is_written(tmp_path, cast, cw):
    bad_check = code(13)[:-1] + ("0" if code(13)[-1] != "0" else "1")
    path = write_xlsx(
        tmp_path / "bad.xlsx",
        [
            HEADER,
            row(code(14)),  # fine on its own
            row(bad_check),
            row(code(15), 产能="隔膜 3万吨", 环节="隔膜"),
            row(code(16), 环节="正极材料、石墨化"),
            row(code(17), 产业链="锂电池"),
            row(code(14), "重复企业"),
            row(code(18), **{"区（市）": "莱芜区"}),
            row("=HYPERLINK(1)"),
            row(code(19), 是否规上="也许"),
            row(code(20), 产能="电芯 1"),
        ],
    )
    firms_before = Firm.objects.count()
    result = run_import("firms", path, actor=cast.supervisor)
    found = {(e.row, e.column): e.message for e in result.errors}
    assert "校验位不正确" in found[(3, "统一社会信用代码")]
    assert "单位是亿㎡，不能填写万吨" in found[(4, "产能")]
    assert "没有“石墨化”" in found[(5, "环节")]
    assert "没有名为“锂电池”的产业链" in found[(6, "产业链")]
    assert "与第2行重复" in found[(7, "统一社会信用代码")]
    assert "未知的区（市）“莱芜区”" in found[(8, "区（市）")]
    assert "公式" in found[(9, "统一社会信用代码")]
    assert "请填写“是”或“否”" in found[(10, "是否规上")]
    assert "没有写单位" in found[(11, "产能")]
    assert len(result.errors) == 9
    assert (result.created, result.updated) == (0, 0)
    assert Firm.objects.count() == firms_before
    assert FirmSegment.objects.count() == 3


def test_the_export_reads_back_unchanged(tmp_path, cast, cw):
    out = io.BytesIO()
    assert (
        run_export(
            "firms", out, user=cast.supervisor, actor=cast.supervisor, filters={"chain": str(cw.chain.pk)}
        )
        == 2
    )
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("统一社会信用代码", "企业名称", "产业链", "所属区（市）", "所属环节", "产能")
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["甲锂能科技有限公司"][4:6] == ("正极材料、电芯", "正极材料 3万吨；电芯 2GWh")
    path = tmp_path / "back.xlsx"
    path.write_bytes(out.getvalue())
    result = run_import("firms", path, actor=cast.supervisor)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)

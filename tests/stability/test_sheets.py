"""Stability items in and out of spreadsheets: an import that accepts what offices send (synonyms,
a title row, 高/红 for the level) and refuses a file with any bad row — no level, an unknown town or
unit, a bad ID number, a formula in the title — naming row and column, writing nothing; importing it
twice changes nothing. The export of the ledger is the generic case export: styled, the kind's own
column names, phones and ID numbers masked, a cell starting with = written as text."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from liangping.cases import engine
from liangping.cases.models import Case
from liangping.sheets.runner import run_import
from tests.sheets.builders import write_xlsx
from tests.stability.conftest import item_data

pytestmark = pytest.mark.django_db
HEADER = ["事项名称", "风险类型", "风险等级", "镇街", "村（社区）", "责任单位", "涉及人数"]
HEADER += ["联系电话", "身份证号"]


def test_a_good_file_imports_once(tmp_path, cast, towns):
    path = write_xlsx(
        tmp_path / "ok.xlsx",
        [
            ["滕州市矛盾纠纷排查台账（示例）"],
            HEADER,
            ["某楼盘延期交房", "信访", "高", "龙泉街道", "善国社区", "龙泉街道", "120人", "13912345678", ""],
            ["土地流转租金纠纷", "征地拆迁", "黄", "北辛", "", "北辛街道", 8, "", "11010519491231002X"],
        ],
    )
    result = run_import("stability", path, actor=cast.supervisor)
    assert result.ok, result.errors
    assert result.created == 2
    first = Case.objects.of_kind("stability").get(title="某楼盘延期交房")
    assert first.urgency == "high" and first.data["parties_count"] == 120
    assert first.place_org == towns.longquan
    assert first.category.name == "信访" and first.channel == "sheet"
    second = Case.objects.of_kind("stability").get(title="土地流转租金纠纷")
    assert second.urgency == "medium" and second.data["town"] == towns.beixin.pk
    again = run_import("stability", path, actor=cast.supervisor)
    assert again.ok and (again.created, again.unchanged) == (0, 2)
    assert Case.objects.of_kind("stability").count() == 2


def test_every_bad_row_is_named_and_nothing_is_saved(tmp_path, cast, towns):
    path = write_xlsx(
        tmp_path / "bad.xlsx",
        [
            HEADER,
            ["正常事项", "信访", "高", "龙泉街道", "", "龙泉街道", 3, "", ""],
            ["没有等级", "信访", "", "龙泉街道", "", "龙泉街道", 3, "", ""],
            ["没有镇街", "信访", "中", "", "", "龙泉街道", 3, "", ""],
            ["未知镇街", "信访", "中", "莱芜镇", "", "龙泉街道", 3, "", ""],
            ["没有责任单位", "信访", "低", "龙泉街道", "", "", 3, "", ""],
            ["等级写错", "信访", "很高", "龙泉街道", "", "龙泉街道", 3, "", ""],
            ["身份证错", "信访", "低", "龙泉街道", "", "龙泉街道", 3, "", "370402199001011234"],
            ["=HYPERLINK(1)", "信访", "低", "龙泉街道", "", "龙泉街道", 3, "", ""],
            ["正常事项", "信访", "高", "龙泉街道", "", "龙泉街道", 3, "", ""],
        ],
    )
    result = run_import("stability", path, actor=cast.supervisor)
    found = {(e.row, e.column): e.message for e in result.errors}
    assert "风险等级" in found[(3, "风险等级")]
    assert (4, "镇街") in found
    assert "未知的镇街“莱芜镇”" in found[(5, "镇街")]
    assert (6, "责任单位") in found
    assert "很高" in found[(7, "风险等级")]
    assert "校验位不对" in found[(8, "身份证号")]
    assert "公式" in found[(9, "事项名称")]
    assert "与第2行重复" in found[(10, "事项名称")]
    assert not result.ok and not Case.objects.of_kind("stability").exists()


def _download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(data)).worksheets[0]


def test_the_ledger_export(client, cast, towns):
    engine.register(
        "stability",
        actor=towns.longquan_user,
        title="=1+1 某小区物业纠纷",
        category="neighbour",
        urgency="low",
        data=item_data(towns, rep_phone="13912345678", rep_idcard="11010519491231002X"),
    )
    client.force_login(cast.supervisor)
    sheet = _download(client, "/sheets/export/cases.xlsx?kind=stability")
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert "风险等级" in header and "下次跟进期限" in header and "紧急程度" not in header
    row = dict(zip(header, rows[1], strict=False))
    assert row["标题"] == "=1+1 某小区物业纠纷" and sheet.cell(2, header.index("标题") + 1).data_type == "s"
    assert row["风险等级"] == "低" and row["代表人身份证号"] == "110105********002X"
    assert row["所在镇街"] == "龙泉街道" and sheet.freeze_panes == "A2"
    # 西岗镇 sees none of 龙泉街道's items (the header only).
    client.force_login(towns.xigang_user)
    other = client.get("/sheets/export/cases.xlsx?kind=stability")
    if other.status_code == 200:
        data = b"".join(other.streaming_content) if other.streaming else other.content
        assert len(list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))) == 1

"""Finding the table in what people send: title and note rows, any column order, synonyms, units,
the right sheet, blank and 合计 rows, .xlsx/.xls/.csv in UTF-8 or GBK."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from liangping.projects.models import Project, Stage
from liangping.sheets.errors import SheetError
from liangping.sheets.reading import sniff
from tests.sheets.builders import LEDGER_HEADER, ledger_row, write_csv, write_xls, write_xlsx

pytestmark = pytest.mark.django_db


def test_title_and_note_rows_above_a_shuffled_header_with_synonyms(imp, tmp_path):
    header = [
        "序号",
        "项目代码",
        " 项目 名称 ",
        "区(市)",
        "计划总投资(亿元)",
        "2024年计划投资",
        "项目阶段",
        "帮包市领导",
        "牵头部门",
        "推进专员",
        "行业",
        "项目单位",
        "级别",
        "备注",
    ]
    rows = [
        ["2024年全市重点项目台账"],
        ["填报单位：市城市转型促进中心", None, None, "单位：亿元"],
        [],
        header,
        [
            1,
            "A-1",
            "甲项目",
            "滕州",
            2.5,
            0.5,
            "已投产",
            "领导甲",
            "市发展改革委",
            "专员甲",
            "新能源",
            "示例新能源有限公司",
            "省级",
            "x",
        ],
    ]
    order = list(range(len(header)))
    random.Random(7).shuffle(order)
    rows = rows[:3] + [[r[i] if i < len(r) else None for i in order] for r in rows[3:]]
    result = imp(write_xlsx(tmp_path / "a.xlsx", rows))
    assert result.ok, result.errors
    project = Project.objects.get(code="A-1")
    assert project.name == "甲项目" and project.district.name == "滕州市"
    assert project.total_investment == Decimal("25000.00")  # 亿元 from the note row
    assert project.annual_plan == Decimal("5000.00") and project.plan_year == 2024
    assert project.stage == Stage.OPERATING and project.level == "provincial"
    assert project.leader.display_name == "领导甲" and project.department.name == "市发展改革委"


@pytest.mark.parametrize(
    ("header", "amount", "expected"),
    [
        ("总投资（万元）", 1200.5, "1200.50"),
        ("总投资（亿元）", 1.23456, "12345.60"),
        ("总投资（元）", 123456789, "12345.68"),
        ("总投资", 88, "88.00"),
    ],
)
def test_units_in_the_header(imp, tmp_path, header, amount, expected):
    head = [header if h == "总投资（万元）" else h for h in LEDGER_HEADER]
    result = imp(write_xlsx(tmp_path / "u.xlsx", [head, ledger_row("U-1", **{"总投资（万元）": amount})]))
    assert result.ok, result.errors
    assert Project.objects.get(code="U-1").total_investment == Decimal(expected)


def test_header_unit_beats_note_row_and_note_row_beats_default(imp, tmp_path):
    head = [h if h != "年度计划投资（万元）" else "年度计划投资" for h in LEDGER_HEADER]
    rows = [["单位：亿元"], head, ledger_row("N-1", **{"总投资（万元）": 2, "年度计划投资（万元）": 0.5})]
    assert imp(write_xlsx(tmp_path / "n.xlsx", rows)).ok
    project = Project.objects.get(code="N-1")
    assert project.total_investment == Decimal("2.00")  # the header says 万元
    assert project.annual_plan == Decimal("5000.00")  # no unit in the header: the note's 亿元


def test_text_dates_and_excel_dates(imp, tmp_path):
    forms = ["2025-03", "2025.3", "2025年3月", "2025/03/15", dt.datetime(2025, 3, 15)]
    rows = [LEDGER_HEADER] + [
        ledger_row(f"D-{i}", **{"计划开工时间": form, "计划竣工时间": dt.date(2026, 6, 30)})
        for i, form in enumerate(forms)
    ]
    assert imp(write_xlsx(tmp_path / "d.xlsx", rows)).ok
    for project in Project.objects.filter(code__startswith="D-"):
        assert project.planned_start == dt.date(2025, 3, 1)
        assert project.planned_end == dt.date(2026, 6, 1)


def test_blank_rows_total_row_and_extra_columns_are_skipped(imp, tmp_path):
    head = [*LEDGER_HEADER, "备注", "填报人"]
    rows = [
        head,
        [*ledger_row("B-1"), "无", "张三"],
        [None] * len(head),
        [*ledger_row("B-2"), None, None],
        [],
        ["合计", None, None, None, None, None, 24001],
    ]
    result = imp(write_xlsx(tmp_path / "b.xlsx", rows))
    assert result.ok, result.errors
    assert (result.created, result.rows_total) == (2, 2)


def test_numbers_stored_as_text(imp, tmp_path):
    rows = [
        LEDGER_HEADER,
        ledger_row("S-1", **{"总投资（万元）": "1,200.50", "年度计划投资（万元）": " 300 "}),
    ]
    assert imp(write_xlsx(tmp_path / "s.xlsx", rows)).ok
    project = Project.objects.get(code="S-1")
    assert (project.total_investment, project.annual_plan) == (Decimal("1200.50"), Decimal("300.00"))


def test_the_wrong_sheet_first(imp, tmp_path):
    notes = [["填表说明"], ["1. 项目编号必须唯一"], ["2. 金额单位为万元"]]
    path = write_xlsx(tmp_path / "w.xlsx", [LEDGER_HEADER, ledger_row("W-1")], before=[("说明", notes)])
    result = imp(path)
    assert result.ok and result.created == 1


def test_an_empty_file(imp, tmp_path):
    result = imp(write_xlsx(tmp_path / "e.xlsx", []))
    assert [(e.row, e.message) for e in result.errors] == [(None, "文件是空的，没有可导入的数据")]


def test_a_header_without_data(imp, tmp_path):
    result = imp(write_xlsx(tmp_path / "h.xlsx", [["标题"], LEDGER_HEADER]))
    assert [(e.row, e.message) for e in result.errors] == [(2, "表头下面没有数据行，请填写数据后再导入")]


def test_no_recognisable_header(imp, tmp_path):
    result = imp(write_xlsx(tmp_path / "x.xlsx", [["姓名", "年龄"], ["张三", 30]]))
    assert not result.ok
    (error,) = result.errors
    assert error.row is None and "没有找到项目台账的表头" in error.message
    assert "项目编号、项目名称、所属区（市）、总投资、建设阶段" in error.message


def test_a_missing_required_column_is_named(imp, tmp_path):
    head = [h for h in LEDGER_HEADER if h != "总投资（万元）"]
    row = [v for h, v in zip(LEDGER_HEADER, ledger_row("M-1"), strict=True) if h != "总投资（万元）"]
    result = imp(write_xlsx(tmp_path / "m.xlsx", [["台账"], head, row]))
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "总投资", "缺少必填列“总投资”，请在表头行添加该列")
    ]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_chinese_encodings(imp, tmp_path, encoding):
    rows = [["重点项目台账"], LEDGER_HEADER, ledger_row("C-1", name="枣庄·滕州锂电项目")]
    result = imp(write_csv(tmp_path / "c.csv", rows, encoding))
    assert result.ok, result.errors
    project = Project.objects.get(code="C-1")
    assert project.name == "枣庄·滕州锂电项目" and project.total_investment == Decimal("12000.50")
    assert project.planned_start == dt.date(2025, 3, 1)


def test_xls(imp, tmp_path):
    rows = [["标题"], LEDGER_HEADER, ledger_row("X-1", **{"计划开工时间": dt.date(2025, 4, 9)})]
    result = imp(write_xls(tmp_path / "old.xls", rows))
    assert result.ok, result.errors
    project = Project.objects.get(code="X-1")
    assert project.planned_start == dt.date(2025, 4, 1) and project.total_investment == Decimal("12000.50")


def test_error_rows_are_excel_row_numbers(imp, tmp_path):
    rows = [
        ["标题"],
        ["单位：万元"],
        LEDGER_HEADER,
        ledger_row("R-1"),
        [],
        ledger_row("R-2", **{"所属区（市）": "莱芜"}),
    ]
    result = imp(write_xlsx(tmp_path / "r.xlsx", rows))
    assert [(e.row, e.column) for e in result.errors] == [(6, "所属区（市）")]


def test_content_is_checked_not_only_the_name(tmp_path):
    assert sniff(b"PK\x03\x04....", "a.xls") == "xlsx"  # a renamed file still reads
    assert sniff(bytes.fromhex("D0CF11E0A1B11AE1") + b"..", "a.xlsx") == "xls"
    assert sniff("项目编号,项目名称".encode("gbk"), "a.csv") == "csv"
    with pytest.raises(SheetError, match="内容不是 Excel"):
        sniff(b"just text", "a.xlsx")
    with pytest.raises(SheetError, match="无法识别为文本"):
        sniff(b"\x00\x01\x02\xff", "a.csv")
    with pytest.raises(SheetError, match="只能导入"):
        sniff(b"PK\x03\x04", "a.pdf")
    with pytest.raises(SheetError, match="不是有效的 Excel"):
        sniff(b"PK\x03\x04", "a.xlsx", whole=b"PK\x03\x04 not a zip")


def test_a_broken_xlsx_is_refused_with_a_message(imp, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    (error,) = imp(path).errors
    assert error.row is None and "Excel" in error.message


def test_a_two_row_header_under_merged_group_labels(imp, tmp_path):
    rows = [
        ["2025年重点项目台账"],
        ["项目编号", "项目名称", "所属区（市）", "投资情况（亿元）", None, "建设阶段"],
        [None, None, None, "总投资", "年度计划投资", None],
        ["G-1", "分组表头项目", "滕州市", 1.5, 0.2, "在建"],
    ]
    result = imp(write_xlsx(tmp_path / "g.xlsx", rows))
    assert result.ok, result.errors
    project = Project.objects.get(code="G-1")
    assert (project.total_investment, project.annual_plan) == (Decimal("15000.00"), Decimal("2000.00"))


def test_a_formula_on_the_second_sheet_is_found(imp, tmp_path):
    rows = [LEDGER_HEADER, ledger_row("S2-1"), ledger_row('=LOWER("S2-2")')]
    path = write_xlsx(tmp_path / "f.xlsx", rows, title="重点项目", before=[("说明", [["说明"]])])
    assert [(e.row, e.column) for e in imp(path).errors] == [(3, "项目编号")]

"""The register, the credit levels and the incentive catalogue in and out as .xlsx: tolerant of how
people write, refusing with row and column what would corrupt the register, all or nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from liangping.firms.models import Firm, Measure
from liangping.sheets.runner import run_export, run_import
from tests.firms.world import code
from tests.sheets.builders import write_xlsx

pytestmark = pytest.mark.django_db

REGISTER = ["统一社会信用代码", "企业名称", "园区", "服务工作室", "信用等级", "榴花分", "评价日期"]
CREDIT = ["信用代码", "企业名称", "信用等级", "榴花分", "评价日期"]
MEASURES = [
    "措施编号",
    "措施名称",
    "实施部门",
    "激励内容",
    "适用信用等级",
    "榴花分下限",
    "榴花分上限",
    "生效日期",
    "截止日期",
]


def found(result):  # type: ignore[no-untyped-def]
    return {(e.row, e.column): e.message for e in result.errors}


def test_register_import_creates_then_changes_nothing(tmp_path, cast, fw):
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["企业服务工作室服务企业名录"],
            REGISTER,
            [code(10).lower(), "示例云计算有限公司", "", "示例企业服务工作室", "a级", 88.5, "2026年3月1日"],
            [code(11), "示例算力有限公司", "示例大数据产业园", "", "", "", ""],
            [None] * 7,
        ],
    )
    result = run_import("firm_register", path, actor=cast.supervisor)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    firm = Firm.objects.get(credit_code=code(10))
    assert firm.studio == fw.studio_in and firm.park == "示例大数据产业园" and firm.tenant == cast.city
    assert (firm.credit_level, firm.score, firm.rated_on) == ("A", Decimal("88.5"), dt.date(2026, 3, 1))
    again = run_import("firm_register", path, actor=cast.supervisor)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    # a file without the studio and park columns leaves them as the register has them
    short = write_xlsx(
        tmp_path / "short.xlsx",
        [["统一社会信用代码", "企业名称", "信用等级"], [code(10), "示例云计算有限公司", "B"]],
    )
    assert run_import("firm_register", short, actor=cast.supervisor).updated == 1
    firm = Firm.objects.get(credit_code=code(10))
    assert (firm.studio, firm.park, firm.credit_level) == (fw.studio_in, "示例大数据产业园", "B")


def test_register_import_refuses_each_defect(tmp_path, cast, fw):
    bad_check = code(20)[:-1] + ("0" if code(20)[-1] != "0" else "1")
    path = write_xlsx(
        tmp_path / "bad.xlsx",
        [
            REGISTER,
            [code(21), "示例甲", "", "", "", "", ""],
            [bad_check, "示例乙", "", "", "", "", ""],
            [code(21), "示例丙", "", "", "", "", ""],
            [code(22), "示例丁", "", "不存在工作室", "", "", ""],
            [code(23), "示例戊", "", "", "E", "", ""],
            [code(24), "示例己", "", "", "", "一百", ""],
            [code(25), "示例庚", "", "", "", "", "明年"],
            ["=HYPERLINK(1)", "示例辛", "", "", "", "", ""],
            [code(26), "", "", "", "", "", ""],
        ],
    )
    before = Firm.objects.count()
    result = run_import("firm_register", path, actor=cast.supervisor)
    errors = found(result)
    assert "校验位不正确" in errors[(3, "统一社会信用代码")]
    assert "与第2行重复" in errors[(4, "统一社会信用代码")]
    assert "没有名为“不存在工作室”" in errors[(5, "服务工作室")]
    assert "只能填 A、B、C、D" in errors[(6, "信用等级")]
    assert "不是有效的分值" in errors[(7, "榴花分")]
    assert "不是有效的日期" in errors[(8, "评价日期")]
    assert "公式" in errors[(9, "统一社会信用代码")]
    assert "不能为空" in errors[(10, "企业名称")]
    assert len(result.errors) == 8
    assert Firm.objects.count() == before


def test_credit_import_updates_known_firms_and_refuses_unknown_codes(tmp_path, cast, fw):
    ok = write_xlsx(tmp_path / "ok.xlsx", [CREDIT, [fw.firm_out.credit_code, "", "B", "91", "2026-05-01"]])
    result = run_import("firm_credit", ok, actor=cast.supervisor)
    assert result.ok and result.updated == 1
    firm = Firm.objects.get(pk=fw.firm_out.pk)
    assert (firm.credit_level, firm.score, firm.studio) == ("B", Decimal("91"), fw.studio_out)
    bad_check = code(30)[:-1] + ("0" if code(30)[-1] != "0" else "1")
    bad = write_xlsx(
        tmp_path / "bad.xlsx",
        [
            CREDIT,
            [fw.firm_in.credit_code, "", "D", "", ""],
            [code(31), "", "A", "", ""],  # valid, not in the register
            [bad_check, "", "A", "", ""],
            [fw.other_city_firm.credit_code, "", "A", "", ""],  # another city's firm
            [fw.firm_out.credit_code, "别的名称有限公司", "A", "", ""],
            [code(1, "370481"), "", "", "", ""],
        ],
    )
    result = run_import("firm_credit", bad, actor=cast.supervisor)
    errors = found(result)
    assert "不在企业名录中" in errors[(3, "信用代码")]
    assert "校验位不正确" in errors[(4, "信用代码")]
    assert "不在企业名录中" in errors[(5, "信用代码")]
    assert "不一致" in errors[(6, "企业名称")]
    assert (7, "信用代码") in errors
    assert Firm.objects.get(pk=fw.firm_in.pk).credit_level == "A"  # row 2 was fine, nothing written


def test_measure_import_and_its_end_before_start_error(tmp_path, cast, fw):
    good = write_xlsx(
        tmp_path / "m.xlsx",
        [
            MEASURES,
            [
                "LHF-100",
                "示例免担保贷款",
                "市发改委",
                "信用贷款免担保",
                "A、B",
                "",
                "",
                "2026-01-01",
                "2026-12",
            ],
            [
                "LHF-101",
                "示例绿色通道",
                "市工业和信息化局",
                "审批绿色通道",
                "",
                80,
                100,
                dt.date(2026, 2, 1),
                "",
            ],
        ],
    )
    result = run_import("incentives", good, actor=cast.supervisor)
    assert result.ok, result.errors
    first = Measure.objects.get(code="LHF-100")
    assert (first.levels, first.department, first.ends_on) == ("AB", cast.fagai, dt.date(2026, 12, 31))
    assert Measure.objects.get(code="LHF-101").score_max == Decimal("100")
    assert run_import("incentives", good, actor=cast.supervisor).unchanged == 2
    bad = write_xlsx(
        tmp_path / "bad.xlsx",
        [
            MEASURES,
            ["LHF-200", "示例倒置", "市发改委", "示例", "A", "", "", "2026-06-01", "2026-05-31"],
            ["LHF-201", "示例无条件", "市发改委", "示例", "", "", "", "2026-01-01", ""],
            ["LHF-202", "示例未知部门", "市不存在局", "示例", "A", "", "", "2026-01-01", ""],
            ["LHF-203", "示例区间倒置", "市发改委", "示例", "", 90, 80, "2026-01-01", ""],
            ["LHF-200", "示例重复", "市发改委", "示例", "A", "", "", "2026-01-01", ""],
            ["LHF-204", "示例等级", "市发改委", "示例", "E", "", "", "2026-01-01", ""],
            ["LHF-205", "示例无开始", "市发改委", "示例", "A", "", "", "", ""],
        ],
    )
    before = Measure.objects.count()
    result = run_import("incentives", bad, actor=cast.supervisor)
    errors = found(result)
    assert "截止日期（2026-05-31）早于生效日期（2026-06-01）" in errors[(2, "截止日期")]
    assert "至少一项" in errors[(3, "适用信用等级")]
    assert "未知的实施部门" in errors[(4, "实施部门")]
    assert "低于下限" in errors[(5, "榴花分上限")]
    assert "与第2行重复" in errors[(6, "措施编号")]
    assert "只能填 A、B、C、D" in errors[(7, "适用信用等级")]
    assert "不能为空" in errors[(8, "生效日期")]
    assert Measure.objects.count() == before


def test_exports_are_styled_formula_safe_and_read_back(tmp_path, cast, fw):
    Firm.objects.filter(pk=fw.firm_in.pk).update(name="=1+1示例")
    for kind, header in (("firm_register", "统一社会信用代码"), ("incentives", "措施编号")):
        out = io.BytesIO()
        run_export(kind, out, user=cast.supervisor, actor=cast.supervisor)
        sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
        assert sheet["A1"].value == header and sheet["A1"].font.bold
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(out.getvalue())
        again = run_import(kind, path, actor=cast.supervisor)
        if kind == "incentives":
            assert again.ok and again.unchanged == 2, again.errors
    cells = [
        c.value for row in openpyxl.load_workbook(tmp_path / "firm_register.xlsx").worksheets[0] for c in row
    ]
    assert "=1+1示例" in cells  # kept as text, not run as a formula
    out = io.BytesIO()
    run_export("firm_register", out, user=cast.district, actor=cast.district)
    names = [
        r[1].value
        for r in openpyxl.load_workbook(io.BytesIO(out.getvalue())).worksheets[0].iter_rows(min_row=2)
    ]
    assert names == ["=1+1示例"]  # the district sees only the studio in it

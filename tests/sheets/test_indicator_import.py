"""The provincial indicator table: tolerant reading, whole-file refusal with row and column, idempotent."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from liangping.core.models import AuditLog
from liangping.indicators.models import IndicatorValue
from liangping.indicators.numbers import CellProblem, parse_window
from liangping.indicators.services import ranking
from tests.sheets.builders import write_csv, write_xlsx
from tests.sheets.conftest import issues
from tests.sheets.test_cli import run

CITIES = [
    "济南市",
    "青岛",
    "淄博",
    "枣庄市",
    "东营",
    "烟台",
    "潍坊",
    "济宁",
    "泰安",
    "威海",
    "日照",
    "临沂",
    "德州",
    "聊城",
    "滨州",
    "菏泽",
]
TITLE = [["2025年1-6月全省16市主要经济指标"], ["单位：亿元、%"]]


def table(indicator="地区生产总值", period="2025年1-6月", growths=None):
    growths = growths or [str(Decimal(60 - i) / 10) for i in range(16)]
    return [
        [indicator, city, period, 1000 + i, g]
        for i, (city, g) in enumerate(zip(CITIES, growths, strict=True))
    ]


@pytest.mark.django_db
def test_a_messy_provincial_table_imports(imp, tmp_path):
    rows = [*TITLE, ["地区", "指标", "期间", "绝对值（亿元）", "同比增长（%）"]]
    rows += [[r[1], r[0], r[2], r[3], r[4]] for r in table("GDP")]  # shuffled columns, a synonym
    rows += [[r[1], r[0], r[2], r[3], f"{r[4]}%"] for r in table("进出口", "2025年上半年")]
    result = imp(write_xlsx(tmp_path / "a.xlsx", rows), "indicators")
    assert result.ok and (result.created, result.updated) == (32, 0), issues(result)
    zz = IndicatorValue.objects.get(indicator__name="地区生产总值", city__name="枣庄", year=2025, month=6)
    assert zz.growth == Decimal("5.7") and zz.value == Decimal(1003)
    assert {r.name: r.home.rank for r in ranking(2025, 6) if r.home} == {
        "地区生产总值": 4,
        "货物进出口总额": 4,
    }
    assert AuditLog.objects.filter(action="indicator.import").count() == 32
    again = imp(write_xlsx(tmp_path / "a.xlsx", rows), "indicators")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 32)
    assert AuditLog.objects.filter(action="indicator.import").count() == 32


@pytest.mark.django_db
def test_every_defect_is_reported_and_nothing_is_kept(imp, tmp_path):
    rows = [["指标名称", "地区", "期间", "数值", "增速(%)"], *table()]
    rows[2][1] = "莱芜市"  # merged into 济南 in 2019
    rows[3][0] = "人均GDP"
    rows[4][4] = "较快增长"
    rows[5][1] = "济南"  # 济南 already on row 2… as 济南市
    rows[6][2] = "2025年13月"
    result = imp(write_xlsx(tmp_path / "bad.xlsx", rows), "indicators")
    assert not result.ok
    found = issues(result)
    assert (3, "地区", "“莱芜市”不是山东省16市之一：莱芜市已于2019年并入济南市，请将数据并入“济南”") in found
    assert any(e[:2] == (4, "指标名称") and "未知指标“人均GDP”" in e[2] for e in found)
    assert any(e[:2] == (5, "增速(%)") and "不是数字" in e[2] for e in found)
    assert any(e[:2] == (6, "地区") and "与第2行重复" in e[2] for e in found)
    assert any(e[:2] == (7, "期间") and "13" in e[2] for e in found)
    assert not IndicatorValue.objects.filter(year=2025).exists()


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("2025年1-6月", (2025, 6)),
        ("2025年1月-6月", (2025, 6)),
        ("2025-06", (2025, 6)),
        ("2025年6月", (2025, 6)),
        ("2025Q2", (2025, 6)),
        ("2025年第一季度", (2025, 3)),
        ("2025年一季度", (2025, 3)),
        ("2025年上半年", (2025, 6)),
        ("2025年前三季度", (2025, 9)),
        ("2025年1—9月".replace("—", "-"), (2025, 9)),
    ],
)
def test_period_spellings(text, window):
    assert parse_window(text) == window


def test_unreadable_period():
    with pytest.raises(CellProblem, match="“上半年”没有写年份"):
        parse_window("上半年")
    with pytest.raises(CellProblem, match="无法识别期间"):
        parse_window("本期")


@pytest.mark.django_db
def test_gbk_csv_through_the_command_line(cast, tmp_path, capsys):
    path = write_csv(
        tmp_path / "t.csv",
        [["指标名称", "地区", "期间", "增速"], *[[*r[:3], r[4]] for r in table()]],
        encoding="gbk",
    )
    status, output = run(capsys, "import", "indicators", str(path), "--dry-run", "--json")
    data = json.loads(output)
    assert status == 0 and data["ok"] and data["created"] == 16 and data["errors"] == []
    assert not IndicatorValue.objects.filter(year=2025).exists()
    bad = write_csv(
        tmp_path / "b.csv", [["指标名称", "地区", "期间", "增速"], ["GDP", "莱芜", "2025-06", "x"]]
    )
    status, output = run(capsys, "import", "indicators", str(bad), "--json")
    assert status == 1 and [e["column"] for e in json.loads(output)["errors"]] == ["地区", "增速"]

"""The bureau's own tables, written here as they are published: a ranking table with one row per city,
a two-row header with 总量/增速/位次 under each indicator, indicators as rows, a GBK open-data file with
periods as rows and districts as columns, months as rows under a note row; and what is refused."""

from __future__ import annotations

import json
from decimal import Decimal

import openpyxl
import pytest

from liangping.core.models import AuditLog, Org, OrgKind
from liangping.indicators.demo import load_indicator_demo
from liangping.indicators.models import DistrictValue, Indicator, IndicatorValue, RankBy
from liangping.indicators.services import district_ranking, ranking
from tests.sheets.builders import write_csv, write_xlsx
from tests.sheets.conftest import issues
from tests.sheets.test_cli import run

pytestmark = pytest.mark.django_db

CITIES = ["济南市", "青岛", "淄博", "枣庄市", "东营", "烟台", "潍坊", "济宁"]
CITIES += ["泰安", "威海市", "日照", "临沂", "德州", "聊城", "滨州", "菏泽"]
TITLE = "2022年1-6月全省各市主要经济指标"


def growths(start: int = 80) -> list[Decimal]:
    """16 distinct growth rates, highest first (济南 1st … 菏泽 16th)."""
    return [Decimal(start - 3 * i) / 10 for i in range(16)]


def ranking_table() -> list[list]:
    """One row per city, indicators as columns, a rank column of no indicator, a province row."""
    rows = [
        [TITLE],
        ["单位：亿元、%"],
        ["排名", "城市", "GDP(亿元)", "增速(%)", "第一产业(亿)", "规上工业增加值增速(%)"],
    ]
    rows.append(["", "全省", 43000.5, 4.2, 3100, 5.1])
    for i, (city, g) in enumerate(zip(CITIES, growths(), strict=True)):
        rows.append([i + 1, city, 1000 + 100 * i + 0.25, float(g), 80 + i, float(g) + 1])
    return rows


def test_a_ranking_table_with_cities_as_rows(imp, tmp_path):
    result = imp(write_xlsx(tmp_path / "rank.xlsx", ranking_table()), "indicators")
    assert result.ok, issues(result)
    assert result.layout == "（b）地区为行、指标为列"
    assert (result.created, result.updated, result.rows_total) == (32, 0, 17)
    zz = IndicatorValue.objects.get(indicator__name="地区生产总值", city__name="枣庄", year=2022, month=6)
    assert zz.value == Decimal("1300.25") and zz.growth == Decimal("7.1")
    assert {r.name: r.home.rank for r in ranking(2022, 6)} == {"地区生产总值": 4, "规模以上工业增加值": 4}
    skipped = {u["column"]: u["reason"] for u in result.unmapped}
    assert "不是指标目录中的指标" in skipped["第一产业(亿)"] and "排名" in skipped
    assert any(w.row == 4 and "“全省”为合计" in w.message for w in result.warnings)
    first = result.preview[0]
    assert (first["indicator"], first["place"], first["period"], first["value"], first["growth"]) == (
        "地区生产总值",
        "济南",
        "2022年1-6月",
        "1000.25",
        "8",
    )
    assert AuditLog.objects.filter(action="indicator.import").count() == 32
    again = imp(write_xlsx(tmp_path / "rank.xlsx", ranking_table()), "indicators")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 32)


def two_row_table(wrong_rank_row: int | None = None) -> list[list]:
    """地区生产总值 over 总量/增速/位次, 一般公共预算收入（万元） over 总量/增速; the title's period."""
    rows = [
        ["2022年上半年各市主要指标完成情况"],
        ["城市", "地区生产总值", None, None, "一般公共预算收入（万元）", None],
        [None, "总量", "增速", "位次", "总量", "增速"],
    ]
    for i, (city, g) in enumerate(zip(CITIES, growths(), strict=True)):
        rank = i + 1 if i != wrong_rank_row else 16 - i
        rows.append([city, 2000 + i, float(g), rank, 1234567.89 - i * 1000, float(g) - 2])
    return rows


def test_a_two_row_header_keeps_total_and_growth_and_converts_units(imp, tmp_path):
    result = imp(write_xlsx(tmp_path / "two.xlsx", two_row_table(wrong_rank_row=3)), "indicators")
    assert result.ok, issues(result)
    income = IndicatorValue.objects.get(indicator__name="一般公共预算收入", city__name="枣庄", month=6)
    assert income.value == Decimal("123.156789") and income.growth == Decimal("5.1")  # 万元 → 亿元, exact
    gdp = IndicatorValue.objects.get(indicator__name="地区生产总值", city__name="枣庄", month=6)
    assert (gdp.value, gdp.growth, gdp.file_rank, gdp.file_rank_wins) == (
        Decimal(2003),
        Decimal("7.1"),
        13,
        False,
    )
    # the bureau's 位次 differs for 枣庄: listed, and the computed rank is used
    assert [(w.row, w.column) for w in result.warnings if "文件位次" in w.message] == [
        (7, "地区生产总值/位次")
    ]
    assert "文件位次为第13，按增速计算为第4" in str(result.warnings[0])
    assert next(r for r in ranking(2022, 6) if r.name == "地区生产总值").home.rank == 4
    # the person says the bureau's rank wins
    trusted = imp(
        write_xlsx(tmp_path / "two.xlsx", two_row_table(wrong_rank_row=3)),
        "indicators",
        options={"file_ranks": "1"},
    )
    assert trusted.ok and trusted.updated == 16
    board = next(r for r in ranking(2022, 6) if r.name == "地区生产总值")
    assert board.home.rank == 13 and board.from_file


def indicator_rows_table(title: str = "全省各市主要经济指标") -> list[list]:
    rows = [[title], ["指标", "单位", *CITIES]]
    rows.append(["地区生产总值", "亿元", *[3000 + 10 * i for i in range(16)]])
    rows.append(["地区生产总值增速", "%", *[float(g) for g in growths()]])
    rows.append(["税收收入（万元）", None, *[500000 + i for i in range(16)]])
    rows.append(["税收收入增长(%)", None, *[float(g) for g in reversed(growths())]])
    return rows


def test_indicators_as_rows_with_the_period_given(imp, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", indicator_rows_table())
    refused = imp(path, "indicators")
    assert not refused.ok and refused.layout == "（c）指标为行、地区为列"
    assert "文件中没有期间" in refused.errors[0].message and "--period" in refused.errors[0].message
    result = imp(path, "indicators", options={"period": "2022年1-6月"})
    assert result.ok and result.created == 32, issues(result)
    tax = IndicatorValue.objects.get(indicator__name="税收收入", city__name="枣庄", month=6)
    assert tax.value == Decimal("50.0003") and tax.growth == Decimal("4.4")
    # the title's period, and --period winning over it with a warning
    titled = imp(
        write_xlsx(tmp_path / "t.xlsx", indicator_rows_table("2025年1-3月全省各市主要经济指标")), "indicators"
    )
    assert titled.ok and IndicatorValue.objects.filter(year=2025, month=3).count() == 32
    over = imp(
        write_xlsx(tmp_path / "o.xlsx", indicator_rows_table("2025年1-3月全省各市主要经济指标")),
        "indicators",
        options={"period": "2025-06"},
        dry_run=True,
    )
    assert over.ok and any(
        "标题写的是2025年1-3月，按指定的期间取为2025年1-6月" in w.message for w in over.warnings
    )


def test_indicators_as_rows_under_cities_over_total_and_growth(imp, tmp_path):
    top, sub = ["指标"], [None]
    for city in CITIES:
        top += [city, None]
        sub += ["总量", "增速"]
    rows = [["2022年前三季度各市主要指标"], top, sub]
    rows.append(["地区生产总值（亿元）", *[x for i in range(16) for x in (3000 + i, 9 - i * 0.5)]])
    rows.append(["税收收入（万元）", *[x for i in range(16) for x in (400000 + i, 3 + i * 0.1)]])
    result = imp(write_xlsx(tmp_path / "c2.xlsx", rows), "indicators")
    assert result.ok and result.layout == "（c）指标为行、地区为列" and result.created == 32, issues(result)
    tax = IndicatorValue.objects.get(indicator__name="税收收入", city__name="枣庄", year=2022, month=9)
    assert tax.value == Decimal("40.0003") and tax.growth == Decimal("3.3")
    gdp = next(r for r in ranking(2022, 9) if r.name == "地区生产总值")
    assert gdp.home.rank == 4 and gdp.home.value == Decimal(3003)


@pytest.fixture
def districts(cast):
    """The demo city's other districts (the cast has 滕州市 and 市中区)."""
    city = Org.objects.get(kind=OrgKind.CITY)
    for name in ("薛城区", "枣庄高新区"):
        Org.objects.create(name=name, kind=OrgKind.DISTRICT, parent=city)
    return cast


OPEN_DATA = [
    ["枣庄市各区（市）地区生产总值"],
    ["年份/季度", "市中区（亿元）", "薛城区（亿元）", "滕州（亿元）", "高新区（亿元）"],
    ["201902", "150.1", "120.2", "550.3", "60.4"],
    ["2021年第二季度", "160.1", "125.2", "580.3", "65.4"],
    ["2022年4季度", "330.5", "260.5", "1200.5", "140.5"],
    ["2023年一季度", "85.1", "66.2", "300.3", "35.4"],
    ["三季度", "260.1", "200.2", "920.3", "110.4"],
    ["2023", "350.6", "270.7", "1250.8", "150.9"],
]


def test_gbk_open_data_with_periods_as_rows_and_districts_as_columns(districts, imp, tmp_path, capsys):
    Indicator.objects.filter(name="地区生产总值").update(rank_by=RankBy.VALUE)
    path = write_csv(tmp_path / "opendata.csv", OPEN_DATA, encoding="gbk")
    status, output = run(capsys, "import", "indicators", str(path), "--json")
    report = json.loads(output)
    assert status == 0 and report["ok"], report["errors"]
    assert report["layout"] == "（d）期间为行、地区为列" and report["created"] == 24
    assert [w for w in report["warnings"] if w["row"] == 7] == [
        {
            "row": 7,
            "column": "年份/季度",
            "message": "“三季度”没有写年份，按上方的“2023年一季度”取为2023年1-9月",
        }
    ]
    assert {(v.year, v.month) for v in DistrictValue.objects.all()} == {
        (2019, 6),
        (2021, 6),
        (2022, 12),
        (2023, 3),
        (2023, 9),
        (2023, 12),
    }
    tengzhou = DistrictValue.objects.get(place__name="滕州市", year=2023, month=9)
    assert tengzhou.value == Decimal("920.3") and tengzhou.growth is None
    assert not IndicatorValue.objects.exists()
    board = district_ranking(2023, 9)[0]
    assert [(r.city, r.rank, r.prev_rank, r.change) for r in board.rows] == [
        ("滕州市", 1, 1, 0),
        ("市中区", 2, 2, 0),
        ("薛城区", 3, 3, 0),
        ("枣庄高新区", 4, 4, 0),
    ]
    assert board.rank_by == "value" and board.previous == (2023, 3)


def test_months_as_rows_under_a_note_row_with_the_indicator_named(imp, tmp_path):
    rows = [["注：本表为各市快报数据，单位：亿元"], ["地区", *CITIES]]
    for month in (8, 9):
        rows.append([f"2016年{month}月地方数据上报情况", *[100 * month + i for i in range(16)]])
    path = write_xlsx(tmp_path / "m.xlsx", rows)
    refused = imp(path, "indicators")
    assert not refused.ok and "标题中没有找到指标名称" in refused.errors[0].message
    result = imp(path, "indicators", options={"indicator": "地方一般公共预算收入"})
    assert result.ok and result.created == 32, issues(result)
    assert IndicatorValue.objects.get(city__name="菏泽", year=2016, month=9).value == Decimal(915)


def test_a_17th_city_a_repeated_city_and_a_unit_that_does_not_convert(imp, tmp_path):
    rows = ranking_table()
    rows[2][4] = "税收收入(万千瓦时)"
    rows.append([17, "莱芜", 900, 3.0, 10, 4.0])
    rows.append([18, "青岛市", 900, 3.0, 10, 4.0])
    rows.append([19, "雄安", 900, 3.0, 10, 4.0])
    result = imp(write_xlsx(tmp_path / "bad.xlsx", rows), "indicators")
    assert not result.ok and (result.created, result.updated, result.unchanged) == (0, 0, 0)
    found = issues(result)
    assert (21, "城市", "“莱芜”不是山东省16市之一：莱芜市已于2019年并入济南市，请将数据并入“济南”") in found
    assert (22, "城市", "青岛的“地区生产总值”在2022年1-6月与第6行重复，请只保留一行") in found
    assert (23, "城市", "“雄安”不是山东省16市之一：请填写如 青岛 或 青岛市") in found
    assert any(e[:2] == (5, "税收收入(万千瓦时)") and "不是同一类单位" in e[2] for e in found)
    assert not IndicatorValue.objects.exists()


def test_a_period_twice_and_a_city_among_districts_are_errors(districts, imp, tmp_path):
    rows = [r[:] for r in OPEN_DATA]
    rows.append(["2023年一季度", "85", "66", "300", "35"])
    rows[1].append("青岛（亿元）")
    for row in rows[2:]:
        row.append("900")
    result = imp(write_csv(tmp_path / "d.csv", rows, encoding="gbk"), "indicators")
    found = issues(result)
    assert any(e[:2] == (9, "年份/季度") and "与第6行重复" in e[2] for e in found)
    assert (
        2,
        "青岛（亿元）",
        "“青岛”是地级市，与表中的区（市）不能放在同一张排名表中，请分成两个文件",
    ) in found
    assert not DistrictValue.objects.exists()


def test_a_value_ten_times_off_and_a_falling_total_wait_for_confirmation(districts, imp, tmp_path, capsys):
    rows = [r[:] for r in OPEN_DATA]
    rows[6][2] = "2003"  # 薛城区 三季度: 亿 typed as 千万
    rows[7][1] = "250.6"  # 市中区 全年 below its 1-9月
    path = write_csv(tmp_path / "x.csv", rows, encoding="gbk")
    status, output = run(capsys, "import", "indicators", str(path), "--dry-run")
    assert status == 1 and "需要核对" in output and "--confirm" in output
    result = imp(path, "indicators")
    assert result.needs_confirmation and not DistrictValue.objects.exists()
    by_cell = {(e.row, e.column): e.message for e in result.errors}
    assert "“地区生产总值”2023年1-9月为2003" in by_cell[(7, "薛城区（亿元）")]
    assert "中位数" in by_cell[(7, "薛城区（亿元）")]
    assert (
        "市中区的“地区生产总值”2023年1-12月为250.6，小于文件中1-9月的260.1" in by_cell[(8, "市中区（亿元）")]
    )
    dry = imp(path, "indicators", dry_run=True)
    assert [e.as_dict() for e in dry.errors] == [e.as_dict() for e in result.errors]  # as strict as the run
    confirmed = imp(path, "indicators", options={"confirm": "1"})
    assert confirmed.ok and confirmed.created == 24
    assert (
        sum(1 for w in confirmed.warnings if w.message.startswith("已确认导入")) == 3
    )  # 2003 also exceeds 薛城区's 全年


def test_a_cumulative_total_below_what_is_stored_is_flagged(districts, imp, tmp_path):
    first = [OPEN_DATA[0], OPEN_DATA[1], ["2024年1-6月", "200", "150", "700", "80"]]
    assert imp(write_csv(tmp_path / "h1.csv", first), "indicators").ok
    later = [OPEN_DATA[0], OPEN_DATA[1], ["2024年1-9月", "190", "220", "1000", "120"]]
    result = imp(write_csv(tmp_path / "q3.csv", later), "indicators")
    assert [(e.row, e.column, e.confirm) for e in result.errors] == [(3, "市中区（亿元）", True)]
    assert "小于已有数据中1-6月的200" in result.errors[0].message


def test_no_header_and_two_layouts_in_one_workbook(imp, tmp_path):
    nothing = imp(write_xlsx(tmp_path / "n.xlsx", [["说明"], ["甲", "乙"], [1, 2]]), "indicators")
    assert nothing.errors[0].message.startswith("没有找到经济指标的表头。可读取的版式：（a）长表")
    long_sheet = [["指标名称", "地区", "期间", "增速"], ["GDP", "济南", "2022-06", 4.0]]
    path = write_xlsx(tmp_path / "two.xlsx", ranking_table(), title="各市", before=[("长表", long_sheet)])
    both = imp(path, "indicators")
    assert (
        not both.ok
        and "可以按多种版式读取：（a）长表：每行一个指标、地区和期间、（b）地区为行、指标为列"
        in (both.errors[0].message)
    )
    assert "--layout" in both.errors[0].message
    forced = imp(path, "indicators", options={"layout": "b"}, dry_run=True)
    assert forced.ok and forced.layout.startswith("（b）") and forced.created == 32
    wrong = imp(path, "indicators", options={"layout": "d"}, dry_run=True)
    assert "按（d）期间为行、地区为列读取时没有找到表头" in wrong.errors[0].message
    unknown = imp(path, "indicators", options={"layout": "z"}, dry_run=True)
    assert "版式“z”无法识别" in unknown.errors[0].message


def test_the_command_line_prints_the_layout_and_the_long_table(cast, tmp_path, capsys):
    path = write_xlsx(tmp_path / "rank.xlsx", ranking_table())
    status, output = run(capsys, "import", "indicators", str(path), "--dry-run", "--layout", "b")
    assert status == 0
    assert "识别的版式：（b）地区为行、指标为列" in output
    assert "地区生产总值 | 枣庄 | 2022年1-6月 | 1300.25亿元 | 7.1 | — | 第8行" in output
    status, output = run(capsys, "import", "projects", str(path), "--layout", "b", "--json")
    assert status == 1 and "--layout 不适用于项目台账导入" in output


def test_the_demo_ranking_of_2022_h1_from_a_wide_city_table(cast, imp, tmp_path):
    """The seeds' 2022年1-6月 ranks come back the same from a table with one row per city and 总量 /
    增速 under each indicator, as the bureau publishes it."""
    load_indicator_demo()
    before = {(r.name, row.city): row.rank for r in ranking(2022, 6) for row in r.rows}
    home = {r.name: r.home.rank for r in ranking(2022, 6)}
    indicators = list(Indicator.objects.order_by("sort"))
    values = {
        (v.indicator_id, v.city.name): v for v in IndicatorValue.objects.at(2022, 6).select_related("city")
    }
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2022年1-6月全省16市主要经济指标"])
    top, sub = ["市别"], [None]
    for ind in indicators:
        top += [f"{ind.name}（{ind.unit}）", None]
        sub += ["绝对值", "增速(%)"]
    sheet.append(top)
    sheet.append(sub)
    for city in sorted({c for _i, c in values}):
        row = [f"{city}市"]
        for ind in indicators:
            v = values[(ind.pk, city)]
            row += [float(v.value), float(v.growth)]
        sheet.append(row)
    path = tmp_path / "2022年上半年.xlsx"
    book.save(path)
    IndicatorValue.objects.filter(year=2022, month=6).delete()
    result = imp(path, "indicators")
    assert result.ok and result.created == 240, issues(result)
    assert {(r.name, row.city): row.rank for r in ranking(2022, 6) for row in r.rows} == before
    assert home["地区生产总值"] == 3 and {r.name: r.home.rank for r in ranking(2022, 6)} == home

"""Every period spelling of the bureau's tables → (year, last month of the window), and the refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from liangping.sheets.measures import GROWTH, RANK, VALUE, UnitError, split_header, unit_factor
from liangping.sheets.periods import PeriodError, fill_years, find_period, label_period, parse_period

SPELLINGS = [
    # (as written, quarterly column, year, month)
    ("2022年1-6月", False, 2022, 6),
    ("2022年1—6月", False, 2022, 6),
    ("2022年1～6月", False, 2022, 6),
    ("2022年1月-6月", False, 2022, 6),
    ("2022年1至6月", False, 2022, 6),
    ("2022年1-6月份", False, 2022, 6),
    ("1-6月", False, None, 6),
    ("1—6月", False, None, 6),
    ("上半年", False, None, 6),
    ("2022年上半年", False, 2022, 6),
    ("前三季度", False, None, 9),
    ("2022年前三季度", False, 2022, 9),
    ("一季度", False, None, 3),
    ("三季度", False, None, 9),
    ("2021年第二季度", False, 2021, 6),
    ("2022年4季度", False, 2022, 12),
    ("2023年一季度", False, 2023, 3),
    ("2025Q2", False, 2025, 6),
    ("201902", True, 2019, 6),
    ("201902", False, 2019, 2),
    (201904, True, 2019, 12),
    ("2023", False, 2023, 12),
    (2023, False, 2023, 12),
    ("2022年度", False, 2022, 12),
    ("2022年全年", False, 2022, 12),
    ("2016年8月", False, 2016, 8),
    ("2022年十二月", False, 2022, 12),
    ("2025-06", False, 2025, 6),
    ("2025/6", False, 2025, 6),
    ("2025.6", False, 2025, 6),
    (2025.06, False, 2025, 6),
    (dt.date(2025, 6, 1), False, 2025, 6),
    ("２０２２年１－６月", False, 2022, 6),  # full-width
]


@pytest.mark.parametrize(("written", "quarterly", "year", "month"), SPELLINGS)
def test_every_spelling(written, quarterly, year, month):
    window = parse_period(written, quarterly=quarterly)
    assert (window.year, window.month) == (year, month)


REFUSED = [
    ("2022年13月", "月份 13 不存在"),
    ("0月", "月份 0 不存在"),
    ("1-13月", "月份 13 不存在"),
    ("2022年第五季度", "无法识别期间"),
    ("4-6月", "不是从1月起的累计期间"),
    ("2022年下半年", "不是从1月起的累计期间"),
    ("1899年", "不在 1949—2100 年之间"),
    ("合计", "无法识别期间"),
    ("本期", "无法识别期间"),
    ("", "期间不能为空"),
    (None, "期间不能为空"),
    ("201905", "季度 5 不存在"),  # a quarterly column
]


@pytest.mark.parametrize(("written", "message"), REFUSED)
def test_nonsense_is_refused(written, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(written, quarterly=written == "201905")


def test_a_label_may_go_on_in_words_but_not_in_numbers():
    assert label_period("2016年8月地方数据上报情况") == parse_period("2016年8月")
    with pytest.raises(PeriodError):
        label_period("2016年8月第2版")
    with pytest.raises(PeriodError):
        label_period("2022年第五季度")


def test_period_of_a_title():
    assert (
        find_period("2022年1-6月全省各市主要经济指标").year,
        find_period("2022年1-6月全省各市主要经济指标").month,
    ) == (
        2022,
        6,
    )
    assert find_period("2023年前三季度各区（市）主要指标").month == 9
    assert find_period("全省各市主要经济指标") is None


def test_a_yearless_label_takes_the_year_of_its_neighbours_and_says_so():
    labels = [parse_period(t) for t in ("2022年4季度", "2023年一季度", "二季度", "三季度")]
    filled = fill_years(labels)
    assert [(w.year, w.month) for w, _note in filled] == [(2022, 12), (2023, 3), (2023, 6), (2023, 9)]
    assert filled[3][1] == "“三季度”没有写年份，按上方的“2023年一季度”取为2023年1-9月"
    # newest first: 三季度 under 2023年四季度 is 2023
    down = fill_years([parse_period(t) for t in ("2023年四季度", "三季度", "2023年二季度")])
    assert down[1][0].year == 2023
    # 一季度 after 2022年4季度 with nothing below: the year is not guessed
    lost = fill_years([parse_period("2022年4季度"), parse_period("一季度")])
    assert lost[1][0] is None and "无法从上下行确定" in lost[1][1]


@pytest.mark.parametrize(
    ("header", "name", "measure", "unit"),
    [
        ("GDP(亿元)", "GDP", "", "亿元"),
        ("第一产业(亿)", "第一产业", "", "亿"),
        ("环翠区（亿元）", "环翠区", "", "亿元"),
        ("规上工业增加值增速(%)", "规上工业增加值", GROWTH, "%"),
        ("增速", "", GROWTH, "%"),
        ("总量", "", VALUE, None),
        ("位次", "", RANK, None),
        ("全省位次", "", RANK, None),
        ("税收收入 - 增速", "税收收入", GROWTH, "%"),
        ("地区生产总值", "地区生产总值", "", None),
        ("进出口总额（万元）", "进出口总额", "", "万元"),
    ],
)
def test_header_cells(header, name, measure, unit):
    h = split_header(header)
    assert (h.name, h.measure, h.unit) == (name, measure, unit)


def test_units_convert_exactly_within_a_family():
    assert unit_factor("万元", "亿元") == unit_factor("万", "亿元") == 1 / unit_factor("亿元", "万元")
    assert unit_factor(None, "亿元") == unit_factor("亿", "亿元") == 1
    with pytest.raises(UnitError, match="不是同一类单位"):
        unit_factor("万千瓦时", "亿元")

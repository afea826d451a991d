"""Cell values as offices type them: exact money in 万元, month dates, text codes, formula prefixes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from liangping.sheets.table import normalize_header
from liangping.sheets.values import CellError, as_money, as_month, as_text, injection_prefix

YI = Decimal(10000)
YUAN = Decimal("0.0001")


@pytest.mark.parametrize(
    ("value", "factor", "expected"),
    [
        (1200.5, 1, "1200.50"),
        (0.1 + 0.2, 1, "0.30"),
        (3, 1, "3.00"),
        ("1,200.50", 1, "1200.50"),
        ("１２００．５", 1, "1200.50"),
        (" 88 ", 1, "88.00"),
        (1.5, YI, "15000.00"),
        ("2.345678", YI, "23456.78"),
        (123456789, YUAN, "12345.68"),
        ("50000元", 1, "5.00"),
        ("1.2亿", 1, "12000.00"),
        ("0", 1, "0.00"),
    ],
)
def test_money_is_exact_decimal_in_wanyuan(value, factor, expected):
    assert as_money(value, Decimal(factor)) == Decimal(expected)
    assert str(as_money(value, Decimal(factor))) == expected


@pytest.mark.parametrize("value", ["abc", "12..5", "一百", True, "1 2 3x"])
def test_non_numeric_money_is_refused(value):
    with pytest.raises(CellError, match="不是有效的金额"):
        as_money(value)


@pytest.mark.parametrize("value", [-1, -0.5, "-3", "－3"])
def test_negative_money_is_refused(value):
    with pytest.raises(CellError, match="不能为负数"):
        as_money(value)


def test_blank_money_is_none():
    assert as_money("") is None and as_money(None) is None and as_money("  ") is None


@pytest.mark.parametrize(
    "value",
    [
        "2025-03",
        "2025.3",
        "2025.03",
        "2025年3月",
        "2025年03月",
        "2025/03/15",
        "2025-3-1",
        "2025年3月15日",
        "2025/3",
        "202503",
        "20250315",
        "2025-03-15 00:00:00",
        dt.date(2025, 3, 15),
        dt.datetime(2025, 3, 15, 8, 30),
        45731,  # Excel serial of 2025-03-15 in a cell not formatted as a date
        2025.3,
        "２０２５年３月",
    ],
)
def test_months_in_every_form(value):
    assert as_month(value) == dt.date(2025, 3, 1)


@pytest.mark.parametrize("value", ["2025", "2025-13", "2025年2月30日", "明年三月", "3/15/2025", True])
def test_bad_dates_are_refused_with_the_accepted_forms(value):
    with pytest.raises(CellError, match="2025年3月"):
        as_month(value)


def test_text_of_number_cells():
    assert as_text(13800138000.0) == "13800138000"
    assert as_text(1001.0) == "1001"
    assert as_text(12.5) == "12.5"
    assert as_text("  ZZ-1 ") == "ZZ-1"


@pytest.mark.parametrize(
    ("value", "prefix"), [("=1+1", "="), ("+86", "+"), ("-A", "-"), ("@x", "@"), ("＝A", "=")]
)
def test_formula_prefixes(value, prefix):
    assert injection_prefix(value) == prefix


def test_plain_text_has_no_formula_prefix():
    assert injection_prefix("ZZ-001") is None and injection_prefix(5) is None


@pytest.mark.parametrize(
    ("written", "name", "unit"),
    [
        ("总投资（万元）", "总投资", "万元"),
        ("总投资(亿元)", "总投资", "亿元"),
        (" 总 投 资 （ 元 ） ", "总投资", "元"),
        ("所属区（市）", "所属区(市)", None),
        ("*项目名称", "项目名称", None),
        ("2025年计划投资（亿元）", "2025年计划投资", "亿元"),
        ("总投资\n（万元）", "总投资", "万元"),
    ],
)
def test_headers_are_normalised(written, name, unit):
    assert normalize_header(written) == (name, unit)

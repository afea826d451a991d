from __future__ import annotations

import datetime as dt

import pytest

from liangping.core.models import Period
from liangping.core.periods import PeriodCodeError, parse_period_code


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("2025-06", ("month", 2025, 6)),
        ("2025年6月", ("month", 2025, 6)),
        ("2025/6", ("month", 2025, 6)),
        ("2025Q2", ("quarter", 2025, 6)),
        ("2025q4", ("quarter", 2025, 12)),
        ("2022年第一季度", ("quarter", 2022, 3)),
    ],
)
def test_period_codes(text, parsed):
    assert parse_period_code(text) == parsed


@pytest.mark.parametrize("text", ["2025-13", "2025Q5", "六月", ""])
def test_bad_period_codes(text):
    with pytest.raises(PeriodCodeError):
        parse_period_code(text)


def test_period_labels_and_bounds():
    q = Period.build("quarter", 2025, 6)
    assert (q.code, q.label, q.start, q.end) == (
        "2025Q2",
        "2025年第二季度",
        dt.date(2025, 4, 1),
        dt.date(2025, 6, 30),
    )
    m = Period.build("month", 2024, 2)
    assert (m.code, m.label, m.start, m.end) == (
        "2024-02",
        "2024年2月",
        dt.date(2024, 2, 1),
        dt.date(2024, 2, 29),
    )

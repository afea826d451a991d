"""The calendar facts the reminder tests rely on, read from the bundled 2026 data (not assumed)."""

from __future__ import annotations

import datetime as dt

import pytest

from liangping.core.workdays import WorkCalendar


@pytest.mark.django_db
def test_2026_mid_autumn_national_day_and_the_adjusted_saturday():
    cal = WorkCalendar.load()
    assert not any(cal.is_workday(dt.date(2026, 9, d)) for d in (25, 26, 27))  # 中秋
    assert not any(cal.is_workday(dt.date(2026, 10, d)) for d in range(1, 8))  # 国庆
    assert cal.is_workday(dt.date(2026, 10, 10))  # 调休上班的星期六
    assert dt.date(2026, 10, 10).weekday() == 5
    assert cal.is_workday(dt.date(2026, 9, 20)) and dt.date(2026, 9, 20).weekday() == 6  # 调休上班的星期日
    assert not cal.is_workday(dt.date(2026, 10, 11))

"""Working-day deadlines under the Chinese holiday calendar, with administrator overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from liangping.core.models import CalendarDay, CalendarYear
from liangping.core.workdays import WorkCalendar

D = dt.date


@pytest.mark.django_db
def test_national_day_holiday_and_adjusted_weekend():
    cal = WorkCalendar.load()
    # 2025: 10-01..10-08 off; Sunday 09-28 and Saturday 10-11 are adjusted working days.
    assert cal.is_workday(D(2025, 9, 28))
    assert not cal.is_workday(D(2025, 10, 3))
    assert cal.is_workday(D(2025, 10, 11))
    # Tuesday 09-30 + 5 working days: 10-09, 10-10, 10-11 (Sat, worked), 10-13, 10-14.
    assert cal.add_workdays(D(2025, 9, 30), 5) == D(2025, 10, 14)
    assert cal.warning() == ""


@pytest.mark.django_db
def test_year_without_data_falls_back_to_weekends_and_warns():
    cal = WorkCalendar.load()
    assert cal.add_workdays(D(2027, 1, 1), 5) == D(2027, 1, 8)
    assert "2027" in cal.warning()


@pytest.mark.django_db
def test_administrator_entered_year_is_used_without_warning():
    CalendarYear.objects.create(year=2027, note="国务院办公厅通知")
    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")
    CalendarDay.objects.create(date=D(2027, 1, 4), is_workday=False, note="元旦调休")
    cal = WorkCalendar.load()
    assert cal.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 5)
    assert cal.warning() == ""


@pytest.mark.django_db
def test_override_beats_bundled_data():
    CalendarDay.objects.create(date=D(2025, 6, 3), is_workday=False, note="临时停工")
    cal = WorkCalendar.load()
    assert not cal.is_workday(D(2025, 6, 3))
    assert cal.workdays_between(D(2025, 6, 2), D(2025, 6, 6)) == 3
    assert cal.workdays_between(D(2025, 6, 6), D(2025, 6, 2)) == -3

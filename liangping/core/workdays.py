"""Working days under the Chinese public-holiday calendar, with administrator overrides.

Bundled data (chinesecalendar) covers 2004–2026. For later years an administrator enters the
holidays and adjusted working weekends (CalendarDay rows, the year in CalendarYear). Asked about a
year with neither, the calendar falls back to plain weekends and records a warning, so a deadline
is never silently wrong.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

import chinese_calendar
from django.db.models import F

from liangping.core.models import CalendarDay, CalendarYear
from liangping.core.tenancy import INSTALLATION, TenantArg, inherited

log = logging.getLogger(__name__)


def bundled_years() -> range:
    years = {d.year for d in chinese_calendar.holidays}
    return range(min(years), max(years) + 1)


@dataclass
class WorkCalendar:
    overrides: dict[dt.date, bool]
    entered_years: set[int]
    missing_years: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, tenant: TenantArg = INSTALLATION) -> WorkCalendar:
        """The calendar of a tenant (default: the installation's city): the installation's overrides,
        with the city's own over them on the same date. Two queries."""
        overrides: dict[dt.date, bool] = {}
        days = CalendarDay.objects.filter(inherited(tenant)).order_by(
            "date", F("tenant").asc(nulls_first=True)
        )
        for date, is_workday in days.values_list("date", "is_workday"):
            overrides[date] = is_workday  # the city's own comes last and wins
        return cls(
            overrides=overrides,
            entered_years=set(CalendarYear.objects.filter(inherited(tenant)).values_list("year", flat=True)),
        )

    def has_data(self, year: int) -> bool:
        return year in bundled_years() or year in self.entered_years

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in bundled_years():
            return bool(chinese_calendar.is_workday(day))
        if day.year not in self.entered_years and day.year not in self.missing_years:
            self.missing_years.add(day.year)
            log.warning("%s 年没有节假日数据，按周末计算工作日；请在“节假日调整”中录入", day.year)
        return day.weekday() < 5

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (start itself not counted)."""
        day = start
        counted = 0
        while counted < n:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.workdays_between(end, start)
        return sum(
            1 for i in range(1, (end - start).days + 1) if self.is_workday(start + dt.timedelta(days=i))
        )

    def warning(self) -> str:
        if not self.missing_years:
            return ""
        years = "、".join(str(y) for y in sorted(self.missing_years))
        return f"{years}年没有节假日数据，期限按周末计算；请系统管理员在“节假日调整”中录入该年节假日和调休。"

"""Working days under the Chinese public-holiday calendar, with administrator overrides.

Bundled data (chinesecalendar) covers 2004–2026. For later years an administrator enters the
holidays and adjusted working weekends (CalendarDay rows, the year in CalendarYear). Asked about a
year with neither, the calendar falls back to plain weekends and records a warning, so a deadline
is never silently wrong.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
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


class Calendars:
    """Every tenant's calendar for one run of a job over many cities' cases and reports: all the
    overrides in two queries whatever the number of cities, each city's calendar built once on first
    use (the installation's overrides with the city's own over them, as `WorkCalendar.load`).

    `Calendars.only(calendar)`: one calendar every tenant reads (a caller's own choice)."""

    def __init__(
        self,
        days: dict[int | None, dict[dt.date, bool]],
        years: dict[int | None, set[int]],
        fixed: WorkCalendar | None = None,
    ) -> None:
        self._days = days
        self._years = years
        self._fixed = fixed
        self._built: dict[int | None, WorkCalendar] = {}

    @classmethod
    def load(cls) -> Calendars:
        days: dict[int | None, dict[dt.date, bool]] = defaultdict(dict)
        for date, tenant, is_workday in CalendarDay.objects.order_by().values_list(
            "date", "tenant_id", "is_workday"
        ):
            days[tenant][date] = is_workday
        years: dict[int | None, set[int]] = defaultdict(set)
        for year, tenant in CalendarYear.objects.order_by().values_list("year", "tenant_id"):
            years[tenant].add(year)
        return cls(dict(days), dict(years))

    @classmethod
    def only(cls, calendar: WorkCalendar) -> Calendars:
        return cls({}, {}, fixed=calendar)

    @classmethod
    def given(cls, calendar: WorkCalendar | Calendars | None) -> Calendars:
        """What a job reads: each tenant's own (none given), the calendars given, or the one given."""
        if calendar is None:
            return cls.load()
        return calendar if isinstance(calendar, Calendars) else cls.only(calendar)

    def of(self, tenant: int | None) -> WorkCalendar:
        """The calendar of a city (a tenant), or the province's own (None)."""
        if self._fixed is not None:
            return self._fixed
        if tenant not in self._built:
            overrides = dict(self._days.get(None, {}))
            years = set(self._years.get(None, set()))
            if tenant is not None:
                overrides.update(self._days.get(tenant, {}))  # the city's own wins
                years |= self._years.get(tenant, set())
            self._built[tenant] = WorkCalendar(overrides=overrides, entered_years=years)
        return self._built[tenant]

    def tenants(self) -> set[int | None]:
        """The province and the cities with overrides of their own (every other city reads the
        province's): each distinct calendar once."""
        return {None} if self._fixed is not None else {None} | set(self._days) | set(self._years)

    def workday_somewhere(self, day: dt.date) -> bool:
        """Whether `day` is a working day for some city: a job has nothing to do on a day all have off."""
        return any(self.of(t).is_workday(day) for t in self.tenants())

    def warning(self) -> str:
        """The calendar warnings of the calendars used, each year once."""
        if self._fixed is not None:
            return self._fixed.warning()
        merged = WorkCalendar(overrides={}, entered_years=set())
        for calendar in self._built.values():
            merged.missing_years |= calendar.missing_years
        return merged.warning()

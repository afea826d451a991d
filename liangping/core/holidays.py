"""Administering the holiday calendar (CalendarDay overrides, CalendarYear entries), audited,
and the deadline tool of the calendar page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from liangping.core.audit import diff, record, snapshot
from liangping.core.models import CalendarDay, CalendarYear, Role, User
from liangping.core.tenancy import INSTALLATION, TenantArg, own_level
from liangping.core.workdays import WorkCalendar, bundled_years

WEEKDAYS = "一二三四五六日"


class CalendarError(ValueError):
    """A refused calendar change, with a message for people."""


def can_edit_calendar(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.SYSADMIN


def _check(actor: User) -> None:
    if not can_edit_calendar(actor):
        raise CalendarError("只有系统管理员可以调整节假日")


def _check_own(actor: User, tenant: int | None) -> None:
    if own_level(actor) != tenant:
        raise CalendarError("这条调整不属于本级，不能删除")


def _day_repr(day: CalendarDay) -> str:
    return f"{day.date:%Y-%m-%d}（{'上班' if day.is_workday else '休息'}）"


@transaction.atomic
def set_day(actor: User, date: dt.date, is_workday: bool, note: str = "") -> CalendarDay:
    """Add an override of the administrator's city (the installation's for the province's), or change
    the one of that date."""
    _check(actor)
    tenant = own_level(actor)
    fields = ["date", "is_workday", "note"]
    day = CalendarDay.objects.filter(date=date, tenant_id=tenant).first()
    if day is None:
        day = CalendarDay.objects.create(
            date=date, is_workday=is_workday, note=note.strip(), tenant_id=tenant
        )
        record(actor, "calendar.day_create", day, changes=diff({}, snapshot(day, fields)))
        return day
    before = snapshot(day, fields)
    day.is_workday, day.note = is_workday, note.strip()
    changes = diff(before, snapshot(day, fields))
    if changes:
        day.save()
        record(actor, "calendar.day_update", day, changes=changes, object_repr=_day_repr(day))
    return day


@transaction.atomic
def delete_day(actor: User, day: CalendarDay) -> None:
    _check(actor)
    _check_own(actor, day.tenant_id)
    changes = diff(snapshot(day, ["date", "is_workday", "note"]), {"date": None, "is_workday": None})
    record(actor, "calendar.day_delete", day, changes=changes, object_repr=_day_repr(day))
    day.delete()


@transaction.atomic
def add_year(actor: User, year: int, note: str = "") -> CalendarYear:
    _check(actor)
    tenant = own_level(actor)
    if CalendarYear.objects.filter(year=year, tenant_id=tenant).exists():
        raise CalendarError(f"{year}年已登记")
    entry = CalendarYear.objects.create(year=year, note=note.strip(), tenant_id=tenant)
    record(actor, "calendar.year_create", entry, changes={"year": [None, year], "note": [None, entry.note]})
    return entry


@transaction.atomic
def delete_year(actor: User, entry: CalendarYear) -> None:
    _check(actor)
    _check_own(actor, entry.tenant_id)
    record(actor, "calendar.year_delete", entry, changes={"year": [entry.year, None]})
    entry.delete()


@dataclass
class Deadline:
    start: dt.date
    days: int
    deadline: dt.date
    warning: str
    skipped: list[dt.date]
    adjusted: list[dt.date]

    @property
    def weekday(self) -> str:
        return f"星期{WEEKDAYS[self.deadline.weekday()]}"


def compute_deadline(start: dt.date, days: int, tenant: TenantArg = INSTALLATION) -> Deadline:
    """start + N working days, with the holidays skipped and the adjusted working weekends counted."""
    calendar = WorkCalendar.load(tenant)
    deadline = calendar.add_workdays(start, days)
    skipped, adjusted = [], []
    day = start
    while day < deadline:
        day += dt.timedelta(days=1)
        workday = calendar.is_workday(day)
        if not workday and day.weekday() < 5:
            skipped.append(day)
        elif workday and day.weekday() >= 5:
            adjusted.append(day)
    return Deadline(start, days, deadline, calendar.warning(), skipped, adjusted)


def bundled_range() -> str:
    years = bundled_years()
    return f"{years.start}–{years.stop - 1}"

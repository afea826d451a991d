"""Deadlines: a kind's time limits (working days from the calendar, or hours), starting the clock,
pausing and resuming it, and what starting it now would give."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from typing import Any

from django.utils import timezone

from liangping.cases.models import Case, CaseTimeLimit
from liangping.core.tenancy import INSTALLATION, TenantArg, resolve
from liangping.core.workdays import WorkCalendar
from liangping.kinds.spec import Duration, KindSpec


def case_tenant(case: Case) -> TenantArg:
    """The city whose calendar a case's working days count in: its lead unit's; before it is assigned,
    that of the place it happened, else of the unit that registered it; else the installation's."""
    if case.lead_org_id is not None and case.lead_org is not None:
        return case.lead_org.tenant_id
    if case.place_org_id is not None and case.place_org is not None:
        return case.place_org.tenant_id
    if case.registered_by_id is not None and case.registered_by is not None:
        org = case.registered_by.org
        if org is not None:
            return org.tenant_id
    return INSTALLATION


def case_city(case: Case) -> int | None:
    """`case_tenant` as a city id (None: the province), for a run's `Calendars.of`."""
    return resolve(case_tenant(case))


def case_calendar(case: Case) -> WorkCalendar:
    """The calendar of the case's city (`case_tenant`): its holidays and 调休 over the installation's."""
    return WorkCalendar.load(case_tenant(case))


def end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def add_duration(start: dt.datetime, base_day: dt.date, d: Duration, calendar: WorkCalendar) -> dt.datetime:
    """`d` after `start`: hours on the clock, working days to the end of the n-th working day after
    `base_day` (the day the clock starts), calendar days and months to the end of the day that many
    days or months after it (the month's last day when it is shorter: 11-30 + 3 months = 02-28)."""
    if d.unit == "hours":
        return start + dt.timedelta(hours=d.amount)
    if d.unit == "days":
        return end_of_day(base_day + dt.timedelta(days=d.amount))
    if d.unit == "months":
        return end_of_day(add_months(base_day, d.amount))
    return end_of_day(calendar.add_workdays(base_day, d.amount))


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = pycalendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def time_limit(case: Case, spec: KindSpec) -> CaseTimeLimit | None:
    """The kind's limit for the case's category and urgency, most specific first: the category, then
    its ancestors (the stored tree, so categories the administrator added count), then any category;
    within each the urgency before any urgency. One query."""
    rows = list(CaseTimeLimit.objects.filter(kind__code=case.kind).order_by("id"))
    chain: list[int | None] = []
    if case.category is not None:
        chain = [int(pk) for pk in reversed(case.category.path.strip("/").split("/")) if pk]
        chain = chain or [case.category.pk]
    for category in [*chain, None]:
        for urgency in [case.urgency, ""] if case.urgency else [""]:
            for row in rows:
                if row.category_id == category and row.urgency == urgency:
                    return row
    return None


def start_clock(
    case: Case,
    spec: KindSpec,
    at: dt.datetime,
    today: dt.date | None,
    calendar: WorkCalendar,
    *,
    respond: bool = True,
) -> list[str]:
    """Compute the case's response and finish deadlines from its limit, from `at` (working days from
    `today`, default the day of `at`); the fields changed."""
    limit = time_limit(case, spec)
    base = today or timezone.localdate(at)
    fields = ["clock_started_at", "due_at", "deadline", "deadline_note", "finish_unit", "paused_at"]
    case.clock_started_at, case.paused_at = at, None
    if limit is None:
        case.due_at, case.deadline, case.finish_unit = None, None, ""
        case.deadline_note = "未设置办理时限，请系统管理员在“时限与分类”中设置"
        return fields
    if respond and limit.respond_amount:
        case.respond_by = add_duration(at, base, Duration(limit.respond_amount, limit.respond_unit), calendar)
        case.responded_at = None
        fields += ["respond_by", "responded_at"]
    if limit.finish_amount:
        case.due_at = add_duration(at, base, Duration(limit.finish_amount, limit.finish_unit), calendar)
        case.deadline = timezone.localdate(case.due_at)
        case.finish_unit = limit.finish_unit
    else:
        case.due_at, case.deadline, case.finish_unit = None, None, ""
    case.deadline_note = calendar.warning()
    return fields


def resume(case: Case, at: dt.datetime, calendar: WorkCalendar) -> list[str]:
    """Leaving a paused state: the finish deadline moves on by the time spent paused."""
    if case.paused_at is None or case.due_at is None:
        case.paused_at = None
        return ["paused_at"]
    if case.finish_unit == "hours":
        case.due_at += at - case.paused_at
    elif case.finish_unit in ("days", "months"):  # a calendar limit moves on by the calendar days paused
        days = (timezone.localdate(at) - timezone.localdate(case.paused_at)).days
        if days > 0:
            case.due_at = end_of_day(timezone.localdate(case.due_at) + dt.timedelta(days=days))
    else:
        days = calendar.workdays_between(timezone.localdate(case.paused_at), timezone.localdate(at))
        if days > 0:
            case.due_at = end_of_day(calendar.add_workdays(timezone.localdate(case.due_at), days))
    case.deadline = timezone.localdate(case.due_at)
    case.paused_at = None
    return ["paused_at", "due_at", "deadline"]


def default_limit(kind: str) -> CaseTimeLimit | None:
    """The kind's limit for any category and urgency (None when it has none)."""
    return CaseTimeLimit.objects.filter(kind__code=kind, category__isnull=True, urgency="").first()


def deadline_preview(case: Case, at: dt.datetime | None = None) -> dict[str, Any]:
    """What starting the clock now would give: the limit as text, the deadline day, a calendar warning."""
    limit = time_limit(case, case.spec)
    if limit is None or not limit.finish_amount:
        return {"limit": "", "deadline": None, "warning": ""}
    at = at or timezone.now()
    calendar = case_calendar(case)
    finish = Duration(limit.finish_amount, limit.finish_unit)
    due = add_duration(at, timezone.localdate(at), finish, calendar)
    return {"limit": finish.text(), "deadline": timezone.localdate(due), "warning": calendar.warning()}

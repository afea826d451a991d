"""Reminders before a case's finish deadline, as each kind's [[reminders]] before = … says.

A kind may say, per urgency or for all, how long before the deadline its lead unit is reminded: in
hours (counted on the clock) or in working days (the reminder goes, from 08:00, on the working day
from which that many working days are left, as the report reminders count; 0 is the deadline day).
The job runs every few minutes (an hour-long reminder cannot wait for the morning run); it writes
one step in the case's history, one audit entry and one message to each account of the lead unit
(or of its nearest superior unit with accounts), once per case and deadline: an approved extension
or a reopening moves the deadline and earns a new reminder.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from liangping.cases.models import Case, CaseStep, kind_specs
from liangping.core.audit import record
from liangping.core.workdays import Calendars, WorkCalendar
from liangping.kinds.spec import KindSpec, Reminder
from liangping.notices.case_events import unit_accounts
from liangping.notices.config import REMIND_ACTION
from liangping.notices.jobs import day_text
from liangping.notices.models import DueReminder, NoticeKind
from liangping.notices.services import Draft, notify

# A reminder counted in working days goes out in working hours: from the hour the daily jobs run.
WORKDAY_FROM_HOUR = 8


def reminder_horizon(
    spec: KindSpec, now: dt.datetime, calendar: WorkCalendar | Calendars
) -> dt.datetime | None:
    """The latest finish deadline any of the kind's reminders could be due for at `now` (under any
    city's calendar, when given every city's)."""
    today = timezone.localdate(now)
    calendars = (
        [calendar] if isinstance(calendar, WorkCalendar) else [calendar.of(t) for t in calendar.tenants()]
    )
    latest = None
    for r in spec.reminders:
        if r.before is None:
            continue
        if r.before.unit == "hours":
            edge = now + dt.timedelta(hours=r.before.amount)
        else:
            day = max(c.add_workdays(today, r.before.amount) for c in calendars)
            edge = timezone.make_aware(dt.datetime.combine(day, dt.time.max))
        latest = edge if latest is None or edge > latest else latest
    return latest


def left_text(case: Case, reminder: Reminder, now: dt.datetime, calendar: WorkCalendar) -> str | None:
    """What is left before the case's deadline, when the reminder is due now; None when it is not."""
    assert case.due_at is not None and reminder.before is not None
    if case.due_at <= now:
        return None  # overdue: the escalation's business
    today = timezone.localdate(now)
    if reminder.before.unit == "hours":
        left = case.due_at - now
        if left > dt.timedelta(hours=reminder.before.amount):
            return None
        minutes = max(1, int(left.total_seconds() // 60))
        return f"还有 {minutes // 60} 小时 {minutes % 60} 分钟" if minutes >= 60 else f"还有 {minutes} 分钟"
    if not calendar.is_workday(today) or timezone.localtime(now).hour < WORKDAY_FROM_HOUR:
        return None
    deadline = case.deadline or timezone.localdate(case.due_at)
    days = calendar.workdays_between(today, deadline)
    if days > reminder.before.amount:
        return None
    return "今天到期" if days <= 0 else f"还有 {days} 个工作日"


def due_text(case: Case) -> str:
    assert case.due_at is not None
    if case.finish_unit == "hours":
        local = timezone.localtime(case.due_at)
        return f"{day_text(local.date())} {local:%H:%M}"
    return day_text(case.deadline or timezone.localdate(case.due_at))


def remind_due_cases(
    now: dt.datetime | None = None, calendar: WorkCalendar | Calendars | None = None
) -> list[DueReminder]:
    """Remind the lead unit of every case whose kind asks for it and whose finish deadline is near,
    counting working days by the calendar of the lead unit's city (the calendars read once a run)."""
    now = now or timezone.now()
    calendars = Calendars.given(calendar)
    wanted = Q(pk__in=[])
    specs = kind_specs()
    for code, spec in specs.items():
        horizon = reminder_horizon(spec, now, calendars)
        if horizon is not None:
            wanted |= Q(kind=code, status__in=spec.clock_states("run"), due_at__lte=horizon)
    done = DueReminder.objects.filter(case=OuterRef("pk"), due_at=OuterRef("due_at"))
    candidates = list(
        Case.objects.filter(wanted, lead_org__isnull=False, due_at__gt=now)
        .exclude(Exists(done))
        .select_related("lead_org")
        .order_by("due_at", "pk")
    )
    due: list[tuple[Case, str]] = []
    for case in candidates:
        spec = case.spec  # the version the case runs under
        if case.status not in spec.clock_states("run"):
            continue
        reminder = spec.reminder_before(case.urgency)
        if reminder is None:
            continue
        assert case.lead_org is not None
        left = left_text(case, reminder, now, calendars.of(case.lead_org.tenant_id))
        if left is not None:
            due.append((case, left))
    accounts = unit_accounts([case.lead_org for case, _ in due if case.lead_org is not None])
    out = []
    for case, left in due:
        assert case.lead_org is not None
        sent = _remind(case, left, accounts.get(case.lead_org.pk, []), now)
        if sent is not None:
            out.append(sent)
    return out


def _remind(case: Case, left: str, targets: list, now: dt.datetime) -> DueReminder | None:
    assert case.due_at is not None and case.lead_org is not None
    spec = case.spec
    unit = case.lead_org.name
    names = "、".join(u.name for u in targets) or "无（牵头单位及其上级单位没有可用账号）"
    note = f"距{spec.deadline_label}（{due_text(case)}）{left}，系统已提醒{unit}按期办理。通知：{names}"
    try:
        with transaction.atomic():
            reminder = DueReminder.objects.create(
                case=case, due_at=case.due_at, reminded_at=now, recipients=names
            )
            CaseStep.objects.create(
                case=case,
                action=REMIND_ACTION,
                from_status=case.status,
                to_status=case.status,
                actor=None,
                at=now,
                note=note,
            )
            record(None, f"case.{REMIND_ACTION}", case, changes={"reminded": [None, names]}, reason=note)
    except IntegrityError:
        return None  # reminded meanwhile by another run
    url = reverse("cases:detail", args=[case.pk])
    notify(
        Draft(
            recipient=user,
            kind=NoticeKind.CASE_DUE,
            key=f"case_due:case:{case.pk}:{case.due_at.isoformat()}",
            title=f"{spec.noun}即将到期：{case.title}",
            body=(
                f"{spec.noun}“{case.title}”由{unit}牵头办理，{spec.deadline_label}为{due_text(case)}，"
                f"{left}。请按期办理并答复。"
            ),
            url=url,
        )
        for user in targets
    )
    return reminder

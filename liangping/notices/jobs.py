"""The periodic jobs as plain functions of `today`: report reminders, escalations, the supervisors' digest.

Each job does nothing on a day off (holidays and weekends, but it does run on an adjusted working
weekend), and each is idempotent: what it sends carries a key (kind, object, period) and a second run
finds it stored and sends nothing again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone

from liangping.cases.models import Case, CaseStep
from liangping.core.audit import record
from liangping.core.models import Org, Role, User
from liangping.core.workdays import Calendars, WorkCalendar
from liangping.notices.config import (
    ESCALATE_ACTION,
    ESCALATE_AFTER_WORKDAYS,
    REPORT_REMIND_WORKDAYS,
    workdays_setting,
)
from liangping.notices.models import Escalation, NoticeKind, Notification
from liangping.notices.services import Draft, notify
from liangping.projects.models import MonthlyReport, Project, ReportStatus
from liangping.projects.queries import month_code, month_label, shift_month
from liangping.projects.services import report_due_date

DONE_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
# Who leads a unit, by the kind of unit: its own department or district accounts.
UNIT_ROLES = (Role.DEPARTMENT, Role.DISTRICT)


def day_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def run_time(day: dt.date) -> dt.datetime:
    """When a job's records for `day` are stamped: now, or 08:00 of that day when the job is run
    for a day already past (catching up, or the demo city's last working days)."""
    now = timezone.now()
    if day >= timezone.localdate(now):
        return now
    return timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0)))


def ancestor_ids(org: Org) -> list[int]:
    """The org and its ancestors, nearest first, from the materialised path."""
    return [int(part) for part in reversed(org.path.strip("/").split("/")) if part]


# --- 1. report-due reminders ------------------------------------------------------------------------


def report_reminder_drafts(
    month: dt.date, due: dt.date, today: dt.date, calendars: Calendars, within: int
) -> list[Draft]:
    """A reminder to the project unit's users and the specialist of every project that must report
    (it has an annual plan) and has no submitted or approved report for `month`, when its city's
    calendar makes `today` a working day at most `within` working days before the deadline."""
    done = MonthlyReport.objects.filter(project=OuterRef("pk"), month=month, status__in=DONE_STATUSES)
    projects = []
    for p in (
        Project.objects.filter(annual_plan__gt=0)
        .annotate(done=Exists(done), city=F("district__tenant_id"))
        .filter(done=False)
        .select_related("unit", "specialist")
        .order_by("code")
    ):
        calendar = calendars.of(p.city)
        if not calendar.is_workday(today):
            continue
        left = calendar.workdays_between(today, due)
        if left <= within:
            projects.append((p, left))
    unit_orgs = {pk for p, _ in projects if p.unit is not None for pk in ancestor_ids(p.unit)}
    owners: dict[int, list[User]] = defaultdict(list)
    if unit_orgs:
        for user in User.objects.filter(role=Role.OWNER, is_active=True, org_id__in=unit_orgs).order_by("pk"):
            owners[user.org_id].append(user)  # type: ignore[index]
    drafts = []
    for p, left in projects:
        when = "今天是截止前最后一个工作日" if left == 0 else f"距截止还有 {left} 个工作日"
        recipients = [u for pk in ancestor_ids(p.unit) for u in owners.get(pk, [])] if p.unit else []
        if p.specialist is not None:
            recipients.append(p.specialist)
        url = f"{reverse('projects:report_new', args=[p.pk])}?month={month_code(month)}"
        for user in recipients:
            drafts.append(
                Draft(
                    recipient=user,
                    kind=NoticeKind.REPORT_DUE,
                    key=f"report_due:project:{p.pk}:{month_code(month)}",
                    title=f"请报送{month_label(month)}月度调度：{p.name}",
                    body=(
                        f"项目“{p.name}”（{p.code}）{month_label(month)}的月度调度尚未报送。"
                        f"报送截止日为{day_text(due)}，{when}，请及时报送。"
                    ),
                    url=url,
                )
            )
    return drafts


def send_report_reminders(
    today: dt.date, calendar: WorkCalendar | Calendars | None = None
) -> list[Notification]:
    """Each project is reminded by its own city's calendar (the working days left, the day off); the
    calendars are read once for the run."""
    calendars = Calendars.given(calendar)
    if not calendars.workday_somewhere(today):
        return []
    within = workdays_setting(REPORT_REMIND_WORKDAYS)
    this_month = today.replace(day=1)
    drafts = []
    for month in (shift_month(this_month, -1), this_month):
        due = report_due_date(month)
        if due < today or not any(
            calendars.of(t).workdays_between(today, due) <= within for t in calendars.tenants()
        ):
            continue  # past, or too far ahead for every city's calendar
        drafts += report_reminder_drafts(month, due, today, calendars, within)
    return notify(drafts)


# --- 2. escalation of overdue cases ------------------------------------------------------------------


def escalation_targets(cases: list[Case]) -> dict[int, list[User]]:
    """case pk → whom to escalate it to.

    The lead unit's leadership: the active department or district accounts of the lead unit itself,
    or, when it has none (a town without accounts), of its nearest superior unit that has some; and,
    when the case is about an item with an accountable city leader (a project's 包保市领导), that leader.
    """
    orgs = {pk for c in cases if c.lead_org is not None for pk in ancestor_ids(c.lead_org)}
    by_org: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(role__in=UNIT_ROLES, is_active=True, org_id__in=orgs).order_by("pk"):
        by_org[user.org_id].append(user)  # type: ignore[index]
    leaders = subject_leaders(cases)
    out: dict[int, list[User]] = {}
    for case in cases:
        targets: list[User] = []
        if case.lead_org is not None:
            for pk in ancestor_ids(case.lead_org):
                if by_org.get(pk):
                    targets = list(by_org[pk])
                    break
        leader = leaders.get(case.pk)
        if leader is not None and leader.is_active and leader.pk not in {u.pk for u in targets}:
            targets.append(leader)
        out[case.pk] = targets
    return out


def subject_leaders(cases: list[Case]) -> dict[int, User]:
    """case pk → the city leader accountable for its subject, for subjects that name one (`leader`)."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for c in cases:
        if c.subject_ct_id and c.subject_id:
            wanted[c.subject_ct_id].add(c.subject_id)
    found: dict[tuple[int, int], User] = {}
    for ct_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None or not any(f.name == "leader" for f in model._meta.get_fields()):
            continue
        manager: Any = model._default_manager
        for obj in manager.filter(pk__in=ids).select_related("leader"):
            if obj.leader is not None and obj.leader.role == Role.LEADER:
                found[(ct_id, obj.pk)] = obj.leader
    return {
        c.pk: found[(c.subject_ct_id, c.subject_id)]
        for c in cases
        if c.subject_ct_id and c.subject_id and (c.subject_ct_id, c.subject_id) in found
    }


def escalate_overdue_cases(
    today: dt.date, calendar: WorkCalendar | Calendars | None = None
) -> list[Escalation]:
    """Cases awaiting a reply and past their deadline by at least N working days, not yet escalated for
    that deadline: record the escalation (a step in the case's history and an audit entry) and notify
    the lead unit's leadership. Each case counts by its lead unit's city's calendar (a city's day off
    escalates none of its cases); the calendars are read once for the run."""
    calendars = Calendars.given(calendar)
    if not calendars.workday_somewhere(today):
        return []
    after = workdays_setting(ESCALATE_AFTER_WORKDAYS)
    done = Escalation.objects.filter(case=OuterRef("pk"), deadline=OuterRef("deadline"))
    candidates = list(
        Case.objects.overdue(today)
        .filter(deadline__isnull=False)
        .exclude(Exists(done))
        .select_related("lead_org")
        .order_by("deadline", "pk")
    )
    due = []
    for case in candidates:
        assert case.deadline is not None
        own = calendars.of(case.lead_org.tenant_id if case.lead_org is not None else None)
        if not own.is_workday(today):
            continue
        late = own.workdays_between(case.deadline, today)
        if late >= escalate_after(case, after) and late > 0:
            due.append((case, late))
    targets = escalation_targets([case for case, _ in due])
    escalations = []
    for case, late in due:
        escalation = _escalate(case, late, targets[case.pk], today)
        if escalation is not None:
            escalations.append(escalation)
    return escalations


def escalate_after(case: Case, default: int) -> int:
    """Working days past the deadline before escalating: the kind's own rule ([[reminders]] after = …
    in working days) or the 参数设置 default."""
    for reminder in case.spec.reminders:
        if reminder.after is not None and reminder.after.unit == "workdays":
            return reminder.after.amount
    return default


def _escalate(case: Case, late: int, targets: list[User], today: dt.date) -> Escalation | None:
    assert case.deadline is not None
    unit = case.lead_org.name if case.lead_org is not None else "牵头单位"
    names = "、".join(u.name for u in targets) or "无（牵头单位及其上级单位没有可用账号，请督查人员跟进）"
    spec = case.spec
    note = (
        f"超过{spec.deadline_label}（{day_text(case.deadline)}）{late} 个工作日仍未答复，"
        f"系统已报{unit}负责人督促办理。通知：{names}"
    )
    at = run_time(today)
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                case=case,
                deadline=case.deadline,
                overdue_workdays=late,
                escalated_on=today,
                recipients=names,
                created_at=at,
            )
            CaseStep.objects.create(
                case=case,
                action=ESCALATE_ACTION,
                from_status=case.status,
                to_status=case.status,
                actor=None,
                at=at,
                note=note,
            )
            record(
                None,
                f"case.{ESCALATE_ACTION}",
                case,
                changes={"escalated_to": [None, names]},
                reason=note,
            )
    except IntegrityError:
        return None  # escalated meanwhile by another run
    url = reverse("cases:detail", args=[case.pk])
    notify(
        Draft(
            recipient=user,
            kind=NoticeKind.ESCALATION,
            key=f"escalation:case:{case.pk}:{case.deadline.isoformat()}",
            title=f"{spec.noun}超期未答复：{case.title}",
            body=(
                f"{spec.noun}“{case.title}”由{unit}牵头办理，{spec.deadline_label}为{day_text(case.deadline)}，"
                f"已超期 {late} 个工作日仍未答复。请督促尽快办理并答复。"
            ),
            url=url,
        )
        for user in targets
    )
    return escalation

"""The supervisors' daily digest (每日督查汇总): the data, then the message made from it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse

from liangping.cases.models import Case
from liangping.core.models import Role, User
from liangping.core.scope import city_scope
from liangping.core.tenancy import installation_city
from liangping.core.workdays import Calendars, WorkCalendar
from liangping.notices.models import Escalation, NoticeKind, Notification
from liangping.notices.services import Draft, notify
from liangping.projects.queries import month_code, month_label, shift_month
from liangping.projects.queries_reports import month_report_counts, month_reports_queryset
from liangping.projects.services import report_due_date


@dataclass
class Digest:
    day: dt.date
    closed_month: dt.date  # the latest month whose reports are past due
    missing: int  # its projects with no report
    late: int  # its reports submitted after the due date
    open_month: dt.date | None  # the month being collected now, if its due date has not passed
    open_due: dt.date | None
    pending: int  # its projects not reported yet
    overdue_cases: int
    escalations: list[Escalation] = field(default_factory=list)  # since the previous working day


def previous_workday(today: dt.date, calendar: WorkCalendar) -> dt.date:
    day = today - dt.timedelta(days=1)
    for _ in range(60):
        if calendar.is_workday(day):
            return day
        day -= dt.timedelta(days=1)
    return day


def digest_data(supervisor: User, today: dt.date, calendar: WorkCalendar) -> Digest:
    last_month = shift_month(today.replace(day=1), -1)
    open_month: dt.date | None = None
    if report_due_date(last_month) >= today:
        open_month, closed_month = last_month, shift_month(last_month, -1)
    else:
        closed_month = last_month
    counts = {
        c["key"]: c["count"]
        for c in month_report_counts(month_reports_queryset(supervisor, closed_month, today), closed_month)
    }
    pending = 0
    if open_month is not None:
        open_counts = month_report_counts(month_reports_queryset(supervisor, open_month, today), open_month)
        pending = next((c["count"] for c in open_counts if c["key"] == "pending"), 0)
    since = previous_workday(today, calendar)
    return Digest(
        day=today,
        closed_month=closed_month,
        missing=counts.get("missing", 0),
        late=counts.get("late", 0),
        open_month=open_month,
        open_due=report_due_date(open_month) if open_month else None,
        pending=pending,
        overdue_cases=Case.objects.visible_to(supervisor).overdue(today).count(),
        escalations=list(
            Escalation.objects.filter(
                escalated_on__gt=since,
                escalated_on__lte=today,
                case__in=Case.objects.visible_to(supervisor).values("pk"),
            )
            .select_related("case__lead_org")
            .order_by("escalated_on", "pk")
        ),
    )


def digest_draft(user: User, d: Digest) -> Draft:
    reports = reverse("projects:reports")
    cases = reverse("cases:list")
    closed = month_code(d.closed_month)
    lines = [
        f"{month_label(d.closed_month)}月度调度：未报送 {d.missing} 个项目，逾期报送 {d.late} 个。",
    ]
    links = [
        (f"{month_label(d.closed_month)}未报送的项目", f"{reports}?month={closed}&status=missing"),
        (f"{month_label(d.closed_month)}逾期报送的项目", f"{reports}?month={closed}&status=late"),
    ]
    if d.open_month is not None and d.open_due is not None:
        lines.append(
            f"{month_label(d.open_month)}月度调度：{d.pending} 个项目待报送，"
            f"截止日为{d.open_due.month}月{d.open_due.day}日。"
        )
        links.append(
            (
                f"{month_label(d.open_month)}待报送的项目",
                f"{reports}?month={month_code(d.open_month)}&status=pending",
            )
        )
    lines.append(f"逾期未答复的问题：{d.overdue_cases} 个。")
    links.append(("逾期问题", f"{cases}?status=open&overdue=on"))
    if d.escalations:
        lines.append(f"新升级的超期问题：{len(d.escalations)} 个。")
        for e in d.escalations:
            unit = e.case.lead_org.name if e.case.lead_org else "未交办"
            lines.append(f"· {e.case.title}（{unit}，超期 {e.overdue_workdays} 个工作日）")
            links.append((f"升级：{e.case.title}", reverse("cases:detail", args=[e.case_id])))
    else:
        lines.append("新升级的超期问题：无。")
    return Draft(
        recipient=user,
        kind=NoticeKind.DIGEST,
        key=f"digest:{d.day.isoformat()}",
        title=f"每日督查汇总（{d.day.year}年{d.day.month}月{d.day.day}日）",
        body="\n".join(lines),
        links=tuple(links),
    )


def send_supervisor_digest(
    today: dt.date, calendar: WorkCalendar | Calendars | None = None
) -> list[Notification]:
    """One digest a working day of their city for every active supervisor: a city's office its own
    city's figures, counted in that city's calendar; the province's office every city's, in the
    installation's calendar. Supervisors of one city see the same things, so it is worked out once a
    city."""
    calendars = Calendars.given(calendar)
    supervisors = User.objects.filter(role=Role.SUPERVISOR, is_active=True).select_related("org")
    by_city: dict[int | None, list[User]] = defaultdict(list)
    for user in supervisors.order_by("pk"):
        by_city[city_scope(user)].append(user)
    drafts: list[Draft] = []
    for city, users in by_city.items():
        own = calendars.of(city if city is not None else installation_city())
        if own.is_workday(today):
            data = digest_data(users[0], today, own)
            drafts += [digest_draft(user, data) for user in users]
    return notify(drafts)

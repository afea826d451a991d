"""The monthly reports page: every visible project with the state of its report of one month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import CharField, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from liangping.core import reporting
from liangping.core.reporting import Step
from liangping.core.scope import AnyUser
from liangping.projects import queries, services
from liangping.projects.models import MonthlyReport, Project, ProjectQuerySet
from liangping.projects.queries import due_deadline


@dataclass
class State:
    key: str
    label: str
    tone: str


STATES = [
    State("submitted", "待审核", "yellow"),
    State("approved", "已通过", "blue"),
    State("returned", "已退回", "red"),
    State("missing", "未报送", "red"),
    State("pending", "待报送", "grey"),
    State("exempt", "无需报送", "grey"),
]
LATE = State("late", "逾期报送", "yellow")
STATE_BY_KEY = {s.key: s for s in [*STATES, LATE]}


def month_reports_queryset(user: AnyUser, month: dt.date, today: dt.date | None = None) -> ProjectQuerySet:
    """Every visible project with the state of its report of `month`.

    state: the report's status, else 未报送 once the due date has passed (待报送 before it) for a
    project with an annual plan, else 无需报送. `late`: first submitted after the due date.
    """
    today = today or timezone.localdate()
    due_passed = services.report_due_date(month) < today
    rep = MonthlyReport.objects.filter(project=OuterRef("pk"), month=month)
    return (
        Project.objects.visible_to(user)
        .annotate(
            r_status=Subquery(rep.values("status")[:1]),
            # lateness is judged by the first submission: a report sent on time, returned after
            # the due day and sent again is not late
            r_at=Subquery(
                rep.annotate(first=Coalesce("first_submitted_at", "submitted_at")).values("first")[:1]
            ),
        )
        .annotate(
            state=DbCase(
                When(r_status__isnull=False, then=F("r_status")),
                When(annual_plan__gt=0, then=Value("missing" if due_passed else "pending")),
                default=Value("exempt"),
                output_field=CharField(),
            )
        )
    )


def filter_month_reports(qs: Any, month: dt.date, state: str, q: str) -> Any:
    if state == LATE.key:
        qs = qs.filter(r_at__gte=due_deadline(month))
    elif state in STATE_BY_KEY:
        qs = qs.filter(state=state)
    if q := q.strip():
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return qs


def month_report_counts(qs: ProjectQuerySet, month: dt.date) -> list[dict[str, Any]]:
    """How many projects are in each state (one query); states with none are left out."""
    counts = qs.order_by().aggregate(
        total=Count("pk"),
        late=Count("pk", filter=Q(r_at__gte=due_deadline(month))),
        **{s.key: Count("pk", filter=Q(state=s.key)) for s in STATES},
    )
    out = [{"key": "", "label": "全部项目", "tone": "", "count": counts["total"]}]
    for s in [*STATES[:4], LATE, *STATES[4:]]:
        if counts[s.key] or s.key in ("submitted", "approved", "returned", "missing"):
            out.append({"key": s.key, "label": s.label, "tone": s.tone, "count": counts[s.key]})
    return out


def month_report_rows(projects: list[Any], month: dt.date) -> list[dict[str, Any]]:
    """Rows of one page of `month_reports_queryset`: one more query for the page's reports."""
    reports = {
        r.project_id: r
        for r in MonthlyReport.objects.filter(project__in=[p.pk for p in projects], month=month)
        .select_related("submitted_by", "first_submitted_by")
        .order_by()
    }
    deadline = due_deadline(month)
    rows = []
    for p in projects:
        report = reports.get(p.pk)
        rows.append(
            {
                "project": p,
                "report": report,
                "state": STATE_BY_KEY.get(p.state, STATE_BY_KEY["exempt"]),
                "late": report is not None and report.first_at >= deadline,
            }
        )
    return rows


def _ytd_change(changes: dict[str, Any]) -> str:
    if change := changes.get("ytd_investment"):
        return f"累计完成投资 {change[0]} → {change[1]} 万元"
    return ""


def report_history(report: MonthlyReport) -> list[Step]:
    """Every submission, return and approval of `report`, oldest first."""
    return reporting.report_history(report, action="report", change_note=_ytd_change)


def report_list_month(user: AnyUser, today: dt.date | None = None) -> dt.date:
    """The month the reports list opens on: the month being collected once a report of it is in,
    else the latest month with a report the user may see (so it never opens on an empty month while
    reports exist), else the month being collected."""
    collecting = queries.reporting_month(today)
    latest = (
        MonthlyReport.objects.visible_to(user)
        .filter(month__lte=collecting)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    return latest or collecting

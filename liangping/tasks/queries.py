"""Plain data for the task pages and the API: the scoped list with its filters, next and overdue
milestones, the latest report and the live grade of the current period, in a constant number of
queries whatever the number of tasks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from liangping.core.ids import ID_MAX, ID_MIN, IdOutOfRange
from liangping.core.models import Org, User
from liangping.core.periods import PeriodCodeError, parse_period_code, period_label
from liangping.core.scope import AnyUser
from liangping.grading.compute import GradedTask, grade_tasks
from liangping.grading.rules import GRADE_LABELS
from liangping.grading.services import active_ruleset
from liangping.tasks.models import Milestone, Task, TaskReport, TaskReportStatus

REPORT_TONES: dict[str, str] = {
    TaskReportStatus.SUBMITTED.value: "yellow",
    TaskReportStatus.APPROVED.value: "blue",
    TaskReportStatus.RETURNED.value: "red",
}
REPORT_LABELS: dict[str, str] = {str(k): str(v) for k, v in TaskReportStatus.choices}


@dataclass(frozen=True)
class GradePeriod:
    """The month a task grade is computed for (a quarter is graded at its last month)."""

    year: int
    month: int

    @property
    def label(self) -> str:
        return period_label("month", self.year, self.month)

    @property
    def code(self) -> str:
        return f"{self.year}-{self.month:02d}"


def current_period(code: str | None = None, today: dt.date | None = None) -> GradePeriod:
    """The period named by `code` (2025-06, 2025Q2 …), else the latest month that has ended and has
    progress reported (one query), else the month that ended most recently."""
    if code:
        try:
            _kind, year, month = parse_period_code(code)
            return GradePeriod(year, month)
        except PeriodCodeError:
            pass
    today = today or timezone.localdate()
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    # The latest month with progress reported, so the page never opens on an empty month.
    reported = TaskReport.objects.filter(month__lte=last).order_by("-month").values_list("month", flat=True)
    opened: dt.date = reported.first() or last
    return GradePeriod(opened.year, opened.month)


def _int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    if not ID_MIN <= number <= ID_MAX:
        raise IdOutOfRange(str(value))
    return number


def filtered_tasks(user: AnyUser, filters: dict[str, Any]) -> QuerySet[Task]:
    """The tasks `user` may see, narrowed by leader (user id), lead department (org id) and year."""
    qs = Task.objects.visible_to(user)
    if (leader := _int(filters.get("leader"))) is not None:
        qs = qs.filter(leader_id=leader)
    if (department := _int(filters.get("department"))) is not None:
        qs = qs.filter(lead_department_id=department)
    if (year := _int(filters.get("year"))) is not None:
        qs = qs.filter(year=year)
    return qs


def with_details(qs: QuerySet[Task]) -> QuerySet[Task]:
    """Leader, departments, milestones and the latest report's month, status and id, prefetched."""
    latest = TaskReport.objects.filter(task=OuterRef("pk")).order_by("-month")
    return (
        qs.select_related("leader", "lead_department")
        .prefetch_related(
            Prefetch("co_departments", queryset=Org.objects.order_by("sort", "id")),
            Prefetch("milestones", queryset=Milestone.objects.order_by("planned_date", "id")),
        )
        .annotate(
            latest_month=Subquery(latest.values("month")[:1]),
            latest_status=Subquery(latest.values("status")[:1]),
            latest_report_id=Subquery(latest.values("pk")[:1]),
        )
        .order_by("-year", "code")
    )


@dataclass
class TaskRow:
    task: Task
    co_departments: list[str]
    next_milestone: Milestone | None
    overdue: list[Milestone]
    latest_month: dt.date | None
    latest_status: str
    latest_report_id: int | None
    graded: GradedTask | None

    @property
    def latest_label(self) -> str:
        return REPORT_LABELS.get(self.latest_status, "未报送")

    @property
    def latest_tone(self) -> str:
        return REPORT_TONES.get(self.latest_status, "grey")

    @property
    def grade(self) -> str:
        return self.graded.result.grade if self.graded else ""

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS.get(self.grade, "")

    @property
    def reason(self) -> str:
        return self.graded.result.reason if self.graded else ""


def overdue_milestones(milestones: list[Milestone], today: dt.date) -> list[Milestone]:
    return [m for m in milestones if m.actual_date is None and m.planned_date < today]


def graded_tasks(period: GradePeriod, task_ids: set[int]) -> dict[int, GradedTask]:
    """The live grades of the given tasks for the period, in a fixed number of queries."""
    if not task_ids:
        return {}
    graded = grade_tasks(
        period.year, period.month, active_ruleset().rules, Task.objects.filter(pk__in=task_ids)
    )
    return {g.task_id: g for g in graded}


def task_rows(tasks: list[Task], period: GradePeriod, today: dt.date | None = None) -> list[TaskRow]:
    """One row per task of `with_details(...)`, graded for `period`."""
    today = today or timezone.localdate()
    grades = graded_tasks(period, {t.pk for t in tasks if t.year == period.year})
    rows = []
    for t in tasks:
        milestones = list(t.milestones.all())
        pending = [m for m in milestones if m.actual_date is None]
        rows.append(
            TaskRow(
                task=t,
                co_departments=[o.name for o in t.co_departments.all()],
                next_milestone=pending[0] if pending else None,
                overdue=overdue_milestones(milestones, today),
                latest_month=getattr(t, "latest_month", None),
                latest_status=getattr(t, "latest_status", None) or "",
                latest_report_id=getattr(t, "latest_report_id", None),
                graded=grades.get(t.pk),
            )
        )
    return rows


@dataclass
class FilterOptions:
    leaders: list[tuple[int, str]] = field(default_factory=list)
    departments: list[tuple[int, str]] = field(default_factory=list)
    years: list[int] = field(default_factory=list)


def filter_options(user: AnyUser) -> FilterOptions:
    """Leaders, lead departments and years found among the tasks the user may see (three queries)."""
    visible = Task.objects.visible_to(user)
    leaders = User.objects.filter(pk__in=visible.values("leader_id")).order_by("display_name", "username")
    departments = Org.objects.filter(pk__in=visible.values("lead_department_id")).order_by("sort", "id")
    years = visible.order_by("-year").values_list("year", flat=True).distinct()
    return FilterOptions(
        leaders=[(u.pk, u.name) for u in leaders],
        departments=[(o.pk, o.name) for o in departments],
        years=list(years),
    )


def task_detail(user: AnyUser, pk: int) -> Task | None:
    """One visible task with its milestones and reports (reports newest first), or None."""
    reports = TaskReport.objects.select_related("submitted_by", "reviewed_by").order_by("-month")
    return (
        Task.objects.visible_to(user)
        .select_related("leader", "lead_department")
        .prefetch_related(
            Prefetch("co_departments", queryset=Org.objects.order_by("sort", "id")),
            Prefetch("milestones", queryset=Milestone.objects.order_by("planned_date", "id")),
            Prefetch("reports", queryset=reports),
        )
        .filter(pk=pk)
        .first()
    )


def latest_actual(task: Task) -> TaskReport | None:
    """The newest report that carries a cumulative value and was not returned (prefetched reports)."""
    for report in task.reports.all():
        if report.actual_value is not None and report.status != TaskReportStatus.RETURNED:
            return report
    return None

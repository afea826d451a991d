"""Grading every project for a period, set-based: a fixed number of queries whatever the count."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from liangping.core.workdays import WorkCalendar
from liangping.grading.rules import NONE, ProjectFacts, ProjectGrade, TaskFacts, grade_project, grade_task
from liangping.indicators.ranking import competition_rank
from liangping.projects.models import STAGE_ORDER, MonthlyReport, Project, ReportStatus
from liangping.tasks.models import Task, TaskReport, TaskReportStatus

STAGE_INDEX = {stage: i for i, stage in enumerate(STAGE_ORDER)}


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class GradedProject:
    project_id: int
    code: str
    name: str
    district: str
    department: str
    leader: str
    result: ProjectGrade
    ytd_investment: Decimal | None
    annual_plan: Decimal | None
    leader_id: int | None = None

    def as_row(self) -> dict[str, Any]:
        r = self.result
        return {
            "project_id": self.project_id,
            "code": self.code,
            "name": self.name,
            "district": self.district,
            "department": self.department,
            "leader": self.leader,
            "grade": r.grade,
            "reason": r.reason,
            "rule": r.rule,
            "completion": r.completion,
            "time_progress": r.time_progress,
            "gap": r.gap,
            "ytd_investment": self.ytd_investment,
            "annual_plan": self.annual_plan,
        }


def project_ranks(graded: list[GradedProject]) -> dict[int, int]:
    """Projects ranked by gap to time progress (the further ahead, the better); ungraded ones unranked."""
    return competition_rank(
        {g.project_id: g.result.gap for g in graded if g.result.grade != NONE and g.result.gap is not None}
    )


def grade_projects(
    year: int, month: int, rules: dict[str, Any], projects: QuerySet[Project] | None = None
) -> list[GradedProject]:
    """Grades of `projects` (default: all) for the period ending with `month` of `year`."""
    end = month_end(year, month)
    qs = projects if projects is not None else Project.objects.all()
    reports = {
        pid: (status, ytd)
        for pid, status, ytd in MonthlyReport.objects.filter(month=dt.date(year, month, 1)).values_list(
            "project_id", "status", "ytd_investment"
        )
    }
    # plain tuples, not model instances: building thirty thousand projects with three related
    # objects each cost most of the time of locking a period
    rows = qs.order_by("code").values_list(
        "pk",
        "code",
        "name",
        "district__name",
        "department__name",
        "leader__display_name",
        "leader__username",
        "leader_id",
        "annual_plan",
        "plan_year",
        "stage",
        "planned_start",
        "planned_end",
    )
    out = []
    for row in rows:
        pk, code, name, district, department, leader_display, leader_username, leader_id = row[:8]
        plan, plan_year, stage, start, finish = row[8:]
        status, ytd = reports.get(pk, (None, None))
        facts = ProjectFacts(
            annual_plan=plan if plan_year in (None, year) else None,
            stage_index=STAGE_INDEX[stage],
            planned_start=start,
            planned_end=finish,
            reported=status is not None and status != ReportStatus.RETURNED,
            ytd_investment=ytd,
        )
        out.append(
            GradedProject(
                project_id=pk,
                code=code,
                name=name,
                district=district,
                department=department or "",
                leader=leader_display or leader_username or "",
                result=grade_project(facts, end, rules),
                ytd_investment=ytd,
                annual_plan=facts.annual_plan,
                leader_id=leader_id,
            )
        )
    return out


@dataclass(frozen=True)
class GradedTask:
    task_id: int
    code: str
    title: str
    leader: str
    department: str
    result: ProjectGrade
    actual_value: Decimal | None
    target_value: Decimal | None


def grade_tasks(
    year: int,
    month: int,
    rules: dict[str, Any],
    tasks: QuerySet[Task] | None = None,
    calendar: WorkCalendar | None = None,
) -> list[GradedTask]:
    """Grades of the year's leader-led tasks (default: all) for the period ending with `month`, the
    working days counted on `calendar` (default: the installation's city's)."""
    end = month_end(year, month)
    calendar = calendar or WorkCalendar.load()
    due_soon_until = calendar.add_workdays(end, int(rules["task"]["due_soon_workdays"]))
    reports = {
        tid: (status, value)
        for tid, status, value in TaskReport.objects.filter(month=dt.date(year, month, 1)).values_list(
            "task_id", "status", "actual_value"
        )
    }
    out = []
    for t in (
        (tasks if tasks is not None else Task.objects.all())
        .filter(year=year)
        .select_related("leader", "lead_department")
        .prefetch_related("milestones")
    ):
        status, value = reports.get(t.pk, (None, None))
        facts = TaskFacts(
            milestones=tuple((m.title, m.planned_date, m.actual_date) for m in t.milestones.all()),
            reported=status is not None and status != TaskReportStatus.RETURNED,
            target_value=t.target_value,
            actual_value=value,
        )
        out.append(
            GradedTask(
                t.pk,
                t.code,
                t.title,
                t.leader.name,
                t.lead_department.name,
                grade_task(facts, end, due_soon_until, rules),
                value,
                t.target_value,
            )
        )
    return out

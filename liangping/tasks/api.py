"""Leader-led tasks (攻坚事项) in the JSON API, scoped like the pages: the list with the live grade,
one task with its milestones and reports, submitting a month's progress, reviewing it."""

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import BeforeValidator, WithJsonSchema, field_validator

from liangping.core.api import (
    ApiError,
    InputSchema,
    OrgRef,
    QuerySchema,
    UserRef,
    actor,
    conflict,
    field_error,
    forbidden,
    org_ref,
    require_ledger,
    user_ref,
)
from liangping.core.models import User
from liangping.tasks import queries, services
from liangping.tasks.models import Milestone, Task, TaskReport

router = Router(tags=["攻坚事项"])
NOT_FOUND = "未找到该记录"


# --- input parsing ----------------------------------------------------------------------------


def parse_month(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value.replace(day=1)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", str(value).strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"年月“{value}”格式不正确，应为 YYYY-MM，例如 2025-06")
    return dt.date(int(match[1]), int(match[2]), 1)


def parse_value(value: Any) -> Decimal | None:
    """A cumulative value: an exact decimal ≥ 0 with at most 4 decimals, given as a string or number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("累计完成值应为数字")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError("累计完成值应为数字") from exc
    if not number.is_finite():
        raise ValueError("累计完成值应为数字")
    if number < 0:
        raise ValueError("累计完成值不能为负数")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        raise ValueError("累计完成值最多保留 4 位小数")
    if number.adjusted() >= 12:
        raise ValueError("累计完成值数值过大")
    return number


MonthIn = Annotated[
    dt.date,
    BeforeValidator(parse_month),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{1,2}$", "examples": ["2025-06"]}),
]
ValueIn = Annotated[
    Decimal | None,
    BeforeValidator(parse_value),
    WithJsonSchema({"type": ["string", "null"], "examples": ["12.5"]}),
]


def _s(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


@contextmanager
def refusals() -> Iterator[None]:
    """A service's refusal as the API's answer: a stale version or a state → 409, a value → 422."""
    try:
        yield
    except services.TaskConflict as exc:
        raise conflict(str(exc)) from exc
    except services.TaskError as exc:
        if exc.field:
            raise field_error(exc.field, str(exc)) from exc
        raise conflict(str(exc)) from exc


# --- schemas ----------------------------------------------------------------------------------


class TaskRef(Schema):
    id: int
    code: str
    title: str


class MilestoneBrief(Schema):
    id: int
    title: str
    planned_date: dt.date


class LatestReport(Schema):
    id: int
    month: str
    status: str
    status_label: str


class GradeOut(Schema):
    period: str
    period_label: str
    grade: str
    reason: str
    provisional: bool = Field(True, description="按当前数据实时计算；锁定考核期后以快照为准")


class TaskOut(Schema):
    id: int
    code: str
    title: str
    year: int
    leader: UserRef
    lead_department: OrgRef
    co_departments: list[OrgRef]
    goal: str
    target_value: str | None = Field(None, description="目标值（精确小数，字符串）")
    target_unit: str
    sample: bool
    version: int
    next_milestone: MilestoneBrief | None
    overdue_milestones: int
    latest_report: LatestReport | None
    grade: GradeOut | None


class EvidenceOut(Schema):
    name: str
    content_type: str
    url: str = Field(..., description="下载地址（需登录，按权限范围校验）")


class MilestoneOut(Schema):
    id: int
    title: str
    planned_date: dt.date
    actual_date: dt.date | None
    overdue: bool
    note: str
    evidence: EvidenceOut | None
    version: int


class TaskReportOut(Schema):
    id: int
    task: TaskRef
    month: str
    actual_value: str | None = Field(None, description="累计完成值（精确小数，字符串）")
    progress: str
    status: str
    status_label: str
    submitted_by: UserRef | None
    submitted_at: dt.datetime
    reviewed_by: UserRef | None
    reviewed_at: dt.datetime | None
    review_note: str
    version: int


class TaskDetailOut(TaskOut):
    milestones: list[MilestoneOut]
    reports: list[TaskReportOut]
    can_edit: bool
    can_submit_report: bool
    can_record_milestone: bool


class TaskFilters(QuerySchema):
    leader: int | None = Field(None, description="领衔市领导 ID")
    department: int | None = Field(None, description="牵头部门 ID")
    year: int | None = Field(None, description="年度")
    period: str | None = Field(None, description="分级的考核期，如 2025-06；默认为最近结束的月份")
    limit: int = Field(50, ge=1, le=500, description="每页条数（1–500）")
    offset: int = Field(0, ge=0, le=2**31 - 1, description="跳过的条数")


class TaskListOut(Schema):
    items: list[TaskOut]
    count: int


class TaskReportIn(InputSchema):
    month: MonthIn = Field(..., description="年月，YYYY-MM")
    actual_value: ValueIn = Field(None, description="累计完成值；事项有目标值时必填")
    progress: str = Field("", description="进展情况")
    version: int | None = Field(None, description="重新报送时必填：读取时的版本号")

    @field_validator("progress")
    @classmethod
    def _progress_length(cls, value: str) -> str:
        if len(value) > 5000:
            raise ValueError("进展情况不能超过 5000 个字")
        return value


class TaskReviewIn(InputSchema):
    approve: bool = Field(..., description="true 通过，false 退回")
    note: str = Field("", max_length=5000, description="审核意见；退回时必填")
    version: int = Field(..., description="读取时的版本号")


# --- plain data -------------------------------------------------------------------------------


def report_data(r: TaskReport, task: Task) -> dict[str, Any]:
    return {
        "id": r.pk,
        "task": {"id": task.pk, "code": task.code, "title": task.title},
        "month": r.month.strftime("%Y-%m"),
        "actual_value": _s(r.actual_value),
        "progress": r.progress,
        "status": r.status,
        "status_label": r.get_status_display(),
        "submitted_by": user_ref(r.submitted_by),
        "submitted_at": r.submitted_at,
        "reviewed_by": user_ref(r.reviewed_by),
        "reviewed_at": r.reviewed_at,
        "review_note": r.review_note,
        "version": r.version,
    }


def task_data(row: queries.TaskRow, period: queries.GradePeriod) -> dict[str, Any]:
    t = row.task
    nxt = row.next_milestone
    latest = None
    if row.latest_report_id and row.latest_month:
        latest = {
            "id": row.latest_report_id,
            "month": row.latest_month.strftime("%Y-%m"),
            "status": row.latest_status,
            "status_label": row.latest_label,
        }
    grade = None
    if row.graded is not None:
        grade = {
            "period": period.code,
            "period_label": period.label,
            "grade": row.grade,
            "reason": row.reason,
        }
    return {
        "id": t.pk,
        "code": t.code,
        "title": t.title,
        "year": t.year,
        "leader": user_ref(t.leader),
        "lead_department": org_ref(t.lead_department),
        "co_departments": [org_ref(o) for o in t.co_departments.all()],
        "goal": t.goal,
        "target_value": _s(t.target_value),
        "target_unit": t.target_unit,
        "sample": t.sample,
        "version": t.version,
        "next_milestone": (
            {"id": nxt.pk, "title": nxt.title, "planned_date": nxt.planned_date} if nxt else None
        ),
        "overdue_milestones": len(row.overdue),
        "latest_report": latest,
        "grade": grade,
    }


def milestone_data(m: Milestone, today: dt.date) -> dict[str, Any]:
    evidence = None
    if m.evidence:
        evidence = {
            "name": m.evidence_name,
            "content_type": m.evidence_type,
            "url": reverse("tasks:evidence", args=[m.pk]),
        }
    return {
        "id": m.pk,
        "title": m.title,
        "planned_date": m.planned_date,
        "actual_date": m.actual_date,
        "overdue": m.actual_date is None and m.planned_date < today,
        "note": m.note,
        "evidence": evidence,
        "version": m.version,
    }


def detail_data(user: User, pk: int) -> dict[str, Any]:
    qs = queries.with_details(Task.objects.visible_to(user).filter(pk=pk))
    task = qs.first()
    if task is None:
        raise ApiError(404, NOT_FOUND)
    period = queries.current_period()
    [row] = queries.task_rows([task], period)
    today = timezone.localdate()
    reports = task.reports.select_related("submitted_by", "reviewed_by").order_by("-month")
    return {
        **task_data(row, period),
        "milestones": [milestone_data(m, today) for m in task.milestones.all()],
        "reports": [report_data(r, task) for r in reports],
        "can_edit": services.can_manage(user),
        "can_submit_report": services.can_report(user, task),
        "can_record_milestone": services.can_record_milestone(user, task),
    }


# --- routes -----------------------------------------------------------------------------------


@router.get("/tasks", response=TaskListOut, summary="攻坚事项（按权限范围，含本期实时分级）")
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]) -> dict[str, Any]:
    user = actor(request)
    period = queries.current_period(filters.period)
    qs = queries.filtered_tasks(user, filters.dict())
    count = qs.count()
    tasks = list(queries.with_details(qs)[filters.offset : filters.offset + filters.limit])
    rows = queries.task_rows(tasks, period)
    return {"items": [task_data(r, period) for r in rows], "count": count}


@router.get("/tasks/{task_id}", response=TaskDetailOut, summary="攻坚事项详情：节点与月度进展")
def get_task(request: HttpRequest, task_id: int) -> dict[str, Any]:
    return detail_data(require_ledger(request), task_id)


def _reports(user: User) -> Any:
    visible = Task.objects.visible_to(user).values("pk")
    return TaskReport.objects.filter(task__in=visible).select_related("task", "submitted_by", "reviewed_by")


@router.post(
    "/tasks/{task_id}/reports",
    response={200: TaskReportOut, 201: TaskReportOut},
    summary="报送或重新报送攻坚事项月度进展（牵头部门、督查人员）",
)
def submit_report(request: HttpRequest, task_id: int, payload: TaskReportIn) -> Any:
    user = require_ledger(request)
    task = get_object_or_404(Task.objects.visible_to(user).select_related("lead_department"), pk=task_id)
    if not services.can_report(user, task):
        raise forbidden("只有牵头部门或督查人员可以报送该事项的进展")
    with refusals():
        report = services.submit_report(
            user,
            task,
            payload.month,
            actual_value=payload.actual_value,
            progress=payload.progress,
            expected_version=payload.version,
        )
    saved = _reports(user).get(pk=report.pk)
    return Status(201 if report.version == 1 else 200, report_data(saved, task))


@router.post(
    "/task-reports/{report_id}/review",
    response=TaskReportOut,
    summary="审核攻坚事项月度进展（督查人员）",
)
def review_report(request: HttpRequest, report_id: int, payload: TaskReviewIn) -> Any:
    user = require_ledger(request)
    report = get_object_or_404(_reports(user), pk=report_id)
    if not services.can_review(user):
        raise forbidden("只有督查人员可以审核攻坚事项进展")
    if not payload.approve and not payload.note.strip():
        raise field_error("note", "退回必须写明原因")
    with refusals():
        services.review_report(
            user, report, approve=payload.approve, note=payload.note, expected_version=payload.version
        )
    saved = _reports(user).get(pk=report.pk)
    return report_data(saved, saved.task)

"""Monthly reports (月度调度) in the JSON API: list, submit or resubmit, review."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from liangping.core.api import (
    Amount,
    AmountIn,
    InputSchema,
    Pagination,
    QuerySchema,
    UserRef,
    actor,
    field_error,
    forbidden,
    require_ledger,
    user_ref,
)
from liangping.core.models import Role, User
from liangping.core.scope import sees_ledger
from liangping.projects import services
from liangping.projects.api import MonthIn, ProjectRef
from liangping.projects.models import MonthlyReport, Project, ReportStatus

router = Router(tags=["月度调度"])


class ReportOut(Schema):
    id: int
    project: ProjectRef
    month: str
    month_investment: Amount = Field(..., description="本月完成投资（万元）")
    ytd_investment: Amount = Field(..., description="累计完成投资（万元）")
    progress: str
    problems: str
    status: str
    status_label: str
    submitted_by: UserRef | None
    submitted_at: dt.datetime
    reviewed_by: UserRef | None
    reviewed_at: dt.datetime | None
    review_note: str
    correction_reason: str = Field("", description="更正说明（累计完成投资低于上月累计时）")
    first_submitted_at: dt.datetime | None = Field(None, description="首次报送时间（是否逾期以此为准）")
    version: int

    @staticmethod
    def resolve_month(obj: MonthlyReport) -> str:
        return obj.month.strftime("%Y-%m")

    @staticmethod
    def resolve_first_submitted_at(obj: MonthlyReport) -> dt.datetime:
        return obj.first_at

    @staticmethod
    def resolve_status_label(obj: MonthlyReport) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_submitted_by(obj: MonthlyReport) -> Any:
        return user_ref(obj.submitted_by)

    @staticmethod
    def resolve_reviewed_by(obj: MonthlyReport) -> Any:
        return user_ref(obj.reviewed_by)


class ReportFilters(QuerySchema):
    month: MonthIn | None = Field(None, description="年月，YYYY-MM")
    project: int | None = Field(None, description="项目 ID")
    status: ReportStatus | None = None


class ReportIn(InputSchema):
    month: MonthIn = Field(..., description="年月，YYYY-MM")
    month_investment: AmountIn = Field(..., description="本月完成投资（万元）")
    ytd_investment: AmountIn = Field(..., description="累计完成投资（万元）")
    progress: str = Field("", max_length=5000)
    problems: str = Field("", max_length=5000, description="存在问题；填写后自动登记为问题")
    version: int | None = Field(None, description="重新报送时必填：读取时的版本号")
    correction_reason: str = Field(
        "", max_length=500, description="更正说明：累计完成投资低于上月累计时必填（记入审计日志）"
    )


class ReviewIn(InputSchema):
    approve: bool = Field(..., description="true 通过，false 退回")
    note: str = Field("", max_length=5000, description="审核意见；退回时必填")
    version: int = Field(..., description="读取时的版本号")


def reports_for(user: User) -> Any:
    return MonthlyReport.objects.visible_to(user).select_related("project", "submitted_by", "reviewed_by")


@router.get("/reports", response=list[ReportOut], summary="月度调度（按权限范围）")
@paginate(Pagination)
def list_reports(request: HttpRequest, filters: Query[ReportFilters]) -> Any:
    user = actor(request)
    if not sees_ledger(user):
        return MonthlyReport.objects.none()
    qs = reports_for(user)
    if filters.month:
        qs = qs.filter(month=filters.month)
    if filters.project is not None:
        qs = qs.filter(project_id=filters.project)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs


@router.post(
    "/projects/{project_id}/reports",
    response={200: ReportOut, 201: ReportOut},
    summary="报送或重新报送月度调度",
)
def submit_report(request: HttpRequest, project_id: int, payload: ReportIn) -> Any:
    user = require_ledger(request)
    project = get_object_or_404(Project.objects.visible_to(user).select_related("unit"), pk=project_id)
    if not services.can_submit_report(user, project):
        raise forbidden("您不能为该项目报送月度调度")
    report = services.submit_report(
        user,
        project,
        payload.month,
        month_investment=payload.month_investment,
        ytd_investment=payload.ytd_investment,
        progress=payload.progress,
        problems=payload.problems,
        expected_version=payload.version,
        correction_reason=payload.correction_reason,
    )
    return Status(201 if report.version == 1 else 200, reports_for(user).get(pk=report.pk))


@router.post("/reports/{report_id}/review", response=ReportOut, summary="审核月度调度（督查人员）")
def review_report(request: HttpRequest, report_id: int, payload: ReviewIn) -> Any:
    user = require_ledger(request)
    report = get_object_or_404(reports_for(user), pk=report_id)
    if user.role != Role.SUPERVISOR:
        raise forbidden("只有督查人员可以审核月度调度")
    if not payload.approve and not payload.note.strip():
        raise field_error("note", "退回必须写明原因")
    services.review_report(
        user, report, approve=payload.approve, note=payload.note, expected_version=payload.version
    )
    return reports_for(user).get(pk=report.pk)

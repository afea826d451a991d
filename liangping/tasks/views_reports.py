"""Task report pages: submitting a month's progress, resubmitting it, and reviewing it (supervisor)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from liangping.core import reporting
from liangping.core.models import User
from liangping.tasks import queries, services
from liangping.tasks.forms import ReportForm, ReviewForm, report_months
from liangping.tasks.models import Task, TaskReport, TaskReportStatus
from liangping.tasks.views import actor, form_error, task_page


def visible_reports(user: User) -> QuerySet[TaskReport]:
    return TaskReport.objects.filter(task__in=Task.objects.visible_to(user).values("pk")).select_related(
        "task__leader", "task__lead_department", "submitted_by", "reviewed_by"
    )


def _report(user: User, pk: int) -> TaskReport:
    return get_object_or_404(visible_reports(user), pk=pk)


def _month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def _value_change(task: Task) -> reporting.ChangeNote:
    """A resubmission's note: how the cumulative actual value changed."""

    def note(changes: dict[str, Any]) -> str:
        if change := changes.get("actual_value"):
            before = "—" if change[0] is None else change[0]
            return f"累计完成值 {before} → {change[1]} {task.target_unit}".strip()
        return ""

    return note


def _submit(
    request: HttpRequest, form: ReportForm, task: Task, month: dt.date, version: int | None
) -> TaskReport | None:
    data = form.cleaned_data
    try:
        report = services.submit_report(
            actor(request),
            task,
            month,
            actual_value=data["actual_value"],
            progress=data["progress"],
            expected_version=version,
        )
    except services.TaskError as exc:
        form_error(form, exc)
        return None
    messages.success(request, f"已报送{_month_label(report.month)}进展，等待督查人员审核")
    return report


@task_page
def report_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    task = get_object_or_404(Task.objects.visible_to(user).select_related("lead_department"), pk=pk)
    if not services.can_report(user, task):
        raise Http404("页面不存在")
    months = report_months(task)
    existing = None
    if request.method == "POST":
        form = ReportForm(request.POST, task=task, months=months)
        if form.is_valid():
            month = form.month_date()
            report = _submit(request, form, task, month, None)
            if report is not None:
                return redirect("tasks:report_detail", pk=report.pk)
            existing = task.reports.filter(month=month).first()
    else:
        wanted = request.GET.get("month", "")
        chosen = wanted if wanted in dict(months) else (months[0][0] if months else "")
        if chosen:
            year, month_no = chosen.split("-")
            existing = task.reports.filter(month=dt.date(int(year), int(month_no), 1)).first()
            if existing is not None and wanted:
                return redirect("tasks:report_edit", pk=existing.pk)
        form = ReportForm(initial={"month": chosen}, task=task, months=months)
    context = {"task": task, "form": form, "report": None, "existing": existing, "months": months}
    return render(request, "tasks/report_form.html", context)


@task_page
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    report = _report(user, pk)
    task = report.task
    if not services.can_report(user, task):
        raise Http404("页面不存在")
    if report.status == TaskReportStatus.APPROVED and not services.can_manage(user):
        messages.warning(request, "该月进展已审核通过，如需更正请联系督查人员")
        return redirect("tasks:report_detail", pk=report.pk)
    if request.method == "POST":
        form = ReportForm(request.POST, task=task)
        if form.is_valid():
            version = form.cleaned_data.get("version")
            saved = _submit(request, form, task, report.month, version if version is not None else -1)
            if saved is not None:
                return redirect("tasks:report_detail", pk=saved.pk)
    else:
        initial = {
            "actual_value": report.actual_value,
            "progress": report.progress,
            "version": report.version,
        }
        form = ReportForm(initial=initial, task=task)
    context = {"task": task, "form": form, "report": report, "existing": None, "months": None}
    return render(request, "tasks/report_form.html", context)


def _review(request: HttpRequest, user: User, report: TaskReport) -> None:
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "页面已过期，请刷新页面后再审核")
        return
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.review_report(
            user,
            report,
            approve=approve,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except services.TaskError as exc:
        messages.error(request, str(exc))
    else:
        done = "已审核通过" if approve else "已退回，牵头部门可修改后重新报送"
        messages.success(request, f"{_month_label(report.month)}进展{done}")


@task_page
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A report of a task; the supervisor reviews it here (POST)."""
    user = actor(request)
    report = _report(user, pk)
    if request.method == "POST":
        if not services.can_review(user):
            raise Http404("页面不存在")
        _review(request, user, report)
        return redirect("tasks:report_detail", pk=report.pk)
    task = report.task
    may_edit = services.can_report(user, task) and (
        report.status != TaskReportStatus.APPROVED or services.can_manage(user)
    )
    completion = None
    if report.actual_value is not None and task.target_value:
        completion = report.actual_value * 100 / task.target_value
    context = {
        "report": report,
        "task": task,
        "month_label": _month_label(report.month),
        "tone": queries.REPORT_TONES.get(report.status, "grey"),
        "completion": completion,
        "may_review": services.can_review(user) and report.status == TaskReportStatus.SUBMITTED,
        "may_edit": may_edit,
        "history": reporting.report_history(report, action="task_report", change_note=_value_change(task)),
    }
    return render(request, "tasks/report_detail.html", context)

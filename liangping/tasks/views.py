"""攻坚事项 pages: the scoped list, a task's detail, creating and editing a task (supervisor).

Milestone pages live in views_milestones.py, report pages in views_reports.py. Only the supervisor,
city leaders and department users have task pages; anyone else, and anything outside a user's
scope, gets 404.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from liangping.core.access import roles_required
from liangping.core.models import Role, User
from liangping.core.scope import tenant_of
from liangping.tasks import queries, services
from liangping.tasks.forms import MilestoneForm, TaskForm
from liangping.tasks.models import Task

TASK_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.DEPARTMENT)
task_page = roles_required(*TASK_ROLES)
supervisor_page = roles_required(Role.SUPERVISOR)
PAGE_SIZE = 50


def actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the role guards have let only signed-in users through
    return user


def form_error(form: Any, exc: services.TaskError) -> None:
    """Put a service's refusal on the form: on its field when the form has it, else on top."""
    conflict = isinstance(exc, services.TaskConflict)
    form.add_error(exc.field if exc.field in form.fields and not conflict else None, str(exc))


@task_page
def task_list(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    filters = {k: request.GET.get(k, "").strip() for k in ("leader", "department", "year")}
    period = queries.current_period(request.GET.get("period"))
    qs = queries.with_details(queries.filtered_tasks(user, filters))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queries.task_rows(list(page.object_list), period)
    query = urlencode({k: v for k, v in {**filters, "period": request.GET.get("period", "")}.items() if v})
    context = {
        "rows": rows,
        "page": page,
        "query": query,
        "filters": filters,
        "options": queries.filter_options(user),
        "period": period,
        "today": timezone.localdate(),
        "can_manage": services.can_manage(user),
    }
    return render(request, "tasks/list.html", context)


def visible_task(user: User, pk: int) -> Task:
    task = queries.task_detail(user, pk)
    if task is None:
        raise Http404("页面不存在")
    return task


@task_page
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    task = visible_task(user, pk)
    period = queries.current_period(request.GET.get("period"))
    today = timezone.localdate()
    milestones = list(task.milestones.all())
    reports = list(task.reports.all())
    latest = queries.latest_actual(task)
    completion = None
    if latest is not None and task.target_value:
        completion = latest.actual_value * 100 / task.target_value  # type: ignore[operator]
    graded = queries.graded_tasks(period, {task.pk} if task.year == period.year else set())
    can_record = services.can_record_milestone(user, task)
    context = {
        "task": task,
        "co_departments": [o.name for o in task.co_departments.all()],
        "milestones": [
            {
                "m": m,
                "overdue": m.actual_date is None and m.planned_date < today,
                "late_done": m.actual_date is not None and m.actual_date > m.planned_date,
            }
            for m in milestones
        ],
        "reports": reports,
        "tones": queries.REPORT_TONES,
        "latest": latest,
        "completion": completion,
        "period": period,
        "graded": graded.get(task.pk),
        "can_manage": services.can_manage(user),
        "can_report": services.can_report(user, task),
        "can_record": can_record,
        "milestone_form": MilestoneForm(prefix="ms") if services.can_manage(user) else None,
    }
    return render(request, "tasks/detail.html", context)


def _task_form_page(request: HttpRequest, form: TaskForm, task: Task | None) -> HttpResponse:
    return render(request, "tasks/form.html", {"form": form, "task": task})


@supervisor_page
def task_new(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    if request.method != "POST":
        return _task_form_page(request, TaskForm(tenant=tenant_of(user)), None)
    form = TaskForm(request.POST, tenant=tenant_of(user))
    if form.is_valid():
        try:
            task = services.create_task(user, form.values(), form.cleaned_data["co_departments"])
        except services.TaskError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"已新建攻坚事项“{task.title}”，请继续设置节点")
            return redirect("tasks:detail", pk=task.pk)
    return _task_form_page(request, form, None)


@supervisor_page
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    task = get_object_or_404(Task.objects.visible_to(user).select_related("leader", "lead_department"), pk=pk)
    if request.method != "POST":
        form = TaskForm(instance=task, initial={"version": task.version})
        return _task_form_page(request, form, task)
    form = TaskForm(request.POST, instance=Task.objects.get(pk=task.pk))
    if form.is_valid():
        version = form.cleaned_data.get("version")
        try:
            services.update_task(
                user,
                task,
                form.values(),
                expected_version=version if version is not None else -1,
                co_departments=form.cleaned_data["co_departments"],
                reason=form.cleaned_data.get("reason", ""),
            )
        except services.TaskError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "已保存攻坚事项")
            return redirect("tasks:detail", pk=task.pk)
    return _task_form_page(request, form, task)

"""节点 pages: adding a milestone (supervisor), correcting or deleting it (supervisor), recording it
as done with evidence (the lead department or the supervisor), and the scoped evidence download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from liangping.core import uploads as evidence
from liangping.core.audit import record_download
from liangping.core.models import User
from liangping.tasks import services
from liangping.tasks.forms import MilestoneForm, RecordForm
from liangping.tasks.models import Milestone, Task
from liangping.tasks.views import actor, form_error, supervisor_page, task_page

INLINE_TYPES = {evidence.PDF.content_type, evidence.JPEG.content_type, evidence.PNG.content_type}


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return -1


def visible_milestone(user: User, pk: int) -> Milestone:
    qs = Milestone.objects.filter(task__in=Task.objects.visible_to(user).values("pk"))
    return get_object_or_404(qs.select_related("task__lead_department", "task__leader"), pk=pk)


@supervisor_page
def milestone_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    task = get_object_or_404(Task.objects.visible_to(user), pk=pk)
    form = MilestoneForm(request.POST or None, prefix="ms")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            milestone = services.add_milestone(user, task, data["title"], data["planned_date"], data["note"])
        except services.TaskError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"已添加节点“{milestone.title}”")
            return redirect("tasks:detail", pk=task.pk)
    return render(request, "tasks/milestone_new.html", {"task": task, "form": form})


def _record(request: HttpRequest, user: User, milestone: Milestone, form: RecordForm) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    upload = None
    size = None
    if data.get("evidence"):
        file = data["evidence"]
        size = file.size
        upload = (file.name, file.read(evidence.max_bytes() + 1))
    try:
        services.record_milestone(
            user,
            milestone,
            actual_date=data["actual_date"],
            note=data["note"],
            upload=upload,
            upload_size=size,
            expected_version=data["version"],
        )
    except services.TaskError as exc:
        form_error(form, exc)
        return False
    messages.success(request, f"已登记节点“{milestone.title}”的完成情况")
    return True


def _edit(request: HttpRequest, user: User, milestone: Milestone, form: MilestoneForm) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    values = {k: data[k] for k in ("title", "planned_date", "actual_date", "note")}
    version = data.get("version")
    try:
        services.update_milestone(
            user, milestone, values, expected_version=version if version is not None else -1
        )
    except services.TaskError as exc:
        form_error(form, exc)
        return False
    messages.success(request, f"已修改节点“{milestone.title}”")
    return True


@task_page
def milestone_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a milestone as done (lead department, supervisor) or correct it (supervisor)."""
    user = actor(request)
    milestone = visible_milestone(user, pk)
    task = milestone.task
    can_record = services.can_record_milestone(user, task)
    can_manage = services.can_manage(user)
    if not can_record:
        raise Http404("页面不存在")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    record_initial = {
        "actual_date": milestone.actual_date,
        "note": milestone.note,
        "version": milestone.version,
    }
    edit_initial = {
        "title": milestone.title,
        "planned_date": milestone.planned_date,
        "actual_date": milestone.actual_date,
        "note": milestone.note,
        "version": milestone.version,
    }
    record_form = RecordForm(
        request.POST if action == "record" else None,
        request.FILES if action == "record" else None,
        initial=record_initial,
        prefix="rec",
    )
    edit_form = None
    if can_manage:
        edit_form = MilestoneForm(
            request.POST if action == "edit" else None, initial=edit_initial, prefix="ms", editing=True
        )
    if action == "record" and _record(request, user, milestone, record_form):
        return redirect("tasks:detail", pk=task.pk)
    if action == "edit" and edit_form is not None and _edit(request, user, milestone, edit_form):
        return redirect("tasks:detail", pk=task.pk)
    if action == "delete" and can_manage:
        try:
            services.delete_milestone(
                user,
                milestone,
                expected_version=_int(request.POST.get("version")),
                reason=request.POST.get("reason", ""),
            )
        except services.TaskError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已删除节点“{milestone.title}”")
            return redirect("tasks:detail", pk=task.pk)
    context = {
        "task": task,
        "milestone": milestone,
        "record_form": record_form,
        "edit_form": edit_form,
        "can_manage": can_manage,
        "allowed": evidence.ALLOWED_TEXT,
        "max_mb": evidence.max_bytes() // (1024 * 1024),
    }
    return render(request, "tasks/milestone.html", context)


@task_page
def milestone_evidence(request: HttpRequest, pk: int) -> Any:
    """The evidence file, for users who may see the task; never through a public media URL."""
    milestone = visible_milestone(actor(request), pk)
    if not milestone.evidence:
        raise Http404("没有佐证材料")
    try:
        handle = milestone.evidence.open("rb")
    except FileNotFoundError as exc:
        raise Http404("佐证材料不存在") from exc
    content_type = milestone.evidence_type or "application/octet-stream"
    filename = milestone.evidence_name or (milestone.evidence.name or "").rsplit("/", 1)[-1]
    record_download(actor(request), f"佐证材料：{milestone}"[:255], filename, milestone)
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=content_type not in INLINE_TYPES,
        filename=filename,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response

"""问题闭环 pages: the list, registering a problem on a project, a case with its steps and actions."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from liangping.cases import engine, services
from liangping.cases.forms import ActionForm, AssignForm, CaseFilterForm, FeedbackForm, RegisterForm
from liangping.cases.models import Case, CaseAttachment, CaseStatus
from liangping.cases.queries import STATUS_TONES, filter_cases, source_of, subjects_of
from liangping.core import uploads
from liangping.core.access import roles_required
from liangping.core.audit import record_download
from liangping.core.ids import parse_id
from liangping.core.models import ADMIN_ROLES, Role
from liangping.core.workdays import WorkCalendar

LEDGER_ROLES = tuple(r for r in Role.values if r not in ADMIN_ROLES)
PAGE_SIZE = 50
# The note each action asks for: (label, placeholder, required)
NOTE_LABELS = {
    "handle": ("办理情况", "可简要说明办理安排（选填）", False),
    "reply": ("答复内容", "请填写办理结果和答复内容（必填）", True),
    "verify": ("核实意见", "核实情况（选填）", False),
    "close": ("销号意见", "销号说明（选填）", False),
    "verify_close": ("核实和销号意见", "核实情况和销号说明（选填）", False),
    "return": ("退回原因", "请写明退回原因（必填）", True),
}
# Shown instead of their parts when the same person may do both at once.
COMBINED = {"verify_close": ("verify", "close")}
INLINE_TYPES = {uploads.PDF.content_type, uploads.JPEG.content_type, uploads.PNG.content_type}


def _projects() -> Any:
    try:
        return apps.get_model("projects", "Project")._default_manager
    except LookupError as exc:  # pragma: no cover - the projects app is installed
        raise Http404("页面不存在") from exc


@roles_required(*LEDGER_ROLES)
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    qs = Case.objects.visible_to(request.user).select_related("lead_org")
    if form.is_valid():
        qs = filter_cases(qs, form.cleaned_data)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    cases = list(page.object_list)
    subjects = subjects_of(cases, request.user)
    today = timezone.localdate()
    rows = [
        {
            "case": c,
            "subject": subjects.get(c.pk),
            "tone": STATUS_TONES.get(c.status, "grey"),
            "overdue": c.is_overdue(today),
        }
        for c in cases
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "cases/list.html", {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    )


@roles_required(*LEDGER_ROLES)
def case_new(request: HttpRequest) -> HttpResponse:
    visible = _projects().visible_to(request.user)
    project = None
    project_id = request.GET.get("project", "")
    if project_id:
        if (number := parse_id(project_id)) is None:
            raise Http404("项目不存在")
        project = get_object_or_404(visible, pk=number)
    form = RegisterForm(request.POST or None, fixed_project=project is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = project
        if subject is None:
            subject = visible.filter(code=data["project_code"].strip()).first()
            if subject is None:
                form.add_error("project_code", "未找到该项目编号，或您无权查看该项目")
        if subject is not None:
            try:
                case = services.register(
                    request.user,  # type: ignore[arg-type]
                    data["title"],
                    description=data["description"],
                    subject=subject,
                )
            except services.CaseError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已登记问题“{case.title}”")
                return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/new.html", {"form": form, "project": project})


def _visible_case(request: HttpRequest, pk: int) -> Case:
    qs = Case.objects.visible_to(request.user).select_related("lead_org", "registered_by")
    return get_object_or_404(qs, pk=pk)


@roles_required(*LEDGER_ROLES)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _visible_case(request, pk)
    user: Any = request.user
    allowed = services.allowed_actions(user, case)
    hidden = {part for a, parts in COMBINED.items() if a in allowed for part in parts}
    actions = [
        {
            "name": a,
            "label": services.ACTION_LABELS[a],
            "note": NOTE_LABELS[a],
            "danger": a == "return",
            "files": a == "reply",
        }
        for a in allowed
        if a in NOTE_LABELS and a not in hidden
    ]
    assign = None
    if "assign" in allowed:
        assign = {
            "form": AssignForm(initial={"version": case.version}, auto_id="assign-%s"),
            **engine.deadline_preview(case),
        }
    status_labels = dict(CaseStatus.choices)
    steps = [
        {
            "step": s,
            "action": s.action,
            "label": services.ACTION_LABELS.get(s.action, s.action),
            "status": status_labels.get(s.to_status, s.to_status),
        }
        for s in case.steps.select_related("actor__org").prefetch_related("attachments")
    ]
    countdown = services.countdown(case, WorkCalendar.load(), timezone.localdate())
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "subject": subjects_of([case], user).get(case.pk),
            "source": source_of(case, user),
            "countdown": {"text": countdown[0], "tone": countdown[1]},
            "escalations": [row for row in steps if row["action"] == "escalate"],
            "feedbacks": [row for row in steps if row["action"] == "feedback"],
            "feedback": FeedbackForm(initial={"version": case.version}) if "feedback" in allowed else None,
            "max_mb": uploads.max_bytes() // (1024 * 1024),
            "allowed_files": uploads.ALLOWED_TEXT,
            "max_files": services.MAX_ATTACHMENTS,
            "co_orgs": list(case.co_orgs.all()),
            "steps": steps,
            "actions": actions,
            "assign": assign,
            "overdue": case.is_overdue(),
            "tone": STATUS_TONES.get(case.status, "grey"),
        },
    )


@roles_required(*LEDGER_ROLES)
@require_POST
def case_act(request: HttpRequest, pk: int) -> HttpResponse:
    case = _visible_case(request, pk)
    user: Any = request.user
    action = request.POST.get("action", "")
    label = services.ACTION_LABELS.get(action, "")
    try:
        if action == "assign":
            form: AssignForm | ActionForm | FeedbackForm = AssignForm(request.POST)
            if not form.is_valid():
                raise services.CaseError(_first_error(form))
            data = form.cleaned_data
            services.assign(
                user,
                case,
                data["lead_org"],
                data["co_orgs"],
                note=data["note"],
                expected_version=data["version"],
            )
        elif action == "feedback":
            form = FeedbackForm(request.POST)
            if not form.is_valid():
                raise services.CaseError(_first_error(form))
            data = form.cleaned_data
            services.give_feedback(
                user, case, data["verdict"], data["note"], expected_version=data["version"]
            )
        elif action == "verify_close":
            form = ActionForm(request.POST)
            if not form.is_valid():
                raise services.CaseError(_first_error(form))
            services.verify_and_close(
                user, case, form.cleaned_data["note"], expected_version=form.cleaned_data["version"]
            )
        elif action in NOTE_LABELS:
            form = ActionForm(request.POST)
            if not form.is_valid():
                raise services.CaseError(_first_error(form))
            files = [
                (f.name or "", f.read(uploads.max_bytes() + 1), f.size)
                for f in request.FILES.getlist("files")
            ]
            services.advance(
                user,
                case,
                action,
                form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
                files=files if action == "reply" else (),
            )
        else:
            raise services.CaseError("未知操作，请刷新页面后重试")
    except services.CaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已提交评价。" if action == "feedback" else f"已{label}。")
    return redirect("cases:detail", pk=case.pk)


@roles_required(*LEDGER_ROLES)
def case_attachment(request: HttpRequest, pk: int) -> Any:
    """An attachment, for users who may see its case; never through a public media URL."""
    visible = Case.objects.visible_to(request.user).values("pk")
    attachment = get_object_or_404(
        CaseAttachment.objects.filter(case__in=visible).select_related("case"), pk=pk
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("附件不存在") from exc
    record_download(request.user, f"问题附件：{attachment.case.title}"[:255], attachment.name, attachment)
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=attachment.content_type not in INLINE_TYPES,
        filename=attachment.name,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _first_error(form: ActionForm | AssignForm | FeedbackForm) -> str:
    for name, errors in form.errors.items():
        if name == "version":
            return "页面已过期，请刷新页面后再操作"
        return str(errors[0])
    return "提交的内容有误，请检查后重试"

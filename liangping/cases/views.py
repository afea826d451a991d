"""问题闭环 pages: the list, registering a problem on a project, a case with its steps and actions."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from liangping.cases import services
from liangping.cases.forms import ActionForm, AssignForm, CaseFilterForm, RegisterForm
from liangping.cases.models import Case, CaseStatus
from liangping.cases.queries import STATUS_TONES, filter_cases, subjects_of
from liangping.core.access import roles_required
from liangping.core.config import get_setting
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
    "return": ("退回原因", "请写明退回原因（必填）", True),
}


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
    actions = [
        {
            "name": a,
            "label": services.ACTION_LABELS[a],
            "note": NOTE_LABELS[a],
            "danger": a == "return",
        }
        for a in allowed
        if a != "assign"
    ]
    assign = None
    if "assign" in allowed:
        calendar = WorkCalendar.load()
        days = int(get_setting("case_reply_workdays"))
        assign = {
            "form": AssignForm(initial={"version": case.version}),
            "days": days,
            "deadline": calendar.add_workdays(timezone.localdate(), days),
            "warning": calendar.warning(),
        }
    status_labels = dict(CaseStatus.choices)
    steps = [
        {
            "step": s,
            "label": services.ACTION_LABELS.get(s.action, s.action),
            "status": status_labels.get(s.to_status, s.to_status),
        }
        for s in case.steps.select_related("actor__org")
    ]
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "subject": subjects_of([case], user).get(case.pk),
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
            form: AssignForm | ActionForm = AssignForm(request.POST)
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
        elif action in NOTE_LABELS:
            form = ActionForm(request.POST)
            if not form.is_valid():
                raise services.CaseError(_first_error(form))
            services.advance(
                user, case, action, form.cleaned_data["note"], expected_version=form.cleaned_data["version"]
            )
        else:
            raise services.CaseError("未知操作，请刷新页面后重试")
    except services.CaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已{label}。")
    return redirect("cases:detail", pk=case.pk)


def _first_error(form: ActionForm | AssignForm) -> str:
    for name, errors in form.errors.items():
        if name == "version":
            return "页面已过期，请刷新页面后再操作"
        return str(errors[0])
    return "提交的内容有误，请检查后重试"

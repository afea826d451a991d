"""问题闭环 pages: the list, registering a problem on a project, a case with its steps and actions."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from liangping.cases import clock, engine, services
from liangping.cases.fields import display_value, referenced_names
from liangping.cases.forms import ActForm, CaseFilterForm, KindRegisterForm, RegisterForm
from liangping.cases.models import Case, CaseAttachment, KindCode
from liangping.cases.queries import SUBJECT_LABELS, filter_cases, source_of, subjects_of
from liangping.cases.scope import may_register
from liangping.core import uploads
from liangping.core.access import roles_required
from liangping.core.audit import record_download
from liangping.core.ids import parse_id
from liangping.core.models import ADMIN_ROLES, Role
from liangping.core.privacy import may_see_full_phone
from liangping.core.scope import read_only
from liangping.kinds.spec import KindSpec

LEDGER_ROLES = tuple(r for r in Role.values if r not in ADMIN_ROLES)
PAGE_SIZE = 50
INLINE_TYPES = {uploads.PDF.content_type, uploads.JPEG.content_type, uploads.PNG.content_type}


def _projects() -> Any:
    try:
        return apps.get_model("projects", "Project")._default_manager
    except LookupError as exc:  # pragma: no cover - the projects app is installed
        raise Http404("页面不存在") from exc


def _kind_param(request: HttpRequest, specs: dict[str, KindSpec]) -> KindSpec | None:
    code = request.GET.get("kind", "")
    if not code:
        return None
    if code not in specs:
        raise Http404("没有该事项类型")
    return specs[code]


@roles_required(*LEDGER_ROLES)
def case_list(request: HttpRequest) -> HttpResponse:
    """Every kind's cases within scope; with ?kind= the kind's own filters and its fields as columns."""
    user: Any = request.user
    qs = Case.objects.visible_to(user)
    specs = qs._specs()
    spec = _kind_param(request, specs)
    form = CaseFilterForm(request.GET or None, spec=spec, kinds=specs)
    qs = qs.select_related("lead_org", "category")
    if form.is_valid():
        qs = filter_cases(qs, form.cleaned_data)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    cases = list(page.object_list)
    subjects = subjects_of(cases, user)
    today = timezone.localdate()
    columns = list(spec.fields) if spec is not None else []
    names = referenced_names(spec, [c.data for c in cases]) if spec is not None else {}
    full = may_see_full_phone(user)
    rows = [
        {
            "case": c,
            "subject": subjects.get(c.pk),
            "tone": _tone(c),
            "overdue": c.is_overdue(today),
            "response_overdue": c.response_overdue(),
            "urgency": spec.urgency_label(c.urgency) if spec is not None else c.urgency,
            "fields": [
                display_value(f, c.data.get(f.code), full=full and f.type == "phone", names=names)
                for f in columns
            ],
        }
        for c in cases
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "spec": spec,
            "kinds": [(code, s.name) for code, s in specs.items()],
            "columns": columns,
            "subject_label": SUBJECT_LABELS.get(spec.subject, "项目") if spec is not None else "项目",
        },
    )


@roles_required(*LEDGER_ROLES)
def case_new(request: HttpRequest) -> HttpResponse:
    if request.GET.get("kind") and request.GET.get("kind") != KindCode.PROJECT_PROBLEM:
        return _case_new_of_kind(request)
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


def _case_new_of_kind(request: HttpRequest) -> HttpResponse:
    """The registration form a kind's configuration generates (kinds not filed under an item)."""
    user: Any = request.user
    try:
        spec = engine.kind_row(request.GET["kind"]).load()
    except services.CaseError as exc:
        raise Http404("没有该事项类型") from exc
    if spec.subject or not may_register(user, spec):
        raise Http404("页面不存在")
    form = KindRegisterForm(request.POST or None, spec=spec)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = engine.register(
                spec.code,
                actor=user,
                title=data["title"],
                description=data["description"],
                category=data.get("category") or None,
                urgency=data.get("urgency") or "",
                channel=data.get("channel") or "staff",
                data=form.kind_data(),
                place_org=data.get("place_org"),
                attachments=[
                    (f.name or "", f.read(uploads.max_bytes() + 1), f.size)
                    for f in request.FILES.getlist("files")
                ],
            )
        except services.CaseFieldError as exc:
            form.add_error(form.field_name(exc.field), str(exc))
        except services.CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已登记{spec.noun}“{case.title}”，受理编号 {case.receipt_no}")
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/new_kind.html", {"form": form, "spec": spec})


def _visible_case(request: HttpRequest, pk: int) -> Case:
    qs = Case.objects.visible_to(request.user).select_related(
        "lead_org", "registered_by", "category", "place_org", "kind_version"
    )
    return get_object_or_404(qs, pk=pk)


def _action_rows(case: Case, user: Any, allowed: list[str]) -> list[dict[str, Any]]:
    """One form per allowed action, asking for what its transition needs. The parts of a composite
    action the user may take at once (核实 and 销号 in 核实并销号) are not offered on their own."""
    spec = case.spec
    hidden = {part for t in map(spec.transition, allowed) if t is not None for part in t.combines}
    rows = []
    for name in allowed:
        t = spec.transition(name)
        if t is None or name in hidden:
            continue
        form = ActForm(
            initial={"version": case.version},
            spec=spec,
            transition=t,
            lead=case.lead_org,
            auto_id=f"{name}-%s",
        )
        shape = "units" if "lead_org" in form.fields else "judge" if t.judgement else "note"
        row: dict[str, Any] = {
            "name": name,
            "label": t.label,
            "verb": t.verb_text,
            "shape": shape,
            "form": form,
            "note": (t.reason_label, t.reason_hint, t.reason),
            "danger": t.danger,
            "files": t.attachments != "none",
            "files_required": t.attachments == "required",
            "days": "days" in form.fields,
            "step_fields": form.step_fields(),
            "judge": form[t.judgement] if t.judgement else None,
        }
        if "start_clock" in t.effects:
            row["preview"] = clock.deadline_preview(case)
        rows.append(row)
    return rows


@roles_required(*LEDGER_ROLES)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _visible_case(request, pk)
    user: Any = request.user
    spec = case.spec
    allowed = [] if read_only(user) else services.allowed_actions(user, case)  # the province reads
    actions = _action_rows(case, user, allowed)
    steps = [
        {
            "step": s,
            "action": s.action,
            "label": spec.action_label(s.action),
            "status": spec.state_label(s.to_status),
        }
        for s in case.steps.select_related("actor__org", "lead_org").prefetch_related("attachments")
    ]
    countdown = services.countdown(case, clock.case_calendar(case), timezone.localdate())
    judged = {t.action for t in spec.transitions if t.judgement}
    fields = shown_fields(case, user)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "spec": spec,
            "subject": subjects_of([case], user).get(case.pk),
            "source": source_of(case, user),
            "countdown": {"text": countdown[0], "tone": countdown[1]},
            "escalations": [row for row in steps if row["action"] == "escalate"],
            "feedbacks": [row for row in steps if row["action"] in judged],
            "max_mb": uploads.max_bytes() // (1024 * 1024),
            "allowed_files": uploads.ALLOWED_TEXT,
            "max_files": services.MAX_ATTACHMENTS,
            "co_orgs": list(case.co_orgs.all()),
            "steps": steps,
            "actions": actions,
            "fields": fields,
            "overdue": case.is_overdue(),
            "response_overdue": case.response_overdue(),
            "tone": _tone(case),
            "urgency_label": spec.urgency_label(case.urgency),
            "channel_label": spec.channel_label(case.channel),
        },
    )


def _tone(case: Case) -> str:
    state = case.spec.state(case.status)
    return state.tone if state is not None else "grey"


def shown_fields(case: Case, user: Any) -> list[tuple[str, str]]:
    """(label, value) of the kind's fields, phones and ID numbers masked unless the user may see them."""
    spec = case.spec
    full = may_see_full_phone(user, own_users=[case.registered_by_id, case.requester_id])
    names = referenced_names(spec, [case.data])
    return [
        (f.label, display_value(f, case.data.get(f.code), full=full and f.type == "phone", names=names))
        for f in spec.fields
        if case.data.get(f.code) not in (None, "")
    ]


@roles_required(*LEDGER_ROLES)
@require_POST
def case_act(request: HttpRequest, pk: int) -> HttpResponse:
    case = _visible_case(request, pk)
    user: Any = request.user
    action = request.POST.get("action", "")
    spec = case.spec
    t = spec.transition(action)
    try:
        if t is None:
            raise services.CaseError("未知操作，请刷新页面后重试")
        form = ActForm(request.POST, spec=spec, transition=t, lead=case.lead_org)
        if not form.is_valid():
            raise services.CaseError(_first_error(form))
        data = form.cleaned_data
        files = [
            (f.name or "", f.read(uploads.max_bytes() + 1), f.size) for f in request.FILES.getlist("files")
        ]
        engine.act(
            case,
            action,
            actor=user,
            note=data["note"],
            expected_version=data["version"],
            lead_org=data.get("lead_org"),
            co_orgs=list(data.get("co_orgs") or ()),
            rating=data.get(t.judgement) or "" if t.judgement else "",
            days=data.get("days"),
            attachments=files if t.attachments != "none" else (),
            data=form.kind_data(),
            date=data.get("date"),
        )
    except services.CaseError as exc:
        messages.error(request, str(exc))
    else:
        assert t is not None
        done = f"已提交{t.verb_text}。" if t.judgement else f"已{t.label}。"
        if not Case.objects.visible_to(user).filter(pk=case.pk).exists():
            # 退单 and the like hand the case away: its page is no longer the user's to see.
            messages.success(request, f"{done}「{case.title}」已不在您的办理范围内。")
            listing = reverse("cases:list")
            return redirect(listing if spec.subject else f"{listing}?kind={case.kind}")
        messages.success(request, done)
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


def _first_error(form: ActForm) -> str:
    for name, errors in form.errors.items():
        if name == "version":
            return "页面已过期，请刷新页面后再操作"
        return str(errors[0])
    return "提交的内容有误，请检查后重试"

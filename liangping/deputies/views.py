"""代表委员 pages: my projects (public figures only), visits recorded on a phone, raising a finding as
a problem, proposals and suggestions with the departments' 按时答复率, the office's attachments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from liangping.core.access import roles_required
from liangping.core.models import ADMIN_ROLES, Role, User
from liangping.core.scope import city_scope
from liangping.deputies import queries, services
from liangping.deputies.models import DeputyProject, SiteVisit, SiteVisitPhoto
from liangping.projects.models import Project

REPS = (Role.DEPUTY, Role.MEMBER)
LEDGER_ROLES = tuple(r for r in Role if r not in ADMIN_ROLES)
VISIT_VIEWERS = (Role.SUPERVISOR, Role.LEADER, Role.DEPARTMENT, Role.DISTRICT, Role.SPECIALIST, *REPS)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _projects_for(user: User) -> Any:
    """The projects whose public page this user may open here: a deputy's or member's attached ones;
    the supervisor's city's."""
    if user.role in REPS:
        return Project.objects.filter(deputy_links__user=user)
    return Project.objects.visible_to(user)


@roles_required(Role.SUPERVISOR, *REPS)
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role in REPS:
        visits = list(SiteVisit.objects.visible_to(user).select_related("project")[:50])
        proposals = list(queries.proposals_for(user)[:50])
        context = {
            "rows": queries.public_rows(_projects_for(user).order_by("code")),
            "visits": visits,
            "proposals": proposals,
            "links": queries.linked_projects([c.pk for c in proposals]),
        }
        return render(request, "deputies/home.html", context)
    tenant = city_scope(user)
    people = User.objects.filter(role__in=list(REPS), is_active=True).select_related("org")
    if tenant is not None:
        people = people.filter(org__tenant_id=tenant)
    links = DeputyProject.objects.filter(user__in=people).select_related("project")
    attached: dict[int, list[Project]] = {}
    for link in links:
        attached.setdefault(link.user_id, []).append(link.project)
    context = {
        "people": [{"user": p, "projects": attached.get(p.pk, [])} for p in people.order_by("role", "id")],
        "visits": list(SiteVisit.objects.visible_to(user).select_related("project", "visitor")[:50]),
    }
    return render(request, "deputies/office.html", context)


@require_POST
@roles_required(Role.SUPERVISOR)
def attach(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    tenant = city_scope(user)
    people = User.objects.filter(role__in=list(REPS))
    if tenant is not None:
        people = people.filter(org__tenant_id=tenant)
    deputy = people.filter(pk=request.POST.get("user") or 0).first()
    project = Project.objects.visible_to(user).filter(code=request.POST.get("project", "").strip()).first()
    if deputy is None:
        messages.error(request, "请选择人大代表或政协委员")
    elif project is None:
        messages.error(request, f"项目编号“{request.POST.get('project', '').strip()}”不存在")
    else:
        services.attach(user, deputy, project)
        messages.success(request, f"已安排{deputy.name}联系{project.name}")
    return redirect("deputies:home")


@roles_required(Role.SUPERVISOR, *REPS)
def project(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = get_object_or_404(_projects_for(user), pk=pk)
    rows = queries.public_rows(Project.objects.filter(pk=found.pk))
    visits = list(SiteVisit.objects.visible_to(user).filter(project=found).select_related("visitor"))
    context = {
        "project": found,
        "row": rows[0],
        "visits": visits,
        "can_visit": user.role in REPS,
    }
    return render(request, "deputies/project.html", context)


@roles_required(*REPS)
def visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = get_object_or_404(_projects_for(user), pk=pk)
    error = None
    form = {"date": queries.today().isoformat(), "findings": "", "raise_problem": ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            day = dt.date.fromisoformat(form["date"])
        except ValueError:
            error = services.DeputyError("请填写视察日期（年-月-日）", "date")
        else:
            photos: list[Any] = [(f.name or "照片", f) for f in request.FILES.getlist("photos")]
            try:
                visit = services.record_visit(
                    user, found, day, form["findings"], photos, raise_problem=form["raise_problem"] == "1"
                )
            except services.DeputyError as exc:
                error = exc
            else:
                messages.success(request, "视察情况已登记" + ("，并已提为问题" if visit.case_id else ""))
                return redirect("deputies:visit", visit.pk)
    return render(
        request,
        "deputies/visit_new.html",
        {"project": found, "form": form, "error": error},
        status=400 if error else 200,
    )


@roles_required(*VISIT_VIEWERS)
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = get_object_or_404(
        SiteVisit.objects.visible_to(user).select_related("project", "visitor", "case"), pk=pk
    )
    context = {
        "visit": found,
        "photos": list(found.photos.all()),
        "can_raise": found.case_id is None and (user.role == Role.SUPERVISOR or user.pk == found.visitor_id),
        "project_url_name": "deputies:project"
        if user.role in (*REPS, Role.SUPERVISOR)
        else "projects:detail",
    }
    return render(request, "deputies/visit.html", context)


@require_POST
@roles_required(Role.SUPERVISOR, *REPS)
def raise_problem(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = get_object_or_404(SiteVisit.objects.visible_to(user), pk=pk)
    try:
        case = services.raise_as_problem(user, found, request.POST.get("title", "").strip())
    except services.DeputyError as exc:
        messages.error(request, str(exc))
        return redirect("deputies:visit", found.pk)
    messages.success(request, "已提为项目问题，转入问题闭环")
    return redirect("cases:detail", case.pk)


@roles_required(*VISIT_VIEWERS)
def photo(request: HttpRequest, pk: int) -> Any:
    user = _user(request)
    found = get_object_or_404(
        SiteVisitPhoto.objects.filter(visit__in=SiteVisit.objects.visible_to(user).values("pk")), pk=pk
    )
    try:
        handle = found.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404("照片不存在") from exc
    response = FileResponse(handle, content_type=found.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@roles_required(Role.SUPERVISOR, Role.LEADER, Role.DEPARTMENT, Role.DISTRICT, *REPS)
def proposals(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    cases = queries.proposals_for(user)
    rows = list(cases[:200])
    context = {
        "cases": rows,
        "links": queries.linked_projects([c.pk for c in rows]),
        "rates": queries.department_rates(cases),
        "can_new": user.role in (Role.SUPERVISOR, *REPS),
    }
    return render(request, "deputies/proposals.html", context)


@roles_required(Role.SUPERVISOR, *REPS)
def proposal_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    tenant = city_scope(user)
    units = list(queries.lead_units(tenant))
    people = User.objects.filter(role__in=list(REPS), is_active=True)
    if tenant is not None:
        people = people.filter(org__tenant_id=tenant)
    error = None
    form: dict[str, Any] = {}
    if request.method == "POST":
        form = {
            k: request.POST.get(k, "")
            for k in (
                "proposal_type",
                "title",
                "description",
                "projects",
                "proposer",
                "session_no",
                "lead_org",
            )
        }
        by_id = {o.pk: o for o in units}
        lead = by_id.get(int(form["lead_org"])) if form["lead_org"].isdigit() else None
        co = [by_id[int(v)] for v in request.POST.getlist("co_orgs") if v.isdigit() and int(v) in by_id]
        proposer = people.filter(pk=form["proposer"]).first() if form["proposer"].isdigit() else None
        try:
            case = services.register_proposal(
                user,
                proposal_type=form["proposal_type"],
                title=form["title"],
                description=form["description"],
                projects=form["projects"],
                proposer=proposer,
                session_no=form["session_no"],
                lead_org=lead,
                co_orgs=co,
            )
        except services.DeputyError as exc:
            error = exc
        else:
            messages.success(request, f"{services.TYPES[form['proposal_type']]}已登记")
            return redirect("cases:detail", case.pk)
    context = {
        "form": form,
        "error": error,
        "units": units,
        "people": list(people.order_by("role", "id")),
        "types": services.TYPES,
        "office": user.role == Role.SUPERVISOR,
    }
    return render(request, "deputies/proposal_new.html", context, status=400 if error else 200)

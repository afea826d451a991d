"""现场走访 pages: the visit list, recording a visit with photos, one visit, its photos, the weekly
statistics. Project units do not see visits (their menu has none); photos are only served here,
through the visit's scope, never from a public media URL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from liangping.cases.models import Case
from liangping.core.access import roles_required
from liangping.core.models import Role, User
from liangping.projects import queries, queries_visits, services
from liangping.projects.forms import VisitForm
from liangping.projects.models import Project, Visit, VisitPhoto
from liangping.projects.views import actor, paginate, params, query_without, visit_page


@visit_page
def visit_list(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    values = params(request)
    page, numbers = paginate(queries_visits.visits_queryset(user, values), request)
    mine: list[Project] = []
    if user.role == Role.SPECIALIST:
        mine = list(Project.objects.filter(specialist=user).order_by("code")[:20])
    specialists = []
    if user.role == Role.SUPERVISOR:
        specialists = list(User.objects.filter(role=Role.SPECIALIST).order_by("display_name", "username"))
    context = {
        "page": page,
        "page_numbers": numbers,
        "query": query_without(values, "page"),
        "q": values.get("q", ""),
        "specialist": values.get("specialist", ""),
        "specialists": specialists,
        "mine": mine,
    }
    return render(request, "projects/visits.html", context)


@visit_page
def visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    project = get_object_or_404(Project.objects.visible_to(user), pk=pk)
    if not queries.may_record_visit(user, project):
        raise Http404("页面不存在")
    max_mb = settings.LIANGPING_MAX_PHOTO_MB
    if request.method == "POST":
        form = VisitForm(request.POST, request.FILES, max_mb=max_mb)
        if form.is_valid():
            data = form.cleaned_data
            photos = [(f.name or "photo", f) for f in data["photos"]]
            try:
                visit = services.record_visit(
                    user,
                    project,
                    data["date"],
                    data["findings"],
                    photos,
                    max_photo_mb=max_mb,
                    raise_problem=bool(data["raise_problem"]),
                )
            except services.LedgerError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                n = len(photos)
                messages.success(request, f"已登记走访{f'，附照片 {n} 张' if n else ''}")
                return redirect("projects:visit_detail", pk=visit.pk)
    else:
        form = VisitForm(max_mb=max_mb)
    return render(request, "projects/visit_form.html", {"project": project, "form": form})


@visit_page
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    qs = Visit.objects.visible_to(user).select_related("project", "specialist")
    visit = get_object_or_404(qs, pk=pk)
    photos = list(visit.photos.all())
    # The problem this visit raised (问题闭环), when the user may open it.
    problem = Case.objects.visible_to(user).filter(source_ref=f"visit:{visit.pk}").first()
    return render(
        request, "projects/visit_detail.html", {"visit": visit, "photos": photos, "problem": problem}
    )


@visit_page
def visit_photo(request: HttpRequest, pk: int) -> Any:
    user = actor(request)
    visible = Visit.objects.visible_to(user).values("pk")
    photo = get_object_or_404(VisitPhoto.objects.filter(visit__in=visible), pk=pk)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404("照片不存在") from exc
    response = FileResponse(handle, content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@roles_required(Role.SUPERVISOR, Role.SPECIALIST)
def visit_stats(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    try:
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = queries_visits.stats_end(user)
    stats = queries_visits.visit_stats(user, end)
    return render(request, "projects/visit_stats.html", stats)

"""The services pages: overview, matter catalogue, service points (matter lists, rosters, 1+1+1+N) and
handled cases. Every list is scoped to the user's city and, for district accounts, their own subtree."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from liangping.core.access import roles_required
from liangping.core.scope import city_scope
from liangping.services import handled as handled_svc
from liangping.services import points as points_svc
from liangping.services.catalogue import count_as_of, listed_q, parse_date
from liangping.services.figures import overview
from liangping.services.forms import HandledForm, PointMattersForm, StaffForm
from liangping.services.models import (
    HandledCase,
    Level,
    Matter,
    MatterType,
    PointKind,
    PointMatter,
    PointStaff,
    Post,
    ServicePoint,
)
from liangping.services.permissions import SERVICE_ROLES, edits_catalogue, records

PAGE_SIZE = 50


def _page(qs: Any, request: HttpRequest) -> tuple[Any, list[Any]]:
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return page, list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@roles_required(*SERVICE_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    return render(
        request, "services/index.html", {"o": overview(city_scope(user), timezone.localdate(), user)}
    )


@roles_required(*SERVICE_ROLES)
def matters(request: HttpRequest) -> HttpResponse:
    """The catalogue as of a day (?as_of=2026-06-30; default today), searchable by code or name,
    filtered by type and level. Four queries whatever the page."""
    user: Any = request.user
    tenant = city_scope(user)
    today = timezone.localdate()
    raw = request.GET.get("as_of", "")
    as_of = parse_date(raw) if raw else today
    error = "" if as_of is not None else f"日期“{raw}”无法识别，请写成 2026-06-30"
    as_of = as_of or today
    qs = Matter.objects.in_city(user).filter(listed_q(as_of)).select_related("department")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    mtype = request.GET.get("type", "")
    if mtype in MatterType.values:
        qs = qs.filter(type=mtype)
    level = request.GET.get("level", "")
    if level in Level.values:
        qs = qs.filter(levels__contains=level)
    page, numbers = _page(qs.order_by("code"), request)
    return render(
        request,
        "services/matters.html",
        {
            "page": page,
            "numbers": numbers,
            "total": count_as_of(as_of, tenant),
            "shown": page.paginator.count,
            "as_of": as_of,
            "today": today,
            "error": error,
            "q": q,
            "type": mtype,
            "level": level,
            "types": MatterType.choices,
            "levels": Level.choices,
            "editing": edits_catalogue(user),
        },
        status=400 if error else 200,
    )


@roles_required(*SERVICE_ROLES)
def points(request: HttpRequest) -> HttpResponse:
    """Every point the user sees with its level, matter count and 帮办代办主管. Three queries."""
    user: Any = request.user
    qs = (
        ServicePoint.objects.visible_to(user)
        .select_related("org")
        .annotate(matter_count=Count("listed", distinct=True))
    )
    kind = request.GET.get("kind", "")
    if kind in PointKind.values:
        qs = qs.filter(kind=kind)
    level = request.GET.get("level", "")
    if level in Level.values:
        qs = qs.filter(level=level)
    page, numbers = _page(qs.order_by("level", "org__path", "id"), request)
    leads = points_svc.lead_of([p.org_id for p in page.object_list])
    rows = [{"point": p, "lead": leads.get(p.org_id, "") if p.kind == PointKind.HALL else ""} for p in page]
    return render(
        request,
        "services/points.html",
        {
            "page": page,
            "numbers": numbers,
            "rows": rows,
            "kinds": PointKind.choices,
            "levels": Level.choices,
            "kind": kind,
            "level": level,
        },
    )


def _point(request: HttpRequest, pk: int) -> ServicePoint:
    user: Any = request.user
    return get_object_or_404(ServicePoint.objects.visible_to(user).select_related("org", "guide"), pk=pk)


@roles_required(*SERVICE_ROLES)
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    point = _point(request, pk)
    listed = list(PointMatter.objects.filter(point=point).select_related("matter__department"))
    categories: dict[str, list[PointMatter]] = {}
    for pm in listed:
        categories.setdefault(pm.category or "", []).append(pm)
    staff = list(point.staff.select_related("department"))
    handled = HandledCase.objects.filter(point=point).aggregate(
        n=Count("id"), in_time=Count("id", filter=Q(on_time=True))
    )
    editing = edits_catalogue(user)
    return render(
        request,
        "services/point.html",
        {
            "point": point,
            "categories": sorted(categories.items()),
            "named_categories": sum(1 for c in categories if c),
            "matter_count": len(listed),
            "staff": staff,
            "leads": sum(1 for s in staff if s.post == "lead"),
            "handled": handled,
            "editing": editing,
            "matters_form": PointMattersForm(
                initial={"codes": "\n".join(f"{pm.matter.code} {pm.category}".strip() for pm in listed)}
            )
            if editing
            else None,
            "staff_form": StaffForm(tenant=city_scope(user)) if editing else None,
        },
    )


@roles_required(*SERVICE_ROLES)
@require_POST
def point_matters(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    point = _point(request, pk)
    if not edits_catalogue(user):
        raise Http404("页面不存在")
    form = PointMattersForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(next(iter(form.errors.values()))[0]))
        return redirect("services:point", pk=point.pk)
    items = []
    for line in form.cleaned_data["codes"].splitlines():
        parts = line.split(maxsplit=1)
        if parts:
            items.append(points_svc.Listed(parts[0], parts[1] if len(parts) > 1 else ""))
    try:
        n = points_svc.set_matters(user, point, items)
    except points_svc.PointError as exc:
        messages.error(request, f"事项清单：{exc}，未作任何修改")
    else:
        messages.success(request, f"已保存事项清单，共 {n} 项")
    return redirect("services:point", pk=point.pk)


@roles_required(*SERVICE_ROLES)
@require_POST
def point_staff(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    point = _point(request, pk)
    if not edits_catalogue(user):
        raise Http404("页面不存在")
    form = StaffForm(request.POST, tenant=city_scope(user))
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{errors[0]}" if label else str(errors[0]))
        return redirect("services:point", pk=point.pk)
    data = form.cleaned_data
    try:
        points_svc.add_staff(
            user,
            point,
            name=data["name"],
            post=data["post"],
            department=data["department"],
            phone=data["phone"],
        )
    except points_svc.PointError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已添加{data['name']}")
    return redirect("services:point", pk=point.pk)


@roles_required(*SERVICE_ROLES)
def rule(request: HttpRequest) -> HttpResponse:
    """1+1+1+N: every district, town and village hall with its number of 帮办代办主管; a hall without
    exactly one is flagged first. Two queries."""
    user: Any = request.user
    visible = ServicePoint.objects.visible_to(user)
    rows = points_svc.rule_rows(visible)
    flagged = [r for r in rows if not r.ok]
    chiefs = PointStaff.objects.filter(point__in=visible, post=Post.CHIEF).count()  # N: at any point
    return render(
        request,
        "services/rule.html",
        {"rows": rows, "flagged": flagged, "ok": len(rows) - len(flagged), "chiefs": chiefs},
    )


@roles_required(*SERVICE_ROLES)
def handled(request: HttpRequest) -> HttpResponse:
    """The handled cases the user sees, newest first (three queries whatever the page), and for the
    halls' accounts the form to record one."""
    user: Any = request.user
    visible_points = ServicePoint.objects.visible_to(user).order_by("level", "name")
    form = HandledForm(request.POST or None, points=visible_points) if records(user) else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404("页面不存在")
        if form.is_valid():
            saved = _record(request, form)
            if saved:
                return redirect("services:handled")
        status = 400
    qs = HandledCase.objects.visible_to(user).select_related("point", "matter")
    point_id = request.GET.get("point", "")
    if point_id.isdigit():
        qs = qs.filter(point_id=int(point_id))
    page, numbers = _page(qs, request)
    return render(
        request,
        "services/handled.html",
        {"page": page, "numbers": numbers, "form": form, "point_id": point_id},
        status=status,
    )


def _record(request: HttpRequest, form: HandledForm) -> bool:
    user: Any = request.user
    data = form.cleaned_data
    matter = Matter.objects.in_city(user).filter(code=data["matter"].strip()).first()
    if matter is None:
        form.add_error("matter", f"事项编码“{data['matter'].strip()}”不在事项目录中")
        return False
    item = handled_svc.HandledInput(
        data["ref"], data["point"], matter, data["applicant"], data["received_at"], data["finished_at"],
        data["outcome"],
    )  # fmt: skip
    try:
        with transaction.atomic():
            handled_svc.record_handled(user, item)
    except handled_svc.HandledError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        return False
    messages.success(request, f"已登记办件 {item.ref}")
    return True

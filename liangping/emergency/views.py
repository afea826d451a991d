"""Flood-season pages: the duty console, warnings (form and CAP 1.2), points, the roster, supplies and
teams, the figures, and the acknowledgement pages (one's own notices, and the one-time link that needs
no account). Everything but the link is internal: signed in, role-checked, scoped; outside scope 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from liangping.core.access import roles_required
from liangping.core.models import ADMIN_ROLES, Org, OrgKind, Role, User
from liangping.emergency import cap, queries, scope, services
from liangping.emergency.config import all_ack_minutes
from liangping.emergency.forms import (
    AckForm,
    CapForm,
    CloseForm,
    DutyNoteForm,
    PhoneForm,
    PointForm,
    ShiftForm,
    SupplyForm,
    TeamForm,
    WarningForm,
)
from liangping.emergency.models import (
    AckVia,
    CallLog,
    ChainRole,
    Contact,
    Warning,
    WarningStatus,
)
from liangping.emergency.services import ChainEntry, WarningError

view_page = roles_required(*scope.VIEW_ROLES)
duty_page = roles_required(*scope.DUTY_ROLES)
# anyone on a chain may have an account of a ledger role; the three administrators are on none (三权分立)
own_page = roles_required(*[r for r in Role if r not in ADMIN_ROLES])
PAGE_SIZE = 50


def actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def put_error(form: Any, exc: WarningError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


# --- overview and figures ---------------------------------------------------------------------------


@view_page
def index(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    years = queries.seasons(user)
    year = (
        int(request.GET["season"])
        if request.GET.get("season", "").isdigit()
        else (years[0] if years else timezone.localdate().year)
    )
    season = queries.figures(queries.season_calls(user, year))
    recent = list(queries.with_counts(scope.warnings_for(user)).order_by("-issued_at", "-pk")[:10])
    context = {
        "summary": queries.live_summary(user),
        "season": season,
        "season_total": [season.total],
        "year": year,
        "years": years,
        "recent": recent,
        "limits": all_ack_minutes(),
        "may_run": scope.may_run(user),
    }
    return render(request, "emergency/index.html", context)


# --- the duty console -------------------------------------------------------------------------------


@view_page
@never_cache
def duty(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    data = queries.console(user, timezone.now())
    return render(
        request,
        "emergency/duty.html",
        {"c": data, "may_run": scope.may_run(user), "note_form": DutyNoteForm()},
    )


@duty_page
@require_POST
def duty_note(request: HttpRequest) -> HttpResponse:
    form = DutyNoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_duty_note(actor(request), form.cleaned_data["text"])
            messages.success(request, "已记入值班日志")
        except WarningError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "请填写日志内容")
    return redirect("emergency:duty")


@view_page
def roster(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    form = ShiftForm(request.POST or None, orgs=_roster_orgs(user))
    if request.method == "POST":
        if not scope.may_run(user):
            raise Http404("页面不存在")
        if form.is_valid():
            try:
                services.save_shift(user, **form.cleaned_data)
                messages.success(request, "值班安排已保存")
                return redirect("emergency:roster")
            except WarningError as exc:
                put_error(form, exc)
    today = timezone.localdate()
    shifts = list(
        scope.shifts_for(user)
        .filter(date__gte=today - dt.timedelta(days=7), date__lte=today + dt.timedelta(days=30))
        .select_related("org")
        .order_by("date", "org__sort", "shift")
    )
    log = list(queries.duty_log(user).select_related("warning")[:100])
    return render(
        request,
        "emergency/roster.html",
        {"form": form, "shifts": shifts, "log": log, "today": today, "may_run": scope.may_run(user)},
    )


def _roster_orgs(user: User) -> Any:
    if scope.sees_all(user):
        levels = Org.objects.filter(kind__in=[OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWN])
        city = scope.city_of(user)
        return levels if city is None else levels.filter(tenant_id=city)
    if user.org is None:
        return Org.objects.none()
    return Org.objects.filter(path__startswith=user.org.path, kind__in=[OrgKind.DISTRICT, OrgKind.TOWN])


# --- warnings ---------------------------------------------------------------------------------------


@view_page
def warning_list(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    qs = queries.with_counts(scope.warnings_for(user)).order_by("-issued_at", "-pk")
    kind = request.GET.get("kind", "")
    if kind == "drill":
        qs = qs.filter(is_drill=True)
    elif kind == "warning":
        qs = qs.filter(is_drill=False)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "emergency/warnings.html",
        {"page": page, "kind": kind, "may_run": scope.may_run(user), "query": f"kind={kind}" if kind else ""},
    )


def _town_choices(user: User) -> tuple[list[str], list[tuple[int, str]]]:
    points = list(
        scope.points_for(user)
        .filter(active=True)
        .values_list("pk", "name", "town_name")
        .order_by("town_name", "code")
    )
    towns = sorted({t for _pk, _n, t in points})
    return towns, [(pk, f"{t} · {n}") for pk, n, t in points]


@duty_page
def warning_new(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    towns, points = _town_choices(user)
    cap_form = CapForm()
    initial = {"valid_until": timezone.localtime() + dt.timedelta(hours=12)}
    form = WarningForm(towns=towns, points=points, initial=initial)
    if request.method == "POST" and "cap" in request.FILES:
        cap_form = CapForm(request.POST, request.FILES)
        if cap_form.is_valid():
            try:
                alert = cap.parse(cap_form.cleaned_data["cap"].read())
                draft = cap.draft_from(alert, cap.place_names(scope.points_for(user)), timezone.now())
                form = WarningForm(
                    towns=towns,
                    points=points,
                    initial={
                        "level": draft.level,
                        "hazard": draft.hazard,
                        "towns": draft.towns,
                        "text": draft.text,
                        "valid_until": timezone.localtime(draft.valid_until) if draft.valid_until else None,
                        "is_drill": draft.is_drill,
                        "cap_identifier": draft.cap_identifier,
                        "cap_sender": draft.cap_sender,
                        "areas": draft.areas,
                    },
                )
                messages.info(request, f"已读取 CAP 预警“{alert.identifier}”（{alert.sender}），请核对后发布")
            except cap.CapError as exc:
                cap_form.add_error("cap", str(exc))
    elif request.method == "POST":
        form = WarningForm(request.POST, towns=towns, points=points)
        if form.is_valid():
            d = form.cleaned_data
            draft = services.WarningDraft(
                level=d["level"],
                hazard=d["hazard"],
                text=d["text"],
                valid_until=d["valid_until"],
                towns=d["towns"],
                point_ids=[int(p) for p in d["points"]],
                is_drill=d["is_drill"],
                source="cap" if d["cap_identifier"] else "form",
                cap_identifier=d["cap_identifier"],
                cap_sender=d["cap_sender"],
                areas=d["areas"],
            )
            try:
                warning = services.issue_warning(user, draft)
                messages.success(request, f"已发布{warning}，正在叫应 {warning.calls.count()} 个点位")
                return redirect("emergency:warning", warning.pk)
            except WarningError as exc:
                put_error(form, exc)
    return render(
        request,
        "emergency/warning_new.html",
        {"form": form, "cap_form": cap_form, "limits": all_ack_minutes()},
    )


def visible_warning(user: User, pk: int) -> Warning:
    warning = queries.with_counts(scope.warnings_for(user)).filter(pk=pk).select_related("issued_by").first()
    if warning is None:
        raise Http404("页面不存在")
    return warning


@view_page
def warning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    warning = visible_warning(user, pk)
    calls = queries.warning_calls(user, warning)
    rows = queries.report_rows(calls, warning)
    figures = queries.figures(scope.calls_for(user).filter(warning=warning))
    log = list(
        CallLog.objects.filter(warning=warning)
        .filter(Q(call__isnull=True) | Q(call__in=calls))
        .order_by("-at", "-pk")[:200]
    )
    return render(
        request,
        "emergency/warning.html",
        {
            "w": warning,
            "rows": rows,
            "figures": figures,
            "log": log,
            "may_run": scope.may_run(user) and warning.status == WarningStatus.ACTIVE,
            "close_form": CloseForm(initial={"version": warning.version}),
            "open_count": warning.n_points - warning.n_answered,  # type: ignore[attr-defined]
            "now": timezone.now(),
        },
    )


@view_page
def warning_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The report of a drill (or of any warning): per point time to answer, who needed escalation,
    who never answered; the figures per town and per person."""
    user = actor(request)
    warning = visible_warning(user, pk)
    rows = queries.report_rows(queries.warning_calls(user, warning), warning)
    figures = queries.figures(scope.calls_for(user).filter(warning=warning))
    return render(
        request,
        "emergency/report.html",
        {
            "w": warning,
            "rows": sorted(rows, key=lambda r: (r.minutes is None, -(r.minutes or 0))),
            "escalated": [r for r in rows if r.needed_escalation],
            "never": [r for r in rows if r.minutes is None],
            "figures": figures,
        },
    )


@duty_page
@require_POST
def warning_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    warning = visible_warning(user, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请刷新页面后再解除")
        return redirect("emergency:warning", warning.pk)
    try:
        services.close_warning(user, warning, form.cleaned_data["reason"], form.cleaned_data["version"])
        messages.success(request, f"已解除{warning}")
    except WarningError as exc:
        messages.error(request, str(exc))
    return redirect("emergency:warning", warning.pk)


@duty_page
@require_POST
def call_phone(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    call = get_object_or_404(scope.calls_for(user).select_related("warning", "point"), pk=pk)
    form = PhoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择接听人并填写电话记录")
    else:
        try:
            result = services.record_phone_ack(
                user, call, form.cleaned_data["person"], form.cleaned_data["note"]
            )
            messages.success(request, f"已记录 {call.point.name} 由{result.by}电话确认收到")
        except WarningError as exc:
            messages.error(request, str(exc))
    if request.POST.get("next") == "duty":
        return redirect("emergency:duty")
    return redirect("emergency:warning", call.warning_id)


# --- points, supplies, teams ------------------------------------------------------------------------


@view_page
def point_list(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    qs = scope.points_for(user).select_related("district").prefetch_related("links__person")
    town = request.GET.get("town", "").strip()
    if town:
        qs = qs.filter(town_name=town)
    page = Paginator(qs.order_by("district__sort", "town_name", "code"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    towns = scope.points_for(user).values("town_name").annotate(n=Count("pk")).order_by("town_name")
    return render(
        request,
        "emergency/points.html",
        {
            "page": page,
            "towns": towns,
            "town": town,
            "may_run": scope.may_run(user),
            "query": f"town={town}" if town else "",
        },
    )


@view_page
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    point = get_object_or_404(scope.points_for(user).select_related("district", "town"), pk=pk)
    links = list(point.links.select_related("person").order_by("sort", "pk"))
    calls = list(point.calls.select_related("warning", "ack_person").order_by("-warning__issued_at")[:20])
    return render(request, "emergency/point.html", {"p": point, "links": links, "calls": calls})


@duty_page
def point_new(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    form = PointForm(request.POST or None, districts=scope.districts_for(user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        chain = [
            ChainEntry(ChainRole.FIRST, d["first_name"], d["first_phone"]),
            ChainEntry(ChainRole.BACKUP, d["backup_name"], d["backup_phone"]),
            ChainEntry(ChainRole.TOWN, d["town_leader_name"], d["town_leader_phone"]),
            ChainEntry(ChainRole.DISTRICT, d["district_leader_name"], d["district_leader_phone"]),
        ]
        try:
            point = services.save_point(
                user,
                code=d["code"],
                name=d["name"],
                kind=d["kind"],
                district=d["district"],
                town_name=d["town_name"],
                village=d["village"],
                chain=chain,
            )
            messages.success(request, f"已保存点位 {point.name}")
            return redirect("emergency:point", point.pk)
        except WarningError as exc:
            put_error(form, exc)
    return render(request, "emergency/point_new.html", {"form": form})


@view_page
def supplies(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    form = SupplyForm(request.POST or None, districts=scope.districts_for(user))
    if request.method == "POST":
        if not scope.may_run(user):
            raise Http404("页面不存在")
        if form.is_valid():
            try:
                services.save_supply(user, **form.cleaned_data)
                messages.success(request, "物资储备已保存")
                return redirect("emergency:supplies")
            except WarningError as exc:
                put_error(form, exc)
    rows = list(
        scope.supplies_for(user).select_related("district").order_by("district__sort", "store", "item")
    )
    return render(
        request, "emergency/supplies.html", {"rows": rows, "form": form, "may_run": scope.may_run(user)}
    )


@view_page
def teams(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    form = TeamForm(request.POST or None, districts=scope.districts_for(user))
    if request.method == "POST":
        if not scope.may_run(user):
            raise Http404("页面不存在")
        if form.is_valid():
            try:
                services.save_team(user, **form.cleaned_data)
                messages.success(request, "抢险队伍已保存")
                return redirect("emergency:teams")
            except WarningError as exc:
                put_error(form, exc)
    rows = list(
        scope.teams_for(user)
        .select_related("district")
        .prefetch_related("members")
        .order_by("district__sort", "name")
    )
    return render(
        request, "emergency/teams.html", {"rows": rows, "form": form, "may_run": scope.may_run(user)}
    )


# --- acknowledging ----------------------------------------------------------------------------------


def _my_contacts(user: User) -> Any:
    return Contact.objects.filter(person__user=user).select_related(
        "person", "call__warning", "call__point", "call__ack_person"
    )


@own_page
def mine(request: HttpRequest) -> HttpResponse:
    """My notices: the points I am called for, unanswered first, each acknowledged with one tap."""
    user = actor(request)
    now = timezone.now()
    contacts = list(
        _my_contacts(user)
        .filter(call__warning__status=WarningStatus.ACTIVE, call__warning__valid_until__gt=now)
        .order_by("call__acknowledged_at", "-call__warning__issued_at")[:100]
    )
    return render(request, "emergency/mine.html", {"contacts": contacts, "form": AckForm()})


@own_page
@require_POST
def mine_ack(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    contact = get_object_or_404(_my_contacts(user), pk=pk)
    form = AckForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        result = services.acknowledge(contact, AckVia.APP, note, actor=user)
        messages.success(
            request,
            f"{contact.call.point.name}：已确认收到"
            if result.first
            else f"{contact.call.point.name} 此前已由{result.by}确认",
        )
    except WarningError as exc:
        messages.error(request, str(exc))
    return redirect("emergency:mine")


@never_cache
def ack(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link: no account needed. Shows only this notice (never the ledger)."""
    contact = services.contact_by_token(token)
    if contact is None:
        return render(
            request, "emergency/ack.html", {"problem": "链接无效：请核对短信中的链接是否完整"}, status=404
        )
    now = timezone.now()
    call = contact.call
    done = ""
    problem = services.link_problem(contact, now)
    if request.method == "POST" and not problem:
        form = AckForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            result = services.acknowledge(contact, AckVia.LINK, note, now=now)
            done = (
                "已确认收到，谢谢。请按预案部署。"
                if result.first
                else f"已记录。本点位此前已由{result.by}确认。"
            )
            call.refresh_from_db()
        except WarningError as exc:
            problem = str(exc)
    status = 200 if not problem or done else 410
    return render(
        request,
        "emergency/ack.html",
        {
            "c": contact,
            "call": call,
            "w": call.warning,
            "problem": "" if done else problem,
            "done": done,
            "form": AckForm(),
        },
        status=status,
    )

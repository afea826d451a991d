"""The 稳定 ledger's pages: the overview (levels, towns × levels, units), sweeps with who has not
reported, a unit's report (the kind's generated form, or 无), and reception days. Internal: every
page is for signed-in ledger roles only, scoped to the user's city and units; out of scope is 404."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from liangping.cases import engine
from liangping.cases.forms import KindRegisterForm
from liangping.cases.models import Case
from liangping.cases.scope import may_register
from liangping.core.access import roles_required
from liangping.core.models import Role, User
from liangping.core.scope import city_scope
from liangping.stability import queries, services
from liangping.stability.forms import NilForm, ReceptionForm, SweepForm
from liangping.stability.models import LEDGER_ROLES, ReceptionDay, Sweep, SweepItem, SweepKind
from liangping.stability.services import LedgerError

SUPERVISOR = (Role.SUPERVISOR,)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@roles_required(*LEDGER_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    figures = queries.ledger_figures(user)
    return render(
        request,
        "stability/index.html",
        {
            "f": figures,
            "levels": queries.LEVELS,
            "may_register": may_register(user, figures["spec"]) if figures["spec"] else False,
            "sweeps": list(Sweep.objects.visible_to(user).filter(kind=SweepKind.STABILITY)[:5]),
            "is_supervisor": user.role == Role.SUPERVISOR,
        },
    )


@roles_required(*LEDGER_ROLES)
def sweep_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = None
    if user.role == Role.SUPERVISOR:
        form = SweepForm(request.POST or None, tenant_id=city_scope(user))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                sweep = services.open_sweep(
                    user,
                    name=data["name"],
                    kind=data["kind"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    units=list(data["units"]),
                    note=data["note"],
                )
            except LedgerError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, f"已发起排查“{sweep.name}”")
                return redirect("stability:sweep", pk=sweep.pk)
    elif request.method == "POST":
        raise Http404("页面不存在")
    sweeps = Sweep.objects.visible_to(user).annotate(n_units=Count("units", distinct=True))
    reported = dict(
        Sweep.objects.visible_to(user)
        .filter(reports__isnull=False)
        .values("pk")
        .annotate(n=Count("reports", distinct=True))
        .values_list("pk", "n")
    )
    rows = [{"sweep": s, "units": s.n_units, "reported": reported.get(s.pk, 0)} for s in sweeps[:200]]
    return render(request, "stability/sweeps.html", {"rows": rows, "form": form})


def _sweep(request: HttpRequest, pk: int) -> Sweep:
    return get_object_or_404(Sweep.objects.visible_to(request.user).select_related("owner"), pk=pk)


@roles_required(*LEDGER_ROLES)
def sweep_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _sweep_page(request, _sweep(request, pk))


def _sweep_page(request: HttpRequest, sweep: Sweep, bound: KindRegisterForm | None = None) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    rows = services.sweep_rows(sweep, today)
    unit = services.reporting_unit(user, sweep)
    if user.role != Role.SUPERVISOR and user.role != Role.LEADER:
        rows = [r for r in rows if unit is not None and r["org"].pk == unit.pk]
    visible = Case.objects.visible_to(user).values("pk")
    items = list(
        SweepItem.objects.filter(report__sweep=sweep, case__in=visible)
        .select_related("report__org", "case__lead_org")
        .order_by("report__org__path", "id")
    )
    spec = engine.kind_row(sweep.kind).load()
    form = None
    own_row = next((r for r in rows if unit is not None and r["org"].pk == unit.pk), None)
    if unit is not None and may_register(user, spec) and not (own_row and own_row["nil"]):
        form = bound or KindRegisterForm(spec=spec)
    return render(
        request,
        "stability/sweep.html",
        {
            "sweep": sweep,
            "rows": rows,
            "missing": [r for r in rows if not r["done"]],
            "items": [
                {
                    "item": i,
                    "case": i.case,
                    "urgency": spec.urgency_label(i.case.urgency),
                    "status": spec.state_label(i.case.status),
                }
                for i in items
            ],
            "unit": unit,
            "own": own_row,
            "form": form,
            "nil_form": NilForm(),
            "spec": spec,
            "is_supervisor": user.role == Role.SUPERVISOR,
            "late": today > sweep.end_date,
        },
    )


@roles_required(Role.DEPARTMENT, Role.DISTRICT)
@require_POST
def sweep_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    sweep = _sweep(request, pk)
    unit = services.reporting_unit(user, sweep)
    if unit is None:
        raise Http404("页面不存在")
    spec = engine.kind_row(sweep.kind).load()
    form = KindRegisterForm(request.POST, spec=spec)
    if form.is_valid():
        data = form.cleaned_data
        item = services.ItemInput(
            title=data["title"],
            description=data["description"],
            category=data.get("category") or None,
            urgency=data.get("urgency") or "",
            data=form.kind_data(),
            place_org=data.get("place_org"),
        )
        try:
            cases = services.report_items(user, sweep, unit, [item])
        except engine.CaseFieldError as exc:
            form.add_error(form.field_name(exc.field), str(exc))
        except (LedgerError, engine.CaseError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已报送“{cases[0].title}”，受理编号 {cases[0].receipt_no}")
            return redirect("stability:sweep", pk=sweep.pk)
    return _sweep_page(request, sweep, form)


@roles_required(Role.DEPARTMENT, Role.DISTRICT)
@require_POST
def sweep_nil(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    sweep = _sweep(request, pk)
    unit = services.reporting_unit(user, sweep)
    if unit is None:
        raise Http404("页面不存在")
    form = NilForm(request.POST)
    form.is_valid()
    try:
        services.report_nil(user, sweep, unit, form.cleaned_data.get("note") or "")
    except LedgerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{unit.name}已报送：无风险事项")
    return redirect("stability:sweep", pk=sweep.pk)


@roles_required(*SUPERVISOR)
@require_POST
def sweep_remind(request: HttpRequest, pk: int) -> HttpResponse:
    sweep = _sweep(request, pk)
    sent = services.remind_sweep(sweep, timezone.localdate(), force=True)
    messages.success(request, f"已向未报送单位发出提醒 {len(sent)} 条")
    return redirect("stability:sweep", pk=sweep.pk)


@roles_required(*LEDGER_ROLES)
def reception_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ReceptionForm(request.POST or None)
    if request.method == "POST":
        if user.role not in (Role.SUPERVISOR, Role.DISTRICT, Role.DEPARTMENT):
            raise Http404("页面不存在")
        if form.is_valid():
            data = form.cleaned_data
            try:
                day = services.add_reception(
                    user,
                    date=data["date"],
                    leader=data["leader"],
                    place=data["place"],
                    org=None,
                    visitors=data["visitors"],
                    note=data["note"],
                )
            except LedgerError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, f"已登记{day.date}的公开接待")
                return redirect("stability:reception", pk=day.pk)
    days = list(ReceptionDay.objects.visible_to(user).select_related("org")[:200])
    counts = dict(
        Case.objects.visible_to(user)
        .filter(source="reception", source_ref__in=[f"reception:{d.pk}" for d in days])
        .values("source_ref")
        .annotate(n=Count("id"))
        .values_list("source_ref", "n")
    )
    rows = [{"day": d, "items": counts.get(f"reception:{d.pk}", 0)} for d in days]
    may_add = user.role in (Role.SUPERVISOR, Role.DISTRICT, Role.DEPARTMENT)
    return render(request, "stability/receptions.html", {"rows": rows, "form": form if may_add else None})


@roles_required(*LEDGER_ROLES)
def reception_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    day = get_object_or_404(ReceptionDay.objects.visible_to(user).select_related("org"), pk=pk)
    spec = engine.kind_row(queries.KIND).load()
    form = KindRegisterForm(request.POST or None, spec=spec) if may_register(user, spec) else None
    if request.method == "POST":
        if form is None:
            raise Http404("页面不存在")
        if form.is_valid():
            data = form.cleaned_data
            item = services.ItemInput(
                title=data["title"],
                description=data["description"],
                category=data.get("category") or None,
                urgency=data.get("urgency") or "",
                data=form.kind_data(),
                place_org=data.get("place_org"),
            )
            try:
                case = services.register_from_reception(user, day, item)
            except engine.CaseFieldError as exc:
                form.add_error(form.field_name(exc.field), str(exc))
            except engine.CaseError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已登记“{case.title}”")
                return redirect("stability:reception", pk=day.pk)
    cases = list(
        Case.objects.visible_to(user)
        .filter(source="reception", source_ref=f"reception:{day.pk}")
        .select_related("lead_org")
    )
    items = [
        {"case": c, "urgency": spec.urgency_label(c.urgency), "status": spec.state_label(c.status)}
        for c in cases
    ]
    return render(
        request, "stability/reception.html", {"day": day, "items": items, "form": form, "spec": spec}
    )

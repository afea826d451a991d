"""Grading pages: the board, periods and their lifecycle, the 16-city ranking, unit scores, summons."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from liangping.core.access import roles_required
from liangping.core.models import ADMIN_ROLES, Period, Role
from liangping.core.periods import PeriodCodeError
from liangping.core.scope import city_scope
from liangping.core.tenancy import tenant_for
from liangping.grading import pickers, queries, services
from liangping.grading.extensions import summons_sections
from liangping.grading.models import RuleSet, Snapshot
from liangping.grading.rules import summons_phrase
from liangping.grading.rules_form import RuleSetForm
from liangping.indicators.models import Indicator

LEDGER_ROLES = tuple(r for r in Role if r not in ADMIN_ROLES)


def _period(
    request: HttpRequest, default: Callable[[int | None], str] = pickers.latest_locked_code
) -> Period:
    """The period of the person's city (the province's for its people) the address names, else the
    latest one with data (`pickers`)."""
    tenant = tenant_for(request.user)
    try:
        return queries.resolve_period(request.GET.get("period") or default(tenant), tenant)
    except PeriodCodeError as exc:
        raise Http404(str(exc)) from exc


def _periods(request: HttpRequest) -> list[Period]:
    return list(Period.objects.for_tenant(tenant_for(request.user))[:36])


@roles_required(*LEDGER_ROLES)
def board(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    filters = {k: request.GET.get(k, "") for k in ("grade", "district", "department", "leader")}
    found = queries.project_board_page(request.user, period, filters, request.GET.get("page"))
    query = urlencode({"period": period.code, **{k: v for k, v in filters.items() if v}})
    context = {
        "board": found.board,
        "page": found.page,
        "page_numbers": found.numbers,
        "query": query,
        "filters": filters,
        "periods": _periods(request),
    }
    return render(request, "grading/board.html", context)


@roles_required(Role.SUPERVISOR)
def periods(request: HttpRequest) -> HttpResponse:
    rows = []
    for p in Period.objects.for_tenant(tenant_for(request.user)):
        rows.append({"period": p, "snapshots": list(Snapshot.objects.filter(period=p).order_by("-version"))})
    return render(
        request, "grading/periods.html", {"rows": rows, "default_code": queries.default_period_code()}
    )


@require_POST
@roles_required(Role.SUPERVISOR)
def period_action(request: HttpRequest, action: str) -> HttpResponse:
    code = request.POST.get("period", "")
    tenant = tenant_for(request.user)  # a city's supervisors lock and publish their city's periods only
    try:
        period = (
            services.get_or_create_period(code, tenant)
            if action == "lock"
            else get_object_or_404(Period.objects.for_tenant(tenant), code=code)
        )
        if action == "lock":
            confirm = request.POST.get("confirm") == "1"
            snap = services.lock_period(request.user, period, confirm_unreviewed=confirm)  # type: ignore[arg-type]
            c = snap.summary["projects"]
            messages.success(
                request,
                f"{period.label}{'已锁定' if snap.version == 1 else f'已重新锁定（第{snap.version}次）'}："
                f"蓝 {c['blue']}，黄 {c['yellow']}，红 {c['red']}，未评定 {c['none']}",
            )
        elif action == "publish":
            services.publish_period(request.user, period)  # type: ignore[arg-type]
            messages.success(request, f"{period.label}已发布")
        elif action == "reopen":
            services.reopen_period(request.user, period, request.POST.get("reason", ""))  # type: ignore[arg-type]
            messages.success(request, f"{period.label}已重新开放，旧快照保留可查")
        else:
            raise Http404("未知操作")
    except services.NeedsConfirmation as exc:
        return render(
            request,
            "grading/confirm_lock.html",
            {"period": period, "reports": exc.reports, "message": str(exc)},
        )
    except (services.GradingError, PeriodCodeError) as exc:
        messages.error(request, str(exc))
    return redirect("grading:periods")


@roles_required(*LEDGER_ROLES)
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    snaps = Snapshot.objects.select_related("period", "ruleset", "created_by")
    if (city := city_scope(request.user)) is not None:
        snaps = snaps.filter(period__tenant_id=city)  # another city's snapshot does not exist here
    snap = get_object_or_404(snaps, pk=pk)
    rows = queries.snapshot_rows(snap, request.user)
    return render(request, "grading/snapshot.html", {"snapshot": snap, "rows": rows})


@roles_required(*LEDGER_ROLES)
def ranking(request: HttpRequest) -> HttpResponse:
    period = _period(request, pickers.latest_ranked_code)
    boards, provisional = queries.ranking_board(period)
    top10 = sum(1 for b in boards if b.home and b.home.rank <= 10)
    top5 = sum(1 for b in boards if b.home and b.home.rank <= 5)
    return render(
        request,
        "grading/ranking.html",
        {
            "period": period,
            "boards": boards,
            "provisional": provisional,
            "periods": pickers.ranked_windows(tenant=tenant_for(request.user)),
            "top10": top10,
            "top5": top5,
            "ranked": any(b.home for b in boards),  # an export only of a ranking with values
        },
    )


@roles_required(*LEDGER_ROLES)
def indicator_history(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(Indicator, pk=pk)
    history = queries.indicator_history(indicator)
    return render(request, "grading/indicator.html", {"indicator": indicator, "history": history})


@roles_required(*LEDGER_ROLES)
def units(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    districts, departments, provisional = queries.unit_board(period)
    return render(
        request,
        "grading/units.html",
        {
            "period": period,
            "districts": districts,
            "departments": departments,
            "provisional": provisional,
            "periods": _periods(request),
        },
    )


@roles_required(Role.SUPERVISOR, Role.LEADER)
def summons(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    rows = services.summons_for(request.user, period)
    consecutive = services.summons_consecutive(period)
    context = {
        "period": period,
        "rows": rows,
        "periods": _periods(request),
        "summons_rule": summons_phrase(consecutive),
        "earlier": "上一期" if consecutive == 2 else f"前{consecutive - 1}期",
        "sections": summons_sections(request.user, period),
    }
    return render(request, "grading/summons.html", context)


@roles_required(Role.SUPERVISOR, Role.SYSADMIN)
def rules(request: HttpRequest) -> HttpResponse:
    """Edit thresholds and the rule order; see which projects change colour before saving."""
    tenant = tenant_for(request.user)
    current = services.active_ruleset(tenant)
    preview = None
    if request.method == "POST":
        form = RuleSetForm(request.POST, rules=current.rules)
        if form.is_valid():
            try:
                kind_year_month = queries.resolve_period(form.cleaned_data["preview_period"], tenant)
            except PeriodCodeError as exc:
                form.add_error("preview_period", str(exc))
            else:
                if request.POST.get("action") == "save":
                    saved = services.save_ruleset(request.user, form.rules, form.cleaned_data["note"])  # type: ignore[arg-type]
                    if saved.version == current.version:
                        messages.info(request, "规则没有变化，未生成新版本")
                    else:
                        messages.success(
                            request, f"已保存为第{saved.version}版规则；之后锁定的考核期按新规则评定"
                        )
                    return redirect("grading:rules")
                preview = {
                    "period": kind_year_month,
                    "changes": services.preview_ruleset(
                        form.rules, kind_year_month.year, kind_year_month.month, tenant
                    ),
                }
    else:
        form = RuleSetForm(
            initial=RuleSetForm.initial_for(current.rules, queries.default_period_code()), rules=current.rules
        )
    # the city's own versions and the province's defaults it inherits
    history = RuleSet.objects.filter(Q(tenant__isnull=True) | Q(tenant_id=tenant)).select_related(
        "created_by"
    )[:10]
    return render(
        request,
        "grading/rules.html",
        {"form": form, "current": current, "preview": preview, "history": history, "tenant": tenant},
    )

"""The indicator catalogue page: every indicator with its synonyms, unit and direction, editable."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from liangping.core.access import roles_required
from liangping.core.models import ADMIN_ROLES, Role, User
from liangping.indicators.catalogue_admin import IndicatorForm, save_indicator
from liangping.indicators.models import City, Indicator
from liangping.indicators.places import home_tenant
from liangping.indicators.ranking import GOAL_NAMES, GOALS, change_card
from liangping.indicators.services import district_ranking, district_windows
from liangping.sheets.periods import PeriodError, parse_period

LEDGER_ROLES = tuple(r for r in Role.values if r not in ADMIN_ROLES)


@roles_required(Role.SYSADMIN, Role.SUPERVISOR)
def catalogue(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    editing = get_object_or_404(Indicator, pk=pk) if pk else None
    form = IndicatorForm(request.POST or None, instance=editing or Indicator())
    if request.method == "POST" and form.is_valid():
        indicator = save_indicator(request.user, form)  # type: ignore[arg-type]
        messages.success(request, f"已保存指标“{indicator.name}”")
        return redirect("indicators:catalogue")
    return render(
        request,
        "indicators/catalogue.html",
        {
            "indicators": Indicator.objects.all(),
            "cities": City.objects.all(),
            "form": form,
            "editing": editing,
        },
    )


@roles_required(*LEDGER_ROLES)
def districts(request: HttpRequest) -> HttpResponse:
    """The city's internal ranking: its districts and counties against each other on each indicator,
    with the same 双亮牌 (rank and change of rank) and distances as the 16-city ranking."""
    tenant = home_tenant(request.user if isinstance(request.user, User) else None)
    windows = district_windows(tenant)
    chosen = windows[0] if windows else None
    if request.GET.get("period"):
        try:
            window = parse_period(request.GET["period"])
        except PeriodError:
            window = None
        if window is None or (window.year, window.month) not in windows:
            raise Http404
        chosen = (window.year, window.month)  # type: ignore[assignment]
    boards = []
    if chosen is not None:
        for board in district_ranking(*chosen, tenant):
            # distances are points of growth: none for a ranking by 总量, none to a place nobody holds
            goals = [] if board.rank_by == "value" else [k for k in GOALS if k < len(board.rows)]
            rows = [
                {
                    "row": r,
                    "card": change_card(r.change),
                    "distances": [board.all_distances[r.city_id].get(k) for k in goals],
                }
                for r in board.rows
            ]
            boards.append({"board": board, "goals": [GOAL_NAMES[k] for k in goals], "rows": rows})
    return render(
        request,
        "indicators/districts.html",
        {
            "boards": boards,
            "chosen": chosen,
            "windows": [(f"{y}-{m:02d}", _label(y, m)) for y, m in windows],
            "label": _label(*chosen) if chosen else "",
            "code": f"{chosen[0]}-{chosen[1]:02d}" if chosen else "",
        },
    )


def _label(year: int, month: int) -> str:
    return f"{year}年1月" if month == 1 else f"{year}年1-{month}月"

"""The province's pages: for the supervisors of the provincial office (a city's people: 404).

The board compares the cities; its city switcher (`?city=370100`, `?city=all`) chooses the city the
province's people then read on every ledger page — the ledger, the project pages, the grading board,
the tasks and the cases — as that city's own supervisor sees them, without changing anything."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from liangping.core.access import roles_required
from liangping.core.models import Org, OrgKind, Role
from liangping.core.scope import is_provincial
from liangping.province.board import province_board
from liangping.province.middleware import DRILL_CITY


@roles_required(Role.SUPERVISOR)
def board(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_provincial(user):
        raise Http404("页面不存在")
    cities = list(Org.objects.filter(kind=OrgKind.CITY).order_by("code", "sort", "id"))
    wanted = request.GET.get("city")
    if wanted is not None:
        chosen = next((c for c in cities if c.code and c.code == wanted), None)
        if chosen is None:
            request.session.pop(DRILL_CITY, None)
        else:
            request.session[DRILL_CITY] = chosen.pk
        return redirect("province:board")
    current = next((c for c in cities if c.pk == getattr(user, "drill_city", None)), None)
    return render(
        request,
        "province/board.html",
        {"board": province_board(cities), "cities": cities, "current": current},
    )

"""The province's pages: for the supervisors of the provincial office (a city's people: 404)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from liangping.core.access import roles_required
from liangping.core.models import Role
from liangping.core.scope import city_scope
from liangping.province.board import province_board


@roles_required(Role.SUPERVISOR)
def board(request: HttpRequest) -> HttpResponse:
    if city_scope(request.user) is not None:
        raise Http404("页面不存在")
    return render(request, "province/board.html", {"board": province_board()})

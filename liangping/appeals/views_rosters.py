"""The roster pages: 领导干部接热线 and 局长科长坐窗口 (list, add, delete; import through sheets)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from liangping.appeals import rosters
from liangping.appeals.forms import DutyForm, ShiftForm
from liangping.appeals.models import HotlineDuty, WindowShift
from liangping.core.access import roles_required
from liangping.core.models import Role

ROSTER_VIEWERS = (Role.SUPERVISOR, Role.LEADER, Role.DEPARTMENT, Role.DISTRICT)
PAGE_SIZE = 50


def _add(request: HttpRequest, form: Any, add: Any) -> bool:
    if not form.is_valid():
        return False
    try:
        add(request.user, **form.cleaned_data)
    except rosters.RosterError as exc:
        form.add_error(exc.field or None, str(exc))
        return False
    return True


@roles_required(*ROSTER_VIEWERS)
def duty_page(request: HttpRequest) -> HttpResponse:
    editor = rosters.may_edit(request.user)
    form = DutyForm(request.POST if request.method == "POST" and editor else None)
    if request.method == "POST" and editor and _add(request, form, rosters.add_duty):
        messages.success(request, "已添加值班")
        return redirect("appeals:duty")
    page = Paginator(HotlineDuty.objects.select_related("org"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "appeals/duty.html",
        {"page": page, "form": form if editor else None, "now_duty": rosters.duty_at()},
    )


@roles_required(Role.SUPERVISOR)
@require_POST
def duty_delete(request: HttpRequest, pk: int) -> HttpResponse:
    duty = get_object_or_404(HotlineDuty, pk=pk)
    rosters.delete_duty(request.user, duty)  # type: ignore[arg-type]
    messages.success(request, f"已删除 {duty}")
    return redirect("appeals:duty")


@roles_required(*ROSTER_VIEWERS)
def window_page(request: HttpRequest) -> HttpResponse:
    editor = rosters.may_edit(request.user)
    form = ShiftForm(request.POST if request.method == "POST" and editor else None)
    if request.method == "POST" and editor and _add(request, form, rosters.add_shift):
        messages.success(request, "已添加坐窗记录")
        return redirect("appeals:windows")
    page = Paginator(WindowShift.objects.select_related("org"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "appeals/windows.html", {"page": page, "form": form if editor else None})


@roles_required(Role.SUPERVISOR)
@require_POST
def window_delete(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(WindowShift, pk=pk)
    rosters.delete_shift(request.user, shift)  # type: ignore[arg-type]
    messages.success(request, f"已删除 {shift}")
    return redirect("appeals:windows")

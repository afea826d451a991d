"""The indicator catalogue page: every indicator with its synonyms, unit and direction, editable."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from liangping.core.access import roles_required
from liangping.core.models import Role
from liangping.indicators.catalogue_admin import IndicatorForm, save_indicator
from liangping.indicators.models import City, Indicator


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

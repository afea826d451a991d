"""The public screen's appeals page (群众诉求): this month's counts by category and district and 三率 by
district. Aggregates only, for anyone; no appeal, name, phone, address or text ever reaches it.

/screen/appeals/ is the installation's city's; /screen/<code>/appeals/ that city's (or the province's
own), each counting its own appeals only (`queries.tenant_appeals_q`)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from liangping.appeals.queries import Month, screen_figures
from liangping.appeals.rates import DEFINITIONS
from liangping.core.tenancy import installation_city, place_or_404, tenant_of_place


def _figures(tenant: int | None, installation: int | None) -> dict[str, object]:
    now = timezone.now()
    data = screen_figures(Month.of(timezone.localdate()), now, tenant=tenant, installation=installation)
    data["as_of"] = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
    return data


def _data(tenant: int | None, installation: int | None) -> HttpResponse:
    response = HttpResponse(
        json.dumps(_figures(tenant, installation), ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def screen_data(request: HttpRequest) -> HttpResponse:
    city = installation_city()
    return _data(city, city)


@require_safe
def place_screen_data(request: HttpRequest, code: str) -> HttpResponse:
    return _data(tenant_of_place(place_or_404(code)), installation_city())


def _interval(raw: str | None) -> int:
    try:
        value = int(float(raw)) if raw is not None else 15
    except (TypeError, ValueError, OverflowError):
        return 15
    return 0 if value == 0 else min(max(value, 3), 3600)


def _page(
    request: HttpRequest, tenant: int | None, installation: int | None, home: str, data_url: str
) -> HttpResponse:
    kiosk = request.GET.get("kiosk", "") in ("1", "true", "yes")
    interval = _interval(request.GET.get("interval"))
    hop = ""
    if request.GET.get("lobby", "") in ("1", "true", "yes") and interval:
        hop = f"{home}?interval={interval}" + ("&kiosk=1" if kiosk else "")
    return render(
        request,
        "appeals/screen.html",
        {
            "data": _figures(tenant, installation),
            "definitions": DEFINITIONS[:3],
            "kiosk": kiosk,
            "hop": hop,
            "hop_after": interval,
            "data_url": data_url,
        },
    )


@require_safe
def screen_page(request: HttpRequest) -> HttpResponse:
    """?kiosk=1 hides the cursor; the page fetches its data again every minute. ?lobby=1: the page is
    a turn of the lobby's rotation (/screen/), which it goes back to after ?interval=SECONDS."""
    city = installation_city()
    return _page(request, city, city, reverse("screen:index"), reverse("appeals_screen:data"))


@require_safe
def place_screen_page(request: HttpRequest, code: str) -> HttpResponse:
    """/screen/<code>/appeals/: that city's appeals page; in the lobby's rotation it goes back to
    /screen/<code>/."""
    tenant, home = tenant_of_place(place_or_404(code)), reverse("screen:place", args=[code])
    data_url = reverse("screen:place_appeals_data", args=[code])
    return _page(request, tenant, installation_city(), home, data_url)

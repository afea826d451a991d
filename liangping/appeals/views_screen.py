"""The public screen's appeals page (群众诉求): this month's counts by category and district and 三率 by
district. Aggregates only, for anyone; no appeal, name, phone, address or text ever reaches it."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from liangping.appeals.queries import Month, screen_figures
from liangping.appeals.rates import DEFINITIONS


def _figures() -> dict[str, object]:
    now = timezone.now()
    data = screen_figures(Month.of(timezone.localdate()), now)
    data["as_of"] = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
    return data


@require_safe
def screen_data(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        json.dumps(_figures(), ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    return response


def _interval(raw: str | None) -> int:
    try:
        value = int(float(raw)) if raw is not None else 15
    except (TypeError, ValueError, OverflowError):
        return 15
    return 0 if value == 0 else min(max(value, 3), 3600)


@require_safe
def screen_page(request: HttpRequest) -> HttpResponse:
    """?kiosk=1 hides the cursor; the page fetches its data again every minute. ?lobby=1: the page is
    a turn of the lobby's rotation (/screen/), which it goes back to after ?interval=SECONDS."""
    kiosk = request.GET.get("kiosk", "") in ("1", "true", "yes")
    interval = _interval(request.GET.get("interval"))
    hop = ""
    if request.GET.get("lobby", "") in ("1", "true", "yes") and interval:
        hop = f"/screen/?interval={interval}" + ("&kiosk=1" if kiosk else "")
    return render(
        request,
        "appeals/screen.html",
        {
            "data": _figures(),
            "definitions": DEFINITIONS[:3],
            "kiosk": kiosk,
            "hop": hop,
            "hop_after": interval,
        },
    )

"""The public pages of a tournament the organiser made public: a page for phones and browsers, the
big screen, and the JSON the screen polls. Anyone may read them, signed in or not; a tournament that
is not public does not exist here (404). They never show birth dates, coaches or full names of
players (unless the organiser chose full names)."""

from __future__ import annotations

import hashlib
import json

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from liangping.events.models import Tournament
from liangping.events.tables import public_data

DEFAULT_POLL = 20
DEFAULT_INTERVAL = 20


def _seconds(raw: str | None, default: int, low: int, high: int, *, zero_ok: bool = False) -> int:
    """Whole seconds from a query parameter, clamped; rubbish gives the default."""
    try:
        value = int(float(raw)) if raw is not None else default
    except (TypeError, ValueError, OverflowError):
        return default
    if zero_ok and value == 0:
        return 0
    return min(max(value, low), high)


def _etag_matches(header: str, etag: str) -> bool:
    tags = [t.strip() for t in header.split(",") if t.strip()]
    return any(t == "*" or t.removeprefix("W/") == etag for t in tags)


def _public(pk: int) -> Tournament:
    tournament = Tournament.objects.public().select_related("org").filter(pk=pk).first()
    if tournament is None:
        raise Http404("页面不存在")
    return tournament


def _payload(tournament: Tournament) -> tuple[dict[str, object], bytes, str]:
    data = public_data(tournament)
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(b"events:1:" + body).hexdigest()[:32] + '"'
    return data, body, etag


@require_safe
def public_page(request: HttpRequest, pk: int) -> HttpResponse:
    tournament = _public(pk)
    data, _body, _etag = _payload(tournament)
    today = timezone.localdate().isoformat()
    response = render(request, "events/public.html", {"d": data, "is_today": data["day"] == today})
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The big screen: ?poll=SECONDS between data fetches (default 20), ?interval=SECONDS between
    pages on a screen too small to show everything (default 20), ?kiosk=1."""
    tournament = _public(pk)
    data, _body, etag = _payload(tournament)
    kiosk = request.GET.get("kiosk", "") in ("1", "true", "yes")
    config = {
        "poll": _seconds(request.GET.get("poll"), DEFAULT_POLL, 1, 3600),
        "interval": _seconds(request.GET.get("interval"), DEFAULT_INTERVAL, 3, 3600, zero_ok=True),
        "etag": etag,
    }
    response = render(request, "events/screen.html", {"d": data, "config": config, "kiosk": kiosk})
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def data_json(request: HttpRequest, pk: int) -> HttpResponse:
    tournament = _public(pk)
    _data, body, etag = _payload(tournament)
    response: HttpResponse
    if _etag_matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response

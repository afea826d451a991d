"""The public big screen, its data endpoint and the internal dashboard.

The screen and the endpoint are public and read only the latest published snapshot; every query
parameter they accept is about presentation (rotation, polling, kiosk), never about which data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from liangping.chains.mapdata import published_chains
from liangping.core.access import roles_required
from liangping.core.models import ADMIN_ROLES, OrgKind, Role
from liangping.core.tenancy import INSTALLATION, TenantArg, place_or_404, tenant_of_place
from liangping.grading.models import ItemKind, SnapshotItem
from liangping.indicators.ranking import change_card, distance_text, rank_change
from liangping.screen.dashboard import dashboard_context
from liangping.screen.data import etag_for, latest_published_snapshot, screen_body_for
from liangping.screen.places import province_body, province_etag

LEDGER_ROLES = tuple(r for r in Role if r not in ADMIN_ROLES)

PAGES = [
    ("overview", "总体情况"),
    ("districts", "分区（市）推进"),
    ("trend", "历期走势"),
    ("lists", "红黄牌项目"),
    ("tasks", "领衔攻坚事项"),
    ("ranking", "16市排名"),
    ("units", "单位得分"),
    ("summons", "约谈名单"),  # its own page only when the list is long (screen.js)
]
DEFAULT_INTERVAL = 15
DEFAULT_POLL = 30
# The lobby's rotation goes on to pages of their own after its last page, then comes back: the
# districts' ranking (frozen in the published snapshot) and the appeals' figures (aggregates only).
# Each is told ?lobby=1 and hands over to the next once its own turn is over (screen/hop.js). The
# rotation stays on the screens of the place it started from: /screen/ goes on to /screen/districts/,
# /screen/370400/ to /screen/370400/districts/ (the hops are below the lobby's own address).
LOBBY_HOPS = ("districts/", "appeals/")


def lobby_url(path: str, interval: int, kiosk: bool, *, lobby: bool = True) -> str:
    """A page of the lobby rotation, with the rotation's presentation parameters."""
    query = f"?interval={interval}" + ("&lobby=1" if lobby else "") + ("&kiosk=1" if kiosk else "")
    return path + query


def next_hop(hop: str, interval: int, kiosk: bool, home: str = "/screen/") -> str:
    """After the hop `hop` (one of LOBBY_HOPS) of the lobby at `home`, the next one, or back to the
    lobby after the last."""
    i = LOBBY_HOPS.index(hop)
    if i + 1 < len(LOBBY_HOPS):
        return lobby_url(home + LOBBY_HOPS[i + 1], interval, kiosk)
    return lobby_url(home, interval, kiosk, lobby=False)


def in_lobby(request: HttpRequest) -> bool:
    return request.GET.get("lobby", "") in ("1", "true", "yes")


def _seconds(raw: str | None, default: int, low: int, high: int, *, zero_ok: bool = False) -> int:
    """A whole number of seconds from a query parameter, clamped; rubbish gives the default."""
    try:
        value = int(float(raw)) if raw is not None else default
    except (TypeError, ValueError, OverflowError):
        return default
    if zero_ok and value == 0:
        return 0
    return min(max(value, low), high)


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: a W/ prefix is ignored; * matches anything."""
    tags = [t.strip() for t in header.split(",") if t.strip()]
    return any(t == "*" or t.removeprefix("W/") == etag for t in tags)


def _json(request: HttpRequest, etag: str, body: Callable[[], bytes]) -> HttpResponse:
    response: HttpResponse
    if _etag_matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body(), content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


def _data(request: HttpRequest, tenant: TenantArg) -> HttpResponse:
    snapshot = latest_published_snapshot(tenant)
    return _json(request, etag_for(snapshot), lambda: screen_body_for(snapshot))


@require_safe
def data_json(request: HttpRequest) -> HttpResponse:
    """The installation's latest published snapshot as JSON, with a strong ETag; 304 when the client
    has it. (Served in front of Django by `screen.fastpath`; this answers when it is not installed.)"""
    return _data(request, INSTALLATION)


def place_scope(code: str) -> tuple[int | None, str]:
    """(tenant, lobby address) of the screens of a place by its code: a city's own, the province's (None).
    404 for a code that is neither."""
    return tenant_of_place(place_or_404(code)), reverse("screen:place", args=[code])


@require_safe
def place_data(request: HttpRequest, code: str) -> HttpResponse:
    """/screen/<code>/data.json: a city's latest published snapshot (its own only), or for the
    province (370000) the cities' published figures side by side."""
    place = place_or_404(code)
    if place.kind == OrgKind.PROVINCE:
        body = province_body(place)
        return _json(request, province_etag(body), lambda: body)
    return _data(request, tenant_of_place(place))


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The lobby screen of the installation's city. ?interval=SECONDS between pages (default 15, 0
    stops the rotation), ?poll=SECONDS between data fetches (default 30), ?kiosk=1 (no cursor, no
    clicks), ?page=overview|districts|trend|lists|tasks|ranking|units|summons to start on."""
    return _screen(request, INSTALLATION, reverse("screen:data"), reverse("screen:index"))


@require_safe
def place_index(request: HttpRequest, code: str) -> HttpResponse:
    """/screen/<code>/: a city's lobby screen (370400: 枣庄's, from its own published snapshot), or the
    province's (370000): its cities' published figures side by side. An unknown code: 404."""
    place = place_or_404(code)
    if place.kind == OrgKind.PROVINCE:
        data = json.loads(province_body(place))
        kiosk = request.GET.get("kiosk", "") in ("1", "true", "yes")
        poll = _seconds(request.GET.get("poll"), DEFAULT_POLL, 1, 3600)
        response = render(request, "screen/province.html", {"data": data, "kiosk": kiosk, "poll": poll})
        response["Cache-Control"] = "no-cache"
        return response
    home = reverse("screen:place", args=[code])
    return _screen(request, tenant_of_place(place), reverse("screen:place_data", args=[code]), home)


def _screen(request: HttpRequest, tenant: TenantArg, data_url: str, home: str) -> HttpResponse:
    """The screen of a tenant at the address `home`; its rotation goes on to the pages of their own
    below that address (the same place's districts and appeals), never to another place's."""
    snapshot = latest_published_snapshot(tenant)
    data = json.loads(screen_body_for(snapshot))
    page = request.GET.get("page", "")
    kiosk = request.GET.get("kiosk", "") in ("1", "true", "yes")
    interval = _seconds(request.GET.get("interval"), DEFAULT_INTERVAL, 3, 3600, zero_ok=True)
    config = {
        "interval": interval,
        "poll": _seconds(request.GET.get("poll"), DEFAULT_POLL, 1, 3600),
        "kiosk": kiosk,
        "page": page if page in dict(PAGES) else PAGES[0][0],
        "etag": etag_for(snapshot),
        "beyond": lobby_url(home + LOBBY_HOPS[0], interval, kiosk) if interval else "",
    }
    response = render(
        request,
        "screen/index.html",
        {"data": data, "config": config, "pages": PAGES, "kiosk": kiosk, "data_url": data_url},
    )
    response["Cache-Control"] = "no-cache"
    return response


@roles_required(*LEDGER_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    context = dashboard_context(request.user, request.GET.get("period"))
    return render(request, "screen/dashboard.html", context)


@require_safe
def chains(request: HttpRequest) -> HttpResponse:
    """The industrial chains' page of the public screen: the installation's city's chains only, each
    with its latest published yearly snapshot (public firms' names and capacities, linked projects) and
    its published years side by side. Project grades come from the city's latest published period only.
    ?chain=NAME picks the chain shown first."""
    return _chains(request, INSTALLATION)


@require_safe
def place_chains(request: HttpRequest, code: str) -> HttpResponse:
    """/screen/<code>/chains/: the chains of that city (by the chains' tenant key), or the province's own."""
    return _chains(request, place_scope(code)[0])


def _chains(request: HttpRequest, tenant: TenantArg) -> HttpResponse:
    found = published_chains(tenant)
    graded = latest_published_snapshot(tenant)
    codes = {p["code"] for c in found for s in c["data"]["segments"] for p in s["projects"]}
    grades: dict[str, str] = {}
    if graded is not None and codes:
        items = SnapshotItem.objects.filter(snapshot=graded, kind=ItemKind.PROJECT, code__in=codes)
        grades = dict(items.values_list("code", "grade"))
    for c in found:
        for seg in c["data"]["segments"]:
            for p in seg["projects"]:
                grade = grades.get(p["code"], "")
                p["grade"] = grade if grade in ("red", "yellow", "blue") else ""
                p["grade_label"] = {"red": "红", "yellow": "黄", "blue": "蓝"}.get(p["grade"], "")
    wanted = request.GET.get("chain", "")
    current = next((i for i, c in enumerate(found) if c["name"] == wanted), 0)
    response = render(
        request,
        "screen/chains.html",
        {
            "chains": found,
            "current": found[current] if found else None,
            "grade_period": graded.period.label if graded is not None and grades else "",
            "kiosk": request.GET.get("kiosk", "") in ("1", "true", "yes"),
        },
    )
    response["Cache-Control"] = "no-cache"
    return response


DISTRICT_BOARDS_PER_PAGE = 6


def _figure(raw: str | None) -> str:
    """A stored figure as the screen shows it: at least one decimal, no trailing zeros (12.9, 3.25)."""
    if raw is None:
        return "—"
    text = format(Decimal(raw).normalize(), "f")
    return text if "." in text else f"{text}.0"


@require_safe
def districts(request: HttpRequest) -> HttpResponse:
    """The districts' page of the installation's city's screen (`_districts`)."""
    return _districts(request, INSTALLATION, reverse("screen:index"))


@require_safe
def place_districts(request: HttpRequest, code: str) -> HttpResponse:
    """/screen/<code>/districts/: the districts' page of that city's (or the province's) own screen,
    from its own latest published snapshot; in the lobby's rotation it hands over to that place's
    appeals page."""
    tenant, home = place_scope(code)
    return _districts(request, tenant, home)


def _districts(request: HttpRequest, tenant: TenantArg, home: str) -> HttpResponse:
    """The districts' page of the public screen: the city's districts and counties ranked against each
    other on each indicator, as frozen in the latest published snapshot (never the live values), with
    双亮牌 (rank and change of rank) and the distance to the place ahead. Six indicators a page; the
    page turns by itself every ?interval=SECONDS (default 15, 0 stops), ?page=N to start on, ?kiosk=1."""
    snapshot = latest_published_snapshot(tenant)
    frozen = snapshot.summary.get("district_ranking") if snapshot is not None else None
    boards = []
    for b in frozen or []:
        rows = []
        for r in b["rows"]:
            ahead = r["ahead"]
            rows.append(
                {
                    **r,
                    "shown": _figure(r["value"] if b["rank_by"] == "value" else r["growth"]),
                    "card": change_card(rank_change(r["prev_rank"], r["rank"])),
                    "ahead_text": "居首位"
                    if r["rank"] == 1
                    else distance_text(None if ahead is None else Decimal(ahead)),
                }
            )
        boards.append({**b, "rows": rows})
    pages = max(1, -(-len(boards) // DISTRICT_BOARDS_PER_PAGE))
    number = min(max(_seconds(request.GET.get("page"), 1, 1, pages), 1), pages)
    interval = _seconds(request.GET.get("interval"), DEFAULT_INTERVAL, 3, 3600, zero_ok=True)
    kiosk = request.GET.get("kiosk", "") in ("1", "true", "yes")
    following = (number % pages) + 1
    query = f"?page={following}&interval={interval}" + ("&kiosk=1" if kiosk else "")
    hop = ""
    if in_lobby(request) and interval:
        # in the lobby's rotation: through this page's pages, then on to the next page of the rotation
        hop = f"{query}&lobby=1" if number < pages else next_hop("districts/", interval, kiosk, home)
    start = (number - 1) * DISTRICT_BOARDS_PER_PAGE
    response = render(
        request,
        "screen/districts.html",
        {
            "snapshot": snapshot,
            "period": snapshot.period if snapshot is not None else None,
            "frozen": frozen is not None,
            "boards": boards[start : start + DISTRICT_BOARDS_PER_PAGE],
            "page": number,
            "pages": pages,
            "refresh": interval if interval and pages > 1 and not hop else 0,
            "next_url": query,
            "hop": hop,
            "hop_after": interval,
            "kiosk": kiosk,
        },
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def services(request: HttpRequest) -> HttpResponse:
    """The services page of the installation's city's screen (`_services`)."""
    return _services(request, INSTALLATION)


@require_safe
def place_services(request: HttpRequest, code: str) -> HttpResponse:
    """/screen/<code>/services/: the services page of that city's (or the province's) own screen."""
    return _services(request, place_scope(code)[0])


def _services(request: HttpRequest, tenant: TenantArg) -> HttpResponse:
    """The services page of the public screen (政务服务): the period's handled cases by level and point,
    审批不出镇 and 进商超 counts, 一件事 time saved and 帮办代办 办成 on time, as frozen in the latest
    published snapshot (aggregates only: no applicant, firm or request). ?kiosk=1 hides the cursor."""
    snapshot = latest_published_snapshot(tenant)
    frozen = snapshot.summary.get("services") if snapshot is not None else None
    top = max([lv["count"] for lv in frozen["levels"]] or [0]) if frozen else 0
    response = render(
        request,
        "screen/services.html",
        {
            "snapshot": snapshot,
            "period": snapshot.period if snapshot is not None else None,
            "s": frozen,
            "top": top or 1,
            "kiosk": request.GET.get("kiosk", "") in ("1", "true", "yes"),
        },
    )
    response["Cache-Control"] = "no-cache"
    return response

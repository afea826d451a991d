"""The internal dashboard: the published figures next to the live, provisional grades of the open period.

The published half is the public screen's data (the same for everyone); the live half goes through
the grading board and is scoped to the user, so a leader sees their own projects only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from liangping.appeals import kind as appeal_kind
from liangping.appeals.queries import dashboard_figures
from liangping.core.audit import change_stamp
from liangping.core.models import Period, PeriodKind
from liangping.core.periods import PeriodCodeError, period_code
from liangping.core.scope import AnyUser, city_scope, sees_everything
from liangping.core.tenancy import TenantArg, tenant_for
from liangping.emergency import queries as flood_queries
from liangping.emergency import scope as flood_scope
from liangping.foodsafety.queries import dashboard_campaign
from liangping.grading.models import RuleSet, Snapshot
from liangping.grading.queries import Board, project_board, resolve_period
from liangping.grading.rules import NONE
from liangping.projects.models import MonthlyReport, Project
from liangping.projects.queries_reports import report_list_month
from liangping.screen.data import CACHE_SECONDS as SCREEN_CACHE_SECONDS
from liangping.screen.data import etag_for, latest_published_snapshot, screen_data_of
from liangping.screen.figures import GRADE_KEYS, fixed, points
from liangping.stability.queries import dashboard_figures as stability_figures

LIST_LIMIT = 10


def live_period(code: str | None, user: AnyUser, today: dt.date | None = None) -> Period:
    """The period asked for, else the latest month with data: the month being collected once a
    report of it is in, else the latest month with a report the user may see (the reports list's
    rule), else the month being collected. Never an empty month while reports exist."""
    tenant = tenant_for(user)
    if code:
        try:
            return resolve_period(code, tenant)
        except PeriodCodeError:
            pass
    month = report_list_month(user, today)
    return resolve_period(period_code(PeriodKind.MONTH, month.year, month.month), tenant)


def report_months(user: AnyUser, limit: int) -> list[dt.date]:
    """The latest `limit` months with a report the user may see, newest first: a DISTINCT over every
    visible report, so cached per scope under the audit log's change stamp (a report written
    anywhere moves it)."""
    key = f"dashboard:months:{scope_key(user)}:{limit}:{change_stamp()}"
    months = cache.get(key)
    if months is None:
        visible = MonthlyReport.objects.visible_to(user).order_by("-month")
        months = list(visible.values_list("month", flat=True).distinct()[:limit])
        cache.set(key, months, LIVE_CACHE_SECONDS)
    return cast(list[dt.date], months)


def content_key(*parts: Any) -> str:
    """A key for a rendered fragment: the hash of what it shows (a province's district tables have
    a hundred rows, rendered once per change rather than on every view)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def scope_key(user: AnyUser) -> str:
    """Who shares a cached result: a city's supervisors (the province's: every city), else the user."""
    return f"all:{city_scope(user)}" if sees_everything(user) else f"user:{getattr(user, 'pk', None)}"


def live_periods(user: AnyUser, period: Period, limit: int = 36) -> list[Period]:
    """What the live half's picker offers, newest first: every stored period and every month with a
    report the user may see (as an unsaved open month); an unsaved period shown is offered by the
    picker itself (two queries)."""
    stored = list(Period.objects.for_tenant(period.tenant_id)[:limit])
    have = {(p.kind, p.year, p.month) for p in [*stored, period]}
    extra = [
        Period.build(PeriodKind.MONTH, m.year, m.month, period.tenant_id)
        for m in report_months(user, limit)
        if (PeriodKind.MONTH, m.year, m.month) not in have
    ]
    ordered = sorted(
        stored + extra, key=lambda p: (p.year, p.month, p.kind != PeriodKind.MONTH), reverse=True
    )
    return ordered[:limit]


def board_url(period: str, **filters: str) -> str:
    return reverse("grading:board") + "?" + urlencode({"period": period, **filters})


@dataclass
class DistrictLine:
    name: str
    counts: dict[str, int]
    total: int
    url: str


LIVE_CACHE_SECONDS = 300


def live_stamp(period: Period) -> tuple[Any, ...]:
    """What the live grades of `period` are computed from: the rule set in force and the audit log's
    change stamp (every edit, submission and review writes an entry in its own transaction), two
    indexed look-ups whatever the number of projects. Any write the services make changes the
    stamp, so a cached live board keyed by it is never stale."""
    # the newest of the city's own rule sets and the province's defaults it inherits: either moves the stamp
    inherited = Q(tenant__isnull=True) | Q(tenant_id=period.tenant_id)
    rules = (
        RuleSet.objects.filter(inherited).order_by("-created_at", "-id").values_list("pk", flat=True).first()
    )
    return (rules, change_stamp())


def _live(user: AnyUser, period: Period) -> dict[str, Any]:
    """The live half, cached per user scope and data stamp: grading every project on each view of
    the dashboard cost a second at 10,000 projects. Orgs or people renamed show within five minutes."""
    key = (
        "dashboard:live:v2:"
        + hashlib.sha256(repr((period.code, scope_key(user), live_stamp(period))).encode()).hexdigest()
    )
    cached = cache.get(key)
    if cached is None:
        cached = _compute_live(user, period)
        cache.set(key, cached, LIVE_CACHE_SECONDS)
    return {**cached, "period": period}


def _compute_live(user: AnyUser, period: Period) -> dict[str, Any]:
    board: Board = project_board(user, period)
    code = period.code
    tallies: dict[str, dict[str, int]] = {}
    for row in board.rows:
        t = tallies.setdefault(row.district or "未填写", dict.fromkeys(GRADE_KEYS, 0))
        t[row.grade if row.grade in t else NONE] += 1
    districts = [
        DistrictLine(name, t, sum(t.values()), board_url(code, district=name))
        for name, t in sorted(tallies.items(), key=lambda kv: (-kv[1]["red"], -kv[1]["yellow"], kv[0]))
    ]
    flagged = [r for r in board.rows if r.grade in ("red", "yellow")]  # already sorted red first
    return {
        # the districts' content key, made with the value it keys (not on every view)
        "districts_key": content_key(code, districts),
        "board": {"counts": board.counts},
        "provisional": board.provisional,
        "total": len(board.rows),
        "districts": districts,
        "rows": [
            {
                "row": r,
                "url": reverse("projects:detail", args=[r.ref_id]) if r.ref_id else "",
                "completion": fixed(r.completion),
                "gap": points(r.gap),
            }
            for r in flagged[:LIST_LIMIT]
        ],
        "more": max(0, len(flagged) - LIST_LIMIT),
        "blue_url": board_url(code, grade="blue"),
        "red_url": board_url(code, grade="red"),
        "yellow_url": board_url(code, grade="yellow"),
    }


def _published(user: AnyUser, tenant: TenantArg) -> dict[str, Any]:
    """Drill-down links on the public data: district → grading board; project → detail page, but only
    for the projects this user may open. The public data names a project by its code (项目编号), never
    by its id: the codes resolve to projects within the user's scope (one query), the rest get no link
    (and their detail pages answer 404 to this user anyway)."""
    snapshot = latest_published_snapshot(tenant)
    shared = _published_shared(snapshot) if snapshot is not None else screen_data_of(None)
    if not shared.get("published"):
        return shared
    rows = shared["red"][:LIST_LIMIT] + shared["yellow"][:LIST_LIMIT]
    codes = {r["code"] for r in rows if r["code"]}
    visible = Project.objects.visible_to(user).filter(code__in=codes).values_list("code", "pk")
    projects = {c: reverse("projects:detail", args=[pk]) for c, pk in visible}
    return {
        **shared,
        "links": {**shared["links"], "projects": projects},
        "red_rows": [{**r, "url": projects.get(r["code"], "")} for r in shared["red"][:LIST_LIMIT]],
        "yellow_rows": [{**r, "url": projects.get(r["code"], "")} for r in shared["yellow"][:LIST_LIMIT]],
    }


def _published_shared(snapshot: Snapshot) -> dict[str, Any]:
    """What the published half shows everyone alike: the screen data with the district links and the
    districts' content key, made once per snapshot version (the tag of the screen's own cache) rather
    than on every view: a province's hundred districts each cost a link and a share of the key."""
    key = f"dashboard:published:{etag_for(snapshot)}"
    shared = cache.get(key)
    if shared is None:
        data = screen_data_of(snapshot)
        if not data.get("published"):
            return data
        code = data["as_of"]["period"]
        board = board_url(code)  # reversed once, not once per district
        districts = {d["name"]: f"{board}&{urlencode({'district': d['name']})}" for d in data["districts"]}
        shared = {
            **data,
            "links": {
                "districts": districts,
                "blue": board_url(code, grade="blue"),
                "red": board_url(code, grade="red"),
                "yellow": board_url(code, grade="yellow"),
            },
            "limit": LIST_LIMIT,
            "district_rows": [{**d, "url": districts[d["name"]]} for d in data["districts"]],
            "districts_key": content_key(data.get("period"), data["districts"]),
        }
        cache.set(key, shared, SCREEN_CACHE_SECONDS)
    return cast(dict[str, Any], shared)


def dashboard_context(user: AnyUser, code: str | None) -> dict[str, Any]:
    period = live_period(code, user)
    return {
        "published": _published(user, tenant_for(user)),
        "live": _live(user, period),
        "periods": live_periods(user, period),
        "appeals": dashboard_figures(user, appeal_kind.closed_states()),
        "flood": _flood(user),
        "stability": stability_figures(user),
        "food": dashboard_campaign(user),
    }


def _flood(user: AnyUser) -> dict[str, Any] | None:
    """This year's 叫应 figures (real warnings, drills excluded) within what the user sees; two queries.
    None for the roles the flood pages are not for."""
    if not flood_scope.may_view(user):
        return None
    year = timezone.localdate().year
    season = flood_queries.figures(flood_queries.season_calls(cast(Any, user), year))
    return {"year": year, "total": season.total}

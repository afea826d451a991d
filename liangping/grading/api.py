"""The grading pages' data as JSON: the board (scoped), the 16-city ranking, unit scores, summons."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from liangping.core.api import FieldErrors, actor
from liangping.core.models import Period
from liangping.core.periods import PeriodCodeError
from liangping.core.scope import sees_ledger
from liangping.core.tenancy import tenant_for
from liangping.grading import pickers, queries, services

router = Router(tags=["红黄蓝分级"])


def _not_for_administrators(request: HttpRequest) -> None:
    """The three administrators manage the system, not the grading (三权分立: the audit administrator
    reads the audit log only); their grading pages do not exist, nor do these answers."""
    if not sees_ledger(actor(request)):
        raise Http404


class PeriodQuery(Schema):
    period: str | None = None


class BoardQuery(PeriodQuery):
    grade: str = ""
    district: str = ""
    department: str = ""
    leader: str = ""


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _period(
    request: HttpRequest, code: str | None, default: Callable[[int | None], str] = pickers.latest_locked_code
) -> Period:
    """The period of the caller's city (the province's for its people)."""
    tenant = tenant_for(actor(request))
    try:
        return queries.resolve_period(code or default(tenant), tenant)
    except PeriodCodeError as exc:
        raise FieldErrors([("period", str(exc))]) from exc


def _period_out(period: Period, provisional: bool) -> dict[str, Any]:
    return {
        "code": period.code,
        "label": period.label,
        "status": period.status if period.pk else "open",
        "provisional": provisional,
    }


@router.get("/grading/board", summary="项目红黄蓝分级（按权限范围；未锁定时为临时结果）")
def board(request: HttpRequest, filters: Query[BoardQuery]) -> dict[str, Any]:
    period = _period(request, filters.period)
    user = actor(request)  # the token's user or the session's: request.user knows only the session
    viewer = user if sees_ledger(user) else AnonymousUser()  # administrators: nothing
    data = queries.project_board(viewer, period, filters.dict(exclude={"period"}))
    return {
        "period": _period_out(period, data.provisional),
        "snapshot_version": data.snapshot.version if data.snapshot else None,
        "counts": data.counts,
        "items": [
            {
                "id": r.ref_id,
                "code": r.code,
                "name": r.name,
                "district": r.district,
                "department": r.department,
                "leader": r.leader,
                "grade": r.grade,
                "grade_label": r.grade_label,
                "reason": r.reason,
                "completion": _s(r.completion),
                "time_progress": _s(r.time_progress),
                "gap": _s(r.gap),
                "rank": r.rank,
                "prev_rank": r.prev_rank,
                "change": r.change,
                "change_card": r.change_card,
            }
            for r in data.rows
        ],
    }


@router.get("/grading/ranking", summary="全省16市主要经济指标排名与双亮牌")
def ranking(request: HttpRequest, filters: Query[PeriodQuery]) -> dict[str, Any]:
    _not_for_administrators(request)
    period = _period(request, filters.period, pickers.latest_ranked_code)
    boards, provisional = queries.ranking_board(period)
    return {
        "period": _period_out(period, provisional),
        "indicators": [
            {
                "id": b.indicator_id,
                "name": b.name,
                "unit": b.unit,
                "distances": {str(k): _s(v) for k, v in b.distances.items()},
                "rows": [
                    {
                        "city": r.city,
                        "growth": _s(r.growth),
                        "rank": r.rank,
                        "prev_rank": r.prev_rank,
                        "change": r.change,
                        "change_card": r.change_card,
                        "grade": r.grade,
                        "home": r.is_home,
                    }
                    for r in b.rows
                ],
            }
            for b in boards
        ],
    }


@router.get("/grading/units", summary="区（市）和市直部门得分排名")
def units(request: HttpRequest, filters: Query[PeriodQuery]) -> dict[str, Any]:
    _not_for_administrators(request)
    period = _period(request, filters.period)
    districts, departments, provisional = queries.unit_board(period)

    def rows(items: list[queries.UnitRow]) -> list[dict[str, Any]]:
        return [
            {
                "name": u.name,
                "score": _s(u.score),
                "rank": u.rank,
                "prev_rank": u.prev_rank,
                "change_card": u.change_card,
                "blue": u.blue,
                "yellow": u.yellow,
                "red": u.red,
                "graded": u.graded,
            }
            for u in items
        ]

    return {
        "period": _period_out(period, provisional),
        "districts": rows(districts),
        "departments": rows(departments),
    }


@router.get("/grading/summons", summary="约谈名单（连续红牌期数按评定规则，默认两期）")
def summons(request: HttpRequest, filters: Query[PeriodQuery]) -> dict[str, Any]:
    period = _period(request, filters.period)
    return {"period": _period_out(period, False), "items": services.summons_for(actor(request), period)}


@router.get("/grading/periods", summary="考核期及其快照版本")
def periods(request: HttpRequest) -> list[dict[str, Any]]:
    _not_for_administrators(request)
    from liangping.grading.models import Snapshot

    tenant = tenant_for(actor(request))
    periods = Period.objects.for_tenant(tenant)
    versions: dict[int, list[int]] = {}
    for pid, v in (
        Snapshot.objects.filter(period__in=periods).order_by("version").values_list("period_id", "version")
    ):
        versions.setdefault(pid, []).append(v)
    return [
        {
            "code": p.code,
            "label": p.label,
            "status": p.status,
            "locked_at": p.locked_at,
            "published_at": p.published_at,
            "snapshots": versions.get(p.pk, []),
        }
        for p in periods
    ]

"""What the evaluation pages show: rounds a user may see, a round's board with 双亮牌, a unit's profile."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from liangping.core.models import OrgKind, Role
from liangping.core.scope import AnyUser, city_scope, role_of, sees_ledger
from liangping.evaluation import schemes
from liangping.evaluation.models import Round, RoundResult, RoundSnapshot, RoundStatus
from liangping.evaluation.services import current_snapshot
from liangping.indicators.ranking import change_card, rank_change

GRADE_WORDS = {"red": "红", "yellow": "黄", "blue": "蓝", "none": "—"}
# The figures an automatic measure was computed from, as the page names them.
INPUT_LABELS = {
    "reports": "本期调度（份）",
    "returned": "曾被退回（份）",
    "expected": "应报调度（份）",
    "on_time": "按时（件）",
    "closed": "办结（件）",
    "answered": "答复（件）",
    "plan": "年度计划投资（万元）",
    "actual": "累计完成投资（万元）",
    "time_progress": "时序进度（%）",
    "count": "件数",
    "target": "目标（工作日）",
}


def _figure(value: Any) -> str:
    """A stored figure for reading: at most two decimals (the stored value stays exact)."""
    if isinstance(value, str) and "." in value:
        try:
            return f"{Decimal(value).quantize(Decimal('0.01')):f}"
        except ArithmeticError:
            return value
    return str(value)


def rounds_for(user: AnyUser) -> QuerySet[Round]:
    """The supervisor: every round of the city; an evaluator: the rounds they score; anyone else who
    reads the ledger: the published rounds of their city."""
    if not sees_ledger(user):
        return Round.objects.none()
    tenant = city_scope(user)
    qs = Round.objects.all() if tenant is None else Round.objects.filter(tenant_id=tenant)
    if role_of(user) == Role.SUPERVISOR:
        return qs
    return qs.filter(Q(status=RoundStatus.PUBLISHED) | Q(evaluators__user=user)).distinct()


def sees_results(user: AnyUser, rnd: Round) -> bool:
    """Results before publication: the supervisor only; evaluators see their scoring, not the ranking."""
    return rnd.status == RoundStatus.PUBLISHED or role_of(user) == Role.SUPERVISOR


def _card(r: RoundResult) -> str:
    return change_card(rank_change(r.prev_rank, r.rank))


def board(snap: RoundSnapshot) -> dict[str, list[dict[str, Any]]]:
    """The snapshot's results as two ranked lists (districts, departments), one query."""
    dims = snap.scheme.dimensions["dimensions"]
    out: dict[str, list[dict[str, Any]]] = {"district": [], "department": []}
    for r in snap.results.all():
        out.setdefault(r.kind, []).append(
            {
                "result": r,
                "card": _card(r),
                "dims": [
                    {
                        "label": d["label"],
                        "mark": d["mark"],
                        "score": r.dimension(d["code"]).get("score"),
                        "grade": r.dimension(d["code"]).get("grade", "none"),
                    }
                    for d in dims
                ],
            }
        )
    return out


def radar(snap: RoundSnapshot, result: RoundResult | None = None) -> dict[str, Any]:
    """The per-dimension profile as chart data: indicators and one series per unit (or one unit)."""
    dims = snap.scheme.dimensions["dimensions"]
    results = [result] if result is not None else list(snap.results.all())
    return {
        "indicators": [{"name": f"{d['mark']} {d['label']}", "max": 100} for d in dims],
        "series": [
            {
                "name": r.name,
                "value": [r.dimension(d["code"]).get("score") or "0" for d in dims],
            }
            for r in results
        ],
    }


def profile(snap: RoundSnapshot, result: RoundResult) -> list[dict[str, Any]]:
    """Each dimension of one unit with its measures, figures and formulas, as the page shows them."""
    rows = []
    for d in snap.scheme.dimensions["dimensions"]:
        ms = []
        for m in d["measures"]:
            got = result.measures.get(m["code"], {})
            formula = (
                schemes.AUTO_METRICS[m["metric"]]["formula"]
                if m["type"] == "auto"
                else schemes.JUDGED_FORMULA
            )
            inputs = [(INPUT_LABELS.get(k, k), _figure(v)) for k, v in got.get("inputs", {}).items()]
            ms.append(
                {
                    "measure": m,
                    "result": got,
                    "formula": formula,
                    "inputs": inputs,
                    "value": _figure(got["value"]) if got.get("value") is not None else "",
                }
            )
        dim = result.dimension(d["code"])
        rows.append({"dim": d, "score": dim.get("score"), "grade": dim.get("grade", "none"), "measures": ms})
    return rows


def latest_snapshot(rnd: Round) -> RoundSnapshot | None:
    return current_snapshot(rnd)


def unit_kinds() -> list[tuple[str, str]]:
    return [(OrgKind.DISTRICT, "区（市）"), (OrgKind.DEPARTMENT, "市直部门"), ("cadre", "领导干部")]

"""Rounds of 「五比五看」: open, score, lock, publish and reopen, one transaction and one audit entry each.

Like a grading period: locking recomputes the automatic measures, combines them with the judged
scores and freezes the ranking in a new snapshot version (never changed afterwards); publishing shows
it; reopening needs a written reason and keeps the old versions readable."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from liangping.core.audit import record
from liangping.core.models import Org, OrgKind, Period, Role, User
from liangping.evaluation import measures
from liangping.evaluation.models import (
    Evaluator,
    Round,
    RoundResult,
    RoundSnapshot,
    RoundStatus,
    RoundUnit,
    Scheme,
    Score,
)
from liangping.indicators.ranking import competition_rank

UNIT_KINDS = (OrgKind.DEPARTMENT, OrgKind.DISTRICT)


class EvaluationError(ValueError):
    """A refused action, with a message for people (naming the form field in `field`); nothing saved."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _require_supervisor(actor: User) -> None:
    if actor.role != Role.SUPERVISOR:
        raise EvaluationError("只有督查人员可以管理评价轮次")


def _tenant(actor: User) -> Org | None:
    org = actor.org
    return org.tenant if org is not None and org.tenant_id else None


@transaction.atomic
def open_round(
    actor: User,
    *,
    title: str,
    period: Period,
    scheme: Scheme,
    units: Sequence[Org],
    evaluators: Sequence[tuple[User, Sequence[Org]]],
    at: Any = None,
) -> Round:
    """Open a round; its automatic measures are computed now (and again, frozen, at lock)."""
    _require_supervisor(actor)
    tenant = _tenant(actor)
    if not title.strip():
        raise EvaluationError("请填写轮次名称", "title")
    if not units:
        raise EvaluationError("请至少选择一个被评价单位", "units")
    if not evaluators:
        raise EvaluationError("请至少指定一名评价人", "evaluators")
    for org in units:
        if org.kind not in UNIT_KINDS or (tenant is not None and org.tenant_id != tenant.pk):
            raise EvaluationError(f"“{org.name}”不是本市的部门或区（市）", "units")
    unit_ids = {o.pk for o in units}
    for user, scope in evaluators:
        if user.role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR) or not user.is_active:
            raise EvaluationError(f"“{user.name}”不能担任评价人", "evaluators")
        if any(o.pk not in unit_ids for o in scope):
            raise EvaluationError(f"评价人“{user.name}”的评价范围须在被评价单位之中", "evaluators")
    rnd = Round.objects.create(
        tenant=tenant,
        title=title.strip()[:100],
        period=period,
        scheme=scheme,
        opened_by=actor,
        opened_at=at or timezone.now(),
    )
    computed = measures.compute_units(scheme.dimensions, units, period)
    RoundUnit.objects.bulk_create([RoundUnit(round=rnd, org=o, auto=computed[o.pk]) for o in units])
    for user, scope in evaluators:
        ev = Evaluator.objects.create(round=rnd, user=user)
        ev.units.set(scope)
    record(
        actor,
        "evaluation.open",
        rnd,
        changes={
            "period": [None, period.code],
            "scheme": [None, f"{scheme.key} v{scheme.version}"],
            "units": [None, [o.name for o in units]],
            "evaluators": [None, [u.name for u, _ in evaluators]],
        },
    )
    return rnd


def evaluator_scope(rnd: Round, user: Any) -> list[int] | None:
    """The org ids this user may score in the round: None when not an evaluator."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return None
    ev = rnd.evaluators.filter(user_id=pk).prefetch_related("units").first()
    if ev is None:
        return None
    scope = [o.pk for o in ev.units.all()]
    return scope or list(rnd.units.values_list("org_id", flat=True))


@transaction.atomic
def score(actor: User, rnd: Round, org: Org, entries: dict[str, tuple[str, str]]) -> list[Score]:
    """Record the evaluator's judged scores of one unit: measure code → (score text, comment).
    Every entry is checked before anything is written."""
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    if rnd.status != RoundStatus.OPEN:
        raise EvaluationError(f"{rnd.title}已{rnd.get_status_display()}，不能再评分")
    scope = evaluator_scope(rnd, actor)
    if scope is None:
        raise EvaluationError("您不是本轮评价人，不能评分")
    if org.pk not in scope:
        raise EvaluationError(f"“{org.name}”不在您的评价范围内，不能评分")
    judged = {code: label for _d, code, label in measures.judged_codes(rnd.scheme.dimensions)}
    clean: dict[str, tuple[int, str]] = {}
    for code, (value, comment) in entries.items():
        if code not in judged:
            raise EvaluationError(f"评价项“{code}”不在本轮方案中", f"score_{code}")
        label = judged[code]
        try:
            number = int(str(value).strip())
        except ValueError as exc:
            raise EvaluationError(f"“{label}”的评分应为 1 到 10 的整数", f"score_{code}") from exc
        if not 1 <= number <= 10:
            raise EvaluationError(f"“{label}”的评分应为 1 到 10 的整数", f"score_{code}")
        if not comment.strip():
            raise EvaluationError(f"“{label}”请填写评语", f"comment_{code}")
        clean[code] = (number, comment.strip()[:2000])
    if not clean:
        raise EvaluationError("请至少填写一项评分", "")
    saved = []
    for code, (number, comment) in clean.items():
        row, _created = Score.objects.update_or_create(
            round=rnd,
            evaluator=actor,
            org=org,
            measure=code,
            defaults={"value": number, "comment": comment, "at": timezone.now()},
        )
        saved.append(row)
    record(
        actor,
        "evaluation.score",
        rnd,
        changes={"org": org.name, "scores": {c: v for c, (v, _t) in clean.items()}},
        reason="；".join(t for _v, t in clean.values())[:500],
    )
    return saved


def previous_round(rnd: Round) -> Round | None:
    """The latest earlier locked or published round of the same scheme family and city."""
    return (
        Round.objects.filter(
            tenant=rnd.tenant_id,
            scheme__key=rnd.scheme.key,
            status__in=[RoundStatus.LOCKED, RoundStatus.PUBLISHED],
            period__year__lte=rnd.period.year,
        )
        .exclude(pk=rnd.pk)
        .filter(opened_at__lt=rnd.opened_at)
        .order_by("-period__year", "-period__month", "-opened_at")
        .first()
    )


def current_snapshot(rnd: Round) -> RoundSnapshot | None:
    return RoundSnapshot.objects.filter(round=rnd).order_by("-version").first()


@transaction.atomic
def lock_round(actor: User, rnd: Round) -> RoundSnapshot:
    _require_supervisor(actor)
    rnd = Round.objects.select_for_update().select_related("scheme", "period").get(pk=rnd.pk)
    if rnd.status != RoundStatus.OPEN:
        raise EvaluationError(f"{rnd.title}已{rnd.get_status_display()}，如需重新计算请先重新开放")
    dims = rnd.scheme.dimensions
    units = list(rnd.units.select_related("org"))
    computed = measures.compute_units(dims, [u.org for u in units], rnd.period)
    judged: dict[int, dict[str, list[int]]] = {}
    for org_id, code, value in (
        Score.objects.filter(round=rnd).order_by("id").values_list("org_id", "measure", "value")
    ):
        judged.setdefault(org_id, {}).setdefault(code, []).append(value)
    rows = []
    for u in units:
        total, dimensions, results = measures.combine(dims, computed[u.org_id], judged.get(u.org_id, {}))
        rows.append((u, total, dimensions, results))
    ranks: dict[int, int] = {}
    for kind in UNIT_KINDS:  # districts among districts, departments among departments
        ranks |= competition_rank(
            {u.org_id: total for u, total, _d, _r in rows if total is not None and u.org.kind == kind}
        )
    before = previous_round(rnd)
    prev_snap = current_snapshot(before) if before else None
    prev = dict(prev_snap.results.values_list("org_id", "rank")) if prev_snap else {}
    version = (RoundSnapshot.objects.filter(round=rnd).aggregate(v=Max("version"))["v"] or 0) + 1
    snap = RoundSnapshot.objects.create(
        round=rnd,
        version=version,
        scheme=rnd.scheme,
        created_by=actor,
        summary={
            "previous": before.pk if before else None,
            "units": len(units),
            "scores": sum(len(v) for j in judged.values() for v in j.values()),
        },
    )
    last = len(rows) + 1  # a unit without any score ranks last
    RoundResult.objects.bulk_create(
        [
            RoundResult(
                snapshot=snap,
                org=u.org,
                name=u.org.name,
                kind=u.org.kind,
                total=total if total is not None else Decimal(0),
                rank=ranks.get(u.org_id, last),
                prev_rank=prev.get(u.org_id),
                dimensions=dimensions,
                measures=results,
            )
            for u, total, dimensions, results in rows
        ]
    )
    for u in units:
        RoundUnit.objects.filter(pk=u.pk).update(auto=computed[u.org_id], computed_at=timezone.now())
    Round.objects.filter(pk=rnd.pk).update(status=RoundStatus.LOCKED, locked_at=timezone.now())
    record(actor, "evaluation.lock", rnd, changes={"status": ["open", "locked"], "snapshot": [None, version]})
    return snap


@transaction.atomic
def publish_round(actor: User, rnd: Round) -> Round:
    _require_supervisor(actor)
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    if rnd.status != RoundStatus.LOCKED:
        raise EvaluationError(
            f"{rnd.title}尚未锁定，不能发布" if rnd.status == RoundStatus.OPEN else f"{rnd.title}已发布"
        )
    Round.objects.filter(pk=rnd.pk).update(status=RoundStatus.PUBLISHED, published_at=timezone.now())
    record(actor, "evaluation.publish", rnd, changes={"status": ["locked", "published"]})
    rnd.refresh_from_db()
    return rnd


@transaction.atomic
def reopen_round(actor: User, rnd: Round, reason: str) -> Round:
    _require_supervisor(actor)
    if not reason.strip():
        raise EvaluationError("重新开放评价轮次必须写明原因", "reason")
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    if rnd.status == RoundStatus.OPEN:
        raise EvaluationError(f"{rnd.title}本来就在评分中")
    before = rnd.status
    Round.objects.filter(pk=rnd.pk).update(status=RoundStatus.OPEN, published_at=None)
    record(actor, "evaluation.reopen", rnd, changes={"status": [before, "open"]}, reason=reason.strip())
    rnd.refresh_from_db()
    return rnd


def summons_rows(rnd: Round) -> list[dict[str, Any]]:
    """Units red on any dimension in this round's snapshot and in the previous round's (two running)."""
    snap = current_snapshot(rnd)
    before = previous_round(rnd) if snap else None
    prev = current_snapshot(before) if before else None
    if snap is None or prev is None:
        return []
    labels = {d["code"]: d["label"] for d in rnd.scheme.dimensions["dimensions"]}
    earlier = {r.org_id: set(r.reds) for r in prev.results.all()}
    out = []
    for r in snap.results.all():
        red_now = set(r.reds)
        if red_now and earlier.get(r.org_id):
            out.append(
                {
                    "name": r.name,
                    "reason": "、".join(labels.get(c, c) for c in sorted(red_now)) + "为红",
                    "previous": "、".join(labels.get(c, c) for c in sorted(earlier[r.org_id])) + "为红",
                    "round": rnd.title,
                    "previous_round": before.title if before else "",
                }
            )
    return out

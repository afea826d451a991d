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
    Subjects,
    cadre_label,
)
from liangping.indicators.ranking import competition_rank

UNIT_KINDS = (OrgKind.DEPARTMENT, OrgKind.DISTRICT)
CADRE_KIND = "cadre"  # RoundResult.kind of a leading cadre (ranked among the round's cadres)
CADRE_ROLES = (Role.LEADER,)


def cadres_of(tenant_id: int | None) -> list[User]:
    """The leading cadres who may be evaluated: active 包保市领导 of the city."""
    qs = User.objects.filter(role__in=CADRE_ROLES, is_active=True)
    if tenant_id is not None:
        qs = qs.filter(org__tenant_id=tenant_id)
    return list(qs.order_by("id"))


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
    units: Sequence[Org] = (),
    evaluators: Sequence[tuple[User, Sequence[Org]]] | Sequence[tuple[User, Sequence[User]]],
    cadres: Sequence[User] = (),
    at: Any = None,
) -> Round:
    """Open a round of units, or (with `cadres` and no units) of leading cadres, never both; each
    evaluator's scope is a list of the round's subjects. Its automatic measures are computed now (and
    again, frozen, at lock)."""
    _require_supervisor(actor)
    tenant = _tenant(actor)
    if not title.strip():
        raise EvaluationError("请填写轮次名称", "title")
    if units and cadres:
        raise EvaluationError("一个轮次只能评价单位或领导干部中的一类", "subjects")
    if not units and not cadres:
        raise EvaluationError("请至少选择一个被评价单位或领导干部", "units")
    if not evaluators:
        raise EvaluationError("请至少指定一名评价人", "evaluators")
    for org in units:
        if org.kind not in UNIT_KINDS or (tenant is not None and org.tenant_id != tenant.pk):
            raise EvaluationError(f"“{org.name}”不是本市的部门或区（市）", "units")
    allowed = {u.pk for u in cadres_of(tenant.pk if tenant is not None else None)}
    for person in cadres:
        if person.pk not in allowed:
            raise EvaluationError(f"“{person.name}”不是本市的包保市领导", "cadres")
    subjects: Sequence[Org] | Sequence[User] = units or cadres
    subject_ids = {s.pk for s in subjects}
    for user, scope in evaluators:
        if user.role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR) or not user.is_active:
            raise EvaluationError(f"“{user.name}”不能担任评价人", "evaluators")
        if any(type(o) is not type(subjects[0]) or o.pk not in subject_ids for o in scope):
            what = "被评价单位" if units else "被评价领导干部"
            raise EvaluationError(f"评价人“{user.name}”的评价范围须在{what}之中", "evaluators")
    rnd = Round.objects.create(
        tenant=tenant,
        title=title.strip()[:100],
        period=period,
        scheme=scheme,
        subjects=Subjects.UNITS if units else Subjects.CADRES,
        opened_by=actor,
        opened_at=at or timezone.now(),
    )
    computed = measures.compute_units(scheme.dimensions, subjects, period)
    RoundUnit.objects.bulk_create(
        [RoundUnit(round=rnd, org=o, auto=computed[o.pk]) for o in units]
        + [RoundUnit(round=rnd, cadre=c, auto=computed[c.pk]) for c in cadres]
    )
    for user, scope in evaluators:
        ev = Evaluator.objects.create(round=rnd, user=user)
        if units:
            ev.units.set([o.pk for o in scope])
        else:
            ev.cadres.set([o.pk for o in scope])
    record(
        actor,
        "evaluation.open",
        rnd,
        changes={
            "period": [None, period.code],
            "scheme": [None, f"{scheme.key} v{scheme.version}"],
            ("units" if units else "cadres"): [
                None,
                [o.name for o in units] if units else [cadre_label(c) for c in cadres],
            ],
            "evaluators": [None, [u.name for u, _ in evaluators]],
        },
    )
    return rnd


def evaluator_scope(rnd: Round, user: Any) -> list[int] | None:
    """The subject ids (orgs, or users in a round of cadres) this user may score in the round: None
    when not an evaluator."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return None
    listed = "cadres" if rnd.of_cadres else "units"
    ev = rnd.evaluators.filter(user_id=pk).prefetch_related(listed).first()
    if ev is None:
        return None
    scope = [o.pk for o in getattr(ev, listed).all()]
    return scope or list(rnd.units.values_list("cadre_id" if rnd.of_cadres else "org_id", flat=True))


def subject_of(rnd: Round, pk: int) -> RoundUnit | None:
    """The round's subject with this id (an org id, or a user id in a round of cadres)."""
    field = "cadre_id" if rnd.of_cadres else "org_id"
    return rnd.units.select_related("org", "cadre").filter(**{field: pk}).first()


@transaction.atomic
def score(actor: User, rnd: Round, org: Org | User, entries: dict[str, tuple[str, str]]) -> list[Score]:
    """Record the evaluator's judged scores of one unit (or cadre): measure code → (score text,
    comment). Every entry is checked before anything is written."""
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    cadre = isinstance(org, User)
    label = cadre_label(org) if isinstance(org, User) else org.name
    if rnd.status != RoundStatus.OPEN:
        raise EvaluationError(f"{rnd.title}已{rnd.get_status_display()}，不能再评分")
    scope = evaluator_scope(rnd, actor)
    if scope is None:
        raise EvaluationError("您不是本轮评价人，不能评分")
    if org.pk not in scope or cadre != rnd.of_cadres:
        raise EvaluationError(f"“{label}”不在您的评价范围内，不能评分")
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
            org=org if isinstance(org, Org) else None,
            cadre=org if isinstance(org, User) else None,
            measure=code,
            defaults={"value": number, "comment": comment, "at": timezone.now()},
        )
        saved.append(row)
    record(
        actor,
        "evaluation.score",
        rnd,
        changes={("cadre" if cadre else "org"): label, "scores": {c: v for c, (v, _t) in clean.items()}},
        reason="；".join(t for _v, t in clean.values())[:500],
    )
    return saved


def previous_round(rnd: Round) -> Round | None:
    """The latest earlier locked or published round of the same scheme family and city."""
    return (
        Round.objects.filter(
            tenant=rnd.tenant_id,
            scheme__key=rnd.scheme.key,
            subjects=rnd.subjects,
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
    field = "cadre_id" if rnd.of_cadres else "org_id"
    units = list(rnd.units.select_related("org", "cadre"))
    subjects = [u.cadre if rnd.of_cadres else u.org for u in units]
    computed = measures.compute_units(dims, subjects, rnd.period)  # type: ignore[arg-type]
    judged: dict[int, dict[str, list[int]]] = {}
    for subject_id, code, value in (
        Score.objects.filter(round=rnd).order_by("id").values_list(field, "measure", "value")
    ):
        judged.setdefault(subject_id, {}).setdefault(code, []).append(value)
    rows = []
    for u in units:
        sid = u.subject_id
        total, dimensions, results = measures.combine(dims, computed[sid], judged.get(sid, {}))
        rows.append((u, total, dimensions, results))

    def kind_of(u: RoundUnit) -> str:
        return CADRE_KIND if u.org is None else u.org.kind

    ranks: dict[int, int] = {}
    for kind in (*UNIT_KINDS, CADRE_KIND):  # districts among districts, departments, cadres likewise
        ranks |= competition_rank(
            {u.subject_id: total for u, total, _d, _r in rows if total is not None and kind_of(u) == kind}
        )
    before = previous_round(rnd)
    prev_snap = current_snapshot(before) if before else None
    prev = dict(prev_snap.results.values_list(field, "rank")) if prev_snap else {}
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
                cadre=u.cadre,
                name=u.label,
                kind=kind_of(u),
                total=total if total is not None else Decimal(0),
                rank=ranks.get(u.subject_id, last),
                prev_rank=prev.get(u.subject_id),
                dimensions=dimensions,
                measures=results,
            )
            for u, total, dimensions, results in rows
        ]
    )
    for u in units:
        RoundUnit.objects.filter(pk=u.pk).update(auto=computed[u.subject_id], computed_at=timezone.now())
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
    earlier = {r.subject_id: set(r.reds) for r in prev.results.all()}
    out = []
    for r in snap.results.all():
        red_now = set(r.reds)
        if red_now and earlier.get(r.subject_id):
            out.append(
                {
                    "name": r.name,
                    "reason": "、".join(labels.get(c, c) for c in sorted(red_now)) + "为红",
                    "previous": "、".join(labels.get(c, c) for c in sorted(earlier[r.subject_id])) + "为红",
                    "round": rnd.title,
                    "previous_round": before.title if before else "",
                }
            )
    return out

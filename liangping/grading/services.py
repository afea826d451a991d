"""Periods are locked, published and re-opened here; rule sets are versioned here. One transaction each."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Max
from django.utils import timezone

from liangping.appeals.queries import Month, appeal_rows
from liangping.appeals.rates import unit_rates
from liangping.cases.models import Case
from liangping.core.audit import record
from liangping.core.hooks import emit
from liangping.core.models import Period, PeriodStatus, Role, User
from liangping.core.periods import parse_period_code, period_code, previous_period_end
from liangping.core.scope import AnyUser
from liangping.core.tenancy import INSTALLATION, TenantArg, inherited, resolve, tenant_for
from liangping.core.workdays import WorkCalendar
from liangping.grading.compute import GradedProject, GradedTask, grade_projects, grade_tasks, project_ranks
from liangping.grading.models import ItemKind, RuleSet, Snapshot, SnapshotItem
from liangping.grading.rules import DEFAULT_RULES, appeals_weight, consecutive_red, grade_indicator, validate
from liangping.grading.units import unit_scores
from liangping.indicators.places import home_city
from liangping.indicators.services import district_ranking, ranking
from liangping.projects.models import MonthlyReport, Project, ReportStatus
from liangping.services.figures import public_summary as services_summary
from liangping.sheets.bulk import chunks
from liangping.tasks.models import Task

GRADE_KEYS = ("blue", "yellow", "red", "none")


class GradingError(ValueError):
    """A refused period or rule-set action, with a message for people."""


class NeedsConfirmation(GradingError):
    """Locking with reports still awaiting review: the caller must confirm, seeing the list."""

    def __init__(self, reports: list[MonthlyReport]) -> None:
        super().__init__(f"还有 {len(reports)} 份月度调度未审核，确认后仍可锁定")
        self.reports = reports


def province_ruleset() -> RuleSet:
    """The province's newest rule set: the defaults every city inherits (written once when missing)."""
    latest = RuleSet.objects.filter(tenant__isnull=True).order_by("-version").first()
    if latest is None:
        latest = RuleSet.objects.create(version=1, rules=copy.deepcopy(DEFAULT_RULES), note="默认规则")
    return latest


def active_ruleset(tenant: TenantArg = INSTALLATION) -> RuleSet:
    """The rule set in force for a city: the newest of its own, else the province's newest (its
    defaults); for the province (None), the province's newest."""
    own_first = models.Case(
        models.When(tenant__isnull=True, then=models.Value(1)),
        default=models.Value(0),
        output_field=models.IntegerField(),
    )
    found = RuleSet.objects.filter(inherited(tenant)).order_by(own_first, "-version").first()  # one query
    return found if found is not None else province_ruleset()


def _require_supervisor(actor: User | None) -> None:
    if actor is not None and actor.role not in (Role.SUPERVISOR, Role.SYSADMIN):
        raise GradingError("只有督查人员可以管理考核期和分级规则")


def _require_own(actor: User | None, period: Period) -> None:
    """A city's people act on their city's periods only, the province's on the province's."""
    if actor is not None and tenant_for(actor) != period.tenant_id:
        raise GradingError(f"{period.label}不属于本级，不能操作")


@transaction.atomic
def save_ruleset(actor: User | None, rules: dict[str, Any], note: str = "") -> RuleSet:
    """A new version of the rules of the actor's city (the province's defaults for the province's
    people); a city's first own version follows the version it inherited."""
    _require_supervisor(actor)
    validate(rules)
    tenant = tenant_for(actor)
    current = active_ruleset(tenant)
    if current.rules == rules:
        return current
    own = (
        RuleSet.objects.filter(tenant__isnull=True)
        if tenant is None
        else RuleSet.objects.filter(tenant_id=tenant)
    )
    version = max(current.version, own.aggregate(v=Max("version"))["v"] or 0) + 1
    new = RuleSet.objects.create(version=version, rules=rules, note=note, created_by=actor, tenant_id=tenant)
    record(actor, "ruleset.create", new, changes={"rules": [current.rules, rules]}, reason=note)
    return new


def tenant_projects(tenant: int | None) -> Any:
    """The projects a tenant's period grades: its city's; the province's period grades every city's."""
    return Project.objects.in_city(tenant)


def preview_ruleset(
    rules: dict[str, Any], year: int, month: int, tenant: TenantArg = INSTALLATION
) -> list[dict[str, Any]]:
    """Projects whose colour changes under `rules` compared with the rules in force."""
    validate(rules)
    city = resolve(tenant)
    projects = tenant_projects(city)
    before = {g.project_id: g for g in grade_projects(year, month, active_ruleset(city).rules, projects)}
    changes = []
    for g in grade_projects(year, month, rules, projects):
        old = before[g.project_id]
        if old.result.grade != g.result.grade:
            changes.append(
                {
                    "code": g.code,
                    "name": g.name,
                    "before": old.result.grade,
                    "after": g.result.grade,
                    "reason": g.result.reason,
                }
            )
    return changes


def get_or_create_period(code: str, tenant: TenantArg = INSTALLATION) -> Period:
    """The period of a tenant (default: the installation's city) by its code, created open when new."""
    kind, year, month = parse_period_code(code)
    period, _ = Period.objects.get_or_create(
        code=period_code(kind, year, month),
        tenant_id=resolve(tenant),
        defaults={"kind": kind, "year": year, "month": month},
    )
    return period


def period_months(period: Period) -> list[dt.date]:
    start = period.start
    return [dt.date(period.year, m, 1) for m in range(start.month, period.month + 1)]


def appeal_scores_for(period: Period, rules: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
    """The appeal 三率 综合得分 of each unit (of the period's city) over the period's months, when the
    rule set counts it."""
    if appeals_weight(rules) <= 0:
        return {}
    months = [Month(m.year, m.month) for m in period_months(period)]
    base = None if period.tenant_id is None else Case.objects.filter(lead_org__tenant_id=period.tenant_id)
    rows = [row for month in months for row in appeal_rows(month, base=base)]
    return {(u.unit_kind, u.unit): u.score for u in unit_rates(rows, timezone.now()) if u.score is not None}


def _period_reports(period: Period) -> Any:
    reports = MonthlyReport.objects.filter(month__in=period_months(period), status=ReportStatus.SUBMITTED)
    return (
        reports if period.tenant_id is None else reports.filter(project__district__tenant_id=period.tenant_id)
    )


def unreviewed_reports(period: Period) -> list[MonthlyReport]:
    return list(_period_reports(period).select_related("project").order_by("project__code"))


def unreviewed_count(period: Period) -> int:
    return _period_reports(period).count()


def current_snapshot(period: Period) -> Snapshot | None:
    return Snapshot.objects.filter(period=period).order_by("-version").first()


def adjacent_locked(period: Period) -> Period | None:
    """The adjacent earlier period of the same kind (2026Q1 before 2026Q2, 2026-05 before 2026-06) when it
    is locked or published, else None: an open or missing period in between breaks a run of red cards
    and leaves a rank without a previous one."""
    year, month = previous_period_end(period.kind, period.year, period.month)
    return (
        Period.objects.for_tenant(period.tenant_id)
        .filter(
            kind=period.kind, year=year, month=month, status__in=[PeriodStatus.LOCKED, PeriodStatus.PUBLISHED]
        )
        .first()
    )


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


ITEM_COLUMNS = ("kind", "ref_id", "code", "name", "district", "department", "leader", "grade", "reason",
                "rank", "prev_rank", "figures")  # fmt: skip
ItemRow = tuple[Any, ...]  # the values of ITEM_COLUMNS, in order


def _project_rows(graded: list[GradedProject], prev: dict[int, int]) -> list[ItemRow]:
    """Project items as plain rows: thirty thousand model instances cost seconds of a lock."""
    ranks = project_ranks(graded)
    return [
        (
            ItemKind.PROJECT.value,
            g.project_id,
            g.code,
            g.name,
            g.district,
            g.department,
            g.leader,
            g.result.grade,
            g.result.reason,
            ranks.get(g.project_id),
            prev.get(g.project_id),
            {
                "completion": _dec(g.result.completion),
                "time_progress": _dec(g.result.time_progress),
                "gap": _dec(g.result.gap),
                "ytd_investment": _dec(g.ytd_investment),
                "annual_plan": _dec(g.annual_plan),
                "rule": g.result.rule,
                "leader_id": g.leader_id,
            },
        )
        for g in graded
    ]


def _write_items(snapshot: Snapshot, rows: list[ItemRow]) -> None:
    """INSERT the snapshot's items, one executemany per batch (bulk_create spent longer building the
    SQL than the database spent writing)."""
    meta: Any = SnapshotItem._meta
    connection = connections[DEFAULT_DB_ALIAS]
    qn = connection.ops.quote_name
    fields = [meta.get_field(name) for name in ITEM_COLUMNS]
    figures = fields[-1]
    columns = ", ".join(qn(f.column) for f in [meta.get_field("snapshot"), *fields])
    sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * (len(fields) + 1))})"
    with connection.cursor() as cursor:
        for batch in chunks(rows, 2000):
            cursor.executemany(
                sql, [(snapshot.pk, *r[:-1], figures.get_db_prep_save(r[-1], connection)) for r in batch]
            )


def _task_items(graded: list[GradedTask]) -> list[SnapshotItem]:
    return [
        SnapshotItem(
            kind=ItemKind.TASK,
            ref_id=g.task_id,
            code=g.code,
            name=g.title,
            department=g.department,
            leader=g.leader,
            grade=g.result.grade,
            reason=g.result.reason,
            figures={
                "completion": _dec(g.result.completion),
                "time_progress": _dec(g.result.time_progress),
                "gap": _dec(g.result.gap),
                "actual_value": _dec(g.actual_value),
                "target_value": _dec(g.target_value),
                "rule": g.result.rule,
            },
        )
        for g in graded
    ]


def _indicator_items(year: int, month: int, rules: dict[str, Any], tenant: int | None) -> list[SnapshotItem]:
    """The 16-city ranking (provincial data every city reads) with the tenant's city as 「home」."""
    items = []
    for ind in ranking(year, month, home_city(tenant)):
        for row in ind.rows:
            figures: dict[str, Any] = {"growth": _dec(row.growth), "value": _dec(row.value), "unit": ind.unit}
            if row.is_home:
                figures["home"] = True
                figures["distances"] = {str(k): _dec(v) for k, v in ind.distances.items()}
            items.append(
                SnapshotItem(
                    kind=ItemKind.INDICATOR,
                    ref_id=ind.indicator_id,
                    code=str(row.city_id),
                    name=ind.name,
                    district=row.city,
                    grade=grade_indicator(row.rank, rules),
                    rank=row.rank,
                    prev_rank=row.prev_rank,
                    figures=figures,
                )
            )
    return items


def district_boards(year: int, month: int, tenant: TenantArg = INSTALLATION) -> list[dict[str, Any]]:
    """The home city's districts and counties ranked against each other on each indicator, as the
    snapshot keeps them (summary["district_ranking"]) so the screen shows the ranks of the period as
    they were when it was locked: rank, previous rank, growth and the distance to the place ahead
    (points of growth; none for a ranking by 总量, whose distance would be in another unit)."""
    boards = []
    city = resolve(tenant)
    if city is None:
        return []  # the province's period: its places are cities, ranked on the 16-city board
    for ind in district_ranking(year, month, city):
        rows = []
        for r in ind.rows:
            ahead = [o for o in ind.rows if o.rank < r.rank and o.growth is not None]
            gap = None
            if ahead and r.growth is not None and ind.rank_by != "value":
                nearest = max(ahead, key=lambda o: o.rank).growth or Decimal(0)
                gap = nearest - r.growth if ind.direction == "higher" else r.growth - nearest
            rows.append(
                {
                    "place": r.city,
                    "growth": _dec(r.growth),
                    "value": _dec(r.value),
                    "rank": r.rank,
                    "prev_rank": r.prev_rank,
                    "ahead": _dec(gap),
                }
            )
        boards.append({"indicator": ind.indicator_id, "name": ind.name, "unit": ind.unit,
                       "rank_by": ind.rank_by, "rows": rows})  # fmt: skip
    return boards


@transaction.atomic
def lock_period(actor: User | None, period: Period, *, confirm_unreviewed: bool = False) -> Snapshot:
    """Grade and rank everything for the period and freeze it in a new snapshot version."""
    _require_supervisor(actor)
    period = Period.objects.select_for_update().get(pk=period.pk)
    _require_own(actor, period)
    if period.status != PeriodStatus.OPEN:
        raise GradingError(f"{period.label}已{period.get_status_display()}，如需重新计算请先重新开放")
    pending = unreviewed_count(period)
    if pending and not confirm_unreviewed:
        raise NeedsConfirmation(unreviewed_reports(period))
    tenant = period.tenant_id
    ruleset = active_ruleset(tenant)
    graded = grade_projects(period.year, period.month, ruleset.rules, tenant_projects(tenant))
    before = adjacent_locked(period)
    prev_snapshot = current_snapshot(before) if before else None
    prev_ranks: dict[tuple[str, int | None, str], int] = {}
    if prev_snapshot is not None:
        for kind, ref, name, rank in prev_snapshot.items.exclude(rank=None).values_list(
            "kind", "ref_id", "name", "rank"
        ):
            unit_name = name if kind in (ItemKind.DISTRICT, ItemKind.DEPARTMENT) else ""
            if rank is not None:
                prev_ranks[(kind, ref, unit_name)] = rank
    rows = _project_rows(
        graded, {ref: r for (k, ref, _n), r in prev_ranks.items() if k == ItemKind.PROJECT and ref}
    )
    calendar = WorkCalendar.load(tenant)  # the city's holidays and 调休 over the installation's
    tasks = grade_tasks(period.year, period.month, ruleset.rules, Task.objects.in_city(tenant), calendar)
    items = _task_items(tasks)
    items += _indicator_items(period.year, period.month, ruleset.rules, tenant)
    items += unit_scores(
        graded, prev_ranks, ruleset.rules.get("unit_score"), appeal_scores_for(period, ruleset.rules)
    )
    rows += [tuple(getattr(i, name) for name in ITEM_COLUMNS) for i in items]
    version = (Snapshot.objects.filter(period=period).aggregate(v=Max("version"))["v"] or 0) + 1
    counts = {g: sum(1 for p in graded if p.result.grade == g) for g in GRADE_KEYS}
    task_counts = {g: sum(1 for i in items if i.kind == ItemKind.TASK and i.grade == g) for g in GRADE_KEYS}
    snapshot = Snapshot.objects.create(
        period=period,
        version=version,
        ruleset=ruleset,
        created_by=actor,
        summary={
            "projects": counts,
            "tasks": task_counts,
            "unreviewed": pending,
            "previous": before.code if before else None,
            "district_ranking": district_boards(period.year, period.month, tenant),
            "services": services_summary(tenant, period.start, period.end),
        },
    )
    _write_items(snapshot, rows)
    Period.objects.filter(pk=period.pk).update(status=PeriodStatus.LOCKED, locked_at=timezone.now())
    record(
        actor,
        "period.lock",
        period,
        changes={"status": ["open", "locked"], "snapshot": [None, version]},
        reason=f"未审核调度 {pending} 份" if pending else "",
    )
    return snapshot


@transaction.atomic
def publish_period(actor: User | None, period: Period) -> Period:
    _require_supervisor(actor)
    period = Period.objects.select_for_update().get(pk=period.pk)
    _require_own(actor, period)
    if period.status != PeriodStatus.LOCKED:
        raise GradingError(
            f"{period.label}尚未锁定，不能发布"
            if period.status == PeriodStatus.OPEN
            else f"{period.label}已发布"
        )
    period.status, period.published_at = PeriodStatus.PUBLISHED, timezone.now()
    Period.objects.filter(pk=period.pk).update(status=period.status, published_at=period.published_at)
    record(actor, "period.publish", period, changes={"status": ["locked", "published"]})
    emit("period.published", period=period)  # the screen writes its document (after the commit)
    return period


@transaction.atomic
def reopen_period(actor: User | None, period: Period, reason: str) -> Period:
    """Back to open; the snapshots stay readable and the next lock writes a new version."""
    _require_supervisor(actor)
    if not reason.strip():
        raise GradingError("重新开放考核期必须写明原因")
    period = Period.objects.select_for_update().get(pk=period.pk)
    _require_own(actor, period)
    if period.status == PeriodStatus.OPEN:
        raise GradingError(f"{period.label}本来就是开放状态")
    before = period.status
    Period.objects.filter(pk=period.pk).update(status=PeriodStatus.OPEN, published_at=None)
    period.refresh_from_db()
    record(actor, "period.reopen", period, changes={"status": [before, "open"]}, reason=reason.strip())
    return period


def summons_for(user: User | AnyUser, period: Period) -> list[dict[str, Any]]:
    """The summons list as this user may see it: the supervisor all of it, a leader the projects they
    led when the snapshot was taken (matched by account, not by name), anyone else nothing."""
    if period.pk is None or period.status == PeriodStatus.OPEN:
        return []
    role = getattr(user, "role", None) if user.is_authenticated else None
    if role == Role.SUPERVISOR:
        return summons_list(period)
    if role == Role.LEADER:
        return [r for r in summons_list(period) if r["leader_id"] == user.pk]
    return []


def summons_consecutive(period: Period) -> int:
    """The red periods in a row the summons list of `period` asks: from the rule set that graded its
    current snapshot, else (not locked yet) from the rule set in force."""
    snap = current_snapshot(period) if period.pk else None
    return consecutive_red((snap.ruleset if snap else active_ruleset(period.tenant_id)).rules)


def summons_list(period: Period) -> list[dict[str, Any]]:
    """Projects red in this period's snapshot and in the snapshots of the adjacent periods just before it
    (each locked), as many in a row as the rule set that graded this snapshot asks (default 2: 约谈)."""
    snap = current_snapshot(period)
    if snap is None:
        return []
    wanted = consecutive_red(snap.ruleset.rules)
    red = set(snap.items.filter(kind=ItemKind.PROJECT, grade="red").values_list("ref_id", flat=True))
    before, earlier = period, []
    for _ in range(wanted - 1):
        prior = adjacent_locked(before)
        prev = current_snapshot(prior) if prior else None
        if prior is None or prev is None:
            return []
        red &= set(prev.items.filter(kind=ItemKind.PROJECT, grade="red").values_list("ref_id", flat=True))
        earlier.append(prior)
        before = prior
    return [
        {
            "code": i.code,
            "name": i.name,
            "leader": i.leader,
            "leader_id": i.figures.get("leader_id"),
            "department": i.department,
            "district": i.district,
            "reason": i.reason,
            "previous_period": earlier[0].label if earlier else "",
            "consecutive": wanted,
        }
        for i in snap.items.filter(kind=ItemKind.PROJECT, grade="red", ref_id__in=red).order_by("code")
    ]

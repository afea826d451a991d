"""Plain data for the grading pages, the API and the exports: the same rows feed all three.

A locked period is read from its snapshot; an open one is graded live and marked provisional.
Scope: a user sees the grades of the projects and tasks they may see; the ranking is public.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.utils import timezone

from liangping.core.models import Period, PeriodStatus
from liangping.core.periods import parse_period_code, period_code
from liangping.core.scope import AnyUser, city_scope, sees_everything
from liangping.core.tenancy import INSTALLATION, TenantArg, resolve
from liangping.grading.compute import grade_projects, project_ranks
from liangping.grading.models import ItemKind, Snapshot, SnapshotItem, board_order_sql
from liangping.grading.rules import GRADE_LABELS, GRADES, NONE
from liangping.grading.services import active_ruleset, appeal_scores_for, current_snapshot, tenant_projects
from liangping.indicators.ranking import change_card, competition_rank, rank_change
from liangping.projects.models import Project

GRADE_ORDER = {"red": 0, "yellow": 1, "blue": 2, NONE: 3}


def _d(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass
class GradeRow:
    kind: str
    ref_id: int | None
    code: str
    name: str
    district: str
    department: str
    leader: str
    grade: str
    reason: str
    completion: Decimal | None
    time_progress: Decimal | None
    gap: Decimal | None
    rank: int | None
    prev_rank: int | None

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS.get(self.grade, "")

    @property
    def change(self) -> int | None:
        return rank_change(self.prev_rank, self.rank) if self.rank is not None else None

    @property
    def change_card(self) -> str:
        return change_card(self.change)


@dataclass
class Board:
    period: Period
    snapshot: Snapshot | None
    provisional: bool
    rows: list[GradeRow]
    counts: dict[str, int] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)


def default_period_code(today: dt.date | None = None) -> str:
    """The month that ended most recently."""
    today = today or timezone.localdate()
    last = today.replace(day=1) - dt.timedelta(days=1)
    return period_code("month", last.year, last.month)


def resolve_period(code: str | None, tenant: TenantArg = INSTALLATION) -> Period:
    """The tenant's stored period, or an unsaved open one (live grading) for a well-formed code."""
    kind, year, month = parse_period_code(code or default_period_code())
    city = resolve(tenant)
    stored = Period.objects.for_tenant(city).filter(kind=kind, year=year, month=month).first()
    return stored or Period.build(kind, year, month, city)


def _grade_row(i: SnapshotItem) -> GradeRow:
    return GradeRow(
        kind=i.kind,
        ref_id=i.ref_id,
        code=i.code,
        name=i.name,
        district=i.district,
        department=i.department,
        leader=i.leader,
        grade=i.grade,
        reason=i.reason,
        completion=_d(i.figures.get("completion")),
        time_progress=_d(i.figures.get("time_progress")),
        gap=_d(i.figures.get("gap")),
        rank=i.rank,
        prev_rank=i.prev_rank,
    )


def _snapshot_items(snapshot: Snapshot, user: AnyUser | None) -> QuerySet[SnapshotItem]:
    items = snapshot.items.filter(kind=ItemKind.PROJECT)
    if user is not None and (not sees_everything(user) or city_scope(user) is not None):
        items = items.filter(ref_id__in=Project.objects.visible_to(user).values("pk"))
    return items


def snapshot_rows(snapshot: Snapshot, user: AnyUser | None) -> list[GradeRow]:
    """The snapshot's project rows the user may see (None: no scope, for the command line)."""
    return [_grade_row(i) for i in _snapshot_items(snapshot, user)]


def _live_rows(period: Period, user: AnyUser | None) -> list[GradeRow]:
    projects = (
        tenant_projects(period.tenant_id)
        if user is None
        else Project.objects.visible_to(user).in_city(period.tenant_id)
    )
    graded = grade_projects(period.year, period.month, active_ruleset(period.tenant_id).rules, projects)
    ranks = project_ranks(graded)
    return [
        GradeRow(
            kind=ItemKind.PROJECT,
            ref_id=g.project_id,
            code=g.code,
            name=g.name,
            district=g.district,
            department=g.department,
            leader=g.leader,
            grade=g.result.grade,
            reason=g.result.reason,
            completion=g.result.completion,
            time_progress=g.result.time_progress,
            gap=g.result.gap,
            rank=ranks.get(g.project_id),
            prev_rank=None,
        )
        for g in graded
    ]


def project_board(user: AnyUser | None, period: Period, filters: dict[str, str] | None = None) -> Board:
    filters = filters or {}
    snapshot = current_snapshot(period) if period.pk and period.status != PeriodStatus.OPEN else None
    rows = snapshot_rows(snapshot, user) if snapshot else _live_rows(period, user)
    options = {
        "district": sorted({r.district for r in rows if r.district}),
        "department": sorted({r.department for r in rows if r.department}),
        "leader": sorted({r.leader for r in rows if r.leader}),
    }
    for key in ("district", "department", "leader"):
        if filters.get(key):
            rows = [r for r in rows if getattr(r, key) == filters[key]]
    counts = {g: sum(1 for r in rows if r.grade == g) for g in (*GRADES, NONE)}
    if filters.get("grade") in (*GRADES, NONE):
        rows = [r for r in rows if r.grade == filters["grade"]]
    rows.sort(key=lambda r: (GRADE_ORDER.get(r.grade, 9), r.gap if r.gap is not None else Decimal(0), r.code))
    return Board(period, snapshot, snapshot is None, rows, counts, options)


# The board's order in SQL: red, yellow, blue, ungraded; within a colour the gap ascending, which is
# the project rank descending (the lock ranks every graded project by gap, further ahead = 1st).
BOARD_ORDER = board_order_sql()  # the expressions of the grading_item_board index
PAGE_SIZE = 50
FILTERS = ("district", "department", "leader")
BOARD_CACHE_SECONDS = 24 * 3600


def _options_and_counts(
    items: QuerySet[SnapshotItem], filters: dict[str, str]
) -> tuple[dict[str, list[str]], dict[str, int]]:
    options = {
        key: sorted(v for v in items.order_by().values_list(key, flat=True).distinct() if v)
        for key in FILTERS
    }
    for key in FILTERS:
        if filters.get(key):
            items = items.filter(**{key: filters[key]})
    counts = dict.fromkeys((*GRADES, NONE), 0)
    for grade, n in items.order_by().values_list("grade").annotate(n=Count("id")):
        counts[grade if grade in counts else NONE] += n
    return options, counts


@dataclass
class BoardPage:
    board: Board
    page: Page[Any]
    numbers: list[Any]


def project_board_page(
    user: AnyUser | None, period: Period, filters: dict[str, str] | None = None, page: str | None = None
) -> BoardPage:
    """One page of the board. A locked period is read page by page from its snapshot in SQL (the
    counts and the filter options are aggregates), so the page costs the same at 500 projects as at
    30,000; an open period is graded live and paginated in memory."""
    filters = filters or {}
    snapshot = current_snapshot(period) if period.pk and period.status != PeriodStatus.OPEN else None
    if snapshot is None:
        board = project_board(user, period, filters)
        paginator: Paginator[Any] = Paginator(board.rows, PAGE_SIZE)
    else:
        items = _snapshot_items(snapshot, user)
        shared = user is None or sees_everything(user)
        key = (
            "grading:board:"
            + hashlib.sha256(
                repr(
                    (
                        snapshot.pk,
                        snapshot.created_at.timestamp(),
                        [filters.get(k, "") for k in FILTERS],
                        city_scope(user) if user is not None else None,  # shared within one city
                    )
                ).encode()
            ).hexdigest()
        )
        # a snapshot never changes: its options and counts (per filter) are cached for everyone who
        # sees the whole board, so a page costs one query for its rows whatever the size
        found = cache.get(key) if shared else None
        if found is None:
            found = _options_and_counts(items, filters)
            if shared:
                cache.set(key, found, BOARD_CACHE_SECONDS)
        options, counts = found
        for name in FILTERS:
            if filters.get(name):
                items = items.filter(**{name: filters[name]})
        grade = filters.get("grade", "")
        if grade in (*GRADES, NONE):
            items = items.filter(grade=grade)
        board = Board(period, snapshot, False, [], counts, options)
        paginator = Paginator(items.order_by(*BOARD_ORDER), PAGE_SIZE)
        paginator.__dict__["count"] = counts[grade] if grade in counts else sum(counts.values())
    current = paginator.get_page(page)
    if snapshot is not None:
        current.object_list = [_grade_row(i) for i in current.object_list]
    board.rows = list(current.object_list)
    numbers = list(paginator.get_elided_page_range(current.number, on_each_side=2, on_ends=1))
    return BoardPage(board, current, numbers)


@dataclass
class CityRow:
    city: str
    growth: Decimal | None  # None for an indicator ranked by 总量 without a growth rate
    rank: int
    prev_rank: int | None
    grade: str
    is_home: bool

    @property
    def change(self) -> int | None:
        return rank_change(self.prev_rank, self.rank)

    @property
    def change_card(self) -> str:
        return change_card(self.change)

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS.get(self.grade, "")


@dataclass
class IndicatorBoard:
    indicator_id: int
    name: str
    unit: str
    rows: list[CityRow]
    home: CityRow | None
    distances: dict[int, Decimal | None]


def ranking_board(period: Period) -> tuple[list[IndicatorBoard], bool]:
    """The 16-city ranking of the period (from the snapshot when locked) and whether it is provisional."""
    from liangping.grading.rules import grade_indicator
    from liangping.indicators.services import ranking

    snapshot = current_snapshot(period) if period.pk and period.status != PeriodStatus.OPEN else None
    boards: list[IndicatorBoard] = []
    if snapshot is not None:
        by_indicator: dict[int, IndicatorBoard] = {}
        for i in snapshot.items.filter(kind=ItemKind.INDICATOR).order_by("ref_id", "rank", "district"):
            row = CityRow(
                i.district,
                _d(i.figures["growth"]),
                i.rank or 0,
                i.prev_rank,
                i.grade,
                bool(i.figures.get("home")),
            )
            board = by_indicator.setdefault(
                i.ref_id or 0, IndicatorBoard(i.ref_id or 0, i.name, i.figures.get("unit", ""), [], None, {})
            )
            board.rows.append(row)
            if row.is_home:
                board.home = row
                # 10th, 5th, 3rd as the page's columns expect: PostgreSQL's jsonb does not keep key order.
                stored = {int(k): _d(v) for k, v in i.figures.get("distances", {}).items()}
                board.distances = dict(sorted(stored.items(), reverse=True))
        return list(by_indicator.values()), False
    from liangping.indicators.places import home_city

    rules = active_ruleset(period.tenant_id).rules
    for ind in ranking(period.year, period.month, home_city(period.tenant_id)):
        rows = [
            CityRow(r.city, r.growth, r.rank, r.prev_rank, grade_indicator(r.rank, rules), r.is_home)
            for r in ind.rows
        ]
        home = next((r for r in rows if r.is_home), None)
        boards.append(IndicatorBoard(ind.indicator_id, ind.name, ind.unit, rows, home, ind.distances))
    return boards, True


@dataclass
class UnitRow:
    kind: str
    name: str
    score: Decimal | None
    rank: int | None
    prev_rank: int | None
    blue: int
    yellow: int
    red: int
    graded: int

    @property
    def change_card(self) -> str:
        return change_card(rank_change(self.prev_rank, self.rank) if self.rank else None)


def unit_board(period: Period) -> tuple[list[UnitRow], list[UnitRow], bool]:
    """District and department scores of the period: (districts, departments, provisional)."""
    from liangping.grading.units import unit_scores

    snapshot = current_snapshot(period) if period.pk and period.status != PeriodStatus.OPEN else None
    if snapshot is not None:
        items = list(snapshot.items.filter(kind__in=[ItemKind.DISTRICT, ItemKind.DEPARTMENT]))
        provisional = False
    else:
        rules = active_ruleset(period.tenant_id).rules
        items = unit_scores(
            grade_projects(period.year, period.month, rules, tenant_projects(period.tenant_id)),
            {},
            rules.get("unit_score"),
            appeal_scores_for(period, rules),
        )
        provisional = True
    rows = [
        UnitRow(
            i.kind,
            i.name,
            _d(i.figures.get("score")),
            i.rank,
            i.prev_rank,
            i.figures["blue"],
            i.figures["yellow"],
            i.figures["red"],
            i.figures["graded"],
        )
        for i in items
    ]
    key = lambda r: (r.rank or 999, r.name)  # noqa: E731
    return (
        sorted((r for r in rows if r.kind == ItemKind.DISTRICT), key=key),
        sorted((r for r in rows if r.kind == ItemKind.DEPARTMENT), key=key),
        provisional,
    )


@dataclass
class HistoryPoint:
    label: str
    ranks: dict[str, int]


def indicator_history(indicator: Any) -> dict[str, Any]:
    """Rank of every city in every period that has values for the indicator (two queries)."""
    from liangping.indicators.models import City, Direction, IndicatorValue

    cities = list(City.objects.order_by("sort").values_list("name", flat=True))
    by_period: dict[tuple[int, int], dict[str, Decimal]] = {}
    by_value = indicator.ranks_by_value
    for year, month, city, growth, value in IndicatorValue.objects.filter(indicator=indicator).values_list(
        "year", "month", "city__name", "growth", "value"
    ):
        key = value if by_value else growth
        if key is not None:
            by_period.setdefault((year, month), {})[city] = key
    points = []
    for (year, month), growths in sorted(by_period.items()):
        ranks = competition_rank(growths, higher_is_better=indicator.direction == Direction.HIGHER)
        points.append(HistoryPoint(f"{year}年1-{month}月" if month > 1 else f"{year}年1月", ranks))
    return {
        "cities": cities,
        "points": points,
        "table": [{"city": c, "ranks": [p.ranks.get(c) for p in points]} for c in cities],
    }

"""What the pages need, each in a constant number of queries: the duty console (what is unanswered
right now, most urgent first), a warning's per-point table, and the figures (叫应率, median and
95th-percentile time to answer, per town and per person, per warning and per season)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from liangping.core.models import User
from liangping.emergency import loop, scope
from liangping.emergency.models import (
    ChainRole,
    Contact,
    DutyLogEntry,
    DutyShift,
    PointCall,
    Warning,
    WarningStatus,
)

LEVEL_RANK = Case(
    When(warning__level="red", then=Value(0)),
    When(warning__level="orange", then=Value(1)),
    When(warning__level="yellow", then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
CONSOLE_ROWS = 300


def with_counts(qs: QuerySet[Warning]) -> QuerySet[Warning]:
    return qs.annotate(
        n_points=Count("calls", distinct=True),
        n_answered=Count("calls", filter=Q(calls__acknowledged_at__isnull=False), distinct=True),
        n_ended=Count(
            "calls",
            filter=Q(calls__acknowledged_at__isnull=True, calls__chain_ended_at__isnull=False),
            distinct=True,
        ),
    )


def contacts_prefetch() -> Prefetch[Any]:
    return Prefetch("contacts", queryset=Contact.objects.select_related("person").order_by("stage", "pk"))


@dataclass
class Console:
    now: dt.datetime
    warnings: list[Warning]
    unanswered: list[Any]
    unanswered_total: int
    answered: list[PointCall]
    log: list[DutyLogEntry]
    shifts: list[DutyShift]
    ended: int = 0


def console(user: User, now: dt.datetime) -> Console:
    """The 3 a.m. page: live warnings, every unanswered point (chain ended first, then red before
    blue, then the furthest up the chain, then the oldest deadline), the latest answers, the duty log
    and today's roster. Seven queries whatever the size."""
    live = list(
        with_counts(scope.warnings_for(user).filter(status=WarningStatus.ACTIVE)).order_by("issued_at", "pk")
    )
    live_ids = [w.pk for w in live]
    calls = scope.calls_for(user).filter(warning_id__in=live_ids)
    unanswered = list(
        calls.filter(acknowledged_at__isnull=True)
        .select_related("warning", "point")
        .prefetch_related(contacts_prefetch())
        .annotate(level_rank=LEVEL_RANK)
        .order_by(
            Case(
                When(chain_ended_at__isnull=False, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "level_rank",
            "-stage",
            "next_at",
            "pk",
        )[:CONSOLE_ROWS]
    )
    answered = list(
        calls.filter(acknowledged_at__isnull=False)
        .select_related("warning", "point", "ack_person", "ack_recorded_by")
        .order_by("-acknowledged_at", "-pk")[:50]
    )
    today = timezone.localdate(now)
    shifts = list(
        scope.shifts_for(user).filter(date=today).select_related("org").order_by("org__sort", "shift")
    )
    log = list(_duty_log(user).select_related("warning")[:30])
    total = sum(w.n_points - w.n_answered for w in live)  # type: ignore[attr-defined]
    ended = sum(w.n_ended for w in live)  # type: ignore[attr-defined]
    return Console(now, live, unanswered, total, answered, log, shifts, ended)


def _duty_log(user: User) -> QuerySet[DutyLogEntry]:
    if scope.sees_all(user):
        city = scope.city_of(user)
        if city is None:
            return DutyLogEntry.objects.all()
        return DutyLogEntry.objects.filter(Q(org__tenant_id=city) | Q(warning__in=scope.warnings_for(user)))
    path = user.org.path if user.org is not None else "/-/"
    return DutyLogEntry.objects.filter(
        Q(org__path__startswith=path) | Q(warning__in=scope.warnings_for(user))
    )


def duty_log(user: User) -> QuerySet[DutyLogEntry]:
    return _duty_log(user)


def warning_calls(user: User, warning: Warning) -> list[PointCall]:
    return list(
        scope.calls_for(user)
        .filter(warning=warning)
        .select_related("point", "ack_person", "ack_recorded_by")
        .prefetch_related(contacts_prefetch(), "point__links__person")
        .order_by("acknowledged_at", "point__town_name", "point__code")
    )


# --- figures ----------------------------------------------------------------------------------------


@dataclass
class Figures:
    """叫应率 = points answered within the limit / points called; times in minutes, answered only."""

    label: str
    called: int = 0
    answered: int = 0
    in_time: int = 0
    escalated: int = 0
    times: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return None if not self.called else 100.0 * self.in_time / self.called

    @property
    def median(self) -> float | None:
        return percentile(self.times, 50)

    @property
    def p95(self) -> float | None:
        return percentile(self.times, 95)

    @property
    def never(self) -> int:
        return self.called - self.answered


def percentile(values: list[float], p: int) -> float | None:
    """Nearest-rank percentile (the smallest value with at least p % of the values at or below it)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class FigureSet:
    total: Figures
    towns: list[Figures]
    persons: list[Figures]


def figures(calls: QuerySet[PointCall]) -> FigureSet:
    """Figures of the given calls, overall, per town and per first responsible person. Two queries."""
    rows = list(
        calls.values(
            "pk",
            "point__town_name",
            "warning__issued_at",
            "warning__ack_minutes",
            "acknowledged_at",
            "escalated_at",
        )
    )
    firsts: dict[int, str] = {}
    for call_id, name in Contact.objects.filter(
        call_id__in=[r["pk"] for r in rows], role=ChainRole.FIRST
    ).values_list("call_id", "person__name"):
        firsts.setdefault(call_id, name)
    total = Figures("合计")
    towns: dict[str, Figures] = {}
    persons: dict[str, Figures] = {}
    for r in rows:
        town = r["point__town_name"]
        person = firsts.get(r["pk"], "—")
        groups = [total, towns.setdefault(town, Figures(town)), persons.setdefault(person, Figures(person))]
        minutes = None
        if r["acknowledged_at"] is not None:
            minutes = (r["acknowledged_at"] - r["warning__issued_at"]).total_seconds() / 60
        for g in groups:
            g.called += 1
            if r["escalated_at"] is not None:
                g.escalated += 1
            if minutes is not None:
                g.answered += 1
                g.times.append(round(minutes, 1))
                if minutes <= r["warning__ack_minutes"]:
                    g.in_time += 1
    order = lambda f: (f.rate if f.rate is not None else -1, f.label)  # noqa: E731
    return FigureSet(total, sorted(towns.values(), key=order), sorted(persons.values(), key=order))


def season_calls(user: User, year: int) -> QuerySet[PointCall]:
    """The calls of real (not drill) warnings issued in `year`, within what the user sees."""
    return scope.calls_for(user).filter(warning__is_drill=False, warning__issued_at__year=year)


def seasons(user: User) -> list[int]:
    years = scope.warnings_for(user).dates("issued_at", "year", order="DESC")
    return [d.year for d in years]


@dataclass
class DrillRow:
    call: PointCall
    minutes: float | None
    in_time: bool
    needed_escalation: bool
    first_names: str
    stage_text: str


def report_rows(calls: list[PointCall], warning: Warning) -> list[DrillRow]:
    out = []
    for call in calls:
        minutes = None
        if call.acknowledged_at is not None:
            minutes = round((call.acknowledged_at - warning.issued_at).total_seconds() / 60, 1)
        firsts = "、".join(c.person.name for c in call.contacts.all() if c.role == ChainRole.FIRST)
        out.append(
            DrillRow(
                call=call,
                minutes=minutes,
                in_time=minutes is not None and minutes <= warning.ack_minutes,
                needed_escalation=call.escalated_at is not None,
                first_names=firsts,
                stage_text=loop.stage_label(call),
            )
        )
    return out


def live_summary(user: User) -> dict[str, int]:
    live = scope.warnings_for(user).filter(status=WarningStatus.ACTIVE)
    calls = scope.calls_for(user).filter(warning__in=live)
    return calls.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(acknowledged_at__isnull=True)),
        ended=Count("pk", filter=Q(acknowledged_at__isnull=True, chain_ended_at__isnull=False)),
    )

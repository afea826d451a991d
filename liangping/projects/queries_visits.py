"""The site visit pages: the visit list and visits per specialist per week."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from liangping.core.config import get_setting
from liangping.core.ids import parse_id
from liangping.core.models import Role, User
from liangping.core.scope import AnyUser
from liangping.core.tenancy import tenant_for
from liangping.projects.models import Project, Visit


def visits_queryset(user: AnyUser, filters: Mapping[str, str]) -> QuerySet[Visit]:
    qs = (
        Visit.objects.visible_to(user)
        .select_related("project", "specialist")
        .annotate(photo_count=Count("photos"))
        .order_by("-date", "-id")
    )
    if (specialist := parse_id(filters.get("specialist"))) is not None:
        qs = qs.filter(specialist_id=specialist)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(project__name__icontains=q) | Q(project__code__icontains=q))
    return qs


def week_starts(today: dt.date, count: int = 8) -> list[dt.date]:
    """Mondays of the last `count` ISO weeks, oldest first, this week last."""
    monday = today - dt.timedelta(days=today.weekday())
    return [monday - dt.timedelta(weeks=i) for i in range(count - 1, -1, -1)]


def visit_tone(count: int, target: int, current: bool) -> str:
    if count >= target:
        return "blue"
    if count == 0:
        return "grey" if current else "red"
    return "yellow"


def _people(user: User) -> Any:
    people = User.objects.filter(role=Role.SPECIALIST, is_active=True)
    return people if user.role == Role.SUPERVISOR else people.filter(pk=user.pk)


def stats_end(user: User, today: dt.date | None = None, weeks: int = 8) -> dt.date:
    """The day the statistics end on when none is asked for: today while the last `weeks` weeks
    have visits, else the latest visit's day, so the page does not open on empty weeks (one query)."""
    today = today or timezone.localdate()
    latest = (
        Visit.objects.filter(specialist__in=_people(user), date__lte=today)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    return latest if latest is not None and latest < week_starts(today, weeks)[0] else today


def visit_stats(
    user: User, today: dt.date | None = None, weeks: int = 8, now: dt.date | None = None
) -> dict[str, Any]:
    """Visits per specialist per ISO week, the `weeks` weeks up to `today`: the supervisor sees every
    specialist, a specialist only their own row. Those with the fewest visits come first. Four
    queries. `now` (default today) says which week is still running."""

    now = now or timezone.localdate()
    today = min(today or now, now)
    mondays = week_starts(today, weeks)
    this_monday = week_starts(now, 1)[0]
    target = int(get_setting("visit_target_per_week", tenant_for(user)))  # the viewer's city's
    people = _people(user)
    counts: dict[tuple[int, dt.date], int] = {}
    per_week = (
        Visit.objects.filter(specialist__in=people, date__gte=mondays[0], date__lte=today)
        .annotate(week=TruncWeek("date"))
        .order_by()
        .values_list("specialist_id", "week")
        .annotate(n=Count("pk"))
    )
    for pk, week, n in per_week:
        counts[(pk, week if isinstance(week, dt.date) else week.date())] = n
    assigned = dict(
        Project.objects.filter(specialist__in=people)
        .order_by()
        .values_list("specialist_id")
        .annotate(n=Count("pk"))
    )
    rows = []
    for person in people.select_related("org"):
        numbers = [counts.get((person.pk, monday), 0) for monday in mondays]
        cells = [
            {"count": n, "tone": visit_tone(n, target, monday == this_monday)}
            for n, monday in zip(numbers, mondays, strict=True)
        ]
        rows.append(
            {
                "user": person,
                "projects": assigned.get(person.pk, 0),
                "cells": cells,
                "total": sum(numbers),
            }
        )
    rows.sort(key=lambda r: (r["total"], -r["projects"], r["user"].name))
    header = [
        {
            "label": f"第{m.isocalendar()[1]}周",
            "range": f"{m:%m-%d}~{m + dt.timedelta(days=6):%m-%d}",
            "current": m == this_monday,
        }
        for m in mondays
    ]
    earlier = mondays[0] - dt.timedelta(days=1)
    later = min(today + dt.timedelta(weeks=weeks), now) if mondays[-1] < this_monday else None
    return {
        "weeks": header,
        "rows": rows,
        "target": target,
        "end": today,
        "earlier": earlier.isoformat(),
        "later": later.isoformat() if later else "",
    }

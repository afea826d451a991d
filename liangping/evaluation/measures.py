"""The automatic measures of 「五比五看」, computed from liangping's own records over a period.

Every figure is an exact Decimal (stored as text); a score is quantized to 0.01 (half up) once, at
the end. A measure without records to count (no reports, no closed case) has no score and is left
out of its dimension's average. The formulas are the ones evaluation.schemes shows on the page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from liangping.cases.models import Case
from liangping.core import reporting
from liangping.core.models import AuditLog, Org, Period, User
from liangping.core.workdays import WorkCalendar
from liangping.grading.rules import time_progress
from liangping.projects.models import MonthlyReport, Project
from liangping.tasks.models import Task

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
PROPOSAL_KIND = "proposal"


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def median(values: list[int]) -> Decimal | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[mid])
    return (Decimal(ordered[mid - 1]) + Decimal(ordered[mid])) / 2


def _months(period: Period) -> list[dt.date]:
    return [dt.date(period.year, m, 1) for m in range(period.start.month, period.month + 1)]


def _unit_projects(org: Org | User) -> Q:
    """A unit's projects (it leads them or they lie in it); a cadre's: the projects they are the
    包保市领导 of (`Project.leader`)."""
    if isinstance(org, User):
        return Q(leader=org)
    return Q(department=org) | Q(district=org)


def _local(at: dt.datetime) -> dt.date:
    return timezone.localdate(at)


def _in_period(field: str, period: Period) -> Q:
    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(period.end, dt.time.max))
    return Q(**{f"{field}__gte": start, f"{field}__lte": end})


def _led_by(org: Org | User, kind: str = "project_problem") -> Q:
    """A unit's cases: led by it or a unit below it. A cadre's: the project problems raised on the
    projects they are 包保市领导 of or on the 攻坚事项 they lead (`Task.leader`); appeals and proposals
    are a unit's, never a person's, so a cadre has none."""
    if not isinstance(org, User):
        return Q(lead_org__path__startswith=org.path)
    if kind != "project_problem":
        return Q(pk__in=[])
    on_projects = Q(
        subject_ct=ContentType.objects.get_for_model(Project),
        subject_id__in=Project.objects.filter(leader=org).values("pk"),
    )
    on_tasks = Q(
        subject_ct=ContentType.objects.get_for_model(Task),
        subject_id__in=Task.objects.filter(leader=org).values("pk"),
    )
    return on_projects | on_tasks


def _result(value: Decimal | None, score: Decimal | None, **inputs: Any) -> dict[str, Any]:
    return {
        "value": text(value),
        "score": text(None if score is None else q2(score)),
        "inputs": {k: (text(v) if isinstance(v, Decimal) else v) for k, v in inputs.items()},
    }


def reports_returned(
    org: Org | User, period: Period, params: dict[str, Any], ctx: dict[str, Any]
) -> dict[str, Any]:
    reports = list(
        MonthlyReport.objects.filter(
            project__in=Project.objects.filter(_unit_projects(org)), month__in=_months(period)
        ).values_list("pk", flat=True)
    )
    if not reports:
        return _result(None, None, reports=0, returned=0)
    returned = (
        AuditLog.objects.filter(
            action="report.return",
            object_type="projects.monthlyreport",
            object_id__in=[str(pk) for pk in reports],
        )
        .values("object_id")
        .distinct()
        .count()
    )
    rate = Decimal(returned) * HUNDRED / len(reports)
    return _result(rate, HUNDRED - rate, reports=len(reports), returned=returned)


def reports_on_time(
    org: Org | User, period: Period, params: dict[str, Any], ctx: dict[str, Any]
) -> dict[str, Any]:
    projects = list(
        Project.objects.filter(_unit_projects(org), annual_plan__gt=0).values_list("pk", flat=True)
    )
    months = _months(period)
    expected = len(projects) * len(months)
    if not expected:
        return _result(None, None, expected=0, on_time=0)
    good = 0
    due = {m: reporting.due_date(m) for m in months}
    for r in MonthlyReport.objects.filter(project__in=projects, month__in=months):
        first = r.first_submitted_at or r.submitted_at
        if _local(first) <= due[r.month] and r.progress.strip():
            good += 1
    rate = Decimal(good) * HUNDRED / expected
    return _result(rate, rate, expected=expected, on_time=good)


def completion(
    org: Org | User, period: Period, params: dict[str, Any], ctx: dict[str, Any]
) -> dict[str, Any]:
    projects = list(Project.objects.filter(_unit_projects(org), annual_plan__gt=0))
    plan = sum((p.annual_plan or Decimal(0) for p in projects), Decimal(0))
    if not plan:
        return _result(None, None, plan=Decimal(0), actual=Decimal(0))
    latest: dict[int, Decimal] = {}
    year_start, last = dt.date(period.year, 1, 1), dt.date(period.year, period.month, 1)
    for pid, ytd in (
        MonthlyReport.objects.filter(project__in=projects, month__gte=year_start, month__lte=last)
        .order_by("project_id", "month")
        .values_list("project_id", "ytd_investment")
    ):
        latest[pid] = ytd  # the latest month wins
    actual = sum(latest.values(), Decimal(0))
    rate = actual * HUNDRED / plan
    progress = time_progress(period.month)
    score = min(HUNDRED, HUNDRED * rate / progress) if progress else None
    return _result(rate, score, plan=plan, actual=actual, time_progress=progress)


def _closed_on_time(kind: str, org: Org | User, period: Period, field: str) -> tuple[int, int]:
    done = on_time = 0
    for finished, deadline in (
        Case.objects.filter(_led_by(org, kind), _in_period(field, period), kind=kind)
        .exclude(deadline=None)
        .values_list(field, "deadline")
    ):
        done += 1
        if _local(finished) <= deadline:
            on_time += 1
    return done, on_time


def cases_on_time(
    org: Org | User, period: Period, params: dict[str, Any], ctx: dict[str, Any]
) -> dict[str, Any]:
    done, on_time = _closed_on_time("project_problem", org, period, "finished_at")
    if not done:
        return _result(None, None, closed=0, on_time=0)
    rate = Decimal(on_time) * HUNDRED / done
    return _result(rate, rate, closed=done, on_time=on_time)


def proposals_on_time(
    org: Org | User, period: Period, params: dict[str, Any], ctx: dict[str, Any]
) -> dict[str, Any]:
    done, on_time = _closed_on_time(PROPOSAL_KIND, org, period, "replied_at")
    if not done:
        return _result(None, None, answered=0, on_time=0)
    rate = Decimal(on_time) * HUNDRED / done
    return _result(rate, rate, answered=done, on_time=on_time)


def _days(
    kind: str,
    org: Org | User,
    period: Period,
    params: dict[str, Any],
    ctx: dict[str, Any],
    start: str,
    end: str,
) -> dict[str, Any]:
    calendar: WorkCalendar = ctx.setdefault("calendar", WorkCalendar.load())
    days = [
        calendar.workdays_between(_local(a), _local(b))
        for a, b in Case.objects.filter(_led_by(org, kind), _in_period(end, period), kind=kind)
        .exclude(**{f"{start}__isnull": True})
        .values_list(start, end)
    ]
    value = median(days)
    if value is None:
        return _result(None, None, count=0, target=Decimal(params.get("target", "5")))
    target = Decimal(str(params.get("target", "5")))
    score = HUNDRED if value <= target else HUNDRED * target / value
    return _result(value, score, count=len(days), target=target)


def case_days(org: Org | User, period: Period, params: dict[str, Any], ctx: dict[str, Any]) -> dict[str, Any]:
    return _days("project_problem", org, period, params, ctx, "registered_at", "finished_at")


def appeal_days(
    org: Org | User, period: Period, params: dict[str, Any], ctx: dict[str, Any]
) -> dict[str, Any]:
    return _days("appeal", org, period, params, ctx, "registered_at", "finished_at")


def proposal_days(
    org: Org | User, period: Period, params: dict[str, Any], ctx: dict[str, Any]
) -> dict[str, Any]:
    return _days(PROPOSAL_KIND, org, period, params, ctx, "assigned_at", "replied_at")


METRICS = {
    "reports_returned": reports_returned,
    "cases_on_time": cases_on_time,
    "proposals_on_time": proposals_on_time,
    "reports_on_time": reports_on_time,
    "completion": completion,
    "case_days": case_days,
    "appeal_days": appeal_days,
    "proposal_days": proposal_days,
}


def auto_measures(
    dimensions: dict[str, Any], org: Org | User, period: Period, ctx: dict[str, Any] | None = None
) -> dict[str, Any]:
    """measure code → result, for every automatic measure of the scheme."""
    ctx = {} if ctx is None else ctx
    out = {}
    for dim in dimensions["dimensions"]:
        for m in dim["measures"]:
            if m["type"] == "auto":
                params = {k: v for k, v in m.items() if k not in ("code", "type", "metric", "label")}
                out[m["code"]] = METRICS[m["metric"]](org, period, params, ctx)
    return out


def judged_codes(dimensions: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(dimension label, measure code, measure label) of every judged measure."""
    return [
        (dim["label"], m["code"], m["label"])
        for dim in dimensions["dimensions"]
        for m in dim["measures"]
        if m["type"] == "judged"
    ]


def combine(
    dimensions: dict[str, Any], auto: dict[str, Any], judged: dict[str, list[int]]
) -> tuple[Decimal | None, dict[str, Any], dict[str, Any]]:
    """(total, dimension code → {"score", "grade"}, measure code → result) for one unit."""
    red = Decimal(dimensions["thresholds"]["red"])
    yellow = Decimal(dimensions["thresholds"]["yellow"])
    dims: dict[str, Any] = {}
    measures: dict[str, Any] = {}
    weighted, weights = Decimal(0), Decimal(0)
    for dim in dimensions["dimensions"]:
        scores = []
        for m in dim["measures"]:
            if m["type"] == "auto":
                result = auto.get(m["code"], {"value": None, "score": None, "inputs": {}})
            else:
                values = judged.get(m["code"], [])
                mean = Decimal(sum(values)) / len(values) if values else None
                result = {
                    "value": text(mean),
                    "score": text(None if mean is None else q2(mean * 10)),
                    "scores": values,
                }
            measures[m["code"]] = result
            if result["score"] is not None:
                scores.append(Decimal(result["score"]))
        if scores:
            score = q2(sum(scores, Decimal(0)) / len(scores))
            grade = "red" if score < red else "yellow" if score < yellow else "blue"
            weight = Decimal(dim["weight"])
            weighted += score * weight
            weights += weight
            dims[dim["code"]] = {"score": text(score), "grade": grade}
        else:
            dims[dim["code"]] = {"score": None, "grade": "none"}
    total = q2(weighted / weights) if weights else None
    return total, dims, measures


def compute_units(
    dimensions: dict[str, Any], orgs: Iterable[Org] | Iterable[User], period: Period
) -> dict[int, dict[str, Any]]:
    """subject id → its automatic measures; the subjects are units (orgs) or cadres (users)."""
    ctx: dict[str, Any] = {}
    return {org.pk: auto_measures(dimensions, org, period, ctx) for org in orgs}

"""A project's grade as the ledger pages show it (registered with `projects.extensions`).

Three things: the grade of the latest locked snapshot with its reason, the provisional grade of the
month being reported now (graded live, clearly marked 临时), and completion against time progress
month by month for a small chart. The ledger list and its export get the snapshot's grade and
completion as annotations, in the same single query as the rest of the row.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone

from liangping.core.models import Period, PeriodKind, PeriodStatus
from liangping.core.tenancy import INSTALLATION, TenantArg, resolve, tenant_for
from liangping.grading.compute import STAGE_INDEX, month_end
from liangping.grading.models import ItemKind, Snapshot, SnapshotItem
from liangping.grading.rules import GRADE_LABELS, NONE, ProjectFacts, grade_project, time_progress_on
from liangping.grading.services import active_ruleset
from liangping.projects.extensions import COMPLETION, GRADE, GRADE_REASON, LedgerGrades, register_grades
from liangping.projects.models import MonthlyReport, Project, ReportStatus

LOCKED = (PeriodStatus.LOCKED, PeriodStatus.PUBLISHED)
TENTH = Decimal("0.1")


def latest_locked_snapshot(tenant: TenantArg = INSTALLATION) -> Snapshot | None:
    """The newest version of the tenant's latest locked or published period (a month before its quarter)."""
    city = resolve(tenant)
    return (
        Snapshot.objects.filter(period__status__in=LOCKED, period__in=Period.objects.for_tenant(city))
        .select_related("period")
        .order_by("-period__year", "-period__month", "period__kind", "-version")
        .first()
    )


def percent(value: Any) -> str:
    """ "85.3%" from an exact per-cent figure (text or Decimal); "" for none."""
    if value is None or value == "":
        return ""
    return f"{Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP)}%"


def annotate_ledger(
    qs: QuerySet[Project], grade: str, tenant: TenantArg = INSTALLATION
) -> tuple[QuerySet[Project], str]:
    """Each project's grade, reason and completion in the tenant's latest locked snapshot; `grade`
    filters (one grade, or several comma-separated: the projects of any of them)."""
    wanted = [g for g in grade.split(",") if g]
    snapshot = latest_locked_snapshot(tenant)
    if snapshot is None:
        empty = Value(None, output_field=CharField())
        qs = qs.annotate(**{GRADE: empty, GRADE_REASON: empty, COMPLETION: empty})
        return (qs.none() if set(wanted) & {"red", "yellow", "blue"} else qs), ""
    items = SnapshotItem.objects.filter(snapshot=snapshot, kind=ItemKind.PROJECT)
    row = items.filter(ref_id=OuterRef("pk")).order_by()
    qs = qs.annotate(
        **{
            GRADE: Subquery(row.values("grade")[:1]),
            GRADE_REASON: Subquery(row.values("reason")[:1]),
            # without a report the rules count the investment as 0; the list shows no completion
            COMPLETION: Subquery(
                row.exclude(figures__ytd_investment=None)
                .annotate(c=KeyTextTransform("completion", "figures"))
                .values("c")[:1],
                output_field=CharField(),
            ),
        }
    )
    graded = [g for g in wanted if g in ("red", "yellow", "blue")]
    if wanted:
        match = Q(pk__in=items.filter(grade__in=graded).values("ref_id")) if graded else Q(pk__in=[])
        if NONE in wanted:
            match |= ~Q(pk__in=items.exclude(grade=NONE).values("ref_id"))
        qs = qs.filter(match)
    return qs, snapshot.period.label


def _open_month(today: dt.date) -> dt.date:
    """The month being reported now: the one that ended most recently."""
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


UNREPORTED = "未报送"


def _grade_view(
    grade: str, reason: str, completion: Any, time_progress: Any, gap: Any, reported: bool
) -> dict[str, Any]:
    """A graded project without a report has no completion (the rules count its investment as 0):
    it reads 未报送, never 0.0%."""
    unreported = grade != NONE and not reported
    return {
        "grade": grade,
        "label": GRADE_LABELS.get(grade, "未评定"),
        "reason": reason,
        "completion": UNREPORTED if unreported else percent(completion),
        "time_progress": percent(time_progress),
        "gap": None if gap in (None, "") else Decimal(str(gap)).quantize(TENTH, rounding=ROUND_HALF_UP),
    }


def _locked_card(project: Project, tenant: int | None) -> dict[str, Any] | None:
    snapshot = latest_locked_snapshot(tenant)
    if snapshot is None:
        return None
    item = snapshot.items.filter(kind=ItemKind.PROJECT, ref_id=project.pk).first()
    period = snapshot.period
    card = {"period": period.label, "status": period.get_status_display(), "locked_at": period.locked_at}
    if item is None:
        return card | {"grade": "", "label": "", "reason": "锁定时尚未列入台账"}
    f = item.figures
    figures = (f.get("completion"), f.get("time_progress"), f.get("gap"))
    return card | _grade_view(item.grade, item.reason, *figures, f.get("ytd_investment") is not None)


def _provisional(project: Project, month: dt.date, rules: dict[str, Any], reports: dict[dt.date, Any],  # type: ignore[no-untyped-def]
                 tenant: int | None):  # fmt: skip
    periods = Period.objects.for_tenant(tenant)
    stored = periods.filter(kind=PeriodKind.MONTH, year=month.year, month=month.month).first()
    if stored is not None and stored.status in LOCKED:
        return None
    report = reports.get(month)
    plan_year = project.plan_year
    facts = ProjectFacts(
        annual_plan=project.annual_plan if plan_year in (None, month.year) else None,
        stage_index=STAGE_INDEX[project.stage],
        planned_start=project.planned_start,
        planned_end=project.planned_end,
        reported=report is not None and report[0] != ReportStatus.RETURNED,
        ytd_investment=report[1] if report is not None else None,
    )
    result = grade_project(facts, month_end(month.year, month.month), rules)
    label = f"{month.year}年{month.month}月"
    return {"period": label} | _grade_view(
        result.grade, result.reason, result.completion, result.time_progress, result.gap, report is not None
    )


def progress_series(project: Project, year: int, last_month: int, rules: dict[str, Any],
                    reports: dict[dt.date, Any]) -> dict[str, Any]:  # fmt: skip
    """Completion and time progress (per cent, one decimal, as text) for months 1..last_month."""
    plan = project.annual_plan if project.plan_year in (None, year) else None
    months: list[str] = []
    completion: list[str | None] = []
    progress: list[str] = []
    for m in range(1, last_month + 1):
        months.append(f"{m}月")
        progress.append(str(time_progress_on(month_end(year, m), rules).quantize(TENTH)))
        report = reports.get(dt.date(year, m, 1))
        if plan and report is not None and report[0] != ReportStatus.RETURNED:
            completion.append(str((report[1] * 100 / plan).quantize(TENTH, rounding=ROUND_HALF_UP)))
        else:
            completion.append(None)
    return {"year": year, "months": months, "completion": completion, "time_progress": progress,
            "planned": bool(plan)}  # fmt: skip


def project_card(user: Any, project: Project, today: dt.date | None = None) -> dict[str, Any]:
    """The grade card of the project page (the caller has checked that `user` sees `project`)."""
    today = today or timezone.localdate()
    tenant = tenant_for(user)  # the periods of the viewer's city: the province's people see the province's
    rules = active_ruleset(tenant).rules
    open_month = _open_month(today)
    year = project.plan_year if project.plan_year and project.plan_year < open_month.year else open_month.year
    last_month = 12 if year < open_month.year else open_month.month
    reports = {
        month: (status, ytd)
        for month, status, ytd in MonthlyReport.objects.filter(
            project=project, month__gte=dt.date(min(year, open_month.year), 1, 1)
        ).values_list("month", "status", "ytd_investment")
    }
    series = progress_series(project, year, last_month, rules, reports)
    return {
        "locked": _locked_card(project, tenant),
        "provisional": _provisional(project, open_month, rules, reports, tenant),
        "series": series,
        "rows": list(zip(series["months"], series["completion"], series["time_progress"], strict=True)),
    }


def register() -> None:
    register_grades(LedgerGrades(annotate_ledger, project_card, "grading/_project_card.html"))


__all__ = ["annotate_ledger", "latest_locked_snapshot", "project_card", "register"]

"""Fixture records for one unit (市发展改革委, lead department of the cast's `inside` project) over
2026Q2, from which its five automatic measures are recomputed by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from liangping.cases.models import Case, CaseKind
from liangping.core.audit import record
from liangping.core.models import Period
from liangping.grading.services import get_or_create_period
from liangping.projects.models import MonthlyReport, ReportStatus
from tests.cast import Cast


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@dataclass
class Q2:
    period: Period


def case(kind: str, lead, registered: dt.date, finished: dt.date, deadline: dt.date, **extra) -> Case:  # type: ignore[no-untyped-def]
    version = CaseKind.objects.get(code=kind).current
    return Case.objects.create(
        kind=kind,
        kind_version=version,
        title=f"{kind} {registered}",
        lead_org=lead,
        status="closed",
        registered_at=at(registered),
        assigned_at=at(registered),
        finished_at=at(finished, 16),
        replied_at=at(finished, 16),
        closed_at=at(finished, 17),
        deadline=deadline,
        finish_unit="workdays",
        **extra,
    )


def build_q2(cast: Cast) -> Q2:
    """严: 3 reports, 1 returned once. 细: April on time and complete, May on time without 形象进度,
    June late (due 5 July by default: sent 8 July). 实: plan 300000, June ytd 120000, time progress
    50 %. 真: 2 problems closed (1 by its deadline), 1 proposal answered on time. 快: problems 3 and 9
    working days (median 6, target 5), 1 appeal 2 working days, 1 proposal answered."""
    p = cast.inside
    rows = [
        (dt.date(2026, 4, 1), "40000", "60000", "基础施工", dt.date(2026, 5, 3)),
        (dt.date(2026, 5, 1), "30000", "90000", "", dt.date(2026, 6, 4)),
        (dt.date(2026, 6, 1), "30000", "120000", "主体封顶", dt.date(2026, 7, 8)),
    ]
    reports = []
    for month, mi, ytd, progress, sent in rows:
        reports.append(
            MonthlyReport.objects.create(
                project=p,
                month=month,
                month_investment=Decimal(mi),
                ytd_investment=Decimal(ytd),
                progress=progress,
                status=ReportStatus.APPROVED,
                submitted_at=at(sent),
                first_submitted_at=at(sent),
            )
        )
    record(cast.supervisor, "report.return", reports[0], changes={"status": ["submitted", "returned"]})
    fagai = cast.fagai
    case(
        "project_problem", fagai, dt.date(2026, 4, 13), dt.date(2026, 4, 16), dt.date(2026, 4, 20), subject=p
    )
    case(
        "project_problem", fagai, dt.date(2026, 5, 11), dt.date(2026, 5, 22), dt.date(2026, 5, 18), subject=p
    )
    case("appeal", fagai, dt.date(2026, 6, 1), dt.date(2026, 6, 3), dt.date(2026, 6, 8))
    case("proposal", fagai, dt.date(2026, 4, 1), dt.date(2026, 5, 29), dt.date(2026, 7, 1))
    # another unit's records do not count for 市发展改革委
    case("project_problem", cast.gongxin, dt.date(2026, 4, 13), dt.date(2026, 6, 30), dt.date(2026, 4, 20))
    return Q2(period=get_or_create_period("2026Q2"))

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest

from liangping.grading.compute import grade_projects
from liangping.grading.rules import DEFAULT_RULES
from liangping.projects.models import MonthlyReport, Project, ReportStatus
from tests.cast import build_cast

RULES = copy.deepcopy(DEFAULT_RULES)


def report(project, ytd, status=ReportStatus.APPROVED, month=dt.date(2025, 6, 1)):
    from django.utils import timezone

    return MonthlyReport.objects.create(
        project=project,
        month=month,
        month_investment=Decimal(0),
        ytd_investment=Decimal(ytd),
        status=status,
        submitted_at=timezone.now(),
    )


@pytest.mark.django_db
def test_grades_follow_reports_and_plan_year(cast):
    Project.objects.update(plan_year=2025)
    report(cast.inside, "150000")  # plan 300000 → 50 % in June → gap 0 → blue
    report(cast.outside, "1000", status=ReportStatus.RETURNED)
    graded = {g.code: g for g in grade_projects(2025, 6, RULES)}
    assert graded["ZZ-2025-001"].result.grade == "blue"
    assert graded["ZZ-2025-001"].result.completion == Decimal(50)
    assert graded["ZZ-2025-002"].result.reason == "未按时报送"
    # the same projects graded against another year's plan are not graded
    assert {g.result.grade for g in grade_projects(2026, 6, RULES)} == {"none"}


@pytest.mark.django_db
def test_constant_queries(django_assert_max_num_queries):
    cast = build_cast()
    base = cast.inside
    for n in range(60):
        p = Project.objects.get(pk=base.pk)
        p.pk, p.code = None, f"X-{n:03d}"
        p.save()
        report(p, str(n * 1000))
    with django_assert_max_num_queries(2):
        graded = grade_projects(2025, 6, RULES)
    assert len(graded) == 62

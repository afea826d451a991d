"""The board page read from a snapshot in SQL gives the same rows, order, counts and options as the
in-memory board, page by page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from liangping.grading import queries, services
from liangping.projects.models import MonthlyReport, Project, ReportStatus, Stage


def _many_projects(cast, n: int) -> None:
    base = Project.objects.get(pk=cast.inside.pk)
    for i in range(n):
        base.pk, base.code = None, f"B-{i:03d}"
        base.annual_plan = Decimal(1000 + 37 * (i % 7)) if i % 9 else None
        base.plan_year = 2025
        base.stage = Stage.CONSTRUCTION
        base.leader = cast.leader if i % 2 else cast.leader2
        base.save()
        if i % 5:
            MonthlyReport.objects.create(
                project=base,
                month=dt.date(2025, 6, 1),
                month_investment=Decimal(0),
                ytd_investment=Decimal(50 * (i % 13)),  # equal gaps on purpose: ties go by code
                status=ReportStatus.APPROVED,
                submitted_at=timezone.now(),
            )


@pytest.mark.django_db
@pytest.mark.parametrize("filters", [{}, {"grade": "red"}, {"leader": "李领导"}, {"grade": "blue"}])
def test_sql_pages_match_the_board(cast, filters):
    _many_projects(cast, 120)
    period = services.get_or_create_period("2025-06")
    services.lock_period(cast.supervisor, period, confirm_unreviewed=True)
    period.refresh_from_db()
    leaders = queries.project_board(None, period).options["leader"]
    if "leader" in filters:
        filters = {"leader": leaders[0]}
    whole = queries.project_board(cast.supervisor, period, filters)
    first = queries.project_board_page(cast.supervisor, period, filters, "1")
    assert first.board.counts == whole.counts
    assert first.board.options == whole.options
    assert first.page.paginator.count == len(whole.rows)
    paged = []
    for n in first.page.paginator.page_range:
        paged += queries.project_board_page(cast.supervisor, period, filters, str(n)).board.rows
    assert [r.code for r in paged] == [r.code for r in whole.rows]


@pytest.mark.django_db
def test_scoped_page_shows_only_the_users_projects(cast):
    _many_projects(cast, 20)
    period = services.get_or_create_period("2025-06")
    services.lock_period(cast.supervisor, period, confirm_unreviewed=True)
    period.refresh_from_db()
    page = queries.project_board_page(cast.leader, period, {}, None)
    visible = set(Project.objects.visible_to(cast.leader).values_list("pk", flat=True))
    assert page.board.rows and {r.ref_id for r in page.board.rows} <= visible

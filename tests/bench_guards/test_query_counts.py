"""Query-count guards: every list page and the screen endpoint costs a fixed number of queries.

Each page is fetched once with the test cast's two projects and once after the ledger has grown
(more projects, reports, visits, problems, tasks, a locked and published period); the second
fetch may not cost more queries than the first, and neither more than the page's budget. A
regression (a query per row) fails here long before the benchmark (`make bench`) would show it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liangping.cases.models import Case, CaseStatus
from liangping.grading import services
from liangping.indicators.demo import load_indicator_demo
from liangping.projects.models import MonthlyReport, Project, ReportStatus, Visit
from liangping.tasks.models import Milestone, Task

MONTH = dt.date(2025, 6, 1)
# page → (URL, budget): the budget is the query count measured when the guard was written plus one;
# a page whose count depends on the number of rows fails the growth check as well.
PAGES = {
    "projects": ("/projects/", 12),
    "reports": ("/projects/reports/", 12),
    "visits": ("/projects/visits/", 7),
    "cases": ("/cases/", 9),
    "tasks": ("/tasks/", 11),
    "board_locked": ("/grading/?period=2025-06", 14),
    "board_open": ("/grading/?period=2025-07", 9),
    "units": ("/grading/units/?period=2025-06", 8),
    "ranking": ("/grading/ranking/?period=2025-06", 8),
    "summons": ("/grading/summons/?period=2025-06", 12),  # with the rule set that says how many reds in a row
    "indicators": ("/indicators/", 6),
    "screen_data": ("/screen/data.json", 1),
    # the period picker, the appeals, flood, 稳定 and 食安 blocks
    "dashboard": ("/screen/dashboard/?period=2025-07", 21),
}
PUBLIC = {"screen_data"}  # polled by kiosks without a session: measured signed out


def grow(cast, n: int) -> None:  # type: ignore[no-untyped-def]
    """n more projects, each with a report, a visit and a problem; n/2 tasks with two milestones."""
    base = Project.objects.get(pk=cast.inside.pk)
    start = Project.objects.count()
    projects = []
    for i in range(n):
        p = Project(**{f.attname: getattr(base, f.attname) for f in Project._meta.concrete_fields})
        p.pk, p.code, p.name = None, f"G-{start + i:05d}", f"增长项目{start + i}"
        p.leader = cast.leader if i % 2 else cast.leader2
        projects.append(p)
    Project.objects.bulk_create(projects)
    projects = list(Project.objects.filter(code__startswith="G-"))
    now = timezone.now()
    MonthlyReport.objects.bulk_create(
        MonthlyReport(project=p, month=MONTH, month_investment=Decimal(10), ytd_investment=Decimal(10 * i),
                      status=ReportStatus.APPROVED if i % 3 else ReportStatus.SUBMITTED, submitted_at=now)
        for i, p in enumerate(projects)
        if not MonthlyReport.objects.filter(project=p, month=MONTH).exists()
    )  # fmt: skip
    Visit.objects.bulk_create(
        Visit(project=p, specialist=cast.specialist, date=MONTH, findings="现场正常") for p in projects
    )
    ct = ContentType.objects.get_for_model(Project)
    Case.objects.bulk_create(
        Case(title=f"问题{p.code}", subject_ct=ct, subject_id=p.pk, lead_org=cast.fagai,
             status=CaseStatus.ASSIGNED, deadline=MONTH, registered_by=cast.supervisor)
        for p in projects
    )  # fmt: skip
    tasks = Task.objects.bulk_create(
        Task(code=f"GT-{start + i:05d}", title=f"攻坚{i}", year=2025, leader=cast.leader,
             lead_department=cast.fagai, goal="完成")
        for i in range(n // 2)
    )  # fmt: skip
    Milestone.objects.bulk_create(
        Milestone(task=t, title=f"节点{j}", planned_date=dt.date(2025, 3 * j + 3, 1))
        for t in tasks
        for j in range(2)
    )


def lock_and_publish(cast) -> None:  # type: ignore[no-untyped-def]
    period = services.get_or_create_period("2025-06")
    if period.status == "open":
        services.lock_period(cast.supervisor, period, confirm_unreviewed=True)
        services.publish_period(cast.supervisor, period)


def queries_of(client: Client, url: str) -> int:
    client.get(url)  # warm: the session, the caches of a snapshot
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx)


@pytest.fixture
def supervisor_client(cast):  # type: ignore[no-untyped-def]
    cache.clear()
    load_indicator_demo(extra_periods=[(2025, 6)])
    c = Client()
    c.force_login(cast.supervisor)
    yield c
    cache.clear()


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
def test_page_queries_do_not_grow(cast, supervisor_client, page, django_assert_max_num_queries):
    url, budget = PAGES[page]
    client = Client() if page in PUBLIC else supervisor_client
    grow(cast, 3)
    lock_and_publish(cast)
    small = queries_of(client, url)
    # a re-lock after growth: the snapshot then holds every project
    services.reopen_period(cast.supervisor, services.get_or_create_period("2025-06"), "重新计算")
    grow(cast, 60)
    lock_and_publish(cast)
    client.get(url)
    with django_assert_max_num_queries(min(small, budget)):
        assert client.get(url).status_code == 200

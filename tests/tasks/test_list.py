"""The task list: scoped rows with filters, milestones, the latest report and the live grade, in a
constant number of queries."""

from __future__ import annotations

import copy
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liangping.core.workdays import WorkCalendar
from liangping.grading.rules import DEFAULT_RULES, TaskFacts, grade_task
from liangping.tasks import services
from liangping.tasks.models import Milestone, Task, TaskReport
from tests.tasks.conftest import task_values

pytestmark = pytest.mark.django_db
LIST = reverse("tasks:list")


def make_many(cast, count: int) -> None:
    for i in range(count):
        task = Task.objects.create(
            code=f"GJ-{i:03d}",
            title=f"示例攻坚事项{i}",
            year=2025,
            leader=cast.leader if i % 2 else cast.leader2,
            lead_department=cast.fagai if i % 3 else cast.gongxin,
            goal="推进",
            target_value=Decimal(100) if i % 2 else None,
            target_unit="个",
        )
        task.co_departments.set([cast.gongxin if i % 3 else cast.fagai])
        Milestone.objects.create(task=task, title="方案", planned_date=dt.date(2025, 3, 31))
        Milestone.objects.create(
            task=task, title="完成", planned_date=dt.date(2025, 5, 31), actual_date=dt.date(2025, 5, 1)
        )
        TaskReport.objects.create(
            task=task,
            month=dt.date(2025, 6, 1),
            actual_value=Decimal(40) if i % 2 else None,
            progress="推进中",
            submitted_at=timezone.now(),
        )


def count_queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("who", ["supervisor", "department", "leader"])
def test_the_number_of_queries_does_not_grow_with_the_tasks(cast, client, who):
    client.force_login(getattr(cast, who))
    make_many(cast, 3)
    client.get(LIST + "?period=2025-06")  # the first grading stores the default rule set once
    few, page = count_queries(client, LIST + "?period=2025-06")
    assert page.count("<tr data-code=") == {"supervisor": 3, "department": 3, "leader": 1}[who]
    make_many_more = [
        Task.objects.create(
            code=f"GJ-X{i:03d}",
            title="示例",
            year=2025,
            leader=cast.leader,
            lead_department=cast.fagai,
            goal="推进",
        )
        for i in range(27)
    ]
    for task in make_many_more:
        Milestone.objects.create(task=task, title="方案", planned_date=dt.date(2025, 9, 30))
        task.co_departments.set([cast.gongxin])
    many, page = count_queries(client, LIST + "?period=2025-06")
    assert page.count("<tr data-code=") == {"supervisor": 30, "department": 30, "leader": 28}[who]
    assert many == few, f"3 tasks: {few} queries, 30 tasks: {many} queries"
    assert many <= 16  # session, user and org: 3; the list: 7; grading: 6 (calendar, rule set, facts)


def test_the_list_is_scoped_and_filtered(cast, client, tasks):
    client.force_login(cast.department)
    page = client.get(LIST).content.decode()
    assert "GJ2025-01" in page and "GJ2025-02" not in page
    client.force_login(cast.supervisor)
    page = client.get(LIST).content.decode()
    assert "GJ2025-01" in page and "GJ2025-02" in page
    page = client.get(LIST, {"leader": cast.leader2.pk}).content.decode()
    assert "GJ2025-01" not in page and "GJ2025-02" in page
    page = client.get(LIST, {"department": cast.fagai.pk}).content.decode()
    assert "GJ2025-01" in page and "GJ2025-02" not in page
    page = client.get(LIST, {"year": 2024}).content.decode()
    assert "没有符合条件的攻坚事项" in page
    page = client.get(LIST, {"year": "abc", "leader": "x"}).content.decode()
    assert "GJ2025-01" in page and "GJ2025-02" in page


def test_the_row_shows_departments_next_and_overdue_milestones_and_the_latest_report(cast, client, tasks):
    client.force_login(cast.supervisor)
    services.add_milestone(cast.supervisor, tasks.inside, "中期评估", dt.date(2025, 6, 30))
    page = client.get(LIST).content.decode()
    row = re.search(r'<tr data-code="GJ2025-01">(.*?)</tr>', page, re.S)[1]
    assert "领导甲" in row and "市发展改革委" in row and "市工业和信息化局" in row
    assert "中期评估" in row and "2025-06-30" in row  # the first milestone not yet done
    assert '<span class="badge red"' in row and "2个节点逾期" in row  # 06-30 and 12-31 of 2025 have passed
    assert "2025年5月" in row and "待审核" in row
    row = re.search(r'<tr data-code="GJ2025-02">(.*?)</tr>', page, re.S)[1]
    assert "节点均已完成" in row and "badge red" not in row


def test_the_live_grade_matches_the_rule_for_a_hand_computed_case(cast, client):
    # Target 200 个; June: 90 done → completion 45 %, time progress 50 % → 5 points behind → yellow.
    task = services.create_task(
        cast.supervisor,
        task_values(cast),
        milestones=[("签约落地", dt.date(2025, 3, 31)), ("全面完成", dt.date(2025, 12, 31))],
    )
    first = task.milestones.get(title="签约落地")
    services.record_milestone(
        cast.supervisor, first, actual_date=dt.date(2025, 3, 30), expected_version=first.version
    )
    services.submit_report(
        cast.department, task, dt.date(2025, 6, 1), actual_value=Decimal(90), progress="已签约90个"
    )
    # A second task: a milestone due 2025-05-31 and not done → red whatever the report says.
    late = services.create_task(
        cast.supervisor,
        task_values(cast, code="GJ2025-09", title="示例逾期事项", target_value=None, target_unit=""),
        milestones=[("用地报批", dt.date(2025, 5, 31))],
    )
    rules = copy.deepcopy(DEFAULT_RULES)
    end = dt.date(2025, 6, 30)
    soon = WorkCalendar.load().add_workdays(end, 3)
    expected = grade_task(
        TaskFacts(
            (
                ("签约落地", dt.date(2025, 3, 31), dt.date(2025, 3, 30)),
                ("全面完成", dt.date(2025, 12, 31), None),
            ),
            True,
            Decimal(200),
            Decimal(90),
        ),
        end,
        soon,
        rules,
    )
    assert (expected.grade, expected.reason) == ("yellow", "滞后时序进度5个百分点")

    client.force_login(cast.leader)
    page = client.get(LIST, {"period": "2025-06"}).content.decode()
    row = re.search(r'<tr data-code="GJ2025-01">(.*?)</tr>', page, re.S)[1]
    assert 'data-grade="yellow"' in row and "黄牌" in row
    assert expected.reason in row
    assert "2025年6月分级" in page
    row = re.search(r'<tr data-code="GJ2025-09">(.*?)</tr>', page, re.S)[1]
    assert 'data-grade="red"' in row and "节点逾期：用地报批" in row
    detail = client.get(reverse("tasks:detail", args=[late.pk]), {"period": "2025-06"}).content.decode()
    assert "2025年6月分级（实时）" in detail and "节点逾期：用地报批" in detail
    detail = client.get(reverse("tasks:detail", args=[late.pk])).content.decode()
    assert "2025年6月分级（实时）" in detail  # no period asked: the latest month with progress reported
    detail = client.get(reverse("tasks:detail", args=[late.pk]), {"period": "2026-01"}).content.decode()
    assert "不评定" in detail  # a period outside the task's year


def test_a_task_of_another_year_is_not_graded_for_the_period(cast, client):
    services.create_task(cast.supervisor, task_values(cast, year=2024))
    client.force_login(cast.supervisor)
    page = client.get(LIST, {"period": "2025-06"}).content.decode()
    assert "不评定" in page and "data-grade=" not in page

"""Leader-led tasks: milestones, reports and rule S where a target exists (DOMAIN §7, §9)."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from liangping.grading import services
from liangping.grading.compute import grade_tasks
from liangping.grading.models import ItemKind
from liangping.grading.rules import DEFAULT_RULES, TaskFacts, grade_task
from liangping.tasks.models import Milestone, Task, TaskReport

RULES = copy.deepcopy(DEFAULT_RULES)
END = dt.date(2025, 9, 30)
SOON = dt.date(2025, 10, 10)  # 2025-09-30 + 3 working days, across the National Day holiday


def facts(milestones=(), reported=True, target=None, actual=None):
    return TaskFacts(
        tuple(milestones),
        reported,
        None if target is None else Decimal(target),
        None if actual is None else Decimal(actual),
    )


@pytest.mark.parametrize(
    ("f", "grade", "reason"),
    [
        (facts([("用地报批", dt.date(2025, 9, 29), None)]), "red", "节点逾期：用地报批"),
        (facts([("用地报批", dt.date(2025, 9, 29), dt.date(2025, 9, 28))]), "blue", "按节点推进"),
        (facts([("开工", dt.date(2025, 10, 10), None)]), "yellow", "节点临近：开工"),
        (facts([("开工", dt.date(2025, 10, 11), None)]), "blue", "按节点推进"),
        (facts([("开工", END, None)]), "yellow", "节点临近：开工"),
        (facts(reported=False), "yellow", "未按时报送"),
        (facts(target="100", actual="75"), "blue", "达到时序进度"),
        (facts(target="100", actual="64.99"), "red", "滞后时序进度10.01个百分点"),
        (facts(target="100", actual="65"), "yellow", "滞后时序进度10个百分点"),
    ],
)
def test_task_rule(f, grade, reason):
    result = grade_task(f, END, SOON, RULES)
    assert (result.grade, result.reason) == (grade, reason)


@pytest.mark.django_db
def test_due_soon_counts_working_days_across_the_holiday(cast):
    task = Task.objects.create(
        code="GJ-01",
        title="示例攻坚事项",
        year=2025,
        leader=cast.leader,
        lead_department=cast.fagai,
        goal="完成",
    )
    Milestone.objects.create(task=task, title="项目开工", planned_date=dt.date(2025, 10, 10))
    TaskReport.objects.create(
        task=task, month=dt.date(2025, 9, 1), progress="推进中", submitted_at=timezone.now()
    )
    [graded] = grade_tasks(2025, 9, RULES)
    assert graded.result.grade == "yellow"  # 10-10 is the 3rd working day after 09-30


@pytest.mark.django_db
def test_tasks_are_frozen_in_the_snapshot(cast, django_assert_max_num_queries):
    task = Task.objects.create(
        code="GJ-02",
        title="示例攻坚事项",
        year=2025,
        leader=cast.leader,
        lead_department=cast.fagai,
        goal="新增",
        target_value=Decimal(200),
    )
    Milestone.objects.create(
        task=task, title="签约", planned_date=dt.date(2025, 3, 1), actual_date=dt.date(2025, 2, 1)
    )
    TaskReport.objects.create(
        task=task,
        month=dt.date(2025, 6, 1),
        progress="推进中",
        actual_value=Decimal(90),
        submitted_at=timezone.now(),
        status="approved",
    )
    with django_assert_max_num_queries(5):  # calendar (2), reports, tasks, milestones
        grade_tasks(2025, 6, RULES)
    snap = services.lock_period(cast.supervisor, services.get_or_create_period("2025-06"))
    item = snap.items.get(kind=ItemKind.TASK)
    assert (item.grade, item.reason, item.leader) == ("yellow", "滞后时序进度5个百分点", "领导甲")
    assert snap.summary["tasks"]["yellow"] == 1


@pytest.mark.django_db
def test_task_scope(cast):
    task = Task.objects.create(
        code="GJ-03", title="示例", year=2025, leader=cast.leader2, lead_department=cast.gongxin, goal="x"
    )
    task.co_departments.add(cast.fagai)
    assert list(Task.objects.visible_to(cast.department)) == [task]
    assert list(Task.objects.visible_to(cast.leader2)) == [task]
    assert not Task.objects.visible_to(cast.leader).exists()
    assert not Task.objects.visible_to(cast.district).exists()
    assert list(Task.objects.visible_to(cast.supervisor)) == [task]

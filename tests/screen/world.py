"""A small published city on top of the test cast, for the screen, the disclosure and their browser tests.

2025Q1 and 2025Q2 are locked and published; grades in Q2 (June, time progress 50 %):
  ZZ-2025-001 示例动力电池项目 (滕州市, 领导甲)  150000/300000 = 50 %   → 蓝
  ZZ-2025-002 示例智慧物流项目 (市中区, 领导乙)    2000/20000  = 10 %   → 红 (red in Q1 too: 约谈)
  ZZ-2025-003 示例精工电子项目 (滕州市, 领导甲)    4500/10000  = 45 %   → 黄
  ZZ-2025-004 示例储备项目 (市中区)                no annual plan       → 未评定
Two leader-led tasks (one with an overdue milestone: 红), and the demo's 16-city indicator tables.
`unpublished` adds 2025Q3 locked but not published and 2025-07 open, both with different numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from liangping.core.models import Period
from liangping.grading import services
from liangping.indicators.demo import load_indicator_demo
from liangping.projects.models import Level, MonthlyReport, Project, ReportStatus, Stage
from liangping.tasks.models import Milestone, Task, TaskReport, TaskReportStatus
from tests.cast import Cast


@dataclass
class World:
    cast: Cast
    q1: Period
    q2: Period


def report(project: Project, month: dt.date, ytd: str) -> None:
    MonthlyReport.objects.update_or_create(
        project=project,
        month=month,
        defaults={
            "month_investment": Decimal(0),
            "ytd_investment": Decimal(ytd),
            "status": ReportStatus.APPROVED,
            "submitted_at": timezone.now(),
        },
    )


def extra_project(cast: Cast, code: str, name: str, plan: str | None, district=None) -> Project:  # type: ignore[no-untyped-def]
    return Project.objects.create(
        code=code,
        name=name,
        level=Level.CITY,
        district=district or cast.tengzhou,
        unit=cast.company_a,
        total_investment=Decimal("80000"),
        annual_plan=Decimal(plan) if plan else None,
        plan_year=2025 if plan else None,
        stage=Stage.CONSTRUCTION,
        planned_start=dt.date(2024, 1, 1),
        planned_end=dt.date(2027, 6, 1),
        leader=cast.leader,
        department=cast.gongxin,
        specialist=cast.specialist,
    )


def tasks(cast: Cast) -> None:
    late = Task.objects.create(
        code="GJ2025-01",
        title="打造“北方锂电之都”",
        year=2025,
        leader=cast.leader,
        lead_department=cast.gongxin,
        goal="锂电产业产值突破800亿元",
    )
    Milestone.objects.create(task=late, title="产业链招商", planned_date=dt.date(2025, 5, 10))
    fine = Task.objects.create(
        code="GJ2025-02",
        title="二手车出口“一件事”改革",
        year=2025,
        leader=cast.leader2,
        lead_department=cast.fagai,
        goal="办理时限压缩至3天",
    )
    Milestone.objects.create(task=fine, title="全面完成", planned_date=dt.date(2025, 12, 20))
    for task in (late, fine):
        TaskReport.objects.create(
            task=task,
            month=dt.date(2025, 6, 1),
            progress="按计划推进",
            status=TaskReportStatus.APPROVED,
            submitted_at=timezone.now(),
        )


def build_world(cast: Cast) -> World:
    Project.objects.update(plan_year=2025)
    third = extra_project(cast, "ZZ-2025-003", "示例精工电子项目", "10000")
    extra_project(cast, "ZZ-2025-004", "示例储备项目", None, district=cast.shizhong)
    load_indicator_demo()
    tasks(cast)
    march, june = dt.date(2025, 3, 1), dt.date(2025, 6, 1)
    report(cast.inside, march, "60000")  # 20 % vs 25 %: yellow
    report(cast.outside, march, "0")  # red
    report(third, march, "2500")  # 25 %: blue
    q1 = services.get_or_create_period("2025Q1")
    services.lock_period(cast.supervisor, q1)
    services.publish_period(cast.supervisor, q1)
    report(cast.inside, june, "150000")
    report(cast.outside, june, "2000")
    report(third, june, "4500")
    q2 = services.get_or_create_period("2025Q2")
    services.lock_period(cast.supervisor, q2)
    services.publish_period(cast.supervisor, q2)
    q1.refresh_from_db()
    q2.refresh_from_db()
    return World(cast, q1, q2)


def add_unpublished(world: World) -> tuple[Period, Period]:
    """2025Q3 locked (not published) with everything blue, and 2025-07 open."""
    cast = world.cast
    sept = dt.date(2025, 9, 1)
    for p in Project.objects.exclude(annual_plan=None):
        report(p, sept, str(p.annual_plan))
    q3 = services.get_or_create_period("2025Q3")
    services.lock_period(cast.supervisor, q3)
    july = services.get_or_create_period("2025-07")
    report(cast.outside, dt.date(2025, 7, 1), "20000")
    q3.refresh_from_db()
    return q3, july

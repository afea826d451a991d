"""The grading side of the demo city: the 16-city indicator tables, a dozen leader-led tasks and
the last two quarters locked and published, so grades, rank changes and 双亮牌 show (示例数据).

Idempotent like the rest of the demo: natural keys (task code, (task, month), period code), and a
period already locked is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from liangping.core.models import Org, OrgKind, PeriodStatus, Role, User
from liangping.core.tenancy import tenant_for
from liangping.grading import services as grading
from liangping.indicators.demo import load_district_demo, load_indicator_demo
from liangping.tasks.models import Milestone, Task, TaskReport, TaskReportStatus

# (title, lead department, goal, target value and unit or None) — themes from the seeds.
TASKS: list[tuple[str, str, str, tuple[int, str] | None]] = [
    ("打造“北方锂电之都”", "市工业和信息化局", "锂电产业产值突破800亿元", (800, "亿元")),
    ("重点项目全生命周期管理服务", "市发展改革委", "省市重点项目年度投资完成率100%", None),
    (
        "二手车出口“一件事”改革",
        "市商务局",
        "打通4个政务系统、7大事项整合为“一张表单”，退税流程由20天减至3天",
        None,
    ),
    ("帮办代办服务四级网络建设", "市行政审批服务局", "市县镇村四级帮办代办全覆盖", None),
    (
        "“审批不出镇”改革",
        "市行政审批服务局",
        "6个试点镇梳理“审批不出镇”事项指导目录50项，实现就近办",
        (50, "项"),
    ),
    ("政务服务进商超", "市行政审批服务局", "5大类35项事项进驻商超", (35, "项")),
    ("“枣解决·枣满意”诉求办理", "市发展改革委", "群众诉求按期办结率98%以上", None),
    ("链长制推进锂电产业链", "市工业和信息化局", "新招引锂电产业链项目30个", (30, "个")),
    ("城市更新和住房保障", "市住房城乡建设局", "完成老旧小区改造120个", (120, "个")),
    ("交通基础设施建设攻坚", "市交通运输局", "完成公路建设投资60亿元", (60, "亿元")),
    ("水利设施和防汛能力提升", "市水务局", "完成水利投资15亿元", (15, "亿元")),
    ("科技创新平台建设", "市科技局", "新增省级以上创新平台20家", (20, "家")),
]


TOWN_CASES = 1433  # the seeds: 通过“审批不出镇”累计办理……等事项1433件


def _progress(title: str, month: int, last_month: dt.date) -> str:
    if title == "“审批不出镇”改革":
        # the cases handled grow to the seeds' 1,433 by the latest reported month
        done = TOWN_CASES * month // max(last_month.month, month)
        return (
            f"{title}：事项指导目录50项已在6个试点镇落地，"
            f"累计办理小餐饮登记、个体工商户登记注册等事项{done}件。"
        )
    return f"{title}：按计划推进，{month}月完成阶段工作。"


def _tasks(year: int, today: dt.date, rnd: random.Random) -> int:
    leaders = list(User.objects.filter(role=Role.LEADER, username__startswith="leader").order_by("username"))
    departments = {o.name: o for o in Org.objects.filter(kind=OrgKind.DEPARTMENT)}
    supervisor = User.objects.filter(role=Role.SUPERVISOR).order_by("pk").first()
    if not leaders or not departments:
        return 0
    made = 0
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    for i, (title, dept, goal, target) in enumerate(TASKS, start=1):
        code = f"GJ{year}-{i:02d}"
        if Task.objects.filter(code=code).exists():
            continue
        task = Task.objects.create(
            code=code,
            title=title,
            year=year,
            leader=leaders[(i - 1) % len(leaders)],
            lead_department=departments.get(dept, next(iter(departments.values()))),
            goal=goal,
            target_value=Decimal(target[0]) if target else None,
            target_unit=target[1] if target else "",
            sample=True,
        )
        task.co_departments.set(rnd.sample(list(departments.values()), 2))
        pace = Decimal(rnd.choice([60, 85, 95, 100, 105, 110, 120])) / 100  # share of time progress achieved
        for m, label in ((3, "方案制定"), (6, "阶段推进"), (9, "中期评估"), (12, "全面完成")):
            planned = dt.date(year, m, 25)
            late = i % 5 == 0 and m == 9  # a few tasks miss a milestone: red
            done = planned < today and not late
            Milestone.objects.create(
                task=task,
                title=f"{label}",
                planned_date=planned,
                actual_date=planned - dt.timedelta(days=rnd.randint(0, 10)) if done else None,
            )
        for month in range(1, last_month.month + 1 if last_month.year == year else 13):
            if i % 6 == 0 and month == last_month.month:
                continue  # one report missing in the latest month: yellow
            value = None
            if target:
                value = (Decimal(target[0]) * month / 12 * pace).quantize(Decimal("0.01"))
            TaskReport.objects.create(
                task=task,
                month=dt.date(year, month, 1),
                actual_value=value,
                progress=_progress(title, month, last_month),
                status=TaskReportStatus.APPROVED,
                submitted_by=supervisor,
                submitted_at=timezone.make_aware(dt.datetime(year, month, 28, 10)),
            )
        made += 1
    return made


def quarters_to_publish(today: dt.date) -> list[str]:
    """The last two quarters that ended before `today` (oldest first)."""
    q = (today.month - 1) // 3  # quarters fully ended this year
    year = today.year
    out = []
    for _ in range(2):
        if q == 0:
            year, q = year - 1, 4
        out.append(f"{year}Q{q}")
        q -= 1
    return out[::-1]


def load_grading_demo(today: dt.date) -> dict[str, int]:
    """Indicators and tasks. Call inside a transaction; `publish_quarters` follows."""
    rnd = random.Random(f"grading-{today.isoformat()}")
    extra = [(int(code[:4]), int(code[-1]) * 3) for code in quarters_to_publish(today)]
    return {
        "指标数据": load_indicator_demo(extra_periods=extra),
        "区（市）指标数据（示例数据）": load_district_demo(extra[-2:] or [(2025, 3), (2025, 6)]),
        "攻坚事项": _tasks(today.year, today, rnd),
    }


def publish_quarters(today: dt.date) -> dict[str, int]:
    """The last two quarters locked and published, oldest first: the later one's rank changes and summons
    list are against the earlier one, the quarter just before it."""
    supervisor = User.objects.filter(role=Role.SUPERVISOR).order_by("pk").first()
    locked = 0
    for code in quarters_to_publish(today):
        period = grading.get_or_create_period(code, tenant_for(supervisor))  # the city's own period
        if period.status == PeriodStatus.OPEN:
            grading.lock_period(supervisor, period, confirm_unreviewed=True)
            grading.publish_period(supervisor, period)
            locked += 1
    return {"已发布考核期": locked}

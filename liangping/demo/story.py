"""上半年 2022: the half-year the newspaper reports, replayed in the demo city and published as 2022Q2.

The seeds: 「今年上半年，全市207个省市重点项目完成投资360余亿元，达到年度计划的80%以上，超时间进度30个
百分点以上」 and 「全市15项主要经济指标中14项增幅位居全省前十」 (the 2022年1-6月 indicator tables carry
those ranks: liangping/indicators/demo.py). The loader replays history in order: the ledger's annual plans
as they stood in 2022 and the monthly reports of January to June 2022, the period 2022Q2 locked and
published, then the demo year's plans back in place before the demo year's quarters are locked. The
snapshot keeps 2022 as it was: later edits never change it.

The plan functions are plain data (no database); `load_story` writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from liangping.core.models import PeriodStatus, User
from liangping.core.tenancy import tenant_for
from liangping.demo.activity import at, reviewer, submitter
from liangping.demo.plan import City, ProjectSpec, rng_for, shape, wan
from liangping.grading import services as grading
from liangping.projects.models import MonthlyReport, Project

STORY_YEAR = 2022
STORY_PERIOD = "2022Q2"
STORY_MONTHS = 6
PLAN_TOTAL = Decimal("4420000")  # 万元 (442亿元): the 207 projects' annual plans of 2022
JUNE_TOTAL = Decimal("3604000")  # 万元 (360余亿元, 81.5 % of the plan): completed by the end of June
# share of its 2022 plan a lagging project had completed by June (time progress: 50 %)
LAGGING = {"red": (0.22, 0.38), "not_started": (0.25, 0.38), "yellow": (0.42, 0.48)}


@dataclass(frozen=True)
class StoryProject:
    code: str
    plan: Decimal  # 万元, the 2022 annual plan
    cumulative: tuple[Decimal, ...]  # 万元, year to date at the end of January … June 2022


def plan_story(city: City) -> list[StoryProject]:
    """Every project's 2022 plan and January–June cumulative investment: all 207 in the 2022 plan, the
    plans adding up to PLAN_TOTAL and June to about JUNE_TOTAL; the lagging profiles behind time
    progress, the others ahead of it and scaled together."""
    rng = rng_for("story", STORY_YEAR)
    base = {p.code: float(p.plan if p.plan is not None else p.total / 10) for p in city.projects}
    k = float(PLAN_TOTAL) / sum(base.values())
    plans = {code: wan(value * k) for code, value in base.items()}
    june: dict[str, float] = {}
    for p in city.projects:
        low, high = LAGGING.get(p.profile, (0.70, 0.95))
        june[p.code] = float(plans[p.code]) * rng.uniform(low, high)
    lagging = [p.code for p in city.projects if p.profile in LAGGING]
    ahead = [p.code for p in city.projects if p.profile not in LAGGING]
    scale = (float(JUNE_TOTAL) - sum(june[c] for c in lagging)) / sum(june[c] for c in ahead)
    for code in ahead:
        june[code] *= scale
    return [_months(p, plans[p.code], june[p.code]) for p in city.projects]


def _months(p: ProjectSpec, plan: Decimal, june: float) -> StoryProject:
    curve = shape(p.code, STORY_YEAR)[:STORY_MONTHS]
    return StoryProject(p.code, plan, tuple(wan(june * c / curve[-1]) for c in curve))


def story_reports(city: City, story: list[StoryProject]) -> list[dict[str, object]]:
    """The approved monthly reports of January–June 2022, as model field values (by project code)."""
    rng = rng_for("story-reports", STORY_YEAR)
    specs = {p.code: p for p in city.projects}
    out: list[dict[str, object]] = []
    for s in story:
        before = Decimal(0)
        for m, ytd in enumerate(s.cumulative, 1):
            submitted = at(dt.date(STORY_YEAR, m + 1, rng.randint(1, 5)), rng.randint(8, 17))
            by = submitter(specs[s.code])
            out.append(
                {
                    "code": s.code,
                    "month": dt.date(STORY_YEAR, m, 1),
                    "month_investment": ytd - before,
                    "ytd_investment": ytd,
                    "progress": f"{STORY_YEAR}年{m}月：按年度计划推进，"
                    f"累计完成年度计划{ytd * 100 / s.plan:.0f}%",
                    "status": "approved",
                    "submitted_by": by,
                    "submitted_at": submitted,
                    "reviewed_by": reviewer(by, rng),
                    "reviewed_at": submitted + dt.timedelta(hours=rng.randint(4, 48)),
                }
            )
            before = ytd
    return out


def load_story(city: City, projects: dict[str, Project], users: dict[str, User]) -> int:
    """Write the 2022 reports, lock and publish 2022Q2 with the 2022 plans, and put the demo year's plans
    back. Nothing happens once 2022Q2 is locked. Returns the number of reports written."""
    # 枣庄's own period, also when the province's other cities are in the database
    period = grading.get_or_create_period(STORY_PERIOD, tenant_for(users["supervisor"]))
    if period.status != PeriodStatus.OPEN:
        return 0
    story = plan_story(city)
    existing = set(
        MonthlyReport.objects.filter(
            project_id__in=[p.pk for p in projects.values()], month__year=STORY_YEAR
        ).values_list("project_id", "month")
    )
    rows = [
        MonthlyReport(
            **{k: v for k, v in r.items() if k not in ("code", "submitted_by", "reviewed_by")},
            project=projects[str(r["code"])],
            submitted_by=users[str(r["submitted_by"])],
            reviewed_by=users[str(r["reviewed_by"])],
        )
        for r in story_reports(city, story)
        if (projects[str(r["code"])].pk, r["month"]) not in existing
    ]
    MonthlyReport.objects.bulk_create(rows, batch_size=500)
    now = [projects[s.code] for s in story]
    kept = [(p.annual_plan, p.plan_year) for p in now]
    for p, s in zip(now, story, strict=True):
        p.annual_plan, p.plan_year = s.plan, STORY_YEAR
    Project.objects.bulk_update(now, ["annual_plan", "plan_year"], batch_size=500)
    supervisor = users["supervisor"]
    grading.lock_period(supervisor, period, confirm_unreviewed=True)
    grading.publish_period(supervisor, period)
    for p, (plan, year) in zip(now, kept, strict=True):
        p.annual_plan, p.plan_year = plan, year
    Project.objects.bulk_update(now, ["annual_plan", "plan_year"], batch_size=500)
    return len(rows)

"""Monthly reports and site visits of the demo city, as plain data derived from the plan.

Reports: every month of the window for every project with an annual plan; cumulative investment is
the project's pace times its monthly shape, rounded once, so year-to-date is exactly the sum of months.
The latest month has the realistic mix: most approved, some awaiting review, a few returned, ~5 %
missing. Visits: the last eight weeks, most specialists 3–5 a week, some 1–2, a few none.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from liangping.demo import names as N
from liangping.demo.plan import City, ProjectSpec, add_months, plan_share, rng_for, wan

SUPERVISORS = ("supervisor", "supervisor2")
ENTERED_BY = "supervisor2"
NEVER_VISIT, LIGHT_VISIT = 4, 10


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def cutoff(city: City) -> dt.datetime:
    """Everything in the demo happened before the anchor day began."""
    return at(city.anchor.today, 0)


@dataclass
class ReportSpec:
    code: str
    month: dt.date
    month_investment: Decimal
    ytd_investment: Decimal
    progress: str
    status: str
    submitted_by: str
    submitted_at: dt.datetime
    reviewed_by: str | None = None
    reviewed_at: dt.datetime | None = None
    review_note: str = ""
    problems: str = ""


@dataclass
class VisitSpec:
    code: str
    specialist: str
    date: dt.date
    findings: str


PROGRESS = {
    "planned": ("项目正在谋划论证，已完成初步选址", "正在编制项目建议书"),
    "negotiating": ("与投资方进行第{n}轮洽谈，合作框架基本明确", "投资协议条款正在磋商"),
    "signed": ("已签订投资协议，正在办理用地、规划手续", "已完成项目备案，环评、能评手续办理中"),
    "construction": (
        "主体厂房施工，累计完成工程量约{p}%",
        "钢结构安装中，累计完成工程量约{p}%",
        "设备进场安装调试，累计完成工程量约{p}%",
        "基础及地下工程施工，累计完成工程量约{p}%",
    ),
    "operating": ("已建成投产，产能逐步释放", "已竣工投产，配套工程收尾"),
    "counted": ("已竣工投产并纳统，配套工程收尾", "已入库纳统，正常生产经营"),
}
VISIT_NOTES = {
    "planned": ("与项目方座谈，了解项目谋划进展",),
    "negotiating": ("陪同洽谈，了解投资方关切",),
    "signed": ("对接项目单位，了解前期手续办理进展", "查看项目选址，督促加快办理开工手续"),
    "construction": (
        "现场施工人员约{n}人，主体结构施工中，无新增问题",
        "现场施工人员约{n}人，设备进场安装，进度正常",
        "现场施工人员约{n}人，钢结构吊装中，安全措施到位",
        "现场施工人员约{n}人，室外管网及道路施工，无新增问题",
    ),
    "operating": ("项目已投产，了解生产经营情况，运行平稳",),
    "counted": ("项目已纳统，了解产值和用工情况",),
}


def progress_text(stage: str, built: float, rng: random.Random) -> str:
    """The 形象进度 of a month; `built` is the share of the construction period elapsed."""
    template = rng.choice(PROGRESS[stage])
    return template.format(n=rng.randint(2, 5), p=max(5, min(98, round(100 * built))))


def visit_text(stage: str, rng: random.Random) -> str:
    return rng.choice(VISIT_NOTES[stage]).format(n=rng.randint(30, 400))


def month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


def submitter(p: ProjectSpec) -> str:
    """Who submits a project's report: its unit's account, else its specialist, else the supervisor
    enters it for the unit (a unit without an account and without a specialist)."""
    return p.owner or p.specialist or ENTERED_BY


def reviewer(submitted_by: str, rng: random.Random) -> str:
    """A supervisor reviews; never the one who entered the report."""
    return rng.choice([s for s in SUPERVISORS if s != submitted_by])


def plan_reports(city: City, due_day: int = 5) -> list[ReportSpec]:
    anchor = city.anchor
    rng = rng_for("reports", anchor.today)
    end = cutoff(city)
    planned = [p for p in city.projects if p.plan is not None]
    pool = sorted(planned, key=lambda p: p.code)
    rng.shuffle(pool)
    missing = max(1, round(len(pool) * 0.05))
    latest_mix = {p.code: "missing" for p in pool[:missing]}
    latest_mix |= {p.code: "returned" for p in pool[missing : missing + 4]}
    latest_mix |= {p.code: "submitted" for p in pool[missing + 4 : missing + 4 + round(len(pool) * 0.15)]}
    out: list[ReportSpec] = []
    for p in planned:
        for month in anchor.months:
            mix = latest_mix.get(p.code, "approved") if month == anchor.latest else "approved"
            if mix != "missing":
                out.append(_report(p, month, mix, due_day, end, rng))
    return out


def _cumulative(p: ProjectSpec, month: dt.date) -> Decimal:
    return wan(float(p.plan or 0) * plan_share(p, month.year, month.month))


def _report(
    p: ProjectSpec, month: dt.date, mix: str, due_day: int, end: dt.datetime, rng: random.Random
) -> ReportSpec:
    ytd = _cumulative(p, month)
    before = Decimal(0) if month.month == 1 else _cumulative(p, add_months(month, -1))
    first = add_months(month, 1)
    late = rng.random() < 0.06
    day = rng.randint(due_day + 1, due_day + 7) if late else rng.randint(1, due_day)
    submitted = at(first + dt.timedelta(days=day - 1), rng.randint(8, 17), rng.choice((0, 15, 30, 45)))
    if submitted >= end:
        submitted = end - dt.timedelta(hours=rng.randint(1, 10))
    built = (month_end(month) - p.start).days / max((p.end - p.start).days, 1)
    report = ReportSpec(
        code=p.code,
        month=month,
        month_investment=ytd - before,
        ytd_investment=ytd,
        progress=progress_text(p.stage_on(month_end(month)), built, rng),
        status="submitted",
        submitted_by=submitter(p),
        submitted_at=submitted,
    )
    reviewed = submitted + dt.timedelta(hours=rng.randint(4, 72))
    if mix != "submitted" and reviewed < end:
        report.status = "returned" if mix == "returned" else "approved"
        report.reviewed_by = reviewer(report.submitted_by, rng)
        report.reviewed_at = reviewed
        if mix == "returned":
            report.review_note = rng.choice(N.RETURN_REASONS)
    return report


def plan_visits(city: City) -> list[VisitSpec]:
    anchor = city.anchor
    rng = rng_for("visits", anchor.today)
    by_specialist: dict[str, list[ProjectSpec]] = defaultdict(list)
    for p in city.projects:
        if p.specialist:
            by_specialist[p.specialist].append(p)
    specialists = sorted(by_specialist)
    rng.shuffle(specialists)
    never = set(specialists[:NEVER_VISIT])
    light = set(specialists[NEVER_VISIT : NEVER_VISIT + LIGHT_VISIT])
    out: list[VisitSpec] = []
    for week in range(8):
        days = [anchor.today - dt.timedelta(days=7 * week + d) for d in range(1, 8)]
        workdays = [d for d in days if d.weekday() < 6]
        for specialist in sorted(by_specialist):
            if specialist in never:
                continue
            count = rng.randint(1, 2) if specialist in light else rng.randint(3, 5)
            projects = by_specialist[specialist]
            weights = [3 if p.stage == "construction" else 1 for p in projects]
            for day in sorted(rng.sample(workdays, min(count, len(workdays)))):
                p = rng.choices(projects, weights=weights)[0]
                out.append(VisitSpec(p.code, specialist, day, visit_text(p.stage_on(day), rng)))
    return out

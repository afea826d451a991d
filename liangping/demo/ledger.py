"""The 207 key projects of the demo city: who builds what where, their dates, stages, history and pace.

Nine come from the seeds (names.SEED_PROJECTS); the rest are illustrative, with a profile that decides
how they behave: on pace, lagging (red or yellow by rule S), never started though due (逾期未开工),
due to finish and not finished (逾期未竣工), finished, counted, waiting to start, or not in the plan.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from liangping.demo import names as N
from liangping.demo.plan import (
    CALIBRATED,
    GENERATED_PROFILES,
    JUNE_TARGET,
    PLAN_TARGET,
    PROJECT_COUNT,
    SPECIALIST_PROJECTS,
    Anchor,
    City,
    NameMaker,
    ProjectSpec,
    StageSpec,
    add_months,
    build_orgs,
    build_users,
    plan_share,
    rng_for,
    round_to,
    wan,
)

PROVINCIAL_GENERATED = 44  # the largest illustrative projects are 省重点
DISTRICT_WEIGHTS = [28, 27, 22, 21, 19, 48, 33]  # in the order of names.DISTRICTS


@dataclass
class Draft:
    """A project before it has a code, dates and people; amounts in 万元 as floats until rounded."""

    name: str
    unit: str
    district: str
    industry: str
    department: str
    total: float
    plan: float | None
    stage: str
    profile: str
    sample: bool = True
    level: str = "city"
    owner: str = ""


def _dates(profile: str, anchor: Anchor, rng: random.Random) -> tuple[dt.date, dt.date]:
    now, latest, first = anchor.today.replace(day=1), anchor.latest, anchor.ledger_start
    if profile == "late_finish":
        return add_months(now, -rng.randint(24, 36)), add_months(now, -rng.randint(1, 3))
    if profile in ("operating", "counted"):
        span = max(1, (latest.year - first.year) * 12 + latest.month - first.month)
        end = add_months(first, rng.randint(1, span))
        return add_months(end, -rng.randint(12, 30)), end
    if profile == "not_started":
        start = add_months(latest, -rng.randint(0, 5))
        return start, add_months(start, rng.randint(12, 30))
    if profile == "pending":
        start = add_months(now, rng.randint(1, 4))
        return start, add_months(start, rng.randint(12, 24))
    if profile == "no_plan":
        start = add_months(now, rng.randint(6, 12))
        return start, add_months(start, 24)
    return add_months(now, -rng.randint(2, 30)), add_months(now, rng.randint(3, 30))


STAGES_BY_PROFILE = {
    "no_plan": ["planned"],
    "not_started": ["planned", "negotiating", "signed", "signed", "signed"],
    "pending": ["signed"] * 7 + ["negotiating", "negotiating", "planned"],
    "operating": ["operating"],
    "counted": ["counted"],
}
PLAN_SHARE = {
    "pending": (0.03, 0.10),
    "not_started": (0.10, 0.30),
    "operating": (0.05, 0.20),
    "counted": (0.05, 0.20),
}


def _stage(profile: str, pools: dict[str, list[str]], rng: random.Random) -> str:
    """A stage drawn without replacement from the profile's pool (the last one repeats)."""
    pool = pools.get(profile)
    if not pool:
        return "construction"
    return pool.pop(rng.randrange(len(pool))) if len(pool) > 1 else pool[0]


def _generated(rng: random.Random, count: int) -> list[Draft]:
    profiles = [p for p, n in GENERATED_PROFILES.items() for _ in range(n)]
    profiles += ["normal"] * (count - len(profiles))
    rng.shuffle(profiles)
    stage_pool = {p: list(s) for p, s in STAGES_BY_PROFILE.items()}
    districts = [d[0] for d in N.DISTRICTS]
    companies: set[str] = {s.unit for s in N.SEED_PROJECTS}
    rows: list[Draft] = []
    for profile in profiles:
        industry = rng.choices(N.INDUSTRIES, weights=[i.weight for i in N.INDUSTRIES])[0]
        district = rng.choices(districts, weights=DISTRICT_WEIGHTS)[0]
        place = rng.choice([next(d[2] for d in N.DISTRICTS if d[0] == district), "山东", "枣庄"])
        while True:
            brand = rng.choice(N.BRANDS)
            unit = f"{place}{brand}{rng.choice(industry.company_suffixes)}有限公司"
            if unit not in companies:
                companies.add(unit)
                break
        template = rng.choice(industry.templates)
        name = brand + template.format(n=rng.choice([2, 3, 5, 6, 10, 12, 20]))
        total = 10 ** rng.uniform(3.9, 5.6)  # 0.8亿 to 40亿元 before scaling
        low, high = PLAN_SHARE.get(profile, (0.15, 0.45))
        stage = _stage(profile, stage_pool, rng)
        plan = None if profile == "no_plan" else total * rng.uniform(low, high)
        department = rng.choice(industry.departments)
        rows.append(Draft(name, unit, district, industry.name, department, total, plan, stage, profile))
    return rows


def _history(spec: ProjectSpec, anchor: Anchor, rng: random.Random) -> list[StageSpec]:
    """Creation, then the stage changes that brought the project where it is (all before the anchor)."""
    created = anchor.ledger_start - dt.timedelta(days=rng.randint(3, 20))
    last = anchor.today - dt.timedelta(days=1)

    def clamp(day: dt.date, after: dt.date) -> dt.date:
        return max(min(day, last), after + dt.timedelta(days=1))

    steps: list[tuple[str, dt.date, str]] = []
    if spec.stage == "construction" and spec.start > created:
        steps = [
            ("signed", created, "建档"),
            ("construction", spec.start + dt.timedelta(days=rng.randint(0, 20)), "项目开工建设"),
        ]
    elif spec.stage in ("operating", "counted"):
        steps = [("construction", created, "建档")]
        if spec.end > created:
            steps.append(("operating", spec.end + dt.timedelta(days=rng.randint(0, 25)), "竣工投产"))
        else:
            steps = [("operating", created, "建档")]
        if spec.stage == "counted":
            steps.append(("counted", steps[-1][1] + dt.timedelta(days=rng.randint(20, 60)), "入库纳统"))
    elif spec.stage == "signed" and spec.profile == "pending" and rng.random() < 0.5:
        steps = [
            ("negotiating", created, "建档"),
            ("signed", created + dt.timedelta(days=rng.randint(30, 200)), "签约落地"),
        ]
    else:
        steps = [(spec.stage, created, "建档")]
    out: list[StageSpec] = []
    previous = ""
    for stage, day, note in steps:
        day = day if not out else clamp(day, out[-1].date)
        out.append(StageSpec(previous, stage, day, note))
        previous = stage
    return out


def _seeds() -> list[Draft]:
    return [
        Draft(
            s.name,
            s.unit,
            s.district,
            s.industry,
            "市商务局" if s.industry == "现代物流" else "市工业和信息化局",
            float(s.total),
            float(s.plan),
            s.stage,
            s.profile,
            sample=s.sample,
            level=s.level,
            owner=f"owner_{s.key}",
        )
        for s in N.SEED_PROJECTS
    ]


def _scale(seeds: list[Draft], generated: list[Draft]) -> None:
    """Scale the illustrative amounts so all annual plans add up to PLAN_TARGET; mark the largest 省重点."""
    scale = (float(PLAN_TARGET) - sum(d.plan or 0 for d in seeds)) / sum(d.plan or 0 for d in generated)
    provincial = sorted(d.total for d in generated)[-PROVINCIAL_GENERATED]
    for d in generated:
        d.level = "provincial" if d.total >= provincial else "city"
        d.total = float(round_to(max(d.total * scale, 3000), 100))
        if d.plan is not None:
            d.plan = min(d.total, float(round_to(max(d.plan * scale, 500), 10)))


def build_city(anchor: Anchor) -> City:
    rng = rng_for("city", anchor.year)
    users = build_users(rng_for("people"))
    people = NameMaker(rng_for("contacts", anchor.year), {u.display_name for u in users})
    seeds = _seeds()
    generated = _generated(rng, PROJECT_COUNT - len(seeds))
    _scale(seeds, generated)
    specialists = [u.username for u in users if u.role == "specialist"]
    helped = _with_specialist(seeds, generated, rng)
    order = list(range(len(helped)))
    rng.shuffle(order)  # each specialist gets one or two projects
    specialist_of = {i: specialists[order[k] % len(specialists)] for k, i in enumerate(helped)}
    projects = []
    for i, d in enumerate(seeds + generated):
        start, end = _dates(d.profile, anchor, rng)
        spec = ProjectSpec(
            code=f"ZZ{anchor.year}-{i + 1:03d}",
            name=d.name,
            level=d.level,
            district=d.district,
            industry=d.industry,
            unit=d.unit,
            total=wan(d.total),
            plan=None if d.plan is None else wan(d.plan),
            stage=d.stage,
            start=start,
            end=end,
            leader="leader01" if i == 0 else f"leader{rng.randint(1, len(N.LEADERS)):02d}",
            department=d.department,
            specialist=specialist_of.get(i, ""),
            contact_name=people(),
            contact_phone=people.phone(),
            sample=d.sample,
            profile=d.profile,
            owner=d.owner,
        )
        spec.history = _history(spec, anchor, rng)
        projects.append(spec)
    _set_pace(projects, anchor, rng)
    return City(anchor, build_orgs([(p.unit, p.district) for p in projects]), users, projects)


def _with_specialist(seeds: list[Draft], generated: list[Draft], rng: random.Random) -> list[int]:
    """The indices of the SPECIALIST_PROJECTS projects a specialist is assigned to: every seed project and
    the generated ones still to be built; projects already finished, counted or not in the plan go
    without first, then some on pace."""
    spare = [
        i for i, d in enumerate(generated, len(seeds)) if d.profile in ("operating", "counted", "no_plan")
    ]
    normal = [i for i, d in enumerate(generated, len(seeds)) if d.profile == "normal"]
    rng.shuffle(normal)
    spare += normal[: PROJECT_COUNT - SPECIALIST_PROJECTS - len(spare)]
    return [i for i in range(len(seeds) + len(generated)) if i not in set(spare)]


def _set_pace(projects: list[ProjectSpec], anchor: Anchor, rng: random.Random) -> None:
    """Each project's pace; projects on pace are scaled together so June lands on JUNE_TARGET."""
    for p in projects:
        if p.profile == "red":
            p.pace = rng.uniform(0.15, 0.45)
        elif p.profile == "yellow":
            p.pace = rng.uniform(0.88, 0.97)  # plan_share: 1.5 to 10 points behind in every month
        elif p.profile == "not_started":
            p.pace = rng.uniform(0.0, 0.06)
        else:
            p.pace = rng.uniform(0.92, 1.12)
    planned = [p for p in projects if p.plan is not None]
    june = {p.code: plan_share(p, anchor.year, 6) * float(p.plan or 0) for p in planned}
    fixed = sum(june[p.code] for p in planned if p.profile not in CALIBRATED)
    scaled = sum(june[p.code] for p in planned if p.profile in CALIBRATED)
    total_plan = sum(float(p.plan or 0) for p in planned)
    k = (JUNE_TARGET * total_plan - fixed) / scaled
    for p in planned:
        if p.profile in CALIBRATED:
            p.pace *= k

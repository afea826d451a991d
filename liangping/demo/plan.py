"""The demo city as plain data: the anchor date, the specs of orgs, users and projects, fictional people.

Nothing in the plan modules (plan, ledger, activity, casework) touches the database. Every random
choice comes from a `random.Random` seeded with SEED plus a label, so the same anchor date always
gives the same city.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from liangping.demo import names as N

# Cumulative share of the annual plan by the end of each month for a project on pace (front-loaded,
# as the seeds describe: over 80 % by June).
CURVE = [0.09, 0.18, 0.31, 0.46, 0.62, 0.79, 0.86, 0.91, 0.96, 1.00, 1.04, 1.08]
JUNE_TARGET = 0.85  # the 207 projects together, by the end of June (DOMAIN §13: over 80 %)
PLAN_TARGET = Decimal("4500000")  # 万元: ~450亿元, so that June lands near the seeds' 360余亿元
GENERATED_PROFILES = {
    "no_plan": 2,
    "not_started": 5,
    "pending": 10,
    "late_finish": 3,
    "red": 10,
    "yellow": 12,
    "operating": 17,
    "counted": 10,
}
CALIBRATED = {"normal", "operating", "counted", "late_finish", "pending"}
PROJECT_COUNT = 207
SPECIALIST_COUNT = 84
SPECIALIST_PROJECTS = 166  # the seeds: 84 名项目推进专员，负责166个省市重点项目


def rng_for(*labels: object) -> random.Random:
    return random.Random(":".join([N.SEED, *map(str, labels)]))


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def wan(value: float | Decimal) -> Decimal:
    """An amount in 万元 with two decimals (0.01 万元 = 100 元), rounded half up."""
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def round_to(value: float, step: int) -> Decimal:
    return Decimal(round(value / step) * step)


@dataclass(frozen=True)
class Anchor:
    """The demo's "today". Reports run to the last complete month before it."""

    today: dt.date

    @property
    def year(self) -> int:
        return self.today.year

    @property
    def latest(self) -> dt.date:
        return add_months(self.today.replace(day=1), -1)

    @property
    def months(self) -> list[dt.date]:
        # At least six months, and whole years, so every year-to-date figure is the sum of its months.
        start = dt.date(add_months(self.latest, -5).year, 1, 1)
        out, month = [], start
        while month <= self.latest:
            out.append(month)
            month = add_months(month, 1)
        return out

    @property
    def ledger_start(self) -> dt.date:
        return self.months[0]


@dataclass
class OrgSpec:
    name: str
    kind: str
    parent: str | None
    aliases: str = ""
    sort: int = 0


@dataclass
class UserSpec:
    username: str
    role: str
    org: str
    display_name: str
    phone: str = ""


@dataclass
class StageSpec:
    from_stage: str
    to_stage: str
    date: dt.date
    note: str


@dataclass
class ProjectSpec:
    code: str
    name: str
    level: str
    district: str
    industry: str
    unit: str
    total: Decimal
    plan: Decimal | None
    stage: str
    start: dt.date
    end: dt.date
    leader: str
    department: str
    specialist: str  # "" for a project no specialist is assigned to
    contact_name: str
    contact_phone: str
    sample: bool
    profile: str
    owner: str = ""  # username of the unit's account, if it has one
    pace: float = 1.0
    history: list[StageSpec] = field(default_factory=list)

    def stage_on(self, day: dt.date) -> str:
        stage = self.history[0].to_stage if self.history else self.stage
        for event in self.history:
            if event.date <= day:
                stage = event.to_stage
        return stage


@dataclass
class City:
    anchor: Anchor
    orgs: list[OrgSpec]
    users: list[UserSpec]
    projects: list[ProjectSpec]

    def handler_for(self, org: str) -> str:
        return next(u.username for u in self.users if u.org == org and u.role in ("department", "district"))


class NameMaker:
    """Fictional personal names, unique, never one printed in the seeds."""

    def __init__(self, rng: random.Random, taken: set[str]) -> None:
        self.rng, self.taken = rng, taken | set(N.REAL_NAMES)

    def __call__(self) -> str:
        while True:
            given = "".join(self.rng.choice(N.GIVEN) for _ in range(self.rng.choice((1, 2, 2, 2))))
            name = self.rng.choice(N.SURNAMES) + given
            if name not in self.taken:
                self.taken.add(name)
                return name

    def phone(self) -> str:
        return f"1{self.rng.choice('3578')}{self.rng.randint(0, 9)}0632{self.rng.randint(0, 9999):04d}"


def build_orgs(companies: list[tuple[str, str]]) -> list[OrgSpec]:
    orgs = [OrgSpec(N.CITY, "city", None), OrgSpec(N.OFFICE, "office", N.CITY, sort=1)]
    orgs += [OrgSpec(n, "district", N.CITY, a, 10 + i) for i, (n, a, _s, _u) in enumerate(N.DISTRICTS)]
    orgs += [OrgSpec(n, "department", N.CITY, a, 30 + i) for i, (n, a, _u) in enumerate(N.DEPARTMENTS)]
    orgs += [OrgSpec(n, "town", d, sort=60 + i) for i, (n, d) in enumerate(N.TOWNS)]
    unique = dict.fromkeys(companies)  # a company building two projects is one org
    orgs += [OrgSpec(n, "company", d, sort=100 + i) for i, (n, d) in enumerate(unique)]
    return orgs


def build_users(rng: random.Random) -> list[UserSpec]:
    people = NameMaker(rng, set(N.LEADERS))
    users = [
        UserSpec("sysadmin", "sysadmin", N.CITY, "系统管理员"),
        UserSpec("secadmin", "secadmin", N.CITY, "安全管理员"),
        UserSpec("auditor", "auditor", N.CITY, "审计管理员"),
        UserSpec("supervisor", "supervisor", N.OFFICE, people(), people.phone()),
        UserSpec("supervisor2", "supervisor", N.OFFICE, people(), people.phone()),
    ]
    users += [UserSpec(f"leader{i + 1:02d}", "leader", N.CITY, name) for i, name in enumerate(N.LEADERS)]
    users += [UserSpec(f"dept_{u}", "department", n, people(), people.phone()) for n, _a, u in N.DEPARTMENTS]
    users += [
        UserSpec(f"district_{u}", "district", n, people(), people.phone()) for n, _a, _s, u in N.DISTRICTS
    ]
    users += [
        UserSpec(f"specialist{i + 1:02d}", "specialist", N.OFFICE, people(), people.phone())
        for i in range(SPECIALIST_COUNT)
    ]
    users += [UserSpec(f"owner_{s.key}", "owner", s.unit, people(), people.phone()) for s in N.SEED_PROJECTS]
    # 人大代表 and 政协委员 (fixed names, drawing nothing from `rng`: the city after them stays as it was)
    users += [UserSpec(f"deputy{i}", "deputy", N.CITY, f"示例代表{c}") for i, c in enumerate("甲乙丙", 1)]
    users += [UserSpec(f"member{i}", "member", N.CITY, f"示例委员{c}") for i, c in enumerate("甲乙丙", 1)]
    return users


def shape(code: str, year: int) -> list[float]:
    """A project's cumulative share of plan by month in `year`, before its pace: CURVE with noise."""
    rng = rng_for("shape", code, year)
    out, total, previous = [], 0.0, 0.0
    for value in CURVE:
        total += (value - previous) * rng.uniform(0.6, 1.4)
        previous = value
        out.append(total)
    return out


def plan_share(p: ProjectSpec, year: int, month: int) -> float:
    """A project's cumulative share of its annual plan at the end of `month` of `year`.

    A yellow project runs a few points behind time progress in every month (so every locked period has
    yellow cards); every other project follows its noisy monthly shape times its pace."""
    if p.profile == "yellow":
        return p.pace * month / 12
    return p.pace * shape(p.code, year)[month - 1]

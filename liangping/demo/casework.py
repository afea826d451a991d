"""Demo problems (cases) raised from reports and visits, in every state of the closed loop.

Each case is planned as the services would have written it: a register step when the report or visit
was recorded, then assign → handle → reply (→ return → reply) → verify → close, each step with its
actor, time and note, the case's own fields (deadline in working days, reply, return count, version)
agreeing with its steps. The problem text is written into the source report or visit.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

from liangping.core.workdays import WorkCalendar
from liangping.demo import names as N
from liangping.demo.activity import SUPERVISORS, ReportSpec, VisitSpec, at, cutoff
from liangping.demo.plan import City, ProjectSpec, rng_for

# status, returned once, overdue, how many, registered this many days before the anchor (min, max)
DESIGN: list[tuple[str, bool, bool, int, tuple[int, int]]] = [
    ("registered", False, False, 5, (1, 2)),
    ("assigned", False, False, 3, (1, 3)),
    ("assigned", False, True, 4, (15, 45)),
    ("handling", False, True, 4, (15, 45)),
    ("handling", True, True, 2, (20, 50)),
    ("handling", False, False, 6, (2, 4)),
    ("replied", False, False, 6, (8, 25)),
    ("replied", True, False, 1, (12, 25)),
    ("verified", False, False, 4, (10, 35)),
    ("verified", True, False, 1, (15, 35)),
    ("closed", False, False, 22, (14, 90)),
    ("closed", True, False, 2, (20, 90)),
]
PATHS = {
    "registered": [],
    "assigned": ["assign"],
    "handling": ["assign", "handle"],
    "replied": ["assign", "handle", "reply"],
    "verified": ["assign", "handle", "reply", "verify"],
    "closed": ["assign", "handle", "reply", "verify", "close"],
}
TARGET = {
    "assign": "assigned",
    "handle": "handling",
    "reply": "replied",
    "verify": "verified",
    "close": "closed",
    "return": "handling",
}
HOURS = {
    "assign": (2, 30),
    "handle": (2, 48),
    "reply": (24, 120),
    "return": (12, 48),
    "verify": (24, 96),
    "close": (8, 48),
}


@dataclass
class StepSpec:
    action: str
    from_status: str
    to_status: str
    actor: str
    at: dt.datetime
    note: str


@dataclass
class CaseSpec:
    code: str
    title: str
    description: str
    source: str  # "report" or "visit"
    source_key: tuple  # (code, month) of a report, (code, specialist, date) of a visit
    registered_by: str
    registered_at: dt.datetime
    lead_org: str = ""
    co_orgs: list[str] = field(default_factory=list)
    steps: list[StepSpec] = field(default_factory=list)
    deadline: dt.date | None = None
    deadline_note: str = ""
    answer: str = ""  # the reply that settles it

    @property
    def status(self) -> str:
        return self.steps[-1].to_status

    def last(self, action: str) -> StepSpec | None:
        return next((s for s in reversed(self.steps) if s.action == action), None)


def _path(status: str, returned: bool) -> list[str]:
    """The actions that lead to `status`; a returned case went back once after its first reply."""
    if not returned:
        return list(PATHS[status])
    if status == "handling":
        return ["assign", "handle", "reply", "return"]
    path = list(PATHS[status])
    i = path.index("reply") + 1
    path[i:i] = ["return", "reply"]
    return path


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _source(
    rng: random.Random,
    window: tuple[int, int],
    today: dt.date,
    reports: list[ReportSpec],
    visits: list[VisitSpec],
    used: set[int],
    prefer: str = "",
) -> ReportSpec | VisitSpec:
    low, high = window
    while True:
        first, last = today - dt.timedelta(days=high), today - dt.timedelta(days=low)
        rs = [r for r in reports if id(r) not in used and first <= local_day(r.submitted_at) <= last]
        vs = [v for v in visits if id(v) not in used and first <= v.date <= last]
        if prefer:
            rs, vs = [r for r in rs if r.code == prefer] or rs, [v for v in vs if v.code == prefer] or vs
        if rs and (not vs or rng.random() < 0.6):
            return rng.choice(rs)
        if vs:
            return rng.choice(vs)
        if high > 3650:
            raise ValueError("示例数据中没有可用来登记问题的调度或走访")
        high += 10  # nothing recorded in the window (an early anchor): look further back


def plan_cases(
    city: City,
    reports: list[ReportSpec],
    visits: list[VisitSpec],
    calendar: WorkCalendar,
    reply_workdays: int = 5,
) -> list[CaseSpec]:
    rng = rng_for("cases", city.anchor.today)
    projects = {p.code: p for p in city.projects}
    ydt = next(p.code for p in city.projects if p.owner == "owner_ydt")
    end = cutoff(city)
    used: set[int] = set()
    out: list[CaseSpec] = []
    for status, returned, overdue, count, window in DESIGN:
        for i in range(count):
            prefer = ydt if status == "handling" and overdue and not returned and i == 0 else ""
            source = _source(rng, window, city.anchor.today, reports, visits, used, prefer)
            used.add(id(source))
            case = _raise(source, projects[source.code], rng)
            _walk(case, _path(status, returned), city, end, calendar, reply_workdays, rng)
            out.append(case)
    return out


def _raise(source: ReportSpec | VisitSpec, p: ProjectSpec, rng: random.Random) -> CaseSpec:
    title, lead, co, answer = N.YIDATONG_PROBLEM if p.owner == "owner_ydt" else rng.choice(N.PROBLEMS)
    lead = p.district if lead == "district" else lead
    co_orgs = [p.district if c == "district" else c for c in co]
    if isinstance(source, ReportSpec):
        source.problems = title
        case = CaseSpec(
            p.code, title, title, "report", (p.code, source.month), source.submitted_by, source.submitted_at
        )
    else:
        seen = source.findings.removesuffix("，无新增问题")
        source.findings = f"{title}\n现场查看：{seen}；项目单位反映上述问题，需协调解决。"
        registered = at(source.date, rng.randint(16, 18), rng.choice((0, 20, 40)))
        case = CaseSpec(
            p.code,
            title,
            source.findings,
            "visit",
            (p.code, source.specialist, source.date),
            source.specialist,
            registered,
        )
    case.lead_org, case.answer = lead, answer
    case.co_orgs = [c for c in co_orgs if c != lead]
    case.steps.append(
        StepSpec("register", "", "registered", case.registered_by, case.registered_at, case.description)
    )
    return case


def _walk(
    case: CaseSpec,
    path: list[str],
    city: City,
    end: dt.datetime,
    calendar: WorkCalendar,
    reply_workdays: int,
    rng: random.Random,
) -> None:
    """Append the steps of `path`, spaced by realistic delays squeezed to end before the anchor."""
    hours = [rng.uniform(*HOURS[a]) for a in path]
    room = (end - case.registered_at).total_seconds() / 3600 - 1
    squeeze = min(1.0, room / sum(hours)) if hours else 1.0
    supervisor = rng.choice(SUPERVISORS)
    handler = city.handler_for(case.lead_org)
    when, status = case.registered_at, "registered"
    for action, delay in zip(path, hours, strict=True):
        when = (when + dt.timedelta(hours=max(delay * squeeze, 0.1))).replace(second=0, microsecond=0)
        actor = handler if action in ("handle", "reply") else supervisor
        if action == "assign":
            case.deadline = calendar.add_workdays(local_day(when), reply_workdays)
            case.deadline_note = calendar.warning()
            note = f"牵头单位：{case.lead_org}，答复期限：{case.deadline}"
        elif action == "handle":
            note = rng.choice(("已接收，正在办理", "已对接项目单位，正在协调"))
        elif action == "reply":
            settled = "return" not in path or case.last("return") is not None  # else returned later
            note = case.answer if settled else rng.choice(N.PARTIAL_REPLIES)
        elif action == "return":
            note = rng.choice(N.CASE_RETURN_REASONS)
        elif action == "verify":
            note = "经项目专员现场核实，问题已解决"
        else:
            note = "同意销号"
        case.steps.append(StepSpec(action, status, TARGET[action], actor, when, note))
        status = TARGET[action]

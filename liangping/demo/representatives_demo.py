"""The demo's 「五比五看」 rounds and its deputies and members (示例数据): the last two quarters
evaluated for every department and district (the later one locked and published, ranked against the
earlier), the deputies and members attached to projects, 10 site visits and 8 proposals or
suggestions, one in each state and more.

Idempotent: a round is found by its title, a visit by (project, visitor, date), a proposal by title."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from liangping.cases import engine
from liangping.cases.models import Case
from liangping.core.models import Org, OrgKind, Role, User
from liangping.core.tenancy import tenant_for
from liangping.deputies import services as deputies
from liangping.deputies.models import DeputyProject, SiteVisit
from liangping.evaluation import measures, schemes
from liangping.evaluation import services as evaluation
from liangping.evaluation.models import Round
from liangping.grading import services as grading
from liangping.projects.models import Project

FINDINGS = [
    "示例：主体结构施工中，现场有序；企业反映电力增容审批时间较长",
    "示例：设备已进场安装，建议加快配套道路建设",
    "示例：现场施工正常，安全文明施工措施到位",
    "示例：项目用工紧张，企业希望协调技能人才招聘",
    "示例：厂房封顶，企业反映融资成本偏高",
    "示例：土地平整中，尚有两户未完成搬迁",
    "示例：生产线调试，建议协调产业链上下游配套",
    "示例：现场停工待料，原材料价格上涨影响进度",
    "示例：项目进展顺利，计划提前竣工投产",
    "示例：环评手续尚在办理，影响开工",
]
PROPOSALS = [
    # (title, type, proposer index, lead department, co-department, the state it is left in)
    (
        "（示例）关于加快重点项目电力增容审批的建议",
        "suggestion",
        0,
        "市发展改革委",
        "市工业和信息化局",
        "submitted",
    ),
    ("（示例）关于完善锂电产业链配套的提案", "proposal", 3, "市工业和信息化局", "市商务局", "assigned"),
    (
        "（示例）关于优化项目审批并联办理的建议",
        "suggestion",
        1,
        "市行政审批服务局",
        "市发展改革委",
        "handling",
    ),
    ("（示例）关于加强技能人才引育的提案", "proposal", 4, "市科技局", "市统计局", "answered"),
    ("（示例）关于降低中小企业融资成本的提案", "proposal", 5, "市财政局", "市发展改革委", "reopened"),
    ("（示例）关于完善园区配套道路的建议", "suggestion", 2, "市交通运输局", "市住房城乡建设局", "satisfied"),
    ("（示例）关于推进政务服务进商超的提案", "proposal", 3, "市行政审批服务局", "市商务局", "basic"),
    ("（示例）关于加快老旧小区改造的建议", "suggestion", 0, "市住房城乡建设局", "市财政局", "closed_twice"),
]
COMMENTS = [
    "示例评语：工作扎实，推进有力",
    "示例评语：较好完成任务",
    "示例评语：仍有提升空间",
    "示例评语：作风务实",
]


def _user(role: str, org: Org | None = None) -> User | None:
    qs = User.objects.filter(role=role, is_active=True)
    if org is not None:
        qs = qs.filter(org=org)
    return qs.order_by("pk").first()


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def load_rounds(today: dt.date) -> int:
    supervisor = _user(Role.SUPERVISOR)
    if supervisor is None:
        return 0
    units = list(
        Org.objects.filter(
            kind__in=[OrgKind.DISTRICT, OrgKind.DEPARTMENT],
            tenant=supervisor.org.tenant if supervisor.org else None,
        ).order_by("kind", "sort", "id")
    )
    leaders = list(User.objects.filter(role=Role.LEADER).order_by("pk")[:2])
    second = User.objects.filter(role=Role.SUPERVISOR).order_by("pk")[1:2].first()
    evaluators: list[tuple[User, list[Org]]] = [(u, []) for u in [*leaders, *([second] if second else [])]]
    if not units or not evaluators:
        return 0
    scheme = schemes.current(supervisor.org.tenant if supervisor.org else None)
    made = 0
    for i, code in enumerate(_quarters(today)):
        period = grading.get_or_create_period(code, tenant_for(supervisor))  # 枣庄's, among 16 too
        title = f"{period.label}「五比五看」评价（示例）"
        if Round.objects.filter(title=title).exists():
            continue
        rnd = evaluation.open_round(
            supervisor,
            title=title,
            period=period,
            scheme=scheme,
            units=units,
            evaluators=evaluators,
            at=_at(period.end + dt.timedelta(days=3 + i)),
        )
        rng = random.Random(f"wubi-{code}")
        judged = [code for _d, code, _l in measures.judged_codes(scheme.dimensions)]
        for user, _scope in evaluators:
            for org in units:
                base = rng.randint(5, 9)
                entries = {
                    c: (str(min(10, max(1, base + rng.randint(-2, 1)))), rng.choice(COMMENTS)) for c in judged
                }
                evaluation.score(user, rnd, org, entries)
        evaluation.lock_round(supervisor, rnd)
        evaluation.publish_round(supervisor, rnd)
        made += 1
    return made


def _quarters(today: dt.date) -> list[str]:
    q = (today.month - 1) // 3
    year, out = today.year, []
    for _ in range(2):
        if q == 0:
            year, q = year - 1, 4
        out.append(f"{year}Q{q}")
        q -= 1
    return out[::-1]


def load_representatives(today: dt.date) -> dict[str, int]:
    supervisor = _user(Role.SUPERVISOR)
    reps = list(User.objects.filter(role__in=[Role.DEPUTY, Role.MEMBER]).order_by("role", "username"))
    # the city's own projects, also when the province's other cities are in the database
    projects = (
        list(Project.objects.in_city(tenant_for(supervisor)).order_by("code")[:12]) if supervisor else []
    )
    if supervisor is None or not reps or not projects:
        return {}
    for i, rep in enumerate(reps):
        for project in (projects[i % len(projects)], projects[(i + 5) % len(projects)]):
            deputies.attach(supervisor, rep, project)
    visits = 0
    for n, text in enumerate(FINDINGS):
        rep = reps[n % len(reps)]
        link = DeputyProject.objects.filter(user=rep).order_by("project__code")[n % 2]
        day = today - dt.timedelta(days=3 + 4 * n)
        if SiteVisit.objects.filter(project=link.project, visitor=rep, date=day).exists():
            continue
        deputies.record_visit(rep, link.project, day, text, raise_problem=n in (0, 7), at=_at(day, 16))
        visits += 1
    return {"代表委员视察": visits, "提案建议": _proposals(supervisor, reps, today)}


def _proposals(supervisor: User, reps: list[User], today: dt.date) -> int:
    made = 0
    for n, (title, kind, who, lead_name, co_name, state) in enumerate(PROPOSALS):
        if Case.objects.filter(kind="proposal", title=title).exists():
            continue
        proposer = reps[who % len(reps)]
        lead = Org.objects.filter(kind=OrgKind.DEPARTMENT, name=lead_name).first()
        co = Org.objects.filter(kind=OrgKind.DEPARTMENT, name=co_name).first()
        if lead is None:
            continue
        start = today - dt.timedelta(days=80 - 6 * n)
        case = engine.register(
            "proposal",
            actor=proposer,
            title=title,
            description=f"{title}。（示例数据）",
            data={"proposal_type": kind, "proposer_name": proposer.name},
            requester=proposer,
            at=_at(start),
            source="deputies",
        )
        made += 1
        if state == "submitted":
            continue
        engine.act(
            case, "assign", actor=supervisor, lead_org=lead, co_orgs=[co] if co else [], at=_at(start, 15)
        )
        if state == "assigned":
            continue
        handler: Any = _user(Role.DEPARTMENT, lead) or supervisor
        engine.act(case, "accept", actor=handler, at=_at(start + dt.timedelta(days=2)))
        if state == "handling":
            continue
        engine.act(
            case,
            "reply",
            actor=handler,
            note="示例答复：已研究落实，具体措施见附件。",
            at=_at(start + dt.timedelta(days=30)),
        )
        if state == "answered":
            continue
        rating = {"reopened": "unsatisfied", "satisfied": "satisfied", "basic": "basic"}.get(
            state, "unsatisfied"
        )
        note = "示例：措施尚未落实到位" if rating == "unsatisfied" else ""
        engine.act(
            case, "rate", actor=proposer, rating=rating, note=note, at=_at(start + dt.timedelta(days=35))
        )
        if state == "closed_twice":
            engine.act(
                case,
                "reply",
                actor=handler,
                note="示例再次答复：已专题推进。",
                at=_at(start + dt.timedelta(days=50)),
            )
            engine.act(
                case, "rate", actor=proposer, rating="satisfied", at=_at(start + dt.timedelta(days=55))
            )
    return made


def load(today: dt.date) -> dict[str, int]:
    out = load_representatives(today)
    out["五比五看评价轮次"] = load_rounds(today)
    return out

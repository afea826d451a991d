"""Writing the demo city to the database, idempotently.

Every row has a natural key (org kind + name, username, project code, (project, month) for reports,
(project, specialist, date) for visits, the source record for cases). A row that exists is left as it
is; only missing rows are written, in bulk, in one transaction, with one audit entry for the load.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from liangping.cases.clock import default_limit, end_of_day
from liangping.cases.kindload import LIVE, load_files
from liangping.cases.models import Case, CaseKind, CaseStep, KindCode
from liangping.core.audit import record
from liangping.core.config import get_setting
from liangping.core.divisions import SHANDONG
from liangping.core.models import AuditLog, Org, Role, User
from liangping.core.workdays import WorkCalendar
from liangping.demo import names as N
from liangping.demo.activity import ReportSpec, VisitSpec, plan_reports, plan_visits
from liangping.demo.appeals_demo import load_appeals
from liangping.demo.casework import CaseSpec, plan_cases
from liangping.demo.chains_demo import load_chains_demo
from liangping.demo.emergency_demo import load_emergency_demo
from liangping.demo.firms_demo import load_firms_demo
from liangping.demo.grading_demo import load_grading_demo, publish_quarters
from liangping.demo.ledger import build_city
from liangping.demo.ledgers_demo import load_ledgers_demo
from liangping.demo.plan import Anchor, City
from liangping.demo.reminders import run_reminder_jobs
from liangping.demo.representatives_demo import load as load_representatives_demo
from liangping.demo.services_demo import load_services_demo
from liangping.demo.story import load_story
from liangping.demo.tournament import load_tournament_demo
from liangping.projects.models import MonthlyReport, Project, StageEvent, Visit

BATCH = 500
DIVISION_CODES = {(kind, name): code for code, name, kind in SHANDONG}
LOAD_ACTION = "demo.load"


@dataclass
class LoadResult:
    anchor: dt.date
    created: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    logins: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(self.created.values())


def load_demo(today: dt.date) -> LoadResult:
    """Load the demo city as of `today`; running it again with the same date writes nothing."""
    started = time.monotonic()
    city = build_city(Anchor(today))
    reports = plan_reports(city, due_day=int(get_setting("report_due_day")))
    visits = plan_visits(city)
    limit = default_limit(KindCode.PROJECT_PROBLEM)
    if limit is None:
        # a database whose kinds were never loaded (or were emptied): load the shipped ones, as
        # `liangping kinds load` does; a kind that exists is left as its administrator set it
        load_files(None, LIVE)
        limit = default_limit(KindCode.PROJECT_PROBLEM)
    if limit is None or not limit.finish_amount or limit.finish_unit != "workdays":
        raise RuntimeError(
            "项目问题没有按工作日计的答复时限，请先运行 liangping migrate 和 liangping kinds load"
        )
    reply_days = limit.finish_amount
    cases = plan_cases(city, reports, visits, WorkCalendar.load(), reply_days)
    result = LoadResult(anchor=today, logins=demo_logins(city))
    with transaction.atomic():
        writer = Writer(city, result)
        writer.orgs()
        writer.users()
        writer.projects()
        writer.stage_events()
        writer.reports(reports)
        writer.visits(visits)
        writer.cases(cases)
        result.created.update(load_appeals(today))
        result.created.update(load_services_demo(today))  # before the lock: the snapshot freezes it
        result.created.update(load_grading_demo(today))
        result.created["2022年上半年调度"] = load_story(city, writer.project, writer.user)
        result.created.update(publish_quarters(today))
        result.created.update(load_chains_demo())
        result.created.update(load_firms_demo(today))
        result.created.update(load_ledgers_demo(today))  # before the jobs: they remind about it too
        result.created.update(load_representatives_demo(today))  # its proposals are problems awaiting a reply
        result.created["消息提醒"] = run_reminder_jobs(today)
        result.created.update(load_emergency_demo(today))
        result.created["青少年足球邀请赛比赛"] = load_tournament_demo()
        if result.changed:
            record(
                None,
                LOAD_ACTION,
                None,
                object_type="demo",
                object_id=today.isoformat(),
                object_repr=f"示例城市（数据截至 {today:%Y-%m-%d}）",
                changes={label: [0, n] for label, n in result.created.items() if n},
                reason="加载示例城市：项目、人员和数字多为示例数据，仅供演示",
                tenant=writer.org[N.CITY].tenant_id,  # the demo city's auditor reads it
            )
    result.seconds = time.monotonic() - started
    return result


def loaded_anchor() -> dt.date | None:
    """The anchor date of the demo city already in this database, if any (kept in its audit entry)."""
    entry = AuditLog.objects.filter(action=LOAD_ACTION).order_by("-at", "-id").first()
    return dt.date.fromisoformat(entry.object_id) if entry else None


def demo_logins(city: City) -> list[tuple[str, str]]:
    """One account per role (role label, username), around the first project where the role allows."""
    first = city.projects[0]
    linked = {first.leader, first.specialist, first.owner}
    linked |= {u.username for u in city.users if u.org in (first.department, first.district)}
    out = []
    for role in Role:
        users = [u for u in city.users if u.role == role]
        pick = next((u for u in users if u.username in linked), users[0])
        out.append((role.label, pick.username))
    return out


class Writer:
    """Writes the missing rows of each table and remembers the keys the next table needs."""

    def __init__(self, city: City, result: LoadResult) -> None:
        self.city, self.result = city, result
        self.org: dict[str, Org] = {}
        self.user: dict[str, User] = {}
        self.project: dict[str, Project] = {}
        self.report_pk: dict[tuple[int, dt.date], int] = {}
        self.visit_pk: dict[tuple[int, int, dt.date], int] = {}
        kind = CaseKind.objects.filter(code=KindCode.PROJECT_PROBLEM).first()
        self.kind_version_id = kind.current_id if kind is not None else None

    def orgs(self) -> None:
        existing = {(o.kind, o.name): o for o in Org.objects.all()}
        created = 0
        for spec in self.city.orgs:
            org = existing.get((spec.kind, spec.name))
            if org is None:
                parent = self.org[spec.parent] if spec.parent else None
                code = DIVISION_CODES.get((spec.kind, spec.name), "")
                org = Org(
                    name=spec.name,
                    kind=spec.kind,
                    code=code,
                    parent=parent,
                    aliases=spec.aliases,
                    sort=spec.sort,
                )
                org.save()  # computes the materialised path
                created += 1
            self.org[spec.name] = org
        self.result.created["组织"] = created

    def users(self) -> None:
        names = [u.username for u in self.city.users]
        existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        missing = [u for u in self.city.users if u.username not in existing]
        if missing:
            # One hash of the one shared demo password: hashing it per account would take most of a minute.
            encoded = make_password(N.DEMO_PASSWORD)
            User.objects.bulk_create(
                [
                    User(
                        username=User.normalize_username(u.username),
                        password=encoded,
                        role=u.role,
                        org=self.org[u.org],
                        display_name=u.display_name,
                        phone=u.phone,
                    )
                    for u in missing
                ],
                batch_size=BATCH,
            )
        self.result.created["用户"] = len(missing)
        self.user = {u.username: u for u in User.objects.filter(username__in=names)}

    def projects(self) -> None:
        codes = [p.code for p in self.city.projects]
        existing = set(Project.objects.filter(code__in=codes).values_list("code", flat=True))
        missing = [p for p in self.city.projects if p.code not in existing]
        rows = [
            Project(
                code=p.code,
                name=p.name,
                level=p.level,
                district=self.org[p.district],
                industry=p.industry,
                unit=self.org[p.unit],
                total_investment=p.total,
                annual_plan=p.plan,
                plan_year=self.city.anchor.year,
                stage=p.stage,
                planned_start=p.start,
                planned_end=p.end,
                leader=self.user[p.leader],
                department=self.org[p.department],
                specialist=self.user[p.specialist] if p.specialist else None,
                contact_name=p.contact_name,
                contact_phone=p.contact_phone,
                sample=p.sample,
            )
            for p in missing
        ]
        Project.objects.bulk_create(rows, batch_size=BATCH)
        self.result.created["重点项目"] = len(missing)
        self.project = {p.code: p for p in Project.objects.filter(code__in=codes)}

    def _ids(self) -> list[int]:
        return [p.pk for p in self.project.values()]

    def stage_events(self) -> None:
        with_history = set(
            StageEvent.objects.filter(project_id__in=self._ids()).values_list("project_id", flat=True)
        )
        author = self.user["supervisor"]
        rows = [
            StageEvent(
                project=self.project[p.code],
                from_stage=e.from_stage,
                to_stage=e.to_stage,
                date=e.date,
                author=author,
                note=e.note,
            )
            for p in self.city.projects
            if self.project[p.code].pk not in with_history
            for e in p.history
        ]
        StageEvent.objects.bulk_create(rows, batch_size=BATCH)
        self.result.created["阶段变更"] = len(rows)

    def reports(self, reports: list[ReportSpec]) -> None:
        mine = MonthlyReport.objects.filter(project_id__in=self._ids())
        existing = set(mine.values_list("project_id", "month"))
        rows = [
            MonthlyReport(
                project=self.project[r.code],
                month=r.month,
                month_investment=r.month_investment,
                ytd_investment=r.ytd_investment,
                progress=r.progress,
                problems=r.problems,
                status=r.status,
                submitted_by=self.user[r.submitted_by],
                submitted_at=r.submitted_at,
                first_submitted_by=self.user[r.submitted_by],
                first_submitted_at=r.submitted_at,
                reviewed_by=self.user[r.reviewed_by] if r.reviewed_by else None,
                reviewed_at=r.reviewed_at,
                review_note=r.review_note,
            )
            for r in reports
            if (self.project[r.code].pk, r.month) not in existing
        ]
        MonthlyReport.objects.bulk_create(rows, batch_size=BATCH)
        self.result.created["月度调度"] = len(rows)
        self.report_pk = {
            (pid, month): pk for pid, month, pk in mine.values_list("project_id", "month", "pk")
        }

    def visits(self, visits: list[VisitSpec]) -> None:
        mine = Visit.objects.filter(project_id__in=self._ids())
        existing = set(mine.values_list("project_id", "specialist_id", "date"))
        rows = [
            Visit(
                project=self.project[v.code],
                specialist=self.user[v.specialist],
                date=v.date,
                findings=v.findings,
            )
            for v in visits
            if (self.project[v.code].pk, self.user[v.specialist].pk, v.date) not in existing
        ]
        Visit.objects.bulk_create(rows, batch_size=BATCH)
        self.result.created["现场走访"] = len(rows)
        self.visit_pk = {
            (pid, sid, day): pk
            for pid, sid, day, pk in mine.values_list("project_id", "specialist_id", "date", "pk")
        }

    def source_ref(self, case: CaseSpec) -> str:
        """The reference raise_problem_from gives a case raised from this report or visit."""
        project = self.project[case.code].pk
        if case.source == "report":
            return f"report:{self.report_pk[(project, case.source_key[1])]}"
        _code, specialist, day = case.source_key
        return f"visit:{self.visit_pk[(project, self.user[specialist].pk, day)]}"

    def cases(self, cases: list[CaseSpec]) -> None:
        refs = [self.source_ref(c) for c in cases]
        existing = set(Case.objects.filter(source_ref__in=refs).values_list("source_ref", flat=True))
        todo = [(c, ref) for c, ref in zip(cases, refs, strict=True) if ref not in existing]
        rows = [self._case(c, ref) for c, ref in todo]
        Case.objects.bulk_create(rows, batch_size=BATCH)
        through = Case.co_orgs.through
        steps, links = [], []
        for case, (spec, _ref) in zip(rows, todo, strict=True):
            steps += [
                CaseStep(
                    case=case,
                    action=s.action,
                    from_status=s.from_status,
                    to_status=s.to_status,
                    actor=self.user[s.actor],
                    at=s.at,
                    note=s.note,
                )
                for s in spec.steps
            ]
            if case.lead_org_id:
                links += [through(case_id=case.pk, org_id=self.org[name].pk) for name in spec.co_orgs]
        CaseStep.objects.bulk_create(steps, batch_size=BATCH)
        through.objects.bulk_create(links, batch_size=BATCH)
        self.result.created["问题"] = len(rows)
        self.result.created["办理步骤"] = len(steps)

    def _case(self, c: CaseSpec, ref: str) -> Case:
        assign, reply, close = c.last("assign"), c.last("reply"), c.last("close")
        return Case(
            kind=KindCode.PROJECT_PROBLEM,
            kind_version_id=self.kind_version_id,
            title=c.title,
            description=c.description,
            subject_ct=ContentType.objects.get_for_model(Project),
            subject_id=self.project[c.code].pk,
            source=c.source,
            source_ref=ref,
            status=c.status,
            lead_org=self.org[c.lead_org] if assign else None,
            registered_by=self.user[c.registered_by],
            registered_at=c.registered_at,
            assigned_at=assign.at if assign else None,
            deadline=c.deadline,
            due_at=end_of_day(c.deadline) if c.deadline else None,
            finish_unit="workdays" if c.deadline else "",
            clock_started_at=assign.at if assign else None,
            finished_at=reply.at if reply and c.status in ("replied", "verified", "closed") else None,
            deadline_note=c.deadline_note,
            replied_at=reply.at if reply else None,
            reply=reply.note if reply else "",
            closed_at=close.at if close else None,
            return_count=sum(1 for s in c.steps if s.action == "return"),
            version=len(c.steps),
        )

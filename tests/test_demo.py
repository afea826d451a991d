"""The demo city: what it holds, that it agrees with itself, that a second load changes nothing; serving."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F, Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liangping.cases.models import Case, CaseStatus, CaseStep
from liangping.cases.services import TRANSITIONS, is_handler
from liangping.core.models import AuditLog, Org, OrgKind, Role, User
from liangping.demo import names as N
from liangping.demo import serving
from liangping.demo.ledger import build_city
from liangping.demo.plan import Anchor
from liangping.deputies.models import SiteVisit
from liangping.emergency.models import Point, PointCall, Warning, WarningStatus
from liangping.projects.models import STAGE_ORDER, MonthlyReport, Project, StageEvent, Visit

TODAY = dt.date(2026, 11, 20)
LATEST = dt.date(2026, 10, 1)
END_OF_LATEST = dt.date(2026, 10, 31)
ROOT = Path(__file__).resolve().parent.parent


def run_demo(*extra: str) -> str:
    out = io.StringIO()
    call_command("demo", "--no-serve", "--today", TODAY.isoformat(), *extra, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The demo loaded once for the module, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield run_demo()
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_org_tree_and_people(demo_output):
    assert Org.objects.get(kind=OrgKind.CITY).name == "枣庄市"
    districts = Org.objects.filter(kind=OrgKind.DISTRICT)
    assert districts.count() == 7
    assert {d.name for d in districts} == {d[0] for d in N.DISTRICTS}
    assert "滕州" in districts.get(name="滕州市").alias_list()
    assert "高新区" in districts.get(name="枣庄高新区").alias_list()
    assert "市发改委" in Org.objects.get(name="市发展改革委").alias_list()
    assert Org.objects.get(name="市城市转型促进中心").kind == OrgKind.OFFICE
    assert all(c.parent.kind == OrgKind.DISTRICT for c in Org.objects.filter(kind=OrgKind.COMPANY))
    # GB/T 2260 codes from the shipped table; every unit is in the city's tenant
    assert Org.objects.get(kind=OrgKind.CITY).code == "370400"
    assert {d.name: d.code for d in districts}["枣庄高新区"] == "370471"
    assert {d.code for d in districts} == {
        "370402",
        "370403",
        "370404",
        "370405",
        "370406",
        "370481",
        "370471",
    }
    city = Org.objects.get(kind=OrgKind.CITY)
    assert set(Org.objects.values_list("tenant_id", flat=True)) == {city.pk}
    roles = Counter(User.objects.values_list("role", flat=True))
    assert set(roles) == {r.value for r in Role}
    assert roles[Role.SPECIALIST] == 84
    assert roles[Role.SUPERVISOR] == 2 and roles[Role.LEADER] == 10
    assert User.objects.filter(role=Role.DISTRICT, org__kind=OrgKind.DISTRICT).count() == 7
    assert (
        User.objects.filter(role=Role.DISTRICT, org__kind=OrgKind.TOWN).count() == 3
    )  # appeals go down to them
    assert not set(User.objects.values_list("display_name", flat=True)) & N.REAL_NAMES
    assert not set(Project.objects.values_list("contact_name", flat=True)) & N.REAL_NAMES
    assert all(u.username.isascii() for u in User.objects.all())


def test_projects(demo_output):
    assert Project.objects.count() == 207
    assert set(Project.objects.values_list("plan_year", flat=True)) == {2026}
    assert Project.objects.filter(code="ZZ2026-001").exists()
    levels = Counter(Project.objects.values_list("level", flat=True))
    assert levels["provincial"] > 20 and levels["city"] > 100
    for p in Project.objects.select_related("unit", "district"):
        assert p.unit.parent_id == p.district_id
        assert p.leader_id and p.department_id and p.contact_name and p.contact_phone
        assert p.annual_plan is None or Decimal(0) < p.annual_plan <= p.total_investment
    # the seeds: 84 specialists responsible for 166 of the key projects, one or two each
    specialists = Counter(Project.objects.exclude(specialist=None).values_list("specialist", flat=True))
    assert sum(specialists.values()) == 166
    assert len(specialists) == 84 and set(specialists.values()) == {1, 2}
    without = Project.objects.filter(specialist=None)
    assert not without.filter(sample=False).exists()  # every project named in the seeds has one


def test_seed_projects_carry_the_seeds_figures(demo_output):
    xwd = Project.objects.get(name="欣旺达50GWh动力电池项目")
    assert xwd.total_investment == Decimal("2000000") and xwd.stage == "construction"
    xq = Project.objects.get(name__startswith="协氢")
    assert xq.total_investment == Decimal("100000") and xq.stage == "operating"
    assert xq.unit.name == "协氢（枣庄）氢能科技有限公司"
    ydt = Project.objects.get(name="易达通智慧物流建设项目")
    assert ydt.district.name == "山亭区" and ydt.unit.name == "山东易达通供应链有限公司"
    for start in ("顶腾新能源", "天科新能源", "精工电子", "中安"):
        assert Project.objects.filter(name__startswith=start).count() == 1
    real = set(Project.objects.filter(sample=False).values_list("name", flat=True))
    assert real == {s.name for s in N.SEED_PROJECTS if not s.sample}
    assert Project.objects.filter(sample=True).count() == 207 - len(real)
    assert User.objects.get(username="owner_xwd").org == xwd.unit


def test_june_is_over_80_percent_and_30_points_ahead(demo_output):
    plan = Project.objects.aggregate(s=Sum("annual_plan"))["s"]
    june = MonthlyReport.objects.filter(month=dt.date(2026, 6, 1)).aggregate(s=Sum("ytd_investment"))["s"]
    assert MonthlyReport.objects.filter(month=dt.date(2026, 6, 1)).count() == 205  # all with a plan
    completion = june / plan * 100
    assert completion > 80
    assert completion - 50 > 30


def test_year_to_date_is_the_sum_of_months(demo_output):
    months: dict[tuple[int, int], list[MonthlyReport]] = defaultdict(list)
    for r in MonthlyReport.objects.order_by("project_id", "month"):
        months[(r.project_id, r.month.year)].append(r)
    assert sum(len(v) for v in months.values()) > 2000
    for rows in months.values():
        total = Decimal(0)
        assert rows[0].month.month == 1
        for r in rows:
            total += r.month_investment
            assert r.month_investment >= 0
            assert r.ytd_investment == total, (r.project_id, r.month)


def test_report_mix_of_the_latest_month(demo_output):
    planned = Project.objects.exclude(annual_plan=None).count()
    latest = MonthlyReport.objects.filter(month=LATEST)
    status = Counter(latest.values_list("status", flat=True))
    missing = planned - latest.count()
    assert 0.03 * planned <= missing <= 0.07 * planned
    assert status["approved"] > status["submitted"] > status["returned"] >= 3
    assert all(r.review_note for r in latest.filter(status="returned"))
    assert not MonthlyReport.objects.filter(month__gt=LATEST).exists()
    assert set(MonthlyReport.objects.exclude(month=LATEST).values_list("status", flat=True)) == {"approved"}
    submitted = [(r.month, timezone.localtime(r.submitted_at).date()) for r in MonthlyReport.objects.all()]
    assert all(month < day < TODAY for month, day in submitted)
    late = [day for month, day in submitted if day.day > 5 and day.month != month.month]
    assert late, "a few reports come in after the 5th"


def test_some_projects_lag_and_some_never_started(demo_output):
    before_construction = STAGE_ORDER[: STAGE_ORDER.index("construction")]
    not_started = Project.objects.filter(
        stage__in=before_construction, planned_start__lt=END_OF_LATEST, annual_plan__isnull=False
    )
    assert 3 <= not_started.count() <= 8
    gaps = []
    for r in MonthlyReport.objects.filter(month=LATEST).select_related("project"):
        gaps.append(r.ytd_investment / r.project.annual_plan * 100 - Decimal(10) / 12 * 100)
    red = sum(1 for g in gaps if g < -10)
    yellow = sum(1 for g in gaps if -10 <= g < 0)
    assert 5 <= red <= 25 and 5 <= yellow <= 30
    assert sum(1 for g in gaps if g >= 0) > len(gaps) * 0.6


def test_stage_history(demo_output):
    events = defaultdict(list)
    for e in StageEvent.objects.order_by("date", "id"):
        events[e.project_id].append(e)
    assert len(events) == 207
    assert any(len(v) > 1 for v in events.values())
    for project in Project.objects.all():
        history = events[project.pk]
        assert history[0].from_stage == "" and history[-1].to_stage == project.stage
        for a, b in itertools.pairwise(history):
            assert b.from_stage == a.to_stage and a.date < b.date
        assert history[-1].date < TODAY and all(e.author_id for e in history)


def test_visits(demo_output):
    first = TODAY - dt.timedelta(days=56)
    assert not Visit.objects.exclude(date__range=(first, TODAY - dt.timedelta(days=1))).exists()
    per_week = Counter()
    for v in Visit.objects.select_related("project"):
        assert v.project.specialist_id == v.specialist_id
        per_week[v.specialist_id] += 1
    rates = [per_week.get(u.pk, 0) / 8 for u in User.objects.filter(role=Role.SPECIALIST)]
    assert sum(1 for r in rates if 3 <= r <= 5) > 60
    assert 5 <= sum(1 for r in rates if 1 <= r <= 2) <= 15
    assert 1 <= sum(1 for r in rates if r == 0) <= 6


def test_cases_follow_their_steps(demo_output):
    problems = Case.objects.of_kind("project_problem")
    cases = problems.select_related("lead_org").prefetch_related("steps__actor")
    assert 55 <= len(cases) <= 65
    assert set(Counter(c.status for c in cases)) == set(CaseStatus.values)  # every state of a project problem
    assert 8 <= problems.overdue(TODAY).count() <= 14
    assert sum(1 for c in cases if c.return_count) >= 4
    cutoff = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(0)))
    for case in cases:
        steps: list[CaseStep] = list(case.steps.all())
        assert (
            steps[0].action == "register"
            and steps[0].from_status == ""
            and steps[0].to_status == "registered"
        )
        assert steps[0].actor == case.registered_by and steps[0].at == case.registered_at
        escalations = [s for s in steps if s.action == "escalate"]
        for step in escalations:  # written by the overdue job over the demo's last working days
            assert step.actor is None and step.from_status == step.to_status and case.deadline
            assert case.deadline < step.at.date() <= TODAY
        steps = [s for s in steps if s.action != "escalate"]
        for prev, step in itertools.pairwise(steps):
            sources, target = TRANSITIONS[step.action]
            assert (
                step.from_status == prev.to_status
                and step.from_status in sources
                and step.to_status == target
            )
            assert prev.at <= step.at and step.note
            if step.action in ("handle", "reply"):
                assert is_handler(step.actor, case)
            else:
                assert step.actor.role == Role.SUPERVISOR
        assert steps[-1].to_status == case.status
        assert steps[-1].at < cutoff
        assert case.version == len(steps)
        assert case.return_count == sum(1 for s in steps if s.action == "return")
        assign = [s for s in steps if s.action == "assign"]
        replies = [s for s in steps if s.action == "reply"]
        closes = [s for s in steps if s.action == "close"]
        assert (case.lead_org is not None) == bool(assign) == (case.deadline is not None)
        assert case.assigned_at == (assign[0].at if assign else None)
        assert case.replied_at == (replies[-1].at if replies else None)
        assert case.reply == (replies[-1].note if replies else "")
        assert case.closed_at == (closes[0].at if closes else None)
        kind, _, pk = case.source_ref.partition(":")
        sources_by_kind = {"report": MonthlyReport, "deputy_visit": SiteVisit}  # else a staff site visit
        source = sources_by_kind.get(kind, Visit).objects.get(pk=pk)
        assert kind == case.source and source.project_id == case.subject_id
        text = source.problems if kind == "report" else source.findings
        assert text.splitlines()[0] == case.title


def checksum() -> str:
    digest = hashlib.sha256()
    for model in (Project, MonthlyReport, Visit, Case, CaseStep, StageEvent, Org, User):
        fields = [f.attname for f in model._meta.concrete_fields]
        for row in model.objects.order_by("pk").values_list(*fields):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def test_loading_twice_changes_nothing(demo_output):
    before, audits = checksum(), AuditLog.objects.count()
    assert AuditLog.objects.filter(action="demo.load").count() == 1
    again = run_demo()
    assert "没有需要新增的数据" in again
    assert checksum() == before
    assert AuditLog.objects.count() == audits


def test_the_demos_system_entries_are_the_demo_citys(demo_output):
    """The loader's own entries (no actor) name the demo city, so its auditor reads them."""
    city = Org.objects.get(kind=OrgKind.CITY, name="枣庄市")
    system = AuditLog.objects.filter(actor=None)
    assert set(system.filter(action__startswith="demo.").values_list("tenant_id", flat=True)) == {city.pk}
    # and every other entry the system wrote while loading names its record's city
    assert not set(system.filter(tenant=None).values_list("action", flat=True))


def test_a_later_run_keeps_the_first_anchor(demo_output):
    before = checksum()
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)  # no --today: the loaded city's date, not today's
    assert f"数据截至 {TODAY:%Y-%m-%d}" in out.getvalue() and "没有需要新增的数据" in out.getvalue()
    with pytest.raises(CommandError, match="已加载数据截至 2026-11-20"):
        call_command("demo", "--no-serve", "--today", "2026-11-21", stdout=io.StringIO())
    assert checksum() == before


def test_logins_are_printed_for_every_role(demo_output):
    assert "Demo#2025zz" in demo_output and "207" in demo_output
    lines = demo_output.splitlines()
    for role in Role:
        line = next(line for line in lines if line.strip().startswith(role.label))
        username = line.split()[-3]
        user = User.objects.get(username=username)
        assert user.role == role and user.check_password(N.DEMO_PASSWORD)
        assert line.endswith(f"{username} / {N.DEMO_PASSWORD}")


def test_the_demo_says_two_factor_login_is_relaxed(demo_output):
    assert "示例城市已放宽双因素登录" in demo_output and "正式环境不会放宽" in demo_output


def test_the_plan_is_deterministic_and_covers_early_anchors():
    city = build_city(Anchor(TODAY))
    assert city == build_city(Anchor(TODAY))
    early = Anchor(dt.date(2026, 2, 10))
    assert early.months[0] == dt.date(2025, 1, 1) and early.months[-1] == dt.date(2026, 1, 1)
    assert len(build_city(early).projects) == 207


def test_gunicorn_command_line():
    argv = serving.gunicorn_argv()
    assert argv[:4] == [sys.executable, "-m", "gunicorn", "liangping.wsgi:application"]
    joined = " ".join(argv)
    for part in ("--bind 127.0.0.1:8000", "--workers 2", "--worker-class gthread", "--threads 4"):
        assert part in joined
    assert "--access-logfile -" in joined
    assert "--bind 0.0.0.0:9000 --workers 5" in " ".join(serving.gunicorn_argv("0.0.0.0:9000", 5))
    assert serving.serve_env({}, demo=True)["LIANGPING_DEMO"] == "1"
    assert "LIANGPING_DEMO" not in serving.serve_env({})
    assert serving.url_of("0.0.0.0:9000") == "http://127.0.0.1:9000/"


class Execed(Exception):
    pass


@pytest.fixture
def no_exec(monkeypatch):  # type: ignore[no-untyped-def]
    """Record what serving would run instead of running it: management commands, then the exec."""
    calls: list[tuple] = []

    def fake_call_command(name: str, *args: object, **options: object) -> None:
        calls.append(("command", name, options))

    def fake_execve(path: str, argv: list[str], env: dict[str, str]) -> None:
        calls.append(("exec", argv, env))
        raise Execed

    monkeypatch.setattr(serving, "call_command", fake_call_command)
    monkeypatch.setattr(serving.os, "execve", fake_execve)
    # serving closes the database connections before it becomes gunicorn; here the test's own
    # connection (and its open transaction, on PostgreSQL) must survive
    monkeypatch.setattr(serving.connections, "close_all", lambda: None)
    return calls


def test_serve_collects_static_files_then_becomes_gunicorn(no_exec):
    out = io.StringIO()
    with pytest.raises(Execed):
        call_command("serve", "--bind", "127.0.0.1:8123", "--workers", "3", stdout=out)
    assert no_exec[0] == ("command", "collectstatic", {"interactive": False, "verbosity": 0})
    assert no_exec[1] == ("command", "createcachetable", {"verbosity": 0})
    _, argv, env = no_exec[2]
    assert argv == serving.gunicorn_argv("127.0.0.1:8123", 3)
    assert env.get("LIANGPING_DEMO") != "1" and env["DJANGO_SETTINGS_MODULE"]
    assert "http://127.0.0.1:8123/" in out.getvalue()


def test_serve_refuses_zero_workers():
    with pytest.raises(CommandError, match="至少为 1"):
        call_command("serve", "--workers", "0", stdout=io.StringIO())


def test_demo_serves_with_the_banner_on(no_exec, demo_output):
    with pytest.raises(Execed):
        call_command("demo", "--today", TODAY.isoformat(), "--workers", "1", stdout=io.StringIO())
    _, argv, env = no_exec[-1]
    assert argv == serving.gunicorn_argv("127.0.0.1:8000", 1)
    assert env["LIANGPING_DEMO"] == "1"
    assert env["LIANGPING_DEMO_RELAX_2FA"] == "1"


def test_demo_refuses_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产环境"):
        call_command("demo", "--no-serve", stdout=io.StringIO())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_for_real(tmp_path):
    """Start gunicorn on a free port against a fresh SQLite file, fetch a page, stop it."""
    env = {
        **os.environ,
        "LIANGPING_VAR_DIR": str(tmp_path / "var"),
        "LIANGPING_STATIC_ROOT": str(tmp_path / "static"),
        "LIANGPING_ENV": "development",
    }
    env.pop("LIANGPING_SQLITE_PATH", None)
    env.pop("DATABASE_URL", None)
    cli = [sys.executable, "-m", "liangping.cli"]
    subprocess.run([*cli, "migrate", "--verbosity", "0"], env=env, check=True, cwd=ROOT, timeout=120)
    port = free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        status = None
        deadline = time.monotonic() + 90  # a loaded machine starts the server slowly
        headers = None
        while status is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    status, headers = response.status, response.headers
            except urllib.error.HTTPError as exc:
                status, headers = exc.code, exc.headers
            except OSError:
                time.sleep(0.2)
        assert status is not None and status < 500
        assert headers is not None and "Server" not in headers, headers.get("Server")  # no software named
        api = urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=5)
        assert api.status == 200 and "Server" not in api.headers  # the shared cache table exists too
        api_call = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/me")
        try:
            urllib.request.urlopen(api_call, timeout=5)
        except urllib.error.HTTPError as exc:
            assert exc.code == 401 and "Server" not in exc.headers
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode()
    assert '"GET / HTTP/1.1"' in output  # the access log goes to stdout
    assert "gthread" in output


def test_grading_demo_published_quarters_tasks_and_indicators(demo_output):
    from liangping.core.models import Period, PeriodStatus
    from liangping.grading.models import ItemKind, Snapshot
    from liangping.indicators.models import IndicatorValue
    from liangping.tasks.models import Task

    published = list(Period.objects.filter(status=PeriodStatus.PUBLISHED).order_by("year", "month"))
    assert [p.code for p in published] == ["2022Q2", "2026Q2", "2026Q3"]
    q2 = Snapshot.objects.get(period=published[1])
    # 2026Q1 is not locked: 2022Q2 is not the period before 2026Q2, so no rank changes against it
    assert q2.summary["previous"] is None
    assert not q2.items.filter(kind=ItemKind.PROJECT).exclude(prev_rank=None).exists()
    q3 = Snapshot.objects.get(period=published[2])
    assert q3.summary["previous"] == "2026Q2"
    assert q3.items.filter(kind=ItemKind.PROJECT).exclude(prev_rank=None).count() > 150  # rank changes show
    assert q3.items.filter(kind=ItemKind.INDICATOR, figures__home=True).count() == 15
    assert {"red", "yellow", "blue"} <= set(
        q3.items.filter(kind=ItemKind.PROJECT).values_list("grade", flat=True)
    )
    assert Task.objects.filter(campaign__isnull=True).count() == 12  # and the food-safety campaign
    assert q3.summary["tasks"]["red"] >= 1
    assert IndicatorValue.objects.filter(year=2022, month=6).count() == 15 * 16


def test_the_demo_has_the_messages_the_jobs_send(demo_output):
    """Reminders, escalations, digests and 交办 messages, made by the real jobs over the demo's last
    working days (a 消息 page that is always empty teaches people to ignore it)."""
    from liangping.notices.models import Escalation, NoticeKind, Notification

    kinds = Counter(Notification.objects.values_list("kind", flat=True))
    for kind in (NoticeKind.REPORT_DUE, NoticeKind.ESCALATION, NoticeKind.DIGEST, NoticeKind.CASE_ASSIGNED):
        assert kinds[kind] > 0, kind
    assert "消息提醒" in demo_output
    escalated = Escalation.objects.select_related("case")
    assert escalated and all(e.case.deadline < e.escalated_on <= TODAY for e in escalated)
    from liangping.core.workdays import WorkCalendar
    from liangping.demo.reminders import DAYS

    calendar = WorkCalendar.load()
    workdays = sum(calendar.is_workday(TODAY - dt.timedelta(days=n)) for n in range(DAYS))
    supervisor = User.objects.filter(role=Role.SUPERVISOR).first()
    assert Notification.objects.filter(recipient=supervisor, kind=NoticeKind.DIGEST).count() == workdays


def test_demo_starts_the_job_queue_beside_the_server(no_exec, demo_output, monkeypatch):
    started: list[tuple[list[str], dict[str, str]]] = []

    class Popen:
        pid = 4242

        def __init__(self, argv: list[str], env: dict[str, str]) -> None:
            started.append((argv, env))

    monkeypatch.setattr(serving.subprocess, "Popen", Popen)
    out = io.StringIO()
    with pytest.raises(Execed):
        call_command("demo", "--today", TODAY.isoformat(), "--workers", "1", stdout=out)
    [(argv, env)] = started
    assert argv[-5:] == ["worker", "--workers", "1", "--worker-type", "thread"]
    assert env["LIANGPING_STOP_WITH"] == str(os.getpid())  # the server's id after exec
    assert "后台任务已随之启动" in out.getvalue()
    with pytest.raises(Execed):
        call_command("serve", "--workers", "1", stdout=io.StringIO())
    assert len(started) == 1  # `liangping serve` leaves the queue to `liangping worker`


def test_the_worker_stops_when_the_server_is_gone(tmp_path):
    """The parent starts a consumer and exits at once; the consumer notices and stops."""
    env = {**os.environ, "LIANGPING_VAR_DIR": str(tmp_path / "var"), "LIANGPING_ENV": "development"}
    env.pop("DATABASE_URL", None)
    parent = (
        "import os, subprocess, sys\n"
        "from liangping.demo.serving import worker_argv\n"
        "p = subprocess.Popen(worker_argv(), env={**os.environ, 'LIANGPING_STOP_WITH': str(os.getpid())},"
        " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(p.pid)\n"
    )
    done = subprocess.run([sys.executable, "-c", parent], env=env, cwd=ROOT, capture_output=True, timeout=60)
    pid = int(done.stdout.decode().split()[-1])
    deadline = time.monotonic() + 45
    alive = True
    while alive and time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            time.sleep(0.5)
        except ProcessLookupError:
            alive = False
    if alive:
        os.kill(pid, 9)
    assert not alive, "the consumer outlived the process that started it"


def test_the_flood_season_demo(demo_output):
    """Every flood page has data: points with full chains, last season run through the loop (the 7月24日
    drill of 市中区 among it), and a drill live now with answers, re-sends and escalations."""
    assert "防汛责任点位 50" in demo_output
    assert all(p.links.count() == 4 for p in Point.objects.all()[:5])
    drill = Warning.objects.get(is_drill=True, issued_at__month=7, issued_at__day=24)
    assert drill.status == WarningStatus.CLOSED and drill.areas.startswith("光明路街道")
    live = Warning.objects.get(status=WarningStatus.ACTIVE)
    assert live.is_drill and "【演练】" in live.text
    calls = PointCall.objects.filter(warning=live)
    assert (
        calls.filter(acknowledged_at__isnull=False).exists()
        and calls.filter(escalated_at__isnull=False).exists()
    )
    client = Client()
    client.force_login(User.objects.get(username="district_tz"))
    for name in ("duty", "index", "warnings", "points", "roster", "supplies", "teams", "mine"):
        page = client.get(reverse(f"emergency:{name}"))
        assert page.status_code == 200, name
    assert "暴雨红色预警" in client.get(reverse("emergency:duty")).content.decode()


def test_a_month_of_appeals(demo_output):
    """Every channel and outcome the appeals pages show: returned, extended, reopened, late, rated, open."""
    appeals = Case.objects.of_kind("appeal")
    assert 120 <= appeals.count() <= 220
    assert set(appeals.values_list("channel", flat=True)) == {
        "hotline",
        "leader_hotline",
        "window",
        "web",
        "api",
    }
    assert appeals.filter(return_count__gt=0).exists() and appeals.filter(extended_days__gt=0).exists()
    assert appeals.filter(reopen_count__gt=0).exists()
    assert (
        appeals.filter(responded_at__gt=F("respond_by")).exists()
        and appeals.filter(finished_at__gt=F("due_at")).exists()
    )
    assert {"closed", "handling", "reopened"} <= set(appeals.values_list("status", flat=True))
    ratings = set(
        CaseStep.objects.filter(case__kind="appeal").exclude(rating="").values_list("rating", flat=True)
    )
    assert ratings == {"very_satisfied", "satisfied", "basic", "unsatisfied", "very_unsatisfied"}
    assert appeals.filter(data__duty_leader__isnull=False).exclude(data__duty_leader="").exists()
    assert Org.objects.filter(kind=OrgKind.TOWN, parent__name="滕州市").count() >= 5


def test_internal_ledgers(demo_output):
    """A sweep with a nil report and a late unit, 40 stability items across levels (some struck off and
    reopened, some with a missed follow-up), a 100-day campaign at day 60 with hazards in every state;
    every invented name marked 示例."""
    from liangping.foodsafety.models import Campaign
    from liangping.stability.models import Sweep
    from liangping.stability.services import sweep_rows

    sweep = Sweep.objects.get(sample=True)
    rows = {r["org"].name: r for r in sweep_rows(sweep, TODAY)}
    assert rows["市人力资源和社会保障局"]["nil"] and rows["市市场监督管理局"]["late"]
    assert [n for n, r in rows.items() if r["late"]] == ["市市场监督管理局"]
    assert sum(r["items"] for r in rows.values()) == 12
    items = Case.objects.of_kind("stability")
    assert items.count() == 40 and all("示例" in c.title for c in items)
    assert set(items.values_list("urgency", flat=True)) == {"high", "medium", "low"}
    assert items.filter(status="closed").exists() and items.filter(reopen_count__gt=0).exists()
    assert items.overdue(TODAY).exists() and items.filter(status="registered").exists()
    campaign = Campaign.objects.get(sample=True)
    assert campaign.day_number(TODAY) == 60 and campaign.days == 100 and campaign.task is not None
    hazards = Case.objects.of_kind("food_hazard").for_subject(campaign)
    assert {"found", "rectifying", "reviewing", "passed", "closed"} <= set(
        hazards.values_list("status", flat=True)
    )
    assert hazards.overdue(TODAY).exists() and campaign.inspections.count() > len(hazards)

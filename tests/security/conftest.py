"""Security-suite fixtures: a world with one object of every kind inside and outside the cast's scope,
a fingerprint of the whole database, and the PostgreSQL switch for the `pg` marker."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from liangping.appeals.models import HotlineDuty, WindowShift
from liangping.cases.models import CaseAttachment
from liangping.chains.mapdata import public_document
from liangping.chains.models import ChainSnapshot
from liangping.chains.services import take_snapshot
from liangping.core import approvals
from liangping.core.api import create_token
from liangping.core.models import AccountChange, ApiToken, CalendarDay, CalendarYear, Org, Period, Role
from liangping.deputies import services as deputies
from liangping.deputies.models import SiteVisit
from liangping.evaluation import schemes
from liangping.evaluation import services as evaluation
from liangping.evaluation.models import Round
from liangping.events import services as events
from liangping.events.models import Match, Team, Tournament
from liangping.grading import services as grading
from liangping.grading.models import Snapshot
from liangping.indicators.models import Indicator
from liangping.notices.models import NoticeKind, Notification
from liangping.sheets import jobs
from liangping.sheets.models import ImportJob
from liangping.tasks import services as tasks
from liangping.tasks.models import Milestone
from tests.api.conftest import Ledger, api_as, ledger  # noqa: F401  (the API suite's records, reused)
from tests.cast import Cast, make_user
from tests.chains.world import ChainWorld, build_chain
from tests.emergency.world import EmergencyWorld, build_emergency
from tests.events.conftest import build as build_cup
from tests.firms.world import FirmWorld, build_firms
from tests.security import processes as proc
from tests.security.ledgers_world import LedgersWorld, build_ledgers
from tests.services.world import SecurityServices, build_security
from tests.sheets.builders import LEDGER_HEADER, ledger_row, write_xlsx
from tests.tasks.conftest import PDF, png_bytes

OPEN_PERIOD = "2026-10"  # the demo city's month in progress on its day, 2026-11-20
PROJECT_APPS = {
    "core",
    "sheets",
    "cases",
    "projects",
    "tasks",
    "indicators",
    "grading",
    "notices",
    "emergency",
    "appeals",
    "events",
    "chains",
    "stability",
    "foodsafety",
    "services",
    "evaluation",
    "deputies",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`pg` tests run only when the suite runs against PostgreSQL (make test-pg)."""
    from django.conf import settings

    on_pg = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip = pytest.mark.skip(reason="需要 PostgreSQL：以 DATABASE_URL=postgres://… 运行")
    for item in items:
        if "pg" in item.keywords and not on_pg:
            item.add_marker(skip)


@dataclass
class World:
    cast: Cast
    ledger: Ledger
    milestone_in: Milestone
    milestone_out: Milestone
    job_in: ImportJob
    job_out: ImportJob
    day: CalendarDay
    year: CalendarYear
    indicator: Indicator
    period: Period  # published
    snapshot: Snapshot
    notice: Notification  # the project unit's, unread
    attachment_in: CaseAttachment
    attachment_out: CaseAttachment
    account_change: AccountChange  # the security administrator asks to reset the supervisor's password
    api_token: ApiToken  # the district user's
    emergency: EmergencyWorld  # flood-season points, warnings, calls and contacts
    duty: HotlineDuty  # 领导干部接热线 roster slot
    shift: WindowShift  # 局长科长坐窗口 roster slot
    # tournaments: 滕州市 organises the one inside (the district user manages it, the specialist is its
    # table official, it is public); 市中区 the one outside (only the supervisor sees it)
    tournament_in: Tournament
    tournament_out: Tournament
    team_in: Team
    team_out: Team
    match_in: Match
    match_out: Match
    chains: ChainWorld | None = None  # a chain with the two projects linked to a segment
    chain_snapshot: ChainSnapshot | None = None  # its 2025 snapshot, not yet published
    firms: FirmWorld | None = None  # a studio in 滕州市 (inside) and one in 市中区 (outside), their firms
    ledgers: LedgersWorld | None = None  # the internal ledgers: sweeps, receptions, campaigns, items
    services: SecurityServices | None = None  # service points, 帮办代办 requests, a 一件事 application

    def chain_part(self, name: str, where: str) -> Any:
        """A segment of the chain (cathode, cell …) for a POST's body."""
        return getattr(self.chains, name)

    eval_round: Round | None = None  # a published 「五比五看」 round; cast.leader is its evaluator
    deputy_visit_in: SiteVisit | None = None  # cast.deputy's visit to `inside` (with a photo)
    deputy_visit_out: SiteVisit | None = None  # another deputy's visit to `outside`

    def item(self, kind: str, where: str) -> Any:
        side = where.removesuffix("side")
        if kind.startswith("chain"):  # a chain is the whole city's: one item, inside
            assert self.chains is not None and self.chain_snapshot is not None
            return {
                "chain": self.chains.chain,
                "chain_segment": self.chains.pack,
                "chain_link": self.chains.link_in,
                "chain_lead": self.chains.lead,
                "chain_snapshot": self.chain_snapshot,
            }[kind]
        if kind.startswith("em_"):
            return getattr(self.emergency, f"{kind.removeprefix('em_')}_{side}")
        if kind == "project":
            return getattr(self.cast, where)
        if kind == "deputy_project":
            return getattr(self.cast, where)
        if kind == "deputy_photo":
            return getattr(self, f"deputy_visit_{side}").photos.first()
        if kind in ("milestone", "job", "attachment", "tournament", "team", "match", "deputy_visit"):
            return getattr(self, f"{kind}_{side}")
        if kind == "firm":
            return getattr(self.firms, f"firm_{side}")
        if kind in ("sweep", "reception", "campaign", "stab_case"):
            return getattr(self.ledgers, f"{kind}_{side}")
        if kind.startswith("svc_"):
            return getattr(self.services, f"{kind.removeprefix('svc_')}_{side}")
        if kind == "photo":
            return self.ledger.item("visit", where).photos.first()
        return self.ledger.item(kind, where)


@pytest.fixture
def world(cast: Cast, ledger: Ledger, tmp_path, settings) -> World:  # noqa: F811
    settings.LIANGPING_IMPORT_SYNC = True
    milestones = []
    for task in (ledger.task_in, ledger.task_out):
        milestone = task.milestones.first()
        assert milestone is not None
        milestones.append(
            tasks.record_milestone(
                cast.supervisor,
                milestone,
                actual_date=dt.date(2025, 3, 30),
                note="已完成",
                upload=("批复.pdf", PDF),
                upload_size=len(PDF),
                expected_version=milestone.version,
            )
        )
    other = make_user("supervisor2", Role.SUPERVISOR, cast.office, "督查员乙")
    made = []
    for who, code in ((cast.supervisor, "IMP-1"), (other, "IMP-2")):
        # 年度: a column the importer does not know, for the column mapping of the preview
        path = write_xlsx(tmp_path / f"{code}.xlsx", [[*LEDGER_HEADER, "年度"], [*ledger_row(code), 2026]])
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        made.append(jobs.create_job(who, "projects", upload))
    attachments = []
    for where in ("inside", "outside"):
        case = ledger.item("case", where)
        attachment = CaseAttachment(
            case=case,
            step=case.steps.first(),
            name="答复附件.pdf",
            content_type="application/pdf",
            size=len(PDF),
        )
        attachment.file.save(f"case{case.pk}.pdf", ContentFile(PDF), save=True)
        attachments.append(attachment)
    cups = []
    for actor, org, name in (
        (cast.district, cast.tengzhou, "滕州测试邀请赛"),
        (cast.supervisor, cast.shizhong, "市中区测试邀请赛"),
    ):
        cup = build_cup(actor, org, name, teams=2, group_count=1, group_size=2, third_place=False)
        events.draw_groups(actor, cup, method="random", seed="matrix")
        events.generate_schedule(actor, cup)
        cups.append(cup)
    events.add_official(cast.district, cups[0], cast.specialist, "table")
    Tournament.objects.filter(pk=cups[1].pk).update(public=False)
    chain_world = build_chain(cast)
    chain_snapshot = take_snapshot(
        cast.supervisor, chain_world.chain, 2025, public_document(chain_world.chain)
    )
    Org.objects.filter(pk=cast.city.pk).update(code="370400")  # its screen: /screen/370400/
    period = grading.get_or_create_period("2025-05")
    snapshot = grading.lock_period(cast.supervisor, period, confirm_unreviewed=True)
    grading.publish_period(cast.supervisor, period)
    return World(
        cast=cast,
        ledger=ledger,
        milestone_in=milestones[0],
        milestone_out=milestones[1],
        job_in=made[0],
        job_out=made[1],
        day=CalendarDay.objects.create(date=dt.date(2026, 10, 10), is_workday=True, note="调休"),
        year=CalendarYear.objects.create(year=2031, note="测试"),
        indicator=Indicator.objects.create(name="测试指标", unit="亿元"),
        period=Period.objects.get(pk=period.pk),
        snapshot=snapshot,
        notice=Notification.objects.create(
            recipient=cast.owner,
            kind=NoticeKind.REPORT_DUE,
            key="matrix:report_due",
            title="请按时报送月度调度",
            url="/projects/",
        ),
        attachment_in=attachments[0],
        attachment_out=attachments[1],
        api_token=create_token(cast.secadmin, cast.district, "矩阵")[0],
        account_change=approvals.reset_password(cast.secadmin, cast.supervisor, "Zq7#mVt2!pLs"),  # type: ignore[arg-type]
        emergency=build_emergency(cast),
        duty=HotlineDuty.objects.create(
            date=dt.date(2026, 10, 12), start=dt.time(9), end=dt.time(11), leader="值班领导甲", title="副市长"
        ),
        shift=WindowShift.objects.create(
            date=dt.date(2026, 10, 12),
            start=dt.time(9),
            end=dt.time(12),
            window="3号窗口",
            person="坐窗局长乙",
        ),
        tournament_in=cups[0],
        tournament_out=cups[1],
        team_in=cups[0].teams.first(),
        team_out=cups[1].teams.first(),
        match_in=Match.objects.filter(tournament=cups[0], stage="group").first(),
        match_out=Match.objects.filter(tournament=cups[1], stage="group").first(),
        chains=chain_world,
        chain_snapshot=chain_snapshot,
        firms=build_firms(cast, other_city=False),
        ledgers=build_ledgers(cast),
        services=build_security(cast),
        **_representatives(cast),
    )


def _representatives(cast: Cast) -> dict[str, Any]:
    """A published 「五比五看」 round (cast.leader scores 市发展改革委) and a deputy's visit on each side."""
    rnd = evaluation.open_round(
        cast.supervisor,
        title="矩阵评价",
        period=grading.get_or_create_period("2025Q2"),
        scheme=schemes.current(cast.city),
        units=[cast.fagai, cast.gongxin],
        evaluators=[(cast.leader, [cast.fagai])],
    )
    evaluation.score(cast.leader, rnd, cast.fagai, {"yan_judged": ("8", "扎实")})
    evaluation.lock_round(cast.supervisor, rnd)
    evaluation.publish_round(cast.supervisor, rnd)
    other = make_user("deputy2", Role.DEPUTY, cast.city, "代表丙")
    deputies.attach(cast.supervisor, other, cast.outside)
    visits = []
    for who, project, text in (
        (cast.deputy, cast.inside, "代表视察：进度正常"),
        (other, cast.outside, "代表视察：尚未开工"),
    ):
        visits.append(
            deputies.record_visit(who, project, dt.date(2025, 5, 6), text, [("现场.png", png_bytes())])
        )
    return {"eval_round": rnd, "deputy_visit_in": visits[0], "deputy_visit_out": visits[1]}


def fingerprint() -> dict[str, str]:
    """A digest of every row of every project table (sessions and content types aside)."""
    out = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            meta = model._meta
            if meta.app_label not in PROJECT_APPS:
                continue
            tables = [meta.db_table] + [
                f.remote_field.through._meta.db_table
                for f in meta.local_many_to_many
                if f.remote_field.through._meta.auto_created
            ]
            for table in tables:
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
                out[table] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return out


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(k for k in before if before[k] != after.get(k))


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The demo city in a database file, loaded once by the real command; tests work on copies. Under
    xdist the workers share one file (the first to need it builds it, the others wait on the lock)."""
    if worker_id == "master":
        return build_demo_db(tmp_path_factory.mktemp("demo"))
    shared = tmp_path_factory.getbasetemp().parent / "demo-db"
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        db = shared / "demo.sqlite3"
        if not (shared / "built").exists():
            build_demo_db(shared)
            (shared / "built").touch()
    return db


def build_demo_db(where: Path) -> Path:
    db = where / "demo.sqlite3"
    done = proc.run(["demo", "--no-serve", "--today", "2026-11-20"], db)
    assert done.returncode == 0, done.stderr
    shown = proc.run(["period", "show", OPEN_PERIOD], db)  # the open month, as the pages create it
    assert shown.returncode == 0 and "进行中" in shown.stdout, shown.stdout + shown.stderr
    assert proc.integrity(db) == "ok"
    return db

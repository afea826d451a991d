"""A second city for the tenancy tests: 济南 beside the cast's 枣庄, under 山东省, with one item of every
kind the authorisation matrix knows (built through the same services, by 济南's own people), and a
supervisor of the provincial office who sees both cities."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from liangping.cases import services as cases
from liangping.cases.models import CaseAttachment
from liangping.chains import services as chains
from liangping.chains.mapdata import public_document
from liangping.chains.models import Lead, ProjectLink
from liangping.core.models import Org, OrgKind, Role, User
from liangping.deputies import services as deputies
from liangping.emergency import links
from liangping.emergency import services as emergency
from liangping.emergency.models import ChainRole, Contact, PointCall
from liangping.events import services as events
from liangping.events.models import Match
from liangping.foodsafety import services as food
from liangping.projects import services
from liangping.projects.models import Level, Project, Stage
from liangping.sheets import jobs
from liangping.stability import services as stability
from liangping.tasks import services as tasks
from tests.api.conftest import png_bytes
from tests.cast import Cast, make_user
from tests.emergency.world import make_point
from tests.events.conftest import build as build_cup
from tests.firms.world import city_firm
from tests.services.world import city_items
from tests.sheets.builders import LEDGER_HEADER, ledger_row, write_xlsx

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Text that names 济南's items: no page shown to 枣庄's people may hold it.
MARKERS = [
    "济南示例新材料项目",
    "JN-2025-001",
    "济南用地手续未办结",
    "济南现场踏勘",
    "济南示例攻坚事项",
    "济南示例企业有限公司",
    "济南示例水库",
    "济南示例邀请赛",
    "济南示例新材料链",
    "济南示例政务服务中心",
    "济南示例排查",
    "济南示例接待地点",
    "济南代表视察：示例",
    "济南示例专项行动",
]


@dataclass
class Jinan:
    province: Org
    city: Org
    office: Org
    district: Org
    department: Org
    company: Org
    supervisor: User
    leader: User
    specialist: User
    owner: User
    provincial: User  # a supervisor of the provincial office
    items: dict[str, Any]
    chain_parts: dict[str, Any]

    def item(self, kind: str) -> Any:
        return self.items[kind]

    def token(self) -> str:
        """The one-time acknowledgement link of 济南's contact."""
        return links.token_for(self.items["em_contact"].nonce)


def build_jinan(cast: Cast, tmp_path: Path) -> Jinan:
    province = Org.objects.create(name="山东省", kind=OrgKind.PROVINCE, code="370000")
    provincial_office = Org.objects.create(name="省重点项目督查室", kind=OrgKind.OFFICE, parent=province)
    city = Org.objects.create(name="济南市", kind=OrgKind.CITY, code="370100", parent=province)
    # the same names as 枣庄's units: names are unique within a city only
    office = Org.objects.create(name="市城市转型促进中心", kind=OrgKind.OFFICE, parent=city)
    district = Org.objects.create(name="市中区", kind=OrgKind.DISTRICT, code="370103", parent=city)
    department = Org.objects.create(name="市发展改革委", kind=OrgKind.DEPARTMENT, parent=city)
    company = Org.objects.create(name="济南示例材料有限公司", kind=OrgKind.COMPANY, parent=district)
    supervisor = make_user("jn_supervisor", Role.SUPERVISOR, office, "济南督查员")
    leader = make_user("jn_leader", Role.LEADER, city, "济南领导")
    specialist = make_user("jn_specialist", Role.SPECIALIST, office, "济南专员")
    owner = make_user("jn_owner", Role.OWNER, company, "济南企业")
    provincial = make_user("province", Role.SUPERVISOR, provincial_office, "省督查员")
    project = Project.objects.create(
        code="JN-2025-001",
        name="济南示例新材料项目",
        level=Level.PROVINCIAL,
        district=district,
        unit=company,
        total_investment=Decimal("800000"),
        annual_plan=Decimal("120000"),
        stage=Stage.CONSTRUCTION,
        planned_start=dt.date(2024, 5, 1),
        planned_end=dt.date(2027, 6, 1),
        leader=leader,
        department=department,
        specialist=specialist,
    )
    month = dt.date(2025, 5, 1)
    amounts = {"month_investment": Decimal("800"), "ytd_investment": Decimal("4000")}
    report = services.submit_report(supervisor, project, month, **amounts)
    visit = services.record_visit(
        specialist, project, dt.date(2025, 5, 20), "济南现场踏勘", [("c.png", png_bytes("green"))]
    )
    case = cases.register(supervisor, "济南用地手续未办结", subject=project)
    cases.assign(supervisor, case, department)
    task = tasks.create_task(
        supervisor,
        {
            "code": "JN-GJ-1",
            "title": "济南示例攻坚事项",
            "year": 2025,
            "leader": leader,
            "lead_department": department,
            "goal": "完成改造",
        },
        milestones=[("全面完成", dt.date(2025, 12, 31))],
    )
    task_report = tasks.submit_report(supervisor, task, month, actual_value=None, progress="推进中")
    milestone = task.milestones.first()
    assert milestone is not None
    milestone = tasks.record_milestone(
        supervisor,
        milestone,
        actual_date=dt.date(2025, 3, 30),
        note="已完成",
        upload=("批复.pdf", PDF),
        upload_size=len(PDF),
        expected_version=milestone.version,
    )
    attachment = CaseAttachment(
        case=case, step=case.steps.first(), name="答复附件.pdf", content_type="application/pdf", size=len(PDF)
    )
    attachment.file.save(f"case{case.pk}.pdf", ContentFile(PDF), save=True)
    path = write_xlsx(tmp_path / "JN.xlsx", [[*LEDGER_HEADER, "年度"], [*ledger_row("JN-IMP"), 2026]])
    # previewed at once: a preview left running in a thread would write after the test has ended
    job = jobs.create_job(supervisor, "projects", SimpleUploadedFile(path.name, path.read_bytes()), sync=True)
    # 防汛叫应: a point of 济南's 市中区 with its chain, and a live warning issued by 济南's duty office
    point = make_point(district, "JN-M-1", "济南示例水库", "泺源街道", first_user=leader)
    warning = emergency.issue_warning(
        supervisor,
        emergency.WarningDraft(
            level="orange",
            hazard="flood",
            text="济南示例洪水预警",
            valid_until=timezone.now() + dt.timedelta(hours=6),
            point_ids=[point.pk],
        ),
    )
    call = PointCall.objects.get(warning=warning)
    contact = Contact.objects.get(call=call, role=ChainRole.FIRST)
    # a tournament organised by 济南's 市中区, drawn and scheduled
    cup = build_cup(
        supervisor, district, "济南示例邀请赛", teams=2, group_count=1, group_size=2, third_place=False
    )
    events.draw_groups(supervisor, cup, method="random", seed="jinan")
    events.generate_schedule(supervisor, cup)
    # an industrial chain of 济南's, with 济南's project linked, a lead and a yearly snapshot
    chain = chains.create_chain(supervisor, "济南示例新材料链")
    parts = {
        name: chains.add_segment(supervisor, chain, label, position=pos, measures=[(label, "万吨")])
        for name, label, pos in (("cathode", "正极材料", 10), ("cell", "电芯", 30), ("pack", "PACK组装", 35))
    }
    chain_link = ProjectLink.objects.create(project=project, segment=parts["cell"], capacity=Decimal("5"))
    lead = Lead.objects.create(segment=parts["cathode"], target="济南招商目标", department=department)
    chain_snapshot = chains.take_snapshot(supervisor, chain, 2025, public_document(chain))
    # the internal ledgers: a 稳定 sweep of 市中区, a reception day and a food-safety campaign of its town
    town = Org.objects.create(name="济南示例街道", kind=OrgKind.TOWN, parent=district)
    today = timezone.localdate()
    sweep = stability.open_sweep(
        supervisor,
        name="济南示例排查",
        kind="stability",
        start_date=today - dt.timedelta(days=3),
        end_date=today + dt.timedelta(days=1),
        units=[district, department],
    )
    reception = stability.add_reception(
        supervisor, date=today, leader="济南接待领导", place="济南示例接待地点", org=district, visitors=2
    )
    campaign = food.start_campaign(
        supervisor,
        name="济南示例专项行动",
        start_date=today - dt.timedelta(days=9),
        days=100,
        towns=[town],
        departments=[department],
        leader=leader,
        lead_department=department,
        firms_text="济南示例食品厂，济南示例街道，生产",
        targets_text="济南示例街道，3",
    )
    # a deputy of 济南's people's congress linked to 济南's project, with a visit and its photo
    deputy = make_user("jn_deputy", Role.DEPUTY, city, "济南代表")
    deputies.attach(supervisor, deputy, project)
    deputy_visit = deputies.record_visit(
        deputy, project, dt.date(2025, 5, 6), "济南代表视察：示例", [("现场.png", png_bytes())]
    )
    items = {
        "project": project,
        "report": report,
        "visit": visit,
        "photo": visit.photos.first(),
        "case": case,
        "attachment": attachment,
        "task": task,
        "task_report": task_report,
        "milestone": milestone,
        "job": job,
        "firm": city_firm(city),
        "em_point": point,
        "em_warning": warning,
        "em_call": call,
        "em_contact": contact,
        "tournament": cup,
        "team": cup.teams.first(),
        "match": Match.objects.filter(tournament=cup, stage="group").first(),
        "chain": chain,
        "chain_segment": parts["pack"],
        "chain_link": chain_link,
        "chain_lead": lead,
        "chain_snapshot": chain_snapshot,
        "sweep": sweep,
        "reception": reception,
        "campaign": campaign,
        "deputy_project": project,
        "deputy_visit": deputy_visit,
        "deputy_photo": deputy_visit.photos.first(),
        **city_items(city, district),  # 政务服务: a point of 济南's and a 帮办代办 request there
    }
    return Jinan(
        province=province,
        city=city,
        office=office,
        district=district,
        department=department,
        company=company,
        supervisor=supervisor,
        leader=leader,
        specialist=specialist,
        owner=owner,
        provincial=provincial,
        items=items,
        chain_parts=parts,
    )

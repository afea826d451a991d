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

from liangping.cases import services as cases
from liangping.cases.models import CaseAttachment
from liangping.core.models import Org, OrgKind, Role, User
from liangping.projects import services
from liangping.projects.models import Level, Project, Stage
from liangping.sheets import jobs
from liangping.tasks import services as tasks
from tests.api.conftest import png_bytes
from tests.cast import Cast, make_user
from tests.firms.world import city_firm
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

    def item(self, kind: str) -> Any:
        return self.items[kind]


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
    job = jobs.create_job(supervisor, "projects", SimpleUploadedFile(path.name, path.read_bytes()))
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
    )

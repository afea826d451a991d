"""The test cast: named users and two projects, one inside and one outside each user's scope.

cast.supervisor   sees everything
cast.leader       leads project `inside`; cast.leader2 leads `outside`
cast.department   user of 市发展改革委 (lead department of `inside`)
cast.district     user of 滕州市 (district of `inside`)
cast.specialist   specialist of `inside`; cast.specialist2 of `outside`
cast.owner        user of the company building `inside`
cast.outsider     a project-unit user whose company builds nothing
cast.sysadmin, cast.secadmin, cast.auditor   the three administrators (no ledger access)
cast.deputy       人大代表 attached to `inside`; cast.member 政协委员 attached to `inside`
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from liangping.core.models import Org, OrgKind, Role, User
from liangping.deputies.models import DeputyProject
from liangping.projects.models import Level, Project, Stage

PASSWORD = "Liangping#2025"
# A secret key production accepts (random-looking: see liangping.env.key_weakness).
PRODUCTION_SECRET = "Kp4-Wm9xQ2rT7vB1nZ6cY3hF8jL0sD5gA2eU7iO4aN9lP1"


@dataclass
class Cast:
    city: Org
    office: Org
    tengzhou: Org
    shizhong: Org
    fagai: Org
    gongxin: Org
    company_a: Org
    company_b: Org
    company_c: Org
    supervisor: User
    leader: User
    leader2: User
    department: User
    district: User
    specialist: User
    specialist2: User
    owner: User
    outsider: User
    sysadmin: User
    secadmin: User
    auditor: User
    deputy: User
    member: User
    inside: Project
    outside: Project

    def users(self) -> dict[str, User]:
        names = [
            "supervisor",
            "leader",
            "department",
            "district",
            "specialist",
            "owner",
            "outsider",
            "sysadmin",
            "secadmin",
            "auditor",
        ]
        return {n: getattr(self, n) for n in names}


def make_user(username: str, role: str, org: Org | None, display_name: str) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, role=role, org=org, display_name=display_name
    )
    return user


def build_cast(deputies: bool = True) -> Cast:
    """The shared test world. `deputies=False` leaves out the deputies' project links, for a schema
    migrated back to before the deputies app."""
    city = Org.objects.create(name="枣庄市", kind=OrgKind.CITY)
    office = Org.objects.create(name="市城市转型促进中心", kind=OrgKind.OFFICE, parent=city)
    tengzhou = Org.objects.create(name="滕州市", kind=OrgKind.DISTRICT, parent=city, aliases="滕州")
    shizhong = Org.objects.create(name="市中区", kind=OrgKind.DISTRICT, parent=city)
    fagai = Org.objects.create(name="市发展改革委", kind=OrgKind.DEPARTMENT, parent=city, aliases="市发改委")
    gongxin = Org.objects.create(
        name="市工业和信息化局", kind=OrgKind.DEPARTMENT, parent=city, aliases="市工信局"
    )
    company_a = Org.objects.create(name="示例新能源有限公司", kind=OrgKind.COMPANY, parent=tengzhou)
    company_b = Org.objects.create(name="示例物流有限公司", kind=OrgKind.COMPANY, parent=shizhong)
    company_c = Org.objects.create(name="示例空壳有限公司", kind=OrgKind.COMPANY, parent=shizhong)
    users = {
        "supervisor": make_user("supervisor", Role.SUPERVISOR, office, "督查员甲"),
        "leader": make_user("leader", Role.LEADER, city, "领导甲"),
        "leader2": make_user("leader2", Role.LEADER, city, "领导乙"),
        "department": make_user("department", Role.DEPARTMENT, fagai, "发改员"),
        "district": make_user("district", Role.DISTRICT, tengzhou, "滕州员"),
        "specialist": make_user("specialist", Role.SPECIALIST, office, "专员甲"),
        "specialist2": make_user("specialist2", Role.SPECIALIST, office, "专员乙"),
        "owner": make_user("owner", Role.OWNER, company_a, "企业甲"),
        "outsider": make_user("outsider", Role.OWNER, company_c, "企业丙"),
        "sysadmin": make_user("sysadmin", Role.SYSADMIN, city, "系统管理员"),
        "secadmin": make_user("secadmin", Role.SECADMIN, city, "安全管理员"),
        "auditor": make_user("auditor", Role.AUDITOR, city, "审计管理员"),
        "deputy": make_user("deputy", Role.DEPUTY, city, "代表甲"),
        "member": make_user("member", Role.MEMBER, city, "委员乙"),
    }
    inside = Project.objects.create(
        code="ZZ-2025-001",
        name="示例动力电池项目",
        level=Level.PROVINCIAL,
        district=tengzhou,
        industry="新能源",
        unit=company_a,
        total_investment=Decimal("2000000"),
        annual_plan=Decimal("300000"),
        stage=Stage.CONSTRUCTION,
        planned_start=dt.date(2024, 3, 1),
        planned_end=dt.date(2027, 12, 1),
        leader=users["leader"],
        department=fagai,
        specialist=users["specialist"],
        contact_name="张工",
        contact_phone="13800138000",
    )
    outside = Project.objects.create(
        code="ZZ-2025-002",
        name="示例智慧物流项目",
        level=Level.CITY,
        district=shizhong,
        industry="现代物流",
        unit=company_b,
        total_investment=Decimal("50000"),
        annual_plan=Decimal("20000"),
        stage=Stage.SIGNED,
        planned_start=dt.date(2025, 9, 1),
        planned_end=dt.date(2026, 12, 1),
        leader=users["leader2"],
        department=gongxin,
        specialist=users["specialist2"],
    )
    for rep in ("deputy", "member") if deputies else ():
        DeputyProject.objects.create(user=users[rep], project=inside)
    return Cast(
        city=city,
        office=office,
        tengzhou=tengzhou,
        shizhong=shizhong,
        fagai=fagai,
        gongxin=gongxin,
        company_a=company_a,
        company_b=company_b,
        company_c=company_c,
        inside=inside,
        outside=outside,
        **users,
    )

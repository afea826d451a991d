"""A light second city for the per-city period tests: 济南 beside the cast's 枣庄 under 山东省, with a
supervisor, one project (annual plan, a report for 2025-06) and a provincial supervisor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from liangping.core.models import Org, OrgKind, Role, User
from liangping.projects.models import Level, MonthlyReport, Project, ReportStatus, Stage
from tests.cast import Cast, make_user


@dataclass
class SecondCity:
    province: Org
    city: Org
    district: Org
    supervisor: User
    provincial: User
    project: Project


def build_second_city(cast: Cast) -> SecondCity:
    province = Org.objects.create(name="山东省", kind=OrgKind.PROVINCE, code="370000")
    Org.objects.filter(pk=cast.city.pk).update(code="370400")
    cast.city.refresh_from_db()
    provincial_office = Org.objects.create(name="省重点项目督查室", kind=OrgKind.OFFICE, parent=province)
    city = Org.objects.create(name="济南市", kind=OrgKind.CITY, code="370100", parent=province)
    office = Org.objects.create(name="市城市转型促进中心", kind=OrgKind.OFFICE, parent=city)
    district = Org.objects.create(name="历下区", kind=OrgKind.DISTRICT, code="370102", parent=city)
    supervisor = make_user("jn_supervisor", Role.SUPERVISOR, office, "济南督查员")
    provincial = make_user("province", Role.SUPERVISOR, provincial_office, "省督查员")
    project = Project.objects.create(
        code="JN-2025-001",
        name="济南示例新材料项目",
        level=Level.PROVINCIAL,
        district=district,
        total_investment=Decimal("800000"),
        annual_plan=Decimal("100000"),
        stage=Stage.CONSTRUCTION,
        planned_start=dt.date(2024, 5, 1),
        planned_end=dt.date(2027, 6, 1),
    )
    MonthlyReport.objects.create(
        project=project,
        month=dt.date(2025, 6, 1),
        month_investment=Decimal("1000"),
        ytd_investment=Decimal("90000"),
        status=ReportStatus.APPROVED,
        submitted_at=dt.datetime(2025, 7, 3, tzinfo=dt.UTC),
    )
    return SecondCity(province, city, district, supervisor, provincial, project)

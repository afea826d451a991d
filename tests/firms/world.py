"""A small studio world for tests: a studio in 滕州市 (inside the cast's district user's scope) and one in
市中区 (outside it), a firm of each, two measures of 市发展改革委, and a firm of another city."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from liangping.chains import creditcode
from liangping.core.models import Org, OrgKind, Role, User
from liangping.firms.models import Firm, Measure, Studio
from tests.cast import Cast, make_user


def code(seed: int, region: str = "370400") -> str:
    rng = random.Random(seed)
    body = "91" + region + "MA" + "".join(rng.choice(creditcode.ALPHABET) for _ in range(7))
    return body + creditcode.check_char(body)


@dataclass
class FirmWorld:
    studio_in: Studio
    studio_out: Studio
    firm_in: Firm
    firm_out: Firm
    measure_a: Measure  # A or B level, valid 2026
    measure_band: Measure  # 榴花分 80–90, open-ended
    staff: User  # a studio worker (district role, org = the studio)
    other_city_firm: Firm | None


def city_firm(city: Org, name: str = "济南示例企业有限公司") -> Firm:
    """A firm of another city (the tenant matrices ask for it as 枣庄's people)."""
    return Firm.objects.create(tenant=city, credit_code=code(3), name=name, credit_level="A")


def build_firms(cast: Cast, *, other_city: bool = True) -> FirmWorld:
    org_in = Org.objects.create(name="示例企业服务工作室", kind=OrgKind.DEPARTMENT, parent=cast.tengzhou)
    org_out = Org.objects.create(name="市中区企业服务工作室", kind=OrgKind.DEPARTMENT, parent=cast.shizhong)
    studio_in = Studio.objects.create(name="示例企业服务工作室", org=org_in, park="示例大数据产业园")
    studio_out = Studio.objects.create(name="市中区企业服务工作室", org=org_out, park="市中区园区")
    staff = make_user("studio_staff", Role.DISTRICT, org_in, "管家小王")
    firm_in = Firm.objects.create(
        tenant=cast.city,
        credit_code=code(1),
        name="示例数据科技有限公司",
        park=studio_in.park,
        studio=studio_in,
        credit_level="A",
        score=Decimal("85"),
    )
    firm_out = Firm.objects.create(
        tenant=cast.city,
        credit_code=code(2),
        name="示例园外商贸有限公司",
        park=studio_out.park,
        studio=studio_out,
        credit_level="C",
        score=Decimal("60"),
    )
    measure_a = Measure.objects.create(
        tenant=cast.city,
        code="LHF-001",
        name="示例信用贷款优先",
        department=cast.fagai,
        benefit="优先推荐信用贷款",
        levels="AB",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    measure_band = Measure.objects.create(
        tenant=cast.city,
        code="LHF-002",
        name="示例容缺受理",
        department=cast.gongxin,
        benefit="审批容缺受理",
        score_min=Decimal("80"),
        score_max=Decimal("90"),
        starts_on=dt.date(2025, 1, 1),
    )
    other = city_firm(Org.objects.create(name="济南市", kind=OrgKind.CITY)) if other_city else None
    return FirmWorld(studio_in, studio_out, firm_in, firm_out, measure_a, measure_band, staff, other)

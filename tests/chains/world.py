"""A small chain for tests: 锂电 with 正极材料 (万吨), 隔膜 (亿㎡), 电芯 (GWh) and its sub-segment PACK组装,
firms with valid credit codes, the cast's two projects linked to 电芯, a 招商 lead and output goals."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from liangping.chains import creditcode
from liangping.chains.models import (
    Capacity,
    Chain,
    Firm,
    FirmSegment,
    Goal,
    Lead,
    Measure,
    ProjectLink,
    Segment,
    Zone,
    ZoneKind,
)
from tests.cast import Cast


def code(seed: int, region: str = "370481") -> str:
    rng = random.Random(seed)
    body = "91" + region + "MA" + "".join(rng.choice(creditcode.ALPHABET) for _ in range(7))
    return body + creditcode.check_char(body)


@dataclass
class ChainWorld:
    chain: Chain
    cathode: Segment
    separator: Segment
    cell: Segment
    pack: Segment
    cathode_t: Measure
    separator_m2: Measure
    cell_gwh: Measure
    firm_a: Firm  # 正极 3万吨 + 电芯 2GWh: one firm, two segments
    firm_b: Firm  # 隔膜 1.5亿㎡, internal (not public)
    lead: Lead
    link_in: ProjectLink
    link_out: ProjectLink


def build_chain(cast: Cast) -> ChainWorld:
    chain = Chain.objects.create(
        name="锂电", leader=cast.leader, alliance="锂电产业联盟", fund="锂电产业基金"
    )
    cathode = Segment.objects.create(chain=chain, name="正极材料", position=10)
    separator = Segment.objects.create(chain=chain, name="隔膜", position=20)
    cell = Segment.objects.create(chain=chain, name="电芯", position=30)
    pack = Segment.objects.create(chain=chain, name="PACK组装", position=35, parent=cell)
    cathode_t = Measure.objects.create(segment=cathode, name="正极材料", unit="万吨", target=Decimal("5"))
    separator_m2 = Measure.objects.create(segment=separator, name="隔膜", unit="亿㎡")
    cell_gwh = Measure.objects.create(segment=cell, name="电芯", unit="GWh", target=Decimal("10"))
    firm_a = Firm.objects.create(
        credit_code=code(1),
        name="甲锂能科技有限公司",
        district=cast.tengzhou,
        output=Decimal("50000"),
        platforms=2,
        patents=30,
        above_scale=True,
        key=True,
    )
    firm_b = Firm.objects.create(
        credit_code=code(2, "370402"),
        name="乙隔膜内部有限公司",
        district=cast.shizhong,
        output=Decimal("8000"),
        platforms=1,
        patents=5,
        internal=True,
    )
    for firm, segment in ((firm_a, cathode), (firm_a, cell), (firm_b, separator)):
        FirmSegment.objects.create(firm=firm, segment=segment)
    Capacity.objects.create(firm=firm_a, measure=cathode_t, value=Decimal("3"))
    Capacity.objects.create(firm=firm_a, measure=cell_gwh, value=Decimal("2"))
    Capacity.objects.create(firm=firm_b, measure=separator_m2, value=Decimal("1.5"))
    chain.anchors.set([firm_a])
    lead = Lead.objects.create(segment=separator, target="湿法隔膜龙头企业（内部）", department=cast.gongxin)
    link_in = ProjectLink.objects.create(
        project=cast.inside, segment=cell, measure=cell_gwh, capacity=Decimal("50")
    )
    link_out = ProjectLink.objects.create(
        project=cast.outside, segment=cell, measure=cell_gwh, capacity=Decimal("8")
    )
    Goal.objects.create(chain=chain, year=2025, output=Decimal("800"))
    Zone.objects.create(chain=chain, kind=ZoneKind.CORE, name="核心基地", district=cast.tengzhou)
    for i in range(3):
        Zone.objects.create(chain=chain, kind=ZoneKind.SUPPORT, name=f"配套区{i}")
        Zone.objects.create(chain=chain, kind=ZoneKind.COORDINATED, name=f"协调区{i}")
    return ChainWorld(
        chain,
        cathode,
        separator,
        cell,
        pack,
        cathode_t,
        separator_m2,
        cell_gwh,
        firm_a,
        firm_b,
        lead,
        link_in,
        link_out,
    )

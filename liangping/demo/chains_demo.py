"""The demo's industrial chains: 锂电 with the seeds' figures, and 高端装备 (illustrative).

The seeds publish chain totals, not firms: 278 firms in 2025 with capacities 正极材料 16万吨, 负极材料
6万吨, 电解液 26万吨, 隔膜 21亿㎡, 电芯 32GWh, 拆解回收 5.5万吨; 57 firms, 24 research platforms and 698
patents in 2022; the 「1+3+3」 layout; output goals of 800亿元 (2025) and 1,500亿元 (2030); the 锂电产业联盟
and a 锂电产业基金 of over 80亿元. The firms below reproduce those totals exactly when summed (nothing
is typed in as a total): firms the seeds name keep their names (their credit codes, districts and
figures are illustrative), all others are 示例数据. The chain is loaded as it stood in 2022 and a
yearly snapshot taken, then brought to 2025 and snapshotted again, so the 2022 → 2025 comparison is
computed from data like any other.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import transaction

from liangping.chains import creditcode
from liangping.chains.mapdata import public_document
from liangping.chains.models import (
    Capacity,
    Chain,
    Firm,
    FirmSegment,
    Goal,
    Lead,
    LeadStatus,
    Measure,
    ProjectLink,
    Segment,
    Zone,
    ZoneKind,
)
from liangping.chains.services import normalize_unit, publish_snapshot, take_snapshot
from liangping.core.audit import record
from liangping.core.models import Org, OrgKind, Role, User
from liangping.projects.models import Project

LITHIUM = "锂电"
EQUIPMENT = "高端装备"
SEED = "liangping-chains-1"
CENT = Decimal("0.01")

# segment, parent, measure (name, unit) or None, 2025 published capacity, 2022 illustrative capacity,
# firms whose main segment it is in 2025 and in 2022 (illustrative split of 278 and 57)
LITHIUM_SEGMENTS: list[tuple[str, str, tuple[str, str] | None, str | None, str | None, int, int]] = [
    ("锂矿开采加工", "", None, None, None, 10, 2),
    ("正极材料", "", ("正极材料", "万吨"), "16", "6", 24, 5),
    ("负极材料", "", ("负极材料", "万吨"), "6", "1.5", 16, 3),
    ("电解液", "", ("电解液", "万吨"), "26", "8", 20, 4),
    ("隔膜", "", ("隔膜", "亿㎡"), "21", "5", 12, 2),
    ("电芯", "", ("电芯", "GWh"), "32", "6", 26, 8),
    ("PACK组装", "电芯", None, None, None, 30, 7),
    ("检测检验", "", None, None, None, 12, 3),
    ("终端应用", "", None, None, None, 18, 4),
    ("储能系统", "终端应用", None, None, None, 40, 7),
    ("电动车辆", "终端应用", None, None, None, 46, 8),
    ("拆解回收", "", ("拆解回收", "万吨"), "5.5", "1.2", 24, 4),
]
# targets (illustrative data, editable on the segment page)
LITHIUM_TARGETS = {
    "正极材料": "20",
    "负极材料": "10",
    "电解液": "30",
    "隔膜": "25",
    "电芯": "100",
    "拆解回收": "8",
}
LITHIUM_TARGET_FIRMS = {"锂矿开采加工": 15, "负极材料": 20, "隔膜": 15, "检测检验": 12, "拆解回收": 30}
# firms the seeds name: (name, main segment, in 2022, district, also serves)
SEED_FIRMS: list[tuple[str, str, bool, str, tuple[str, ...]]] = [
    ("丰元锂能", "正极材料", True, "台儿庄区", ()),
    ("联泓新科", "电解液", True, "滕州市", ()),
    ("亿恩科集团", "电解液", False, "枣庄高新区", ()),
    ("中材锂膜", "隔膜", True, "滕州市", ()),
    ("山东吉利欣旺达动力电池有限公司", "电芯", True, "枣庄高新区", ("PACK组装",)),
    ("山东精工电子科技股份有限公司", "电芯", True, "枣庄高新区", ("电动车辆",)),
    ("天科新能源", "电芯", True, "薛城区", ()),
    ("德鑫锂电", "电芯", True, "枣庄高新区", ()),
    ("山东天瀚新能源有限责任公司", "电芯", True, "枣庄高新区", ()),
    ("山东欣旺达新能源有限公司", "电芯", False, "枣庄高新区", ()),
    ("顶腾新能源", "电芯", False, "峄城区", ()),
    ("科达利", "PACK组装", True, "枣庄高新区", ()),
    ("国家锂电池产品质量检验检测中心", "检测检验", True, "枣庄高新区", ()),
    ("鼎誉新能源", "储能系统", False, "台儿庄区", ()),
    ("协氢（枣庄）氢能科技有限公司", "电动车辆", False, "薛城区", ()),
]
NO_CAPACITY_YET = {"山东欣旺达新能源有限公司"}  # its 50GWh base is a project under construction
ANCHORS = ["山东吉利欣旺达动力电池有限公司"]
# the seeds' key projects and the segment each adds to; capacity only where the seeds give it
SEED_LINKS: list[tuple[str, str, str | None]] = [
    ("欣旺达50GWh动力电池项目", "电芯", "50"),
    ("协氢小型燃料电池系统及氢动车应用项目", "电动车辆", None),
    ("顶腾新能源高端动力圆柱钠离子电池项目", "电芯", None),
    ("天科新能源半固态锂离子电池生产线项目", "电芯", None),
    ("精工电子锂电池智能化升级项目", "电芯", None),
    ("亿恩科锂电池电解液项目", "电解液", None),
    ("鼎誉新能源液流电池储能项目", "储能系统", None),
]
# the ledger's illustrative lithium projects, tagged by what their names say they build; the capacity
# they add is read from the name (年产12万吨磷酸铁锂正极材料项目 → 正极材料 12万吨)
NAME_SEGMENTS: list[tuple[str, str]] = [
    ("正极", "正极材料"),
    ("负极", "负极材料"),
    ("电解液", "电解液"),
    ("隔膜", "隔膜"),
    ("储能电池", "电芯"),
    ("回收", "拆解回收"),
    ("PACK", "PACK组装"),
    ("结构件", "电芯"),
]
NAME_CAPACITY = re.compile(r"年产(\d+(?:\.\d+)?)(万吨|亿平方米|GWh)")
LEADS: list[tuple[str, str, str, str]] = [
    ("锂矿开采加工", "锂辉石精矿冶炼加工企业", "市商务局", LeadStatus.TALKING),
    ("负极材料", "人造石墨负极一体化项目", "市工业和信息化局", LeadStatus.TRACKING),
    ("隔膜", "湿法涂覆隔膜生产线", "市工业和信息化局", LeadStatus.TRACKING),
    ("检测检验", "动力电池安全检测认证机构", "市科技局", LeadStatus.SIGNED),
    ("拆解回收", "退役电池梯次利用储能企业", "市商务局", LeadStatus.TALKING),
    ("电芯", "大圆柱电池电芯制造企业", "市发展改革委", LeadStatus.TRACKING),
]
ZONES: list[tuple[str, str, str]] = [
    (ZoneKind.CORE, "枣庄高新区锂电产业核心基地", "枣庄高新区"),
    (ZoneKind.SUPPORT, "滕州市锂电材料配套区", "滕州市"),
    (ZoneKind.SUPPORT, "薛城区锂电装备配套区", "薛城区"),
    (ZoneKind.SUPPORT, "台儿庄区锂电材料配套区", "台儿庄区"),
    (ZoneKind.COORDINATED, "市中区协调发展区", "市中区"),
    (ZoneKind.COORDINATED, "峄城区协调发展区", "峄城区"),
    (ZoneKind.COORDINATED, "山亭区协调发展区", "山亭区"),
]
REGION = {
    "市中区": "370402",
    "薛城区": "370403",
    "峄城区": "370404",
    "台儿庄区": "370405",
    "山亭区": "370406",
    "滕州市": "370481",
    "枣庄高新区": "370400",
}
PREFIXES = (
    "鲁南 运河 抱犊 微湖 台庄 龙泉 君山 凤鸣 荆河 善国 墨子 奚仲 冠世 盛源 鑫泰 恒信 华源 泓远 榴园 "
    "汉诺 青檀 熠能 锦程 博远 中恒 瑞丰 启航 新桥 东岳 泰和 嘉禾 明德 德润 广和 海川"
).split()
SUFFIXES = {
    "锂矿开采加工": "锂业",
    "正极材料": "正极材料",
    "负极材料": "碳材料",
    "电解液": "电解液",
    "隔膜": "隔膜科技",
    "电芯": "电池",
    "PACK组装": "电源科技",
    "检测检验": "检测技术",
    "终端应用": "新能源科技",
    "储能系统": "储能科技",
    "电动车辆": "电动车辆",
    "拆解回收": "再生资源",
}
PLATFORMS_2022, PATENTS_2022 = 24, 698
PLATFORMS_2025, PATENTS_2025 = (
    231,
    2836,
)  # illustrative (the seeds: 50 provincial + 180余 platforms, 2800余 patents)
OUTPUT_2022, OUTPUT_2025 = Decimal("1860000"), Decimal("6524000")  # 万元, illustrative

EQUIPMENT_SEGMENTS: list[tuple[str, tuple[str, str] | None, int, str]] = [
    ("基础零部件", ("基础零部件", "万件"), 12, "860"),
    ("数控机床", ("数控机床", "台"), 8, "3200"),
    ("智能制造装备", ("智能制造装备", "台套"), 10, "1450"),
    ("工程机械", ("工程机械", "台"), 6, "2600"),
    ("检测认证", None, 4, ""),
]


@dataclass
class FirmPlan:
    name: str
    segment: str
    in_2022: bool
    district: str
    sample: bool
    also: tuple[str, ...] = ()
    code: str = ""
    values: dict[str, dict[str, Any]] = field(default_factory=dict)


def credit_code(rng: random.Random, district: str, kind: str = "91") -> str:
    """A well-formed illustrative code: 91 (a company), the district's division code, a 9-character
    subject code and the GB 32100 check character."""
    body = kind + REGION[district] + "MA" + "".join(rng.choice(creditcode.ALPHABET) for _ in range(7))
    return body + creditcode.check_char(body)


def split(total: Decimal, n: int, rng: random.Random) -> list[Decimal]:
    """`total` in n shares of whole cents that add up to it exactly (the largest takes the rest)."""
    if n == 0:
        return []
    weights = [rng.lognormvariate(0, 0.9) for _ in range(n)]
    whole = sum(weights)
    shares = [(total * Decimal(w / whole)).quantize(CENT, rounding=ROUND_DOWN) for w in weights]
    largest = max(range(n), key=lambda i: shares[i])
    shares[largest] += total - sum(shares)
    return shares


def split_int(total: int, n: int, rng: random.Random) -> list[int]:
    shares = split(Decimal(total), n, rng)
    whole = [int(s) for s in shares]
    largest = max(range(n), key=lambda i: whole[i])
    whole[largest] += total - sum(whole)
    return whole


def plan_lithium(rng: random.Random) -> list[FirmPlan]:
    firms: list[FirmPlan] = []
    used: set[str] = set()
    districts = list(REGION)
    for name, segment, in_2022, district, also in SEED_FIRMS:
        firms.append(FirmPlan(name, segment, in_2022, district, False, also))
        used.add(name)
    for segment, _parent, _m, _c25, _c22, count_2025, count_2022 in LITHIUM_SEGMENTS:
        seeded = [f for f in firms if f.segment == segment]
        seeded_2022 = sum(1 for f in seeded if f.in_2022)
        for i in range(count_2025 - len(seeded)):
            while True:
                district = rng.choice(districts)
                short = district.removesuffix("区").removesuffix("市").removeprefix("枣庄")
                name = f"{short}{rng.choice(PREFIXES)}{SUFFIXES[segment]}有限公司"
                if name not in used:
                    break
            used.add(name)
            in_2022 = i < count_2022 - seeded_2022
            # the first 电芯 makers also assemble packs: a firm serving two segments appears once
            also = ("PACK组装",) if segment == "电芯" and i < 6 else ()
            firms.append(FirmPlan(name, segment, in_2022, district, True, also))
    for firm in firms:
        kind = "12" if firm.name.endswith("中心") else "91"
        firm.code = credit_code(rng, firm.district, kind)
    return firms


def _values(firms: list[FirmPlan], rng: random.Random) -> None:
    """Each firm's 2022 and 2025 figures: capacities, platforms, patents, output, flags."""
    old = [f for f in firms if f.in_2022]
    for f in firms:
        f.values = {"2022": {}, "2025": {}}
    for segment, _parent, measure, cap_2025, cap_2022, _n25, _n22 in LITHIUM_SEGMENTS:
        if measure is None:
            continue
        holders = [f for f in firms if f.segment == segment and f.name not in NO_CAPACITY_YET]
        for f, share in zip(holders, split(Decimal(cap_2025 or "0"), len(holders), rng), strict=True):
            f.values["2025"]["cap"] = share
        holders_2022 = [f for f in holders if f.in_2022]
        for f, share in zip(
            holders_2022, split(Decimal(cap_2022 or "0"), len(holders_2022), rng), strict=True
        ):
            f.values["2022"]["cap"] = share
    for year, group, platforms, patents, output in (
        ("2022", old, PLATFORMS_2022, PATENTS_2022, OUTPUT_2022),
        ("2025", firms, PLATFORMS_2025, PATENTS_2025, OUTPUT_2025),
    ):
        for f, p, n, o in zip(
            group,
            split_int(platforms, len(group), rng),
            split_int(patents, len(group), rng),
            split(output, len(group), rng),
            strict=True,
        ):
            f.values[year].update(platforms=p, patents=n, output=o, above_scale=o >= 2000, key=o >= 100000)


def _firm(f: FirmPlan, year: str, districts: dict[str, Org]) -> Firm:
    v = f.values[year]
    return Firm(
        credit_code=f.code,
        name=f.name,
        district=districts[f.district],
        output=v["output"],
        platforms=v["platforms"],
        patents=v["patents"],
        above_scale=v["above_scale"],
        key=v["key"],
        sample=f.sample,
    )


def _write_state(
    firms: list[FirmPlan],
    year: str,
    segments: dict[str, Segment],
    measures: dict[str, Measure],
    districts: dict[str, Org],
) -> None:
    """Bring the chain's firms to their figures of `year` (the 2025 state keeps the 2022 firms)."""
    members = [f for f in firms if year == "2025" or f.in_2022]
    existing = {f.credit_code: f for f in Firm.objects.filter(credit_code__in=[m.code for m in members])}
    new = [_firm(f, year, districts) for f in members if f.code not in existing]
    Firm.objects.bulk_create(new)
    fields = ["output", "platforms", "patents", "above_scale", "key"]
    changed = []
    for f in members:
        if f.code in existing:
            firm = existing[f.code]
            for name in fields:
                setattr(firm, name, f.values[year][name])
            changed.append(firm)
    Firm.objects.bulk_update(changed, fields)
    ids = dict(
        Firm.objects.filter(credit_code__in=[m.code for m in members]).values_list("credit_code", "pk")
    )
    FirmSegment.objects.filter(firm__in=ids.values()).delete()
    Capacity.objects.filter(firm__in=ids.values()).delete()
    links, caps = [], []
    for f in members:
        for name in (f.segment, *f.also):
            links.append(FirmSegment(firm_id=ids[f.code], segment=segments[name]))
        cap = f.values[year].get("cap")
        if cap is not None and f.segment in measures:
            caps.append(Capacity(firm_id=ids[f.code], measure=measures[f.segment], value=cap))
    FirmSegment.objects.bulk_create(links)
    Capacity.objects.bulk_create(caps)


def _link(project: Project | None, segment: Segment, measure: Measure | None, capacity: str | None) -> int:
    if project is None:
        return 0
    ProjectLink.objects.get_or_create(
        project=project,
        segment=segment,
        defaults={
            "measure": measure if capacity else None,
            "capacity": Decimal(capacity) if capacity else None,
        },
    )
    return 1


def load_lithium(rng: random.Random) -> dict[str, int]:
    districts = {o.name: o for o in Org.objects.filter(kind=OrgKind.DISTRICT)}
    departments = {o.name: o for o in Org.objects.filter(kind=OrgKind.DEPARTMENT)}
    leader = User.objects.filter(role=Role.LEADER).order_by("id").first()
    chain = Chain.objects.create(
        name=LITHIUM,
        leader=leader,
        alliance="枣庄市锂电产业联盟",
        fund="锂电产业基金",
        fund_size=Decimal("80"),
        note="企业数、产能、科研平台、专利、「1+3+3」布局与产值目标按报道；未见报道的企业、布局所在区、"
        "目标产能、目标企业数和招商清单为示例数据。",
        sort=1,
    )
    segments: dict[str, Segment] = {}
    measures: dict[str, Measure] = {}
    for position, (name, parent, measure, _c25, _c22, _n25, _n22) in enumerate(LITHIUM_SEGMENTS):
        segments[name] = Segment.objects.create(
            chain=chain,
            name=name,
            parent=segments.get(parent),
            position=position * 10,
            target_firms=LITHIUM_TARGET_FIRMS.get(name),
        )
        if measure is not None:
            measures[name] = Measure.objects.create(
                segment=segments[name],
                name=measure[0],
                unit=measure[1],
                target=Decimal(LITHIUM_TARGETS[name]),
            )
    firms = plan_lithium(rng)
    _values(firms, rng)
    _write_state(firms, "2022", segments, measures, districts)
    snaps = [take_snapshot(None, chain, 2022, public_document(chain))]
    _write_state(firms, "2025", segments, measures, districts)
    for kind, name, district in ZONES:
        Zone.objects.create(chain=chain, kind=kind, name=name, district=districts.get(district), sample=True)
    Goal.objects.bulk_create(
        [Goal(chain=chain, year=2025, output=800), Goal(chain=chain, year=2030, output=1500)]
    )
    chain.anchors.set(Firm.objects.filter(name__in=ANCHORS))
    for segment, target, department, status in LEADS:
        Lead.objects.create(
            segment=segments[segment],
            target=target,
            department=departments[department],
            status=status,
            sample=True,
        )
    projects = {p.name: p for p in Project.objects.filter(name__in=[n for n, _s, _c in SEED_LINKS])}
    linked = sum(_link(projects.get(n), segments[s], measures.get(s), c) for n, s, c in SEED_LINKS)
    for project in Project.objects.filter(industry="锂电新能源", sample=True).order_by("code"):
        tagged = next((seg for word, seg in NAME_SEGMENTS if word in project.name), None)
        if tagged is None or project.name in projects:
            continue
        found = NAME_CAPACITY.search(project.name)
        adds = measures.get(tagged)
        fits = found is not None and adds is not None and normalize_unit(found[2]) == adds.unit
        linked += _link(project, segments[tagged], adds, found[1] if fits and found else None)
    snaps.append(take_snapshot(None, chain, 2025, public_document(chain)))
    for snap in snaps:
        publish_snapshot(None, snap)
    return {"锂电产业链企业": len(firms), "锂电关联项目": linked}


def load_equipment(rng: random.Random) -> dict[str, int]:
    districts = {o.name: o for o in Org.objects.filter(kind=OrgKind.DISTRICT)}
    chain = Chain.objects.create(
        name=EQUIPMENT,
        alliance="枣庄市高端装备产业联盟（示例）",
        fund="高端装备产业基金（示例）",
        note="高端装备是本市“6+3”现代产业体系之一；本链的环节、企业和产能均为示例数据。",
        sort=2,
        sample=True,
    )
    count = 0
    used: set[str] = set()
    for position, (name, measure, n, total) in enumerate(EQUIPMENT_SEGMENTS):
        segment = Segment.objects.create(chain=chain, name=name, position=position * 10)
        m = Measure.objects.create(segment=segment, name=measure[0], unit=measure[1]) if measure else None
        shares = split(Decimal(total), n, rng) if m is not None else [None] * n
        for share in shares:
            district = rng.choice(list(REGION))
            while True:
                firm_name = (
                    f"{rng.choice(PREFIXES)}{name}制造有限公司"
                    if name != "检测认证"
                    else f"{rng.choice(PREFIXES)}装备检测有限公司"
                )
                if firm_name not in used:
                    break
            used.add(firm_name)
            output = Decimal(rng.randrange(3000, 90000))
            firm = Firm.objects.create(
                credit_code=credit_code(rng, district),
                name=firm_name,
                district=districts[district],
                output=output,
                platforms=rng.randrange(0, 4),
                patents=rng.randrange(0, 40),
                above_scale=output >= 2000,
                sample=True,
            )
            FirmSegment.objects.create(firm=firm, segment=segment)
            if m is not None and share is not None:
                Capacity.objects.create(firm=firm, measure=m, value=share)
            count += 1
    return {"高端装备产业链企业": count}


def load_chains_demo() -> dict[str, int]:
    """Load both chains once; a database that has them is left as it is."""
    if Chain.objects.filter(name=LITHIUM).exists():
        return {}
    rng = random.Random(SEED)
    with transaction.atomic():
        created = load_lithium(rng)
        if not Chain.objects.filter(name=EQUIPMENT).exists():
            created.update(load_equipment(rng))
        record(
            None,
            "demo.chains",
            None,
            object_type="demo",
            object_repr="示例产业链（锂电、高端装备）",
            changes={k: [0, v] for k, v in created.items()},
            reason="加载示例产业链：报道中的数字按报道，其余为示例数据",
            tenant=Chain.objects.filter(name=LITHIUM).values_list("tenant_id", flat=True).first(),
        )
    return created

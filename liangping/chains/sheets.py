"""Firms in and out as .xlsx through the sheets framework: the same header finding, synonyms, row and
column errors and all-or-nothing rule as the project ledger; the export is the import's exact inverse.

One row per firm (key: 统一社会信用代码). 产业链 names its chain (several separated by 、 for a firm of
several chains); 所属环节 lists segments (「锂电·检测检验」 where two listed chains share a name); 产能
lists capacities as 「名称 数值单位」 separated by ；, e.g. 「正极材料 3万吨；电芯 2GWh」, in the measure's
own unit (a different unit is an error, never converted by guess). A segment with a capacity is served
by the firm even if 所属环节 does not name it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import IO, Any

from django.db.models import Q

from liangping.chains import creditcode
from liangping.chains.mapdata import num
from liangping.chains.models import Capacity, Chain, Firm, FirmSegment, Measure, Segment
from liangping.chains.permissions import chains_for, sees_chains
from liangping.chains.services import (
    CapacityInput,
    ChainError,
    FirmInput,
    amount,
    check_firm,
    check_unit,
    save_firms,
)
from liangping.core.ids import parse_id
from liangping.core.models import OrgKind, User
from liangping.core.orgs import OrgIndex
from liangping.core.scope import tenant_of
from liangping.sheets.registry import Exporter, Importer, Progress, register_exporter, register_importer
from liangping.sheets.rows import Row
from liangping.sheets.runner import ImportContext
from liangping.sheets.table import ColumnSpec
from liangping.sheets.values import as_text, is_blank
from liangping.sheets.writing import OutColumn, write_rows

COLUMNS = (
    ColumnSpec(
        "credit_code", "统一社会信用代码", ("信用代码", "社会信用代码", "统一代码"), required=True, key=True
    ),
    ColumnSpec("name", "企业名称", ("企业", "公司名称", "单位名称", "名称"), required=True, key=True),
    ColumnSpec("chain", "产业链", ("所属产业链", "链条"), required=True),
    ColumnSpec("district", "所属区（市）", ("区（市）", "县区", "所在地", "区县", "所属区市")),
    ColumnSpec("segments", "所属环节", ("环节", "产业环节", "产业链环节")),
    ColumnSpec("capacities", "产能", ("产能情况", "主要产能", "年产能")),
    ColumnSpec("output", "产值", ("年产值", "工业产值"), money=True),
    ColumnSpec("platforms", "研发平台数", ("研发平台", "科研平台", "科研平台数")),
    ColumnSpec("patents", "专利数", ("专利", "授权专利", "专利数量")),
    ColumnSpec("above_scale", "规上企业", ("是否规上", "规上", "是否规上企业")),
    ColumnSpec("key", "重点企业", ("是否重点企业", "重点")),
    ColumnSpec("internal", "仅内部", ("不公开", "内部")),
)
EXPORT_COLUMNS = [
    OutColumn("统一社会信用代码", 22),
    OutColumn("企业名称", 32),
    OutColumn("产业链", 12),
    OutColumn("所属区（市）", 12),
    OutColumn("所属环节", 24),
    OutColumn("产能", 36),
    OutColumn("产值（万元）", 16, "money"),
    OutColumn("研发平台数", 10, "int"),
    OutColumn("专利数", 10, "int"),
    OutColumn("规上企业", 10),
    OutColumn("重点企业", 10),
    OutColumn("仅内部", 8),
]
YES = {"是", "√", "✓", "y", "yes", "1", "true", "规上", "重点", "内部"}
NO = {"否", "×", "n", "no", "0", "false", ""}
SPLIT = re.compile(r"[、,，;；/\n]+")
CAP_SPLIT = re.compile(r"[;；\n]+")
# NFKC writes ㎡ as m2: the unit may end in that 2
CAP_ITEM = re.compile(r"^(?P<name>.*?)[:：]?(?P<value>\d+(?:\.\d+)?)(?P<unit>\D*?(?:m2)?)$")
QUALIFIER = "·"


def nfkc(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


class Names:
    """Chains, segments and measures findable by what people write, in three queries."""

    def __init__(self, tenant_id: int | None = None) -> None:
        """`tenant_id`: the chains of that city only (None: every city's)."""
        chains = Chain.objects.all() if tenant_id is None else Chain.objects.filter(tenant_id=tenant_id)
        self.chains = {nfkc(c.name): c for c in chains}
        self.segments: dict[int, dict[str, Segment]] = defaultdict(dict)
        for s in Segment.objects.filter(chain__in=chains):
            self.segments[s.chain_id][nfkc(s.name)] = s
        self.measures: dict[int, dict[str, Measure]] = defaultdict(dict)
        self.by_segment: dict[int, list[Measure]] = defaultdict(list)
        for m in Measure.objects.filter(segment__chain__in=chains).select_related("segment"):
            self.measures[m.segment.chain_id][nfkc(m.name)] = m
            self.by_segment[m.segment_id].append(m)

    def find(
        self, table: Mapping[int, Mapping[str, Any]], chains: list[Chain], written: str
    ) -> tuple[Any, str]:
        """(object, "") or (None, message) for a name among `chains` (「链·名」 picks the chain)."""
        text = nfkc(written)
        if QUALIFIER in text or "." in text:
            chain_name, _, name = text.replace(".", QUALIFIER).partition(QUALIFIER)
            chain = self.chains.get(chain_name)
            if chain is None:
                return None, f"没有名为“{chain_name}”的产业链"
            found = table[chain.pk].get(name)
            return (found, "") if found else (None, f"产业链“{chain.name}”没有“{name}”")
        hits = [table[c.pk][text] for c in chains if text in table[c.pk]]
        if len(hits) == 1:
            return hits[0], ""
        if hits:
            return None, f"“{written}”在多条产业链中都有，请写成“产业链·{written}”"
        names = "、".join(n for c in chains for n in list(table[c.pk])[:12])
        where = "、".join(c.name for c in chains)
        return None, f"产业链“{where}”没有“{written}”，可选：{names}"


def as_flag(value: Any) -> bool | None:
    text = nfkc(as_text(value)).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    return None


def import_firms(ctx: ImportContext) -> None:
    city = tenant_of(ctx.actor) if ctx.actor is not None else None
    names = Names(city)
    districts = OrgIndex([OrgKind.DISTRICT], city)
    seen: dict[str, int] = {}
    parsed: list[FirmInput] = []
    rows = ctx.table.rows
    for i, row in enumerate(rows, start=1):
        item = _row(ctx, row, names, districts, seen)
        if item is not None:
            parsed.append(item)
        if i % 500 == 0:
            ctx.progress(i, len(rows))
    ctx.progress(len(rows), len(rows))
    if city is not None:  # a firm another city keeps is not this city's to change
        theirs = set(
            Firm.objects.filter(credit_code__in=list(seen))
            .filter(
                (Q(district__tenant_id__isnull=False) & ~Q(district__tenant_id=city))
                | (
                    Q(links__segment__chain__tenant_id__isnull=False)
                    & ~Q(links__segment__chain__tenant_id=city)
                )
            )
            .values_list("credit_code", flat=True)
        )
        by_line = {row[0]: row for row in rows}
        for code in sorted(theirs, key=seen.__getitem__):
            ctx.reader.error(
                by_line[seen[code]],
                "credit_code",
                f"统一社会信用代码“{code}”的企业由其他城市登记，不能在本市导入",
            )
    if ctx.result.errors:
        return
    counts = save_firms(ctx.actor, parsed, reason=ctx.reason, write=ctx.writes)
    ctx.result.created, ctx.result.updated, ctx.result.unchanged = (
        counts["created"],
        counts["updated"],
        counts["unchanged"],
    )


def _row(
    ctx: ImportContext, row: Row, names: Names, districts: OrgIndex, seen: dict[str, int]
) -> FirmInput | None:
    r = ctx.reader
    before = len(ctx.result.errors)
    raw_code = r.key(row, "credit_code", max_length=40)
    code = ""
    if raw_code:
        try:
            code = creditcode.validate(raw_code)
        except creditcode.CreditCodeError as exc:
            r.error(row, "credit_code", str(exc))
        else:
            if code in seen:
                r.error(
                    row, "credit_code", f"统一社会信用代码“{code}”与第{seen[code]}行重复：一个企业只写一行"
                )
            else:
                seen[code] = row[0]
    name = r.key(row, "name", max_length=120)
    chains: list[Chain] = []
    for part in SPLIT.split(r.text(row, "chain", required=True, max_length=200)):
        if not part.strip():
            continue
        chain = names.chains.get(nfkc(part))
        if chain is None:
            known = "、".join(c.name for c in names.chains.values())
            r.error(row, "chain", f"没有名为“{part.strip()}”的产业链，可选：{known}")
        elif chain not in chains:
            chains.append(chain)
    district = None
    written = r.text(row, "district", max_length=30)
    if written:
        district, candidates = districts.resolve(written)
        if district is None:
            hint = "、".join(o.name for o in candidates) if candidates else "请填写本市的区（市）名称"
            r.error(row, "district", f"未知的区（市）“{written}”：{hint}")
    segments: list[Segment] = []
    capacities: list[CapacityInput] = []
    if chains:
        for part in SPLIT.split(r.text(row, "segments", max_length=500)):
            if not part.strip():
                continue
            seg, problem = names.find(names.segments, chains, part.strip())
            if seg is None:
                r.error(row, "segments", problem)
            elif seg not in segments:
                segments.append(seg)
        capacities = _capacities(ctx, row, names, chains, segments)
    output = r.money(row, "output")
    platforms = _count_cell(ctx, row, "platforms")
    patents = _count_cell(ctx, row, "patents")
    flags = {}
    for field in ("above_scale", "key", "internal"):
        raw = r.raw(row, field)
        flag = as_flag(raw) if not is_blank(raw) else False
        if flag is None:
            r.error(row, field, f"“{as_text(raw)}”无法识别，请填写“是”或“否”")
        flags[field] = bool(flag)
    if len(ctx.result.errors) > before or not code or not name:
        return None
    try:
        return check_firm(
            FirmInput(
                code,
                name,
                district,
                output,
                platforms or 0,
                patents or 0,
                flags["above_scale"],
                flags["key"],
                flags["internal"],
                segments,
                capacities,
            )
        )
    except ChainError as exc:
        r.error(row, exc.field if r.has(exc.field) else "credit_code", str(exc))
        return None


def _count_cell(ctx: ImportContext, row: Row, field: str) -> int | None:
    raw = ctx.reader.raw(row, field)
    if is_blank(raw):
        return None
    text = nfkc(as_text(raw)).removesuffix("个").removesuffix("项").removesuffix("件")
    if not text.isdigit() or int(text) > 10_000_000:
        ctx.reader.error(row, field, f"“{as_text(raw)}”不是非负整数，请填写如 3")
        return None
    return int(text)


def _capacities(
    ctx: ImportContext, row: Row, names: Names, chains: list[Chain], segments: list[Segment]
) -> list[CapacityInput]:
    r = ctx.reader
    out: list[CapacityInput] = []
    seen: set[int] = set()
    for part in CAP_SPLIT.split(r.text(row, "capacities", max_length=1000)):
        text = nfkc(part).replace("，", "").replace(",", "")
        if not text:
            continue
        match = CAP_ITEM.match(text)
        if match is None:
            r.error(
                row, "capacities", f"产能“{part.strip()}”无法识别，请写成“名称 数值单位”，如“正极材料 3万吨”"
            )
            continue
        measure_name, unit = match["name"], match["unit"]
        if not measure_name:
            own = [m for s in segments for m in names.by_segment.get(s.pk, [])]
            if len(own) != 1:
                r.error(row, "capacities", f"产能“{part.strip()}”没有写名称，请写成如“正极材料 3万吨”")
                continue
            measure: Measure | None = own[0]
        else:
            measure, problem = names.find(names.measures, chains, measure_name)
            if measure is None:
                r.error(row, "capacities", problem)
                continue
        assert measure is not None
        if not unit:
            r.error(
                row,
                "capacities",
                f"产能“{part.strip()}”没有写单位，请写成如“{measure.name} {match['value']}{measure.unit}”",
            )
            continue
        try:
            check_unit(measure, unit)
            value = amount(match["value"], f"“{measure.name}”产能")
        except ChainError as exc:
            r.error(row, "capacities", str(exc))
            continue
        if measure.pk in seen:
            r.error(row, "capacities", f"“{measure.name}”的产能写了两次，请合并为一项")
            continue
        seen.add(measure.pk)
        out.append(CapacityInput(measure, value))
    return out


# -- export ------------------------------------------------------------------------------------


def export_rows(chain_id: int | None, within: Any = None) -> Iterator[list[Any]]:
    """One row per firm, written as the import reads it back. Four queries. `within`: the chains (the
    reader's city's) whose firms, segments and capacities are written; None: every chain's."""
    firms = Firm.objects.select_related("district").order_by("name", "id")
    links, capacities = FirmSegment.objects.all(), Capacity.objects.all()
    if within is not None:
        links = links.filter(segment__chain__in=within)
        capacities = capacities.filter(measure__segment__chain__in=within)
    if chain_id is not None:
        firms = firms.filter(links__segment__chain_id=chain_id).distinct()
    elif within is not None:
        firms = firms.filter(pk__in=links.values("firm"))
    seg_rows: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for firm_id, chain_name, seg_name, position in links.values_list(
        "firm", "segment__chain__name", "segment__name", "segment__position"
    ).order_by("segment__chain__sort", "segment__position", "segment_id"):
        seg_rows[firm_id].append((position, chain_name, seg_name))
    cap_rows: dict[int, list[tuple[str, str, Decimal]]] = defaultdict(list)
    for firm_id, name, unit, value in capacities.values_list(
        "firm", "measure__name", "measure__unit", "value"
    ).order_by("measure__segment__chain__sort", "measure__segment__position", "measure_id"):
        cap_rows[firm_id].append((name, unit, value))
    for f in firms:
        chains: list[str] = []
        for _p, chain_name, _s in seg_rows.get(f.pk, []):
            if chain_name not in chains:
                chains.append(chain_name)
        qualified = len(chains) > 1
        segs = [f"{c}{QUALIFIER}{s}" if qualified else s for _p, c, s in seg_rows.get(f.pk, [])]
        caps = [f"{n} {num(v)}{u}" for n, u, v in cap_rows.get(f.pk, [])]
        yield [
            f.credit_code,
            f.name,
            "、".join(chains),
            f.district.name if f.district else "",
            "、".join(segs),
            "；".join(caps),
            f.output,
            f.platforms,
            f.patents,
            "是" if f.above_scale else "否",
            "是" if f.key else "否",
            "是" if f.internal else "否",
        ]


def export_firms(
    user: User | None, filters: Mapping[str, str], out: IO[bytes], progress: Progress | None
) -> int:
    chain_id = parse_id(filters.get("chain"))
    mine = chains_for(user) if user is not None else Chain.objects.all()
    chain = mine.filter(pk=chain_id).first() if chain_id is not None else None
    if chain_id is not None and chain is None:
        raise ValueError("没有这条产业链")
    scoped = mine if user is not None else None
    theirs = (
        Firm.objects.all()
        if scoped is None
        else Firm.objects.filter(pk__in=FirmSegment.objects.filter(segment__chain__in=scoped).values("firm"))
    )
    total = Firm.objects.of_chain(chain).count() if chain else theirs.count()
    notes = [("说明", "每行一个企业；产能写成“名称 数值单位”，多项用“；”分隔；修改后可在“导入台账”页面导入")]
    notes += [("示例数据", "名称未见报道的企业为示例数据，仅供演示")]
    return write_rows(
        out,
        "产业链企业",
        EXPORT_COLUMNS,
        export_rows(chain.pk if chain else None, scoped),
        total=total,
        progress=progress,
        notes=notes,
    )


def register() -> None:
    register_importer(
        Importer(
            "firms",
            "产业链企业",
            COLUMNS,
            import_firms,
            "按统一社会信用代码新增或更新产业链企业、所属环节和产能；同一文件重复导入不会产生任何变化。",
            model="chains.firm",
        )
    )
    register_exporter(
        Exporter(
            "firms",
            "产业链企业",
            "产业链企业.xlsx",
            export_firms,
            sees_chains,
            describe=lambda filters: {"产业链": filters.get("chain", "全部")},
        )
    )

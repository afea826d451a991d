"""Business actions on chains: each takes explicit arguments, runs in one transaction, writes the audit
entry, and refuses bad input with a Chinese message naming the field (ChainError.field)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from liangping.chains import creditcode
from liangping.chains.models import (
    Capacity,
    Chain,
    ChainSnapshot,
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
from liangping.core.audit import record
from liangping.core.models import Org, OrgKind, User
from liangping.core.scope import installation_city, tenant_of
from liangping.projects.models import Project

CENT = Decimal("0.01")
ZONE_KINDS = [k.value for k in ZoneKind]
CAPACITY_LIMIT = Decimal("1e12")
# how units are written → how the measure stores them
UNIT_SYNONYMS = {
    "亿平方米": "亿㎡",
    "亿m2": "亿㎡",
    "亿m²": "亿㎡",
    "亿平米": "亿㎡",
    "gwh": "GWh",
    "吉瓦时": "GWh",
    "万t": "万吨",
}


class ChainError(ValueError):
    """Bad input; `field` names the form field (or column) to fix."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def normalize_unit(text: str) -> str:
    raw = "".join(unicodedata.normalize("NFKC", text or "").split())
    raw = raw.replace("m2", "m²") if raw.lower().endswith("m2") else raw
    return UNIT_SYNONYMS.get(raw, UNIT_SYNONYMS.get(raw.lower(), raw))


def amount(value: Any, label: str, field: str = "", *, limit: Decimal = CAPACITY_LIMIT) -> Decimal:
    """A non-negative exact amount (two decimals) or ChainError."""
    if isinstance(value, bool):
        raise ChainError(f"{label}“{value}”不是数字", field)
    try:
        number = (
            Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip().replace(",", ""))
        )
    except InvalidOperation as exc:
        raise ChainError(f"{label}“{value}”不是数字，请填写如 16 或 5.5", field) from exc
    if not number.is_finite():
        raise ChainError(f"{label}“{value}”不是数字", field)
    if number < 0:
        raise ChainError(f"{label}不能为负数（{value}）", field)
    if number >= limit:
        raise ChainError(f"{label}“{value}”过大，请核对单位", field)
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def check_unit(measure: Measure, unit: str, field: str = "") -> None:
    """A capacity written in a unit the measure does not use is refused (no conversion is guessed)."""
    if unit and normalize_unit(unit) != normalize_unit(measure.unit):
        raise ChainError(
            f"“{measure.name}”的产能单位是{measure.unit}，不能填写{unit}：请换算为{measure.unit}后再填", field
        )


# -- chains, layout and goals --------------------------------------------------------------------


def create_chain(
    actor: User | None,
    name: str,
    *,
    leader: User | None = None,
    alliance: str = "",
    fund: str = "",
    fund_size: Decimal | None = None,
    note: str = "",
    sort: int = 0,
    sample: bool = False,
    tenant: int | None = None,
) -> Chain:
    name = name.strip()
    if not name:
        raise ChainError("请填写产业链名称", "name")
    city = tenant or (tenant_of(actor) if actor is not None else None) or installation_city()
    if Chain.objects.filter(name=name, tenant_id=city).exists():
        raise ChainError(f"产业链“{name}”已存在", "name")
    with transaction.atomic():
        chain = Chain.objects.create(
            tenant_id=city,
            name=name,
            leader=leader,
            alliance=alliance,
            fund=fund,
            fund_size=fund_size,
            note=note,
            sort=sort,
            sample=sample,
        )
        record(actor, "chain.create", chain, changes={"name": [None, name]})
    return chain


def set_anchors(actor: User | None, chain: Chain, firms: Iterable[Firm]) -> None:
    firms = list(firms)
    with transaction.atomic():
        old = sorted(chain.anchors.values_list("name", flat=True))
        chain.anchors.set(firms)
        record(actor, "chain.anchors", chain, changes={"anchors": [old, sorted(f.name for f in firms)]})


def add_zone(
    actor: User | None, chain: Chain, kind: str, name: str, district: Org | None, *, sample: bool = False
) -> Zone:
    with transaction.atomic():
        zone = Zone.objects.create(chain=chain, kind=kind, name=name, district=district, sample=sample)
        record(actor, "chain.zone", zone, changes={"kind": [None, kind], "name": [None, name]})
    return zone


def set_goal(actor: User | None, chain: Chain, year: Any, output: Any) -> Goal:
    try:
        year_n = int(str(year).strip())
    except ValueError as exc:
        raise ChainError(f"年份“{year}”不是整数", "year") from exc
    if not 2000 <= year_n <= 2100:
        raise ChainError(f"年份“{year}”不在 2000—2100 之间", "year")
    value = amount(output, "产值目标", "output")
    with transaction.atomic():
        goal = Goal.objects.filter(chain=chain, year=year_n).first()
        old = str(goal.output) if goal else None
        if goal is None:
            goal = Goal.objects.create(chain=chain, year=year_n, output=value)
        else:
            goal.output = value
            goal.save(update_fields=["output"])
        record(actor, "chain.goal", goal, changes={"output": [old, str(value)]})
    return goal


# -- segments and measures -----------------------------------------------------------------------


def add_segment(
    actor: User | None,
    chain: Chain,
    name: str,
    *,
    position: int,
    parent: Segment | None = None,
    measures: Iterable[tuple[str, str]] = (),
    target_firms: int | None = None,
) -> Segment:
    name = name.strip()
    if not name:
        raise ChainError("请填写环节名称", "name")
    if parent is not None and parent.chain_id != chain.pk:
        raise ChainError(f"上级环节“{parent.name}”不属于产业链“{chain.name}”", "parent")
    if Segment.objects.filter(chain=chain, name=name).exists():
        raise ChainError(f"产业链“{chain.name}”已有环节“{name}”", "name")
    with transaction.atomic():
        segment = Segment.objects.create(
            chain=chain, name=name, position=position, parent=parent, target_firms=target_firms
        )
        for measure_name, unit in measures:
            Measure.objects.create(segment=segment, name=measure_name, unit=normalize_unit(unit))
        record(
            actor,
            "chain.segment.create",
            segment,
            changes={
                "chain": [None, chain.name],
                "name": [None, name],
                "measures": [None, [f"{m}（{u}）" for m, u in measures]],
            },
        )
    return segment


def ancestors_would_cycle(segment: Segment, parent: Segment | None) -> list[str]:
    """The path of names that would close a loop if `segment` got `parent`, or []."""
    if parent is None:
        return []
    parents = dict(Segment.objects.filter(chain=segment.chain_id).values_list("pk", "parent_id"))
    names = dict(Segment.objects.filter(chain=segment.chain_id).values_list("pk", "name"))
    path: list[int] = [segment.pk]
    node: int | None = parent.pk
    seen: set[int] = set()
    while node is not None and node not in seen:
        path.append(node)
        if node == segment.pk:
            return [names[p] for p in path]
        seen.add(node)
        node = parents.get(node)
    return []


def update_segment(
    actor: User | None,
    segment: Segment,
    *,
    parent_id: int | None,
    position: int,
    target_firms: int | None,
    targets: dict[int, Any],
    expected_version: int,
) -> Segment:
    """Move a segment, change its order, its target firm count and its measures' target capacities.
    A parent that would make the segment its own ancestor (a cycle) is refused."""
    parent = None
    if parent_id is not None:
        parent = Segment.objects.filter(pk=parent_id).first()
        if parent is None or parent.chain_id != segment.chain_id:
            raise ChainError("所选上级环节不属于本产业链", "parent")
        loop = ancestors_would_cycle(segment, parent)
        if loop:
            raise ChainError(
                "环节不能成为自己的上级，这样会形成循环：" + " → ".join(reversed(loop)), "parent"
            )
    if position < 0 or position > 999:
        raise ChainError("次序应为 0—999 的整数", "position")
    measures = {m.pk: m for m in segment.measures.all()}
    new_targets: dict[int, Decimal | None] = {}
    for measure_id, raw in targets.items():
        measure = measures.get(measure_id)
        if measure is None:
            raise ChainError("产能指标不属于本环节", f"target_{measure_id}")
        text = str(raw if raw is not None else "").strip()
        new_targets[measure_id] = (
            amount(text, f"“{measure.name}”目标产能", f"target_{measure_id}") if text else None
        )
    with transaction.atomic():
        fresh = Segment.objects.select_for_update().get(pk=segment.pk)
        if fresh.version != expected_version:
            raise ChainError("该环节已被他人修改，请刷新页面后重新填写", "version")
        old = {
            "parent": str(fresh.parent) if fresh.parent_id else None,
            "position": fresh.position,
            "target_firms": fresh.target_firms,
        }
        changes: dict[str, Any] = {}
        new = {"parent": parent.name if parent else None, "position": position, "target_firms": target_firms}
        changes.update({k: [old[k], new[k]] for k in new if old[k] != new[k]})
        Segment.objects.filter(pk=segment.pk).update(
            parent=parent, position=position, target_firms=target_firms, version=F("version") + 1
        )
        for measure_id, target in new_targets.items():
            measure = measures[measure_id]
            if measure.target != target:
                changes[f"target:{measure.name}"] = [
                    None if measure.target is None else str(measure.target),
                    None if target is None else str(target),
                ]
                Measure.objects.filter(pk=measure_id).update(target=target)
        record(actor, "chain.segment.update", segment, changes=changes)
    segment.refresh_from_db()
    return segment


# -- firms ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CapacityInput:
    measure: Measure
    value: Decimal


@dataclass
class FirmInput:
    """A firm as a form or a spreadsheet row gives it, already checked (see check_firm)."""

    credit_code: str
    name: str
    district: Org | None
    output: Decimal | None
    platforms: int
    patents: int
    above_scale: bool
    key: bool
    internal: bool
    segments: list[Segment]
    capacities: list[CapacityInput]
    sample: bool = False


FIRM_FIELDS = ["name", "district", "output", "platforms", "patents", "above_scale", "key", "internal"]


def check_firm(data: FirmInput) -> FirmInput:
    """Normalise and check; ChainError names the field."""
    data.credit_code = creditcode.validate(data.credit_code) if data.credit_code else ""
    if not data.credit_code:
        raise ChainError("统一社会信用代码不能为空", "credit_code")
    if not data.name.strip():
        raise ChainError("企业名称不能为空", "name")
    if data.district is not None and data.district.kind != OrgKind.DISTRICT:
        raise ChainError(f"“{data.district.name}”不是区（市）", "district")
    if not data.segments and not data.capacities:
        raise ChainError("请至少填写一个所属环节（或一项产能）", "segments")
    segment_ids = {s.pk for s in data.segments}
    for cap in data.capacities:
        if cap.measure.segment_id not in segment_ids:
            data.segments.append(cap.measure.segment)
            segment_ids.add(cap.measure.segment_id)
    return data


def save_firms(
    actor: User | None, rows: list[FirmInput], *, reason: str = "", write: bool = True
) -> dict[str, int]:
    """Create or update firms by credit code, in one transaction, each change audited. A row's segments
    and capacities replace the firm's within the chains of its segments; the firm's other chains are
    untouched. `write` False counts what would change and writes nothing (an import's dry run).
    Returns {"created", "updated", "unchanged"}."""
    codes = [r.credit_code for r in rows]
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        existing = {
            f.credit_code: f for f in Firm.objects.filter(credit_code__in=codes).select_related("district")
        }
        links: dict[int, set[int]] = {}
        caps: dict[int, dict[int, Decimal]] = {}
        ids = [f.pk for f in existing.values()]
        for firm_id, seg_id in FirmSegment.objects.filter(firm__in=ids).values_list("firm", "segment"):
            links.setdefault(firm_id, set()).add(seg_id)
        for firm_id, measure_id, value in Capacity.objects.filter(firm__in=ids).values_list(
            "firm", "measure", "value"
        ):
            caps.setdefault(firm_id, {})[measure_id] = value
        seg_chain = dict(Segment.objects.values_list("pk", "chain_id"))
        measure_chain = dict(Measure.objects.values_list("pk", "segment__chain"))
        for row in rows:
            firm = existing.get(row.credit_code)
            chains = {s.chain_id for s in row.segments}
            want_links = {s.pk for s in row.segments}
            want_caps = {c.measure.pk: c.value for c in row.capacities}
            values: dict[str, Any] = {
                "name": row.name.strip(),
                "district": row.district,
                "output": row.output,
                "platforms": row.platforms,
                "patents": row.patents,
                "above_scale": row.above_scale,
                "key": row.key,
                "internal": row.internal,
            }
            if firm is None:
                counts["created"] += 1
                if not write:
                    continue
                firm = Firm.objects.create(credit_code=row.credit_code, sample=row.sample, **values)
                existing[row.credit_code] = firm
                old_links: set[int] = set()
                old_caps: dict[int, Decimal] = {}
                changes: dict[str, Any] = {k: [None, _plain(v)] for k, v in values.items()}
                action = "chain.firm.create"
            else:
                changes = {
                    k: [_plain(getattr(firm, k)), _plain(v)]
                    for k, v in values.items()
                    if getattr(firm, k) != v
                }
                old_links = {s for s in links.get(firm.pk, set()) if seg_chain.get(s) in chains}
                old_caps = {m: v for m, v in caps.get(firm.pk, {}).items() if measure_chain.get(m) in chains}
                action = "chain.firm.update"
            if want_links != old_links:
                changes["segments"] = [sorted(old_links), sorted(want_links)]
            if want_caps != old_caps:
                changes["capacities"] = [
                    {str(k): str(v) for k, v in sorted(old_caps.items())},
                    {str(k): str(v) for k, v in sorted(want_caps.items())},
                ]
            if action == "chain.firm.update":
                if not changes:
                    counts["unchanged"] += 1
                    continue
                counts["updated"] += 1
                if not write:
                    continue
                if any(k in values for k in changes):
                    for k, v in values.items():
                        setattr(firm, k, v)
                    firm.version += 1
                    firm.save()
            if want_links != old_links:
                FirmSegment.objects.filter(firm=firm, segment__in=old_links - want_links).delete()
                FirmSegment.objects.bulk_create(
                    [FirmSegment(firm=firm, segment_id=s) for s in sorted(want_links - old_links)]
                )
            if want_caps != old_caps:
                Capacity.objects.filter(firm=firm, measure__in=set(old_caps) - set(want_caps)).delete()
                for measure_id, value in want_caps.items():
                    if old_caps.get(measure_id) != value:
                        Capacity.objects.update_or_create(
                            firm=firm, measure_id=measure_id, defaults={"value": value}
                        )
            record(actor, action, firm, changes=changes, reason=reason)
    return counts


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


# -- projects ------------------------------------------------------------------------------------


def link_project(
    actor: User | None,
    project: Project,
    segment_id: Any,
    *,
    capacity: Any = None,
    unit: str = "",
    measure_id: Any = None,
) -> ProjectLink:
    """Tag a key project to the segment it adds to, with the capacity it adds when done (in a unit of
    the segment's measure). A segment of no chain (unknown) is refused."""
    try:
        segment = Segment.objects.select_related("chain").get(pk=int(segment_id))
    except (TypeError, ValueError, Segment.DoesNotExist) as exc:
        raise ChainError("所选环节不属于任何产业链：请从产业链的环节中选择", "segment") from exc
    measures = list(segment.measures.all())
    measure = None
    value = None
    if capacity not in (None, ""):
        value = amount(capacity, "新增产能", "capacity")
        if measure_id not in (None, ""):
            measure = next((m for m in measures if str(m.pk) == str(measure_id)), None)
            if measure is None:
                raise ChainError(f"产能指标不属于环节“{segment.name}”", "measure")
        elif len(measures) == 1:
            measure = measures[0]
        elif not measures:
            raise ChainError(f"环节“{segment.name}”没有产能指标，不能填写新增产能", "capacity")
        else:
            raise ChainError(f"环节“{segment.name}”有多个产能指标，请选择一个", "measure")
        check_unit(measure, unit, "unit")
    with transaction.atomic():
        link, _created = ProjectLink.objects.update_or_create(
            project=project, segment=segment, defaults={"measure": measure, "capacity": value}
        )
        record(
            actor,
            "chain.project.link",
            link,
            object_repr=f"{project.code} {project.name} → {segment.chain.name}·{segment.name}",
            changes={
                "segment": [None, f"{segment.chain.name}·{segment.name}"],
                "capacity": [None, _plain(value)],
                "unit": [None, measure.unit if measure else None],
            },
        )
    return link


def unlink_project(actor: User | None, link: ProjectLink) -> None:
    with transaction.atomic():
        record(actor, "chain.project.unlink", link, object_repr=f"{link.project.code} → {link.segment.name}")
        link.delete()


# -- 招商 leads ----------------------------------------------------------------------------------


def add_lead(
    actor: User | None,
    segment: Segment,
    target: str,
    department: Org | None,
    *,
    status: str = LeadStatus.TRACKING,
    note: str = "",
    sample: bool = False,
) -> Lead:
    target = target.strip()
    if not target:
        raise ChainError("请填写目标企业或产品", "target")
    if department is None or department.kind != OrgKind.DEPARTMENT:
        raise ChainError("请选择责任部门（市直部门）", "department")
    if status not in LeadStatus.values:
        raise ChainError("未知的状态", "status")
    with transaction.atomic():
        lead = Lead.objects.create(
            segment=segment, target=target, department=department, status=status, note=note, sample=sample
        )
        record(
            actor,
            "chain.lead.create",
            lead,
            changes={
                "segment": [None, segment.name],
                "target": [None, target],
                "department": [None, department.name],
                "status": [None, status],
            },
        )
    return lead


def set_lead_status(
    actor: User | None, lead: Lead, status: str, *, expected_version: int, note: str = ""
) -> Lead:
    if status not in LeadStatus.values:
        raise ChainError("未知的状态", "status")
    with transaction.atomic():
        updated = Lead.objects.filter(pk=lead.pk, version=expected_version).update(
            status=status, note=note or lead.note, version=F("version") + 1, updated_at=timezone.now()
        )
        if not updated:
            raise ChainError("该招商目标已被他人修改，请刷新页面后重新填写", "version")
        record(actor, "chain.lead.status", lead, changes={"status": [lead.status, status]}, reason=note)
    lead.refresh_from_db()
    return lead


# -- yearly snapshots ----------------------------------------------------------------------------


def take_snapshot(actor: User | None, chain: Chain, year: Any, data: dict[str, Any]) -> ChainSnapshot:
    """Freeze `data` (mapdata.public_document of the chain) as the figures of `year`; a later snapshot
    of the same year is a new version, the old one stays."""
    try:
        year_n = int(str(year).strip())
    except ValueError as exc:
        raise ChainError(f"年份“{year}”不是整数", "year") from exc
    if not 2000 <= year_n <= 2100:
        raise ChainError(f"年份“{year}”不在 2000—2100 之间", "year")
    with transaction.atomic():
        last = ChainSnapshot.objects.filter(chain=chain, year=year_n).order_by("-version").first()
        try:
            snap = ChainSnapshot.objects.create(
                chain=chain,
                year=year_n,
                version=(last.version + 1) if last else 1,
                data={**data, "year": year_n},
                taken_at=timezone.now(),
                taken_by=actor if actor and actor.pk else None,
            )
        except IntegrityError as exc:
            raise ChainError("同时有人生成了该年度快照，请刷新后重试", "year") from exc
        summary = data.get("summary", {})
        record(
            actor,
            "chain.snapshot",
            snap,
            changes={
                "year": [None, year_n],
                "version": [None, snap.version],
                "firms": [None, summary.get("firms")],
            },
        )
    return snap


def publish_snapshot(actor: User | None, snapshot: ChainSnapshot) -> ChainSnapshot:
    if snapshot.published_at is not None:
        raise ChainError("该快照已发布", "snapshot")
    with transaction.atomic():
        snapshot.published_at = timezone.now()
        snapshot.save(update_fields=["published_at"])
        record(actor, "chain.snapshot.publish", snapshot, changes={"published": [False, True]})
    return snapshot


def parse_zones(text: str) -> list[tuple[str, str, str]]:
    """Layout zones written one a line: 「核心基地 枣庄高新区锂电产业园 枣庄高新区」 (type, name, optional
    district) → [(kind, name, district name)]; ChainError names the line."""
    words = {label: value for value, label in ZoneKind.choices}
    words.update({"核心区": ZoneKind.CORE, "配套区": ZoneKind.SUPPORT, "协调区": ZoneKind.COORDINATED})
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.replace("：", " ").replace(":", " ").split()
        if not parts:
            continue
        kind = words.get(parts[0])
        if kind is None or len(parts) < 2:
            raise ChainError(
                f"布局第{number}行“{line.strip()[:30]}”无法识别：请写成“核心基地 名称 所属区（市）”，"
                "类型为核心基地、产业配套区或协调发展区",
                "zones",
            )
        out.append((kind, parts[1][:100], parts[2] if len(parts) > 2 else ""))
    return out


def save_chain(
    actor: User | None,
    chain: Chain | None,
    *,
    name: str,
    leader: User | None,
    alliance: str,
    fund: str,
    fund_size: Any,
    anchors: str,
    zones: list[tuple[str, str, str]],
    note: str = "",
    tenant: int | None = None,
) -> Chain:
    """Create a chain or change its 链长, 链主 (credit codes separated by 、), alliance, fund and zones.
    `tenant`: the city of a new chain (a chain stays in its city; names are unique within one)."""
    name = name.strip()
    if not name:
        raise ChainError("请填写产业链名称", "name")
    city = chain.tenant_id if chain is not None else tenant or installation_city()
    same = Chain.objects.filter(name=name, tenant_id=city)
    if (same.exclude(pk=chain.pk) if chain is not None else same).exists():
        raise ChainError(f"产业链“{name}”已存在", "name")
    size = amount(fund_size, "基金规模", "fund_size") if str(fund_size or "").strip() else None
    codes = [c for c in re.split(r"[、,，;；\s]+", anchors) if c]
    firms = []
    for written in codes:
        try:
            valid = creditcode.validate(written)
        except creditcode.CreditCodeError as exc:
            raise ChainError(f"链主企业：{exc}", "anchors") from exc
        firm = Firm.objects.filter(credit_code=valid).first()
        if firm is None:
            raise ChainError(f"链主企业：没有统一社会信用代码为“{valid}”的企业，请先导入该企业", "anchors")
        firms.append(firm)
    districts = {o.name: o for o in Org.objects.filter(kind=OrgKind.DISTRICT, tenant_id=city)}
    resolved = []
    for kind, zone_name, district in zones:
        org = districts.get(district) or districts.get(district + "区") or districts.get(district + "市")
        if district and org is None:
            raise ChainError(f"布局中的“{district}”不是本市的区（市）", "zones")
        resolved.append(Zone(kind=kind, name=zone_name, district=org))
    if len({z.name for z in resolved}) != len(resolved):
        raise ChainError("布局中有重名的区域，请合并", "zones")
    with transaction.atomic():
        old: dict[str, Any] = {}
        if chain is None:
            chain = Chain.objects.create(name=name, tenant_id=city)
            action = "chain.create"
        else:
            old = {
                "name": chain.name,
                "leader": str(chain.leader) if chain.leader else None,
                "alliance": chain.alliance,
                "fund": chain.fund,
                "fund_size": _plain(chain.fund_size),
                "note": chain.note,
                "anchors": sorted(chain.anchors.values_list("name", flat=True)),
                "zones": [f"{z.kind} {z.name}" for z in chain.zones.order_by("kind", "id")],
            }
            action = "chain.update"
        chain.name, chain.leader, chain.alliance, chain.fund = name, leader, alliance, fund
        chain.fund_size, chain.note = size, note
        chain.version += 1 if old else 0
        chain.save()
        chain.anchors.set(firms)
        chain.zones.all().delete()
        for zone in resolved:
            zone.chain = chain
        Zone.objects.bulk_create(resolved)
        new = {
            "name": name,
            "leader": str(leader) if leader else None,
            "alliance": alliance,
            "fund": fund,
            "fund_size": _plain(size),
            "note": note,
            "anchors": sorted(f.name for f in firms),
            "zones": [f"{z.kind} {z.name}" for z in sorted(resolved, key=lambda z: ZONE_KINDS.index(z.kind))],
        }
        record(actor, action, chain, changes={k: [old.get(k), v] for k, v in new.items() if old.get(k) != v})
    return chain

"""Service points: their matter lists (checked against the catalogue and the guidance catalogue),
rosters and the 1+1+1+N rule (one 帮办代办主管 in every district, town and village hall)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from liangping.core.audit import record
from liangping.core.models import Org, OrgKind, User
from liangping.services.models import Level, Matter, PointKind, PointMatter, PointStaff, Post, ServicePoint

LEVEL_OF_KIND = {
    OrgKind.CITY: Level.CITY,
    OrgKind.DISTRICT: Level.DISTRICT,
    OrgKind.TOWN: Level.TOWN,
    OrgKind.VILLAGE: Level.VILLAGE,
}
RULE_LEVELS = (Level.DISTRICT, Level.TOWN, Level.VILLAGE)  # 1+1+1: one 主管 in each of these halls


class PointError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def level_of(org: Org) -> str:
    level = LEVEL_OF_KIND.get(org.kind)  # type: ignore[call-overload]
    if level is None:
        raise PointError("org", f"“{org.name}”不是市、区（市）、镇（街道）或村（社区），不能设服务点")
    return str(level)


@transaction.atomic
def create_point(
    actor: User | None, *, name: str, org: Org, kind: str = PointKind.HALL, hours: str = "",
    address: str = "", pilot: bool = False, guide: Any = None, sample: bool = False,
) -> ServicePoint:  # fmt: skip
    name = name.strip()
    if not name:
        raise PointError("name", "请填写服务点名称")
    if ServicePoint.objects.filter(tenant_id=org.tenant_id, name=name).exists():
        raise PointError("name", f"服务点“{name}”已存在")
    point = ServicePoint.objects.create(
        tenant_id=org.tenant_id, name=name, org=org, kind=kind, level=level_of(org), hours=hours,
        address=address, pilot=pilot, guide=guide, sample=sample,
    )  # fmt: skip
    record(actor, "services.point.create", point, changes={"name": [None, name], "org": [None, org.name]})
    return point


@dataclass(frozen=True)
class Listed:
    code: str
    category: str = ""


def resolve_matters(point: ServicePoint, items: Sequence[Listed]) -> list[tuple[Matter, str]]:
    """The catalogue's matters for the codes listed, or PointError naming the first code not in the
    catalogue (or not in the point's guidance catalogue)."""
    codes = [i.code.strip() for i in items]
    found = {
        m.code: m
        for m in Matter.objects.filter(tenant_id=point.tenant_id, code__in=codes, withdrawn_on__isnull=True)
    }
    missing = [c for c in codes if c not in found]
    if missing:
        raise PointError("matters", f"事项编码“{'、'.join(missing[:5])}”不在事项目录中")
    dup = [c for c, n in Counter(codes).items() if n > 1]
    if dup:
        raise PointError("matters", f"事项编码“{'、'.join(dup[:5])}”重复列出")
    if point.guide_id is not None:
        allowed = set(point.guide.matters.values_list("code", flat=True)) if point.guide else set()
        outside = [c for c in codes if c not in allowed]
        if outside:
            raise PointError("matters", f"事项“{'、'.join(outside[:5])}”不在指导目录“{point.guide}”中")
    return [(found[i.code.strip()], i.category.strip()) for i in items]


@transaction.atomic
def set_matters(actor: User | None, point: ServicePoint, items: Sequence[Listed]) -> int:
    """Replace the point's matter list; nothing changes when a code is wrong."""
    resolved = resolve_matters(point, items)
    before = sorted(point.listed.values_list("matter__code", flat=True))
    point.listed.all().delete()
    PointMatter.objects.bulk_create([PointMatter(point=point, matter=m, category=c) for m, c in resolved])
    after = sorted(m.code for m, _c in resolved)
    if before != after:
        record(actor, "services.point.matters", point, changes={"matters": [len(before), len(after)]})
    return len(resolved)


@transaction.atomic
def add_staff(
    actor: User | None, point: ServicePoint, *, name: str, post: str, department: Org | None = None,
    user: User | None = None, phone: str = "", hours: str = "",
) -> PointStaff:  # fmt: skip
    name = name.strip()
    if not name:
        raise PointError("name", "请填写姓名")
    if post not in Post.values:
        raise PointError("post", "请选择岗位")
    if post == Post.CHIEF and department is None:
        raise PointError("department", "审批业务科长请填写所在部门")
    staff = PointStaff.objects.create(
        point=point, name=name, post=post, department=department, user=user, phone=phone, hours=hours
    )
    record(
        actor,
        "services.staff.create",
        point,
        changes={"staff": [None, f"{name}（{staff.get_post_display()}）"]},
    )
    return staff


@dataclass
class RuleRow:
    point: ServicePoint
    leads: int
    chiefs: int
    ok: bool

    @property
    def problem(self) -> str:
        if self.ok:
            return ""
        return "未配备帮办代办主管" if self.leads == 0 else f"配备了 {self.leads} 名帮办代办主管（应为 1 名）"


def rule_rows(points: Any) -> list[RuleRow]:
    """The 1+1+1+N check of the district, town and village halls among `points`. One query."""
    halls = (
        points.filter(kind=PointKind.HALL, level__in=RULE_LEVELS)
        .select_related("org")
        .annotate(
            leads=Count("staff", filter=Q(staff__post=Post.LEAD)),
            chiefs=Count("staff", filter=Q(staff__post=Post.CHIEF)),
        )
        .order_by("level", "org__path", "id")
    )
    order = [lv.value for lv in Level]
    rows = [RuleRow(p, p.leads, p.chiefs, p.leads == 1) for p in halls]
    rows.sort(key=lambda r: (r.ok, order.index(r.point.level), r.point.org.path))
    return rows


def lead_of(org_ids: list[int]) -> dict[int, str]:
    """The 帮办代办主管 of the halls of these orgs: {org id: name}. One query."""
    out: dict[int, str] = {}
    for org_id, name in PointStaff.objects.filter(
        post=Post.LEAD, point__org_id__in=org_ids, point__kind=PointKind.HALL
    ).values_list("point__org_id", "name"):
        out.setdefault(org_id, name)
    return out

"""The responsibility-point importer (防汛责任点位及包保责任链), through the sheets framework: header found
by content, synonyms, one error per defect with row and column, nothing written when any error.

Idempotent by 点位编号: a point that exists is updated and its chain replaced when it changed; an
unchanged row changes nothing. A row without a 第一责任人 is refused.
"""

from __future__ import annotations

import unicodedata

from liangping.core.models import Org, OrgKind
from liangping.core.scope import tenant_of
from liangping.emergency.models import ChainLink, ChainRole, Person, Point, PointKind
from liangping.sheets.bulk import audit_entry, create_objects, record_many, update_rows
from liangping.sheets.registry import Importer, register_importer
from liangping.sheets.runner import ImportContext
from liangping.sheets.table import ColumnSpec

COLUMNS = (
    ColumnSpec("code", "点位编号", ("编号", "点位代码", "序号编码"), required=True, key=True),
    ColumnSpec("name", "点位名称", ("名称", "部位名称", "重点部位"), required=True),
    ColumnSpec("kind", "点位类型", ("类型", "类别", "部位类型"), required=True),
    ColumnSpec("district", "所属区（市）", ("区（市）", "县区", "所在区", "区市"), required=True),
    ColumnSpec("town", "镇街", ("镇（街道）", "所属镇街", "乡镇", "镇街道"), required=True),
    ColumnSpec("village", "村（社区）", ("村居", "村", "社区")),
    ColumnSpec("first", "第一责任人", ("责任人", "包保责任人"), required=True),
    ColumnSpec("first_phone", "第一责任人电话", ("责任人电话", "责任人手机", "第一责任人手机")),
    ColumnSpec("backup", "备用责任人", ("备用联系人", "AB岗")),
    ColumnSpec("backup_phone", "备用责任人电话", ("备用责任人手机",)),
    ColumnSpec("town_leader", "镇街包保领导", ("镇街领导", "包保镇街领导")),
    ColumnSpec("town_leader_phone", "镇街包保领导电话", ("镇街领导电话",)),
    ColumnSpec("district_leader", "区级包保领导", ("区级领导", "包保区领导")),
    ColumnSpec("district_leader_phone", "区级包保领导电话", ("区级领导电话",)),
)
KIND_NAMES = {label: value for value, label in PointKind.choices} | {
    "水库": PointKind.RESERVOIR,
    "塘坝": PointKind.RESERVOIR,
    "河道": PointKind.RIVER,
    "堤防": PointKind.RIVER,
    "河道堤防": PointKind.RIVER,
    "低洼": PointKind.LOWLAND,
    "低洼易涝村庄": PointKind.LOWLAND,
    "下穿": PointKind.UNDERPASS,
    "下穿立交": PointKind.UNDERPASS,
    "地下通道": PointKind.UNDERPASS,
    "工地": PointKind.SITE,
    "建筑工地": PointKind.SITE,
    "学校": PointKind.SCHOOL,
    "地灾点": PointKind.GEOHAZARD,
    "地质灾害": PointKind.GEOHAZARD,
}
CHAIN = (
    ("first", "first_phone", ChainRole.FIRST),
    ("backup", "backup_phone", ChainRole.BACKUP),
    ("town_leader", "town_leader_phone", ChainRole.TOWN),
    ("district_leader", "district_leader_phone", ChainRole.DISTRICT),
)


def _n(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def import_points(ctx: ImportContext) -> None:
    r = ctx.reader
    # names are the importer's city's (two cities may each have a 市中区); another city's points are refused
    city = tenant_of(ctx.actor) if ctx.actor is not None else None
    units = Org.objects.all() if city is None else Org.objects.filter(tenant_id=city)
    districts: dict[str, Org] = {}
    for org in units.filter(kind=OrgKind.DISTRICT):
        for name in (org.name, *org.alias_list()):
            districts[_n(name)] = org
    towns = {(o.parent_id, o.name): o for o in units.filter(kind=OrgKind.TOWN)}
    seen: dict[str, int] = {}
    parsed = []
    for row in ctx.table.rows:
        code = r.key(row, "code", max_length=40)
        if code and code in seen:
            r.error(row, "code", f"点位编号“{code}”与第{seen[code]}行重复，请只保留一行")
        elif code:
            seen[code] = row[0]
        name = r.text(row, "name", required=True, max_length=100)
        kind_text = r.text(row, "kind", required=True)
        kind = KIND_NAMES.get(_n(kind_text)) if kind_text else None
        if kind_text and kind is None:
            r.error(row, "kind", f"未知点位类型“{kind_text}”：应为{'、'.join(PointKind.labels)}之一")
        written = r.text(row, "district", required=True)
        district = districts.get(_n(written)) or districts.get(_n(written) + "区") if written else None
        if written and district is None:
            r.error(row, "district", f"未知的区（市）“{written}”，请填写本市的区（市）名称")
        town = r.text(row, "town", required=True, max_length=60)
        village = r.text(row, "village", max_length=60)
        chain = []
        for name_field, phone_field, role in CHAIN:
            person = r.text(row, name_field, max_length=50, required=role == ChainRole.FIRST)
            phone = r.text(row, phone_field, max_length=30)
            if phone and not person:
                r.error(row, name_field, f"填写了{r.header(phone_field)}，但没有填写姓名")
            if person:
                chain.append((role, person, phone))
        if code and name and kind and district and town:
            parsed.append((code, name, kind, district, town, village, chain))
    if city is not None:
        taken = set(
            Point.objects.filter(code__in=list(seen))
            .exclude(district__tenant_id=city)
            .values_list("code", flat=True)
        )
        for code in sorted(taken, key=seen.__getitem__):
            r.error(
                next(row for row in ctx.table.rows if row[0] == seen[code]),
                "code",
                f"点位编号“{code}”已被其他城市使用，请换一个编号",
            )
        parsed = [p for p in parsed if p[0] not in taken]
    ctx.progress(len(ctx.table.rows), len(ctx.table.rows))
    _write(ctx, parsed, towns)


def _write(ctx: ImportContext, parsed: list, towns: dict) -> None:  # type: ignore[type-arg]
    existing = {p.code: p for p in Point.objects.filter(code__in=[p[0] for p in parsed])}
    chains: dict[int, list[tuple[str, str, str]]] = {}
    for link in (
        ChainLink.objects.filter(point__in=existing.values()).select_related("person").order_by("sort", "pk")
    ):
        chains.setdefault(link.point_id, []).append((link.role, link.person.name, link.person.phone))
    creates, updates, relink, entries = [], [], [], []
    for code, name, kind, district, town_name, village, chain in parsed:
        town = towns.get((district.pk, town_name))
        values = {
            "name": name,
            "kind": kind,
            "district_id": district.pk,
            "town_id": town.pk if town else None,
            "town_name": town_name,
            "village": village,
        }
        point = existing.get(code)
        if point is None:
            point = Point(code=code, **values)
            creates.append((point, chain))
            continue
        before = {k: getattr(point, k) for k in values}
        if before != values:
            for k, v in values.items():
                setattr(point, k, v)
            updates.append(point)
            entries.append((point, {k: [before[k], v] for k, v in values.items() if before[k] != v}))
        if [tuple(c) for c in chains.get(point.pk, [])] != [tuple(c) for c in chain]:
            relink.append((point, chain))
            if point not in updates:
                updates.append(point)
                entries.append(
                    (point, {"chain": [None, "；".join(f"{ChainRole(c[0]).label}{c[1]}" for c in chain)]})
                )
    ctx.result.created, ctx.result.updated = len(creates), len(updates)
    ctx.result.unchanged = len(parsed) - len(creates) - len(updates)
    if not ctx.writes:
        return
    people = {(p.name, p.phone): p for p in Person.objects.all()}
    new_people = []
    for _point, chain in creates + relink:
        for _role, person, phone in chain:
            if (person, phone) not in people:
                people[(person, phone)] = Person(name=person, phone=phone)
                new_people.append(people[(person, phone)])
    create_objects(Person, new_people)
    create_objects(Point, [p for p, _c in creates])
    update_rows(Point, updates, ["name", "kind", "district", "town", "town_name", "village"])
    if relink:
        ChainLink.objects.filter(point__in=[p for p, _c in relink]).delete()
    links = [
        ChainLink(point=point, person=people[(person, phone)], role=role, sort=i)
        for point, chain in creates + relink
        for i, (role, person, phone) in enumerate(chain)
    ]
    create_objects(ChainLink, links)
    for point, chain in creates:
        entries.append(
            (
                point,
                {
                    "created": [None, point.name],
                    "chain": [None, "；".join(f"{ChainRole(c[0]).label}{c[1]}" for c in chain)],
                },
            )
        )
    record_many([audit_entry(ctx.actor, "emergency.point_import", p, ch, ctx.reason) for p, ch in entries])


def register() -> None:
    register_importer(
        Importer(
            "emergency_points",
            "防汛责任点位",
            COLUMNS,
            import_points,
            "按点位编号新增或更新防汛责任点位及其包保责任链（第一责任人必填）；同一文件重复导入不会产生任何变化。",
            model="emergency.point",
        )
    )

"""The division tree importer: 区划代码, 名称, 上级区划代码, 层级, 别名 (province → city → district → town →
village, core.divisions).

Refused whole, row and column named: a code of the wrong shape, a code that does not start with its
parent's (370503 under 370400), a code twice in the file, a parent that is neither in the file nor in
the system, a level that contradicts the code, a name twice in one city (towns and villages: under
one parent), a row for a city the importing user does not belong to, a unit the file would move to
another parent. Idempotent by code: a unit already there with the same name and parent is unchanged;
a new name or alias is an update; a unit entered earlier without a code (same name, kind and parent)
gets its code. The one move allowed is a city standing alone put under its province: the city's
whole subtree follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from liangping.core import divisions
from liangping.core.models import DIVISION_KINDS, Org, OrgKind, Role
from liangping.core.orgs import normalize_name
from liangping.sheets.bulk import audit_entry, create_objects, record_many, update_rows
from liangping.sheets.errors import Issue
from liangping.sheets.registry import Importer, register_importer
from liangping.sheets.rows import Row
from liangping.sheets.runner import ImportContext
from liangping.sheets.table import ColumnSpec

COLUMNS = (
    ColumnSpec(
        "code",
        "区划代码",
        ("行政区划代码", "统计用区划代码", "区划编码", "代码", "编码"),
        required=True,
        key=True,
    ),
    ColumnSpec("name", "名称", ("区划名称", "单位名称", "地区名称", "地区", "行政区划"), required=True),
    ColumnSpec("parent", "上级区划代码", ("上级代码", "上级编码", "上级区划编码", "所属上级代码")),
    ColumnSpec("level", "层级", ("级别", "区划层级", "区划类型")),
    ColumnSpec("aliases", "别名", ("简称", "别称")),
)
# what people write in the 层级 column → level
LEVEL_WORDS = {
    **{w: divisions.PROVINCE for w in ("省", "省级")},
    **{w: divisions.CITY for w in ("市", "市级", "设区市", "地级市")},
    **{
        w: divisions.DISTRICT
        for w in ("区", "县", "区县", "县区", "县级", "区(市)", "县(市、区)", "县级市", "开发区", "功能区")
    },
    **{w: divisions.TOWN for w in ("镇", "乡", "街道", "镇街", "乡镇", "乡镇街道", "镇(街道)")},
    **{w: divisions.VILLAGE for w in ("村", "社区", "村居", "村(社区)", "村社区", "居委会", "村委会")},
}
KIND_OF_LEVEL = {
    divisions.PROVINCE: OrgKind.PROVINCE,
    divisions.CITY: OrgKind.CITY,
    divisions.DISTRICT: OrgKind.DISTRICT,
    divisions.TOWN: OrgKind.TOWN,
    divisions.VILLAGE: OrgKind.VILLAGE,
}
IMPORTERS = frozenset({Role.SYSADMIN, Role.SUPERVISOR})
CODE_HINT = "区划代码应为6位（省、市、区县）、9位（镇街）或12位（村、社区）数字"


@dataclass
class Unit:
    """A row of the file, checked: what it says and where it goes."""

    row: Row
    code: str
    name: str
    level: str
    aliases: str
    parent_code: str | None
    written_parent: bool
    existing: Org | None = None
    parent: Unit | Org | None = None
    org: Org | None = None
    moves: bool = False  # a city standing alone, put under its province

    @property
    def kind(self) -> str:
        return KIND_OF_LEVEL[self.level]

    @property
    def city_code(self) -> str | None:
        """The code of the city the unit lies in (None for the province)."""
        return None if self.level == divisions.PROVINCE else self.code[:4] + "00"

    def changes(self) -> dict[str, list[Any]]:
        old = self.existing
        if old is None:
            return {}
        out: dict[str, list[Any]] = {}
        for name, before, after in (
            ("code", old.code, self.code),
            ("name", old.name, self.name),
            ("aliases", old.aliases, self.aliases if self.aliases else old.aliases),
        ):
            if before != after:
                out[name] = [before, after]
        if self.moves:
            out["parent"] = [None, _name(self.parent)]
        return out


def _name(node: Unit | Org | None) -> str | None:
    return None if node is None else node.name


def import_orgs(ctx: ImportContext) -> None:
    actor = ctx.actor
    if actor is not None and actor.role not in IMPORTERS:
        ctx.result.errors.append(Issue(None, "", "只有系统管理员或督查人员可以导入行政区划"))
        return
    own_city = actor.org.tenant if actor is not None and actor.org is not None else None
    known = {o.code: o for o in Org.objects.filter(kind__in=DIVISION_KINDS).exclude(code="")}
    units = _read(ctx, own_city)
    by_code = {u.code: u for u in units}
    uncoded = {
        (o.parent_id, o.kind, normalize_name(o.name)): o
        for o in Org.objects.filter(kind__in=DIVISION_KINDS, code="")
    }
    for unit in units:
        unit.existing = known.get(unit.code)
    for unit in sorted(units, key=lambda u: divisions.LEVELS.index(u.level)):  # parents first
        _place(ctx, unit, by_code, known, uncoded)
    _check_names(ctx, units)
    changed = [u for u in units if u.existing is not None and u.changes()]
    ctx.result.created = sum(1 for u in units if u.existing is None)
    ctx.result.updated = len(changed)
    ctx.result.unchanged = len(units) - ctx.result.created - ctx.result.updated
    ctx.progress(len(units), len(units))
    if ctx.writes:
        _write(ctx, units, changed)


def _read(ctx: ImportContext, own_city: Org | None) -> list[Unit]:
    r = ctx.reader
    seen: dict[str, int] = {}
    units: list[Unit] = []
    for row in ctx.table.rows:
        code = normalize_name(r.key(row, "code", max_length=12))
        name = normalize_name(r.text(row, "name", required=True, max_length=100))
        level = divisions.level_of_code(code) if code else None
        if code and level is None:
            r.error(row, "code", f"区划代码“{code}”格式不对：{CODE_HINT}")
        written = normalize_name(r.text(row, "level"))
        if written and level is not None:
            said = LEVEL_WORDS.get(written)
            if said is None:
                words = "省、市、区县（开发区）、镇街、村（社区）"
                r.error(row, "level", f"无法识别层级“{written}”，请填写：{words}")
            elif said != level:
                r.error(
                    row,
                    "level",
                    f"层级“{written}”与区划代码 {code} 不符：该代码是{divisions.LEVEL_LABELS[level]}级代码",
                )
        parent_code = normalize_name(r.text(row, "parent"))
        if parent_code and divisions.level_of_code(parent_code) is None:
            r.error(row, "parent", f"上级区划代码“{parent_code}”格式不对：{CODE_HINT}")
            parent_code = ""
        if not code or not name or level is None:
            continue
        if code in seen:
            r.error(row, "code", f"区划代码 {code} 与第{seen[code]}行重复，一个代码只能出现一次")
            continue
        seen[code] = row[0]
        unit = Unit(
            row=row,
            code=code,
            name=name,
            level=level,
            aliases=r.text(row, "aliases", max_length=255),
            parent_code=parent_code or divisions.expected_parent_code(code),
            written_parent=bool(parent_code),
        )
        if own_city is not None and unit.city_code != own_city.code:
            r.error(
                row,
                "code",
                f"{name}（{code}）不属于{own_city.name}：你只能导入本市的区划",
            )
            continue
        units.append(unit)
    return units


def _place(
    ctx: ImportContext,
    unit: Unit,
    by_code: dict[str, Unit],
    known: dict[str, Org],
    uncoded: dict[tuple[int | None, str, str], Org],
) -> None:
    """Find the unit's parent (in the file or the system), check the code against it, and find the
    unit itself if the system has it already."""
    r, row = ctx.reader, unit.row
    field = "parent" if unit.written_parent else "code"
    parent: Unit | Org | None = None
    if unit.parent_code:
        parent = by_code.get(unit.parent_code) or known.get(unit.parent_code)
        if parent is None and (unit.written_parent or unit.level != divisions.CITY):
            r.error(
                row,
                field,
                f"上级区划 {unit.parent_code} 不在系统中，也不在本文件中：请先导入上级，或在同一文件中列出",
            )
            return
    unit.parent = parent
    parent_level = _level(parent)
    wanted = divisions.PARENT_LEVEL.get(unit.level)
    if parent is not None and parent_level != wanted:
        shown = divisions.LEVEL_LABELS.get(parent_level or "", "非区划单位")
        r.error(
            row,
            field,
            f"{unit.name}是{divisions.LEVEL_LABELS[unit.level]}级，上级应为"
            f"{divisions.LEVEL_LABELS[wanted or '']}级，而 {parent.code} {parent.name} 是{shown}级",
        )
        return
    problem = divisions.code_problem(
        unit.code, unit.level, parent.code if parent is not None else None, _name(parent) or ""
    )
    if problem:
        r.error(row, "code", problem)
        return
    parent_org = parent if isinstance(parent, Org) else (parent.existing if parent is not None else None)
    existing = known.get(unit.code)
    name = normalize_name(unit.name)
    if existing is None and (parent is None or parent_org is not None):
        existing = uncoded.get((parent_org.pk if parent_org is not None else None, unit.kind, name))
    if existing is None and unit.level == divisions.CITY:  # a city standing alone, now under its province
        existing = uncoded.get((None, unit.kind, name))
    unit.existing = existing
    if existing is None:
        return
    if existing.kind != unit.kind:
        r.error(row, "code", f"区划代码 {unit.code} 已属于{existing.get_kind_display()}“{existing.name}”")
        return
    now = existing.parent_id
    if now == (parent_org.pk if parent_org is not None else None) and (
        parent is None or parent_org is not None
    ):
        return
    if unit.level == divisions.CITY and now is None and parent is not None:
        unit.moves = True
        return
    r.error(
        row,
        field,
        f"{existing.name}（{unit.code}）已在系统中，导入不能改变它的上级；如需调整请联系系统管理员",
    )


def _level(node: Unit | Org | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, Unit):
        return node.level
    return node.kind if node.kind in DIVISION_KINDS else None


def _check_names(ctx: ImportContext, units: list[Unit]) -> None:
    """The same name twice for one kind in one city (towns and villages: under one parent)."""
    r = ctx.reader
    cities = {u.city_code for u in units if u.city_code}
    taken: dict[tuple[Any, str, str], Org] = {}
    for o in Org.objects.filter(tenant__code__in=cities, kind__in=DIVISION_KINDS).select_related("tenant"):
        held_in = o.parent_id if o.kind in (OrgKind.TOWN, OrgKind.VILLAGE) else o.tenant.code  # type: ignore[union-attr]
        taken[(held_in, o.kind, normalize_name(o.name))] = o
    firsts: dict[tuple[Any, str, str], Unit] = {}
    for unit in units:
        if unit.level == divisions.PROVINCE:
            continue
        if unit.level in (divisions.TOWN, divisions.VILLAGE):
            scope: Any = unit.parent_code
        else:
            scope = unit.city_code
        key = (scope, unit.kind, normalize_name(unit.name))
        earlier = firsts.get(key)
        if earlier is not None:
            r.error(unit.row, "name", f"“{unit.name}”与第{earlier.row[0]}行重名（同一上级下不能重名）")
            continue
        firsts[key] = unit
        held = taken.get(_db_key(key, unit))
        if (
            held is not None
            and held.code != unit.code
            and (unit.existing is None or unit.existing.pk != held.pk)
        ):
            r.error(
                unit.row,
                "name",
                f"系统中已有同名的{divisions.LEVEL_LABELS[unit.level]}“{unit.name}”"
                f"（{held.code or '无代码'}），请核对名称或代码",
            )


def _db_key(key: tuple[Any, str, str], unit: Unit) -> tuple[Any, str, str]:
    """Towns and villages are keyed by their parent's id in the system (a new parent has none)."""
    if unit.level not in (divisions.TOWN, divisions.VILLAGE):
        return key
    parent = unit.parent
    org = parent if isinstance(parent, Org) else (parent.existing if parent is not None else None)
    return (org.pk if org is not None else None, key[1], key[2])


def _write(ctx: ImportContext, units: list[Unit], changed: list[Unit]) -> None:
    actor, reason = ctx.actor, ctx.reason
    entries = []
    for unit in units:
        unit.org = unit.existing
    for level in divisions.LEVELS:
        new = [u for u in units if u.existing is None and u.level == level]
        if not new:
            continue
        for u in new:
            # siblings in code order: the digits a unit adds to its parent's
            sort = int(u.code[len(divisions.own_prefix(u.parent_code or "")) :] or 0)
            u.org = Org.under(
                _org(u.parent), name=u.name, kind=u.kind, code=u.code, aliases=u.aliases, sort=sort
            )
        orgs = [u.org for u in new if u.org is not None]
        create_objects(Org, orgs)
        for org in orgs:
            org.path = f"{org.parent.path if org.parent else '/'}{org.pk}/"
            if org.kind == OrgKind.CITY:
                org.tenant_id = org.pk
        update_rows(Org, orgs, ["path", "tenant"])
        entries += [
            audit_entry(actor, "org.create", o, {"code": [None, o.code], "name": [None, o.name]}, reason)
            for o in orgs
        ]
    for unit in changed:
        target = unit.existing
        assert target is not None
        changes = unit.changes()
        target.code, target.name = unit.code, unit.name
        target.aliases = unit.aliases or target.aliases
        update_rows(Org, [target], ["code", "name", "aliases"])
        if unit.moves:
            move_city(target, _org(unit.parent))
        entries.append(audit_entry(actor, "org.update", target, changes, reason))
    record_many(entries)


def _org(node: Unit | Org | None) -> Org | None:
    if node is None or isinstance(node, Org):
        return node
    return node.org


def move_city(city: Org, province: Org | None) -> None:
    """Put a city standing alone under its province: every path in the city's subtree gains the prefix."""
    if province is None:
        return
    old = city.path
    city.parent = province
    subtree = list(Org.objects.filter(path__startswith=old))
    for org in subtree:
        org.path = province.path + org.path[1:]
        if org.pk == city.pk:
            org.parent_id = province.pk
    update_rows(Org, subtree, ["path", "parent"])
    city.path = province.path + old[1:]


def register() -> None:
    register_importer(
        Importer(
            "orgs",
            "行政区划",
            COLUMNS,
            import_orgs,
            "按区划代码新增或更新省、市、区（市）、镇街、村（社区）；代码须以上级代码开头，同一文件重复导入不会产生任何变化。",
            model="core.org",
        )
    )

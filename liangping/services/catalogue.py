"""The matter catalogue (事项目录) in and out as .xlsx, and counts as of a date.

One row per matter (key: 事项编码). An import is the catalogue as of its 生效日期 (a column, else the
day of the import): a new code is listed from that day; a changed matter closes its current version
on that day and opens a new one; 事项状态 取消 withdraws it from that day; an unchanged row changes
nothing (re-importing a file is idempotent). Rows are checked first and written in bulk (executemany
INSERT/UPDATE, one audit entry per written matter), all or nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import Q
from django.utils import timezone

from liangping.core.audit import plain
from liangping.core.models import OrgKind, User
from liangping.core.orgs import OrgIndex
from liangping.core.scope import city_scope
from liangping.services.models import Level, Matter, MatterType, MatterVersion
from liangping.sheets.bulk import audit_entry, insert_rows, record_many, update_rows
from liangping.sheets.registry import Progress
from liangping.sheets.rows import Row
from liangping.sheets.runner import ImportContext
from liangping.sheets.table import ColumnSpec
from liangping.sheets.values import as_text, is_blank, nfkc
from liangping.sheets.writing import OutColumn, write_rows

COLUMNS = (
    ColumnSpec("code", "事项编码", ("事项代码", "编码", "实施编码", "基本编码"), required=True, key=True),
    ColumnSpec("name", "事项名称", ("名称", "服务事项", "政务服务事项"), required=True, key=True),
    ColumnSpec("department", "实施部门", ("部门", "主管部门", "实施主体", "责任部门")),
    ColumnSpec("type", "事项类型", ("类型", "事项类别"), required=True),
    ColumnSpec("legal_days", "法定时限（工作日）", ("法定时限", "法定办结时限")),
    ColumnSpec("promised_days", "承诺时限（工作日）", ("承诺时限", "承诺办结时限")),
    ColumnSpec("materials", "申请材料", ("材料", "所需材料", "申报材料")),
    ColumnSpec("levels", "办理层级", ("层级", "可办层级", "行使层级")),
    ColumnSpec("status", "事项状态", ("状态",)),
    ColumnSpec("valid_from", "生效日期", ("实施日期", "列入日期")),
    ColumnSpec("sample", "示例数据", ("示例",)),
)
EXPORT_COLUMNS = [
    OutColumn("事项编码", 22),
    OutColumn("事项名称", 40),
    OutColumn("实施部门", 18),
    OutColumn("事项类型", 14),
    OutColumn("法定时限（工作日）", 12, "int"),
    OutColumn("承诺时限（工作日）", 12, "int"),
    OutColumn("申请材料", 40),
    OutColumn("办理层级", 24),
    OutColumn("事项状态", 10),
    OutColumn("生效日期", 12),
    OutColumn("示例数据", 8),
]
TYPES = {nfkc(label): value for value, label in MatterType.choices} | {
    "许可": MatterType.LICENCE,
    "确认": MatterType.CONFIRMATION,
    "给付": MatterType.PAYMENT,
    "裁决": MatterType.RULING,
    "奖励": MatterType.REWARD,
    "其他权力": MatterType.OTHER_POWER,
    "公共服务事项": MatterType.PUBLIC,
}
LEVELS = {
    "市": Level.CITY,
    "市级": Level.CITY,
    "区": Level.DISTRICT,
    "区(市)": Level.DISTRICT,
    "区(市)级": Level.DISTRICT,
    "区级": Level.DISTRICT,
    "县级": Level.DISTRICT,
    "镇": Level.TOWN,
    "镇(街道)": Level.TOWN,
    "镇(街道)级": Level.TOWN,
    "镇街": Level.TOWN,
    "镇级": Level.TOWN,
    "村": Level.VILLAGE,
    "村(社区)": Level.VILLAGE,
    "村(社区)级": Level.VILLAGE,
    "村级": Level.VILLAGE,
}
SPLIT = re.compile(r"[、,，;；/\s]+")
WITHDRAWN = {"取消", "已取消", "停用", "废止"}
IN_USE = {"", "在用", "有效", "正常", "启用"}
FIELDS = ["name", "department_id", "type", "legal_days", "promised_days", "materials", "levels", "sample"]
_DATE = re.compile(r"^(\d{4})(?:年|[-/.])(\d{1,2})(?:月|[-/.])(\d{1,2})日?$")


@dataclass
class MatterRow:
    line: int
    code: str
    values: dict[str, Any]
    valid_from: dt.date
    withdrawn: bool


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = _DATE.match(nfkc(as_text(value)))
    if m is None:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _days(ctx: ImportContext, row: Row, field: str) -> int | None:
    raw = ctx.reader.raw(row, field)
    if is_blank(raw):
        return None
    text = (
        nfkc(as_text(raw))
        .removesuffix("个工作日")
        .removesuffix("工作日")
        .removesuffix("天")
        .removesuffix("日")
    )
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit() or int(text) > 3650:
        ctx.reader.error(row, field, f"“{as_text(raw)}”不是工作日天数，请填写非负整数，如 20")
        return None
    return int(text)


def _levels(ctx: ImportContext, row: Row) -> str:
    text = ctx.reader.text(row, "levels", max_length=60)
    out: list[str] = []
    for part in SPLIT.split(nfkc(text)):
        if not part:
            continue
        level = LEVELS.get(part)
        if level is None:
            ctx.reader.error(
                row, "levels", f"办理层级“{part}”不认识，请填写市、区（市）、镇（街道）、村（社区）"
            )
            continue
        if level not in out:
            out.append(level)
    order = [lv.value for lv in Level]
    return ",".join(sorted(out, key=order.index))


def read_rows(ctx: ImportContext, departments: OrgIndex, today: dt.date) -> list[MatterRow]:
    r = ctx.reader
    seen: dict[str, int] = {}
    out: list[MatterRow] = []
    rows = ctx.table.rows
    for i, row in enumerate(rows, start=1):
        before = len(ctx.result.errors)
        code = r.key(row, "code", max_length=60)
        if code:
            code = nfkc(code)
            if code in seen:
                r.error(row, "code", f"事项编码“{code}”与第{seen[code]}行重复：一个事项只写一行")
            else:
                seen[code] = row[0]
        name = r.key(row, "name", max_length=200)
        department = None
        written = r.text(row, "department", max_length=100)
        if written:
            department = departments.find(written)
            if department is None:
                r.error(row, "department", f"未知的实施部门“{written}”：请填写组织机构中的部门名称")
        type_text = nfkc(r.text(row, "type", required=True, max_length=20))
        mtype = TYPES.get(type_text) if type_text else None
        if type_text and mtype is None:
            r.error(row, "type", f"事项类型“{type_text}”不认识，可选：{'、'.join(MatterType.labels)}")
        legal = _days(ctx, row, "legal_days")
        promised = _days(ctx, row, "promised_days")
        if legal is not None and promised is not None and promised > legal:
            r.error(row, "promised_days", f"承诺时限 {promised} 个工作日长于法定时限 {legal} 个工作日")
        materials = "\n".join(
            p.strip() for p in re.split(r"[;；\n]+", r.text(row, "materials", max_length=4000)) if p.strip()
        )
        levels = _levels(ctx, row)
        status = nfkc(r.text(row, "status", max_length=10))
        if status not in WITHDRAWN and status not in IN_USE:
            r.error(row, "status", f"事项状态“{status}”不认识，请填写“在用”或“取消”")
        valid_from = today
        raw = r.raw(row, "valid_from")
        if not is_blank(raw):
            parsed = parse_date(raw)
            if parsed is None:
                r.error(row, "valid_from", f"无法识别日期“{as_text(raw)}”，请写成 2026-12-07")
            else:
                valid_from = parsed
        sample = nfkc(r.text(row, "sample", max_length=10)) in ("是", "示例", "1", "y")
        if i % 1000 == 0:
            ctx.progress(i, len(rows))
        if len(ctx.result.errors) > before or not code or not name or mtype is None:
            continue
        out.append(
            MatterRow(
                row[0],
                code,
                {
                    "name": name.strip(),
                    "department_id": department.pk if department is not None else None,
                    "type": mtype,
                    "legal_days": legal,
                    "promised_days": promised,
                    "materials": materials,
                    "levels": levels,
                    "sample": sample,
                },
                valid_from,
                status in WITHDRAWN,
            )
        )
    ctx.progress(len(rows), len(rows))
    return out


def _version(matter: Matter, valid_from: dt.date, source: str) -> MatterVersion:
    return MatterVersion(
        matter_id=matter.pk,
        valid_from=valid_from,
        valid_to=None,
        name=matter.name,
        department_id_at=matter.department_id,
        type=matter.type,
        legal_days=matter.legal_days,
        promised_days=matter.promised_days,
        materials=matter.materials,
        levels=matter.levels,
        source=source[:200],
    )


def _created(m: Matter) -> dict[str, list[Any]]:
    """The audit changes of a new matter: every field from nothing (plain values, built directly)."""
    return {
        "code": [None, m.code],
        "name": [None, m.name],
        "department": [None, m.department_id],
        "type": [None, m.type],
        "legal_days": [None, m.legal_days],
        "promised_days": [None, m.promised_days],
        "materials": [None, m.materials],
        "levels": [None, m.levels],
    }


def import_catalogue(ctx: ImportContext) -> None:
    tenant = city_scope(ctx.actor) if ctx.actor is not None else None
    departments = OrgIndex([OrgKind.DEPARTMENT], tenant)
    rows = read_rows(ctx, departments, timezone.localdate())
    if ctx.result.errors:
        return
    existing = {m.code: m for m in Matter.objects.filter(tenant_id=tenant)}
    creates: list[Matter] = []
    changed: list[tuple[Matter, MatterRow, dict[str, list[Any]]]] = []
    withdrawn: list[tuple[Matter, MatterRow]] = []
    for row in rows:
        matter = existing.get(row.code)
        if matter is None:
            if row.withdrawn:
                ctx.reader.error((row.line, []), "status", f"事项编码“{row.code}”不在目录中，无需取消")
                continue
            creates.append(Matter(tenant_id=tenant, code=row.code, listed_on=row.valid_from, **row.values))
            continue
        if row.withdrawn:
            if matter.withdrawn_on is None:
                withdrawn.append((matter, row))
            continue
        diff = {
            k.removesuffix("_id"): [plain(getattr(matter, k)), plain(v)]
            for k, v in row.values.items()
            if getattr(matter, k) != v and k != "sample"
        }
        if diff or matter.withdrawn_on is not None:
            changed.append((matter, row, diff))
    if ctx.result.errors:
        return
    ctx.result.created = len(creates)
    ctx.result.updated = len(changed) + len(withdrawn)
    ctx.result.unchanged = len(rows) - len(creates) - len(changed) - len(withdrawn)
    if not ctx.writes:
        return
    source = ctx.reason
    entries = []
    if creates:
        insert_rows(Matter, creates)
        ids = dict(
            Matter.objects.filter(tenant_id=tenant, code__in=[m.code for m in creates]).values_list(
                "code", "pk"
            )
        )
        for m in creates:
            m.pk = ids[m.code]
        insert_rows(MatterVersion, [_version(m, m.listed_on, source) for m in creates])
        entries += [
            audit_entry(
                ctx.actor,
                "services.matter.create",
                m,
                _created(m),
                source,
            )
            for m in creates
        ]
    touched = [m for m, _r, _d in changed] + [m for m, _r in withdrawn]
    if touched:
        current = {
            v.matter_id: v for v in MatterVersion.objects.filter(matter__in=touched, valid_to__isnull=True)
        }
        closing = []
        for m, row in [(m, r) for m, r, _d in changed] + withdrawn:
            version = current.get(m.pk)
            if version is not None:
                # a version that would close before it opened (a back-dated row) closes the day it opened
                version.valid_to = max(row.valid_from, version.valid_from)
                closing.append(version)
        update_rows(MatterVersion, closing, ["valid_to"])
        for m, row, diff in changed:
            for k, v in row.values.items():
                setattr(m, k, v)
            if m.withdrawn_on is not None:
                diff["withdrawn_on"] = [plain(m.withdrawn_on), None]
                m.withdrawn_on = None
            m.version += 1
            entries.append(audit_entry(ctx.actor, "services.matter.update", m, diff, source))
        for m, row in withdrawn:
            m.withdrawn_on = max(row.valid_from, m.listed_on)
            m.version += 1
            entries.append(
                audit_entry(
                    ctx.actor,
                    "services.matter.withdraw",
                    m,
                    {"withdrawn_on": [None, plain(m.withdrawn_on)]},
                    source,
                )
            )
        update_rows(Matter, touched, [*FIELDS, "withdrawn_on", "version"])
        insert_rows(MatterVersion, [_version(m, r.valid_from, source) for m, r, _d in changed])
    record_many(entries)


# -- counts as of a date ---------------------------------------------------------------------------


def listed_q(day: dt.date) -> Q:
    """Matters in the catalogue on `day` (listed by then, not yet withdrawn)."""
    return Q(listed_on__lte=day) & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))


def count_as_of(day: dt.date, tenant: int | None = None, **filters: Any) -> int:
    qs = Matter.objects.filter(listed_q(day), **filters)
    if tenant is not None:
        qs = qs.filter(tenant_id=tenant)
    return qs.count()


def version_as_of(matter: Matter, day: dt.date) -> MatterVersion | None:
    """What the matter said on `day`."""
    return (
        matter.versions.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .order_by("-valid_from", "-id")
        .first()
    )


# -- export ------------------------------------------------------------------------------------------


def export_rows(tenant: int | None) -> Iterator[list[Any]]:
    qs = Matter.objects.select_related("department").order_by("code")
    if tenant is not None:
        qs = qs.filter(tenant_id=tenant)
    types = dict(MatterType.choices)
    for m in qs.iterator(chunk_size=2000):
        yield [
            m.code,
            m.name,
            m.department.name if m.department else "",
            types.get(m.type, m.type),
            m.legal_days,
            m.promised_days,
            "；".join(m.materials_list()),
            m.level_labels(),
            "取消" if m.withdrawn_on else "在用",
            (m.withdrawn_on or m.listed_on).isoformat(),
            "是" if m.sample else "",
        ]


def export_catalogue(
    user: User | None, filters: Mapping[str, str], out: IO[bytes], progress: Progress | None
) -> int:
    tenant = city_scope(user) if user is not None else None
    total = Matter.objects.filter(tenant_id=tenant).count() if tenant else Matter.objects.count()
    notes = [
        (
            "说明",
            "每行一个事项；修改后可在“导入台账”页面导入，按事项编码新增或更新，事项状态填“取消”即从生效日期起取消",
        ),
        ("示例数据", "示例数据列为“是”的事项为示例，仅供演示"),
    ]
    return write_rows(
        out,
        "政务服务事项目录",
        EXPORT_COLUMNS,
        export_rows(tenant),
        total=total,
        progress=progress,
        notes=notes,
    )

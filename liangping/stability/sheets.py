"""Stability items from a spreadsheet through the sheets framework: the same header finding,
synonyms, row/column errors and all-or-nothing rule as the project ledger. Each row is checked by the
kind's own field rules (cases.fields) before anything is written; a row repeating an item already in
the ledger (same title in the same town) is left unchanged, so a second import changes nothing.

The export is the generic case export (casesheets: /sheets/export/cases.xlsx?kind=stability)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from liangping.cases import engine
from liangping.cases.fields import FieldProblem, clean_data
from liangping.cases.models import Case, CaseCategory
from liangping.core.models import OrgKind
from liangping.core.orgs import OrgIndex
from liangping.core.scope import city_scope
from liangping.sheets.registry import Importer, register_importer
from liangping.sheets.rows import Row
from liangping.sheets.runner import ImportContext
from liangping.sheets.table import ColumnSpec
from liangping.sheets.values import as_text, is_blank

KIND = "stability"
COLUMNS = (
    ColumnSpec(
        "title", "风险事项", ("事项名称", "事项", "标题", "风险隐患", "矛盾纠纷"), required=True, key=True
    ),
    ColumnSpec("category", "类型", ("风险类型", "分类", "事项类型", "矛盾类型")),
    ColumnSpec("urgency", "风险等级", ("等级", "风险级别", "级别"), required=True),
    ColumnSpec("town", "所在镇街", ("镇街", "镇（街道）", "镇街道", "乡镇街道", "属地"), required=True),
    ColumnSpec("village", "村（社区）", ("村居", "村", "社区")),
    ColumnSpec("grid", "网格", ("所在网格", "网格名称")),
    ColumnSpec("resp_unit", "责任单位", ("责任部门", "牵头单位", "主责单位"), required=True),
    ColumnSpec("parties_count", "涉及人数", ("人数", "涉及群众人数", "当事人数")),
    ColumnSpec("representatives", "代表人", ("代表人员", "主要当事人", "当事人")),
    ColumnSpec("rep_phone", "代表人电话", ("联系电话", "电话", "联系方式")),
    ColumnSpec("rep_idcard", "代表人身份证号", ("身份证号", "身份证号码", "证件号码")),
    ColumnSpec("leader", "包案领导", ("包案", "包保领导")),
    ColumnSpec("measures", "化解措施", ("措施", "稳控措施")),
    ColumnSpec("target_date", "化解时限", ("化解期限", "完成时限", "目标日期")),
    ColumnSpec("description", "基本情况", ("情况描述", "具体情况", "描述", "问题描述")),
)
LEVEL_WORDS = {
    "高": "high", "高风险": "high", "红": "high", "红色": "high",
    "中": "medium", "中风险": "medium", "黄": "medium", "黄色": "medium",
    "低": "low", "低风险": "low", "蓝": "low", "蓝色": "low",
}  # fmt: skip
# The kind's field codes the sheet's columns fill (the rest are the case's own: title, category …).
FIELDS = ("town", "village", "grid", "resp_unit", "parties_count", "representatives", "rep_phone",
          "rep_idcard", "leader", "measures", "target_date")  # fmt: skip


def _date(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = as_text(value).strip().replace("年", "-").replace("月", "-").replace("日", "")
    text = text.replace("/", "-").replace(".", "-").strip("-")
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        try:
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
        except ValueError:
            return None
    return None


def import_items(ctx: ImportContext) -> None:
    r = ctx.reader
    spec = engine.kind_row(KIND).load()
    tenant = city_scope(ctx.actor) if ctx.actor is not None else None
    towns = OrgIndex([OrgKind.TOWN], tenant)
    units = OrgIndex([OrgKind.TOWN, OrgKind.DEPARTMENT, OrgKind.DISTRICT], tenant)
    categories = {c.name: c.code for c in CaseCategory.objects.filter(kind__code=KIND, active=True)}
    parsed: list[dict[str, Any]] = []
    seen: dict[tuple[str, int], int] = {}
    rows = ctx.table.rows
    for i, row in enumerate(rows, start=1):
        item = _row(ctx, row, spec, towns, units, categories, seen)
        if item is not None:
            parsed.append(item)
        if i % 500 == 0:
            ctx.progress(i, len(rows))
    ctx.progress(len(rows), len(rows))
    if ctx.result.errors:
        return
    existing = Case.objects.of_kind(KIND).filter(title__in=[p["title"] for p in parsed])
    have = {(title, data.get("town")) for title, data in existing.values_list("title", "data")}
    fresh = [p for p in parsed if (p["title"], p["data"]["town"]) not in have]
    ctx.result.unchanged = len(parsed) - len(fresh)
    if not ctx.writes:
        ctx.result.created = len(fresh)
        return
    with transaction.atomic():
        for p in fresh:
            try:
                engine.register(
                    KIND,
                    actor=ctx.actor,
                    title=p["title"],
                    description=p["description"],
                    category=p["category"],
                    urgency=p["urgency"],
                    channel="sheet",
                    data=p["data"],
                    place_org=p["place"],
                    source="sheet",
                    source_ref=ctx.filename[:60],
                )
            except engine.CaseError as exc:  # changed since the check: nothing of the file stays
                r.error(p["row"], p["field"] if isinstance(exc, engine.CaseFieldError) else "title", str(exc))
                transaction.set_rollback(True)
                return
            ctx.result.created += 1


def _row(
    ctx: ImportContext,
    row: Row,
    spec: Any,
    towns: OrgIndex,
    units: OrgIndex,
    categories: dict[str, str],
    seen: dict[tuple[str, int], int],
) -> dict[str, Any] | None:
    r = ctx.reader
    before = len(ctx.result.errors)
    title = r.key(row, "title", max_length=200)
    category = None
    written = r.text(row, "category", max_length=40)
    if written:
        category = categories.get(written.strip())
        if category is None:
            r.error(row, "category", f"类型“{written}”不存在，可选：{'、'.join(categories)}")
    elif categories:
        category = categories.get("其他")
    level_text = r.text(row, "urgency", required=True, max_length=10).strip()
    urgency = LEVEL_WORDS.get(level_text, "")
    if level_text and not urgency:
        r.error(row, "urgency", f"风险等级“{level_text}”无法识别，请填写高、中或低")
    data: dict[str, Any] = {}
    town = None
    town_text = r.text(row, "town", required=True, max_length=40)
    if town_text:
        town, candidates = towns.resolve(town_text)
        if town is None:
            hint = "、".join(o.name for o in candidates) if candidates else "请填写本市的镇（街道）名称"
            r.error(row, "town", f"未知的镇街“{town_text}”：{hint}")
        else:
            data["town"] = town.pk
    unit_text = r.text(row, "resp_unit", required=True, max_length=60)
    if unit_text:
        unit, candidates = units.resolve(unit_text)
        if unit is None:
            hint = "、".join(o.name for o in candidates) if candidates else "请填写本市的镇街或部门名称"
            r.error(row, "resp_unit", f"未知的责任单位“{unit_text}”：{hint}")
        else:
            data["resp_unit"] = unit.pk
    for code in ("village", "grid", "representatives", "rep_phone", "rep_idcard", "leader", "measures"):
        value = r.text(row, code, max_length=2000)
        if value:
            data[code] = value
    raw = r.raw(row, "parties_count")
    if not is_blank(raw):
        data["parties_count"] = as_text(raw).removesuffix("人")
    raw = r.raw(row, "target_date")
    if not is_blank(raw):
        day = _date(raw)
        if day is None:
            r.error(row, "target_date", f"化解时限“{as_text(raw)}”不是日期，请写成如 2026-12-31")
        else:
            data["target_date"] = day
    description = r.text(row, "description", max_length=5000)
    if len(ctx.result.errors) > before:
        return None
    try:
        cleaned = clean_data(spec, data)
    except FieldProblem as exc:
        r.error(row, exc.field if r.has(exc.field) else "title", str(exc))
        return None
    if title and town is not None:
        key = (title, town.pk)
        if key in seen:
            r.error(row, "title", f"与第{seen[key]}行重复：同一镇街的同一事项只写一行")
            return None
        seen[key] = row[0]
    return {
        "row": row,
        "field": "title",
        "title": title,
        "category": category,
        "urgency": urgency,
        "data": cleaned,
        "place": town,
        "description": description,
    }


def register() -> None:
    register_importer(
        Importer(
            "stability",
            "稳定风险事项",
            COLUMNS,
            import_items,
            "登记排查到的稳定风险事项（风险等级、所在镇街、责任单位必填）；同一镇街的同一事项重复导入不会重复登记。",
            model="cases.case",
        )
    )

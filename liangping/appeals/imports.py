"""Importing the rosters from .xlsx through the sheets framework (header by content, synonyms,
row/column errors, nothing written when any row is wrong, re-import changes nothing)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from liangping.appeals.models import HotlineDuty, WindowShift
from liangping.appeals.rosters import DUTY_FIELDS, SHIFT_FIELDS
from liangping.core.audit import diff, snapshot
from liangping.core.models import Org
from liangping.sheets.bulk import audit_entry, insert_rows, record_many
from liangping.sheets.registry import Importer, register_importer
from liangping.sheets.rows import Row, RowReader
from liangping.sheets.runner import ImportContext
from liangping.sheets.table import ColumnSpec
from liangping.sheets.values import as_text, is_blank, nfkc

DATE_NAMES = ("值班日期", "坐窗日期", "时间", "日期（年月日）")
SLOT_NAMES = ("值班时段", "坐窗时段", "时间段")
DUTY_COLUMNS = (
    ColumnSpec("date", "日期", DATE_NAMES, required=True, key=True),
    ColumnSpec("slot", "时段", SLOT_NAMES),
    ColumnSpec("start", "开始时间", ("起始时间", "开始")),
    ColumnSpec("end", "结束时间", ("截止时间", "结束")),
    ColumnSpec("person", "值班领导", ("领导", "接线领导", "姓名", "领导干部"), required=True, key=True),
    ColumnSpec("title", "职务", ("职位",)),
    ColumnSpec("org", "所在单位", ("单位", "部门", "工作单位")),
)
SHIFT_COLUMNS = (
    ColumnSpec("date", "日期", DATE_NAMES, required=True, key=True),
    ColumnSpec("slot", "时段", SLOT_NAMES),
    ColumnSpec("start", "开始时间", ("起始时间", "开始")),
    ColumnSpec("end", "结束时间", ("截止时间", "结束")),
    ColumnSpec("window", "窗口", ("窗口名称", "服务窗口", "窗口号"), required=True, key=True),
    ColumnSpec("person", "坐窗人员", ("姓名", "坐窗领导", "局长科长", "人员"), required=True, key=True),
    ColumnSpec("title", "职务", ("职位",)),
    ColumnSpec("org", "所在单位", ("单位", "部门", "工作单位")),
)
_DATE = re.compile(r"^(\d{4})(?:年|[-/.])(\d{1,2})(?:月|[-/.])(\d{1,2})日?$")
_TIME = re.compile(r"^(\d{1,2})[:：点](\d{2})?分?$")
_SLOT = re.compile(r"^(.+?)[-－~至到—–](.+)$")


class Bad(ValueError):
    pass


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = nfkc(as_text(value))
    if m := _DATE.match(text):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as exc:
            raise Bad(f"日期“{as_text(value)}”不存在") from exc
    raise Bad(f"无法识别日期“{as_text(value)}”，请写成 2026-12-07 或 2026年12月7日")


def parse_time(value: Any) -> dt.time:
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, dt.timedelta):
        minutes = round(value.total_seconds() / 60)
        if 0 <= minutes < 24 * 60:
            return dt.time(minutes // 60, minutes % 60)
    if isinstance(value, float) and 0 <= value < 1:  # an Excel time is a fraction of a day
        minutes = round(value * 24 * 60)
        return dt.time(minutes // 60 % 24, minutes % 60)
    text = nfkc(as_text(value))
    if m := _TIME.match(text):
        hour, minute = int(m[1]), int(m[2] or 0)
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise Bad(f"无法识别时间“{as_text(value)}”，请写成 09:00")


def _slot(r: RowReader, row: Row) -> tuple[dt.time, dt.time] | None:
    """From 时段 (09:00-11:30) or from 开始时间 and 结束时间."""
    raw_slot = r.raw(row, "slot")
    if not is_blank(raw_slot):
        m = _SLOT.match(nfkc(as_text(raw_slot)))
        try:
            if m is None:
                raise Bad(f"无法识别时段“{as_text(raw_slot)}”，请写成 09:00-11:30")
            start, end = parse_time(m[1]), parse_time(m[2])
        except Bad as exc:
            r.error(row, "slot", str(exc))
            return None
        field = "slot"
    else:
        if not (r.has("start") and r.has("end")):
            r.error(
                row,
                "slot" if r.has("slot") else "date",
                "请填写“时段”（如 09:00-11:30），或“开始时间”和“结束时间”两列",
            )
            return None
        times = []
        for name in ("start", "end"):
            raw = r.raw(row, name)
            if is_blank(raw):
                r.error(row, name, f"“{r.header(name)}”不能为空，请填写")
                return None
            try:
                times.append(parse_time(raw))
            except Bad as exc:
                r.error(row, name, str(exc))
                return None
        start, end = times[0], times[1]
        field = "end"
    if end <= start:
        r.error(row, field, "结束时间必须晚于开始时间")
        return None
    return start, end


def _orgs() -> dict[str, Org]:
    out: dict[str, Org] = {}
    for org in Org.objects.all():
        for name in (org.name, *org.alias_list()):
            out.setdefault(nfkc(name), org)
    return out


def _common(
    ctx: ImportContext, row: Row, orgs: dict[str, Org]
) -> tuple[dt.date | None, tuple[dt.time, dt.time] | None, Org | None, str]:
    r = ctx.reader
    date = None
    raw = r.raw(row, "date")
    if not is_blank(raw):
        if r.key(row, "date"):
            try:
                date = parse_date(raw)
            except Bad as exc:
                r.error(row, "date", str(exc))
    slot = _slot(r, row)
    org = None
    written = r.text(row, "org", max_length=100)
    if written:
        org = orgs.get(nfkc(written))
        if org is None:
            r.error(row, "org", f"未知单位“{written}”：请填写组织机构中的单位名称")
    return date, slot, org, r.text(row, "title", max_length=60)


def _insert_audited(
    ctx: ImportContext,
    creates: Sequence[Any],
    key: Callable[[Any], tuple[Any, ...]],
    action: str,
    fields: list[str],
) -> None:
    """Insert the new roster rows in bulk, read their ids back by their natural key, and write one audit
    entry per row (old → new, every field)."""
    if not creates:
        return
    model = type(creates[0])
    insert_rows(model, list(creates))
    ids = {key(row): row.pk for row in model.objects.all()}
    for row in creates:
        row.pk = ids[key(row)]
    record_many(
        [audit_entry(ctx.actor, action, row, diff({}, snapshot(row, fields)), ctx.reason) for row in creates]
    )


def import_duties(ctx: ImportContext) -> None:
    r, orgs = ctx.reader, _orgs()
    existing = {(d.date, d.start, d.leader): d for d in HotlineDuty.objects.all()}
    seen: dict[tuple[dt.date, dt.time, str], int] = {}
    creates: list[HotlineDuty] = []
    for i, row in enumerate(ctx.table.rows, start=1):
        date, slot, org, title = _common(ctx, row, orgs)
        person = r.key(row, "person", max_length=50)
        if date is None or slot is None or not person:
            continue
        key = (date, slot[0], person)
        if key in seen:
            r.error(row, "person", f"{person}在{date:%Y-%m-%d} {slot[0]:%H:%M}的值班与第{seen[key]}行重复")
            continue
        seen[key] = row[0]
        if key not in existing:
            creates.append(
                HotlineDuty(
                    date=date,
                    start=slot[0],
                    end=slot[1],
                    leader=person,
                    title=title,
                    org=org,
                    created_by=ctx.actor,
                )
            )
        if i % 500 == 0:
            ctx.progress(i, len(ctx.table.rows))
    ctx.result.created = len(creates)
    ctx.result.unchanged = len(seen) - len(creates)
    if not ctx.writes:
        return
    _insert_audited(ctx, creates, lambda d: (d.date, d.start, d.leader), "appeal.duty_import", DUTY_FIELDS)


def import_shifts(ctx: ImportContext) -> None:
    r, orgs = ctx.reader, _orgs()
    existing = {(s.date, s.start, s.window) for s in WindowShift.objects.all()}
    seen: dict[tuple[dt.date, dt.time, str], int] = {}
    creates: list[WindowShift] = []
    for i, row in enumerate(ctx.table.rows, start=1):
        date, slot, org, title = _common(ctx, row, orgs)
        window = r.key(row, "window", max_length=60)
        person = r.key(row, "person", max_length=50)
        if date is None or slot is None or not window or not person:
            continue
        key = (date, slot[0], window)
        if key in seen:
            r.error(row, "window", f"{window}在{date:%Y-%m-%d} {slot[0]:%H:%M}的坐窗与第{seen[key]}行重复")
            continue
        seen[key] = row[0]
        if key not in existing:
            creates.append(
                WindowShift(
                    date=date,
                    start=slot[0],
                    end=slot[1],
                    window=window,
                    person=person,
                    title=title,
                    org=org,
                    created_by=ctx.actor,
                )
            )
        if i % 500 == 0:
            ctx.progress(i, len(ctx.table.rows))
    ctx.result.created = len(creates)
    ctx.result.unchanged = len(seen) - len(creates)
    if not ctx.writes:
        return
    _insert_audited(ctx, creates, lambda s: (s.date, s.start, s.window), "appeal.shift_import", SHIFT_FIELDS)


def register() -> None:
    register_importer(
        Importer(
            "hotline_duty",
            "领导干部接热线排班",
            DUTY_COLUMNS,
            import_duties,
            "按日期、时段和值班领导新增排班；已有的时段不变，同一文件重复导入不会产生任何变化。",
            model="appeals.hotlineduty",
        )
    )
    register_importer(
        Importer(
            "window_shift",
            "局长科长坐窗口排班",
            SHIFT_COLUMNS,
            import_shifts,
            "按日期、时段和窗口新增坐窗记录；已有的时段不变，同一文件重复导入不会产生任何变化。",
            model="appeals.windowshift",
        )
    )

"""The halls' daily 办件 spreadsheet in (and the handled cases out): one row per handled case, key
办件编号; a row already imported is left as it is (re-importing a day's file changes nothing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import IO, Any

from django.utils import timezone

from liangping.core.models import User
from liangping.core.scope import city_scope
from liangping.core.workdays import Calendars
from liangping.services.handled import HandledError, HandledInput, build, check
from liangping.services.models import Applicant, HandledCase, Matter, Outcome, ServicePoint, Source
from liangping.sheets.bulk import audit_entry, insert_rows, record_many
from liangping.sheets.registry import Progress
from liangping.sheets.rows import Row
from liangping.sheets.runner import ImportContext
from liangping.sheets.table import ColumnSpec
from liangping.sheets.values import as_text, is_blank, nfkc
from liangping.sheets.writing import OutColumn, write_rows

HANDLED_COLUMNS = (
    ColumnSpec("ref", "办件编号", ("办件号", "受理编号", "申报号", "业务流水号"), required=True, key=True),
    ColumnSpec("matter", "事项编码", ("事项代码", "实施编码"), required=True, key=True),
    ColumnSpec("point", "服务点", ("大厅", "办理大厅", "受理大厅", "服务大厅", "办理地点"), required=True),
    ColumnSpec("applicant", "申请人类型", ("申请人类别", "申请主体")),
    ColumnSpec("received", "受理时间", ("受理日期", "申请时间"), required=True),
    ColumnSpec("finished", "办结时间", ("办结日期", "完成时间")),
    ColumnSpec("outcome", "办理结果", ("结果", "办结结果")),
)
EXPORT_COLUMNS = [
    OutColumn("办件编号", 22),
    OutColumn("事项编码", 22),
    OutColumn("事项名称", 36),
    OutColumn("服务点", 24),
    OutColumn("申请人类型", 10),
    OutColumn("受理时间", 18),
    OutColumn("办结时间", 18),
    OutColumn("办理结果", 10),
    OutColumn("用时（工作日）", 12, "int"),
    OutColumn("承诺时限内办结", 12),
]
APPLICANTS = {
    "个人": Applicant.PERSON,
    "自然人": Applicant.PERSON,
    "企业": Applicant.FIRM,
    "法人": Applicant.FIRM,
}
OUTCOMES = {label: value for value, label in Outcome.choices} | {
    "已办结": Outcome.DONE,
    "准予许可": Outcome.DONE,
}


def parse_moment(value: Any) -> dt.datetime | None:
    """An Excel date-time or date, or text 2026-12-07 09:30 / 2026年12月7日; None when unreadable."""
    moment: dt.datetime | None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time(9, 0))
    else:
        text = nfkc(as_text(value)).replace("年", "-").replace("月", "-").replace("日", " ").replace("/", "-")
        text = " ".join(text.split())
        moment = None
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                moment = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if moment is None:
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _moment(ctx: ImportContext, row: Row, field: str, required: bool) -> dt.datetime | None:
    raw = ctx.reader.raw(row, field)
    if is_blank(raw):
        if required:
            ctx.reader.error(row, field, f"“{ctx.reader.header(field)}”不能为空，请填写")
        return None
    moment = parse_moment(raw)
    if moment is None:
        ctx.reader.error(row, field, f"无法识别时间“{as_text(raw)}”，请写成 2026-12-07 09:30")
    return moment


def import_handled(ctx: ImportContext) -> None:
    r = ctx.reader
    tenant = city_scope(ctx.actor) if ctx.actor is not None else None
    points_qs = (
        ServicePoint.objects.all() if tenant is None else ServicePoint.objects.filter(tenant_id=tenant)
    )
    if ctx.actor is not None:
        points_qs = points_qs & ServicePoint.objects.visible_to(ctx.actor)
    points = {nfkc(p.name): p for p in points_qs}
    matters = {
        m.code: m
        for m in (Matter.objects.all() if tenant is None else Matter.objects.filter(tenant_id=tenant))
    }
    existing = set(
        (
            HandledCase.objects.all() if tenant is None else HandledCase.objects.filter(tenant_id=tenant)
        ).values_list("ref", flat=True)
    )
    calendars = Calendars.load()  # each row counts in its point's city's calendar
    seen: dict[str, int] = {}
    creates: list[HandledCase] = []
    unchanged = 0
    rows = ctx.table.rows
    for i, row in enumerate(rows, start=1):
        before = len(ctx.result.errors)
        ref = r.key(row, "ref", max_length=60)
        if ref in seen:
            r.error(row, "ref", f"办件编号“{ref}”与第{seen[ref]}行重复")
        elif ref:
            seen[ref] = row[0]
        code = nfkc(r.key(row, "matter", max_length=60))
        matter = matters.get(code) if code else None
        if code and matter is None:
            r.error(row, "matter", f"事项编码“{code}”不在事项目录中")
        written = r.text(row, "point", required=True, max_length=100)
        point = points.get(nfkc(written)) if written else None
        if written and point is None:
            r.error(row, "point", f"未知的服务点“{written}”，或不在您的范围内")
        applicant_text = nfkc(r.text(row, "applicant", max_length=10)) or "个人"
        applicant = APPLICANTS.get(applicant_text)
        if applicant is None:
            r.error(row, "applicant", f"申请人类型“{applicant_text}”不认识，请填写个人或企业")
        received = _moment(ctx, row, "received", True)
        finished = _moment(ctx, row, "finished", False)
        outcome_text = nfkc(r.text(row, "outcome", max_length=10))
        outcome = OUTCOMES.get(outcome_text, "") if outcome_text else (Outcome.DONE if finished else "")
        if outcome_text and not outcome:
            r.error(row, "outcome", f"办理结果“{outcome_text}”不认识，可选：{'、'.join(Outcome.labels)}")
        if i % 1000 == 0:
            ctx.progress(i, len(rows))
        if len(ctx.result.errors) > before or not ref or matter is None or point is None or received is None:
            continue
        assert applicant is not None
        item = HandledInput(ref, point, matter, applicant, received, finished, outcome)
        try:
            check(item)
        except HandledError as exc:
            column = {"finished_at": "finished", "received_at": "received"}.get(exc.field, exc.field)
            r.error(row, column if r.has(column) else "ref", str(exc))
            continue
        if ref in existing:
            unchanged += 1
            continue
        creates.append(build(item, ctx.actor, Source.SHEET, calendars.of(point.tenant_id)))
    ctx.progress(len(rows), len(rows))
    if ctx.result.errors:
        return
    ctx.result.created, ctx.result.unchanged = len(creates), unchanged
    if not ctx.writes or not creates:
        return
    insert_rows(HandledCase, creates)
    ids = dict(
        HandledCase.objects.filter(
            tenant_id__in={c.tenant_id for c in creates}, ref__in=[c.ref for c in creates]
        ).values_list("ref", "pk")
    )
    for c in creates:
        c.pk = ids[c.ref]
    record_many(
        [
            audit_entry(
                ctx.actor,
                "services.handled.create",
                c,
                {"point": [None, c.point.name], "matter": [None, c.matter.code]},
                ctx.reason,
            )
            for c in creates
        ]
    )


def export_rows(qs: Any) -> Iterator[list[Any]]:
    applicants, outcomes = dict(Applicant.choices), dict(Outcome.choices)
    for c in qs.select_related("matter", "point").order_by("received_at", "id").iterator(chunk_size=2000):
        yield [
            c.ref,
            c.matter.code,
            c.matter.name,
            c.point.name,
            applicants.get(c.applicant, c.applicant),
            timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(c.finished_at).strftime("%Y-%m-%d %H:%M") if c.finished_at else "",
            outcomes.get(c.outcome, ""),
            c.workdays,
            "" if c.on_time is None else ("是" if c.on_time else "否"),
        ]


def export_handled(
    user: User | None, filters: Mapping[str, str], out: IO[bytes], progress: Progress | None
) -> int:
    qs = HandledCase.objects.all() if user is None else HandledCase.objects.visible_to(user)
    return write_rows(out, "办件", EXPORT_COLUMNS, export_rows(qs), total=qs.count(), progress=progress)

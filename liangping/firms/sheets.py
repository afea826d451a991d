"""The studio's register, the firms' credit levels and 榴花分, and the incentive catalogue in and out as
.xlsx through the sheets framework (header finding, synonyms, one error per defect with its row and
column, all-or-nothing). Exports are each import's exact inverse.

- 企业服务名录 (firm_register): 统一社会信用代码, 企业名称, 所在园区, 服务工作室 — creates or updates.
- 企业信用评价 (firm_credit): 统一社会信用代码, 信用等级, 榴花分, 评价日期 — only firms already in the
  register (an unknown code is a row error); the scores are the published figures, never computed.
- 榴花分激励措施 (incentives): 措施编号, 措施名称, 实施部门, 激励内容, 适用信用等级, 榴花分下限/上限,
  生效日期, 截止日期.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from liangping.chains import creditcode
from liangping.core.models import Org, OrgKind, User
from liangping.core.orgs import OrgIndex
from liangping.firms.models import CREDIT_LEVELS, Firm, Measure, Studio, num
from liangping.firms.permissions import sees_firms
from liangping.firms.services import (
    FirmError,
    FirmRow,
    MeasureRow,
    check_measure,
    import_city,
    save_firms,
    save_measures,
)
from liangping.sheets.errors import Issue
from liangping.sheets.registry import Exporter, Importer, Progress, register_exporter, register_importer
from liangping.sheets.rows import Row
from liangping.sheets.runner import ImportContext
from liangping.sheets.table import ColumnSpec
from liangping.sheets.values import EXCEL_EPOCH, as_text, is_blank
from liangping.sheets.writing import OutColumn, write_rows

CODE = ColumnSpec(
    "credit_code", "统一社会信用代码", ("信用代码", "社会信用代码", "统一代码"), required=True, key=True
)
REGISTER_COLUMNS = (
    CODE,
    ColumnSpec("name", "企业名称", ("企业", "公司名称", "单位名称", "名称"), required=True, key=True),
    ColumnSpec("park", "所在园区", ("园区", "所属园区")),
    ColumnSpec("studio", "服务工作室", ("企业服务工作室", "工作室")),
    ColumnSpec("credit_level", "信用等级", ("信用评价等级", "等级")),
    ColumnSpec("score", "榴花分", ("榴花分分值", "信用分", "分值")),
    ColumnSpec("rated_on", "评价日期", ("评价时间", "评定日期")),
)
CREDIT_COLUMNS = (
    CODE,
    ColumnSpec("name", "企业名称", ("企业", "公司名称", "单位名称", "名称")),
    ColumnSpec("credit_level", "信用等级", ("信用评价等级", "等级")),
    ColumnSpec("score", "榴花分", ("榴花分分值", "信用分", "分值")),
    ColumnSpec("rated_on", "评价日期", ("评价时间", "评定日期")),
)
MEASURE_COLUMNS = (
    ColumnSpec("code", "措施编号", ("编号", "措施代码"), required=True, key=True),
    ColumnSpec("name", "措施名称", ("名称", "激励措施"), required=True),
    ColumnSpec("department", "实施部门", ("责任部门", "部门", "牵头部门"), required=True),
    ColumnSpec("benefit", "激励内容", ("内容", "措施内容", "享受内容"), required=True),
    ColumnSpec("levels", "适用信用等级", ("信用等级", "适用等级")),
    ColumnSpec("score_min", "榴花分下限", ("最低榴花分", "分值下限")),
    ColumnSpec("score_max", "榴花分上限", ("最高榴花分", "分值上限")),
    ColumnSpec("starts_on", "生效日期", ("开始日期", "起始日期", "有效期起"), required=True),
    ColumnSpec("ends_on", "截止日期", ("结束日期", "有效期止", "失效日期")),
)
REGISTER_EXPORT = [
    OutColumn("统一社会信用代码", 22),
    OutColumn("企业名称", 34),
    OutColumn("所在园区", 22),
    OutColumn("服务工作室", 24),
    OutColumn("信用等级", 10),
    OutColumn("榴花分", 10),
    OutColumn("评价日期", 12),
]
MEASURE_EXPORT = [
    OutColumn("措施编号", 14),
    OutColumn("措施名称", 30),
    OutColumn("实施部门", 20),
    OutColumn("激励内容", 44),
    OutColumn("适用信用等级", 12),
    OutColumn("榴花分下限", 10),
    OutColumn("榴花分上限", 10),
    OutColumn("生效日期", 12),
    OutColumn("截止日期", 12),
]
DAY = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*(?:[-./月]\s*(\d{1,2})\s*日?)?\s*月?$")
DATE_HINT = "2026-01-01、2026年1月1日 或 2026/1/1"
SCORE_MAX = Decimal(1000)


def nfkc(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def as_day(value: Any, *, end: bool = False) -> dt.date:
    """A day (Excel date or text). A month alone means its first day, or its last when `end`."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float | int) and not isinstance(value, bool):
        if math.isfinite(value) and float(value).is_integer() and 20000 <= int(value) <= 80000:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
    match = DAY.match(nfkc(as_text(value)))
    if match is None:
        raise ValueError(f"“{as_text(value)[:30]}”不是有效的日期，请写成 {DATE_HINT}")
    year, month = int(match[1]), int(match[2])
    try:
        if match[3]:
            return dt.date(year, month, int(match[3]))
        return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)
    except (ValueError, calendar.IllegalMonthError) as exc:
        raise ValueError(f"“{as_text(value)[:30]}”不是有效的日期，请写成 {DATE_HINT}") from exc


def _day(
    ctx: ImportContext, row: Row, field: str, *, required: bool = False, end: bool = False
) -> dt.date | None:
    raw = ctx.reader.raw(row, field)
    if is_blank(raw):
        if required and ctx.reader.has(field):
            ctx.reader.error(row, field, f"“{ctx.reader.header(field)}”不能为空，请填写")
        return None
    try:
        return as_day(raw, end=end)
    except ValueError as exc:
        ctx.reader.error(row, field, str(exc))
        return None


def _score(ctx: ImportContext, row: Row, field: str) -> tuple[bool, Decimal | None]:
    """(written, value): a number from 0 to 1000 with at most two decimals."""
    raw = ctx.reader.raw(row, field)
    if is_blank(raw):
        return False, None
    text = nfkc(as_text(raw)).removesuffix("分")
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value > SCORE_MAX or value != value.quantize(Decimal("0.01")):
        ctx.reader.error(
            row, field, f"“{as_text(raw)[:30]}”不是有效的分值，请填写 0 至 1000 之间的数字（如 86.5）"
        )
        return True, None
    return True, value


def _level(ctx: ImportContext, row: Row, field: str) -> str | None:
    raw = ctx.reader.raw(row, field)
    if is_blank(raw):
        return None
    text = nfkc(as_text(raw)).upper().removesuffix("级")
    if text not in CREDIT_LEVELS:
        ctx.reader.error(row, field, f"信用等级“{as_text(raw)[:20]}”不认识，只能填 A、B、C、D")
        return None
    return text


def _code(ctx: ImportContext, row: Row, seen: dict[str, int]) -> str:
    r = ctx.reader
    raw = r.key(row, "credit_code", max_length=40)
    if not raw:
        return ""
    try:
        code = creditcode.validate(raw)
    except creditcode.CreditCodeError as exc:
        r.error(row, "credit_code", str(exc))
        return ""
    if code in seen:
        r.error(row, "credit_code", f"统一社会信用代码“{code}”与第{seen[code]}行重复：一个企业只写一行")
        return ""
    seen[code] = row[0]
    return code


def _city(ctx: ImportContext) -> Org | None:
    city = import_city(ctx.actor)
    if city is None:
        ctx.result.errors.append(Issue(None, "", "无法确定导入到哪个市，请以市级账号导入"))
    return city


def _finish(ctx: ImportContext, counts: dict[str, int]) -> None:
    ctx.result.created, ctx.result.updated, ctx.result.unchanged = (
        counts["created"],
        counts["updated"],
        counts["unchanged"],
    )


def import_register(ctx: ImportContext) -> None:
    city = _city(ctx)
    if city is None:
        return
    r = ctx.reader
    studios = {nfkc(s.name): s for s in Studio.objects.filter(org__tenant=city)}
    seen: dict[str, int] = {}
    parsed: list[FirmRow] = []
    # a column the file leaves out keeps what the register has (a studio's park comes with the studio)
    given = frozenset(c for c in ("park", "studio") if r.has(c))
    if "studio" in given:
        given |= {"park"}
    rows = ctx.table.rows
    for i, row in enumerate(rows, start=1):
        before = len(ctx.result.errors)
        code = _code(ctx, row, seen)
        name = r.key(row, "name", max_length=120)
        park = r.text(row, "park", max_length=100)
        studio = None
        written = r.text(row, "studio", max_length=100)
        if written:
            studio = studios.get(nfkc(written))
            if studio is None:
                known = "、".join(s.name for s in studios.values()) or "本市尚未设立企业服务工作室"
                r.error(row, "studio", f"没有名为“{written}”的企业服务工作室，可选：{known}")
        level = _level(ctx, row, "credit_level")
        has_score, score = _score(ctx, row, "score")
        rated_on = _day(ctx, row, "rated_on")
        if len(ctx.result.errors) == before and code and name:
            parsed.append(
                FirmRow(
                    code,
                    name,
                    park or (studio.park if studio else ""),
                    studio,
                    level,
                    score,
                    has_score,
                    rated_on,
                    columns=given,
                )
            )
        if i % 500 == 0:
            ctx.progress(i, len(rows))
    ctx.progress(len(rows), len(rows))
    if ctx.result.errors:
        return
    _finish(ctx, save_firms(ctx.actor, city, parsed, reason=ctx.reason, write=ctx.writes))


def import_credit(ctx: ImportContext) -> None:
    city = _city(ctx)
    if city is None:
        return
    r = ctx.reader
    known = dict(Firm.objects.filter(tenant=city).values_list("credit_code", "name"))
    seen: dict[str, int] = {}
    parsed: list[FirmRow] = []
    rows = ctx.table.rows
    for i, row in enumerate(rows, start=1):
        before = len(ctx.result.errors)
        code = _code(ctx, row, seen)
        if code and code not in known:
            r.error(row, "credit_code", f"统一社会信用代码“{code}”不在企业名录中，请先导入企业服务名录")
            code = ""
        written = r.text(row, "name", max_length=120)
        if code and written and nfkc(written) != nfkc(known[code]):
            r.error(row, "name", f"企业名称“{written}”与名录中该代码的企业“{known[code]}”不一致，请核对")
        level = _level(ctx, row, "credit_level")
        has_score, score = _score(ctx, row, "score")
        rated_on = _day(ctx, row, "rated_on")
        if code and level is None and not has_score and len(ctx.result.errors) == before:
            r.error(row, "credit_level", "请填写信用等级或榴花分（至少一项）")
        if len(ctx.result.errors) == before and code:
            parsed.append(FirmRow(code, known[code], "", None, level, score, has_score, rated_on))
        if i % 500 == 0:
            ctx.progress(i, len(rows))
    ctx.progress(len(rows), len(rows))
    if ctx.result.errors:
        return
    _finish(ctx, save_firms(ctx.actor, city, parsed, reason=ctx.reason, write=ctx.writes, create=False))


def import_measures(ctx: ImportContext) -> None:
    city = _city(ctx)
    if city is None:
        return
    r = ctx.reader
    departments = OrgIndex([OrgKind.DEPARTMENT, OrgKind.DISTRICT], tenant_id=city.pk)
    seen: dict[str, int] = {}
    parsed: list[MeasureRow] = []
    rows = ctx.table.rows
    for i, row in enumerate(rows, start=1):
        before = len(ctx.result.errors)
        code = r.key(row, "code", max_length=30)
        if code and code in seen:
            r.error(row, "code", f"措施编号“{code}”与第{seen[code]}行重复")
            code = ""
        elif code:
            seen[code] = row[0]
        name = r.text(row, "name", required=True, max_length=120)
        department = None
        written = r.text(row, "department", required=True, max_length=60)
        if written:
            department, candidates = departments.resolve(written)
            if department is None:
                hint = "、".join(o.name for o in candidates) if candidates else "请填写本市部门的名称"
                r.error(row, "department", f"未知的实施部门“{written}”：{hint}")
        benefit = r.text(row, "benefit", required=True, max_length=300)
        levels = ""
        for part in re.split(r"[、,，;；/\s]+", nfkc(r.text(row, "levels", max_length=20)).upper()):
            part = part.removesuffix("级")
            if not part:
                continue
            for letter in part if all(ch in CREDIT_LEVELS for ch in part) else [part]:
                if letter not in CREDIT_LEVELS:
                    r.error(row, "levels", f"信用等级“{letter}”不认识，只能填 A、B、C、D（多个用“、”分隔）")
                elif letter not in levels:
                    levels += letter
        levels = "".join(sorted(levels))
        _w, low = _score(ctx, row, "score_min")
        _w, high = _score(ctx, row, "score_max")
        starts_on = _day(ctx, row, "starts_on", required=True)
        ends_on = _day(ctx, row, "ends_on", end=True)
        if len(ctx.result.errors) == before and code and department is not None and starts_on is not None:
            item = MeasureRow(code, name, department, benefit, levels, low, high, starts_on, ends_on)
            try:
                check_measure(item)
            except FirmError as exc:
                if r.has(exc.field):
                    r.error(row, exc.field, str(exc))
                else:
                    label = next(c.label for c in MEASURE_COLUMNS if c.field == exc.field)
                    ctx.result.errors.append(Issue(row[0], label, str(exc)))
            else:
                parsed.append(item)
        if i % 500 == 0:
            ctx.progress(i, len(rows))
    ctx.progress(len(rows), len(rows))
    if ctx.result.errors:
        return
    _finish(ctx, save_measures(ctx.actor, city, parsed, reason=ctx.reason, write=ctx.writes))


# -- export ------------------------------------------------------------------------------------


def _day_text(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def register_rows(qs: Any) -> Iterator[list[Any]]:
    for f in qs.select_related("studio").order_by("name", "id").iterator(chunk_size=1000):
        yield [
            f.credit_code,
            f.name,
            f.park,
            f.studio.name if f.studio else "",
            f.credit_level,
            num(f.score) if f.score is not None else "",
            _day_text(f.rated_on),
        ]


def export_register(
    user: User | None, filters: Mapping[str, str], out: IO[bytes], progress: Progress | None
) -> int:
    qs = Firm.objects.all() if user is None else Firm.objects.visible_to(user)
    notes = [
        ("说明", "每行一个企业，按统一社会信用代码对应；修改后可在“导入台账”页面以“企业服务名录”导入"),
        ("示例数据", "页面上标注“示例”的企业为示例数据，仅供演示"),
    ]
    return write_rows(
        out,
        "企业服务名录",
        REGISTER_EXPORT,
        register_rows(qs),
        total=qs.count(),
        progress=progress,
        notes=notes,
    )


def measure_rows(qs: Any) -> Iterator[list[Any]]:
    for m in qs.select_related("department").order_by("code", "id").iterator(chunk_size=1000):
        yield [
            m.code,
            m.name,
            m.department.name,
            m.benefit,
            "、".join(m.levels),
            num(m.score_min) if m.score_min is not None else "",
            num(m.score_max) if m.score_max is not None else "",
            _day_text(m.starts_on),
            _day_text(m.ends_on),
        ]


def export_measures(
    user: User | None, filters: Mapping[str, str], out: IO[bytes], progress: Progress | None
) -> int:
    qs = Measure.objects.all() if user is None else Measure.objects.visible_to(user)
    notes = [
        ("说明", "每行一项措施，按措施编号对应；适用信用等级与榴花分区间均写明时须同时满足，区间含两端"),
        ("示例数据", "页面上标注“示例”的措施为示例数据，仅供演示"),
    ]
    return write_rows(
        out,
        "榴花分激励措施",
        MEASURE_EXPORT,
        measure_rows(qs),
        total=qs.count(),
        progress=progress,
        notes=notes,
    )


def register() -> None:
    register_importer(
        Importer(
            "firm_register",
            "企业服务名录",
            REGISTER_COLUMNS,
            import_register,
            "按统一社会信用代码新增或更新企业服务工作室服务的企业；同一文件重复导入不会产生任何变化。",
            model="firms.firm",
        )
    )
    register_importer(
        Importer(
            "firm_credit",
            "企业信用评价（榴花分）",
            CREDIT_COLUMNS,
            import_credit,
            "按统一社会信用代码更新名录中企业的信用等级和榴花分（以发布的结果为准，系统不计算分值）。",
            model="firms.firm",
        )
    )
    register_importer(
        Importer(
            "incentives",
            "榴花分激励措施",
            MEASURE_COLUMNS,
            import_measures,
            "按措施编号新增或更新激励措施；截止日期早于生效日期等错误会列出行和列，整份文件不导入。",
            model="firms.measure",
        )
    )
    register_exporter(
        Exporter(
            "firm_register",
            "企业服务名录",
            "企业服务名录.xlsx",
            export_register,
            sees_firms,
        )
    )
    register_exporter(
        Exporter(
            "incentives",
            "榴花分激励措施",
            "榴花分激励措施.xlsx",
            export_measures,
            sees_firms,
        )
    )

"""Cases in a spreadsheet: the list of any kind within the person's scope, the kind's own fields as
columns (phones and ID numbers masked unless the person may see them), through the sheets framework.

The cases app imports only core; this small app joins it to the spreadsheet framework."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import IO, Any

from django.utils import timezone

from liangping.cases.fields import display_value, referenced_names
from liangping.cases.models import Case, kind_specs
from liangping.cases.queries import filter_cases
from liangping.core.models import User
from liangping.core.privacy import may_see_full_phone
from liangping.core.scope import sees_ledger
from liangping.kinds.spec import KindSpec
from liangping.sheets.registry import Exporter, Progress, register_exporter
from liangping.sheets.writing import OutColumn, write_rows

BATCH = 2000
COMMON = [
    OutColumn("编号", 10, "int"),
    OutColumn("受理编号", 16),
    OutColumn("类型", 12),
    OutColumn("标题", 36),
    OutColumn("状态", 10),
    OutColumn("分类", 14),
    OutColumn("紧急程度", 10),
    OutColumn("渠道", 12),
    OutColumn("牵头单位", 20),
    OutColumn("登记时间", 17),
    OutColumn("响应期限", 17),
    OutColumn("签收时间", 17),
    OutColumn("办结期限", 12),
    OutColumn("办结时间", 17),
    OutColumn("是否逾期", 8),
    OutColumn("是否响应超时", 8),
    OutColumn("退回次数", 8, "int"),
    OutColumn("重办次数", 8, "int"),
]
FILTERS = ("kind", "status", "category", "urgency", "channel", "lead_org", "overdue", "response_overdue", "q")


def _time(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _clean(filters: Mapping[str, str], specs: dict[str, KindSpec]) -> dict[str, Any]:
    data: dict[str, Any] = {k: (filters.get(k) or "").strip() for k in FILTERS}
    if data["kind"] and data["kind"] not in specs:
        raise ValueError(f"没有“{data['kind']}”这一事项类型")
    data["overdue"] = data["overdue"] in ("on", "true", "1")
    data["response_overdue"] = data["response_overdue"] in ("on", "true", "1")
    data["lead_org"] = int(data["lead_org"]) if data["lead_org"].isdigit() else None
    return data


def export_cases(
    user: User | None, filters: Mapping[str, str], out: IO[bytes], progress: Progress | None = None
) -> int:
    """Write the cases `user` may see (None: all, for the command line) matching the list's filters."""
    base = Case.objects.all() if user is None else Case.objects.visible_to(user)
    specs = kind_specs()
    data = _clean(filters, specs)
    spec = specs.get(data["kind"])
    qs = filter_cases(base, data).select_related("lead_org", "category").order_by("registered_at", "pk")
    total = qs.count()
    fields = list(spec.fields) if spec is not None else []
    full = user is None or may_see_full_phone(user)
    notes = [
        ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        ("导出人", "命令行（全部事项）" if user is None else f"{user.name}（{user.get_role_display()}）"),
        ("事项类型", spec.name if spec else "全部"),
        ("条数", str(total)),
        ("联系电话、证件号", "完整" if user is None else "按权限显示：无权查看完整号码的脱敏显示"),
    ]
    columns = COMMON + [OutColumn(f.label, 16) for f in fields]
    if spec is not None:  # the kind's own names for its urgency scale and its deadline
        names = {"紧急程度": spec.urgency_name, "办结期限": spec.deadline_label}
        columns = [dataclasses.replace(c, title=names.get(c.title, c.title)) for c in columns]
    return write_rows(out, spec.name if spec else "事项", columns, _rows(qs, spec, fields, full), total=total,
                      progress=progress, notes=notes)  # fmt: skip


def _rows(qs: Any, spec: KindSpec | None, fields: list[Any], full: bool) -> Iterator[list[Any]]:
    now = timezone.now()
    for start in range(0, 10**9, BATCH):
        chunk = list(qs[start : start + BATCH])
        if not chunk:
            return
        names = referenced_names(spec, [c.data for c in chunk]) if spec is not None else {}
        for c in chunk:
            s = c.spec
            yield [
                c.pk,
                c.receipt_no or "",
                s.name,
                c.title,
                s.state_label(c.status),
                c.category.name if c.category else "",
                s.urgency_label(c.urgency) if c.urgency else "",
                s.channel_label(c.channel) if c.channel else "",
                c.lead_org.name if c.lead_org else "",
                _time(c.registered_at),
                _time(c.respond_by),
                _time(c.responded_at),
                c.deadline.isoformat() if c.deadline else "",
                _time(c.finished_at),
                "是" if c.is_overdue(now) else "否",
                "是" if c.response_overdue(now) else "否",
                c.return_count,
                c.reopen_count,
                *(
                    display_value(f, c.data.get(f.code), full=full and f.type == "phone", names=names)
                    for f in fields
                ),
            ]


def export_name(filters: Mapping[str, str]) -> str:
    spec = kind_specs().get(filters.get("kind") or "")
    today = timezone.localdate()
    return f"{spec.name if spec else '事项'}_{today.year}年{today.month}月{today.day}日.xlsx"


def describe(filters: Mapping[str, str]) -> dict[str, str]:
    specs = kind_specs()
    spec = specs.get(filters.get("kind") or "")
    out = {"事项类型": spec.name if spec else "全部"}
    if filters.get("status"):
        out["状态"] = spec.state_label(filters["status"]) if spec else filters["status"]
    if filters.get("overdue"):
        out["只看逾期"] = "是"
    return out


def register() -> None:
    register_exporter(
        Exporter(
            "cases",
            "事项清单",
            "事项清单.xlsx",
            export_cases,
            sees_ledger,
            export_name,
            describe,
            lambda user: Case.objects.visible_to(user).exists(),
        )
    )

"""Exporting the project ledger as a styled .xlsx (DOMAIN §10), scoped to the person who asks.

The columns are the canonical names of DOMAIN §4 with units in the header, and every value is
written as the import reads it back (the ledger import is its exact inverse: exporting and importing
the file changes nothing, tests/sheets/test_roundtrip.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Any

from django.db.models import Q
from django.utils import timezone

from liangping.core.ids import parse_id
from liangping.core.models import Org, User
from liangping.core.scope import sees_ledger
from liangping.core.tenancy import tenant_for
from liangping.projects.extensions import COMPLETION, GRADE, annotate_grades, grade_label
from liangping.projects.models import Level, Project, ProjectQuerySet, Stage
from liangping.sheets.registry import Exporter, Progress, register_exporter
from liangping.sheets.writing import OutColumn, write_rows

PROJECT_EXPORT_COLUMNS = [
    OutColumn("项目编号", 16),
    OutColumn("项目名称", 36),
    OutColumn("项目级别", 10),
    OutColumn("所属区（市）", 12),
    OutColumn("产业类别", 14),
    OutColumn("建设单位", 28),
    OutColumn("总投资（万元）", 16, "money"),
    OutColumn("年度计划投资（万元）", 18, "money"),
    OutColumn("计划年度", 10, "int"),
    OutColumn("建设阶段", 12),
    OutColumn("计划开工时间", 13, "month"),
    OutColumn("计划竣工时间", 13, "month"),
    OutColumn("包保市领导", 12),
    OutColumn("责任部门", 20),
    OutColumn("项目专员", 12),
    OutColumn("联系人", 10),
    OutColumn("联系电话", 16),
    # computed, not imported: the grade and completion of the latest locked period
    OutColumn("分级", 8, "grade"),
    OutColumn("完成率（%）", 12),
]
ID_FILTERS = ("district", "leader", "department", "specialist")
CHOICE_FILTERS = {"stage": {s.value for s in Stage}, "level": {v.value for v in Level}}
STAGE_LABELS = dict(Stage.choices)
LEVEL_LABELS = dict(Level.choices)


def filter_projects(qs: ProjectQuerySet, filters: Mapping[str, str]) -> ProjectQuerySet:
    """The list filters of the ledger page: ids for people and orgs, codes for stage and level."""
    for name in ID_FILTERS:
        if (number := parse_id(filters.get(name))) is not None:
            qs = qs.filter(**{f"{name}_id": number})
    for name, allowed in CHOICE_FILTERS.items():
        value = (filters.get(name) or "").strip()
        if value in allowed:
            qs = qs.filter(**{name: value})
    if industry := (filters.get("industry") or "").strip():
        qs = qs.filter(industry=industry)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return qs


def _name(obj: Any) -> str:
    return "" if obj is None else (getattr(obj, "display_name", "") or getattr(obj, "name", "") or str(obj))


def _rows(qs: ProjectQuerySet, user: User | None) -> Iterator[list[Any]]:
    """One row per project; phone numbers masked where `user` may not see them (None: the command
    line's whole-ledger export, by whoever runs the server)."""
    for p in qs.iterator(chunk_size=2000):
        yield [
            p.code,
            p.name,
            LEVEL_LABELS.get(p.level, p.level),
            _name(p.district),
            p.industry,
            _name(p.unit),
            p.total_investment,
            p.annual_plan,
            p.plan_year,
            STAGE_LABELS.get(p.stage, p.stage),
            p.planned_start,
            p.planned_end,
            _name(p.leader),
            _name(p.department),
            _name(p.specialist),
            p.contact_name,
            p.contact_phone if user is None else p.contact_phone_for(user),
            grade_label(getattr(p, GRADE, None)),
            _percent(getattr(p, COMPLETION, None)),
        ]


def _percent(text: str | None) -> Decimal | None:
    """The snapshot's completion text; SQLite gives a JSON null (an ungraded project) as "null"."""
    if not text or text == "null":
        return None
    return Decimal(text).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def export_projects(
    user: User | None, filters: Mapping[str, str], out: IO[bytes], progress: Progress | None = None
) -> int:
    """Write the ledger visible to `user` (None: the whole ledger, for the command line) to `out`."""
    qs = Project.objects.all() if user is None else Project.objects.visible_to(user)
    qs, graded_period = annotate_grades(
        filter_projects(qs, filters).for_list(), filters.get("grade", ""), tenant_for(user)
    )
    qs = qs.order_by("code")
    total = qs.count()
    who = "命令行（全部项目）" if user is None else f"{user.name}（{user.get_role_display()}）"
    notes = [
        ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        ("导出人", who),
        ("筛选条件", "；".join(f"{k}：{v}" for k, v in describe_filters(filters).items()) or "无"),
        ("项目数", str(total)),
        ("金额单位", "万元"),
        (
            "分级、完成率",
            f"{graded_period}锁定结果，系统计算，导入时不读取" if graded_period else "尚无锁定结果",
        ),
        ("联系电话", "完整号码" if user is None else "按权限显示：无权查看完整号码的以 138****8000 形式脱敏"),
    ]
    return write_rows(
        out, "项目台账", PROJECT_EXPORT_COLUMNS, _rows(qs, user), total=total, progress=progress, notes=notes
    )


FILTER_LABELS = {
    "district": "所属区（市）",
    "leader": "包保市领导",
    "department": "责任部门",
    "specialist": "项目专员",
    "stage": "建设阶段",
    "level": "项目级别",
    "industry": "产业类别",
    "q": "关键词",
}


def ids_of(values: Mapping[str, str], *names: str) -> list[int]:
    found = [parse_id(values[name]) for name in names]
    return [n for n in found if n is not None]


def describe_filters(filters: Mapping[str, str]) -> dict[str, str]:
    """The ledger's filters in words, names not ids: {"所属区（市）": "薛城区", "建设阶段": "在建"}."""
    values = {k: (filters.get(k) or "").strip() for k in FILTER_LABELS}
    orgs = {
        str(pk): name
        for pk, name in Org.objects.filter(pk__in=ids_of(values, "district", "department")).values_list(
            "pk", "name"
        )
    }
    people = User.objects.filter(pk__in=ids_of(values, "leader", "specialist"))
    users = {str(u.pk): u.name for u in people.only("pk", "display_name", "username")}
    names = {"district": orgs, "department": orgs, "leader": users, "specialist": users}
    names |= {"stage": STAGE_LABELS, "level": LEVEL_LABELS}
    return {FILTER_LABELS[k]: names.get(k, {}).get(v, v) for k, v in values.items() if v}


def export_name(filters: Mapping[str, str]) -> str:
    """项目台账_2026年12月6日.xlsx: the ledger as it stood on that day."""
    today = timezone.localdate()
    return f"项目台账_{today.year}年{today.month}月{today.day}日.xlsx"


def register() -> None:
    register_exporter(
        Exporter(
            "projects",
            "项目台账",
            "项目台账.xlsx",
            export_projects,
            sees_ledger,
            export_name,
            describe_filters,
            lambda user: Project.objects.visible_to(user).exists(),
        )
    )

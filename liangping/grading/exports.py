"""Styled exports of grades and of the 16-city ranking: the snapshot when the period is locked, else live."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import IO

from django.contrib.auth.models import AnonymousUser

from liangping.core.models import ADMIN_ROLES, User
from liangping.core.periods import PeriodCodeError
from liangping.core.tenancy import tenant_for
from liangping.grading import pickers, queries
from liangping.grading.rules import GRADE_LABELS
from liangping.indicators.models import IndicatorValue
from liangping.indicators.ranking import DISTANCE_LEGEND, distance_text
from liangping.projects.models import Project
from liangping.sheets.registry import Exporter, Progress, register_exporter
from liangping.sheets.writing import OutColumn, write_rows

GRADE_COLUMNS = [
    OutColumn("项目编号", 16),
    OutColumn("项目名称", 40),
    OutColumn("所属区（市）", 12),
    OutColumn("完成率(%)", 12, "money"),
    OutColumn("时序进度(%)", 12, "money"),
    OutColumn("差距(百分点)", 12, "money"),
    OutColumn("等级", 8, "grade"),
    OutColumn("原因", 30),
]
RANKING_COLUMNS = [
    OutColumn("指标名称", 24),
    OutColumn("地区", 8),
    OutColumn("增速(%)", 10, "money"),
    OutColumn("位次", 6, "int"),
    OutColumn("上期位次", 8, "int"),
    OutColumn("位次变化", 10),
    OutColumn("等级", 6, "grade"),
    OutColumn("距第十", 16),
    OutColumn("距第五", 16),
    OutColumn("距第三", 16),
]
# The board's filters are names already (区（市）, 部门, 领导); the grade is a code.
FILTER_LABELS = {
    "district": "所属区（市）",
    "department": "责任部门",
    "leader": "包保市领导",
    "grade": "等级",
}


class ExportError(ValueError):
    pass


def _period(
    user: User | None,
    filters: Mapping[str, str],
    default: Callable[[int | None], str] = pickers.latest_locked_code,
) -> queries.Period:
    """The period of the exporting person's city (the installation's for the command line)."""
    tenant = tenant_for(user)
    try:
        return queries.resolve_period(filters.get("period") or default(tenant), tenant)
    except PeriodCodeError as exc:
        raise ExportError(str(exc)) from exc


def _q(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


def export_grades(
    user: User | None, filters: Mapping[str, str], out: IO[bytes], progress: Progress | None
) -> int:
    period = _period(user, filters)
    board = queries.project_board(user, period, dict(filters))
    rows = (
        [
            r.code,
            r.name,
            r.district,
            _q(r.completion),
            _q(r.time_progress),
            _q(r.gap),
            GRADE_LABELS[r.grade],
            r.reason,
        ]
        for r in board.rows
    )
    state = "临时结果（未锁定）" if board.provisional else "锁定结果" if board.snapshot else ""
    count = write_rows(
        out,
        f"{period.code}分级",
        GRADE_COLUMNS,
        rows,
        total=len(board.rows),
        progress=progress,
        notes=[("考核期", period.label), ("数据", state)],
    )
    return count


def export_ranking(
    user: User | None, filters: Mapping[str, str], out: IO[bytes], progress: Progress | None
) -> int:
    period = _period(user, filters, pickers.latest_ranked_code)
    boards, provisional = queries.ranking_board(period)
    rows = []
    for b in boards:
        for r in b.rows:
            d = b.distances if r.is_home else {}
            rows.append(
                [
                    b.name,
                    r.city,
                    r.growth,
                    r.rank,
                    r.prev_rank,
                    r.change_card if r.prev_rank else "—",
                    r.grade_label,
                    distance_text(d.get(10)) if r.is_home else "",
                    distance_text(d.get(5)) if r.is_home else "",
                    distance_text(d.get(3)) if r.is_home else "",
                ]
            )
    count = write_rows(
        out,
        f"{period.code}排名",
        RANKING_COLUMNS,
        rows,
        total=len(rows),
        progress=progress,
        notes=[
            ("考核期", period.label),
            ("数据", "临时结果（未锁定）" if provisional else "锁定结果"),
            ("距第十、第五、第三", DISTANCE_LEGEND),
        ],
    )
    return count


def describe_filters(filters: Mapping[str, str]) -> dict[str, str]:
    """The filters in words: 考核期 by its label, the grade by its colour."""
    out: dict[str, str] = {}
    if filters.get("period"):
        try:
            out["考核期"] = _period(None, filters).label
        except ExportError:
            out["考核期"] = filters["period"]
    for key, label in FILTER_LABELS.items():
        if value := filters.get(key):
            out[label] = GRADE_LABELS.get(value, value) if key == "grade" else value
    return out


def _named(title: str) -> Callable[[Mapping[str, str]], str]:
    """分级结果_2026年11月.xlsx: the file named after the period it holds."""

    def name(filters: Mapping[str, str]) -> str:
        return f"{title}_{_period(None, filters).label}.xlsx"

    return name


def ledger_user(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.role not in ADMIN_ROLES  # type: ignore[union-attr]


def register() -> None:
    register_exporter(
        Exporter(
            "grades",
            "项目分级",
            "分级结果.xlsx",
            export_grades,
            ledger_user,
            _named("分级结果"),
            describe_filters,
            lambda user: Project.objects.visible_to(user).exists(),
        )
    )
    register_exporter(
        Exporter(
            "ranking",
            "16市指标排名",
            "指标排名.xlsx",
            export_ranking,
            ledger_user,
            _named("16市指标排名"),
            describe_filters,
            lambda user: IndicatorValue.objects.exists(),
        )
    )

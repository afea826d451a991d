"""Styled exports of grades and of the 16-city ranking: the snapshot when the period is locked, else live."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import IO

from django.contrib.auth.models import AnonymousUser

from liangping.core.models import ADMIN_ROLES, User
from liangping.core.periods import PeriodCodeError
from liangping.grading import pickers, queries
from liangping.grading.rules import GRADE_LABELS
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
    OutColumn("距第十（百分点）", 14, "money"),
    OutColumn("距第五（百分点）", 14, "money"),
    OutColumn("距第三（百分点）", 14, "money"),
]


class ExportError(ValueError):
    pass


def _period(
    filters: Mapping[str, str], default: Callable[[], str] = pickers.latest_locked_code
) -> queries.Period:
    try:
        return queries.resolve_period(filters.get("period") or default())
    except PeriodCodeError as exc:
        raise ExportError(str(exc)) from exc


def _q(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


def export_grades(
    user: User | None, filters: Mapping[str, str], out: IO[bytes], progress: Progress | None
) -> int:
    period = _period(filters)
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
    state = (
        "临时结果（未锁定）"
        if board.provisional
        else f"快照第{board.snapshot.version}版"
        if board.snapshot
        else ""
    )
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
    period = _period(filters, pickers.latest_ranked_code)
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
                    d.get(10),
                    d.get(5),
                    d.get(3),
                ]
            )
    count = write_rows(
        out,
        f"{period.code}排名",
        RANKING_COLUMNS,
        rows,
        total=len(rows),
        progress=progress,
        notes=[("考核期", period.label), ("数据", "临时结果（未锁定）" if provisional else "锁定快照")],
    )
    return count


def ledger_user(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.role not in ADMIN_ROLES  # type: ignore[union-attr]


def register() -> None:
    register_exporter(Exporter("grades", "项目分级", "grades.xlsx", export_grades, ledger_user))
    register_exporter(Exporter("ranking", "16市指标排名", "ranking.xlsx", export_ranking, ledger_user))

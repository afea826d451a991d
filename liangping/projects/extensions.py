"""What other apps add to the ledger pages.

A project's grade is computed by `grading`, which reads the ledger (imports run one way: grading
builds on projects, never the reverse). So grading registers here, at start-up, what the ledger
list, its export and the project page show of it; without grading they show no grade.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db.models import QuerySet

from liangping.core.tenancy import INSTALLATION, TenantArg

# The annotations a registered `annotate` adds to every project of a queryset.
GRADE = "snap_grade"  # "blue" / "yellow" / "red" / "none", or None when the snapshot has no item
GRADE_REASON = "snap_reason"
COMPLETION = "snap_completion"  # the completion in per cent as text, exact, or None
GRADE_FILTERS = {"red": "红", "yellow": "黄", "blue": "蓝", "none": "未评定"}


def parse_grades(text: str) -> str:
    """The grade filter as the known grades it names, comma-separated in a fixed order: "red,yellow"
    from "yellow, red" (several grades show the projects of any of them); "" for none or unknown."""
    wanted = {part.strip() for part in (text or "").split(",")}
    return ",".join(g for g in GRADE_FILTERS if g in wanted)


@dataclass(frozen=True)
class LedgerGrades:
    # (projects, grade filter: known grades comma-separated, or "", the tenant whose periods grade them) →
    # (annotated and filtered projects, label of the graded period or "")
    annotate: Callable[[QuerySet[Any], str, TenantArg], tuple[QuerySet[Any], str]]
    # (user, project) → the context of `template`, the grade card of the project page
    card: Callable[[Any, Any], dict[str, Any]]
    template: str


_registered: list[LedgerGrades] = []


def register_grades(grades: LedgerGrades) -> None:
    _registered[:] = [grades]


def ledger_grades() -> LedgerGrades | None:
    return _registered[0] if _registered else None


QS = TypeVar("QS", bound=QuerySet[Any])


def annotate_grades(qs: QS, grade: str = "", tenant: TenantArg = INSTALLATION) -> tuple[QS, str]:
    """`qs` with GRADE, GRADE_REASON and COMPLETION of the tenant's latest locked period (filtered by
    `grade`, one or several of GRADE_FILTERS comma-separated) and that period's label; unchanged
    without grading."""
    registered = ledger_grades()
    if registered is None:
        return qs, ""
    annotated, label = registered.annotate(qs, parse_grades(grade), tenant)
    return cast(QS, annotated), label


def grade_label(grade: str | None) -> str:
    return GRADE_FILTERS.get(grade or "", "")


# Other apps' lines on a project's timeline (deputies' visits): key → (label, (user, project) → entries
# of projects.queries.Entry). The timeline's kind filter lists them after its own kinds.
TimelineSource = tuple[str, Callable[[Any, Any], list[Any]]]
_timeline: dict[str, TimelineSource] = {}


def register_timeline(key: str, label: str, entries: Callable[[Any, Any], list[Any]]) -> None:
    _timeline[key] = (label, entries)


def timeline_sources() -> dict[str, TimelineSource]:
    return dict(_timeline)

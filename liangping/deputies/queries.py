"""What the deputies' pages show: a project's public figures, proposals' counts and 按时答复率."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from liangping.cases.models import Case
from liangping.core.models import Org, OrgKind
from liangping.core.scope import AnyUser
from liangping.deputies.models import ProposalProject
from liangping.projects.extensions import annotate_grades, grade_label
from liangping.projects.models import Project

PROPOSAL = "proposal"

# What a deputy or member reads of a project: the public ledger's columns, never its contacts.
PUBLIC_FIELDS = (
    ("code", "项目编号"),
    ("name", "项目名称"),
    ("level", "项目级别"),
    ("district", "所属区（市）"),
    ("industry", "产业类别"),
    ("stage", "建设阶段"),
    ("total_investment", "总投资（万元）"),
    ("annual_plan", "年度计划投资（万元）"),
    ("planned_start", "计划开工时间"),
    ("planned_end", "计划竣工时间"),
    ("department", "责任部门"),
)


def public_rows(projects: QuerySet[Project]) -> list[dict[str, Any]]:
    """The projects with their public figures and the latest locked grade (constant queries)."""
    annotated, period = annotate_grades(projects.select_related("district", "department"))
    rows = []
    for p in annotated:
        rows.append(
            {
                "project": p,
                "figures": [
                    (
                        label,
                        getattr(p, f"get_{name}_display")()
                        if name in ("level", "stage")
                        else getattr(p, name),
                    )
                    for name, label in PUBLIC_FIELDS
                ],
                "grade": getattr(p, "snap_grade", None),
                "grade_label": grade_label(getattr(p, "snap_grade", None)),
                "period": period,
            }
        )
    return rows


def proposals_for(user: AnyUser) -> QuerySet[Case]:
    return Case.objects.visible_to(user).of_kind(PROPOSAL).select_related("lead_org")


@dataclass
class DepartmentRate:
    org: str
    total: int
    answered: int
    on_time: int
    open: int

    @property
    def rate(self) -> Decimal | None:
        """按时答复率 in per cent, exact (None before any answer)."""
        return None if not self.answered else Decimal(self.on_time) * 100 / self.answered


def department_rates(cases: QuerySet[Case]) -> list[DepartmentRate]:
    """Per lead department: proposals handed to it, answered, answered by their deadline, still open
    (one query)."""
    by_org: dict[str, DepartmentRate] = {}
    for name, replied, deadline, closed in cases.exclude(lead_org=None).values_list(
        "lead_org__name", "replied_at", "deadline", "closed_at"
    ):
        row = by_org.setdefault(name, DepartmentRate(name, 0, 0, 0, 0))
        row.total += 1
        if replied is not None:
            row.answered += 1
            if deadline is not None and timezone.localdate(replied) <= deadline:
                row.on_time += 1
        if closed is None:
            row.open += 1
    return sorted(by_org.values(), key=lambda r: (-r.total, r.org))


def linked_projects(case_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for cid, code in ProposalProject.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "project__code"
    ):
        out.setdefault(cid, []).append(code)
    return out


def lead_units(tenant: int | None) -> QuerySet[Org]:
    qs = Org.objects.filter(kind__in=[OrgKind.DEPARTMENT, OrgKind.DISTRICT])
    return qs if tenant is None else qs.filter(tenant_id=tenant)


def today() -> dt.date:
    return timezone.localdate()

"""一件事 bundles: a bundle names its matters (with the limits before and after the reform); one
combined form asks every field of its matters once; materials are uploaded once (the application's
attachments, which every department sees as a co-unit); submitting registers one `bundle` case and fans
it out to one `bundle_part` case per department, joined when all are closed."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone

from liangping.cases import engine
from liangping.cases.clock import case_calendar
from liangping.cases.models import Case
from liangping.core.audit import record
from liangping.core.models import Org, User
from liangping.core.workdays import WorkCalendar
from liangping.services.models import Bundle, BundleMatter, HandledCase, Matter

KIND, PART_KIND = "bundle", "bundle_part"
BASE_FIELDS: list[dict[str, Any]] = [
    {"code": "applicant", "label": "申请人（企业名称）", "type": "text", "required": True},
    {"code": "phone", "label": "联系电话", "type": "phone", "required": False},
]


class BundleError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Item:
    code: str
    old_days: int | None = None
    new_days: int | None = None


@transaction.atomic
def define_bundle(
    actor: User | None,
    *,
    tenant: Org | None,
    code: str,
    name: str,
    items: Sequence[Item],
    point: Any = None,
    old_days: int | None = None,
    new_days: int | None = None,
    reformed_on: dt.date | None = None,
    note: str = "",
    sample: bool = False,
) -> Bundle:
    """Create or replace a bundle's definition. A matter not in the catalogue or of no department is an
    error naming it (field "matters"); nothing is saved."""
    if not name.strip():
        raise BundleError("name", "请填写一件事名称")
    if not items:
        raise BundleError("matters", "请列出一件事包含的事项")
    tenant_id = tenant.pk if tenant is not None else None
    codes = [i.code.strip() for i in items]
    found = {
        m.code: m
        for m in Matter.objects.filter(tenant_id=tenant_id, code__in=codes).select_related("department")
    }
    for i, c in enumerate(codes, start=1):
        m = found.get(c)
        if m is None:
            raise BundleError("matters", f"第{i}项事项编码“{c}”不在事项目录中")
        if m.department is None:
            raise BundleError("matters", f"第{i}项事项“{m.name}”没有实施部门，一件事的每个事项都须有实施部门")
        if codes.count(c) > 1:
            raise BundleError("matters", f"事项“{m.name}”重复列出")
    for i, item in enumerate(items, start=1):
        for days in (item.old_days, item.new_days):
            if days is not None and days < 0:
                raise BundleError("matters", f"第{i}项的时限不能为负数")
    bundle, created = Bundle.objects.get_or_create(
        tenant_id=tenant_id, code=code, defaults={"name": name.strip(), "sample": sample}
    )
    bundle.name, bundle.point, bundle.note, bundle.sample = name.strip(), point, note, sample
    bundle.old_days, bundle.new_days, bundle.reformed_on = old_days, new_days, reformed_on
    if not created:
        bundle.version += 1
    bundle.save()
    bundle.items.all().delete()
    BundleMatter.objects.bulk_create(
        [
            BundleMatter(
                bundle=bundle, matter=found[i.code.strip()], old_days=i.old_days, new_days=i.new_days, sort=n
            )
            for n, i in enumerate(items)
        ]
    )
    record(
        actor,
        "services.bundle.create" if created else "services.bundle.update",
        bundle,
        changes={"matters": [None, codes]},
    )
    return bundle


def items_of(bundle: Bundle) -> list[BundleMatter]:
    return list(bundle.items.select_related("matter__department").order_by("sort", "id"))


def departments(items: Iterable[BundleMatter]) -> list[Org]:
    out: dict[int, Org] = {}
    for bm in items:
        assert bm.matter.department is not None
        out.setdefault(bm.matter.department.pk, bm.matter.department)
    return list(out.values())


def form_fields(items: Iterable[BundleMatter]) -> list[dict[str, Any]]:
    """The union of the matters' fields, each asked once (by code; the first label wins), after the
    applicant's name and phone. Each field lists the matters that need it."""
    out: dict[str, dict[str, Any]] = {f["code"]: {**f, "for": []} for f in BASE_FIELDS}
    for bm in items:
        for f in bm.matter.fields or []:
            entry = out.setdefault(
                f["code"],
                {
                    "code": f["code"],
                    "label": f["label"],
                    "type": f.get("type", "text"),
                    "required": bool(f.get("required", True)),
                    "for": [],
                },
            )
            entry["for"].append(bm.matter.name)
    return list(out.values())


def asked_count(items: Iterable[BundleMatter]) -> tuple[int, int]:
    """(fields the matters ask in all, fields the combined form asks): the form asks each once."""
    items = list(items)
    total = sum(len(bm.matter.fields or []) for bm in items) + len(BASE_FIELDS)
    return total, len(form_fields(items))


@transaction.atomic
def submit(
    actor: User,
    bundle: Bundle,
    answers: dict[str, str],
    *,
    attachments: Sequence[engine.Upload] = (),
    at: dt.datetime | None = None,
) -> Case:
    """One application: the bundle case (answers, shared materials) fanned out to each department."""
    items = items_of(bundle)
    fields = form_fields(items)
    clean: dict[str, str] = {}
    for f in fields:
        value = str(answers.get(f["code"], "")).strip()
        if f["required"] and not value:
            raise engine.CaseFieldError(f"f_{f['code']}", f"请填写{f['label']}")
        if len(value) > 500:
            raise engine.CaseFieldError(f"f_{f['code']}", f"{f['label']}超过 500 个字，请精简")
        clean[f["code"]] = value
    labels = {f["code"]: f["label"] for f in fields}
    lines = [f"{labels[k]}：{v}" for k, v in clean.items() if v and k not in ("applicant", "phone")]
    case = engine.register(
        KIND,
        actor=actor,
        title=f"{bundle.name}：{clean['applicant']}"[:200],
        description="\n".join(lines),
        data={
            "applicant": clean["applicant"],
            "phone": clean.get("phone", ""),
            "answers": json.dumps(clean, ensure_ascii=False),
        },
        subject=bundle,
        requester=actor,
        attachments=attachments,
        at=at,
    )
    by_dept: dict[int, list[BundleMatter]] = defaultdict(list)
    for bm in items:
        assert bm.matter.department_id is not None
        by_dept[bm.matter.department_id].append(bm)
    children = []
    for dept in departments(items):
        mine = by_dept[dept.pk]
        codes = {f["code"] for bm in mine for f in (bm.matter.fields or [])}
        children.append(
            {
                "lead_org": dept,
                "title": f"{bundle.name}·{dept.name}：{clean['applicant']}"[:200],
                "description": "\n".join(
                    [f"{labels[c]}：{clean[c]}" for c in labels if c in codes and clean.get(c)]
                    + [f"共享材料：见申请（受理编号 {case.receipt_no}）的附件"]
                ),
                "data": {"matters": "\n".join(f"{bm.matter.code} {bm.matter.name}" for bm in mine)},
            }
        )
    engine.act(case, "dispatch", actor=actor, children=children, at=at)
    return case


# -- times -------------------------------------------------------------------------------------------


def workdays(calendar: WorkCalendar, start: dt.datetime, end: dt.datetime | None) -> int | None:
    if end is None:
        return None
    return calendar.workdays_between(timezone.localdate(start), timezone.localdate(end))


def hours(start: dt.datetime, end: dt.datetime | None) -> str:
    if end is None:
        return ""
    return f"{(end - start).total_seconds() / 3600:.1f}"


def application_rows(case: Case, bundle: Bundle) -> dict[str, Any]:
    """Per matter: department, the part's state, elapsed working days (and hours) from submission,
    against the old and new limits; and the application's own time. Three queries."""
    calendar = case_calendar(case)  # the application's city's working days
    items = items_of(bundle)
    parts = {k.lead_org_id: k for k in engine.children(case)}
    rows = []
    for bm in items:
        part = parts.get(bm.matter.department_id)
        done_at = part.closed_at if part is not None else None
        days = workdays(calendar, case.registered_at, done_at)
        rows.append(
            {
                "matter": bm.matter,
                "department": bm.matter.department,
                "part": part,
                "state": part.get_status_display() if part is not None else "未分办",
                "old_days": bm.old_days,
                "new_days": bm.new_days,
                "days": days,
                "hours": hours(case.registered_at, done_at),
                "within": None if days is None or bm.new_days is None else days <= bm.new_days,
            }
        )
    total_days = workdays(calendar, case.registered_at, case.closed_at)
    return {
        "rows": rows,
        "departments": len(parts),
        "days": total_days,
        "hours": hours(case.registered_at, case.closed_at),
        "new_days": bundle.new_days,
        "old_days": bundle.old_days,
        "within": None if total_days is None or bundle.new_days is None else total_days <= bundle.new_days,
    }


def before_after(bundle: Bundle, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The bundle's matters handled at its window from start to end, before and after the reform day:
    cases and average working days per matter; and the applications (and their average time). Three
    queries."""
    items = items_of(bundle)
    qs = HandledCase.objects.between(start, end).filter(matter__in=[bm.matter_id for bm in items])
    if bundle.point_id is not None:
        qs = qs.filter(point_id=bundle.point_id)
    reform = bundle.reformed_on or end + dt.timedelta(days=1)
    stats: dict[tuple[int, bool], dict[str, Any]] = {}
    for after in (False, True):
        part = qs.filter(received_on__gte=reform) if after else qs.filter(received_on__lt=reform)
        for row in (
            part.filter(workdays__isnull=False)
            .values("matter_id")
            .annotate(n=Count("id"), avg=Avg("workdays"))
        ):
            stats[(row["matter_id"], after)] = row
    out = []
    for bm in items:
        b, a = stats.get((bm.matter_id, False)), stats.get((bm.matter_id, True))
        out.append(
            {
                "matter": bm.matter,
                "old_days": bm.old_days,
                "new_days": bm.new_days,
                "before_n": b["n"] if b else 0,
                "before_avg": _avg(b),
                "after_n": a["n"] if a else 0,
                "after_avg": _avg(a),
                "saved": _saved(b, a),
            }
        )
    apps = Case.objects.for_subject(bundle).filter(
        registered_at__date__gte=start, registered_at__date__lte=end
    )
    return {
        "rows": out,
        "applications": apps.count(),
        "reformed_on": bundle.reformed_on,
        "start": start,
        "end": end,
    }


def _avg(row: dict[str, Any] | None) -> str:
    return f"{float(row['avg']):.1f}" if row and row["avg"] is not None else "—"


def _saved(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    if not before or not after or not before["avg"]:
        return "—"
    return f"{(1 - float(after['avg']) / float(before['avg'])) * 100:.0f}%"


def limits_saved(bundle_items: Iterable[BundleMatter]) -> int:
    """Working days the reform takes off the matters' limits (sum of old − new)."""
    return sum((bm.old_days or 0) - (bm.new_days or 0) for bm in bundle_items if bm.old_days and bm.new_days)

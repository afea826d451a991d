"""Handled cases (办件): one matter handled at a point, recorded from a form, the API or the hall's daily
spreadsheet, and the figures drawn from them (审批不出镇 by town and matter, 进商超 by category, time
against the promised limit, the share finished at town level)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from liangping.core.audit import record
from liangping.core.models import User
from liangping.core.workdays import WorkCalendar
from liangping.services.models import (
    Applicant,
    HandledCase,
    Level,
    Matter,
    MatterList,
    Outcome,
    PointKind,
    PointMatter,
    ServicePoint,
    Source,
)


class HandledError(ValueError):
    """Bad input for a handled case, naming the field (form field or JSON key)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class HandledInput:
    ref: str
    point: ServicePoint
    matter: Matter
    applicant: str
    received_at: dt.datetime
    finished_at: dt.datetime | None = None
    outcome: str = ""


def check(item: HandledInput) -> None:
    """The rules every source shares; HandledError names the field at fault."""
    if not item.ref.strip():
        raise HandledError("ref", "请填写办件编号")
    if item.applicant not in Applicant.values:
        raise HandledError("applicant", "申请人类型只能是个人或企业")
    if item.finished_at is not None and item.finished_at < item.received_at:
        raise HandledError("finished_at", "办结时间早于受理时间，请核对")
    if item.outcome and item.outcome not in Outcome.values:
        raise HandledError("outcome", f"办理结果只能是{'、'.join(Outcome.labels)}")
    if item.finished_at is not None and not item.outcome:
        raise HandledError("outcome", "已办结的办件请填写办理结果")
    if item.point.tenant_id != item.matter.tenant_id:
        raise HandledError("matter", "事项不在该服务点所在城市的事项目录中")
    day = timezone.localdate(item.received_at)
    if item.matter.listed_on > day or (
        item.matter.withdrawn_on is not None and item.matter.withdrawn_on <= day
    ):
        raise HandledError("matter", f"受理当日（{day}）事项“{item.matter.name}”不在事项目录中")


def timing(item: Any, calendar: WorkCalendar) -> tuple[int | None, bool | None]:
    """(working days taken, within the promised limit) of a finished case; (None, None) while open."""
    if item.finished_at is None:
        return None, None
    days = calendar.workdays_between(
        timezone.localdate(item.received_at), timezone.localdate(item.finished_at)
    )
    limit = item.matter.promised_days if item.matter.promised_days is not None else item.matter.legal_days
    return days, (days <= limit) if limit is not None else None


def build(
    item: HandledInput, actor: User | None, source: str, calendar: WorkCalendar, sample: bool = False
) -> HandledCase:
    days, on_time = timing(item, calendar)
    return HandledCase(
        tenant_id=item.point.tenant_id,
        ref=item.ref.strip(),
        point=item.point,
        matter=item.matter,
        applicant=item.applicant,
        received_at=item.received_at,
        received_on=timezone.localdate(item.received_at),
        finished_at=item.finished_at,
        outcome=item.outcome,
        workdays=days,
        on_time=on_time,
        source=source,
        sample=sample,
        created_by=actor if actor is not None and actor.pk else None,
    )


@transaction.atomic
def record_handled(actor: User | None, item: HandledInput, source: str = Source.FORM) -> HandledCase:
    check(item)
    if HandledCase.objects.filter(tenant_id=item.point.tenant_id, ref=item.ref.strip()).exists():
        raise HandledError("ref", f"办件编号“{item.ref.strip()}”已登记过")
    row = build(item, actor, source, WorkCalendar.load(item.point.tenant_id))  # the point's city's days
    row.save()
    record(
        actor,
        "services.handled.create",
        row,
        changes={
            "point": [None, item.point.name],
            "matter": [None, item.matter.code],
            "received_at": [None, item.received_at.isoformat()],
            "finished_at": [None, item.finished_at.isoformat() if item.finished_at else None],
        },
    )
    return row


# -- figures -----------------------------------------------------------------------------------------


def pilot_figures(tenant: int | None, until: dt.date | None = None) -> dict[str, Any]:
    """审批不出镇: the cases handled at the pilot towns' halls (cumulative to `until`), by town and by
    matter, and the size of the guidance catalogue. Three queries."""
    qs = HandledCase.objects.filter(point__pilot=True)
    if tenant is not None:
        qs = qs.filter(tenant_id=tenant)
    if until is not None:
        qs = qs.filter(received_on__lte=until)
    by_town = list(qs.values("point__name").annotate(n=Count("id")).order_by("-n", "point__name"))
    by_matter = list(qs.values("matter__name").annotate(n=Count("id")).order_by("-n", "matter__name"))
    towns = ServicePoint.objects.filter(pilot=True)
    if tenant is not None:
        towns = towns.filter(tenant_id=tenant)
    guides = {p.guide_id for p in towns.only("guide_id") if p.guide_id}
    guide_size = (
        MatterList.matters.through.objects.filter(matterlist_id__in=guides)
        .values("matter_id")
        .distinct()
        .count()
    )
    return {
        "total": sum(r["n"] for r in by_town),
        "towns": [{"name": r["point__name"], "count": r["n"]} for r in by_town],
        "matters": [{"name": r["matter__name"], "count": r["n"]} for r in by_matter],
        "pilot_towns": len(towns),
        "guide_size": guide_size,
    }


def mall_figures(tenant: int | None, until: dt.date | None = None) -> dict[str, Any]:
    """进商超: the malls' points with their categories and matters, and cases handled by category."""
    points = ServicePoint.objects.filter(kind=PointKind.MALL)
    if tenant is not None:
        points = points.filter(tenant_id=tenant)
    listed = list(
        PointMatter.objects.filter(point__in=points).values_list("point_id", "matter_id", "category")
    )
    category_of = {(p, m): c for p, m, c in listed}
    categories: dict[str, set[int]] = defaultdict(set)
    for _p, m, c in listed:
        categories[c or "其他"].add(m)
    qs = HandledCase.objects.filter(point__in=points)
    if until is not None:
        qs = qs.filter(received_on__lte=until)
    counts: Counter[str] = Counter()
    for p, m, n in qs.values_list("point_id", "matter_id").annotate(n=Count("id")):
        counts[category_of.get((p, m)) or "其他"] += n
    return {
        "points": [p.name for p in points],
        "categories": [
            {"name": c, "matters": len(ms), "count": counts.get(c, 0)} for c, ms in sorted(categories.items())
        ],
        "category_count": len(categories),
        "matter_count": len({m for _p, m, _c in listed}),
        "total": sum(counts.values()),
    }


def month_figures(tenant: int | None, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Cases handled from start to end: by level, by point (top 10), time against the promised limit
    and the share finished at town level or below. Three queries."""
    qs = HandledCase.objects.between(start, end)
    if tenant is not None:
        qs = qs.filter(tenant_id=tenant)
    by_level = dict(qs.values_list("point__level").annotate(n=Count("id")))
    by_point = list(qs.values("point__name").annotate(n=Count("id")).order_by("-n", "point__name")[:10])
    timing_row = qs.aggregate(
        finished=Count("id", filter=Q(finished_at__isnull=False)),
        in_time=Count("id", filter=Q(on_time=True)),
        timed=Count("id", filter=Q(on_time__isnull=False)),
    )
    total = sum(by_level.values())
    local = by_level.get(Level.TOWN, 0) + by_level.get(Level.VILLAGE, 0)
    return {
        "total": total,
        "levels": [{"level": lv.value, "name": lv.label, "count": by_level.get(lv.value, 0)} for lv in Level],
        "points": [{"name": r["point__name"], "count": r["n"]} for r in by_point],
        "finished": timing_row["finished"],
        "on_time": timing_row["in_time"],
        "on_time_rate": rate(timing_row["in_time"], timing_row["timed"]),
        "town_share": rate(local, total),
    }


def rate(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"

"""The services figures as plain data: the internal overview page, and the public summary the period's
lock freezes into its snapshot (aggregates only: counts, shares and days, never a person, firm or
application) for the screen's services page and the quarterly disclosure."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.db.models import Count, F, Q

from liangping.cases.models import Case
from liangping.core.scope import AnyUser
from liangping.services import handled as handled_svc
from liangping.services import points as points_svc
from liangping.services.bundles import items_of, limits_saved
from liangping.services.catalogue import count_as_of
from liangping.services.models import Bundle, Level, PointKind, ServicePoint

ASSIST = "assist"


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def bundle_rows(tenant: int | None) -> list[dict[str, Any]]:
    bundles = Bundle.objects.all() if tenant is None else Bundle.objects.filter(tenant_id=tenant)
    out = []
    for b in bundles.order_by("id")[:20]:
        items = items_of(b)
        depts = {bm.matter.department_id for bm in items}
        out.append(
            {
                "bundle": b,
                "name": b.name,
                "matters": len(items),
                "departments": len(depts),
                "limits": [
                    {"matter": bm.matter.name, "old": bm.old_days, "new": bm.new_days}
                    for bm in items
                    if bm.old_days and bm.new_days and bm.old_days != bm.new_days
                ],
                "days_saved": limits_saved(items),
            }
        )
    return out


def assist_figures(tenant: int | None, start: dt.date, end: dt.date) -> dict[str, Any]:
    """帮办代办 requests closed 办成 from start to end, and how many within their deadline. One query."""
    qs = Case.objects.of_kind(ASSIST).filter(closed_at__date__gte=start, closed_at__date__lte=end)
    if tenant is not None:
        qs = qs.filter(lead_org__tenant_id=tenant)
    row = qs.aggregate(
        done=Count("id"),
        on_time=Count("id", filter=Q(deadline__isnull=True) | Q(finished_at__date__lte=F("deadline"))),
    )
    return {
        "done": row["done"],
        "on_time": row["on_time"],
        "rate": handled_svc.rate(row["on_time"], row["done"]),
    }


def overview(tenant: int | None, today: dt.date, user: AnyUser | None = None) -> dict[str, Any]:
    start, end = month_bounds(today)
    points = ServicePoint.objects.all() if tenant is None else ServicePoint.objects.filter(tenant_id=tenant)
    by_level = dict(points.filter(kind=PointKind.HALL).values_list("level").annotate(n=Count("id")))
    special = dict(points.exclude(kind=PointKind.HALL).values_list("kind").annotate(n=Count("id")))
    rule = points_svc.rule_rows(points)
    return {
        "today": today,
        "matters": count_as_of(today, tenant),
        "halls": [{"level": lv.value, "name": lv.label, "count": by_level.get(lv.value, 0)} for lv in Level],
        "special": [
            {"name": k.label, "count": special.get(k.value, 0)} for k in PointKind if k != PointKind.HALL
        ],
        "rule_flagged": sum(1 for r in rule if not r.ok),
        "rule_total": len(rule),
        "pilot": handled_svc.pilot_figures(tenant, today),
        "mall": handled_svc.mall_figures(tenant, today),
        "month": handled_svc.month_figures(tenant, start, end),
        "bundles": bundle_rows(tenant),
        "assist": assist_figures(tenant, start, end),
    }


def public_summary(tenant: int | None, start: dt.date, end: dt.date) -> dict[str, Any]:
    """What the locked snapshot keeps for the screen and the disclosure: the period's handled cases by
    level and point, 审批不出镇 and 进商超 to the period's end, 一件事 limits, 帮办代办 办成 on time."""
    month = handled_svc.month_figures(tenant, start, end)
    pilot = handled_svc.pilot_figures(tenant, end)
    mall = handled_svc.mall_figures(tenant, end)
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "matters": count_as_of(end, tenant),
        "handled": month["total"],
        "levels": month["levels"],
        "points": month["points"],
        "on_time_rate": month["on_time_rate"],
        "town_share": month["town_share"],
        "pilot": {
            "towns": pilot["pilot_towns"],
            "guide": pilot["guide_size"],
            "total": pilot["total"],
            "by_town": pilot["towns"],
            "by_matter": pilot["matters"][:10],
        },
        "mall": {
            "points": mall["points"],
            "categories": mall["category_count"],
            "matters": mall["matter_count"],
            "by_category": mall["categories"],
            "total": mall["total"],
        },
        "bundles": [{k: v for k, v in b.items() if k != "bundle"} for b in bundle_rows(tenant)],
        "assist": assist_figures(tenant, start, end),
    }

"""The campaign page's figures, computed apart from drawing them: day N of the length, inspections
against targets per town, hazards found / fixed / overdue, and the burn-down series. A constant number
of queries whatever the number of inspections and hazards."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.utils import timezone

from liangping.cases.models import Case
from liangping.core.scope import AnyUser
from liangping.foodsafety.models import Campaign, CampaignTarget, Inspection


def hazards_of(campaign: Campaign, user: AnyUser) -> Any:
    return Case.objects.visible_to(user).of_kind("food_hazard").for_subject(campaign)


def campaign_figures(campaign: Campaign, user: AnyUser, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    day = campaign.day_number(today)
    targets = {t.town_id: t for t in CampaignTarget.objects.filter(campaign=campaign).select_related("town")}
    done = dict(
        Inspection.objects.filter(campaign=campaign)
        .values("firm__town")
        .annotate(n=Count("id"))
        .values_list("firm__town", "n")
    )
    towns = []
    for town in campaign.towns.order_by("path"):
        target = targets[town.pk].target if town.pk in targets else 0
        n = done.get(town.pk, 0)
        share = min(100, round(100 * n / target)) if target else (100 if n else 0)
        towns.append({"town": town, "target": target, "done": n, "share": share, "bar": 10 * (share // 10)})
    hazards = hazards_of(campaign, user)
    specs = hazards._specs()
    spec = specs.get("food_hazard")
    rows = list(hazards.values_list("status", "registered_at", "closed_at", "deadline"))
    open_states = set(spec.open_states()) if spec else set()
    running = set(spec.clock_states("run")) if spec else set()
    found = len(rows)
    fixed = sum(1 for status, *_ in rows if status not in open_states)
    overdue = sum(
        1 for status, _r, _c, deadline in rows if status in running and deadline and deadline < today
    )
    states: dict[str, int] = {}
    for status, *_ in rows:
        states[status] = states.get(status, 0) + 1
    return {
        "day": day,
        "days": campaign.days,
        "left": max(0, campaign.days - day),
        "towns": towns,
        "inspections": sum(done.values()),
        "target_total": sum(t.target for t in targets.values()),
        "found": found,
        "fixed": fixed,
        "open": found - fixed,
        "overdue": overdue,
        "states": [(s.code, s.label, states.get(s.code, 0), s.tone) for s in spec.states] if spec else [],
        "burndown": burndown(campaign, rows, today),
    }


def burndown(campaign: Campaign, rows: list[tuple[Any, ...]], today: dt.date) -> dict[str, Any]:
    """Per day of the campaign so far: hazards found to date, struck off to date, still open; and the
    ideal line from the open count at its peak to zero on the last day."""
    last = min(today, campaign.end_date)
    days: list[str] = []
    found_s: list[int] = []
    closed_s: list[int] = []
    open_s: list[int] = []
    regs = sorted(timezone.localdate(r[1]) for r in rows)
    closes = sorted(timezone.localdate(r[2]) for r in rows if r[2] is not None)
    d = campaign.start_date
    i = j = 0
    while d <= last:
        while i < len(regs) and regs[i] <= d:
            i += 1
        while j < len(closes) and closes[j] <= d:
            j += 1
        days.append(f"第{(d - campaign.start_date).days + 1}天")
        found_s.append(i)
        closed_s.append(j)
        open_s.append(i - j)
        d += dt.timedelta(days=1)
    peak = max(open_s or [0])
    at = open_s.index(peak) if open_s else 0
    span = max(1, campaign.days - 1 - at)
    ideal = [None] * at + [round(peak * (1 - k / span), 1) for k in range(len(open_s) - at)]
    return {
        "days": days,
        "found": found_s,
        "closed": closed_s,
        "open": open_s,
        "ideal": ideal,
        "total": campaign.days,
    }


def dashboard_campaign(user: AnyUser, today: dt.date | None = None) -> dict[str, Any] | None:
    """The internal dashboard's food-safety block: the latest campaign the user takes part in, its day
    and its hazards found / struck off / overdue. Two queries; None when there is none."""
    today = today or timezone.localdate()
    campaign = Campaign.objects.visible_to(user).order_by("-start_date", "-id").first()
    if campaign is None:
        return None
    hazards = hazards_of(campaign, user)
    spec = hazards._specs().get("food_hazard")
    if spec is None:
        return None
    open_states, running = set(spec.open_states()), set(spec.clock_states("run"))
    rows = list(hazards.values_list("status", "deadline"))
    return {
        "campaign": campaign,
        "day": campaign.day_number(today),
        "found": len(rows),
        "fixed": sum(1 for s, _d in rows if s not in open_states),
        "overdue": sum(1 for s, d in rows if s in running and d is not None and d < today),
    }

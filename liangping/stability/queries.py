"""What the ledger pages show, computed apart from drawing it: per unit and per town, open items by
risk level, missed follow-ups (overdue), items closed this month, and the towns × levels heat table.

A constant number of queries whatever the number of items: the cases are read once as plain values
(the kind's few thousand rows), the org names once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from liangping.cases.models import Case
from liangping.core.models import Org
from liangping.core.scope import AnyUser, role_of
from liangping.kinds.spec import KindSpec
from liangping.stability.models import LEDGER_ROLES

LEVELS = (("high", "高", "red"), ("medium", "中", "yellow"), ("low", "低", "blue"))
KIND = "stability"


def _month_start(today: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(today.year, today.month, 1))


def ledger_figures(user: AnyUser, kind: str = KIND, today: dt.date | None = None) -> dict[str, Any]:
    """The ledger's figures within the user's scope. Three queries (the kinds, the cases, the orgs)."""
    today = today or timezone.localdate()
    qs = Case.objects.visible_to(user).of_kind(kind)
    specs: dict[str, KindSpec] = qs._specs()
    spec = specs.get(kind)
    if spec is None:
        return {"spec": None, "towns": [], "units": [], "levels": [], "totals": {}}
    open_states = set(spec.open_states())
    running = set(spec.clock_states("run"))
    start = _month_start(today)
    rows = list(
        qs.values_list("urgency", "status", "place_org_id", "lead_org_id", "closed_at", "deadline", "data")
    )
    town_of = {}
    towns: dict[int, dict[str, Any]] = {}
    units: dict[int, dict[str, Any]] = {}
    totals = {"open": 0, "overdue": 0, "closed_month": 0, "all": len(rows), "reopened": 0}
    by_level = {code: 0 for code, _, _ in LEVELS}

    def blank() -> dict[str, Any]:
        return {"levels": {code: 0 for code, _, _ in LEVELS}, "open": 0, "overdue": 0, "closed_month": 0}

    for urgency, status, place_id, lead_id, closed_at, deadline, data in rows:
        town_id = place_id or (data.get("town") if isinstance(data.get("town"), int) else None)
        town_of[town_id] = True
        buckets = []
        if town_id:
            buckets.append(towns.setdefault(town_id, blank()))
        if lead_id:
            buckets.append(units.setdefault(lead_id, blank()))
        is_open = status in open_states
        overdue = status in running and deadline is not None and deadline < today
        closed_month = closed_at is not None and closed_at >= start and not is_open
        if is_open:
            totals["open"] += 1
            if urgency in by_level:
                by_level[urgency] += 1
        totals["overdue"] += overdue
        totals["closed_month"] += closed_month
        for b in buckets:
            if is_open and urgency in b["levels"]:
                b["levels"][urgency] += 1
            b["open"] += is_open
            b["overdue"] += overdue
            b["closed_month"] += closed_month
    names = dict(Org.objects.filter(pk__in=[*towns, *units]).values_list("pk", "name"))
    peak = max([n for t in towns.values() for n in t["levels"].values()] or [0])

    def table(source: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for pk, b in source.items():
            cells = [
                {
                    "code": code,
                    "label": label,
                    "tone": tone,
                    "n": b["levels"][code],
                    "heat": _heat(b["levels"][code], peak),
                }
                for code, label, tone in LEVELS
            ]
            out.append({"pk": pk, "name": names.get(pk, "—"), "cells": cells, **b})
        return sorted(out, key=lambda r: (-r["open"], r["name"]))

    return {
        "spec": spec,
        "towns": table(towns),
        "units": table(units),
        "levels": [{"code": c, "label": label, "tone": tone, "n": by_level[c]} for c, label, tone in LEVELS],
        "totals": totals,
    }


def _heat(n: int, peak: int) -> int:
    """0–4: how hot a cell of the heat table is, relative to the hottest cell."""
    if n <= 0 or peak <= 0:
        return 0
    return min(4, 1 + (4 * n - 1) // peak)


def dashboard_figures(user: AnyUser, today: dt.date | None = None) -> dict[str, Any] | None:
    """The internal dashboard's 稳定 block within the user's scope: open items by level, missed
    follow-ups, struck off this month. One query (the kinds travel with the user); None for the roles
    the ledger is not for."""
    if role_of(user) not in LEDGER_ROLES:
        return None
    today = today or timezone.localdate()
    qs = Case.objects.visible_to(user).of_kind(KIND)
    spec = qs._specs().get(KIND)
    if spec is None:
        return None
    open_states, running = set(spec.open_states()), set(spec.clock_states("run"))
    start = _month_start(today)
    levels = {code: 0 for code, _, _ in LEVELS}
    out = {"open": 0, "overdue": 0, "closed_month": 0}
    for urgency, status, closed_at, deadline in qs.values_list("urgency", "status", "closed_at", "deadline"):
        if status in open_states:
            out["open"] += 1
            if urgency in levels:
                levels[urgency] += 1
        elif closed_at is not None and closed_at >= start:
            out["closed_month"] += 1
        if status in running and deadline is not None and deadline < today:
            out["overdue"] += 1
    return {**out, "levels": [{"label": label, "tone": tone, "n": levels[c]} for c, label, tone in LEVELS]}

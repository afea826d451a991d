"""The internal ledgers' records for the authorisation matrix: a sweep, a reception day, a campaign and
a stability item inside the district user's scope (滕州市 and its town; the sweep and the campaign
also name 市发展改革委) and one of each outside it (市中区)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from liangping.cases import engine
from liangping.core.models import Org, OrgKind
from liangping.foodsafety import services as food
from liangping.stability import services as stab
from tests.cast import Cast


@dataclass
class LedgersWorld:
    town_in: Org
    town_out: Org
    sweep_in: Any
    sweep_out: Any
    reception_in: Any
    reception_out: Any
    campaign_in: Any
    campaign_out: Any
    stab_case_in: Any
    stab_case_out: Any


def build_ledgers(cast: Cast) -> LedgersWorld:
    town_in = Org.objects.create(name="示例街道（滕州）", kind=OrgKind.TOWN, parent=cast.tengzhou)
    town_out = Org.objects.create(name="示例街道（市中）", kind=OrgKind.TOWN, parent=cast.shizhong)
    today = timezone.localdate()
    sweeps = [
        stab.open_sweep(
            cast.supervisor,
            name=name,
            kind="stability",
            start_date=today - dt.timedelta(days=3),
            end_date=today + dt.timedelta(days=1),
            units=units,
        )
        for name, units in (
            ("示例排查（范围内）", [cast.tengzhou, cast.fagai]),
            ("示例排查（范围外）", [cast.shizhong]),
        )
    ]
    receptions = [
        stab.add_reception(cast.supervisor, date=today, leader="接待领导甲", place=place, org=org, visitors=3)
        for place, org in (
            ("示例接待地点（范围内）", cast.tengzhou),
            ("示例接待地点（范围外）", cast.shizhong),
        )
    ]
    campaigns = [
        food.start_campaign(
            cast.supervisor,
            name=name,
            start_date=today - dt.timedelta(days=9),
            days=100,
            towns=[town],
            departments=depts,
            leader=cast.leader,
            lead_department=lead,
            firms_text=f"示例食品厂（矩阵），{town.name}，生产",
            targets_text=f"{town.name}，5",
        )
        for name, town, depts, lead in (
            ("示例专项行动（范围内）", town_in, [cast.fagai], cast.fagai),
            ("示例专项行动（范围外）", town_out, [], cast.gongxin),
        )
    ]
    cases = []
    for title, town, lead in (
        ("示例稳定风险（范围内）", town_in, cast.tengzhou),
        ("示例稳定风险（范围外）", town_out, cast.shizhong),
    ):
        case = engine.register(
            "stability",
            actor=cast.supervisor,
            title=title,
            category="labor",
            urgency="high",
            data={"town": town.pk, "resp_unit": town.pk, "parties_count": 3},
            place_org=town,
        )
        plan = {"leader": "包案领导甲", "measures": "走访", "target_date": "2027-01-01"}
        engine.act(case, "assign", actor=cast.supervisor, lead_org=lead, data=plan)
        cases.append(case)
    return LedgersWorld(town_in, town_out, *sweeps, *receptions, *campaigns, *cases)

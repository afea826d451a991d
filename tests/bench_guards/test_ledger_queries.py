"""Query-count guards for the internal ledgers' pages: each page costs the same number of queries with
a few records and with many (items, sweep reports, reception days, inspections and hazards), and no
more than its budget (measured when the guard was written, plus one)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liangping.cases import engine
from liangping.core.models import Org, OrgKind, Role
from liangping.foodsafety import services as food
from liangping.stability import services as stab
from tests.cast import make_user

PAGES = {
    "stability": ("/stability/", 8),
    "sweeps": ("/stability/sweeps/", 7),
    "sweep": ("/stability/sweeps/{sweep}/", 11),
    "receptions": ("/stability/receptions/", 7),
    "campaigns": ("/foodsafety/", 9),
    "campaign": ("/foodsafety/{campaign}/", 13),
    "campaign_data": ("/foodsafety/{campaign}/data.json", 10),
}


class Ledgers:
    def __init__(self, cast) -> None:  # type: ignore[no-untyped-def]
        self.cast = cast
        self.towns = [
            Org.objects.create(name=f"测试街道{i}", kind=OrgKind.TOWN, parent=cast.tengzhou) for i in range(4)
        ]
        self.user = make_user("town0", Role.DISTRICT, self.towns[0], "街道综治员")
        today = timezone.localdate()
        self.sweep = stab.open_sweep(
            cast.supervisor,
            name="测试排查",
            kind="stability",
            start_date=today - dt.timedelta(days=5),
            end_date=today,
            units=self.towns,
        )
        self.campaign = food.start_campaign(
            cast.supervisor,
            name="测试专项行动",
            start_date=today - dt.timedelta(days=30),
            days=100,
            towns=self.towns,
            leader=cast.leader,
            lead_department=cast.fagai,
            firms_text="\n".join(f"测试企业{i}，{self.towns[i % 4].name}，餐饮" for i in range(40)),
            targets_text="\n".join(f"{t.name}，10" for t in self.towns),
        )
        self.n = 0

    def grow(self, n: int) -> None:
        today = timezone.localdate()
        for _ in range(n):
            i, self.n = self.n, self.n + 1
            town = self.towns[i % 4]
            data = {"town": town.pk, "resp_unit": town.pk, "parties_count": 3}
            item = stab.ItemInput(f"测试事项{i}", "labor", ["high", "medium", "low"][i % 3], data)
            if i % 4 == 0:
                stab.report_items(self.user, self.sweep, self.towns[0], [item])
            else:
                case = engine.register(
                    "stability",
                    actor=self.cast.supervisor,
                    title=item.title,
                    category="labor",
                    urgency=item.urgency,
                    data=data,
                    place_org=town,
                )
                engine.act(
                    case,
                    "assign",
                    actor=self.cast.supervisor,
                    lead_org=town,
                    data={"leader": "甲", "measures": "乙", "target_date": "2027-01-01"},
                )
            stab.add_reception(
                self.cast.supervisor, date=today, leader="甲", place=f"地点{i}", org=town, visitors=2
            )
            food.record_inspection(
                self.cast.supervisor,
                self.campaign,
                firm_name=f"测试企业{i % 40}",
                date=today,
                inspector="甲",
                result="hazard" if i % 2 else "passed",
                hazard_title=f"测试隐患{i}",
            )


def count(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx)


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
def test_ledger_pages_do_not_grow(cast, page):
    world = Ledgers(cast)
    url, budget = PAGES[page]
    url = url.format(sweep=world.sweep.pk, campaign=world.campaign.pk)
    client = Client()
    client.force_login(cast.supervisor)
    world.grow(4)
    small = count(client, url)
    world.grow(30)
    big = count(client, url)
    assert big <= small <= budget, f"{url}：{small} → {big} 次查询（预算 {budget}）"


@pytest.mark.django_db
def test_a_unit_sees_its_sweep_in_constant_queries(cast):
    world = Ledgers(cast)
    client = Client()
    client.force_login(world.user)
    url = f"/stability/sweeps/{world.sweep.pk}/"
    world.grow(4)
    small = count(client, url)
    world.grow(20)
    assert count(client, url) <= small

"""A city's sweeps, reception days and campaigns belong to it: another city's supervisor gets 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from liangping.core.models import Org, OrgKind, Role
from liangping.foodsafety import services as food
from liangping.stability import services as stab
from tests.cast import make_user


@pytest.mark.django_db
def test_another_citys_supervisor_sees_none_of_it(client, cast, towns):
    jinan = Org.objects.create(name="济南市", kind=OrgKind.CITY)
    office = Org.objects.create(name="济南市督查室", kind=OrgKind.OFFICE, parent=jinan)
    other = make_user("jinan_sup", Role.SUPERVISOR, office, "济南督查员")
    today = timezone.localdate()
    sweep = stab.open_sweep(
        cast.supervisor,
        name="枣庄排查",
        kind="stability",
        start_date=today,
        end_date=today,
        units=[towns.longquan],
    )
    day = stab.add_reception(
        cast.supervisor, date=today, leader="甲", place="乙", org=towns.longquan, visitors=1
    )
    campaign = food.start_campaign(
        cast.supervisor,
        name="枣庄专项行动",
        start_date=today - dt.timedelta(days=1),
        days=100,
        towns=[towns.longquan],
        leader=cast.leader,
        lead_department=cast.fagai,
    )
    client.force_login(other)
    for url in (
        f"/stability/sweeps/{sweep.pk}/",
        f"/stability/receptions/{day.pk}/",
        f"/foodsafety/{campaign.pk}/",
        f"/foodsafety/{campaign.pk}/data.json",
    ):
        assert client.get(url).status_code == 404, url
    for url in ("/stability/sweeps/", "/stability/receptions/", "/foodsafety/"):
        page = client.get(url).content.decode()
        assert "枣庄排查" not in page and "枣庄专项行动" not in page and "龙泉街道" not in page
    # a sweep may not name another city's units
    with pytest.raises(stab.LedgerError, match="不属于本市"):
        stab.open_sweep(
            other, name="x", kind="stability", start_date=today, end_date=today, units=[towns.longquan]
        )

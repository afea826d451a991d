"""Towns and their accounts for the ledger tests (the shared cast has districts and departments)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from liangping.core.models import Org, OrgKind, Role
from tests.cast import make_user


@pytest.fixture
def towns(cast):
    longquan = Org.objects.create(name="龙泉街道", kind=OrgKind.TOWN, parent=cast.tengzhou)
    beixin = Org.objects.create(name="北辛街道", kind=OrgKind.TOWN, parent=cast.tengzhou)
    xigang = Org.objects.create(name="西岗镇", kind=OrgKind.TOWN, parent=cast.tengzhou)
    return SimpleNamespace(
        longquan=longquan,
        beixin=beixin,
        xigang=xigang,
        longquan_user=make_user("longquan", Role.DISTRICT, longquan, "龙泉街道综治员"),
        beixin_user=make_user("beixin", Role.DISTRICT, beixin, "北辛街道综治员"),
        xigang_user=make_user("xigang", Role.DISTRICT, xigang, "西岗镇综治员"),
    )


def item_data(towns, **extra):
    data = {"town": towns.longquan.pk, "resp_unit": towns.longquan.pk, "parties_count": 12}
    data.update(extra)
    return data


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def days_ago():
    def at(n: int) -> dt.datetime:
        return timezone.now() - dt.timedelta(days=n)

    return at

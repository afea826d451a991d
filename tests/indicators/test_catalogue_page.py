"""The indicator catalogue is an administrator-editable default; every change is audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from liangping.core.models import AuditLog
from liangping.indicators.models import Direction, Indicator


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("sysadmin", 200), ("supervisor", 200), ("leader", 404), ("auditor", 404), ("secadmin", 404)],
)
def test_who_may_edit_the_catalogue(cast, who, status):
    assert client_for(getattr(cast, who)).get(reverse("indicators:catalogue")).status_code == status


@pytest.mark.django_db
def test_edit_direction_and_synonyms_is_audited(cast):
    gdp = Indicator.objects.get(name="地区生产总值")
    c = client_for(cast.sysadmin)
    data = {
        "name": gdp.name,
        "synonyms": "GDP，生产总值, 地区GDP",
        "unit": "亿元",
        "direction": Direction.LOWER,
        "rank_by": "value",
        "cumulative": "on",
        "sort": 1,
        "reason": "统计口径调整",
    }
    response = c.post(reverse("indicators:edit", args=[gdp.pk]), data)
    assert response.status_code == 302
    gdp.refresh_from_db()
    assert gdp.direction == Direction.LOWER and gdp.synonym_list() == ["GDP", "生产总值", "地区GDP"]
    entry = AuditLog.objects.get(action="indicator.update")
    assert entry.reason == "统计口径调整" and entry.changes["direction"] == ["higher", "lower"]
    assert entry.changes["rank_by"] == ["growth", "value"] and gdp.ranks_by_value


@pytest.mark.django_db
def test_a_synonym_of_another_indicator_is_refused(cast):
    gdp = Indicator.objects.get(name="地区生产总值")
    data = {
        "name": gdp.name,
        "synonyms": "进出口",
        "unit": "亿元",
        "direction": "higher",
        "rank_by": "growth",
        "sort": 1,
        "reason": "x",
    }
    page = client_for(cast.supervisor).post(reverse("indicators:edit", args=[gdp.pk]), data).content.decode()
    assert "已属于其他指标" in page
    assert not AuditLog.objects.filter(action="indicator.update").exists()

"""Registering a stability item through the generic API (POST /api/v1/cases, kind=stability): a good
item is saved with its fields, a bad one is refused with a Chinese message naming the JSON field and
nothing is saved; the list GET /api/v1/cases?kind=stability gives nothing to anyone outside the ledger."""

from __future__ import annotations

import pytest
from django.test import Client

from liangping.cases.models import Case
from liangping.core.models import AuditLog
from tests.security.ledgers_world import build_ledgers
from tests.stability.conftest import item_data

URL = "/api/v1/cases"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _item(towns, **changes):
    body = {
        "kind": "stability",
        "title": "示例接口登记的风险事项",
        "category": "labor",
        "urgency": "high",
        "data": item_data(towns),
        "place_org": towns.longquan.pk,
    }
    body.update(changes)
    return body


@pytest.mark.django_db
def test_a_town_registers_a_stability_item_through_the_api(cast, towns):
    response = _client(towns.longquan_user).post(URL, _item(towns), content_type="application/json")
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert case.kind == "stability" and case.status == "registered" and case.channel == "api"
    assert case.urgency == "high" and case.category.code == "labor" and case.place_org == towns.longquan
    assert case.data["resp_unit"] == towns.longquan.pk and case.data["parties_count"] == 12
    assert case.deadline is not None  # 高: the next follow-up within 7 days
    assert case.steps.count() == 1  # 排查登记, by the town
    listed = _client(towns.longquan_user).get(URL + "?kind=stability").json()
    assert [c["id"] for c in listed["items"]] == [case.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"urgency": ""}, "urgency", "风险等级"),  # no level
        ({"urgency": "severe"}, "urgency", "风险等级"),
        ({"data": {"town": 0, "parties_count": 3}}, "resp_unit", "责任单位"),  # no unit
        ("no_town", "town", "所在镇街"),  # no place
        ({"category": None}, "category", "分类"),
        ({"title": " "}, "title", "风险事项内容"),
    ],
)
def test_a_bad_stability_item_is_refused_naming_the_json_field(cast, towns, change, field, words):
    if change == "no_town":
        data = item_data(towns)
        del data["town"]
        change = {"data": data, "place_org": None}
    if field == "resp_unit":
        data = item_data(towns)
        del data["resp_unit"]
        change = {"data": data}
    before = (Case.objects.count(), AuditLog.objects.count())
    response = _client(towns.longquan_user).post(URL, _item(towns, **change), content_type="application/json")
    assert response.status_code == 422, response.content.decode()
    errors = response.json()["detail"]
    assert any(e["field"] in (field, f"data.{field}") for e in errors), errors
    message = " ".join(e["message"] for e in errors)
    assert words in message and not any(c.isascii() and c.isalpha() for c in message.replace(field, ""))
    assert (Case.objects.count(), AuditLog.objects.count()) == before


@pytest.mark.django_db
def test_the_stability_list_of_the_api_gives_nothing_outside_the_callers_scope(cast, towns):
    world = build_ledgers(cast)
    inside, outside = world.stab_case_in, world.stab_case_out
    assert Client().get(URL + "?kind=stability").status_code == 401
    seen = {
        who: {c["id"] for c in _client(getattr(cast, who)).get(URL + "?kind=stability").json()["items"]}
        for who in ("supervisor", "leader", "owner")
    }
    assert seen["supervisor"] == seen["leader"] == {inside.pk, outside.pk}
    assert seen["owner"] == set()  # a project unit is not on the ledger
    # a town of 滕州市 sees neither (it leads neither), 滕州市 sees its own, not 市中区's
    assert not {c["id"] for c in _client(towns.xigang_user).get(URL + "?kind=stability").json()["items"]}
    district = {c["id"] for c in _client(cast.district).get(URL + "?kind=stability").json()["items"]}
    assert inside.pk in district and outside.pk not in district
    for who in (towns.xigang_user, cast.district, cast.owner):
        assert _client(who).get(f"{URL}/{outside.pk}").status_code == 404

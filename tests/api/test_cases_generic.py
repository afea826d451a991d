"""The generic case API: register any kind with its fields (field-level errors), act with any of
its actions (refusals, conflicts), and read the kind's fields masked."""

from __future__ import annotations

import pytest

from liangping.cases.kindload import load_text
from liangping.cases.models import Case
from tests.cases.test_engine import HOTLINE


@pytest.fixture
def hotline(db):
    return load_text(HOTLINE)


BODY = {
    "kind": "hotline_demo",
    "title": "夜间施工噪音",
    "category": "noise",
    "urgency": "normal",
    "channel": "",
    "data": {"name": "张三", "phone": "13800008000"},
}


@pytest.mark.django_db
def test_register_and_act_through_the_api(api_as, cast, hotline):
    client = api_as("supervisor")
    response = client.post("/cases", BODY)
    assert response.status_code == 201, response.content.decode()
    case = response.json()
    assert case["kind"] == "hotline_demo" and case["status_label"] == "待派单"
    assert case["data"]["phone"] == "13800008000"  # the supervisor calls back: in full
    assert case["allowed_actions"] == ["dispatch"] and case["due_at"]
    bad = client.post("/cases", {**BODY, "data": {"name": "张三", "phone": "123"}})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "phone"
    assert "联系电话格式不对" in bad.json()["detail"][0]["message"]
    unknown = client.post("/cases", {**BODY, "kind": "nothing"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["field"] == "kind"
    assert Case.objects.of_kind("hotline_demo").count() == 1

    url = f"/cases/{case['id']}/act"
    missing = client.post(url, {"action": "dispatch", "version": case["version"]})
    assert missing.status_code == 422 and missing.json()["detail"][0]["field"] == "lead_org"
    done = client.post(url, {"action": "dispatch", "version": case["version"], "lead_org": cast.fagai.pk})
    assert done.status_code == 200 and done.json()["status"] == "dispatched"
    stale = client.post(url, {"action": "transfer", "version": case["version"], "lead_org": cast.gongxin.pk})
    assert stale.status_code == 409 and "已被他人处理" in stale.json()["detail"]

    unit = api_as("department")
    seen = unit.get(f"/cases/{case['id']}").json()
    assert seen["data"]["phone"] == "138****8000" and seen["allowed_actions"] == ["return", "accept"]
    refused = unit.post(url, {"action": "dispatch", "version": seen["version"], "lead_org": cast.fagai.pk})
    assert refused.status_code == 403
    assert unit.get("/cases", kind="hotline_demo").json()["count"] == 1
    assert api_as("district").get(f"/cases/{case['id']}").status_code == 404

"""Stability data is internal: no anonymous request — any route of the site with the ids of real
ledger records, the public screen and its data, the disclosure of a published period, the API, the
Open311 endpoints — returns a stability datum, and every ledger page sends an anonymous visitor to
the login page."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import get_resolver

from liangping.cases import engine
from liangping.grading import services as grading
from liangping.stability import services as stab
from tests.security.ledgers_world import build_ledgers
from tests.security.test_authz_matrix import walk

SECRETS = ("示例稳定风险", "包案领导甲", "示例排查", "示例接待地点", "13912345678", "139****5678")


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="ignore")
    return response.content.decode(errors="ignore")


@pytest.mark.django_db
def test_no_anonymous_request_reaches_a_stability_datum(cast):
    world = build_ledgers(cast)
    case = world.stab_case_in
    engine.act(case, "follow_up", actor=cast.supervisor, note="包案领导甲入户走访")
    reception_case = stab.register_from_reception(
        cast.supervisor,
        world.reception_in,
        stab.ItemInput(
            title="示例稳定风险（接待）",
            category="petition",
            urgency="medium",
            data={
                "town": world.town_in.pk,
                "resp_unit": world.town_in.pk,
                "parties_count": 2,
                "rep_phone": "13912345678",
            },
        ),
    )
    period = grading.get_or_create_period("2025-05")
    grading.lock_period(cast.supervisor, period, confirm_unreviewed=True)
    grading.publish_period(cast.supervisor, period)
    ids = [case.pk, reception_case.pk, world.sweep_in.pk, world.reception_in.pk, world.campaign_in.pk]
    anonymous = Client()
    checked = 0
    for name, pattern in walk(get_resolver()):
        paths = {re.sub(r"<int:\w+>", str(i), pattern) for i in ids}
        paths = {re.sub(r"<str:code>", "2025-05", p) for p in paths}
        paths = {re.sub(r"<(?:\w+:)?\w+>", "cases", p) for p in paths}
        for path in sorted(paths):
            response = anonymous.get("/" + path)
            body = _text(response)
            leaked = [s for s in SECRETS if s in body]
            assert not leaked, f"/{path}（{name}）匿名访问泄露了 {leaked}"
            if name.startswith(("stability:", "foodsafety:")):
                assert response.status_code == 302 and "/accounts/login/" in response["Location"], path
            checked += 1
    assert checked > 100
    for path in ("/cases/?kind=stability", "/cases/new/?kind=stability", f"/cases/{case.pk}/"):
        response = anonymous.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for path in ("/api/v1/cases?kind=stability", f"/api/v1/cases/{case.pk}"):
        response = anonymous.get(path)
        assert response.status_code == 401 and not any(s in _text(response) for s in SECRETS)
    for path in ("/screen/data.json", "/screen/", "/disclosure/public/2025-05/"):
        response = anonymous.get(path)
        assert response.status_code == 200 and not any(s in _text(response) for s in SECRETS)
    # A project unit (signed in, not a ledger role) sees none of it either.
    owner = Client()
    owner.force_login(cast.owner)
    assert owner.get("/stability/").status_code == 404
    assert "示例稳定风险" not in _text(owner.get("/cases/?kind=stability"))
    assert "示例稳定风险" not in _text(owner.get("/api/v1/cases?kind=stability"))

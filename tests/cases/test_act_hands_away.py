"""An action that takes the case out of the actor's scope (退单 by the district) lands them on the list
with a message, not on a 404 of the page they just left."""

from __future__ import annotations

import pytest
from django.test import Client

from liangping.cases import engine
from liangping.cases.models import Case
from tests.cast import PASSWORD, Cast

pytestmark = pytest.mark.django_db


def test_return_leads_the_district_back_to_the_list(cast: Cast) -> None:
    case = engine.register(
        "appeal",
        actor=cast.supervisor,
        title="路灯不亮",
        description="善国路路灯不亮",
        category="other",
        urgency="normal",
        data={"requester_name": "吴九", "requester_phone": "13806329999"},
    )
    case = engine.act(case, "dispatch", actor=cast.supervisor, lead_org=cast.tengzhou)
    client = Client()
    assert client.login(username="district", password=PASSWORD)
    url = f"/cases/{case.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        f"{url}act/",
        {"action": "return", "version": case.version, "note": "不属于本单位"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/cases/?kind=appeal"
    assert "已退单。「路灯不亮」已不在您的办理范围内。" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == "returned"
    assert client.get(url).status_code == 404
    # an action that keeps the case in hand still goes back to its page
    case = engine.act(Case.objects.get(pk=case.pk), "dispatch", actor=cast.supervisor, lead_org=cast.tengzhou)
    response = client.post(f"{url}act/", {"action": "accept", "version": case.version, "note": ""})
    assert response.status_code == 302 and response["Location"] == url

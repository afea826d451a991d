"""The lobby's rotation goes on after its last page to the pages of their own — the districts' ranking
(frozen in the published snapshot) and the appeals' figures (aggregates only) — and back, each hop
only once the server answers (screen/hop.js); every parameter is presentation, never data."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def attr(html: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', html)
    return found.group(1).replace("&amp;", "&") if found else ""


def test_the_lobby_hands_over_to_the_districts_then_the_appeals_then_back(client):
    lobby = client.get("/screen/?interval=20&kiosk=1").content.decode()
    assert attr(lobby, "data-beyond") == "/screen/districts/?interval=20&lobby=1&kiosk=1"
    districts = client.get("/screen/districts/?interval=20&lobby=1&kiosk=1")
    assert districts.status_code == 200
    page = districts.content.decode()
    assert 'src="/static/screen/hop.js' in page and 'http-equiv="refresh"' not in page
    assert attr(page, "data-hop-next") == "/screen/appeals/?interval=20&lobby=1&kiosk=1"
    assert attr(page, "data-hop-after") == "20"
    appeals = client.get("/screen/appeals/?interval=20&lobby=1&kiosk=1").content.decode()
    assert attr(appeals, "data-hop-next") == "/screen/?interval=20&kiosk=1" and "hop.js" in appeals


def test_no_hops_when_the_rotation_is_stopped_or_the_page_is_on_its_own(client):
    assert attr(client.get("/screen/?interval=0").content.decode(), "data-beyond") == ""
    on_its_own = client.get("/screen/appeals/").content.decode()
    assert "data-hop-next" not in on_its_own and "hop.js" not in on_its_own
    assert "data-hop-next" not in client.get("/screen/districts/").content.decode()
    stopped = client.get("/screen/appeals/?lobby=1&interval=0").content.decode()
    assert "data-hop-next" not in stopped
    # rubbish is clamped, never echoed
    odd = client.get("/screen/appeals/?lobby=1&interval=<script>").content.decode()
    assert (
        attr(odd, "data-hop-next") == "/screen/?interval=15"
        and "<script>" not in odd.split("<body", 1)[1][:300]
    )
    assert attr(client.get("/screen/?interval=1").content.decode(), "data-beyond").startswith(
        "/screen/districts/?interval=3&lobby=1"
    )

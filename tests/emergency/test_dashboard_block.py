"""The internal dashboard shows this season's 叫应 figures within what the user sees; the roles the flood
pages are not for get no block at all."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from liangping.emergency import queries
from tests.emergency.test_query_counts import issue
from tests.emergency.world import make_point


def dashboard(user) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    response = client.get(reverse("screen:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_dashboard_shows_the_season_figures_of_the_flood_pages(cast):
    for i in range(4):
        make_point(cast.tengzhou, f"D-{i}", f"点{i}", "龙阳镇")
    issue(cast, ["龙阳镇"])
    season = queries.figures(queries.season_calls(cast.district, queries.seasons(cast.district)[0])).total
    assert season.called == 4 and season.answered == 2
    page = dashboard(cast.supervisor)
    assert 'id="sd-flood-block"' in page
    block = page.split('id="sd-flood-block"')[1].split("</section>")[0]
    assert "<b>4</b><small>已确认 2</small>" in block
    assert f"{season.rate:.1f}%" in block and "分钟" in block
    assert "<b>2</b>" in block  # never answered
    assert 'id="sd-flood-block"' not in dashboard(cast.specialist)

"""Every grading page opens on the latest period that has data, not on an empty month: the board,
unit scores and summons list on the latest locked or published period, the ranking on the latest
window with indicator values (its locked period when there is one). The ranking's picker lists
every window that has values."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from liangping.core.models import Period
from liangping.grading import services
from liangping.indicators.demo import load_indicator_demo
from tests.cast import Cast


def selected(html: str) -> str:
    return re.search(r'<option value="([^"]+)" selected>', html)[1]  # type: ignore[index]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/grading/", "/grading/units/", "/grading/summons/"])
def test_grade_pages_open_on_the_latest_locked_period(client: Client, cast: Cast, url: str) -> None:
    services.lock_period(cast.supervisor, services.get_or_create_period("2025-06"), confirm_unreviewed=True)
    services.get_or_create_period("2025-08")  # open and later: not where the pages open
    client.force_login(cast.supervisor)
    assert selected(client.get(url).content.decode()) == "2025-06"


@pytest.mark.django_db
def test_ranking_opens_on_the_latest_window_with_values_and_lists_every_window(
    client: Client, cast: Cast
) -> None:
    load_indicator_demo()  # 2022年1-6月 and 2025年1-6月
    client.force_login(cast.leader)
    html = client.get("/grading/ranking/").content.decode()
    assert selected(html) == "2025-06" and "枣庄" in html
    assert 'value="2022-06"' in html  # the earlier window is in the picker
    assert not Period.objects.filter(code__in=["2022-06", "2025-06"]).exists()  # without being stored


@pytest.mark.django_db
def test_ranking_prefers_the_locked_quarter_of_that_window(client: Client, cast: Cast) -> None:
    load_indicator_demo()
    quarter = services.get_or_create_period("2025Q2")
    services.lock_period(cast.supervisor, quarter, confirm_unreviewed=True)
    client.force_login(cast.leader)
    html = client.get("/grading/ranking/").content.decode()
    assert selected(html) == "2025Q2"
    assert 'value="2022-06"' in html  # the other windows stay in the picker


@pytest.mark.django_db
def test_api_and_export_default_to_the_same_period(client: Client, cast: Cast) -> None:
    services.lock_period(cast.supervisor, services.get_or_create_period("2025-06"), confirm_unreviewed=True)
    client.force_login(cast.supervisor)
    body = client.get("/api/v1/grading/board").json()
    assert body["period"]["code"] == "2025-06"

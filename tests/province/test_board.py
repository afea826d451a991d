"""The province's board: every city's key projects of the locked period, ranked, for the province only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from liangping.grading import services as grading
from liangping.province.board import province_board
from tests.province.world import build_jinan

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_board_groups_the_locked_period_by_city(cast, tmp_path, django_assert_max_num_queries):
    jinan = build_jinan(cast, tmp_path)
    assert province_board().snapshot is None
    period = grading.get_or_create_period("2025-05")
    grading.lock_period(jinan.provincial, period, confirm_unreviewed=True)
    board = province_board()
    rows = {r.city.name: r for r in board.cities}
    assert (rows["枣庄市"].graded, rows["济南市"].graded) == (2, 1)
    assert (rows["枣庄市"].provincial, rows["济南市"].provincial) == (1, 1)
    for row in rows.values():
        assert row.blue + row.yellow + row.red <= row.graded
        assert row.rank is not None and row.gap is not None and row.change_card == "—"  # no earlier period
    assert sorted(r.rank for r in rows.values()) in ([1, 2], [1, 1])
    assert {p.item.code: p.city for p in board.provincial} == {
        "ZZ-2025-001": "枣庄市",
        "JN-2025-001": "济南市",
    }
    client = _client(jinan.provincial)
    client.get(reverse("province:board"))
    with django_assert_max_num_queries(14):
        page = client.get(reverse("province:board"))
    text = page.content.decode()
    assert page.status_code == 200 and "枣庄市" in text and "济南市" in text and "JN-2025-001" in text
    # a city's supervisors have no province board
    assert _client(cast.supervisor).get(reverse("province:board")).status_code == 404
    assert _client(jinan.supervisor).get(reverse("province:board")).status_code == 404

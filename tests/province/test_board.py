"""The province's board: every city's key projects in that city's own latest locked period, ranked, for
the province only; a city without one shows no figures; the page costs the same whatever the cities."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liangping.core.models import Org, OrgKind
from liangping.grading import services as grading
from liangping.grading.models import Snapshot
from liangping.projects.models import Level, Project, Stage
from liangping.province.board import NO_PERIOD, province_board
from tests.province.cities import build_second_city
from tests.province.world import build_jinan

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _lock(code: str, city: Org) -> Snapshot:
    return grading.lock_period(None, grading.get_or_create_period(code, city.pk), confirm_unreviewed=True)


def _mean(snapshot: Snapshot, key: str) -> Decimal:
    values = [
        Decimal(v) for v in snapshot.items.filter(kind="project").values_list(f"figures__{key}", flat=True)
    ]
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"))


def _add_city(province: Org, code: str, name: str, n: int, *, lock: str | None = "2026-09") -> Org:
    """A city under the province with `n` projects of its own (one provincial), its `lock` period locked."""
    city = Org.objects.create(name=name, kind=OrgKind.CITY, code=code, parent=province)
    district = Org.objects.create(
        name=f"{name}示例区", kind=OrgKind.DISTRICT, code=f"{code[:4]}02", parent=city
    )
    for i in range(n):
        Project.objects.create(
            code=f"C{code}-{i}",
            name=f"{name}示例项目{i}",
            level=Level.PROVINCIAL if i == 0 else Level.CITY,
            district=district,
            total_investment=Decimal("1000"),
            annual_plan=Decimal("100"),
            stage=Stage.CONSTRUCTION,
            planned_start=dt.date(2025, 1, 1),
            planned_end=dt.date(2028, 1, 1),
        )
    if lock is not None:
        _lock(lock, city)
    return city


def test_the_board_groups_each_citys_own_locked_period(cast, tmp_path):
    jinan = build_jinan(cast, tmp_path)
    board = province_board()
    assert not board.any_period
    assert {r.city.name: r.period_label for r in board.cities} == {"枣庄市": NO_PERIOD, "济南市": NO_PERIOD}
    # the province's own period is no city's: it shows nothing on the board
    grading.lock_period(
        jinan.provincial, grading.get_or_create_period("2025-05", None), confirm_unreviewed=True
    )
    assert not province_board().any_period
    _lock("2025-05", cast.city)
    _lock("2025-05", jinan.city)
    board = province_board()
    rows = {r.city.name: r for r in board.cities}
    assert (rows["枣庄市"].graded, rows["济南市"].graded) == (2, 1)
    assert (rows["枣庄市"].provincial, rows["济南市"].provincial) == (1, 1)
    for row in rows.values():
        assert (
            row.period_label == "2025年5月" and row.period is not None and row.period.tenant_id == row.city.pk
        )
        assert row.blue + row.yellow + row.red <= row.graded
        assert row.rank is not None and row.gap is not None and row.change_card == "—"  # no earlier period
    assert sorted(r.rank for r in rows.values()) in ([1, 2], [1, 1])
    assert {p.item.code: (p.city, p.period) for p in board.provincial} == {
        "ZZ-2025-001": ("枣庄市", "2025年5月"),
        "JN-2025-001": ("济南市", "2025年5月"),
    }
    client = _client(jinan.provincial)
    page = client.get(reverse("province:board"))
    text = page.content.decode()
    assert page.status_code == 200 and "枣庄市" in text and "济南市" in text and "JN-2025-001" in text
    # a city's supervisors have no province board
    assert _client(cast.supervisor).get(reverse("province:board")).status_code == 404
    assert _client(jinan.supervisor).get(reverse("province:board")).status_code == 404


def test_each_city_shows_its_own_latest_period_and_figures(cast):
    jn = build_second_city(cast)
    _lock("2026-09", cast.city)
    zz_october = _lock("2026-10", cast.city)
    jn_august = _lock("2026-08", jn.city)
    jn_september = _lock("2026-09", jn.city)
    grading.publish_period(jn.supervisor, jn_september.period)
    _add_city(jn.province, "370200", "青岛市", 1, lock=None)
    board = province_board()
    rows = {r.city.name: r for r in board.cities}
    zz, jnr, qd = rows["枣庄市"], rows["济南市"], rows["青岛市"]
    assert (zz.period_label, jnr.period_label, qd.period_label) == ("2026年10月", "2026年9月", NO_PERIOD)
    assert zz.period is not None and zz.period.pk == zz_october.period_id
    assert jnr.period is not None and jnr.period.pk == jn_september.period_id
    # each city's figures are its own period's: its projects, its time progress
    assert (zz.graded, jnr.graded) == (2, 1)
    assert zz.time_progress == _mean(zz_october, "time_progress")
    assert jnr.time_progress == _mean(jn_september, "time_progress")
    assert zz.time_progress != jnr.time_progress
    assert (zz.completion, zz.gap) == (_mean(zz_october, "completion"), _mean(zz_october, "gap"))
    assert (jnr.completion, jnr.gap) == (_mean(jn_september, "completion"), _mean(jn_september, "gap"))
    assert zz.blue + zz.yellow + zz.red == zz.graded and jnr.blue + jnr.yellow + jnr.red == jnr.graded
    # ranked by the gap; 济南's earlier ranking (2026-08, alone: 1st) gives its card, 枣庄's 2026-09 its own
    assert {zz.rank, jnr.rank} <= {1, 2} and zz.rank is not None and jnr.rank is not None
    assert jnr.prev_rank is not None and zz.prev_rank is not None
    assert jn_august.period.label == "2026年8月"
    # a city without a locked period: no figures, no rank, its note
    assert (qd.period, qd.graded, qd.provincial, qd.rank, qd.gap, qd.completion) == (
        None,
        0,
        0,
        None,
        None,
        None,
    )
    assert board.cities[-1] == qd
    text = _client(jn.provincial).get(reverse("province:board")).content.decode()
    table = text.split("<h2>各市排名</h2>")[1].split("</table>")[0]
    assert "2026年10月" in table and "2026年9月" in table and NO_PERIOD in table
    assert table.index("青岛市") > table.index("济南市") and table.index("青岛市") > table.index("枣庄市")


def test_a_city_ranks_against_the_others_and_its_earlier_rank_gives_its_card(cast):
    jn = build_second_city(cast)
    # 济南's project: annual plan 100000, 90000 reported by 2025-06 (ahead); 枣庄's: behind
    for code in ("2025-05", "2025-06"):
        _lock(code, cast.city)
    _lock("2025-06", jn.city)
    rows = {r.city.name: r for r in province_board().cities}
    assert rows["济南市"].rank == 1 and rows["枣庄市"].rank == 2
    assert rows["枣庄市"].prev_rank == 1  # alone in its 2025-05 ranking
    assert rows["枣庄市"].change_card.startswith("↓") and rows["济南市"].change_card == "—"


def _board_queries(client: Client) -> int:
    client.get(reverse("province:board"))  # warm: the session
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("province:board"))
    assert page.status_code == 200
    return len(ctx)


def test_the_board_costs_the_same_for_2_and_4_cities(cast, django_assert_max_num_queries):
    jn = build_second_city(cast)
    _lock("2026-09", cast.city)
    _lock("2026-08", jn.city)
    _lock("2026-09", jn.city)
    client = _client(jn.provincial)
    two = _board_queries(client)
    _add_city(jn.province, "370200", "青岛市", 3, lock="2026-10")
    _add_city(jn.province, "370300", "淄博市", 2, lock="2026-08")
    four = _board_queries(client)
    assert four == two
    with django_assert_max_num_queries(two):
        page = client.get(reverse("province:board"))
    rows = {r.city.name: r for r in page.context["board"].cities}
    assert (rows["青岛市"].period_label, rows["淄博市"].period_label) == ("2026年10月", "2026年8月")
    assert (rows["青岛市"].graded, rows["淄博市"].graded, rows["青岛市"].provincial) == (3, 2, 1)

"""screen_data: the latest published snapshot as plain data; nothing unpublished ever shows."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liangping.grading import services
from liangping.grading.rules import DEFAULT_RULES
from liangping.screen.data import screen_data, snapshot_data
from liangping.screen.figures import distance_text, fixed, points, relation_text, yi
from tests.screen.world import add_unpublished, report


@pytest.mark.django_db
def test_nothing_published(cast):
    assert screen_data() == {"published": False}
    june = services.get_or_create_period("2025Q2")
    services.lock_period(cast.supervisor, june)  # locked is not published
    assert screen_data() == {"published": False}


@pytest.mark.django_db
def test_screen_data_of_the_published_quarter(world):
    data = screen_data()
    json.dumps(data)  # plain, JSON-able
    assert data["published"] is True and data["title"] == "2025年第二季度重点工作进展情况"
    as_of = data["as_of"]
    assert (as_of["period"], as_of["label"], as_of["version"]) == ("2025Q2", "2025年第二季度", 1)
    assert as_of["published_at"] and as_of["locked_at"] and "2025年第二季度" in as_of["text"]
    ov = data["overview"]
    assert ov["projects"] == {"blue": 1, "yellow": 1, "red": 1, "none": 1, "total": 4, "graded": 3}
    # sums of the snapshot's figures, exact: plan 300000 + 20000 + 10000, done 150000 + 2000 + 4500
    assert Decimal(ov["annual_plan"]) == Decimal("330000")
    assert Decimal(ov["ytd_investment"]) == Decimal("156500")
    assert Decimal(ov["completion"]) == Decimal("156500") * 100 / Decimal("330000")
    assert Decimal(ov["time_progress"]) == 50
    assert ov["display"] == {
        "annual_plan": "33.00",
        "ytd_investment": "15.65",
        "completion": "47.42",
        "time_progress": "50.00",
        "gap": "−2.58",
        "relation": "滞后时序进度2.58个百分点",
    }
    districts = {d["name"]: d for d in data["districts"]}
    assert list(districts) == ["滕州市", "市中区"]  # org order
    assert districts["滕州市"]["projects"]["blue"] == 1 and districts["滕州市"]["projects"]["yellow"] == 1
    assert districts["市中区"]["projects"] == {
        "blue": 0,
        "yellow": 0,
        "red": 1,
        "none": 1,
        "total": 2,
        "graded": 1,
    }
    assert districts["市中区"]["display"]["completion"] == "10.00"
    red = data["red"]
    assert [(r["code"], r["name"], r["district"], r["leader"], r["reason"]) for r in red] == [
        ("ZZ-2025-002", "示例智慧物流项目", "市中区", "领导乙", "滞后时序进度40个百分点")
    ]
    assert [(r["code"], r["reason"]) for r in data["yellow"]] == [("ZZ-2025-003", "滞后时序进度5个百分点")]
    tasks = data["tasks"]
    assert tasks["counts"]["red"] == 1 and tasks["counts"]["blue"] == 1
    assert tasks["rows"][0]["grade"] == "red" and tasks["rows"][0]["reason"] == "节点逾期：产业链招商"
    assert tasks["rows"][0]["leader"] == "领导甲"
    ranking = data["ranking"]
    assert ranking["city"] == "枣庄" and ranking["count"] == 15
    # the demo's 2025 H1 ranks of 枣庄, against 2025 Q1's
    assert [i["rank"] for i in ranking["indicators"]] == [4, 3, 6, 7, 2, 3, 5, 1, 6, 2, 4, 6, 7, 6, 8]
    assert ranking["top10"] == 15 and ranking["top5"] == 8 and ranking["top3"] == 5
    gdp = ranking["indicators"][0]
    assert (gdp["name"], gdp["prev_rank"], gdp["change"], gdp["change_card"]) == (
        "地区生产总值",
        6,
        2,
        "↑2 进位",
    )
    assert gdp["grade"] == "blue" and set(gdp["distances"]) == {"10", "5", "3"}
    assert gdp["distance_text"]["10"].startswith("已超 ") and gdp["distance_text"]["3"].startswith("差 ")
    units = data["units"]
    assert [u["name"] for u in units["districts"]] == ["滕州市", "市中区"]
    assert units["districts"][0]["score_text"] == "75.00" and units["districts"][0]["rank"] == 1
    assert units["districts"][0]["change_card"] == "— 持平"
    assert [s["code"] for s in data["summons"]] == ["ZZ-2025-002"]  # red in Q1 and Q2
    assert data["summons"][0]["leader"] == "领导乙" and "leader_id" not in json.dumps(data)  # no account ids


@pytest.mark.django_db
def test_unpublished_periods_never_show(world):
    before = screen_data()
    q3, july = add_unpublished(world)
    assert q3.status == "locked" and july.status == "open"
    assert screen_data() == before  # still 2025Q2
    # re-opening the published quarter takes it off the screen: the previous one shows
    services.reopen_period(world.cast.supervisor, world.q2, "更正6月调度")
    data = screen_data()
    assert data["as_of"]["period"] == "2025Q1" and data["title"] == "2025年第一季度重点工作进展情况"
    # re-locked but not yet re-published: still not shown
    services.lock_period(world.cast.supervisor, world.q2)
    assert screen_data()["as_of"]["period"] == "2025Q1"
    services.publish_period(world.cast.supervisor, world.q2)
    data = screen_data()
    assert (data["as_of"]["period"], data["as_of"]["version"]) == ("2025Q2", 2)


@pytest.mark.django_db
def test_a_later_edit_never_changes_the_published_figures(world):
    before = screen_data()
    report(world.cast.outside, dt.date(2025, 6, 1), "20000")  # would be blue if graded live
    assert screen_data() == before


@pytest.mark.django_db
def test_snapshot_data_refuses_a_superseded_version(world):
    first = services.current_snapshot(world.q2)
    services.reopen_period(world.cast.supervisor, world.q2, "更正")
    services.lock_period(world.cast.supervisor, world.q2)
    with pytest.raises(ValueError, match="不是"):
        snapshot_data(first)  # type: ignore[arg-type]


def test_display_helpers():
    assert fixed(Decimal("47.424242")) == "47.42" and fixed(Decimal("0.005")) == "0.01" and fixed(None) == "—"
    assert yi(Decimal("156500")) == "15.65"
    assert (
        points(Decimal("-2.575")) == "−2.58"
        and points(Decimal("3")) == "+3.00"
        and points(Decimal("0.001")) == "0.00"
    )
    # one wording on the pages, the screen, the disclosure and the exports
    assert distance_text(Decimal("2.14")) == "差 2.1 个百分点"
    assert distance_text(Decimal("-1")) == "已超 1.0 个百分点"
    assert distance_text(Decimal("0.04")) == "差 0.04 个百分点"  # never "差 0.0"
    assert distance_text(Decimal(0)) == "已达到" and distance_text(None) == "—"
    assert relation_text(Decimal("23.499")) == "超过时序进度23.50个百分点"
    assert relation_text(Decimal("-0.001")) == "与时序进度持平" and relation_text(None) == "暂无时序进度比较"


def _many(cast, n: int) -> None:
    from liangping.projects.models import Project
    from tests.screen.world import extra_project

    Project.objects.update(plan_year=2025)
    for i in range(n):
        p = extra_project(
            cast,
            f"ZZ-2025-{100 + i:03d}",
            f"示例项目{i}",
            "1000",
            district=[cast.tengzhou, cast.shizhong][i % 2],
        )
        report(p, dt.date(2025, 6, 1), str(200 + 40 * (i % 10)))  # 20 % … 56 %: red, yellow and blue
    q2 = services.get_or_create_period("2025Q2")
    services.lock_period(cast.supervisor, q2)
    services.publish_period(cast.supervisor, q2)


@pytest.mark.django_db
@pytest.mark.parametrize("n", [20, 200])
def test_constant_queries(cast, n, django_assert_max_num_queries):
    _many(cast, n)
    with CaptureQueriesContext(connection) as cold:
        data = screen_data()
    assert data["overview"]["projects"]["total"] == n + 2
    assert len(cold.captured_queries) <= 18  # 16 for the snapshot's data, 2 for the trend lines
    with django_assert_max_num_queries(2):  # warm: which snapshot is the latest, then the cache
        assert screen_data() == data


@pytest.mark.django_db
def test_same_query_count_at_20_and_200(cast):
    """The same period published with 20 projects, then re-locked with 200: the same number of queries."""
    from liangping.projects.models import Project
    from tests.screen.world import extra_project

    counts = []
    Project.objects.update(plan_year=2025)
    period = services.get_or_create_period("2025-06")
    for start, n in ((0, 20), (20, 180)):
        for i in range(start, start + n):
            p = extra_project(cast, f"ZZ-2025-{100 + i:03d}", f"示例项目{i}", "1000")
            report(p, dt.date(2025, 6, 1), str(200 + 40 * (i % 10)))
        if start:
            services.reopen_period(cast.supervisor, period, "补充项目")
        services.lock_period(cast.supervisor, period)
        services.publish_period(cast.supervisor, period)
        with CaptureQueriesContext(connection) as ctx:
            data = screen_data()
        assert data["overview"]["projects"]["total"] == start + n + 2
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_latest_published_snapshot_matches_the_orm_and_breaks_ties_by_publication(world):
    from liangping.grading.models import Snapshot
    from liangping.screen.data import latest_published_snapshot

    def orm():  # type: ignore[no-untyped-def]
        return (
            Snapshot.objects.filter(period__status="published")
            .order_by("-period__year", "-period__month", "-period__published_at", "-period__id", "-version")
            .first()
        )

    assert latest_published_snapshot() == orm() == services.current_snapshot(world.q2)
    june = services.get_or_create_period("2025-06")  # the same (year, month) as 2025Q2, published later
    services.lock_period(world.cast.supervisor, june)
    assert latest_published_snapshot() == orm() == services.current_snapshot(world.q2)
    services.publish_period(world.cast.supervisor, june)
    assert latest_published_snapshot() == orm() == services.current_snapshot(june)
    assert screen_data()["title"] == "2025年6月重点工作进展情况"


@pytest.mark.django_db
def test_overview_time_progress_follows_the_snapshots_rule_set(world):
    """A rule set in day mode grades 2025Q2 with 181/365 elapsed; the overview says the same, and a
    later change of the active rule set does not move the published figure."""
    supervisor = world.cast.supervisor
    services.reopen_period(supervisor, world.q2, "按日计算时序进度")
    services.save_ruleset(supervisor, {**copy.deepcopy(DEFAULT_RULES), "time_progress": "day"}, "按日")
    services.lock_period(supervisor, world.q2, confirm_unreviewed=True)
    services.publish_period(supervisor, world.q2)
    day = Decimal(181) * 100 / 365
    ov = screen_data()["overview"]
    assert Decimal(ov["time_progress"]) == day and ov["display"]["time_progress"] == fixed(day)
    services.save_ruleset(supervisor, copy.deepcopy(DEFAULT_RULES), "按月")
    cache.clear()
    assert Decimal(screen_data()["overview"]["time_progress"]) == day


@pytest.mark.django_db
def test_trend_runs_over_the_published_periods_and_a_reopened_one_changes_the_etag(world):
    from liangping.screen.data import etag_for, latest_published_snapshot

    data = screen_data()
    points = data["trend"]
    assert [p["period"] for p in points] == ["2025Q1", "2025Q2"]  # published only, oldest first
    last = points[-1]
    ov = data["overview"]
    assert last["completion"] == ov["completion"] and last["time_progress"] == ov["time_progress"]
    assert [last["blue"], last["yellow"], last["red"]] == [
        ov["projects"][g] for g in ("blue", "yellow", "red")
    ]
    before = etag_for(latest_published_snapshot())
    services.reopen_period(world.cast.supervisor, world.q1, "更正一季度数据")
    assert etag_for(latest_published_snapshot()) != before
    assert [p["period"] for p in screen_data()["trend"]] == ["2025Q2"]
